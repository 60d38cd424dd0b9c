"""The plain records every part of curation works on.

Offsets, written down once for the whole project: a span is ``[start, end)``, half-open,
counted in Python code points of the document text, so ``text[start:end]`` is the span.
Label Studio 1.23 stores code points too; offsets in UTF-16 code units (older front ends,
some external tools) are recognised by validation through :class:`curation.core.convert.OffsetMap`.

All records are frozen dataclasses. Mentions and relations are hashable, so agreement and
scoring are set arithmetic over them. ``to_dict``/``from_dict`` give the JSON form described
by ``schemas/record.schema.json``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

#: The document fields that are neither the text nor free-form metadata.
DOCUMENT_FIELDS = ("doc_id", "language", "source", "url", "published", "title")


def text_sha256(text: str) -> str:
    """The hash that ties a pushed task to the exact corpus text (UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    """One article. ``text`` is kept byte-for-byte as it was read."""

    doc_id: str
    language: str
    text: str
    source: str | None = None
    url: str | None = None
    published: str | None = None
    title: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in DOCUMENT_FIELDS}
        data["text"] = self.text
        if self.meta:
            data["meta"] = dict(self.meta)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        known: dict[str, Any] = {name: data.get(name) for name in DOCUMENT_FIELDS}
        return cls(text=data["text"], meta=dict(data.get("meta") or {}), **known)


@dataclass(frozen=True, slots=True)
class Mention:
    """A typed span ``text[start:end]`` with the canonical id of the entity it names."""

    id: str
    start: int
    end: int
    text: str
    type: str
    entity_id: str | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed, directed link from mention ``head`` to mention ``tail`` (mention ids)."""

    id: str
    type: str
    head: str
    tail: str


@dataclass(frozen=True)
class Annotation:
    """One labelling of one document: by an annotator, a model (prediction) or adjudication.

    ``annotator`` is a pseudonym (``annotator-3``), never an e-mail address.
    ``cancelled`` is Label Studio's "skipped". ``from_prediction`` says the annotator started
    from a pre-annotation; ``model_version`` names the model for predictions.
    """

    doc_id: str
    annotation_id: str = ""
    annotator: str = ""
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    ground_truth: bool = False
    cancelled: bool = False
    from_prediction: bool = False
    model_version: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    lead_time: float | None = None

    def mention_by_id(self) -> dict[str, Mention]:
        return {m.id: m for m in self.mentions}

    def to_dict(self, document: Document | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "mentions":
                value = [_plain(m) for m in value]
            elif f.name == "relations":
                value = [_plain(r) for r in value]
            data[f.name] = value
        if document is not None:
            data["document"] = document.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Annotation:
        """Build from the JSON form; ``document`` (if present) is read by :func:`document_of`."""
        names = {f.name for f in fields(cls)} - {"mentions", "relations"}
        values = {k: v for k, v in data.items() if k in names}
        return cls(
            mentions=tuple(Mention(**m) for m in data.get("mentions", ())),
            relations=tuple(Relation(**r) for r in data.get("relations", ())),
            **values,
        )


def document_of(record: Mapping[str, Any]) -> Document | None:
    """The document embedded in a record's JSON form, if it carries one."""
    doc = record.get("document")
    return Document.from_dict(doc) if doc else None


@dataclass(frozen=True, slots=True)
class Decision:
    """Why one gold item exists: which source annotations it came from, by which rule.

    ``kind`` is ``"mention"`` or ``"relation"``; ``item_id`` is the gold item's id;
    ``rule`` is one of ``ground_truth``, ``majority``, ``single_annotation``, ``unanimous``,
    ``decision`` (a decisions file chose it), ``id_map`` (a reviewed id map renamed its entity
    id); ``reason`` is that decision's or that rename's one-line reason.
    """

    doc_id: str
    kind: str
    item_id: str
    rule: str
    sources: tuple[str, ...]
    reason: str | None = None


@dataclass(frozen=True)
class GoldDocument:
    """The one adjudicated version of a document that a release publishes.

    ``status`` is ``ground_truth``, ``adjudicated`` (majority of two or more annotators,
    no open conflicts) or ``single_annotated``; ``n_annotators`` counts the non-skipped
    annotations it was decided from.
    """

    document: Document
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    status: str
    n_annotators: int

    @property
    def doc_id(self) -> str:
        return self.document.doc_id


def _plain(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}
