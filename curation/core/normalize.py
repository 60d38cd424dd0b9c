"""A Label Studio export snapshot as normalized records, with nothing dropped silently.

A snapshot is the JSON list Label Studio's export writes, one task per item::

    {"id": 7, "data": {"doc_id": "en-001", "text": "...", "text_sha256": "..."},
     "annotations": [{"id": 12, "completed_by": 3, "result": [...], "was_cancelled": false,
                      "ground_truth": false, "lead_time": 41.2, "parent_prediction": 5, ...}],
     "predictions": [{"id": 5, "model_version": "ner-v1", "result": [...], ...}]}

:func:`normalize` turns it into one :class:`~curation.core.records.Annotation` per (document,
annotation) and per (document, prediction). Ids are namespaced: annotation ``12``'s region
``abc`` becomes mention ``12/abc``; prediction ``5`` becomes annotation ``prediction-5`` with
mentions ``prediction-5/abc``. Annotators become pseudonyms built from their Label Studio user
id (``annotator-3``); e-mail addresses, even when the export expanded ``completed_by``, never
leave the snapshot. Whatever cannot become a record (a task without a document, an unknown
result, an unsubmitted draft...) is listed in ``Normalized.skipped`` with its reason.

:func:`load_snapshot` reads a snapshot file task by task (``ijson``), so a large export is
never held in memory as parsed JSON and as records at the same time.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from curation.core.convert import Skipped, from_ls_results
from curation.core.errors import SnapshotError
from curation.core.records import Annotation, Document

#: Annotation id prefix of predictions (Label Studio numbers them apart from annotations).
PREDICTION_PREFIX = "prediction-"


@dataclass(frozen=True)
class SkippedItem:
    """Something in the snapshot that became no record, and why.

    ``kind`` says what it was: ``task`` (a task without a usable document, or an annotation
    of such a task), ``result`` (a Label Studio result or prediction that became no mention
    or relation), ``draft`` (an unsubmitted draft) or ``duplicate`` (a second task for a
    document already seen, with the same text: its annotations are kept).
    """

    kind: str
    reason: str
    task_id: int | None = None
    doc_id: str | None = None
    annotation_id: str | None = None
    item: str | None = None
    annotator: str | None = None


@dataclass(frozen=True)
class Normalized:
    """Documents, annotations, predictions and the counted leftovers of one snapshot.

    ``pushed_hashes`` maps each doc id to the ``text_sha256`` push stored beside the text, so
    validation can tell when the text in Label Studio is not the text that was pushed.
    """

    documents: dict[str, Document]
    annotations: tuple[Annotation, ...]
    predictions: tuple[Annotation, ...]
    skipped: tuple[SkippedItem, ...]
    pushed_hashes: dict[str, str]

    def skip_counts(self) -> dict[str, int]:
        """How many items were skipped, by reason (most frequent first)."""
        return dict(Counter(s.reason for s in self.skipped).most_common())


def pseudonym(completed_by: Any) -> str:
    """``annotator-<Label Studio user id>`` for ``3`` or ``{"id": 3, "email": ...}``; "" if unknown."""
    user_id = completed_by.get("id") if isinstance(completed_by, Mapping) else completed_by
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        return f"annotator-{user_id}"
    return ""


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class _Builder:
    """Accumulates records task by task (so a stream of tasks is consumed once)."""

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.task_of: dict[str, int | None] = {}
        self.annotations: list[Annotation] = []
        self.predictions: list[Annotation] = []
        self.skipped: list[SkippedItem] = []
        self.pushed_hashes: dict[str, str] = {}
        # Each task's id and where its records start, as the export listed the tasks.
        self.tasks: list[tuple[tuple[tuple[int, str], int], tuple[int, int, int, int]]] = []

    def add_task(self, task: Mapping[str, Any]) -> None:
        starts = (len(self.annotations), len(self.predictions), len(self.skipped), len(self.documents))
        self._add_task(task)
        self.tasks.append(((_number_or_text(task.get("id")), len(self.tasks)), starts))

    def _add_task(self, task: Mapping[str, Any]) -> None:
        task_id = task.get("id")
        document, problem = self._document(task)
        annotations = sorted(task.get("annotations") or [], key=_id_order)
        predictions = sorted(task.get("predictions") or [], key=_id_order)
        if document is None:
            self.skipped.append(SkippedItem("task", problem, task_id=task_id))
            reason = "annotation of a task that has no usable document"
            for raw in annotations:
                annotator = pseudonym(raw.get("completed_by")) if isinstance(raw, Mapping) else None
                self.skipped.append(SkippedItem("task", reason, task_id, None, _raw_id(raw), None, annotator))
            for raw in predictions:
                self.skipped.append(SkippedItem("task", reason, task_id, None, _raw_id(raw, PREDICTION_PREFIX)))
            return
        doc_id = document.doc_id
        for draft in task.get("drafts") or []:
            draft_id = draft.get("id") if isinstance(draft, Mapping) else draft
            self.skipped.append(SkippedItem("draft", "unsubmitted draft", task_id, doc_id, None, str(draft_id)))
        for raw in annotations:
            self.annotations.append(self._annotation(raw, document, task_id, prediction=False))
        for raw in predictions:
            if not isinstance(raw, Mapping):
                reason = "prediction exported as an id only (pull again: `curation pull` exports them in full)"
                self.skipped.append(SkippedItem("result", reason, task_id, doc_id, f"{PREDICTION_PREFIX}{raw}"))
                continue
            self.predictions.append(self._annotation(raw, document, task_id, prediction=True))

    def _document(self, task: Mapping[str, Any]) -> tuple[Document | None, str]:
        data = task.get("data")
        task_id = task.get("id")
        if not isinstance(data, Mapping):
            return None, "task without data"
        doc_id, text = data.get("doc_id"), data.get("text")
        if not isinstance(doc_id, str) or not doc_id:
            return None, "task without a doc_id in its data (not pushed by curation)"
        if not isinstance(text, str):
            return None, "task without a text in its data"
        document = Document.from_dict(data)
        known = self.documents.get(doc_id)
        if known is not None:
            if known.text != text:
                return None, f"task repeats doc_id {doc_id} of task {self.task_of[doc_id]} with a different text"
            self.skipped.append(
                SkippedItem("duplicate", f"task repeats doc_id {doc_id} of task {self.task_of[doc_id]} (same text; "
                            "its annotations are kept)", task_id, doc_id)
            )  # fmt: skip
            return known, ""
        self.documents[doc_id] = document
        self.task_of[doc_id] = task_id
        if isinstance(data.get("text_sha256"), str):
            self.pushed_hashes[doc_id] = data["text_sha256"]
        return document, ""

    def _annotation(self, raw: Mapping[str, Any], document: Document, task_id: Any, *, prediction: bool) -> Annotation:
        annotation_id = _raw_id(raw, PREDICTION_PREFIX if prediction else "")
        annotator = "" if prediction else pseudonym(raw.get("completed_by"))
        result = raw.get("result")
        mentions, relations, dropped = from_ls_results(
            document.text, result if isinstance(result, list) else [], f"{annotation_id}/"
        )
        if result is not None and not isinstance(result, list):
            dropped += (Skipped(None, "result is not a list"),)
        for item in dropped:
            self.skipped.append(
                SkippedItem("result", item.reason, task_id, document.doc_id, annotation_id, item.result_id, annotator)
            )
        model_version = raw.get("model_version")
        return Annotation(
            doc_id=document.doc_id,
            annotation_id=annotation_id,
            annotator=annotator,
            mentions=mentions,
            relations=relations,
            ground_truth=bool(raw.get("ground_truth")),
            cancelled=bool(raw.get("was_cancelled")),
            from_prediction=raw.get("parent_prediction") is not None,
            model_version=str(model_version) if prediction and model_version is not None else None,
            created_at=raw.get("created_at"),
            updated_at=raw.get("updated_at"),
            lead_time=_number(raw.get("lead_time")),
        )

    def result(self) -> Normalized:
        """The records in task-id order (then annotation ids), whatever order the export had:
        Label Studio on SQLite lists tasks by id, on PostgreSQL as its query plan goes."""
        if [key for key, _ in self.tasks] != sorted(key for key, _ in self.tasks):
            self._reorder()
        return Normalized(
            documents=self.documents,
            annotations=tuple(self.annotations),
            predictions=tuple(self.predictions),
            skipped=tuple(self.skipped),
            pushed_hashes=self.pushed_hashes,
        )

    def _reorder(self) -> None:
        ends = (len(self.annotations), len(self.predictions), len(self.skipped), len(self.documents))
        bounds = [starts for _, starts in self.tasks[1:]] + [ends]
        docs = list(self.documents.values())
        annotations: list[Annotation] = []
        predictions: list[Annotation] = []
        skipped: list[SkippedItem] = []
        documents: dict[str, Document] = {}
        for (_, start), end in sorted(zip(self.tasks, bounds), key=lambda pair: pair[0][0]):
            annotations += self.annotations[start[0] : end[0]]
            predictions += self.predictions[start[1] : end[1]]
            skipped += self.skipped[start[2] : end[2]]
            documents.update((d.doc_id, d) for d in docs[start[3] : end[3]])
        self.annotations, self.predictions, self.skipped, self.documents = annotations, predictions, skipped, documents
        ordered = {doc_id: self.pushed_hashes[doc_id] for doc_id in documents if doc_id in self.pushed_hashes}
        ordered.update(self.pushed_hashes)  # any other keeps its place after them
        self.pushed_hashes = ordered


def _number_or_text(value: Any) -> tuple[int, str]:
    """A sort key for ids that are numbers (as Label Studio's are) and anything else after them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, "")
    return (1 << 62, str(value))


def _id_order(raw: Any) -> tuple[int, str]:
    return _number_or_text(raw.get("id") if isinstance(raw, Mapping) else raw)


def _raw_id(raw: Any, prefix: str = "") -> str:
    value = raw.get("id") if isinstance(raw, Mapping) else raw
    return f"{prefix}{value}"


def normalize(tasks: Iterable[Mapping[str, Any]]) -> Normalized:
    """Tasks of a Label Studio JSON export -> :class:`Normalized` (pure: no files, no network).

    The records are immutable and hold no reference cycles, so the cyclic garbage collector
    is paused while hundreds of thousands of them are built (it would find nothing to free).
    """
    builder = _Builder()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for task in tasks:
            builder.add_task(task)
    finally:
        if was_enabled:
            gc.enable()
    return builder.result()


# --- reading snapshot files ----------------------------------------------------------------


def sha256_path(path: Path) -> Path:
    """Where the sha256 of a snapshot is recorded: ``FILE.sha256`` beside ``FILE``."""
    return path.with_name(path.name + ".sha256")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path: Path) -> None:
    """Raise :class:`SnapshotError` when ``FILE.sha256`` exists and does not match ``FILE``."""
    recorded_path = sha256_path(path)
    if not recorded_path.exists():
        return
    recorded = recorded_path.read_text(encoding="utf-8").split()
    if not recorded or recorded[0] != file_sha256(path):
        raise SnapshotError(
            f"{path} does not match its checksum in {recorded_path.name} (changed or truncated since it "
            f"was pulled). Pull it again with `curation pull --out {path}`."
        )


def iter_tasks(handle: BinaryIO, name: str = "snapshot") -> Iterator[dict[str, Any]]:
    """Stream the tasks of an export (a JSON list of objects) from a binary file."""
    count = 0
    try:
        for task in ijson.items(handle, "item", use_float=True):
            if not isinstance(task, dict):
                raise SnapshotError(
                    f"{name}: item {count} is not a task object ({type(task).__name__}). "
                    f"Use a Label Studio JSON export (`curation pull --out {name}`)."
                )
            count += 1
            yield task
    except ijson.common.JSONError:
        raise SnapshotError(
            f"{name} is not valid JSON after its first {count} tasks (truncated or corrupt). "
            f"Pull it again with `curation pull --out {name}`."
        ) from None


def load_snapshot(path: Path | str, *, check: bool = True) -> Normalized:
    """Read and normalize a snapshot file, streaming it; verify ``FILE.sha256`` when present."""
    path = Path(path)
    if not path.is_file():
        raise SnapshotError(f"Snapshot {path} not found. Run `curation pull --out {path}` first.")
    if check:
        check_sha256(path)
    with open(path, "rb") as handle:
        first = handle.read(64).lstrip()
        if not first.startswith(b"["):
            raise SnapshotError(
                f"{path} is not a Label Studio JSON export (it does not start with a list of tasks). "
                f"Pull it with `curation pull --out {path}`."
            )
        handle.seek(0)
        return normalize(iter_tasks(handle, str(path)))
