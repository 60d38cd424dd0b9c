"""Build small normalized snapshots by hand for agreement and adjudication tests.

Mentions are written as ``(region, surface, type, entity_id)``: the span is the first
occurrence of ``surface`` in the text (or ``(region, start, end, type, entity_id)`` for an
explicit span). Ids are namespaced ``"<annotation id>/<region>"`` as normalization does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from curation.core.records import Annotation, Document, Mention, Relation

TEXT = "Kim Jong Un met Vladimir Putin at Vostochny Cosmodrome."


@dataclass(frozen=True)
class Snap:
    """The two fields of ``curation.core.normalize.Normalized`` that agreement and adjudication read."""

    documents: Mapping[str, Document]
    annotations: tuple[Annotation, ...]
    predictions: tuple[Annotation, ...] = ()
    skipped: tuple = ()
    pushed_hashes: Mapping[str, str] = field(default_factory=dict)


def doc(doc_id: str = "d1", language: str = "en", text: str = TEXT) -> Document:
    return Document(doc_id=doc_id, language=language, text=text, title=doc_id)


def ann(
    document: Document,
    annotator: str,
    annotation_id: str,
    mentions: Sequence[tuple] = (),
    relations: Sequence[tuple[str, str, str]] = (),
    **flags,
) -> Annotation:
    """``relations`` are ``(type, head region, tail region)``."""
    built = []
    for spec in mentions:
        if isinstance(spec[1], int):
            region, start, end, etype, eid = spec
        else:
            region, surface, etype, eid = spec
            start = document.text.index(surface)
            end = start + len(surface)
        built.append(Mention(f"{annotation_id}/{region}", start, end, document.text[start:end], etype, eid))
    rels = tuple(
        Relation(f"{annotation_id}/r{i}", rtype, f"{annotation_id}/{head}", f"{annotation_id}/{tail}")
        for i, (rtype, head, tail) in enumerate(relations, 1)
    )
    return Annotation(document.doc_id, annotation_id, annotator, tuple(built), rels, **flags)


def snap(documents: Sequence[Document], annotations: Sequence[Annotation]) -> Snap:
    return Snap({d.doc_id: d for d in documents}, tuple(annotations))


#: The full annotation of TEXT that the fixtures vary.
KIM = ("kim", "Kim Jong Un", "PER", "kim_jong_un")
PUTIN = ("putin", "Vladimir Putin", "PER", "vladimir_putin")
VOSTOCHNY = ("vost", "Vostochny Cosmodrome", "FAC", "vostochny_cosmodrome")
MET = ("met_with", "kim", "putin")
VISITED = ("visited", "kim", "vost")
FULL = dict(mentions=[KIM, PUTIN, VOSTOCHNY], relations=[MET, VISITED])
