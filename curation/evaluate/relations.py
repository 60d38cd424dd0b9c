"""Relation scores (span level) and triple scores (string level, alias-matched).

Relations, after Taille et al. (2020), "Let's Stop Incorrect Comparisons in End-to-end
Relation Extraction!": a predicted relation is correct

- ``strict``: when its type and both arguments' boundaries and entity types equal a gold
  relation's;
- ``boundaries``: when its type and both arguments' boundaries are equal (argument types are
  not checked).

Relations are compared as sets of such keys per document, so a relation predicted twice
counts once; for a symmetric relation type the two arguments are put in a fixed order, so
either direction matches the gold once.

Triples: a predicted ``(subject, predicate, object)`` matches a gold ``(head entity,
relation, tail entity)`` when the predicate is equal and the subject and object each equal,
after :func:`~curation.core.textnorm.normalize_alias`, an alias of the gold head and tail entity
(either direction for symmetric predicates). Predicted triples are a set of normalized
strings; matching is one-to-one (a maximum bipartite matching), so two aliases of the same
fact earn one match and the other counts as spurious.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Set

from curation.core.textnorm import normalize_alias

Span = tuple[int, int, str]
#: Positions in a count list.
CORRECT, MISSED, SPURIOUS = range(3)
RELATION_MODES = ("strict", "boundaries")


def relation_keys(
    relations: Iterable[tuple[str, str, str]], spans: Mapping[str, Span], symmetric: Collection[str]
) -> tuple[set[tuple], set[tuple]]:
    """``(strict keys, boundaries keys)`` of ``(type, head mention id, tail mention id)`` relations."""
    strict, boundaries = set(), set()
    for label, head, tail in relations:
        a, b = spans[head], spans[tail]
        a2, b2 = a[:2], b[:2]
        if label in symmetric:
            a, b = (a, b) if a <= b else (b, a)
            a2, b2 = (a2, b2) if a2 <= b2 else (b2, a2)
        strict.add((label, a, b))
        boundaries.add((label, a2, b2))
    return strict, boundaries


def add_set_counts(totals: dict[str, list[int]], gold: set[tuple], pred: set[tuple]) -> None:
    """Add correct / missed / spurious of two key sets to ``totals[type]`` (type = key[0])."""
    hits = gold & pred
    for key in hits:
        _row(totals, key[0])[CORRECT] += 1
    for key in gold:
        if key not in hits:
            _row(totals, key[0])[MISSED] += 1
    for key in pred:
        if key not in hits:
            _row(totals, key[0])[SPURIOUS] += 1


def _row(totals: dict[str, list[int]], label: str) -> list[int]:
    row = totals.get(label)
    if row is None:
        row = totals[label] = [0, 0, 0]
    return row


def prf3(counts: Iterable[int]) -> dict[str, float | int]:
    """Precision, recall, F1 and counts from ``[correct, missed, spurious]``."""
    c, m, s = counts
    actual, possible = c + s, c + m
    precision = c / actual if actual else 0.0
    recall = c / possible if possible else 0.0
    f1 = 2 * (precision * recall) / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "correct": c, "missed": m, "spurious": s, "possible": possible, "actual": actual}  # fmt: skip


def total(by_label: Mapping[str, list[int]]) -> list[int]:
    """Sum of per-type count lists."""
    out = [0, 0, 0]
    for row in by_label.values():
        for k in range(3):
            out[k] += row[k]
    return out


# --- triples ----------------------------------------------------------------------------------


class AliasIndex:
    """Entity id <-> normalized aliases, for alias matching."""

    def __init__(self, aliases: Mapping[str, Iterable[str]]) -> None:
        self.entities: dict[str, set[str]] = {}
        for entity_id, names in aliases.items():
            keys = {normalize_alias(n) for n in names} - {""}
            for key in keys:
                self.entities.setdefault(key, set()).add(entity_id)

    def ids(self, normalized: str) -> set[str]:
        return self.entities.get(normalized) or set()


def gold_triple_key(
    subject_id: str, predicate: str, object_id: str, symmetric: Collection[str]
) -> tuple[str, str, str]:
    if predicate in symmetric and object_id < subject_id:
        subject_id, object_id = object_id, subject_id
    return (subject_id, predicate, object_id)


def predicted_triple_key(
    subject: str, predicate: str, object_: str, symmetric: Collection[str]
) -> tuple[str, str, str]:
    return gold_triple_key(normalize_alias(subject), predicate, normalize_alias(object_), symmetric)


def match_triples(
    gold: Set[tuple[str, str, str]],
    pred: Set[tuple[str, str, str]],
    index: AliasIndex,
    symmetric: Collection[str],
) -> dict[str, list[int]]:
    """One-to-one matching of predicted keys to gold keys; ``{predicate: [correct, missed, spurious]}``."""
    return pair_counts(gold, pred, match_pairs(gold, pred, index, symmetric))


def match_pairs(
    gold: Set[tuple[str, str, str]],
    pred: Set[tuple[str, str, str]],
    index: AliasIndex,
    symmetric: Collection[str],
) -> dict[tuple[str, str, str], tuple[str, str, str]]:
    """The one-to-one matching itself: ``{gold key: the predicted key matched to it}``."""
    ids = index.entities.get
    order = sorted(pred)
    candidates: list[list[tuple]] = []
    for subject, predicate, object_ in order:
        edges: list[tuple] = []
        subject_ids, object_ids = ids(subject), ids(object_)
        if subject_ids and object_ids:
            turn = predicate in symmetric
            for s in subject_ids:
                for o in object_ids:
                    key = (o, predicate, s) if turn and o < s else (s, predicate, o)
                    if key in gold:
                        edges.append(key)
            if len(edges) > 1:
                edges = sorted(set(edges))
        candidates.append(edges)
    return {key: order[k] for key, k in max_matching(candidates).items()}


def pair_counts(
    gold: Collection[tuple[str, str, str]], pred: Collection[tuple[str, str, str]], pairs: Mapping[tuple, tuple]
) -> dict[str, list[int]]:
    """``{predicate: [correct, missed, spurious]}`` of a matching (gold key -> predicted key)."""
    counts: dict[str, list[int]] = {}
    for key in gold:
        _row(counts, key[1])[CORRECT if key in pairs else MISSED] += 1
    taken = set(pairs.values())
    for key in pred:
        if key not in taken:
            _row(counts, key[1])[SPURIOUS] += 1
    return counts


def max_matching(candidates: list[list[tuple]]) -> dict[tuple, int]:
    """Maximum bipartite matching (augmenting paths found breadth-first): right -> left index.

    ``candidates[i]`` lists the right vertices left vertex ``i`` may take.
    """
    match_right: dict[tuple, int] = {}
    match_left: dict[int, tuple] = {}
    for start, edges in enumerate(candidates):
        if not edges:
            continue
        free = next((v for v in edges if v not in match_right), None)
        if free is not None:  # the common case: no search needed
            match_right[free], match_left[start] = start, free
            continue
        parent: dict[tuple, int] = {}
        queue, found = [start], None
        for left in queue:
            for v in candidates[left]:
                if v in parent:
                    continue
                parent[v] = left
                if v not in match_right:
                    found = v
                    break
                queue.append(match_right[v])
            if found is not None:
                break
        while found is not None:  # flip the path back to start
            left = parent[found]
            previous = match_left.get(left)
            match_right[found], match_left[left] = left, found
            found = None if left == start else previous
    return match_right
