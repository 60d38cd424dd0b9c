"""What changed between two releases of the same name, and which version bump that needs.

A release's *state* is derived from what its ``documents`` rows say only, so it can be
computed from a previous release folder (:func:`state_from_rows`) or from the documents being
released (:func:`state_from_documents`, the same state without making the rows), and kept
compactly in the new release's ``source/previous.json.gz`` (which makes ``curation release
--check`` independent of the previous folder).

Items compared, per language:

* documents: added, removed, changed (any field of its row differs);
* mentions ``(start, end, type, entity_id, text)``: changed = same span, other type or id;
* relations ``(type, head span, tail span)``, the spans of a symmetric relation in sorted
  order: changed = same argument spans, other type;
* entities, per language they occur in ``(type, name, aliases in that language)``:
  changed = same id, another of those.

Bump rule: a released document removed, or its text, mentions or relations changed ->
``major``; new documents -> ``minor``; any other difference in data files or card ->
``patch``; nothing at all -> ``None``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from curation.core.records import text_sha256

if TYPE_CHECKING:
    from curation.release.entities import Entity, ReleasedDocument

KINDS = ("documents", "mentions", "relations", "entities")
LEVELS = ("major", "minor", "patch")


@dataclass(frozen=True)
class DocState:
    """What a release says about one document, in comparable form."""

    language: str
    split: str
    text_sha256: str
    fields: tuple[Any, ...]
    mentions: frozenset[tuple[Any, ...]]
    relations: frozenset[tuple[Any, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "split": self.split,
            "text_sha256": self.text_sha256,
            "fields": list(self.fields),
            "mentions": sorted(self.mentions, key=_mention_key),
            "relations": sorted(self.relations),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocState:
        return cls(
            data["language"],
            data["split"],
            data["text_sha256"],
            tuple(data["fields"]),
            frozenset(tuple(m) for m in data["mentions"]),
            frozenset((r[0], tuple(r[1]), tuple(r[2])) for r in data["relations"]),
        )


@dataclass(frozen=True)
class ReleaseState:
    """A release, reduced to what the next one is compared with."""

    version: str
    documents: Mapping[str, DocState]
    entities: Mapping[str, tuple[str, str]]
    data_sha256: Mapping[str, str] = field(default_factory=dict)
    card_sha256: str = ""
    changelog: str = ""
    #: ``(entity id, language) -> (type, name, aliases in that language)`` when known beforehand
    #: (:func:`state_from_documents` has them from the entity table); else read from the mentions.
    entity_facts: Mapping[tuple[str, str], tuple[Any, ...]] | None = field(default=None, compare=False, repr=False)

    @property
    def splits(self) -> dict[str, str]:
        return {doc_id: d.split for doc_id, d in self.documents.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "documents": {k: v.to_json() for k, v in sorted(self.documents.items())},
            "entities": {k: list(v) for k, v in sorted(self.entities.items())},
            "data_sha256": dict(sorted(self.data_sha256.items())),
            "card_sha256": self.card_sha256,
            "changelog": self.changelog,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReleaseState:
        return cls(
            version=data["version"],
            documents={k: DocState.from_json(v) for k, v in data["documents"].items()},
            entities={k: tuple(v) for k, v in data["entities"].items()},
            data_sha256=dict(data["data_sha256"]),
            card_sha256=data["card_sha256"],
            changelog=data["changelog"],
        )


def state_from_rows(
    version: str,
    rows_by_split: Mapping[str, Iterable[Mapping[str, Any]]],
    *,
    symmetric: Iterable[str] = (),
    **extra: Any,
) -> ReleaseState:
    """The state of a release from its ``documents`` rows (``split -> rows``), e.g. read from its parquet files."""
    symmetric = frozenset(symmetric)
    documents: dict[str, DocState] = {}
    entities: dict[str, tuple[str, str]] = {}
    for split, rows in rows_by_split.items():
        for row in rows:
            span = {m["id"]: (m["start"], m["end"]) for m in row["mentions"]}
            documents[row["doc_id"]] = _doc_state(
                row["language"],
                split,
                row["text"],
                (row["source"], row["url"], row["title"], row["published"], row["n_annotators"], row["adjudication"]),
                [(m["start"], m["end"], m["type"], m["entity_id"], m["text"]) for m in row["mentions"]],
                [(r["type"], span[r["head_mention"]], span[r["tail_mention"]]) for r in row["relations"]],
                symmetric,
            )
            for e in row["entities"]:
                entities[e["id"]] = (e["type"], e["name"])
    return ReleaseState(version=version, documents=documents, entities=entities, **extra)


def state_from_documents(
    version: str,
    documents: Iterable[ReleasedDocument],
    entities: Mapping[str, Entity],
    *,
    symmetric: Iterable[str] = (),
    **extra: Any,
) -> ReleaseState:
    """The state of a release being built: what :func:`state_from_rows` reads back from its files."""
    symmetric = frozenset(symmetric)
    states: dict[str, DocState] = {}
    for doc in documents:
        d, gold = doc.gold.document, doc.gold
        spans = list(map(_SPAN, doc.mentions))
        states[d.doc_id] = _doc_state(
            d.language,
            doc.split,
            d.text,
            (d.source, d.url, d.title, d.published, gold.n_annotators, gold.status),
            map(_MENTION, doc.mentions),
            [(r.type, spans[r.head], spans[r.tail]) for r in doc.relations],
            symmetric,
        )
    table = {eid: (e.type, e.name) for eid, e in entities.items()}
    facts = {(eid, lang): (e.type, e.name, forms) for eid, e in entities.items() for lang, forms in e.aliases.items()}
    return ReleaseState(version=version, documents=states, entities=table, entity_facts=facts, **extra)


_SPAN = attrgetter("start", "end")
_MENTION = attrgetter("start", "end", "type", "entity_id", "text")


def _doc_state(
    language: str,
    split: str,
    text: str,
    fields: tuple[Any, ...],
    mentions: Iterable[tuple[Any, ...]],
    relations: list[tuple[str, tuple[int, int], tuple[int, int]]],
    symmetric: frozenset[str],
) -> DocState:
    """One document's state from mentions ``(start, end, type, entity id, text)`` and relations
    ``(type, head span, tail span)``."""
    if symmetric:
        relations = [_relation_key(rtype, head, tail, symmetric) for rtype, head, tail in relations]
    return DocState(
        language=language,
        split=split,
        text_sha256=text_sha256(text),
        fields=fields,
        mentions=frozenset(mentions),
        relations=frozenset(relations),
    )


def _relation_key(
    rtype: str, head: tuple[int, int], tail: tuple[int, int], symmetric: frozenset[str]
) -> tuple[Any, ...]:
    if rtype in symmetric and tail < head:
        head, tail = tail, head
    return (rtype, head, tail)


@dataclass
class Diff:
    """Counts per language and kind (``added``/``removed``/``changed``) and the documents involved."""

    counts: dict[str, dict[str, dict[str, int]]]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    gold_changed: tuple[str, ...]

    def level(self, *, files_changed: bool) -> str | None:
        """The bump this difference needs (see the module docstring)."""
        if self.removed or self.gold_changed:
            return "major"
        if self.added:
            return "minor"
        return "patch" if files_changed or self.changed else None


def diff_states(old: ReleaseState, new: ReleaseState) -> Diff:
    """Compare two release states, per language (see the module docstring)."""
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: {k: {"added": 0, "removed": 0, "changed": 0} for k in KINDS}
    )
    added = sorted(set(new.documents) - set(old.documents))
    removed = sorted(set(old.documents) - set(new.documents))
    changed, gold_changed = [], []
    for doc_id in added:
        _count_items(counts[new.documents[doc_id].language], None, new.documents[doc_id])
        counts[new.documents[doc_id].language]["documents"]["added"] += 1
    for doc_id in removed:
        _count_items(counts[old.documents[doc_id].language], old.documents[doc_id], None)
        counts[old.documents[doc_id].language]["documents"]["removed"] += 1
    for doc_id in sorted(set(old.documents) & set(new.documents)):
        a, b = old.documents[doc_id], new.documents[doc_id]
        if a == b:
            continue
        changed.append(doc_id)
        counts[b.language]["documents"]["changed"] += 1
        _count_items(counts[b.language], a, b)
        if (a.text_sha256, a.mentions, a.relations, a.language) != (b.text_sha256, b.mentions, b.relations, b.language):
            gold_changed.append(doc_id)
    old_entities, new_entities = _entity_facts(old), _entity_facts(new)
    for key in sorted(set(old_entities) | set(new_entities)):
        lang = key[1]
        if key not in old_entities:
            counts[lang]["entities"]["added"] += 1
        elif key not in new_entities:
            counts[lang]["entities"]["removed"] += 1
        elif old_entities[key] != new_entities[key]:
            counts[lang]["entities"]["changed"] += 1
    return Diff(dict(sorted(counts.items())), tuple(added), tuple(removed), tuple(changed), tuple(gold_changed))


#: What stays the same when a mention or relation *changes* (rather than being added and removed).
_SAME_ITEM = {"mentions": itemgetter(0, 1), "relations": itemgetter(1, 2)}


def _count_items(target: dict[str, dict[str, int]], a: DocState | None, b: DocState | None) -> None:
    """Add one document's mention and relation differences to ``target``."""
    for kind, key in _SAME_ITEM.items():
        old = getattr(a, kind) if a else frozenset()
        new = getattr(b, kind) if b else frozenset()
        gone, came = old - new, new - old
        if not (gone and came):  # only additions or only removals (a new or a removed document): nothing changed
            target[kind]["added"] += len(came)
            target[kind]["removed"] += len(gone)
            continue
        both = {key(item) for item in gone} & {key(item) for item in came}
        target[kind]["changed"] += len(both)
        target[kind]["added"] += sum(1 for item in came if key(item) not in both)
        target[kind]["removed"] += sum(1 for item in gone if key(item) not in both)


def _entity_facts(state: ReleaseState) -> Mapping[tuple[str, str], tuple[Any, ...]]:
    """``(entity id, language) -> (type, name, aliases in that language)``."""
    if state.entity_facts is not None:
        return state.entity_facts
    spelled: set[tuple[str | None, str, str]] = set()  # (entity id, language, text), made in C: no loop per mention
    for doc in state.documents.values():
        spelled.update(zip(map(_ENTITY_ID, doc.mentions), repeat(doc.language), map(_TEXT, doc.mentions)))
    aliases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity_id, language, text in spelled:
        if entity_id is not None:
            aliases[(entity_id, language)].add(text)
    return {key: (*state.entities.get(key[0], ("", "")), tuple(sorted(forms))) for key, forms in aliases.items()}


_ENTITY_ID, _TEXT = itemgetter(3), itemgetter(4)


def _mention_key(mention: tuple[Any, ...]) -> tuple[Any, ...]:
    """A total order of ``(start, end, type, entity id, text)`` (the entity id may be None)."""
    start, end, etype, entity_id, text = mention
    return (start, end, etype, entity_id is not None, entity_id or "", text)
