"""System outputs to score: the prediction JSONL format, parsed and checked line by line.

One JSON object per line, one line per document (``schemas/predictions.schema.json``)::

    {"doc_id": "d1", "mentions": [{"id": "m1", "start": 0, "end": 11, "type": "PER"}, ...],
     "relations": [{"head": "m1", "tail": "m2", "type": "met_with"}],
     "triples": [{"subject": "Kim Jong Un", "predicate": "met_with", "object": "Putin"}]}

Every block is optional, so span-based systems and string-only extractors both fit; other
keys are ignored (``Annotation.to_dict()`` lines, as used for pre-annotations, are valid)
but ``tags``: a file of BIO tags is read by :mod:`curation.evaluate.tags`, never mixed with spans.
Offsets are half-open ``[start, end)`` in Python code points of the gold text. A line
without a ``triples`` key gets its triples from its relations (subject and object are the
texts of the related mentions). Documents with no line count as empty predictions.

An optional first line names the release the predictions were made for,
``{"release": "geonews-ie", "version": "2.0.0"}`` (:func:`read_header`); scoring against
another release is then refused.

Nothing is scored silently wrong: any problem raises :class:`PredictionsError` naming the
line and the fix.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.core.errors import PredictionsError
from curation.core.records import Mention, Relation


@dataclass(frozen=True)
class Triple:
    """A string-level fact: ``subject`` and ``object`` are surface strings, not ids."""

    subject: str
    predicate: str
    object: str


@dataclass(frozen=True)
class SystemOutput:
    """What a system predicted for one document (empty for documents it left out)."""

    doc_id: str
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    triples: tuple[Triple, ...] = ()


def load_predictions(
    path: Path | str,
    *,
    texts: Mapping[str, str],
    entity_types: Collection[str],
    relation_types: Collection[str],
    scope: str = "the gold",
) -> dict[str, SystemOutput]:
    """Read a prediction file (see :func:`parse_predictions`); errors name the file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return parse_predictions(
                decoded_lines(handle, path), texts=texts, entity_types=entity_types, relation_types=relation_types,
                source=str(path), scope=scope,
            )  # fmt: skip
    except (FileNotFoundError, IsADirectoryError):
        raise PredictionsError(f"{path}: no such file. Pass --predictions with a JSONL file, one document per line.")


def decoded_lines(lines: Iterable[bytes], path: Path) -> Iterator[str]:
    """Each line as text; a line that is not UTF-8 is an error naming it."""
    for number, raw in enumerate(lines, start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PredictionsError(
                f"{path} line {number}: not UTF-8 ({exc.reason} at byte {exc.start} of the line). Save the file as UTF-8."
            )


def parse_predictions(
    lines: Iterable[str],
    *,
    texts: Mapping[str, str],
    entity_types: Collection[str],
    relation_types: Collection[str],
    source: str = "predictions",
    scope: str = "the gold",
) -> dict[str, SystemOutput]:
    """Parse JSONL lines into one :class:`SystemOutput` per gold document, in gold order.

    ``texts`` maps every gold doc_id to its text (offsets are checked against it);
    ``entity_types`` and ``relation_types`` are the schema's labels; ``scope`` names the gold
    in messages ("split 'test' of exports/news/1.0.0"). Blank lines are skipped.
    """
    outputs: dict[str, SystemOutput] = {}
    first_line: dict[str, int] = {}
    types = _Types(entity_types, relation_types)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        if number == 1 and _header(line, where) is not None:
            continue
        output = _parse_line(line, where, texts, types, scope)
        if output.doc_id in first_line:
            raise PredictionsError(
                f"{where}: doc_id {output.doc_id!r} already appeared on line {first_line[output.doc_id]}. "
                "Write one line per document (merge the two lines)."
            )
        first_line[output.doc_id] = number
        outputs[output.doc_id] = output
    return {doc_id: outputs.get(doc_id) or SystemOutput(doc_id) for doc_id in texts}


def read_header(path: Path | str) -> dict[str, str] | None:
    """The optional header (line 1: ``{"release": NAME, "version": VERSION}``), else None."""
    with Path(path).open("rb") as handle:
        first = handle.readline()
    return _header(first.decode("utf-8", "replace"), f"{path} line 1")


def _header(line: str, where: str) -> dict[str, str] | None:
    """``{"release", "version"}`` when ``line`` is a header (an object with "release", no "doc_id")."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or "doc_id" in data or "release" not in data:
        return None
    if type(data["release"]) is not str or type(data.get("version")) is not str:
        raise PredictionsError(
            f'{where}: a header needs a string release and version, e.g. {{"release": "geonews-ie", "version": "2.0.0"}}.'
        )
    return {"release": data["release"], "version": data["version"]}


class _Types:
    """The allowed labels, with the hint that lists them in error messages."""

    def __init__(self, entity_types: Collection[str], relation_types: Collection[str]) -> None:
        self.entities = frozenset(entity_types)
        self.relations = frozenset(relation_types)
        self.entity_hint = ", ".join(sorted(self.entities))
        self.relation_hint = ", ".join(sorted(self.relations))


def _parse_line(line: str, where: str, texts: Mapping[str, str], types: _Types, scope: str) -> SystemOutput:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise PredictionsError(
            f"{where}: invalid JSON ({exc.msg} at column {exc.colno}). Write one JSON object per line."
        )
    if not isinstance(data, dict):
        raise PredictionsError(f"{where}: expected a JSON object, got {kind(data)}. Write one JSON object per line.")
    doc_id = data.get("doc_id")
    if not isinstance(doc_id, str):
        raise PredictionsError(
            f"{where}: missing or non-string doc_id. Every line needs the doc_id of a gold document."
        )
    if "tags" in data:
        raise PredictionsError(
            f"{where}: 'tags' in a file of span predictions (its first line has no 'tags'). "
            "Put BIO tags on every line of a file, or on none."
        )
    text = texts.get(doc_id)
    if text is None:
        raise PredictionsError(
            f"{where}: doc_id {doc_id!r} is not in {scope}. Predict only documents of the scored split (or pass --split)."
        )
    mentions = _mentions(_list(data, "mentions", where), where, text, types)
    by_id = {m.id: m for m in mentions}
    relations = _relations(_list(data, "relations", where), where, by_id, types)
    if "triples" in data:
        triples = _triples(_list(data, "triples", where), where, types)
    else:
        triples = tuple(Triple(by_id[r.head].text, r.type, by_id[r.tail].text) for r in relations)
    return SystemOutput(doc_id, mentions, relations, triples)


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise PredictionsError(f"{where}: {key!r} must be a list, got {kind(value)}.")
    return value


def _mentions(items: list[Any], where: str, text: str, types: _Types) -> tuple[Mention, ...]:
    mentions: list[Mention] = []
    seen: set[str] = set()
    n = len(text)
    for index, item in enumerate(items, start=1):
        try:
            mention_id, start, end, label = item["id"], item["start"], item["end"], item["type"]
        except (KeyError, TypeError, IndexError):
            raise PredictionsError(f"{where}: mention {index} must be an object with id, start, end and type.")
        # One test for the usual, valid mention; _refuse_mention says what is wrong otherwise.
        if (
            type(mention_id) is str and type(start) is int and type(end) is int and 0 <= start < end <= n
            and type(label) is str and label in types.entities and mention_id not in seen
        ):  # fmt: skip
            span_text = text[start:end]
            claimed = item.get("text")
            if claimed is None or claimed == span_text:
                seen.add(mention_id)
                mentions.append(Mention(mention_id, start, end, span_text, label))
                continue
        _refuse_mention(item, index, where, text, types, seen)
    return tuple(mentions)


def _refuse_mention(item: dict[str, Any], index: int, where: str, text: str, types: _Types, seen: set[str]) -> None:
    """Raise the error that says what is wrong with a mention that failed the quick test."""
    mention_id, start, end, label = item["id"], item["start"], item["end"], item["type"]
    if not isinstance(mention_id, str):
        raise PredictionsError(f"{where}: mention {index} id must be a string, got {kind(mention_id)}.")
    what = f"mention {mention_id!r}"
    if mention_id in seen:
        raise PredictionsError(f"{where}: {what} appears twice. Mention ids must be unique within a line.")
    for name, value in (("start", start), ("end", end)):
        if type(value) is not int:
            raise PredictionsError(f"{where}: {what} {name} must be an integer offset, got {kind(value)}.")
    if not 0 <= start < end <= len(text):
        problem = "is empty or reversed" if 0 <= end <= start <= len(text) else "lies outside the text"
        raise PredictionsError(
            f"{where}: {what} [{start}, {end}) {problem} (the text has {len(text)} code points). "
            "Offsets are half-open [start, end) in Python code points."
        )
    if not isinstance(label, str) or label not in types.entities:
        raise PredictionsError(f"{where}: {what} has unknown type {label!r}. Use one of: {types.entity_hint}.")
    raise PredictionsError(
        f"{where}: {what} text {item['text']!r} differs from the gold text at [{start}, {end}) {text[start:end]!r}. "
        "Offsets are half-open [start, end) in Python code points (not UTF-16 units, not inclusive ends)."
    )


def _relations(items: list[Any], where: str, by_id: Mapping[str, Mention], types: _Types) -> tuple[Relation, ...]:
    relations: list[Relation] = []
    for index, item in enumerate(items, start=1):
        what = f"relation {index}"
        if not isinstance(item, dict) or "head" not in item or "tail" not in item or "type" not in item:
            raise PredictionsError(f"{where}: {what} must be an object with head, tail and type.")
        if not isinstance(item["type"], str) or item["type"] not in types.relations:
            raise PredictionsError(
                f"{where}: {what} has unknown type {item['type']!r}. Use one of: {types.relation_hint}."
            )
        for end in ("head", "tail"):
            if not isinstance(item[end], str) or item[end] not in by_id:
                raise PredictionsError(
                    f"{where}: {what} {end} {item[end]!r} is not a mention id on this line. "
                    "Relations link the ids of mentions in the same line's 'mentions'."
                )
        relation_id = item.get("id")
        relation_id = relation_id if isinstance(relation_id, str) else f"r{index}"
        relations.append(Relation(relation_id, item["type"], item["head"], item["tail"]))
    return tuple(relations)


def _triples(items: list[Any], where: str, types: _Types) -> tuple[Triple, ...]:
    triples: list[Triple] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not (
            type(item.get("subject")) is str and type(item.get("predicate")) is str and type(item.get("object")) is str
        ):
            raise PredictionsError(
                f"{where}: triple {index} must be an object with string subject, predicate and object."
            )
        if item["predicate"] not in types.relations:
            raise PredictionsError(
                f"{where}: triple {index} has unknown predicate {item['predicate']!r}. Use one of: {types.relation_hint}."
            )
        triples.append(Triple(item["subject"], item["predicate"], item["object"]))
    return tuple(triples)


def kind(value: Any) -> str:
    """How a JSON value reads in a message: ``a list``, ``the string '5'``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    names: dict[type, str] = {dict: "an object", list: "a list"}
    return names.get(type(value), type(value).__name__)


def output_line(output: SystemOutput) -> str:
    """One JSONL line of the prediction format for ``output`` (what the reference systems write)."""
    data = {
        "doc_id": output.doc_id,
        "mentions": [
            {"id": m.id, "start": m.start, "end": m.end, "type": m.type, "text": m.text} for m in output.mentions
        ],
        "relations": [{"head": r.head, "tail": r.tail, "type": r.type} for r in output.relations],
        "triples": [{"subject": t.subject, "predicate": t.predicate, "object": t.object} for t in output.triples],
    }
    return json.dumps(data, ensure_ascii=False)
