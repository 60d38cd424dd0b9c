"""Mention scores: hand-computed figures, and the same figures as nervaluate 1.2.1."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator

from curation.core.records import Mention
from curation.evaluate.ner import STRATEGIES, add_counts, by_type, empty_counts, prf, score_spans
from curation.evaluate.predictions import SystemOutput
from curation.evaluate.score import gold_from_rows, score

# Gold spans (half-open) and predictions of one document, with what each prediction is:
GOLD = [(0, 11, "PER"), (16, 30, "PER"), (34, 40, "GPE"), (45, 55, "FAC"), (60, 70, "ORG")]
PRED = [
    (0, 11, "PER"),  # P1 = G1: same span, same type
    (16, 24, "PER"),  # P2 inside G2: overlap, same type
    (34, 40, "LOC"),  # P3 = G3's span, other type
    (44, 50, "ORG"),  # P4 overlaps G4 (FAC): other span, other type
    (80, 85, "PER"),  # P5 overlaps nothing
]  # and G5 (ORG, 60-70) is found by no prediction

#            [correct, incorrect, partial, missed, spurious]
EXPECTED = {
    "strict": [1, 3, 0, 1, 1],  # P1 correct; P2, P3, P4 incorrect; G5 missed; P5 spurious
    "exact": [2, 2, 0, 1, 1],  # P1, P3 correct (type ignored); P2, P4 incorrect
    "partial": [2, 0, 2, 1, 1],  # P1, P3 correct; P2, P4 partial
    "ent_type": [2, 2, 0, 1, 1],  # P1, P2 correct (overlap + type); P3, P4 incorrect (type)
}
# possible = actual = 5 for every strategy, so precision = recall = F1:
#   strict 1/5 = 0.2; exact 2/5 = 0.4; partial (2 + 0.5 * 2) / 5 = 0.6; ent_type 2/5 = 0.4
EXPECTED_F1 = {"strict": 0.2, "exact": 0.4, "partial": 0.6, "ent_type": 0.4}


def test_hand_computed_counts_and_figures():
    counts = score_spans(GOLD, PRED)
    assert counts == EXPECTED
    for name in STRATEGIES:
        figures = prf(counts[name], name)
        assert figures["possible"] == figures["actual"] == 5
        assert figures["precision"] == pytest.approx(EXPECTED_F1[name])
        assert figures["recall"] == pytest.approx(EXPECTED_F1[name])
        assert figures["f1"] == pytest.approx(EXPECTED_F1[name])


def test_per_type_scores_each_type_alone():
    # PER: gold G1 G2, predictions P1 P2 P5.
    #   strict/exact: P1 correct, P2 incorrect, P5 spurious -> P = 1/3, R = 1/2, F1 = 2(1/6)/(5/6) = 0.4
    #   partial: P1 correct, P2 partial -> P = 1.5/3 = 0.5, R = 1.5/2 = 0.75, F1 = 0.75/1.25 = 0.6
    #   ent_type: P1, P2 correct -> P = 2/3, R = 1, F1 = (4/3)/(5/3) = 0.8
    # GPE: G3 alone (P3 is LOC): missed. LOC: P3 alone: spurious. FAC: G4 missed.
    # ORG: G5 and P4 do not overlap: one missed, one spurious.
    gold, pred = by_type(GOLD), by_type(PRED)
    per = {label: score_spans(gold.get(label, []), pred.get(label, [])) for label in gold.keys() | pred.keys()}
    assert per["PER"] == {"strict": [1, 1, 0, 0, 1], "exact": [1, 1, 0, 0, 1],
                          "partial": [1, 0, 1, 0, 1], "ent_type": [2, 0, 0, 0, 1]}  # fmt: skip
    assert [prf(per["PER"][s], s)["f1"] for s in STRATEGIES] == pytest.approx([0.4, 0.4, 0.6, 0.8])
    assert prf(per["PER"]["partial"], "partial")["precision"] == 0.5
    assert prf(per["PER"]["partial"], "partial")["recall"] == 0.75
    for name in STRATEGIES:
        assert per["GPE"][name] == [0, 0, 0, 1, 0]
        assert per["LOC"][name] == [0, 0, 0, 0, 1]
        assert per["FAC"][name] == [0, 0, 0, 1, 0]
        assert per["ORG"][name] == [0, 0, 0, 1, 1]


def test_overlap_must_cover_one_percent_of_the_gold_span():
    gold = [(0, 250, "PER")]
    # 1 and 2 shared code points are 0.4% and 0.8% of 250: no overlap. 3 are 1.2%: overlap.
    assert score_spans(gold, [(249, 251, "PER")])["partial"] == [0, 0, 0, 1, 1]
    assert score_spans(gold, [(248, 251, "PER")])["partial"] == [0, 0, 0, 1, 1]
    assert score_spans(gold, [(247, 251, "PER")])["partial"] == [0, 0, 1, 0, 0]


def test_ent_type_takes_the_closest_gold_and_strict_the_first():
    gold = [(0, 5, "PER"), (3, 10, "PER")]
    pred = [(2, 9, "PER")]  # distances: |2-0| + |9-5| = 6 and |2-3| + |9-10| = 2
    counts = score_spans(gold, pred)
    assert counts["ent_type"] == [1, 0, 0, 1, 0]  # claims (3, 10); (0, 5) missed
    assert counts["strict"] == [0, 1, 0, 1, 0]  # the first overlapping gold, (0, 5), is incorrect


def test_half_open_offsets_touching_spans_do_not_overlap():
    assert score_spans([(0, 5, "PER")], [(5, 9, "PER")])["partial"] == [0, 0, 0, 1, 1]


def nervaluate_counts(gold_docs, pred_docs, tags):
    """nervaluate's counts (overall and per type) on the same spans; its ends are inclusive."""
    as_dicts = lambda docs: [[{"label": t, "start": s, "end": e - 1} for s, e, t in d] for d in docs]  # noqa: E731
    result = Evaluator(as_dicts(gold_docs), as_dicts(pred_docs), tags=tags, loader="dict").evaluate()
    row = lambda r: [r.correct, r.incorrect, r.partial, r.missed, r.spurious]  # noqa: E731
    overall = {name: row(result["overall"][name]) for name in STRATEGIES}
    per_type = {tag: {name: row(r) for name, r in by.items()} for tag, by in result["entities"].items()}
    return overall, per_type, result


def test_the_hand_computed_figures_equal_nervaluates():
    overall, per_type, result = nervaluate_counts([GOLD], [PRED], ["PER", "ORG", "GPE", "LOC", "FAC"])
    assert overall == EXPECTED
    for name in STRATEGIES:
        ours = prf(EXPECTED[name], name)
        theirs = result["overall"][name]
        assert (ours["precision"], ours["recall"], ours["f1"]) == (theirs.precision, theirs.recall, theirs.f1)
    assert per_type["PER"] == score_spans(GOLD[:2], [PRED[0], PRED[1], PRED[4]])


def _rows_and_outputs(gold_docs, pred_docs, languages):
    rows, outputs = [], {}
    for k, (gold, pred) in enumerate(zip(gold_docs, pred_docs)):
        text = "x" * 400
        rows.append({"doc_id": f"d{k}", "language": languages[k % len(languages)], "text": text,
                     "mentions": [{"id": f"g{i}", "start": s, "end": e, "text": text[s:e], "type": t, "entity_id": f"e{i}"}
                                  for i, (s, e, t) in enumerate(gold)],
                     "entities": [], "relations": []})  # fmt: skip
        outputs[f"d{k}"] = SystemOutput(
            f"d{k}", tuple(Mention(f"p{i}", s, e, text[s:e], t) for i, (s, e, t) in enumerate(pred))
        )
    return rows, outputs


TAGS = ["PER", "ORG", "GPE"]
span = st.tuples(st.integers(0, 60), st.integers(1, 14), st.sampled_from(TAGS)).map(lambda x: (x[0], x[0] + x[1], x[2]))
document = st.lists(span, max_size=9).map(sorted)


@settings(max_examples=300, deadline=None)
@given(gold_docs=st.lists(document, min_size=1, max_size=5), pred_docs=st.lists(document, min_size=1, max_size=5))
def test_random_spans_score_exactly_as_nervaluate(gold_docs, pred_docs):
    n = min(len(gold_docs), len(pred_docs))
    gold_docs, pred_docs = gold_docs[:n], pred_docs[:n]
    if not any(gold_docs) and not any(pred_docs):
        return  # nervaluate has no result object to compare when nothing at all is labelled
    overall, per_type, result = nervaluate_counts(gold_docs, pred_docs, TAGS)

    rows, outputs = _rows_and_outputs(gold_docs, pred_docs, ["en", "ar"])
    report = score(gold_from_rows(rows), outputs)
    for name in STRATEGIES:
        theirs = result["overall"][name]
        ours = report["ner"][name]
        assert [ours[k] for k in ("correct", "incorrect", "partial", "missed", "spurious")] == overall[name]
        assert (ours["precision"], ours["recall"], ours["f1"]) == (theirs.precision, theirs.recall, theirs.f1)
        assert (ours["possible"], ours["actual"]) == (theirs.possible, theirs.actual)
    assert set(report["by_type"]["ner"]) == set(per_type)
    for tag, by in per_type.items():
        for name in STRATEGIES:
            ours = report["by_type"]["ner"][tag][name]
            assert [ours[k] for k in ("correct", "incorrect", "partial", "missed", "spurious")] == by[name]
            assert ours["f1"] == result["entities"][tag][name].f1
    # by_language partitions the documents: its counts add up to the overall counts.
    summed = empty_counts()
    for part in report["by_language"].values():
        add_counts(summed, {n: [part["ner"][n][k] for k in ("correct", "incorrect", "partial", "missed", "spurious")]
                            for n in STRATEGIES})  # fmt: skip
    assert summed == overall
