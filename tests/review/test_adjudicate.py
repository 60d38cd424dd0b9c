"""Adjudication rules, one test (or more) per rule, with exact gold, decisions and conflicts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.core.records import Decision, GoldDocument, Mention, Relation
from curation.core.schema import load_schema
from curation.review.adjudicate import Rejected, adjudicate
from curation.review.conflicts import ConflictItem, Version
from tests.annotations import FULL, KIM, MET, PUTIN, VISITED, VOSTOCHNY, ann, doc, snap

SCHEMA = load_schema()
D1 = doc()
# Gold mentions of TEXT in offset order: "Kim Jong Un" [0, 11), "Vladimir Putin" [16, 30),
# "Vostochny Cosmodrome" [34, 54).
M_KIM = Mention("m1", 0, 11, "Kim Jong Un", "PER", "kim_jong_un")
M_PUTIN = Mention("m2", 16, 30, "Vladimir Putin", "PER", "vladimir_putin")
M_VOST = Mention("m3", 34, 54, "Vostochny Cosmodrome", "FAC", "vostochny_cosmodrome")
GOLD_RELATIONS = (Relation("r1", "met_with", "m1", "m2"), Relation("r2", "visited", "m1", "m3"))


def decisions_of(rule, sources):
    return tuple(Decision("d1", kind, item, rule, sources)
                 for kind, item in [("mention", "m1"), ("mention", "m2"), ("mention", "m3"),
                                    ("relation", "r1"), ("relation", "r2")])  # fmt: skip


def test_unanimous_annotators_give_gold_with_ids_in_offset_order():
    # Mentions listed in another order than the text's, with other region ids: gold ids follow offsets.
    a = ann(D1, "annotator-1", "11", mentions=[VOSTOCHNY, PUTIN, KIM], relations=[VISITED, MET])
    b = ann(D1, "annotator-2", "12", **FULL)
    result = adjudicate(snap([D1], [a, b]), SCHEMA)
    assert result.gold == (GoldDocument(D1, (M_KIM, M_PUTIN, M_VOST), GOLD_RELATIONS, "adjudicated", 2),)
    assert result.decisions == decisions_of("unanimous", ("11", "12"))
    assert result.conflicts == () and result.rejected == () and result.unannotated == ()


def test_input_order_does_not_change_the_outcome():
    anns = [ann(D1, "annotator-1", "1", **FULL), ann(D1, "annotator-2", "2", **FULL),
            ann(D1, "annotator-3", "3", mentions=[KIM, PUTIN], relations=[MET])]  # fmt: skip
    assert adjudicate(snap([D1], anns), SCHEMA) == adjudicate(snap([D1], anns[::-1]), SCHEMA)


def test_ground_truth_wins_over_a_majority():
    a = ann(D1, "annotator-1", "1", **FULL)
    b = ann(D1, "annotator-2", "2", **FULL)
    truth = ann(D1, "annotator-3", "3", mentions=[KIM, PUTIN], relations=[MET], ground_truth=True)
    result = adjudicate(snap([D1], [a, b, truth]), SCHEMA)
    # annotator-3 only flags ground truth: a reviewer, who decides but is not counted as an annotator.
    assert result.gold == (GoldDocument(D1, (M_KIM, M_PUTIN), (GOLD_RELATIONS[0],), "ground_truth", 2),)
    assert result.decisions == (Decision("d1", "mention", "m1", "ground_truth", ("3",)),
                                Decision("d1", "mention", "m2", "ground_truth", ("3",)),
                                Decision("d1", "relation", "r1", "ground_truth", ("3",)))  # fmt: skip


def test_identical_ground_truths_are_one_and_different_ones_a_conflict():
    t1 = ann(D1, "annotator-1", "1", **FULL, ground_truth=True)
    t2 = ann(D1, "annotator-2", "2", **FULL, ground_truth=True)
    result = adjudicate(snap([D1], [t1, t2]), SCHEMA)
    assert result.gold[0].status == "ground_truth"
    assert {d.sources for d in result.decisions} == {("1", "2")}

    t3 = ann(D1, "annotator-3", "3", mentions=[KIM], ground_truth=True)
    result = adjudicate(snap([D1], [t1, t3]), SCHEMA)
    assert result.gold == ()
    (conflict,) = result.conflicts
    assert conflict.draft is None
    assert [i.kind for i in conflict.items] == ["ground_truth"]
    assert [(v.annotator, len(v.mentions), len(v.relations)) for v in conflict.items[0].versions] == [
        ("annotator-1", 3, 2), ("annotator-3", 1, 0)]  # fmt: skip


def test_two_annotators_one_missing_span_is_a_conflict_with_both_versions_and_a_draft():
    a = ann(D1, "annotator-1", "1", **FULL)
    b = ann(D1, "annotator-2", "2", mentions=[KIM, PUTIN], relations=[MET])
    result = adjudicate(snap([D1], [a, b]), SCHEMA, date="2024-05-01")
    assert result.gold == () and result.decisions == ()
    (conflict,) = result.conflicts
    assert conflict.items == (
        ConflictItem("mention", "[34, 54) 'Vostochny Cosmodrome'", (
            Version("annotator-1", "1", (Mention("1/vost", 34, 54, "Vostochny Cosmodrome", "FAC",
                                                 "vostochny_cosmodrome"),)),
            Version("annotator-2", "2", ()))),
        ConflictItem("relation", "[0, 11) 'Kim Jong Un' -- [34, 54) 'Vostochny Cosmodrome'", (
            Version("annotator-1", "1", relations=(conflict.items[1].versions[0].relations[0],)),
            Version("annotator-2", "2", ()))),
    )  # fmt: skip
    view = conflict.items[1].versions[0].relations[0]
    assert (view.type, view.head.text, view.tail.text) == ("visited", "Kim Jong Un", "Vostochny Cosmodrome")
    # The draft: the agreed items plus every disputed candidate.
    assert conflict.draft.model_version == "adjudication-2024-05-01"
    assert conflict.draft.mentions == (M_KIM, M_PUTIN, M_VOST)
    assert conflict.draft.relations == GOLD_RELATIONS


def test_three_annotators_majority_accepts_and_rejects():
    a = ann(D1, "annotator-1", "1", **FULL)
    b = ann(D1, "annotator-2", "2", mentions=[KIM, PUTIN], relations=[MET])
    c = ann(D1, "annotator-3", "3", mentions=[KIM, PUTIN, ("loc", "Cosmodrome", "LOC", "x")], relations=[MET])
    result = adjudicate(snap([D1], [a, b, c]), SCHEMA)
    assert result.gold == (GoldDocument(D1, (M_KIM, M_PUTIN), (GOLD_RELATIONS[0],), "adjudicated", 3),)
    assert result.decisions == (Decision("d1", "mention", "m1", "unanimous", ("1", "2", "3")),
                                Decision("d1", "mention", "m2", "unanimous", ("1", "2", "3")),
                                Decision("d1", "relation", "r1", "unanimous", ("1", "2", "3")))  # fmt: skip
    assert result.rejected == (
        Rejected("d1", "mention", "FAC [34, 54) 'Vostochny Cosmodrome'", ("1",), "marked by 1 of 3 annotators"),
        Rejected("d1", "mention", "LOC [44, 54) 'Cosmodrome'", ("3",), "marked by 1 of 3 annotators"),
        Rejected("d1", "relation", "visited PER [0, 11) 'Kim Jong Un' -> FAC [34, 54) 'Vostochny Cosmodrome'",
                 ("1",), "marked by 1 of 3 annotators"),
    )  # fmt: skip


def test_majority_rule_when_not_everyone_agrees():
    a = ann(D1, "annotator-1", "1", **FULL)
    b = ann(D1, "annotator-2", "2", **FULL)
    c = ann(D1, "annotator-3", "3", mentions=[KIM, PUTIN], relations=[MET])
    result = adjudicate(snap([D1], [a, b, c]), SCHEMA)
    assert result.gold[0].mentions == (M_KIM, M_PUTIN, M_VOST)
    assert [(d.item_id, d.rule, d.sources) for d in result.decisions] == [
        ("m1", "unanimous", ("1", "2", "3")), ("m2", "unanimous", ("1", "2", "3")), ("m3", "majority", ("1", "2")),
        ("r1", "unanimous", ("1", "2", "3")), ("r2", "majority", ("1", "2"))]  # fmt: skip


def test_entity_id_needs_a_majority_of_those_who_marked_the_mention():
    kim_other = ("kim", "Kim Jong Un", "PER", "kim")
    a = ann(D1, "annotator-1", "1", **FULL)
    b = ann(D1, "annotator-2", "2", mentions=[kim_other, PUTIN, VOSTOCHNY], relations=[MET, VISITED])
    result = adjudicate(snap([D1], [a, b]), SCHEMA)
    (conflict,) = result.conflicts
    assert [(i.kind, i.where) for i in conflict.items] == [("entity_id", "[0, 11) 'Kim Jong Un'")]
    assert [[m.entity_id for m in v.mentions] for v in conflict.items[0].versions] == [["kim_jong_un"], ["kim"]]
    # Both ids are offered in the draft; relations attach to the first.
    assert [(m.id, m.entity_id) for m in conflict.draft.mentions[:2]] == [("m1", "kim"), ("m2", "kim_jong_un")]
    assert conflict.draft.relations == (Relation("r1", "met_with", "m1", "m3"), Relation("r2", "visited", "m1", "m4"))

    c = ann(D1, "annotator-3", "3", **FULL)
    result = adjudicate(snap([D1], [a, b, c]), SCHEMA)
    assert result.gold[0].mentions[0] == M_KIM
    assert result.decisions[0] == Decision("d1", "mention", "m1", "majority", ("1", "3"))


def test_boundary_disagreement_is_one_conflict_place_with_both_spans():
    a = ann(D1, "annotator-1", "1", mentions=[KIM, PUTIN])
    b = ann(D1, "annotator-2", "2", mentions=[("k", "Kim Jong", "PER", "kim_jong_un"), PUTIN])
    (conflict,) = adjudicate(snap([D1], [a, b]), SCHEMA).conflicts
    assert [(i.kind, i.where) for i in conflict.items] == [("mention", "[0, 11) 'Kim Jong Un'")]
    assert [[m.text for m in v.mentions] for v in conflict.items[0].versions] == [["Kim Jong Un"], ["Kim Jong"]]


def test_relation_label_disagreement_is_a_relation_conflict():
    a = ann(D1, "annotator-1", "1", **FULL)
    b = ann(D1, "annotator-2", "2", mentions=[KIM, PUTIN, VOSTOCHNY], relations=[("allied_with", "kim", "putin"),
                                                                                   VISITED])  # fmt: skip
    (conflict,) = adjudicate(snap([D1], [a, b]), SCHEMA).conflicts
    (item,) = conflict.items
    assert item.kind == "relation"
    assert [[r.type for r in v.relations] for v in item.versions] == [["met_with"], ["allied_with"]]
    assert [r.type for r in conflict.draft.relations] == ["allied_with", "met_with", "visited"]


def test_symmetric_relation_drawn_both_ways_is_unanimous():
    a = ann(D1, "annotator-1", "1", mentions=[KIM, PUTIN], relations=[("met_with", "putin", "kim")])
    b = ann(D1, "annotator-2", "2", mentions=[KIM, PUTIN], relations=[MET])
    result = adjudicate(snap([D1], [a, b]), SCHEMA)
    assert result.gold[0].relations == (Relation("r1", "met_with", "m1", "m2"),)
    assert result.decisions[-1] == Decision("d1", "relation", "r1", "unanimous", ("1", "2"))


def test_single_annotation_policy():
    only = ann(D1, "annotator-1", "1", relations=[("met_with", "putin", "kim")], mentions=[KIM, PUTIN])
    accepted = adjudicate(snap([D1], [only]), SCHEMA)
    assert accepted.gold == (GoldDocument(D1, (M_KIM, M_PUTIN), (GOLD_RELATIONS[0],), "single_annotated", 1),)
    assert {d.rule for d in accepted.decisions} == {"single_annotation"}
    held = adjudicate(snap([D1], [only]), SCHEMA, accept_single=False)
    assert (held.gold, held.awaiting_second, held.conflicts) == ((), ("d1",), ())


def test_skipped_and_missing_annotations_leave_documents_unannotated():
    d2, d3 = doc("d2"), doc("d3")
    anns = [
        ann(D1, "annotator-1", "1", **FULL),
        ann(D1, "annotator-2", "2", cancelled=True),
        ann(d2, "annotator-1", "3", cancelled=True),
    ]
    result = adjudicate(snap([D1, d2, d3], anns), SCHEMA)
    assert result.unannotated == ("d2", "d3")
    assert [(g.doc_id, g.status, g.n_annotators) for g in result.gold] == [("d1", "single_annotated", 1)]
    assert result.summary() == {"gold": 1, "by_status": {"single_annotated": 1}, "conflicts": 0, "unannotated": 2,
                                "awaiting_second": 0, "rejected_items": 0}  # fmt: skip


def test_relation_with_a_missing_endpoint_is_rejected_not_silently_dropped():
    broken = ann(D1, "annotator-1", "1", mentions=[KIM], relations=[("met_with", "kim", "gone")])
    result = adjudicate(snap([D1], [broken]), SCHEMA)
    assert result.gold[0].relations == ()
    assert result.rejected == (Rejected("d1", "relation", "met_with 1/kim -> 1/gone", ("1",),
                                        "an endpoint mention does not exist"),)  # fmt: skip


def test_latest_annotation_of_each_annotator_votes():
    old = ann(D1, "annotator-1", "1", mentions=[KIM], updated_at="2024-01-01T00:00:00Z")
    new = ann(D1, "annotator-1", "3", **FULL, updated_at="2024-03-01T00:00:00Z")
    other = ann(D1, "annotator-2", "2", **FULL, updated_at="2024-02-01T00:00:00Z")
    result = adjudicate(snap([D1], [old, new, other]), SCHEMA)
    assert result.gold[0].n_annotators == 2
    assert result.decisions[0].sources == ("2", "3")


# --- properties -----------------------------------------------------------------------------

mention_specs = st.lists(
    st.tuples(st.integers(0, 50), st.integers(1, 5), st.sampled_from(["PER", "GPE", "FAC"]),
              st.sampled_from(["kim_jong_un", "russia", None])),  # fmt: skip
    min_size=1, max_size=8, unique_by=lambda s: (s[0], s[1], s[2]),
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(mention_specs, st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7),
                                         st.sampled_from(["met_with", "visited", "leader_of"])), max_size=6),
       st.integers(2, 4))  # fmt: skip
def test_identical_annotators_give_their_annotation_as_unanimous_gold(specs, rel_specs, n):
    mentions = [(f"x{i}", s, s + k, t, eid) for i, (s, k, t, eid) in enumerate(specs)]
    relations = [(t, f"x{h % len(mentions)}", f"x{x % len(mentions)}") for h, x, t in rel_specs]
    anns = [ann(D1, f"annotator-{i}", str(i), mentions=mentions, relations=relations) for i in range(n)]
    result = adjudicate(snap([D1], anns), SCHEMA)
    (gold,) = result.gold
    assert gold.status == "adjudicated" and gold.n_annotators == n
    assert [(m.start, m.end, m.type, m.entity_id) for m in gold.mentions] == sorted(
        (s, s + k, t, eid) for s, k, t, eid in specs
    )
    assert [m.id for m in gold.mentions] == [f"m{i}" for i in range(1, len(specs) + 1)]
    by_gold = {m.id: (m.start, m.end, m.type) for m in gold.mentions}
    by_source = {m.id: (m.start, m.end, m.type) for m in anns[0].mentions}
    expected = set()
    for r in anns[0].relations:
        head, tail = by_source[r.head], by_source[r.tail]
        if SCHEMA.is_symmetric(r.type) and tail < head:
            head, tail = tail, head
        expected.add((r.type, head, tail))
    assert {(r.type, by_gold[r.head], by_gold[r.tail]) for r in gold.relations} == expected
    assert {d.rule for d in result.decisions} == {"unanimous"}
    assert {d.sources for d in result.decisions} == {tuple(str(i) for i in range(n))}
    assert result.conflicts == () and result.rejected == ()
