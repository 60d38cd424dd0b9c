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

Rows are built column by column (:class:`curation.release.hfdata.ListColumn` for list features), the
way arrow stores them: a release of 10,000 documents has some 300,000 mentions and 3,000,000
tokens, and a dict per row or per item would cost more than writing the parquet files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
import pyarrow as pa

from curation.core.records import GoldDocument
from curation.release.entities import Entity, Numbered, ReleasedDocument, entity_table, renumber
from curation.release.hfdata import ListColumn, without_validity
from curation.release.tagging import tag_documents
from curation.release.tokens import TOKENIZER, TagStats, bio_tag_names_index, splits_clitic
from curation.release.triples import triples_columns

CONFIG_NAMES = ("documents", "triples", "entities", "tokens")
Columns = dict[str, Any]


@dataclass
class ReleaseRows:
    """Rows per config and split, as columns, plus what the card reports about them."""

    documents: tuple[ReleasedDocument, ...]
    entities: Mapping[str, Entity]
    columns: dict[str, dict[str, Columns]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    tag_stats: TagStats = field(default_factory=TagStats)
    relations_without_entity: int = 0


def release_rows(
    gold: Sequence[GoldDocument],
    splits: Mapping[str, str],
    *,
    entity_labels: Sequence[str],
    symmetric: Iterable[str],
    tokenizer: str = TOKENIZER,
) -> ReleaseRows:
    """Columns of the four configs (``documents``, ``triples``, ``entities``, ``tokens``) per split;
    ``tokenizer``: the rule of the ``tokens`` config (:data:`curation.release.tokens.TOKENIZERS`)."""
    ids = Numbered()
    documents = tuple(renumber(g, splits[g.doc_id], ids) for g in sorted(gold, key=attrgetter("doc_id")))
    entities = entity_table(documents)
    out = ReleaseRows(documents, entities)
    symmetric = frozenset(symmetric)
    tag_index = bio_tag_names_index(entity_labels)
    by_split: dict[str, list[ReleasedDocument]] = defaultdict(list)
    for doc in documents:
        by_split[doc.split].append(doc)
    out.columns = {config: {} for config in CONFIG_NAMES}
    for split, docs in sorted(by_split.items()):
        out.columns["documents"][split] = _documents_columns(docs, entities, ids)
        triples, usable = triples_columns(docs, entities, symmetric)
        out.columns["triples"][split] = triples
        out.relations_without_entity += sum(len(doc.relations) for doc in docs) - usable
        out.columns["entities"][split] = _entities_columns(docs, entities, one_split=len(by_split) == 1)
        out.columns["tokens"][split] = _tokens_columns(docs, tag_index, out.tag_stats, tokenizer)
    out.counts = {c: {s: len(cols[next(iter(cols))]) for s, cols in by_s.items()} for c, by_s in out.columns.items()}
    return out


def _offsets(lengths: Iterable[int]) -> list[int]:
    return [0, *accumulate(lengths)]


def _documents_columns(docs: list[ReleasedDocument], entities: Mapping[str, Entity], ids: Numbered) -> Columns:
    """The documents with release ids: mentions in text order, the entities they name, relations."""
    gold = [doc.gold for doc in docs]
    texts = [g.document for g in gold]
    mentions = [m for doc in docs for m in doc.mentions]
    named = [doc.entity_ids for doc in docs]
    in_doc = list(chain.from_iterable(named))
    relations = [(doc.mentions, r) for doc in docs for r in doc.relations]
    released = [r for _, r in relations]
    mention_counts, relation_counts = [len(doc.mentions) for doc in docs], [len(doc.relations) for doc in docs]
    mention_ids = pa.array(ids.get("m", max(mention_counts, default=0)), pa.string())
    relation_ids = pa.array(ids.get("r", max(relation_counts, default=0)), pa.string())
    heads, tails = (np.fromiter(map(itemgetter(end), released), np.int32, len(released)) for end in (0, 1))
    return {
        "doc_id": [d.doc_id for d in texts],
        "language": [d.language for d in texts],
        "source": [d.source for d in texts],
        "url": [d.url for d in texts],
        "title": [d.title for d in texts],
        "published": [d.published for d in texts],
        "text": [d.text for d in texts],
        "mentions": ListColumn(
            _offsets(mention_counts),
            {
                "id": _take(mention_ids, _positions(mention_counts)),
                "start": [m.start for m in mentions],
                "end": [m.end for m in mentions],
                "text": [m.text for m in mentions],
                "type": [m.type for m in mentions],
                "entity_id": [m.entity_id for m in mentions],
            },
        ),
        "entities": ListColumn(
            _offsets(map(len, named)),
            _entity_fields(entities, in_doc),
        ),
        "relations": ListColumn(
            _offsets(relation_counts),
            {
                "id": _take(relation_ids, _positions(relation_counts)),
                "type": [r.type for r in released],
                "head": [ms[r.head].entity_id for ms, r in relations],
                "tail": [ms[r.tail].entity_id for ms, r in relations],
                "head_mention": _take(mention_ids, heads),
                "tail_mention": _take(mention_ids, tails),
            },
        ),
        "n_annotators": [g.n_annotators for g in gold],
        "adjudication": [g.status for g in gold],
    }


def _positions(counts: list[int]) -> np.ndarray:
    """0, 1, ..., n - 1 for each count n, one after the other (an item's place in its document)."""
    n = np.asarray(counts, np.int64)
    starts = np.repeat(np.cumsum(n) - n, n)
    return (np.arange(len(starts), dtype=np.int64) - starts).astype(np.int32)


def _take(strings: pa.Array, rows: np.ndarray) -> pa.Array:
    """``strings[rows]`` laid out as ``pa.array`` lays out a list of strings."""
    return without_validity(strings.take(pa.array(rows, pa.int32())))


def _entity_fields(entities: Mapping[str, Entity], ids: list[str]) -> dict[str, pa.Array]:
    """``id``, ``type`` and ``name`` of the entities ``ids``, taken in arrow from one array per field."""
    index = {eid: i for i, eid in enumerate(entities)}
    rows = np.fromiter(map(index.__getitem__, ids), np.int32, len(ids))
    table = {
        "id": list(entities),
        "type": [e.type for e in entities.values()],
        "name": [e.name for e in entities.values()],
    }
    return {name: _take(pa.array(values, pa.string()), rows) for name, values in table.items()}


def _entities_columns(docs: list[ReleasedDocument], entities: Mapping[str, Entity], *, one_split: bool) -> Columns:
    """The entities occurring in the split's documents, with the split's documents they occur in."""
    present = sorted(set(chain.from_iterable(doc.entity_ids for doc in docs)))
    table = [entities[eid] for eid in present]
    occurs: list[Sequence[str]]
    if one_split:
        occurs = [e.documents for e in table]
    else:
        here = {doc.doc_id for doc in docs}
        occurs = [[d for d in e.documents if d in here] for e in table]
    languages = [list(e.aliases) for e in table]
    forms = [e.aliases[lang] for e in table for lang in e.aliases]
    return {
        "id": [e.id for e in table],
        "type": [e.type for e in table],
        "name": [e.name for e in table],
        "aliases": ListColumn(
            _offsets(map(len, languages)),
            {
                "language": list(chain.from_iterable(languages)),
                "aliases": ListColumn(_offsets(map(len, forms)), list(chain.from_iterable(forms))),
            },
        ),
        "documents": ListColumn(_offsets(map(len, occurs)), list(chain.from_iterable(occurs))),
    }


def _tokens_columns(
    docs: list[ReleasedDocument], tag_index: Mapping[str, int], stats: TagStats, tokenizer: str
) -> Columns:
    """Tokens and BIO tags of every document (see :mod:`curation.release.tokens`); adds to ``stats``."""
    texts, mentions = [doc.gold.document.text for doc in docs], [doc.mentions for doc in docs]
    tagged = tag_documents(texts, mentions, tag_index, [splits_clitic(doc.language, tokenizer) for doc in docs])
    stats.add(tagged.stats)
    offsets = _offsets(tagged.counts.tolist())
    return {
        "doc_id": [doc.doc_id for doc in docs],
        "language": [doc.language for doc in docs],
        "tokens": ListColumn(offsets, tagged.tokens),
        "ner_tags": ListColumn(offsets, tagged.tags),
    }
