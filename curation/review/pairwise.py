"""Two annotations of one document compared: the counts every agreement figure is made of.

Each count is a small frozen dataclass that adds up (``+``) over documents, types, languages
and annotator pairs, so every average is a micro average of summed counts. The definitions are
in :mod:`curation.review.agreement`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from curation.core.records import Annotation
from curation.core.schema import Schema

NO_RELATION = "no_relation"

Span = tuple[int, int]


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class SpanCounts:
    """Mention counts of one cell: ``n_a``/``n_b`` mentions of the first/second annotator."""

    n_a: int = 0
    n_b: int = 0
    exact: int = 0
    overlap: int = 0

    def __add__(self, other: SpanCounts) -> SpanCounts:
        return SpanCounts(self.n_a + other.n_a, self.n_b + other.n_b, self.exact + other.exact,
                          self.overlap + other.overlap)  # fmt: skip

    @property
    def strict_f1(self) -> float | None:
        return _ratio(2 * self.exact, self.n_a + self.n_b)

    @property
    def partial_f1(self) -> float | None:
        return _ratio(2 * self.exact + self.overlap, self.n_a + self.n_b)

    def to_dict(self) -> dict[str, Any]:
        return {"n_a": self.n_a, "n_b": self.n_b, "exact": self.exact, "overlap": self.overlap,
                "strict_f1": self.strict_f1, "partial_f1": self.partial_f1}  # fmt: skip


@dataclass(frozen=True)
class RelationCounts:
    """Relation counts of one cell: ``strict``/``boundaries`` matched keys."""

    n_a: int = 0
    n_b: int = 0
    strict: int = 0
    boundaries: int = 0

    def __add__(self, other: RelationCounts) -> RelationCounts:
        return RelationCounts(self.n_a + other.n_a, self.n_b + other.n_b, self.strict + other.strict,
                              self.boundaries + other.boundaries)  # fmt: skip

    @property
    def strict_f1(self) -> float | None:
        return _ratio(2 * self.strict, self.n_a + self.n_b)

    @property
    def boundaries_f1(self) -> float | None:
        return _ratio(2 * self.boundaries, self.n_a + self.n_b)

    def to_dict(self) -> dict[str, Any]:
        return {"n_a": self.n_a, "n_b": self.n_b, "strict": self.strict, "boundaries": self.boundaries,
                "strict_f1": self.strict_f1, "boundaries_f1": self.boundaries_f1}  # fmt: skip


@dataclass(frozen=True)
class IdCounts:
    """Entity-id comparisons of one cell."""

    compared: int = 0
    agreed: int = 0

    def __add__(self, other: IdCounts) -> IdCounts:
        return IdCounts(self.compared + other.compared, self.agreed + other.agreed)

    @property
    def agreement(self) -> float | None:
        return _ratio(self.agreed, self.compared)

    def to_dict(self) -> dict[str, Any]:
        return {"compared": self.compared, "agreed": self.agreed, "agreement": self.agreement}


# --- matching -------------------------------------------------------------------------------


def _overlaps(x: Span, y: Span) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def _max_overlap_matching(left: Sequence[Span], right: Sequence[Span]) -> int:
    """Size of a maximum one-to-one matching of overlapping spans (augmenting paths)."""
    adjacency = [[j for j, r in enumerate(right) if _overlaps(s, r)] for s in left]
    owner = [-1] * len(right)

    def augment(i: int, seen: set[int]) -> bool:
        for j in adjacency[i]:
            if j not in seen:
                seen.add(j)
                if owner[j] < 0 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(left)))


def span_counts(a: Sequence[Span], b: Sequence[Span]) -> SpanCounts:
    """Counts for two annotators' spans of one type in one document."""
    count_a, count_b = Counter(a), Counter(b)
    exact = sum((count_a & count_b).values())
    rest_a, rest_b = sorted((count_a - count_b).elements()), sorted((count_b - count_a).elements())
    return SpanCounts(len(a), len(b), exact, _max_overlap_matching(rest_a, rest_b))


# --- one annotation's comparable items ------------------------------------------------------


@dataclass(frozen=True)
class Items:
    """One annotation reduced to what agreement compares."""

    spans_by_type: Mapping[str, tuple[Span, ...]]
    ids_by_span: Mapping[Span, tuple[str, ...]]
    strict: Counter  # (type, argument, argument) -> count, arguments (span, entity type)
    boundaries: Counter  # (type, span, span) -> count
    labels: Mapping[tuple[Span, Span], str]  # argument pair -> relation label(s)
    dangling: int

    @property
    def spans(self) -> frozenset[Span]:
        return frozenset(self.ids_by_span)


def oriented(relation_type: str, head: tuple, tail: tuple, schema: Schema | None) -> tuple[tuple, tuple]:
    """Arguments in drawing order, or in offset order for a symmetric relation type."""
    if schema is not None and schema.is_symmetric(relation_type) and tail < head:
        return tail, head
    return head, tail


def items_of(annotation: Annotation, schema: Schema | None) -> Items:
    spans: dict[str, list[Span]] = defaultdict(list)
    ids: dict[Span, list[str]] = defaultdict(list)
    for m in annotation.mentions:
        spans[m.type].append(m.span)
        ids[m.span].append(m.entity_id or "")
    by_id = annotation.mention_by_id()
    strict: Counter = Counter()
    boundaries: Counter = Counter()
    labels: dict[tuple[Span, Span], set[str]] = defaultdict(set)
    dangling = 0
    for r in annotation.relations:
        head, tail = by_id.get(r.head), by_id.get(r.tail)
        if head is None or tail is None:
            dangling += 1
            continue
        # Named first: mypy 2.4's parser takes a starred tuple inside [] for 3.11-only syntax.
        strict_key = (r.type, *oriented(r.type, (head.span, head.type), (tail.span, tail.type), schema))
        strict[strict_key] += 1
        h, t = oriented(r.type, head.span, tail.span, schema)
        boundaries[(r.type, h, t)] += 1
        labels[(h, t)].add(r.type)
    return Items(
        {k: tuple(sorted(v)) for k, v in spans.items()},
        {k: tuple(sorted(v)) for k, v in ids.items()},
        strict,
        boundaries,
        {k: "|".join(sorted(v)) for k, v in labels.items()},
        dangling,
    )


def relation_counts(x: Items, y: Items) -> dict[str, RelationCounts]:
    cells: dict[str, RelationCounts] = {}
    for rtype in sorted({k[0] for k in x.boundaries} | {k[0] for k in y.boundaries}):
        sx = Counter({k: v for k, v in x.strict.items() if k[0] == rtype})
        sy = Counter({k: v for k, v in y.strict.items() if k[0] == rtype})
        bx = Counter({k: v for k, v in x.boundaries.items() if k[0] == rtype})
        by = Counter({k: v for k, v in y.boundaries.items() if k[0] == rtype})
        cells[rtype] = RelationCounts(sum(bx.values()), sum(by.values()), sum((sx & sy).values()),
                                      sum((bx & by).values()))  # fmt: skip
    return cells


def id_counts(x: Items, y: Items) -> IdCounts:
    compared = agreed = 0
    for span in x.spans & y.spans:
        ids_x, ids_y = Counter(x.ids_by_span[span]), Counter(y.ids_by_span[span])
        compared += min(sum(ids_x.values()), sum(ids_y.values()))
        agreed += sum((ids_x & ids_y).values())
    return IdCounts(compared, agreed)


def label_items(voters: Sequence[Items]) -> list[tuple[str, ...]]:
    """Per kappa item, each voter's relation label (see the module docstring)."""
    common = frozenset.intersection(*(v.spans for v in voters))
    keys = sorted({k for v in voters for k in v.labels if k[0] in common and k[1] in common})
    return [tuple(v.labels.get(k, NO_RELATION) for v in voters) for k in keys]
