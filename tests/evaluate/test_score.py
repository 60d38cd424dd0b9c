"""Relation and triple scores, the report's shape, and the gold scoring 1.0 against itself."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.core.records import Mention, Relation
from curation.core.schema import load_schema
from curation.evaluate.predictions import SystemOutput, Triple, parse_predictions
from curation.evaluate.relations import max_matching
from curation.evaluate.score import gold_from_rows, score
from curation.evaluate.tables import render_report

SCHEMA = load_schema()
SYMMETRIC = {r.label for r in SCHEMA.relation_types if r.symmetric}


def row(doc_id, language, text, mentions, relations, entities=()):
    """A documents-config row; mentions are (id, surface, type, entity id), found in the text."""
    ms, where = [], {}
    for mention_id, surface, label, entity in mentions:
        start = text.index(surface)
        ms.append({"id": mention_id, "start": start, "end": start + len(surface), "text": surface,
                   "type": label, "entity_id": entity})  # fmt: skip
        where[mention_id] = entity
    rels = [{"id": f"r{k}", "type": label, "head": where[h], "tail": where[t], "head_mention": h, "tail_mention": t}
            for k, (label, h, t) in enumerate(relations, start=1)]  # fmt: skip
    return {"doc_id": doc_id, "language": language, "text": text, "mentions": ms, "relations": rels,
            "entities": [{"id": i, "type": ty, "name": n} for i, ty, n in entities]}  # fmt: skip


def figures(block):
    return block["correct"], block["missed"], block["spurious"], block["precision"], block["recall"], block["f1"]


# --- relations -----------------------------------------------------------------------------------

TEXT = "Kim Jong Un met Vladimir Putin at Vostochny in Russia."
#       a = [0, 11) PER   b = [16, 30) PER   c = [34, 43) FAC   d = [47, 53) GPE   "Putin" = [25, 30)
RELATION_GOLD = row(
    "d1", "en", TEXT,
    [("a", "Kim Jong Un", "PER", "kim_jong_un"), ("b", "Vladimir Putin", "PER", "vladimir_putin"),
     ("c", "Vostochny", "FAC", "vostochny_cosmodrome"), ("d", "Russia", "GPE", "russia")],
    [("met_with", "a", "b"), ("visited", "a", "c"), ("located_in", "c", "d"), ("visited", "a", "d")],
)  # fmt: skip
RELATION_PRED = SystemOutput(
    "d1",
    mentions=(
        Mention("a", 0, 11, "Kim Jong Un", "PER"),
        Mention("b", 16, 30, "Vladimir Putin", "PER"),
        Mention("c", 34, 43, "Vostochny", "LOC"),
        Mention("d", 47, 53, "Russia", "GPE"),
        Mention("e", 25, 30, "Putin", "PER"),
    ),  # fmt: skip
    relations=(
        Relation("1", "met_with", "b", "a"),  # reversed, but met_with is symmetric: correct
        Relation("2", "visited", "a", "c"),  # right spans, but c is typed LOC: boundaries only
        Relation("3", "located_in", "d", "c"),  # reversed, not symmetric: wrong
        Relation("4", "visited", "a", "d"),  # correct
        Relation("5", "met_with", "a", "b"),  # the same relation as 1 again: counts once
        Relation("6", "visited", "e", "d"),  # "Putin" is no gold argument: wrong
    ),
)


def test_relations_strict_and_boundaries_by_hand():
    report = score(gold_from_rows([RELATION_GOLD]), {"d1": RELATION_PRED}, symmetric=SYMMETRIC)
    rel = report["relations"]
    # strict: 5 distinct predictions (1 and 5 are one), 4 gold. Correct: met_with, visited(a, d) = 2.
    #   P = 2/5 = 0.4, R = 2/4 = 0.5, F1 = 2(0.2)/0.9 = 0.4444...
    assert figures(rel["strict"]) == (2, 2, 3, 0.4, 0.5, pytest.approx(4 / 9))
    # boundaries: also visited(a, c) -> 3 correct. P = 3/5 = 0.6, R = 3/4, F1 = 2(0.45)/1.35 = 2/3
    assert figures(rel["boundaries"]) == (3, 1, 2, 0.6, 0.75, pytest.approx(2 / 3))
    assert (rel["strict"]["possible"], rel["strict"]["actual"]) == (4, 5)
    by_type = report["by_type"]["relations"]
    assert figures(by_type["met_with"]["strict"])[:3] == (1, 0, 0)
    assert figures(by_type["visited"]["strict"])[:3] == (1, 1, 2)  # visited(a,c) missed; (a,c:LOC), (e,d) spurious
    assert figures(by_type["visited"]["boundaries"])[:3] == (2, 0, 1)
    assert figures(by_type["located_in"]["strict"])[:3] == (0, 1, 1)


def test_symmetric_relations_need_the_schema():
    report = score(gold_from_rows([RELATION_GOLD]), {"d1": RELATION_PRED}, symmetric=())
    # Without symmetry met_with(b, a) is wrong and met_with(a, b) (relation 5) is right: 6 distinct, 2 correct.
    assert figures(report["relations"]["strict"])[:3] == (2, 2, 4)


# --- triples -------------------------------------------------------------------------------------

AR = row(
    "t1", "ar", "كيم جونغ أون التقى بوتين وزار روسيا.",
    [("k", "كيم جونغ أون", "PER", "kim_jong_un"), ("p", "بوتين", "PER", "vladimir_putin"), ("r", "روسيا", "GPE", "russia")],
    [("met_with", "k", "p"), ("visited", "k", "r")],
)  # fmt: skip
EN = row(
    "t2", "en", "Vladimir Putin met Kim Jong Un, who visited Russia.",
    [("p", "Vladimir Putin", "PER", "vladimir_putin"), ("k", "Kim Jong Un", "PER", "kim_jong_un"), ("r", "Russia", "GPE", "russia")],
    [("met_with", "p", "k"), ("visited", "k", "r")],
)  # fmt: skip
TRIPLES = {
    "t1": SystemOutput("t1", triples=(
        Triple("بُوتِين", "met_with", "كيم جونغ اون"),  # diacritics, bare alef, reversed symmetric: match
        Triple("Kim Jong Un", "visited", "روسيا"),  # aliases from the English document: match
        Triple("كيم جونغ أون", "visited", "Russia"),  # the same fact again (one-to-one): spurious
        Triple("KIM  JONG UN", "visited", "روسيا"),  # normalizes to the second triple: counted once
        Triple("Putin", "supplies", "Kim Jong Un"),  # no such gold fact: spurious
    )),
    "t2": SystemOutput("t2", triples=(Triple("Kim Jong Un", "visited", "Russia"),)),  # met_with missed
}  # fmt: skip


def test_triples_per_document_and_corpus_by_hand():
    report = score(gold_from_rows([AR, EN]), TRIPLES, symmetric=SYMMETRIC)
    tri = report["triples"]
    # document: t1 has 4 distinct predictions, 2 correct, 2 spurious; t2 1 correct, 1 missed.
    #   total 3 correct, 1 missed, 2 spurious: P = 3/5 = 0.6, R = 3/4 = 0.75, F1 = 0.9/1.35 = 2/3
    assert figures(tri["document"]) == (3, 1, 2, 0.6, 0.75, pytest.approx(2 / 3))
    # corpus: gold graph {met_with(kim, putin), visited(kim, russia)} (t2's met_with is the same fact);
    #   predicted graph: 4 from t1 + ("kim jong un", visited, "russia") from t2 = 5 distinct strings.
    #   met_with matched once, visited matched once (3 candidates): 2 correct, 3 spurious, 0 missed.
    #   P = 2/5 = 0.4, R = 1, F1 = 0.8/1.4 = 4/7
    assert figures(tri["corpus"]) == (2, 0, 3, 0.4, 1.0, pytest.approx(4 / 7))
    ar, en = report["by_language"]["ar"]["triples"], report["by_language"]["en"]["triples"]
    assert figures(ar["document"])[:3] == figures(ar["corpus"])[:3] == (2, 0, 2)
    assert figures(en["document"])[:3] == figures(en["corpus"])[:3] == (1, 1, 0)
    by_type = report["by_type"]["triples"]
    assert figures(by_type["met_with"]["document"])[:3] == (1, 1, 0)
    assert figures(by_type["visited"]["document"])[:3] == (2, 0, 1)
    assert figures(by_type["visited"]["corpus"])[:3] == (1, 0, 2)
    assert figures(by_type["supplies"]["corpus"])[:3] == (0, 0, 1)


def test_triples_match_names_and_extra_aliases_only_after_normalization():
    gold = gold_from_rows([AR], aliases={"vladimir_putin": ["Путин"]})
    outputs = {"t1": SystemOutput("t1", triples=(Triple("ПУТИН", "met_with", "كيم جونغ إون"),
                                                 Triple("Kim", "visited", "روسيا")))}  # fmt: skip
    report = score(gold, outputs, symmetric=SYMMETRIC)
    # "ПУТИН" casefolds to the extra alias; "إون" (alef with hamza below) is "أون"; "Kim" is no alias.
    assert figures(report["triples"]["document"])[:3] == (1, 1, 1)


def test_maximum_matching_finds_the_assignment_a_greedy_pass_misses():
    # left 0 may take A or B, left 1 only A: greedy gives 0 -> A and leaves 1 unmatched.
    assert max_matching([["A", "B"], ["A"]]) == {"B": 0, "A": 1}
    assert max_matching([["A"], ["A"], []]) == {"A": 0}


# --- the report ----------------------------------------------------------------------------------


def test_report_shape_and_missing_documents_count_as_empty():
    report = score(gold_from_rows([RELATION_GOLD, AR, EN]), {"t2": TRIPLES["t2"]}, symmetric=SYMMETRIC)
    assert list(report) == ["ner", "relations", "triples", "by_language", "by_type"]
    assert list(report["ner"]) == ["strict", "exact", "partial", "ent_type"]
    assert list(report["ner"]["strict"]) == ["precision", "recall", "f1", "correct", "incorrect", "partial",
                                             "missed", "spurious", "possible", "actual"]  # fmt: skip
    assert list(report["relations"]) == ["strict", "boundaries"]
    assert list(report["triples"]) == ["document", "corpus"]
    assert list(report["relations"]["strict"]) == ["precision", "recall", "f1", "correct", "missed", "spurious",
                                                   "possible", "actual"]  # fmt: skip
    assert list(report["by_language"]) == ["ar", "en"]
    assert list(report["by_language"]["en"]) == ["ner", "relations", "triples"]
    assert list(report["by_type"]) == ["ner", "relations", "triples"]
    assert list(report["by_type"]["ner"]) == ["FAC", "GPE", "PER"]
    # Nothing predicted for d1 and t1: all their 4 + 3 + 3 gold mentions are missed; t2's too (triples only).
    assert report["ner"]["strict"]["missed"] == 10 and report["ner"]["strict"]["actual"] == 0
    assert report["ner"]["strict"]["f1"] == 0.0
    assert report["relations"]["strict"]["missed"] == 8


def test_tables_name_every_block():
    text = render_report(score(gold_from_rows([RELATION_GOLD]), {"d1": RELATION_PRED}, symmetric=SYMMETRIC))
    lines = text.splitlines()
    assert lines[0] == "== Overall =="
    assert lines[1].split() == ["precision", "recall", "f1", "correct", "incorrect", "partial", "missed",
                                "spurious", "possible", "actual"]  # fmt: skip
    # a, b, d exact; c typed LOC (incorrect); "Putin" overlaps b, already taken (spurious).
    #   P = 3/5 = 0.6, R = 3/4 = 0.75, F1 = 0.9/1.35 = 0.6667
    assert lines[2].split() == ["ner", "strict", "0.6000", "0.7500", "0.6667", "3", "1", "0", "0", "1", "4", "5"]
    assert lines[6].split() == ["relations", "strict", "0.4000", "0.5000", "0.4444", "2", "-", "-", "2", "3", "4", "5"]
    assert "== Language en ==" in lines and "== Relations by type ==" in lines
    assert "visited boundaries" in text


# --- the gold against itself ---------------------------------------------------------------------

LABELS = sorted(SCHEMA.entity_labels)
RELATIONS = sorted(SCHEMA.relations)


@st.composite
def gold_rows(draw):
    """Random documents whose entities each have their own surface form."""
    rows = []
    for k in range(draw(st.integers(1, 4))):
        n = draw(st.integers(0, 8))
        entities = [f"e{draw(st.integers(0, 6))}" for _ in range(n)]
        words = [f"W{e[1:]}" for e in entities]  # entity e3 is always written W3
        text = " ".join(words) + " ."
        mentions, start = [], 0
        for i, (entity, word) in enumerate(zip(entities, words)):
            mentions.append((f"m{i}", start, start + len(word), word, draw(st.sampled_from(LABELS)), entity))
            start += len(word) + 1
        rels = []
        if n:
            for _ in range(draw(st.integers(0, 5))):
                h, t = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
                rels.append((draw(st.sampled_from(RELATIONS)), h, t))
        rows.append({
            "doc_id": f"doc{k}", "language": draw(st.sampled_from(["en", "ar", "sw"])), "text": text,
            "mentions": [{"id": i, "start": s, "end": e, "text": w, "type": ty, "entity_id": en}
                         for i, s, e, w, ty, en in mentions],
            "entities": [],
            "relations": [{"id": f"r{j}", "type": lab, "head": mentions[h][5], "tail": mentions[t][5],
                           "head_mention": f"m{h}", "tail_mention": f"m{t}"} for j, (lab, h, t) in enumerate(rels)],
        })  # fmt: skip
    return rows


def gold_as_prediction(rows) -> list[str]:
    import json

    return [json.dumps({"doc_id": r["doc_id"], "mentions": r["mentions"],
                        "relations": [{"head": x["head_mention"], "tail": x["tail_mention"], "type": x["type"]}
                                      for x in r["relations"]]}) for r in rows]  # fmt: skip


def perfect(block):
    return block["possible"] == 0 or (block["precision"], block["recall"], block["f1"]) == (1.0, 1.0, 1.0)


@settings(max_examples=150, deadline=None)
@given(rows=gold_rows())
def test_the_gold_scored_against_itself_is_one_everywhere(rows):
    gold = gold_from_rows(rows)
    outputs = parse_predictions(
        gold_as_prediction(rows), texts=gold.texts, entity_types=LABELS, relation_types=RELATIONS
    )
    report = score(gold, outputs, symmetric=SYMMETRIC, resamples=50)
    blocks = [report["ner"], report["relations"], report["triples"]]
    blocks += [part[kind] for part in report["by_language"].values() for kind in ("ner", "relations", "triples")]
    blocks += [b for kind in report["by_type"].values() for b in kind.values()]
    for group in blocks:
        for block in group.values():
            assert perfect(block), block
            assert block["missed"] == block["spurious"] == 0
            # and so is every resample: the interval is [1, 1] (none with fewer than 2 documents)
            if block["n_docs"] < 2:
                assert block["ci"]["f1"] is None
            elif block["possible"]:
                assert block["ci"]["f1"] == [1.0, 1.0], block
