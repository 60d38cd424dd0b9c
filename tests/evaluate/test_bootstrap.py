"""Bootstrap intervals and the paired comparison: cases computed by hand, and a slow independent check."""

from __future__ import annotations

import random

import numpy as np
import pytest

from curation.core.records import Mention, Relation
from curation.core.schema import load_schema
from curation.evaluate.bootstrap import resample
from curation.evaluate.compare import compare, render_comparison
from curation.evaluate.predictions import SystemOutput
from curation.evaluate.score import gold_from_rows, score, tally

SCHEMA = load_schema()
SYMMETRIC = {r.label for r in SCHEMA.relation_types if r.symmetric}


def document(doc_id, language, entities, relations=()):
    """A documents-config row: entity k is written ``W<k>``, typed PER; relations (type, i, j) by position."""
    words = [f"W{e}" for e in entities]
    text, mentions, start = " ".join(words) + " .", [], 0
    for i, (entity, word) in enumerate(zip(entities, words)):
        mentions.append({"id": f"m{i}", "start": start, "end": start + len(word), "text": word, "type": "PER",
                         "entity_id": f"e{entity}"})  # fmt: skip
        start += len(word) + 1
    rels = [{"id": f"r{k}", "type": label, "head": f"e{entities[i]}", "tail": f"e{entities[j]}",
             "head_mention": f"m{i}", "tail_mention": f"m{j}"} for k, (label, i, j) in enumerate(relations)]  # fmt: skip
    return {"doc_id": doc_id, "language": language, "text": text, "mentions": mentions, "relations": rels,
            "entities": []}  # fmt: skip


def predict(row, *, keep, spurious=0, relations=None):
    """The row's first ``keep`` mentions (typed right), ``spurious`` mentions typed ORG on the last word."""
    ms = [Mention(m["id"], m["start"], m["end"], m["text"], m["type"]) for m in row["mentions"][:keep]]
    last = row["mentions"][-1]
    ms += [Mention(f"s{k}", last["start"], last["end"], last["text"], "ORG") for k in range(spurious)]
    rels = tuple(Relation(f"p{k}", r["type"], r["head_mention"], r["tail_mention"])
                 for k, r in enumerate(row["relations"] if relations is None else relations))  # fmt: skip
    by_id = {m.id: m for m in ms}
    rels = tuple(r for r in rels if r.head in by_id and r.tail in by_id)
    from curation.evaluate.predictions import Triple

    triples = tuple(Triple(by_id[r.head].text, r.type, by_id[r.tail].text) for r in rels)
    return SystemOutput(row["doc_id"], tuple(ms), rels, triples)


# --- two documents: every resample can be enumerated --------------------------------------------

D1 = document("d1", "en", [1, 2, 3, 4])  # predicted: all 4 right -> h 4, a 4, p 4
D2 = document("d2", "en", [5, 6, 7, 8])  # predicted: W5, W6 right; two ORG on W8 -> h 2, a 4, p 4
TWO = {"d1": predict(D1, keep=4), "d2": predict(D2, keep=2, spurious=2)}


def test_two_documents_resamples_are_d1_d1_or_d1_d2_or_d2_d2():
    scored = tally(gold_from_rows([D1, D2]), TWO, symmetric=SYMMETRIC)
    found = resample([scored.system], resamples=10_000, seed=3)[0][("ner", "strict")]
    # Strict, d2: the first ORG on W8 overlaps the gold PER (incorrect), the second finds it taken (spurious),
    # W7 is missed: correct 2, actual 4, possible 4.
    rows = {(h, a, p) for h, a, p in zip(found.hits, found.actual, found.possible)}
    assert rows == {(8.0, 8.0, 8.0), (6.0, 8.0, 8.0), (4.0, 8.0, 8.0)}  # d1 twice, one each, d2 twice
    share = {h: np.mean(found.hits == h) for h in (8.0, 6.0, 4.0)}
    assert share == {8.0: pytest.approx(0.25, abs=0.02), 6.0: pytest.approx(0.5, abs=0.02),
                     4.0: pytest.approx(0.25, abs=0.02)}  # fmt: skip
    # F1 = 2h / (a + p): 1 (d1 twice), 0.75 (both), 0.5 (d2 twice); the 2.5% and 97.5% points are 0.5 and 1.
    report = score(gold_from_rows([D1, D2]), TWO, symmetric=SYMMETRIC, resamples=10_000, seed=3)
    assert report["ner"]["strict"]["f1"] == 0.75
    assert report["ner"]["strict"]["ci"] == {"precision": [0.5, 1.0], "recall": [0.5, 1.0], "f1": [0.5, 1.0]}
    assert report["ner"]["strict"]["n_docs"] == 2


def test_a_system_equal_to_the_gold_has_the_interval_1_1():
    rows = [document("a", "en", [1, 2, 3], [("met_with", 0, 1)]), document("b", "en", [2, 4], [("visited", 0, 1)]),
            document("c", "ar", [1, 5, 6], [("met_with", 1, 0), ("visited", 0, 2)]), document("d", "ar", [7])]  # fmt: skip
    outputs = {r["doc_id"]: predict(r, keep=len(r["mentions"])) for r in rows}
    report = score(gold_from_rows(rows), outputs, symmetric=SYMMETRIC, resamples=500)
    for kind, names in (("ner", ("strict", "exact", "partial", "ent_type")), ("relations", ("strict", "boundaries")),
                        ("triples", ("document", "corpus"))):  # fmt: skip
        for name in names:
            assert report[kind][name]["ci"]["f1"] == [1.0, 1.0], (kind, name)
            assert report["by_language"]["ar"][kind][name]["ci"]["f1"] == [1.0, 1.0], (kind, name)
    # met_with is in documents a and c: an interval; visited too (b, c).
    assert report["by_type"]["relations"]["met_with"]["strict"]["ci"]["f1"] == [1.0, 1.0]
    assert report["by_type"]["relations"]["met_with"]["strict"]["n_docs"] == 2


def test_one_document_has_no_interval_and_nothing_predicted_is_zero_to_zero():
    rows = [document("a", "en", [1, 2]), document("b", "sw", [3]), document("c", "en", [4])]
    report = score(gold_from_rows(rows), {}, resamples=200)
    assert report["by_language"]["sw"]["ner"]["strict"]["ci"] == {"precision": None, "recall": None, "f1": None}
    assert report["by_language"]["sw"]["ner"]["strict"]["n_docs"] == 1
    # Nothing predicted: precision is 0 by convention on every resample, recall and F1 are 0.
    assert report["ner"]["strict"]["ci"] == {"precision": [0.0, 0.0], "recall": [0.0, 0.0], "f1": [0.0, 0.0]}


# --- a system compared with itself ---------------------------------------------------------------


def test_a_system_compared_with_itself_differs_by_0_with_p_1():
    gold = gold_from_rows([D1, D2, document("d3", "ar", [1, 9])])
    outputs = {**TWO, "d3": predict(document("d3", "ar", [1, 9]), keep=1)}
    a, b = tally(gold, outputs, symmetric=SYMMETRIC), tally(gold, dict(outputs), symmetric=SYMMETRIC)
    result = compare(a, b, resamples=1000, seed=1)
    assert result["test"] == "paired bootstrap"
    for name, figure in result["figures"].items():
        assert (figure["delta"], figure["ci"], figure["p"]) == (0.0, [0.0, 0.0], 1.0), name
    assert result["by_language"]["ar"]["figures"]["ner.strict"]["ci"] is None  # one document
    lines = render_comparison(result).splitlines()
    assert lines[0] == "== All (3 documents) =="
    # h = 4 + 2 + 1, a = 4 + 4 + 1, p = 4 + 4 + 2: F1 = 14/19 = 0.737
    assert lines[1] == "ner.strict            A 0.737  B 0.737  Δ +0.000 [+0.000, +0.000]  p=1.00"
    assert "ner.strict            A 0.667  B 0.667  Δ +0.000  (no interval: 1 document)" in lines


def test_a_better_system_is_ahead_in_every_resample():
    rows = [document(f"d{k}", "en", [k, k + 10, k + 20]) for k in range(8)]
    gold = gold_from_rows(rows)
    weak = tally(gold, {r["doc_id"]: predict(r, keep=1) for r in rows})
    strong = tally(gold, {r["doc_id"]: predict(r, keep=3) for r in rows})
    figure = compare(weak, strong, resamples=1000)["figures"]["ner.strict"]
    # weak: 1 of 3 per document, F1 = 2/4 = 0.5; strong: 1. Every resample: delta 0.5, so p = 1/1001.
    assert (figure["a"], figure["b"], figure["delta"], figure["ci"]) == (0.5, 1.0, 0.5, [0.5, 0.5])
    assert figure["p"] == pytest.approx(1 / 1001)


# --- against a slow, independent implementation --------------------------------------------------


def slow_intervals(rows, outputs, paths, *, resamples, seed):
    """Draw documents with random.Random and sum the counts of each drawn document (scored alone); corpus
    triples are scored again on the drawn documents (a set: their graphs' union). Percentiles by sorting,
    interpolated linearly. A language's figures draw that language's documents."""
    rng = random.Random(seed)
    alone = {r["doc_id"]: score(gold_from_rows([r]), outputs, symmetric=SYMMETRIC) for r in rows}
    corpus_cache = {}
    values = {path: [] for path in paths}
    for _ in range(resamples):
        for path in paths:
            slice_rows = rows if path[0] != "by_language" else [r for r in rows if r["language"] == path[1]]
            drawn = [rng.choice(slice_rows) for _ in slice_rows]
            kind, name = path[-2:]
            if (kind, name) == ("triples", "corpus"):
                key = frozenset(r["doc_id"] for r in drawn)
                if key not in corpus_cache:
                    distinct = [r for r in rows if r["doc_id"] in key]
                    corpus_cache[key] = score(gold_from_rows(distinct), outputs, symmetric=SYMMETRIC)
                block = corpus_cache[key]["triples"]["corpus"]
                h, a, p = block["correct"], block["actual"], block["possible"]
            else:
                h = a = p = 0
                for r in drawn:
                    block = alone[r["doc_id"]][kind][name]
                    h += block["correct"] + (0.5 * block.get("partial", 0) if name in ("partial", "ent_type") else 0)
                    a += block["actual"]
                    p += block["possible"]
            if a + p:
                values[path].append(2 * h / (a + p))
    out = {}
    for path, found in values.items():
        found.sort()
        ends = []
        for q in (0.025, 0.975):
            x = (len(found) - 1) * q
            low = int(x)
            ends.append(found[low] + (found[min(low + 1, len(found) - 1)] - found[low]) * (x - low))
        out[path] = ends
    return out


def test_intervals_agree_with_a_slow_implementation_over_10000_resamples():
    rng = random.Random(5)
    rows, outputs = [], {}
    for k in range(12):
        entities = rng.sample(range(40), rng.randint(3, 7))
        relations = [("met_with", i, i + 1) for i in range(len(entities) - 1) if rng.random() < 0.6]
        row = document(f"d{k:02d}", ("en", "ar")[k % 2], entities, relations)
        rows.append(row)
        kept = rng.randint(1, len(entities))
        outputs[row["doc_id"]] = predict(row, keep=kept, spurious=rng.randint(0, 2))
    paths = [("ner", "strict"), ("ner", "partial"), ("relations", "strict"), ("triples", "document"),
             ("triples", "corpus"), ("by_language", "ar", "ner", "strict"),
             ("by_language", "en", "triples", "corpus")]  # fmt: skip
    report = score(gold_from_rows(rows), outputs, symmetric=SYMMETRIC, resamples=10_000, seed=11)
    slow = slow_intervals(rows, outputs, paths, resamples=10_000, seed=11)
    for path in paths:
        block = report
        for part in path:
            block = block[part]
        assert block["ci"]["f1"][0] == pytest.approx(slow[path][0], abs=0.01), path
        assert block["ci"]["f1"][1] == pytest.approx(slow[path][1], abs=0.01), path
        assert block["ci"]["f1"][0] < block["f1"] < block["ci"]["f1"][1], path
