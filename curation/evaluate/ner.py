"""Mention scores per SemEval-2013 task 9.1: ``strict``, ``exact``, ``partial``, ``ent_type``.

Each predicted mention is compared with the gold mentions of its document and counted once as
correct, incorrect, partial or spurious; each gold mention left unmatched is missed:

- ``strict``: correct when boundaries and type are equal; a prediction that overlaps an
  unmatched gold mention otherwise is incorrect;
- ``exact``: correct when boundaries are equal, whatever the type; overlap is incorrect;
- ``partial``: correct when boundaries are equal, partial when they only overlap (type
  ignored); precision ``(correct + 0.5 partial) / actual``, recall ``/ possible``;
- ``ent_type``: correct when the type is equal and the spans overlap (the closest
  boundaries win among several); overlap with another type is incorrect.

``possible = correct + incorrect + partial + missed`` (gold), ``actual = correct + incorrect
+ partial + spurious`` (predicted). The matching reproduces ``nervaluate`` 1.2.1 exactly
(tests prove the figures equal): predictions are taken in text order and each claims the
first unmatched gold mention that qualifies; "overlap" means at least one shared code point
covering at least 1% of the gold mention (nervaluate's default ``min_overlap_percentage``).
Per-type figures score each type alone (both sides filtered to it), as nervaluate does.

Spans are ``(start, end, type)`` with half-open ends; nervaluate's ends are inclusive, so
``(s, e, t)`` here is its ``{"start": s, "end": e - 1, "label": t}``. Instead of comparing
every prediction with every gold mention, each prediction only looks at the gold mentions
that can overlap it (found by bisection on the sorted starts): same result, fewer steps.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

STRATEGIES = ("strict", "exact", "partial", "ent_type")
#: nervaluate's default: an overlap counts when it covers at least this % of the gold span.
MIN_OVERLAP_PERCENT = 1.0
#: Positions in a count list.
CORRECT, INCORRECT, PARTIAL, MISSED, SPURIOUS = range(5)

Span = tuple[int, int, str]


def empty_counts() -> dict[str, list[int]]:
    """``{strategy: [correct, incorrect, partial, missed, spurious]}``, all zero."""
    return {name: [0, 0, 0, 0, 0] for name in STRATEGIES}


def add_counts(total: dict[str, list[int]], part: dict[str, list[int]]) -> None:
    for name in STRATEGIES:
        t, p = total[name], part[name]
        for k in range(5):
            t[k] += p[k]


def score_spans(gold: Sequence[Span], pred: Sequence[Span]) -> dict[str, list[int]]:
    """Counts of the four strategies for one document; both lists sorted by (start, end, type)."""
    return score_document(gold, pred)[0]


def score_document(
    gold: Sequence[Span], pred: Sequence[Span]
) -> tuple[dict[str, list[int]], dict[str, dict[str, list[int]]]]:
    """``(overall counts, {type: counts})`` for one document, in one pass.

    The per-type figures are those of scoring each type alone (both sides filtered to it):
    a prediction then only sees the gold mentions of its own type, and since types partition
    the gold, one "used" flag per gold mention and strategy serves every type at once.
    """
    per_type: dict[str, dict[str, list[int]]] = {}
    for label in {g[2] for g in gold} | {p[2] for p in pred}:
        per_type[label] = empty_counts()
    overall = empty_counts()
    n = len(gold)
    starts = [g[0] for g in gold]
    longest = max((g[1] - g[0] for g in gold), default=0)
    used = [bytearray(n) for _ in range(4)]  # overall, per strategy
    used_alone = [bytearray(n) for _ in range(4)]  # each type alone, per strategy
    touched = bytearray(n)  # 0: no strategy has claimed this gold mention yet
    rows = [overall[name] for name in STRATEGIES]
    for ps, pe, pt in pred:
        typed = per_type[pt]
        # Gold mentions that may overlap: start in (ps - longest, pe).
        lo, hi = bisect_right(starts, ps - longest), bisect_left(starts, pe)
        near = []
        for i in range(lo, hi):
            ts, te, tt = gold[i]
            a, b = (ps if ps > ts else ts), (pe if pe < te else te)
            overlaps = b > a and (b - a) / (te - ts) * 100.0 >= MIN_OVERLAP_PERCENT
            near.append((i, ts == ps and te == pe, tt == pt, overlaps, abs(ps - ts) + abs(pe - te)))
        if not near:
            for row in rows:
                row[SPURIOUS] += 1
            for name in STRATEGIES:
                typed[name][SPURIOUS] += 1
            continue
        if len(near) == 1 and near[0][1] and near[0][2] and not touched[near[0][0]]:
            # The common case: one gold mention nearby, equal and free: correct for everyone.
            i = near[0][0]
            touched[i] = 1
            for flags in used + used_alone:
                flags[i] = 1
            for row in rows:
                row[CORRECT] += 1
            for name in STRATEGIES:
                typed[name][CORRECT] += 1
            continue
        for x in near:
            touched[x[0]] = 1  # may be claimed below
        alone = [x for x in near if x[2]]
        for candidates, claimed, counts in ((near, used, rows), (alone, used_alone, [typed[k] for k in STRATEGIES])):
            _claim_first(candidates, claimed[0], counts[0], need_type=True)
            _claim_first(candidates, claimed[1], counts[1], need_type=False)
            _claim_partial(candidates, claimed[2], counts[2])
            _claim_closest(candidates, claimed[3], counts[3])
    for k, name in enumerate(STRATEGIES):
        overall[name][MISSED] = n - sum(used[k])
        flags = used_alone[k]
        for i in range(n):
            if not flags[i]:
                per_type[gold[i][2]][name][MISSED] += 1
    return overall, per_type


Near = list[tuple[int, bool, bool, bool, int]]  # (gold index, same span, same type, overlaps, distance)


def _claim_first(near: Near, used: bytearray, counts: list[int], *, need_type: bool) -> None:
    """``strict`` (need_type) and ``exact``: the first equal unmatched gold, else the first overlap."""
    wrong = -1
    for i, same_span, same_type, overlaps, _ in near:
        if used[i]:
            continue
        if same_span and (same_type or not need_type):
            used[i] = 1
            counts[CORRECT] += 1
            return
        if overlaps and wrong < 0:
            wrong = i
    if wrong >= 0:
        used[wrong] = 1
        counts[INCORRECT] += 1
    else:
        counts[SPURIOUS] += 1


def _claim_partial(near: Near, used: bytearray, counts: list[int]) -> None:
    """``partial``: the first equal-span unmatched gold, else the first overlap (partial)."""
    partial = -1
    for i, same_span, _, overlaps, _ in near:
        if used[i] or not overlaps:
            continue
        if same_span:
            used[i] = 1
            counts[CORRECT] += 1
            return
        if partial < 0:
            partial = i
    if partial >= 0:
        used[partial] = 1
        counts[PARTIAL] += 1
    else:
        counts[SPURIOUS] += 1


def _claim_closest(near: Near, used: bytearray, counts: list[int]) -> None:
    """``ent_type``: the overlapping same-type gold with the closest boundaries, else a wrong type."""
    best, best_distance, wrong = -1, -1, -1
    for i, _, same_type, overlaps, distance in near:
        if used[i] or not overlaps:
            continue
        if same_type:
            if best < 0 or distance < best_distance:
                best, best_distance = i, distance
        elif wrong < 0:
            wrong = i
    if best >= 0:
        used[best] = 1
        counts[CORRECT] += 1
    elif wrong >= 0:
        used[wrong] = 1
        counts[INCORRECT] += 1
    else:
        counts[SPURIOUS] += 1


def by_type(spans: Sequence[Span]) -> dict[str, list[Span]]:
    """The spans of each type, keeping their order."""
    groups: dict[str, list[Span]] = {}
    for span in spans:
        groups.setdefault(span[2], []).append(span)
    return groups


def prf(counts: Sequence[int], strategy: str) -> dict[str, float | int]:
    """Precision, recall, F1 and the counts, as nervaluate defines them for ``strategy``."""
    c, i, p, m, s = counts
    actual, possible = c + i + p + s, c + i + p + m
    hits = c + 0.5 * p if strategy in ("partial", "ent_type") else c
    precision = hits / actual if actual else 0.0
    recall = hits / possible if possible else 0.0
    f1 = 2 * (precision * recall) / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "correct": c, "incorrect": i, "partial": p, "missed": m, "spurious": s,
        "possible": possible, "actual": actual,
    }  # fmt: skip


def ner_block(counts: dict[str, list[int]]) -> dict[str, dict[str, float | int]]:
    """The ``ner`` section of a report: one :func:`prf` per strategy."""
    return {name: prf(counts[name], name) for name in STRATEGIES}
