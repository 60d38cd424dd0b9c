"""Release ids and entity facts: gold documents renumbered, and the release-wide entity table (pure).

Ids in a release never come from Label Studio: mentions are renumbered ``m1, m2...`` per
document in text order (start, end, type, entity id) and relations ``r1, r2...`` by (head
mention, tail mention, type). Entity facts (type, name, aliases) are decided from every gold
mention of the entity id, as :mod:`curation.release.rows` describes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter, itemgetter
from typing import NamedTuple

from curation.core.errors import ReleaseError
from curation.core.records import GoldDocument, Mention


@dataclass(frozen=True)
class Entity:
    """One canonical entity as the release describes it."""

    id: str
    type: str
    name: str
    aliases: Mapping[str, tuple[str, ...]]
    documents: tuple[str, ...]
    all_aliases: tuple[str, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.aliases))


class ReleasedRelation(NamedTuple):
    """A gold relation in release order: ``head`` and ``tail`` index the document's ``mentions``."""

    head: int
    tail: int
    type: str


@dataclass(frozen=True)
class ReleasedDocument:
    """A gold document in release order, with its split.

    ``mentions`` are the gold mentions sorted by (start, end, type, entity id): the i-th (from
    0) is released as ``m{i+1}``. ``relations`` are sorted by (head, tail, type): the i-th is
    ``r{i+1}``. ``id_map`` takes a gold mention or relation id to its release id.
    ``entity_ids`` are the distinct entity ids of its mentions, sorted.
    """

    gold: GoldDocument
    split: str
    mentions: tuple[Mention, ...]
    relations: tuple[ReleasedRelation, ...]
    id_map: dict[str, str]  # a dict: decisions_parquet maps dict.get over it
    entity_ids: tuple[str, ...]

    @property
    def doc_id(self) -> str:
        return self.gold.document.doc_id

    @property
    def language(self) -> str:
        return self.gold.document.language


_RELEASE_ORDER = attrgetter("start", "end", "type", "entity_id")
_ID, _ENTITY_ID = attrgetter("id"), attrgetter("entity_id")
_GOLD_ID, _HEAD_TAIL_TYPE = itemgetter(3), itemgetter(0, 1, 2)


def _mention_order(m: Mention) -> tuple[int, int, str, str]:
    return (m.start, m.end, m.type, m.entity_id or "")


def _in_release_order(mentions: Sequence[Mention]) -> list[Mention]:
    """Mentions sorted by (start, end, type, entity id), a missing entity id as "".

    The keys are made in C; their entity ids are compared only where the first three tie, and
    there a missing id against a present one raises TypeError: then the keys map None to "".
    """
    try:
        return sorted(mentions, key=_RELEASE_ORDER)
    except TypeError:
        return sorted(mentions, key=_mention_order)


def renumber(gold: GoldDocument, split: str, ids: Numbered) -> ReleasedDocument:
    """The gold document in release order (see :class:`ReleasedDocument`)."""
    mentions = _in_release_order(gold.mentions)
    mention_ids = list(map(_ID, mentions))
    index = dict(zip(mention_ids, range(len(mentions))))
    try:
        relations = sorted([(index[r.head], index[r.tail], r.type, r.id) for r in gold.relations], key=_HEAD_TAIL_TYPE)
    except KeyError:
        rel, end = next((r, end) for r in gold.relations for end in (r.head, r.tail) if end not in index)
        raise ReleaseError(
            f"Gold document {gold.doc_id}: relation {rel.id} points to mention {end}, which is not in the "
            "gold. Run `curation validate` on the snapshot and fix the relation in Label Studio."
        ) from None
    # A relation's gold id given to a mention too takes the relation's release id (it comes later).
    gold_ids = chain(mention_ids, map(_GOLD_ID, relations))
    id_map = dict(zip(gold_ids, chain(ids.get("m", len(mentions)), ids.get("r", len(relations)))))
    released = tuple(ReleasedRelation(head, tail, rtype) for head, tail, rtype, _ in relations)
    named = set(map(_ENTITY_ID, mentions))
    named.discard(None)
    return ReleasedDocument(gold, split, tuple(mentions), released, id_map, tuple(sorted(named)))


class Numbered:
    """``m1, m2...`` and ``r1, r2...``, made once per release rather than once per document."""

    def __init__(self) -> None:
        self._ids: dict[str, list[str]] = defaultdict(list)

    def get(self, prefix: str, n: int) -> list[str]:
        ids = self._ids[prefix]
        if n > len(ids):
            ids.extend(f"{prefix}{i}" for i in range(len(ids) + 1, n + 1))
        return ids[:n]


_ID_TYPE_TEXT = attrgetter("entity_id", "type", "text")


def entity_table(documents: Iterable[ReleasedDocument]) -> dict[str, Entity]:
    """Release-wide entity facts from every gold mention (see the module docstring)."""
    by_language: dict[str, list[tuple[Mention, ...]]] = defaultdict(list)
    docs: dict[str, list[str]] = defaultdict(list)
    for doc in documents:
        by_language[doc.language].append(doc.mentions)
        doc_id = doc.doc_id
        for eid in doc.entity_ids:
            docs[eid].append(doc_id)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    forms: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for lang, mentions in by_language.items():
        # (id, type, text) -> count over the language's mentions, counted in C in one call.
        for (eid, etype, text), n in Counter(map(_ID_TYPE_TEXT, chain.from_iterable(mentions))).items():
            if eid is not None:
                types[eid][etype] += n
                forms[eid][lang][text] += n
    table = {}
    for eid in sorted(types):
        by_lang = forms[eid]
        pool = by_lang["en"] if "en" in by_lang else sum(by_lang.values(), Counter())
        table[eid] = Entity(
            id=eid,
            type=min(types[eid], key=lambda t: (-types[eid][t], t)),
            name=min(pool, key=lambda form: (-len(form.split()), -pool[form], form)),
            aliases={lang: tuple(sorted(c)) for lang, c in sorted(by_lang.items())},
            documents=tuple(sorted(docs[eid])),
            all_aliases=tuple(sorted({form for c in by_lang.values() for form in c})),
        )
    return table
