"""Token-level scores of BIO tag sequences: entity chunks compared as seqeval 1.2.2 compares them.

A chunk is ``(first token, end token, type)``, half-open over the token positions of one
document. Two ways to read ``O``/``B-X``/``I-X`` tags, seqeval's two modes:

* ``default`` (seqeval's default mode, conlleval's): a chunk starts at ``B-X`` and at an ``I-X``
  that continues no chunk of type X (after ``O``, or after a chunk of another type), and takes
  the ``I-X`` that follow. This is :func:`curation.release.tokens.bio_chunks`.
  ``O I-PER I-PER`` holds one chunk, ``PER`` over tokens 1-2.
* ``strict`` (seqeval ``mode="strict", scheme=IOB2``): a chunk starts only at ``B-X`` and takes
  the ``I-X`` that follow; an ``I-X`` that continues no chunk belongs to none. ``O I-PER I-PER``
  holds no chunk.

:func:`token_scores` compares the gold and predicted chunks of each document as sets, overall
and per type, and micro-averages over documents: precision = correct / predicted chunks,
recall = correct / gold chunks, F1 their harmonic mean, 0.0 where undefined (seqeval's result
with its default ``zero_division``, without the warning). Each document is one sequence, as
if it were one sentence of seqeval's input; ``tests/evaluate/test_chunks.py`` checks the
figures equal seqeval's on random sequences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import compress
from typing import Any

from curation.evaluate.relations import prf3, total
from curation.release.tokens import bio_chunks

Chunk = tuple[int, int, str]
MODES = ("default", "strict")


def default_chunks(tags: Sequence[str]) -> list[Chunk]:
    """The chunks of ``tags`` in seqeval's default mode (module docstring)."""
    return bio_chunks(tags)


def strict_chunks(tags: Sequence[str]) -> list[Chunk]:
    """The chunks of ``tags`` in seqeval's strict IOB2 mode (module docstring); only the tokens not
    tagged ``O`` are visited."""
    chunks: list[Chunk] = []
    inside, last = None, -2  # the type of the chunk the previous tag belongs to, that tag's position
    for position in compress(range(len(tags)), map("O".__ne__, tags)):
        prefix, _, label = tags[position].partition("-")
        if prefix == "B":
            chunks.append((position, position + 1, label))
            inside = label
        elif prefix == "I" and label == inside and position == last + 1:
            chunks[-1] = (chunks[-1][0], position + 1, label)
        else:
            inside = None
        last = position
    return chunks


def token_scores(gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]) -> dict[str, Any]:
    """Chunk scores of the documents' predicted tag sequences against their gold ones (pairs in order).

    ``{"default": block, "strict": block, "by_type": {type: {"default": block, "strict": block}}}``,
    each block :func:`curation.evaluate.relations.prf3`'s (precision, recall, f1, correct,
    missed, spurious, possible, actual); types are those in either side's chunks of either mode.
    """
    counts: dict[str, dict[str, list[int]]] = {mode: {} for mode in MODES}
    for gold_tags, pred_tags in zip(gold, predicted, strict=True):
        if len(gold_tags) != len(pred_tags):
            raise ValueError(f"{len(pred_tags)} predicted tags for {len(gold_tags)} gold tags")
        for mode, read in zip(MODES, (default_chunks, strict_chunks)):
            _count(counts[mode], set(read(gold_tags)), set(read(pred_tags)))
    labels = sorted(counts["default"].keys() | counts["strict"].keys())
    return {
        **{mode: prf3(total(counts[mode])) for mode in MODES},
        "by_type": {label: {mode: prf3(counts[mode].get(label, [0, 0, 0])) for mode in MODES} for label in labels},
    }


def _count(by_type: dict[str, list[int]], gold: set[Chunk], predicted: set[Chunk]) -> None:
    """Add [correct, missed, spurious] per type."""
    for chunk in gold:
        row = by_type.setdefault(chunk[2], [0, 0, 0])
        if chunk in predicted:
            row[0] += 1
        else:
            row[1] += 1
    for chunk in predicted - gold:
        by_type.setdefault(chunk[2], [0, 0, 0])[2] += 1


def token_sections(tokens: Mapping[str, Any] | None) -> list[tuple[str, list[tuple[str, Mapping[str, Any]]]]]:
    """The report's tables of :func:`token_scores`' figures (none without them): overall, by type."""
    if not tokens:
        return []
    by_type = [(f"{label} {mode}", part[mode]) for label, part in tokens["by_type"].items() for mode in MODES]
    return [("Token sequences (seqeval)", [(f"tokens {mode}", tokens[mode]) for mode in MODES])] + (
        [("Token sequences by type", by_type)] if by_type else []
    )
