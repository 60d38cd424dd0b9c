"""The release's Hugging Face side: explicit features, parquet bytes, and reading a release.

This is the only module that imports ``datasets``. Every config of a release has its
``datasets.Features`` declared here, once, under :data:`FEATURES_VERSION`; nothing is ever
inferred from the data. A release folder is laid out as the Hub serves datasets
(``<config>/<split>-00000-of-00001.parquet`` plus a ``README.md`` whose YAML names the
configs), so :func:`load_release_config` reads it with ``datasets.load_dataset`` exactly as a
researcher would.

Parquet files are written deterministically: the same rows give the same bytes (fixed
compression, one row group per 10,000 rows, no timestamps; the features travel in the
schema metadata the way ``datasets`` stores them).
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
from datasets import ClassLabel, Features, List, Value

from curation.core.errors import ReleaseError
from curation.release.tokens import bio_tag_names

#: Bumped whenever a feature below changes shape; recorded in release.json and the card.
FEATURES_VERSION = "1.0"

#: Config names in the order the card lists them; ``documents`` is the default.
CONFIGS = ("documents", "triples", "entities", "tokens")

ROW_GROUP_SIZE = 10_000

_s = Value("string")


def features(config: str, entity_labels: Sequence[str]) -> Features:
    """The declared features of one config. ``entity_labels`` (schema order) name the BIO tags."""
    if config == "documents":
        return Features(
            {
                "doc_id": _s,
                "language": _s,
                "source": _s,
                "url": _s,
                "title": _s,
                "published": _s,
                "text": _s,
                "mentions": List(
                    {
                        "id": _s,
                        "start": Value("int32"),
                        "end": Value("int32"),
                        "text": _s,
                        "type": _s,
                        "entity_id": _s,
                    }
                ),
                "entities": List({"id": _s, "type": _s, "name": _s}),
                "relations": List(
                    {"id": _s, "type": _s, "head": _s, "tail": _s, "head_mention": _s, "tail_mention": _s}
                ),
                "n_annotators": Value("int32"),
                "adjudication": _s,
            }
        )
    if config == "triples":
        return Features(
            {
                "doc_id": _s,
                "language": _s,
                "subject": _s,
                "subject_id": _s,
                "subject_type": _s,
                "predicate": _s,
                "object": _s,
                "object_id": _s,
                "object_type": _s,
                "subject_aliases": List(_s),
                "object_aliases": List(_s),
            }
        )
    if config == "entities":
        return Features(
            {
                "id": _s,
                "type": _s,
                "name": _s,
                "aliases": List({"language": _s, "aliases": List(_s)}),
                "documents": List(_s),
            }
        )
    if config == "tokens":
        return Features(
            {
                "doc_id": _s,
                "language": _s,
                "tokens": List(_s),
                "ner_tags": List(ClassLabel(names=bio_tag_names(entity_labels))),
            }
        )
    raise ReleaseError(f"Unknown release config {config!r}. Use one of: {', '.join(CONFIGS)}.")


def features_yaml(feats: Features) -> list[dict[str, Any]]:
    """The features as the dataset card's ``dataset_info.features`` YAML list (the Hub's format)."""
    return feats._to_yaml_list()


def features_from_yaml(items: list[dict[str, Any]]) -> Features:
    """Inverse of :func:`features_yaml`, for checking a card against its parquet files."""
    return Features._from_yaml_list(items)


def features_of_parquet(path: Path | str) -> Features:
    """The features a parquet file declares (its arrow schema plus the ``huggingface`` metadata)."""
    return Features.from_arrow_schema(pq.read_schema(path))


@dataclass(frozen=True)
class ListColumn:
    """A column of lists the way arrow keeps one: row ``i`` holds ``values[offsets[i]:offsets[i + 1]]``.

    ``values`` is a list of scalars, another :class:`ListColumn`, or for lists of structs a dict
    ``field -> column``. The release builds its configs as such columns (no dict per row or per
    item), and :func:`table_from_columns` turns them into arrow arrays without a Python object
    per value.
    """

    offsets: Sequence[int]
    values: Any


def table_from_columns(columns: Mapping[str, Any], schema: pa.Schema) -> pa.Table:
    """Columns (plain lists, :class:`ListColumn`, dicts for structs) as a table with exactly ``schema``."""
    arrays = []
    for field in schema:
        if field.name not in columns:
            raise ReleaseError(
                f"A release row has no field {field.name!r}. This is a bug in curation; please report it."
            )
        arrays.append(_array(columns[field.name], field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _array(column: Any, type_: pa.DataType) -> pa.Array:
    if pa.types.is_list(type_):
        offsets = pa.array(column.offsets, pa.int32())
        return pa.ListArray.from_arrays(offsets, _array(column.values, type_.value_type), type=type_)
    if pa.types.is_struct(type_):
        return pa.StructArray.from_arrays([_array(column[f.name], f.type) for f in type_], fields=list(type_))
    return pa.array(column, type=type_)


def without_validity(strings: pa.Array) -> pa.Array:
    """The string array without an all-valid validity bitmap, laid out as ``pa.array(list_of_str)`` lays
    it out (``take`` adds the bitmap; the card reports the tables' in-memory size)."""
    if strings.null_count or strings.offset:
        return strings
    return pa.Array.from_buffers(strings.type, len(strings), [None, *strings.buffers()[1:]])


def rows_to_columns(rows: Iterable[Mapping[str, Any]], schema: pa.Schema | pa.StructType) -> dict[str, Any]:
    """Row dicts as the columns :func:`table_from_columns` takes (a missing field is an error)."""
    rows = list(rows)
    columns = {}
    for field in schema:
        try:
            values = [row[field.name] for row in rows]
        except KeyError:
            raise ReleaseError(
                f"A release row has no field {field.name!r}. This is a bug in curation; please report it."
            )
        columns[field.name] = _values_to_column(values, field.type)
    return columns


def _values_to_column(values: list[Any], type_: pa.DataType) -> Any:
    if pa.types.is_list(type_):
        offsets = [0, *accumulate(map(len, values))]
        return ListColumn(offsets, _values_to_column(list(chain.from_iterable(values)), type_.value_type))
    if pa.types.is_struct(type_):
        return rows_to_columns(values, type_)
    return values


def arrow_table(rows: Iterable[Mapping[str, Any]], feats: Features) -> pa.Table:
    """Rows as an arrow table with exactly the declared schema (a missing field is an error)."""
    schema = feats.arrow_schema
    return table_from_columns(rows_to_columns(rows, schema), schema)


def parquet_bytes(table: pa.Table, *, use_dictionary: bool = True) -> bytes:
    """The table as parquet bytes, identical for identical tables (no timestamps, fixed layout).

    ``use_dictionary=False`` suits tables of mostly distinct, sorted strings (the decision log):
    zstd alone makes them smaller, and faster.
    """
    sink = io.BytesIO()
    pq.write_table(
        table,
        sink,
        compression="zstd",
        compression_level=3,
        row_group_size=ROW_GROUP_SIZE,
        use_dictionary=use_dictionary,
        write_statistics=True,
        store_schema=True,
    )
    return sink.getvalue()


def read_parquet_rows(path: Path | str) -> list[dict[str, Any]]:
    """Rows of one parquet file of a release, read directly (the release's own files only)."""
    return pq.read_table(path).to_pylist()


def iter_parquet_rows(path: Path | str, columns: list[str], batch_size: int = 1024) -> Iterator[dict[str, Any]]:
    """Some columns of the rows of one parquet file of a release, read a batch at a time (flat memory)."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=columns):
        yield from batch.to_pylist()


def load_release_config(path: Path | str, config: str, split: str) -> list[dict[str, Any]]:
    """The rows of one config and split, read through ``datasets.load_dataset`` like a user would.

    ``path`` is a release folder (``exports/<name>/<version>``) or any folder ``load_dataset``
    reads. Rows are plain dicts following the card's features (ClassLabel values as ints).
    Raises :class:`ReleaseError` with the fix for a missing folder, config or split.
    """
    return _load(path, config, split)[0]


def load_release_tokens(path: Path | str, split: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The ``tokens`` config's rows of ``split`` (as :func:`load_release_config`) and the names of its
    ``ner_tags`` ClassLabel, as the dataset declares them (id ``i`` is ``names[i]``)."""
    rows, feats = _load(path, "tokens", split)
    tags = feats.get("ner_tags") if feats is not None else None
    names = getattr(getattr(tags, "feature", None), "names", None)
    if not names:
        raise ReleaseError(
            f"{path}: the tokens config declares no ClassLabel for ner_tags. Pass the folder of a release."
        )
    return rows, list(names)


def _load(path: Path | str, config: str, split: str) -> tuple[list[dict[str, Any]], Features | None]:
    folder = Path(path)
    if not folder.is_dir():
        raise ReleaseError(
            f"{folder}: no such release folder. Pass the folder of a release, e.g. exports/<name>/<version>."
        )
    verbosity = datasets.logging.get_verbosity()
    datasets.logging.set_verbosity(logging.ERROR)
    try:
        with tempfile.TemporaryDirectory(prefix="curation-load-") as cache:
            try:
                builder = datasets.load_dataset_builder(str(folder), config, cache_dir=cache)
            except ValueError as exc:
                if "not found" in str(exc) and "config" in str(exc).lower():
                    available = ", ".join(datasets.get_dataset_config_names(str(folder)))
                    raise ReleaseError(f"{folder}: no config {config!r}. Use one of: {available}.") from exc
                raise ReleaseError(
                    f"{folder}: cannot be read as a dataset ({exc}). Check its README.md and data files."
                ) from exc
            except FileNotFoundError as exc:
                raise ReleaseError(f"{folder}: no data files found ({exc}). Pass the folder of a release.") from exc
            splits = _declared_splits(builder)
            if splits is not None and split not in splits:
                raise ReleaseError(
                    f"{folder}: config {config!r} has no split {split!r}. Use one of: {', '.join(sorted(splits))}."
                )
            dataset = datasets.load_dataset(str(folder), config, split=split, cache_dir=cache, streaming=True)
            return list(dataset), dataset.features
    finally:
        datasets.logging.set_verbosity(verbosity)


def _declared_splits(builder: Any) -> set[str] | None:
    data_files = getattr(builder.config, "data_files", None)
    return set(data_files) if data_files else None
