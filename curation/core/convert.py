"""Records <-> Label Studio results, both directions, as small pure functions.

Label Studio 1.23 stores ``Text`` region offsets in code points, like records do (checked in
Chromium: a span selected after an emoji, after ``\r\n`` and in Arabic text is stored with
code-point offsets, and a prediction with code-point offsets is drawn on the right
characters), so results carry record offsets unchanged. Older Label Studio front ends and
some external tools counted UTF-16 code units (JavaScript string indexes) instead; the two
differ after any character outside the Basic Multilingual Plane (emoji, some CJK).
:class:`OffsetMap` translates, so that validation can recognise such offsets and say so.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from curation.core.records import Mention, Relation
from curation.core.schema import ENTITY_ID_NAME, LABELS_NAME, TEXT_NAME


class OffsetMap:
    """Translate offsets in one text between code points and UTF-16 code units."""

    def __init__(self, text: str) -> None:
        # Code-point indexes of astral characters; empty for most texts (then both agree).
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # UTF-16 index at which each astral character starts, and just after it ends.
        self._astral16 = [i + k for k, i in enumerate(self._astral)]
        self._ends16 = [p + 2 for p in self._astral16]
        self.length = len(text)

    @property
    def identity(self) -> bool:
        return not self._astral

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code-point offset ``cp``."""
        return cp + bisect.bisect_left(self._astral, cp)

    def from_utf16(self, u16: int) -> int:
        """Code-point offset of UTF-16 offset ``u16``; one inside a surrogate pair rounds down."""
        whole = bisect.bisect_right(self._ends16, u16)
        cp = u16 - whole
        if whole < len(self._astral16) and self._astral16[whole] + 1 == u16:
            cp -= 1
        return cp


@dataclass(frozen=True)
class Skipped:
    """A Label Studio result that became no mention or relation, and why (never silent)."""

    result_id: str | None
    reason: str


def mention_results(mention: Mention) -> list[dict[str, Any]]:
    """A mention as Label Studio results: the labelled span and, if any, its entity id.

    ``Mention("m1", 0, 3, "Kim", "PER", "kim_jong_un")`` becomes
    ``{"id": "m1", "from_name": "label", "to_name": "text", "type": "labels",
    "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PER"]}}`` plus a
    ``textarea`` result with the same id holding ``["kim_jong_un"]``.
    """
    start, end = mention.start, mention.end
    results = [
        {
            "id": mention.id,
            "from_name": LABELS_NAME,
            "to_name": TEXT_NAME,
            "type": "labels",
            "value": {"start": start, "end": end, "text": mention.text, "labels": [mention.type]},
        }
    ]
    if mention.entity_id is not None:
        results.append(
            {
                "id": mention.id,
                "from_name": ENTITY_ID_NAME,
                "to_name": TEXT_NAME,
                "type": "textarea",
                "value": {"start": start, "end": end, "text": [mention.entity_id]},
            }
        )
    return results


def relation_result(relation: Relation) -> dict[str, Any]:
    """``Relation("r1", "met_with", "m1", "m2")`` becomes
    ``{"from_id": "m1", "to_id": "m2", "type": "relation", "direction": "right", "labels": ["met_with"]}``.
    """
    return {
        "from_id": relation.head,
        "to_id": relation.tail,
        "type": "relation",
        "direction": "right",
        "labels": [relation.type],
    }


def to_ls_results(text: str, mentions: Iterable[Mention], relations: Iterable[Relation]) -> list[dict[str, Any]]:
    """Mentions and relations of one document as one Label Studio ``result`` list."""
    results: list[dict[str, Any]] = []
    for mention in mentions:
        results.extend(mention_results(mention))
    results.extend(relation_result(r) for r in relations)
    return results


def _intern(value: Any) -> Any:
    """One shared string object per type label (and entity id): a corpus repeats them in every document."""
    return sys.intern(value) if type(value) is str else value


def from_ls_results(
    text: str, results: Iterable[Mapping[str, Any]], namespace: str
) -> tuple[tuple[Mention, ...], tuple[Relation, ...], tuple[Skipped, ...]]:
    """One annotation's Label Studio ``result`` list as mentions and relations.

    Region ids are unique only inside one annotation, so every id is prefixed with
    ``namespace`` (``"<annotation>/"``); relations, which have no id, are numbered ``r1, r2...``
    in result order. Nothing is dropped silently: a result that cannot become a mention or a
    relation is returned in the third element with the reason. Relations whose endpoint does
    not exist are kept (validation reports them); a region with several labels keeps them all,
    joined by ``|`` (validation reports that as an unknown label).
    """
    # Keyed by result id; a malformed result without one is keyed by None.
    spans: dict[str | None, dict[str, Any]] = {}
    entity_ids: dict[str | None, str] = {}
    relations: list[Relation] = []
    skipped: list[Skipped] = []
    for res in results:
        kind, rid, value = res.get("type"), res.get("id"), res.get("value") or {}
        if kind == "relation":
            labels = res.get("labels") or []
            head, tail = res.get("from_id"), res.get("to_id")
            if res.get("direction") == "left":
                head, tail = tail, head
            if not labels:
                skipped.append(Skipped(f"{head}->{tail}", "relation without a type"))
                continue
            for label in labels:
                relations.append(
                    Relation(
                        f"{namespace}r{len(relations) + 1}", _intern(label), f"{namespace}{head}", f"{namespace}{tail}"
                    )
                )
        elif kind == "labels" and res.get("from_name") == LABELS_NAME:
            if type(value.get("start")) is not int or type(value.get("end")) is not int:
                skipped.append(Skipped(rid, "labelled region without integer start/end offsets"))
            elif rid in spans:
                skipped.append(Skipped(rid, "second labels result for the same region id"))
            else:
                spans[rid] = value
        elif kind == "textarea" and res.get("from_name") == ENTITY_ID_NAME:
            typed = value.get("text") or ()
            entity_ids[rid] = sys.intern(typed[-1].strip()) if typed and isinstance(typed[-1], str) else ""
        else:
            skipped.append(Skipped(rid, f"unknown result {res.get('from_name')!r} of type {kind!r}"))
    mentions = []
    for rid, value in spans.items():
        start, end = value["start"], value["end"]
        stored = value.get("text")
        region_labels: Sequence[str] = value.get("labels") or ()
        mentions.append(
            Mention(
                f"{namespace}{rid}",
                start,
                end,
                stored if isinstance(stored, str) else text[start:end],
                _intern(region_labels[0]) if len(region_labels) == 1 else "|".join(region_labels),
                entity_ids.pop(rid, None),
            )
        )
    skipped.extend(Skipped(rid, "entity id on a region that has no label") for rid in entity_ids)
    return tuple(mentions), tuple(relations), tuple(skipped)
