"""``curation pull``: a complete raw snapshot of a project, written atomically with its sha256.

Label Studio builds a JSON export snapshot on the server (:func:`create_snapshot`); the file
is streamed to a temporary file beside ``out`` while its md5 (compared with the server's) and
sha256 are computed, then its tasks are read back one at a time (never the whole list in
memory) and checked. A task whose annotations or predictions are not all in the snapshot
(its counters say how many it has, skipped ones included; predictions must be full objects,
not ids) is read again from the API and merged in. Then the file is renamed over ``out``
and ``out.sha256`` is written beside it (``sha256sum -c`` format). The temporary files are named
``.<out name>.<pid>.*.part``: a pull that was killed leaves one behind, and the next pull into
the same folder removes those of processes that are gone. Transient failures are
retried with backoff; see :class:`curation.labelstudio.Retry`. The snapshot is created
readable by its owner only: it holds unpublished annotations. With ``jobs`` > 1 the export is
built in shards of task-id ranges, several at once (:mod:`curation.project.shards`), and
written in the same format, tasks in id order; the checks and repairs are the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.core.errors import SnapshotError
from curation.core.normalize import iter_tasks, pseudonym, sha256_path
from curation.labelstudio import Retry, create_snapshot, find_project_retrying, task_in_full
from curation.labelstudio.server import Connection
from curation.project.shards import download_checked, export_in_shards

#: ``progress(stage, done, total)``: stage is ``export`` (the server builds the snapshot),
#: ``download`` (bytes), ``shards`` (shards written, with ``jobs`` > 1) or ``repair`` (tasks
#: read again from the API).
Progress = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True)
class PullReport:
    """What was pulled, and what had to be repaired.

    ``repaired_tasks`` lacked annotations or predictions in the export and were read again
    from the API; ``unresolved_tasks`` still have fewer than their counters say after that
    (someone annotating during the pull, or counters Label Studio left stale).
    """

    path: Path
    sha256: str
    size: int
    project_id: int
    project_title: str
    export_id: int
    tasks: int
    annotations: int
    cancelled: int
    ground_truth: int
    predictions: int
    repaired_tasks: tuple[int, ...]
    unresolved_tasks: tuple[int, ...]
    unknown_annotators: int
    seconds: float
    shards: int = 1

    def to_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["path"] = str(self.path)
        data["repaired_tasks"] = list(self.repaired_tasks)
        data["unresolved_tasks"] = list(self.unresolved_tasks)
        return data


def task_gaps(task: Mapping[str, Any]) -> list[str]:
    """What a snapshot task lacks compared with its own counters (empty when complete)."""
    annotations = task.get("annotations") or []
    predictions = task.get("predictions") or []
    gaps = []
    submitted = sum(1 for a in annotations if isinstance(a, dict) and not a.get("was_cancelled"))
    cancelled = sum(1 for a in annotations if isinstance(a, dict) and a.get("was_cancelled"))
    if submitted < int(task.get("total_annotations") or 0):
        gaps.append("annotations")
    if cancelled < int(task.get("cancelled_annotations") or 0):
        gaps.append("skipped annotations")
    if any(not isinstance(p, dict) for p in predictions) or len(predictions) < int(task.get("total_predictions") or 0):
        gaps.append("predictions")
    return gaps


@dataclass
class _Tally:
    """Counts and gaps of the tasks seen so far, for the report."""

    tasks: int = 0
    annotations: int = 0
    cancelled: int = 0
    ground_truth: int = 0
    predictions: int = 0
    unknown_annotators: int = 0
    incomplete: list[int] = field(default_factory=list)

    def add(self, task: Mapping[str, Any]) -> None:
        self.tasks += 1
        for annotation in task.get("annotations") or []:
            self.annotations += 1
            self.cancelled += bool(annotation.get("was_cancelled"))
            self.ground_truth += bool(annotation.get("ground_truth"))
            self.unknown_annotators += not pseudonym(annotation.get("completed_by"))
        self.predictions += len(task.get("predictions") or [])
        if task_gaps(task):
            self.incomplete.append(int(task["id"]))


def _tally(path: Path) -> _Tally:
    """Count and check the tasks of a downloaded export, streaming it (ijson's C parser)."""
    tally = _Tally()
    with open(path, "rb") as handle:
        try:
            for task in iter_tasks(handle, str(path)):
                tally.add(task)
        except SnapshotError:
            raise SnapshotError(
                f"Label Studio sent an export that is not a valid JSON list of tasks (after {tally.tasks} tasks). "
                "Run the pull again."
            ) from None
    return tally


def merge_task(task: dict[str, Any], full: Mapping[str, Any]) -> dict[str, Any]:
    """The snapshot task with the annotations and predictions it lacks taken from ``full``."""
    have = {a["id"] for a in task.get("annotations") or [] if isinstance(a, Mapping)}
    annotations = list(task.get("annotations") or [])
    annotations += [a for a in full.get("annotations") or [] if a.get("id") not in have]
    predictions = [p for p in full.get("predictions") or [] if isinstance(p, Mapping)]
    return {**task, "annotations": sorted(annotations, key=lambda a: a["id"]), "predictions": predictions}


def _repair(path: Path, beside: Path, repairs: dict[int, dict[str, Any]]) -> tuple[Path, str, int, _Tally]:
    """Rewrite the snapshot (streaming) with the repaired tasks; return the new file and its sha256."""
    fd, name = _temporary(beside)
    digest, size, tally = hashlib.sha256(), 0, _Tally()
    with os.fdopen(fd, "wb") as out, open(path, "rb") as source:
        for index, task in enumerate(iter_tasks(source, str(path))):
            if task.get("id") in repairs:
                task = merge_task(task, repairs[task["id"]])
            tally.add(task)
            chunk = (b"[" if index == 0 else b",\n") + json.dumps(task, ensure_ascii=False).encode("utf-8")
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        tail = b"]\n" if size else b"[]\n"
        out.write(tail)
        digest.update(tail)
        out.flush()
        os.fsync(out.fileno())
    return Path(name), digest.hexdigest(), size + len(tail), tally


def _temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, named after it and this process."""
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".part")


def _remove_stale(path: Path) -> None:
    """Remove the temporary files that killed pulls into ``path`` left (their process is gone)."""
    for part in path.parent.glob(f".{path.name}.*.part"):
        pid = part.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            part.unlink(missing_ok=True)
        except OSError:
            pass  # alive, under another user


def _write_atomically(path: Path, text: str) -> None:
    fd, name = _temporary(path)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(name, path)


def pull(
    conn: Connection,
    *,
    project_title: str,
    out: Path | str,
    progress: Progress | None = None,
    retry: Retry | None = None,
    jobs: int = 1,
) -> PullReport:
    """Snapshot the project titled ``project_title`` into ``out`` (and ``out.sha256``): one export
    snapshot, or with ``jobs`` > 1 shards built ``jobs`` at a time (:mod:`curation.project.shards`)."""
    started = time.monotonic()
    retry = retry or Retry()
    out = Path(out)
    if out.is_dir():
        raise SnapshotError(f"{out} is a directory. Give --out a file name such as {out / 'snapshot.json'}.")
    if not out.parent.is_dir():
        raise SnapshotError(f"Folder {out.parent} does not exist. Create it, or choose another --out.")
    _remove_stale(out)
    _remove_stale(sha256_path(out))
    project = find_project_retrying(conn, project_title, retry=retry)
    if progress and jobs <= 1:
        progress("export", 0, None)
    fd, part = _temporary(out)
    temporary = [Path(part)]
    try:
        with os.fdopen(fd, "w+b") as handle:
            if jobs > 1:
                sharded = export_in_shards(conn, project.id, handle, jobs=jobs, folder=out.parent, retry=retry,
                                           progress=progress)  # fmt: skip
                sha, size, exports = sharded.sha256, sharded.size, sharded.export_ids
            else:
                snapshot = create_snapshot(conn, project.id, retry=retry)
                receiver = download_checked(conn, snapshot, handle, retry, progress)
                sha, size, exports = receiver.sha256.hexdigest(), receiver.size, (snapshot.id,)
            handle.flush()
            os.fsync(handle.fileno())
        tally = _tally(temporary[0])
        repaired = tuple(sorted(tally.incomplete))  # in task-id order, whatever order the export had
        if repaired:
            repairs = {}
            for done, task_id in enumerate(repaired, 1):
                repairs[task_id] = task_in_full(conn, task_id, retry=retry)
                if progress:
                    progress("repair", done, len(repaired))
            fixed, sha, size, tally = _repair(temporary[0], out, repairs)
            temporary.append(fixed)
        os.replace(temporary[-1], out)
        _write_atomically(sha256_path(out), f"{sha}  {out.name}\n")
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)
    return PullReport(
        path=out, sha256=sha, size=size, project_id=project.id, project_title=project.title, export_id=exports[0],
        tasks=tally.tasks, annotations=tally.annotations, cancelled=tally.cancelled,
        ground_truth=tally.ground_truth, predictions=tally.predictions, repaired_tasks=repaired,
        unresolved_tasks=tuple(tally.incomplete),
        unknown_annotators=tally.unknown_annotators, seconds=time.monotonic() - started, shards=len(exports),
    )  # fmt: skip
