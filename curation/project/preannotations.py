"""Read a pre-annotation file (`curation push --predictions`): JSONL, one ``Annotation.to_dict()`` per line.

Each line needs ``doc_id``, ``model_version``, ``mentions`` and ``relations`` (other record
fields are optional and ignored here). A relation names its mentions with ``head`` and ``tail``,
or with ``head_mention`` and ``tail_mention`` as a release's ``documents`` config does (its
``head``/``tail`` there are entity ids), so released rows can be pushed back. Every line is checked against the corpus and the schema
before anything is sent, and the first problem is reported with the file and line number:
the offsets must point at the mention's text (half-open code points), types must exist in the
schema, relations must join mentions of the same record, and a document gets at most one
prediction per model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from curation.core.errors import PredictionsError
from curation.core.records import Annotation, Document
from curation.core.schema import Schema


def load_preannotations(path: Path | str, documents: Mapping[str, Document], schema: Schema) -> tuple[Annotation, ...]:
    """The pre-annotations in ``path``, in file order; raise :class:`PredictionsError` on the first bad line."""
    path = Path(path)
    if not path.is_file():
        raise PredictionsError(
            f"{path}: no such predictions file. Pass --predictions with a JSONL file of annotation records."
        )
    first_line: dict[tuple[str, str], int] = {}
    records: list[Annotation] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path} line {number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise PredictionsError(f"{where}: invalid UTF-8 at byte {exc.start}. Re-encode the file as UTF-8.")
            if not line.strip():
                continue
            record = _parse(line, where, documents, schema)
            key = (record.doc_id, record.model_version or "")
            if key in first_line:
                raise PredictionsError(
                    f"{where}: a second prediction for {record.doc_id!r} by model {record.model_version!r} "
                    f"(first on line {first_line[key]}). Keep one prediction per document and model."
                )
            first_line[key] = number
            records.append(record)
    return tuple(records)


def _parse(line: str, where: str, documents: Mapping[str, Document], schema: Schema) -> Annotation:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise PredictionsError(
            f"{where}: invalid JSON ({exc.msg}). Write one annotation record (a JSON object) per line."
        )
    if not isinstance(obj, dict):
        raise PredictionsError(f"{where}: expected a JSON object (an annotation record), got {type(obj).__name__}.")
    for key in ("doc_id", "model_version"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise PredictionsError(
                f'{where}: missing {key}. Every prediction needs "doc_id" and "model_version" (e.g. "ner-v1").'
            )
    document = documents.get(obj["doc_id"])
    if document is None:
        raise PredictionsError(
            f"{where}: doc_id {obj['doc_id']!r} is not in the corpus. Push its article too, or remove the line."
        )
    try:
        record = Annotation.from_dict(_only_record_fields(obj))
    except (TypeError, ValueError, AttributeError) as exc:
        raise PredictionsError(
            f"{where}: malformed record ({exc}). Mentions need id, start, end, text, type (and entity_id); "
            "relations need id, type, head, tail."
        )
    _check(record, document, schema, where)
    return record


def _only_record_fields(obj: Mapping[str, Any]) -> dict[str, Any]:
    """Drop an embedded ``document`` (the corpus is the source of text) before building the record,
    and read release-style relations (``head_mention``/``tail_mention``) as record relations."""
    record = {k: v for k, v in obj.items() if k != "document"}
    relations = record.get("relations")
    if isinstance(relations, list):
        record["relations"] = [_record_relation(r) for r in relations]
    return record


def _record_relation(relation: Any) -> Any:
    """``{"id", "type", "head_mention", "tail_mention"[, "head", "tail" entity ids]}`` -> a record relation."""
    if not (isinstance(relation, dict) and "head_mention" in relation and "tail_mention" in relation):
        return relation
    return {"id": relation.get("id"), "type": relation.get("type"), "head": relation["head_mention"],
            "tail": relation["tail_mention"]}  # fmt: skip


def _check(record: Annotation, document: Document, schema: Schema, where: str) -> None:
    text = document.text
    ids: set[str] = set()
    for m in record.mentions:
        if m.id in ids:
            raise PredictionsError(f"{where}: mention id {m.id!r} is used twice. Give each mention its own id.")
        ids.add(m.id)
        if not (isinstance(m.start, int) and isinstance(m.end, int) and 0 <= m.start < m.end <= len(text)):
            raise PredictionsError(
                f"{where}: mention {m.id!r} has offsets [{m.start}, {m.end}) outside the text of "
                f"{record.doc_id!r} (length {len(text)}). Offsets are half-open code points."
            )
        if text[m.start : m.end] != m.text:
            raise PredictionsError(
                f"{where}: mention {m.id!r} [{m.start}, {m.end}) is {text[m.start : m.end]!r} in the text of "
                f"{record.doc_id!r}, not {m.text!r}. Offsets are half-open code points."
            )
        if m.type not in schema.entity_labels:
            raise PredictionsError(
                f"{where}: mention {m.id!r} has type {m.type!r}, which the schema does not define. "
                f"Use one of {', '.join(t.label for t in schema.entity_types)}."
            )
    for r in record.relations:
        if r.type not in schema.relations:
            raise PredictionsError(
                f"{where}: relation {r.id!r} has type {r.type!r}, which the schema does not define. "
                f"Use one of {', '.join(schema.relations)}."
            )
        for end in (r.head, r.tail):
            if end not in ids:
                raise PredictionsError(
                    f"{where}: relation {r.id!r} points to mention {end!r}, which this record does not have."
                )
