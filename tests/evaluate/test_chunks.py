"""Token-level figures of BIO sequences equal seqeval's, in its default and strict IOB2 modes."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from curation.evaluate.chunks import MODES, default_chunks, strict_chunks, token_scores


def test_an_i_without_its_b_starts_a_chunk_by_default_and_none_in_strict_mode():
    tags = ["O", "I-PER", "I-PER", "B-GPE", "I-PER", "B-ORG", "B-ORG", "I-ORG"]
    assert default_chunks(tags) == [(1, 3, "PER"), (3, 4, "GPE"), (4, 5, "PER"), (5, 6, "ORG"), (6, 8, "ORG")]
    assert strict_chunks(tags) == [(3, 4, "GPE"), (5, 6, "ORG"), (6, 8, "ORG")]


def test_hand_computed_figures():
    gold = [["B-PER", "I-PER", "O", "B-GPE"], ["B-ORG", "O"]]
    pred = [["B-PER", "I-PER", "O", "I-GPE"], ["O", "B-ORG"]]
    report = token_scores(gold, pred)
    # default: PER and GPE right (I-GPE starts a chunk), ORG missed and one spurious: P 2/3, R 2/3.
    assert [report["default"][k] for k in ("correct", "missed", "spurious")] == [2, 1, 1]
    assert report["default"]["f1"] == pytest.approx(2 / 3)
    # strict: the I-GPE is no chunk: P 1/2, R 1/3.
    assert [report["strict"][k] for k in ("correct", "missed", "spurious")] == [1, 2, 1]
    assert (report["strict"]["precision"], report["strict"]["recall"]) == (0.5, pytest.approx(1 / 3))
    assert report["by_type"]["GPE"]["strict"]["missed"] == 1 and report["by_type"]["GPE"]["default"]["correct"] == 1


def seqeval_report(gold, pred, mode):
    options = {"mode": "strict", "scheme": IOB2} if mode == "strict" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined precision or recall: seqeval warns, then uses 0
        return classification_report(gold, pred, output_dict=True, **options)


def assert_equal_to_seqeval(gold, pred):
    ours = token_scores(gold, pred)
    for mode in MODES:
        read = default_chunks if mode == "default" else strict_chunks
        if not any(read(seq) for seq in gold + pred):  # seqeval cannot report on no chunk at all
            assert (ours[mode]["possible"], ours[mode]["actual"], ours[mode]["f1"]) == (0, 0, 0.0)
            continue
        theirs = seqeval_report(gold, pred, mode)
        micro = theirs.pop("micro avg")
        assert [ours[mode][k] for k in ("precision", "recall", "f1", "possible")] == [
            micro["precision"], micro["recall"], micro["f1-score"], micro["support"]]  # fmt: skip
        for label in [k for k in theirs if not k.endswith(" avg")]:
            block = ours["by_type"][label][mode]
            assert [block[k] for k in ("precision", "recall", "f1", "possible")] == [
                theirs[label]["precision"], theirs[label]["recall"], theirs[label]["f1-score"], theirs[label]["support"]
            ]  # fmt: skip
        for label, part in ours["by_type"].items():
            if label not in theirs:  # a type with chunks only in the other mode
                assert (part[mode]["possible"], part[mode]["actual"]) == (0, 0)


TAGS = ["O", "B-PER", "I-PER", "B-GPE", "I-GPE", "B-ORG", "I-ORG"]
sequence = st.lists(st.sampled_from(TAGS), min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(sequence, st.randoms(use_true_random=False)), min_size=1, max_size=5))
def test_random_sequences_score_exactly_as_seqeval(docs):
    gold, pred = [], []
    for tags, rng in docs:
        gold.append(tags)
        pred.append([rng.choice(TAGS) if rng.random() < 0.3 else tag for tag in tags])
    assert_equal_to_seqeval(gold, pred)
