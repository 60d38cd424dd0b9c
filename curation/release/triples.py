"""The ``triples`` config's columns, made in arrow from one array per relation field.

A triple is one distinct (document, subject entity, predicate, object entity); a symmetric
relation is written once with the smaller entity id as subject; its ``subject``/``object``
strings are the mention texts of the first relation giving it (see :mod:`curation.release.rows`).
Triples are listed per document in order of (subject id, predicate, object id).

A release of 10,000 documents has some 100,000 relations: a Python loop keeping the first
relation per key in a dict, then a sort per document, cost three times what arrow takes for
the same steps: swap the symmetric ones, sort stably by (document, subject, predicate,
object) and keep each run's first row. Arrow compares strings by their UTF-8 bytes, which is
code point order, so the order is Python's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curation.release.hfdata import ListColumn, without_validity

if TYPE_CHECKING:
    from curation.release.entities import Entity, ReleasedDocument

#: The triples config's columns besides the aliases, in the features' order.
TRIPLE_FIELDS = ("doc_id", "language", "subject", "subject_id", "subject_type", "predicate", "object", "object_id",
                 "object_type")  # fmt: skip
_KEYS = ("doc", "subject_id", "predicate", "object_id")


def triples_columns(
    docs: Sequence[ReleasedDocument], entities: Mapping[str, Entity], symmetric: frozenset[str]
) -> tuple[dict[str, Any], int]:
    """Distinct triples of the documents (see the module docstring), and how many relations had both entity ids."""
    relations = _relations_table(docs)
    relations = relations.filter(pc.and_(pc.is_valid(relations["subject_id"]), pc.is_valid(relations["object_id"])))
    usable = relations.num_rows
    relations = _symmetric_swapped(relations, symmetric)
    order = pc.sort_indices(relations, [(key, "ascending") for key in _KEYS])  # stable: the first relation first
    ordered = relations.take(order)
    kept = ordered.filter(_first_of_runs(ordered))
    triples = {name: _contiguous(kept[name]) for name in kept.column_names}
    entity_ids = pa.array(list(entities), pa.string())
    types = pa.array([e.type for e in entities.values()], pa.string())
    aliases = pa.array([e.all_aliases for e in entities.values()], pa.list_(pa.string()))
    doc = triples["doc"]
    columns: dict[str, Any] = {
        "doc_id": pa.array([d.doc_id for d in docs], pa.string()).take(doc),
        "language": pa.array([d.language for d in docs], pa.string()).take(doc),
    }
    for role in ("subject", "object"):
        entity = pc.index_in(triples[f"{role}_id"], value_set=entity_ids)
        columns[role] = triples[f"{role}_text"]
        columns[f"{role}_id"] = triples[f"{role}_id"]
        columns[f"{role}_type"] = types.take(entity)
        # Each entity's aliases once as arrow lists, taken per triple in C rather than a Python list per triple.
        taken = aliases.take(entity)
        columns[f"{role}_aliases"] = ListColumn(taken.offsets.to_numpy(), without_validity(taken.values))
    columns["predicate"] = triples["predicate"]
    for name in TRIPLE_FIELDS:
        columns[name] = without_validity(columns[name])
    return columns, usable


def _contiguous(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One array, however many chunks a table column came in."""
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _relations_table(docs: Sequence[ReleasedDocument]) -> pa.Table:
    """Every relation of the documents: its document's position, type, and both arguments' entity ids and texts."""
    pairs = [(doc.mentions, r) for doc in docs for r in doc.relations]
    heads = [ms[r.head] for ms, r in pairs]
    tails = [ms[r.tail] for ms, r in pairs]
    counts = np.fromiter(map(len, (doc.relations for doc in docs)), np.int64, len(docs))
    return pa.table(
        {
            "doc": pa.array(np.repeat(np.arange(len(docs), dtype=np.int32), counts)),
            "subject_id": pa.array([m.entity_id for m in heads], pa.string()),
            "predicate": pa.array([r.type for _, r in pairs], pa.string()),
            "object_id": pa.array([m.entity_id for m in tails], pa.string()),
            "subject_text": pa.array([m.text for m in heads], pa.string()),
            "object_text": pa.array([m.text for m in tails], pa.string()),
        }
    )


def _symmetric_swapped(relations: pa.Table, symmetric: frozenset[str]) -> pa.Table:
    """Symmetric relations with the smaller entity id as subject (their texts swapped along)."""
    if not symmetric or not relations.num_rows:
        return relations
    swap = pc.and_(
        pc.is_in(relations["predicate"], value_set=pa.array(sorted(symmetric), pa.string())),
        pc.less(relations["object_id"], relations["subject_id"]),
    )
    columns = {name: relations[name] for name in relations.column_names}
    for a, b in (("subject_id", "object_id"), ("subject_text", "object_text")):
        columns[a] = pc.if_else(swap, relations[b], relations[a])
        columns[b] = pc.if_else(swap, relations[a], relations[b])
    return pa.table(columns)


def _first_of_runs(ordered: pa.Table) -> pa.Array:
    """True at each row whose key (document, subject, predicate, object) differs from the previous row's."""
    n = ordered.num_rows
    if n < 2:
        return pa.array(np.ones(n, bool))
    differs = pa.array(np.zeros(n - 1, bool))
    for key in _KEYS:
        column = ordered[key]
        differs = pc.or_(differs, pc.not_equal(column.slice(1), column.slice(0, n - 1)))
    return pa.concat_arrays([pa.array([True]), _contiguous(differs)])
