"""Gold documents -> the rows of every release config (pure; no files, no ``datasets``).

Ids in a release never come from Label Studio: mentions are renumbered ``m1, m2...`` per
document in text order (start, end, type, entity id) and relations ``r1, r2...`` by (head
mention, tail mention, type). So the same gold built from a fresh Label Studio (new
annotation ids, new region ids) gives the same rows.

Entity facts are release-wide, decided from every gold mention of the entity id:

* ``type``: its most frequent mention type (ties: alphabetical);
* ``name``: among its English surface forms (all forms if it has no English mention), the
  one with the most words, then the most frequent, then the alphabetically first
  (``Kim Jong Un`` rather than ``Kim``);
* ``aliases``: every distinct surface form, per language.

A triple is one distinct (document, subject entity, predicate, object entity); a symmetric
relation is written once with the smaller entity id as subject. Its ``subject``/``object``
strings are the mention texts of the first relation giving it, as written in the document.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from curation.errors import ReleaseError
from curation.records import GoldDocument, Mention, Relation
from curation.tokens import TagStats, bio_tag_names_index, bio_tags, tokenize


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


@dataclass(frozen=True)
class ReleasedDocument:
    """A gold document with release ids (see the module docstring) and its split."""

    gold: GoldDocument
    split: str
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    id_map: Mapping[str, str]

    @property
    def doc_id(self) -> str:
        return self.gold.document.doc_id

    @property
    def language(self) -> str:
        return self.gold.document.language


@dataclass
class ReleaseRows:
    """Rows per config and split, plus what the card reports about them."""

    documents: tuple[ReleasedDocument, ...]
    entities: Mapping[str, Entity]
    rows: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    tag_stats: TagStats = field(default_factory=TagStats)
    relations_without_entity: int = 0


def renumber(gold: GoldDocument, split: str) -> ReleasedDocument:
    """The gold document with mentions ``m1..`` in text order and relations ``r1..``."""
    mentions = sorted(gold.mentions, key=lambda m: (m.start, m.end, m.type, m.entity_id or ""))
    id_map = {m.id: f"m{i}" for i, m in enumerate(mentions, start=1)}
    new_mentions = tuple(Mention(id_map[m.id], m.start, m.end, m.text, m.type, m.entity_id) for m in mentions)
    relations = []
    for rel in gold.relations:
        for end in (rel.head, rel.tail):
            if end not in id_map:
                raise ReleaseError(
                    f"Gold document {gold.doc_id}: relation {rel.id} points to mention {end}, which is not in the "
                    "gold. Run `curation validate` on the snapshot and fix the relation in Label Studio."
                )
        relations.append((id_map[rel.head], id_map[rel.tail], rel.type, rel.id))
    relations.sort(key=lambda r: (int(r[0][1:]), int(r[1][1:]), r[2]))
    for i, (head, tail, rtype, old) in enumerate(relations, start=1):
        id_map[old] = f"r{i}"
    new_relations = tuple(Relation(f"r{i}", rtype, head, tail) for i, (head, tail, rtype, _) in enumerate(relations, 1))
    return ReleasedDocument(gold, split, new_mentions, new_relations, id_map)


def entity_table(documents: Iterable[ReleasedDocument]) -> dict[str, Entity]:
    """Release-wide entity facts from every gold mention (see the module docstring)."""
    typed: Counter[tuple[str, str]] = Counter()
    spelled: Counter[tuple[str, str, str]] = Counter()
    occurs: set[tuple[str, str]] = set()
    for doc in documents:
        named = [m for m in doc.mentions if m.entity_id is not None]
        typed.update([(m.entity_id, m.type) for m in named])
        spelled.update([(m.entity_id, doc.language, m.text) for m in named])
        occurs.update([(m.entity_id, doc.doc_id) for m in named])
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for (eid, etype), n in typed.items():
        types[eid][etype] = n
    forms: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for (eid, lang, text), n in spelled.items():
        forms[eid][lang][text] = n
    docs: dict[str, list[str]] = defaultdict(list)
    for eid, doc_id in occurs:
        docs[eid].append(doc_id)
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


def release_rows(
    gold: Sequence[GoldDocument], splits: Mapping[str, str], *, entity_labels: Sequence[str], symmetric: Iterable[str]
) -> ReleaseRows:
    """Rows of the four configs (``documents``, ``triples``, ``entities``, ``tokens``) per split."""
    documents = tuple(renumber(g, splits[g.doc_id]) for g in sorted(gold, key=lambda g: g.doc_id))
    entities = entity_table(documents)
    out = ReleaseRows(documents, entities)
    symmetric = frozenset(symmetric)
    tag_index = bio_tag_names_index(entity_labels)
    rows = out.rows = {c: defaultdict(list) for c in ("documents", "triples", "entities", "tokens")}
    split_entities: dict[str, set[str]] = defaultdict(set)
    split_docs: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        rows["documents"][doc.split].append(_document_row(doc, entities))
        triples = _triple_rows(doc, entities, symmetric)
        out.relations_without_entity += len(doc.relations) - triples[1]
        rows["triples"][doc.split].extend(triples[0])
        tokens = tokenize(doc.gold.document.text)
        tags, stats = bio_tags(tokens, doc.mentions)
        out.tag_stats.add(stats)
        rows["tokens"][doc.split].append(
            {
                "doc_id": doc.doc_id,
                "language": doc.language,
                "tokens": [t for t, _, _ in tokens],
                "ner_tags": [tag_index[t] for t in tags],
            }
        )
        split_entities[doc.split].update(m.entity_id for m in doc.mentions if m.entity_id is not None)
        split_docs[doc.split].add(doc.doc_id)
    one_split = len(split_docs) == 1
    for split, ids in split_entities.items():
        for eid in sorted(ids):
            e = entities[eid]
            rows["entities"][split].append(
                {
                    "id": e.id,
                    "type": e.type,
                    "name": e.name,
                    "aliases": [{"language": lang, "aliases": list(a)} for lang, a in e.aliases.items()],
                    "documents": list(e.documents) if one_split else [d for d in e.documents if d in split_docs[split]],
                }
            )
    for split in split_docs:
        for config in rows:
            rows[config].setdefault(split, [])
    out.rows = {c: dict(sorted(by_split.items())) for c, by_split in rows.items()}
    return out


def _document_row(doc: ReleasedDocument, entities: Mapping[str, Entity]) -> dict[str, Any]:
    d = doc.gold.document
    entity_of = {m.id: m.entity_id for m in doc.mentions}
    ids = sorted({m.entity_id for m in doc.mentions if m.entity_id is not None})
    return {
        "doc_id": d.doc_id,
        "language": d.language,
        "source": d.source,
        "url": d.url,
        "title": d.title,
        "published": d.published,
        "text": d.text,
        "mentions": [
            {"id": m.id, "start": m.start, "end": m.end, "text": m.text, "type": m.type, "entity_id": m.entity_id}
            for m in doc.mentions
        ],
        "entities": [{"id": e, "type": entities[e].type, "name": entities[e].name} for e in ids],
        "relations": [
            {
                "id": r.id,
                "type": r.type,
                "head": entity_of[r.head],
                "tail": entity_of[r.tail],
                "head_mention": r.head,
                "tail_mention": r.tail,
            }
            for r in doc.relations
        ],
        "n_annotators": doc.gold.n_annotators,
        "adjudication": doc.gold.status,
    }


def _triple_rows(
    doc: ReleasedDocument, entities: Mapping[str, Entity], symmetric: frozenset[str]
) -> tuple[list[dict[str, Any]], int]:
    """Distinct triples of one document, and how many relations had both entity ids."""
    mention = {m.id: m for m in doc.mentions}
    found: dict[tuple[str, str, str], tuple[str, str]] = {}
    usable = 0
    for rel in doc.relations:
        head, tail = mention[rel.head], mention[rel.tail]
        if head.entity_id is None or tail.entity_id is None:
            continue
        usable += 1
        if rel.type in symmetric and tail.entity_id < head.entity_id:
            head, tail = tail, head
        found.setdefault((head.entity_id, rel.type, tail.entity_id), (head.text, tail.text))
    rows = []
    for (s, p, o), (s_text, o_text) in sorted(found.items()):
        rows.append(
            {
                "doc_id": doc.doc_id,
                "language": doc.language,
                "subject": s_text,
                "subject_id": s,
                "subject_type": entities[s].type,
                "predicate": p,
                "object": o_text,
                "object_id": o,
                "object_type": entities[o].type,
                "subject_aliases": list(entities[s].all_aliases),
                "object_aliases": list(entities[o].all_aliases),
            }
        )
    return rows, usable
