"""Reviewed id maps: rename or merge canonical entity ids in the gold, logged (pure).

An id map is a JSON object ``{"from_id": "to_id", ...}`` (what ``curation entities
--suggest-merges`` writes, reviewed by a person). Applied after adjudication, every gold mention
whose id is a key gets the value instead, and its decision-log entry says so: rule ``id_map``,
reason ``renamed FROM to TO by the reviewed id map FILE``. Nothing else changes, so an id typo
found late is fixed without hand edits in Label Studio.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from curation.core.errors import CurationError
from curation.core.records import Decision
from curation.review.adjudicate import Adjudication

ID_MAP_RULE = "id_map"
_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


class IdMapError(CurationError):
    """An id map file that is not a flat, acyclic ``{from: to}`` object of entity ids."""


@dataclass(frozen=True)
class IdMap:
    source: str
    renames: Mapping[str, str]


def parse_id_map(data: Any, source: str) -> IdMap:
    """Check an id map's JSON: an object of id -> id, no id renamed to itself, no chains."""
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise IdMapError(f'{source}: not an id map. Write a JSON object {{"from_id": "to_id", ...}}.')
    bad = sorted(i for pair in data.items() for i in pair if not _ID.match(i))
    if bad:
        raise IdMapError(f"{source}: {', '.join(map(repr, bad))} not an entity id (lower-case ASCII words joined by "
                         "underscores). Fix the map.")  # fmt: skip
    same = sorted(k for k, v in data.items() if k == v)
    if same:
        raise IdMapError(f"{source}: {', '.join(same)} renamed to itself. Remove those entries.")
    chained = sorted(v for v in data.values() if v in data)
    if chained:
        raise IdMapError(f"{source}: {', '.join(chained)} is both renamed and a new name. Map every id straight to its "
                         "final id.")  # fmt: skip
    return IdMap(source, dict(sorted(data.items())))


def reason(source: str, old: str, new: str) -> str:
    return f"renamed {old} to {new} by the reviewed id map {source}"


def apply_id_map(adjudication: Adjudication, id_map: IdMap) -> tuple[Adjudication, Counter[tuple[str, str]]]:
    """The adjudication with the map applied to its gold, and how many mentions each (from, to) renamed."""
    renamed: Counter[tuple[str, str]] = Counter()
    gold = []
    changed_items: dict[tuple[str, str], tuple[str, str]] = {}
    for g in adjudication.gold:
        mentions = []
        for m in g.mentions:
            new = id_map.renames.get(m.entity_id or "")
            if new is None:
                mentions.append(m)
                continue
            assert m.entity_id is not None
            renamed[(m.entity_id, new)] += 1
            changed_items[(g.doc_id, m.id)] = (m.entity_id, new)
            mentions.append(replace(m, entity_id=new))
        gold.append(replace(g, mentions=tuple(mentions)))
    decisions = tuple(
        Decision(d.doc_id, d.kind, d.item_id, ID_MAP_RULE, d.sources, reason(id_map.source, *changed_items[key]))
        if d.kind == "mention" and (key := (d.doc_id, d.item_id)) in changed_items
        else d
        for d in adjudication.decisions
    )
    return replace(adjudication, gold=tuple(gold), decisions=decisions), renamed
