"""Agreement figures on hand-made snapshots, computed by hand and asserted exactly."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.core.schema import load_schema
from curation.review.agreement import agreement
from curation.review.kappa import cohen_kappa, fleiss_kappa
from curation.review.pairwise import SpanCounts, span_counts
from tests.annotations import FULL, KIM, MET, PUTIN, VISITED, VOSTOCHNY, ann, doc, snap

SCHEMA = load_schema()
D1 = doc()


def pairwise(a_kwargs: dict, b_kwargs: dict):
    """Agreement of annotator-1 (``a_kwargs``) and annotator-2 (``b_kwargs``) on D1."""
    return agreement(snap([D1], [ann(D1, "annotator-1", "1", **a_kwargs), ann(D1, "annotator-2", "2", **b_kwargs)]),
                     SCHEMA)  # fmt: skip


def test_identical_annotators_agree_fully():
    report = pairwise(FULL, FULL)
    assert report.mentions() == SpanCounts(3, 3, 3, 0)
    assert (report.mentions().strict_f1, report.mentions().partial_f1) == (1.0, 1.0)
    assert report.relations().to_dict() == {"n_a": 2, "n_b": 2, "strict": 2, "boundaries": 2,
                                            "strict_f1": 1.0, "boundaries_f1": 1.0}  # fmt: skip
    # Items (kim, putin) met_with/met_with and (kim, vost) visited/visited: p_o = 1, p_e = 1/2.
    assert report.kappa.to_dict() == {"method": "cohen", "items": 2, "observed": 1.0, "expected": 0.5, "value": 1.0}
    assert report.entity_ids().to_dict() == {"compared": 3, "agreed": 3, "agreement": 1.0}
    assert report.annotators == ("annotator-1", "annotator-2")
    assert report.documents == 1


def test_one_missing_span():
    report = pairwise(FULL, dict(mentions=[KIM, PUTIN], relations=[MET]))
    # 3 vs 2 mentions, 2 exact: 2*2/5.
    assert report.mentions().strict_f1 == 0.8
    assert report.mentions().partial_f1 == 0.8
    assert {t: c.strict_f1 for t, c in report.mentions("type").items()} == {"FAC": 0.0, "PER": 1.0}
    # 2 vs 1 relations, 1 matched: 2/3.
    assert report.relations().strict_f1 == 2 / 3
    assert {t: c.strict_f1 for t, c in report.relations("type").items()} == {"met_with": 1.0, "visited": 0.0}
    # Only (kim, putin) has both spans marked by both: one item, a single label, p_e = 1.
    assert report.kappa.to_dict() == {"method": "cohen", "items": 1, "observed": 1.0, "expected": 1.0, "value": None}
    assert report.entity_ids().agreement == 1.0


def test_one_type_disagreement():
    vost_loc = ("vost", "Vostochny Cosmodrome", "LOC", "vostochny_cosmodrome")
    report = pairwise(FULL, dict(mentions=[KIM, PUTIN, vost_loc], relations=[MET, VISITED]))
    assert report.mentions() == SpanCounts(3, 3, 2, 0)
    assert report.mentions().strict_f1 == 2 / 3
    assert report.mentions().partial_f1 == 2 / 3  # a different type earns no partial credit
    assert {t: c.strict_f1 for t, c in report.mentions("type").items()} == {"FAC": 0.0, "LOC": 0.0, "PER": 1.0}
    # visited(kim, vost) agrees on spans (Boundaries) but not on the tail's type (Strict).
    assert report.relations().to_dict() == {"n_a": 2, "n_b": 2, "strict": 1, "boundaries": 2,
                                            "strict_f1": 0.5, "boundaries_f1": 1.0}  # fmt: skip
    assert report.kappa.value == 1.0
    assert report.entity_ids().agreement == 1.0


def test_one_boundary_disagreement():
    kim_short = ("kim", "Kim Jong", "PER", "kim_jong_un")
    report = pairwise(FULL, dict(mentions=[kim_short, PUTIN, VOSTOCHNY], relations=[MET, VISITED]))
    assert report.mentions() == SpanCounts(3, 3, 2, 1)
    assert report.mentions().strict_f1 == 2 / 3
    assert report.mentions().partial_f1 == 5 / 6  # (2*2 + 1) / 6
    # Both relations hang on the differing head span: nothing matches.
    assert report.relations().to_dict() == {"n_a": 2, "n_b": 2, "strict": 0, "boundaries": 0,
                                            "strict_f1": 0.0, "boundaries_f1": 0.0}  # fmt: skip
    # No argument pair has both spans marked by both annotators.
    assert report.kappa.to_dict() == {"method": "cohen", "items": 0, "observed": None, "expected": None, "value": None}
    assert report.entity_ids().to_dict() == {"compared": 2, "agreed": 2, "agreement": 1.0}


def test_one_relation_label_disagreement():
    report = pairwise(
        FULL, dict(mentions=[KIM, PUTIN, VOSTOCHNY], relations=[("allied_with", "kim", "putin"), VISITED])
    )
    assert report.mentions().strict_f1 == 1.0
    assert report.relations().to_dict() == {"n_a": 2, "n_b": 2, "strict": 1, "boundaries": 1,
                                            "strict_f1": 0.5, "boundaries_f1": 0.5}  # fmt: skip
    # p_o = 1/2; p_e = 1/2 * 1/2 (visited) = 1/4; kappa = (1/2 - 1/4) / (3/4) = 1/3.
    assert report.kappa.to_dict() == {"method": "cohen", "items": 2, "observed": 0.5, "expected": 0.25,
                                      "value": float(Fraction(1, 3))}  # fmt: skip


def test_missing_relation_is_labelled_no_relation():
    report = pairwise(FULL, dict(mentions=[KIM, PUTIN, VOSTOCHNY], relations=[MET]))
    # Items: (kim, putin) met/met, (kim, vost) visited/no_relation. p_o = 1/2,
    # p_e = 1/2 * 1/2 (met_with) = 1/4, kappa = (1/2 - 1/4) / (3/4) = 1/3.
    assert report.kappa.to_dict() == {"method": "cohen", "items": 2, "observed": 0.5, "expected": 0.25,
                                      "value": float(Fraction(1, 3))}  # fmt: skip
    assert report.relations().strict_f1 == 2 / 3


def test_entity_id_disagreement():
    kim_other = ("kim", "Kim Jong Un", "PER", "kim")
    report = pairwise(FULL, dict(mentions=[kim_other, PUTIN, VOSTOCHNY], relations=[MET, VISITED]))
    assert report.entity_ids().to_dict() == {"compared": 3, "agreed": 2, "agreement": 2 / 3}
    assert report.mentions().strict_f1 == 1.0


def test_symmetric_relations_match_in_either_direction_directed_ones_do_not():
    report = pairwise(FULL, dict(mentions=[KIM, PUTIN, VOSTOCHNY],
                                 relations=[("met_with", "putin", "kim"), ("visited", "vost", "kim")]))  # fmt: skip
    assert {t: c.strict for t, c in report.relations("type").items()} == {"met_with": 1, "visited": 0}


def test_fleiss_kappa_with_three_annotators():
    a = ann(D1, "annotator-1", "1", **FULL)
    b = ann(D1, "annotator-2", "2", mentions=[KIM, PUTIN, VOSTOCHNY], relations=[MET])
    c = ann(D1, "annotator-3", "3", **FULL)
    report = agreement(snap([D1], [a, b, c]), SCHEMA)
    # Items: (kim, putin) 3 x met_with -> P = 1; (kim, vost) 2 x visited + 1 x no_relation -> P = 1/3.
    # P-bar = 2/3; p = 3/6, 2/6, 1/6 -> P_e = 7/18; kappa = (2/3 - 7/18) / (11/18) = 5/11.
    assert report.kappa.method == "fleiss"
    assert report.kappa.value == float(Fraction(5, 11))
    assert report.kappa.items == 2
    # Pairs with annotator-2 disagree on (kim, vost) as in test_missing_relation_...: 1/3.
    assert {p: k.value for p, k in report.kappa_by_pair.items()} == {
        ("annotator-1", "annotator-2"): float(Fraction(1, 3)),
        ("annotator-1", "annotator-3"): 1.0,
        ("annotator-2", "annotator-3"): float(Fraction(1, 3)),
    }
    assert report.mentions().to_dict()["exact"] == 9  # three pairs x three mentions


def test_skipped_annotations_and_single_annotator_documents_are_left_out():
    d2 = doc("d2", language="sw")
    annotations = [
        ann(D1, "annotator-1", "1", **FULL),
        ann(D1, "annotator-2", "2", **FULL),
        ann(D1, "annotator-3", "3", mentions=[KIM], cancelled=True),
        ann(d2, "annotator-1", "4", **FULL),
    ]
    report = agreement(snap([D1, d2], annotations), SCHEMA)
    assert report.skipped_annotations == 1
    assert report.annotators == ("annotator-1", "annotator-2")
    assert report.documents_by_language == {"en": 1}
    assert report.mentions().strict_f1 == 1.0


def test_latest_annotation_of_an_annotator_is_used():
    old = ann(D1, "annotator-1", "1", mentions=[KIM], updated_at="2024-01-01T00:00:00Z")
    new = ann(D1, "annotator-1", "5", **FULL, updated_at="2024-02-01T00:00:00Z")
    other = ann(D1, "annotator-2", "2", **FULL, updated_at="2024-01-15T00:00:00Z")
    report = agreement(snap([D1], [new, old, other]), SCHEMA)
    assert report.superseded_annotations == 1
    assert report.mentions() == SpanCounts(3, 3, 3, 0)


def test_breakdown_per_language_and_pair_and_json():
    d2 = doc("d2", language="sw")
    annotations = [
        ann(D1, "annotator-1", "1", **FULL),
        ann(D1, "annotator-2", "2", **FULL),
        ann(d2, "annotator-1", "3", **FULL),
        ann(d2, "annotator-2", "4", mentions=[KIM, PUTIN], relations=[MET]),
    ]
    report = agreement(snap([D1, d2], annotations), SCHEMA)
    assert {k: v.strict_f1 for k, v in report.mentions("language").items()} == {"en": 1.0, "sw": 0.8}
    assert report.mentions().strict_f1 == 10 / 11  # (3 + 2) * 2 / (6 + 5)
    data = report.to_dict()
    assert data["mentions"]["by_language_type"]["sw"]["FAC"] == {
        "n_a": 1, "n_b": 0, "exact": 0, "overlap": 0, "strict_f1": 0.0, "partial_f1": 0.0}  # fmt: skip
    assert data["mentions"]["by_pair"] == [
        {
            "annotators": ["annotator-1", "annotator-2"],
            "n_a": 6,
            "n_b": 5,
            "exact": 5,
            "overlap": 0,
            "strict_f1": 10 / 11,
            "partial_f1": 10 / 11,
        }
    ]
    assert data["documents_by_language"] == {"en": 1, "sw": 1}
    assert data["relations"]["micro"]["strict_f1"] == 6 / 7  # 3 matched of 4 + 3


def test_kappa_functions_on_textbook_figures():
    # 10 items: 4 yes/yes, 2 yes/no, 1 no/yes, 3 no/no: p_o = 7/10, p_e = 6/10*5/10 + 4/10*5/10 = 1/2.
    labels = [("y", "y")] * 4 + [("y", "n")] * 2 + [("n", "y")] + [("n", "n")] * 3
    assert cohen_kappa(labels).value == float(Fraction(2, 5))
    assert fleiss_kappa([{"a": 2}, {"b": 2}]).value == 1.0
    assert fleiss_kappa([]).value is None


def test_empty_cells_have_no_f1_rather_than_zero():
    assert SpanCounts().strict_f1 is None and SpanCounts().partial_f1 is None


# --- cross-check with nervaluate ------------------------------------------------------------

TYPES = ["PER", "ORG", "GPE", "LOC", "FAC"]


def nervaluate_counts(a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]):
    """nervaluate's per-type ``strict`` and ``partial`` results, ``a`` as truth, ends inclusive."""
    from nervaluate import Evaluator

    as_dicts = lambda spans: [[{"label": t, "start": s, "end": e - 1} for s, e, t in sorted(spans)]]  # noqa: E731
    return Evaluator(as_dicts(a), as_dicts(b), tags=TYPES, loader="dict").evaluate()


@st.composite
def flat_spans(draw) -> list[tuple[int, int, str]]:
    """Non-overlapping typed spans, as one annotator marks them in one document."""
    cuts = sorted(draw(st.sets(st.integers(0, 60), max_size=12)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        if draw(st.booleans()):
            spans.append((start, end, draw(st.sampled_from(TYPES))))
    return spans


@settings(max_examples=300, deadline=None)
@given(flat_spans(), flat_spans())
def test_strict_and_partial_f1_equal_nervaluate(a, b):
    theirs = nervaluate_counts(a, b)
    total = SpanCounts()
    for etype in TYPES:
        ours = span_counts([(s, e) for s, e, t in a if t == etype], [(s, e) for s, e, t in b if t == etype])
        total += ours
        if etype in theirs["entities"]:
            strict, partial = theirs["entities"][etype]["strict"], theirs["entities"][etype]["partial"]
            assert (ours.exact, ours.overlap) == (strict.correct, partial.partial)
            assert (ours.strict_f1 or 0.0) == pytest.approx(strict.f1, abs=1e-12)
            assert (ours.partial_f1 or 0.0) == pytest.approx(partial.f1, abs=1e-12)
    if a or b:
        assert total.strict_f1 == pytest.approx(theirs["overall"]["strict"].f1, abs=1e-12)


def test_nervaluate_cross_check_on_the_fixture_pairs():
    """The hand-computed fixtures above, scored by nervaluate, give the same counts and F1."""

    def typed(specs):
        return [(D1.text.index(x), D1.text.index(x) + len(x), t) for _, x, t, _ in specs]

    full = [KIM, PUTIN, VOSTOCHNY]
    variants = [
        [KIM, PUTIN],
        [KIM, PUTIN, ("vost", "Vostochny Cosmodrome", "LOC", None)],
        [("kim", "Kim Jong", "PER", None), PUTIN, VOSTOCHNY],
        [("kim", "Jong Un met", "PER", None), ("putin", "Putin", "PER", None)],
    ]
    for other in variants:
        theirs = nervaluate_counts(typed(full), typed(other))
        ours = pairwise(dict(mentions=full), dict(mentions=other)).mentions()
        assert ours.exact == sum(r["strict"].correct for r in theirs["entities"].values())
        assert ours.overlap == sum(r["partial"].partial for r in theirs["entities"].values())
        assert ours.strict_f1 == pytest.approx(theirs["overall"]["strict"].f1, abs=1e-12)


# --- properties -----------------------------------------------------------------------------

mention_specs = st.lists(
    st.tuples(
        st.integers(0, 50),
        st.integers(1, 5),
        st.sampled_from(["PER", "GPE", "FAC"]),
        st.sampled_from(["kim_jong_un", "russia", None]),
    ),  # fmt: skip
    min_size=1,
    max_size=8,
)


@settings(max_examples=100, deadline=None)
@given(mention_specs, st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7),
                                         st.sampled_from(["met_with", "visited", "leader_of"])), max_size=6))  # fmt: skip
def test_identical_annotators_agree_one(specs, rel_specs):
    mentions = [(f"m{i}", s, s + n, t, eid) for i, (s, n, t, eid) in enumerate(specs)]
    relations = [(t, f"m{h % len(mentions)}", f"m{x % len(mentions)}") for h, x, t in rel_specs]
    a = ann(D1, "annotator-1", "1", mentions=mentions, relations=relations)
    b = ann(D1, "annotator-2", "2", mentions=mentions, relations=relations)
    report = agreement(snap([D1], [a, b]), SCHEMA)
    assert report.mentions().strict_f1 == 1.0
    assert report.mentions().partial_f1 == 1.0
    assert report.entity_ids().agreement == 1.0
    if relations:
        assert report.relations().strict_f1 == 1.0
        assert report.relations().boundaries_f1 == 1.0
    assert report.kappa.value in (1.0, None)  # None: a single label throughout
    if report.kappa.items:
        assert report.kappa.observed == 1.0


def test_annotators_are_in_natural_order():
    report = agreement(snap([D1], [ann(D1, "annotator-10", "1", **FULL), ann(D1, "annotator-2", "2", **FULL)]), SCHEMA)
    assert report.annotators == ("annotator-2", "annotator-10")
    assert list(report.mentions("pair")) == [("annotator-2", "annotator-10")]
