"""Open conflicts of adjudication: where annotators disagree, with every annotator's version.

A conflict item is one place in one document (a span, or a pair of argument spans) on which no
majority formed. Its versions hold, for every annotator of the document, what they marked
there, possibly nothing, so a reviewer sees the whole disagreement at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from curation.core.records import Annotation, Document, Mention, Relation

#: Kinds of conflict items.
MENTION, ENTITY_ID, RELATION, GROUND_TRUTH = "mention", "entity_id", "relation", "ground_truth"


@dataclass(frozen=True)
class ArgumentView:
    """A relation with its two argument mentions resolved, for people to read."""

    type: str
    head: Mention
    tail: Mention

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "head": _mention_dict(self.head), "tail": _mention_dict(self.tail)}


@dataclass(frozen=True)
class Version:
    """What one annotator (one annotation) has at a conflicted place."""

    annotator: str
    annotation_id: str
    mentions: tuple[Mention, ...] = ()
    relations: tuple[ArgumentView, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "annotation_id": self.annotation_id,
            "mentions": [_mention_dict(m) for m in self.mentions],
            "relations": [r.to_dict() for r in self.relations],
        }


@dataclass(frozen=True)
class ConflictItem:
    """One disputed place: ``kind`` (mention, entity_id, relation, ground_truth) and ``where``."""

    kind: str
    where: str
    versions: tuple[Version, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "where": self.where, "versions": [v.to_dict() for v in self.versions]}


@dataclass(frozen=True)
class Conflict:
    """A document held out of the gold until a reviewer resolves it.

    ``draft`` is the merged annotation offered to the reviewer (a prediction in Label Studio):
    the accepted items plus every disputed candidate, so resolving means deleting the wrong
    ones. ``None`` when there is nothing to draft (disagreeing ground truths). ``accepted``
    holds the accepted items alone, what a decisions file adds its choices to: mentions as
    ``(start, end, type, entity id)`` and relations as ``(type, head, tail)`` with ``(start,
    end, type)`` ends; ``None`` where there is nothing to draft.
    """

    doc_id: str
    n_annotators: int
    items: tuple[ConflictItem, ...]
    draft: Annotation | None
    accepted: tuple[tuple[tuple[int, int, str, str | None], ...], tuple[tuple[str, tuple, tuple], ...]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "n_annotators": self.n_annotators,
            "items": [i.to_dict() for i in self.items],
            "draft": None
            if self.draft is None
            else {
                "model_version": self.draft.model_version,
                "mentions": [_mention_dict(m, with_id=True) for m in self.draft.mentions],
                "relations": [
                    {"id": r.id, "type": r.type, "head": r.head, "tail": r.tail} for r in self.draft.relations
                ],
            },  # fmt: skip
        }


def _mention_dict(m: Mention, with_id: bool = False) -> dict[str, Any]:
    data = {"start": m.start, "end": m.end, "text": m.text, "type": m.type, "entity_id": m.entity_id}
    return {"id": m.id, **data} if with_id else data


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_clusters(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans that overlap (transitively) into their covering ranges, in offset order."""
    merged: list[list[int]] = []
    for start, end in sorted(set(spans)):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def where_span(document: Document, span: tuple[int, int]) -> str:
    return f"[{span[0]}, {span[1]}) {document.text[span[0] : span[1]]!r}"


def mention_item(kind: str, document: Document, span: tuple[int, int], voters: Sequence[Annotation],
                 who: Sequence[str], exact: bool = False) -> ConflictItem:  # fmt: skip
    """Each voter's mentions overlapping ``span`` (or with exactly that span)."""

    def here(m: Mention) -> bool:
        return m.span == span if exact else _overlap(m.span, span)

    versions = tuple(
        Version(name, a.annotation_id, tuple(sorted((m for m in a.mentions if here(m)), key=_order)))
        for name, a in zip(who, voters)
    )
    return ConflictItem(kind, where_span(document, span), versions)


def relation_item(document: Document, spans: tuple[tuple[int, int], tuple[int, int]],
                  voters: Sequence[Annotation], who: Sequence[str]) -> ConflictItem:  # fmt: skip
    """Each voter's relations between the two argument spans, in either direction."""
    wanted = set(spans)
    versions = []
    for name, a in zip(who, voters):
        by_id = a.mention_by_id()
        views = []
        for r in a.relations:
            head, tail = by_id.get(r.head), by_id.get(r.tail)
            if head is not None and tail is not None and {head.span, tail.span} == wanted:
                views.append(ArgumentView(r.type, head, tail))
        views.sort(key=lambda v: (v.head.span, v.tail.span, v.type))
        versions.append(Version(name, a.annotation_id, relations=tuple(views)))
    where = f"{where_span(document, spans[0])} -- {where_span(document, spans[1])}"
    return ConflictItem(RELATION, where, tuple(versions))


def whole_item(voters: Sequence[Annotation], who: Sequence[str]) -> ConflictItem:
    """Several ground-truth annotations that differ: each one whole."""
    versions = []
    for name, a in zip(who, voters):
        by_id = a.mention_by_id()
        views = tuple(
            ArgumentView(r.type, by_id[r.head], by_id[r.tail])
            for r in a.relations
            if r.head in by_id and r.tail in by_id
        )
        versions.append(Version(name, a.annotation_id, tuple(sorted(a.mentions, key=_order)), views))
    return ConflictItem(GROUND_TRUTH, "ground-truth annotations differ: unflag all but one", tuple(versions))


def _order(m: Mention) -> tuple:
    return (m.start, m.end, m.type, m.entity_id or "", m.id)


def draft_relations(relations: Iterable[tuple[str, str, str]]) -> tuple[Relation, ...]:
    """``(type, head id, tail id)`` triples as relations ``r1, r2...`` in a stable order."""
    ordered = sorted(set(relations), key=lambda r: (_index(r[1]), _index(r[2]), r[0]))
    return tuple(Relation(f"r{i}", t, h, x) for i, (t, h, x) in enumerate(ordered, 1))


def _index(mention_id: str) -> int:
    return int(mention_id[1:])
