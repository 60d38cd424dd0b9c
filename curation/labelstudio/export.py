"""Export snapshots (for pull): ask Label Studio to build one, wait for it, stream it down.

Every step is retried after transient failures (see :class:`~curation.labelstudio.client.Retry`);
a download broken half-way resumes with an HTTP range request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from curation.core.errors import LabelStudioError
from curation.labelstudio.client import Retry, download, read, remove, write
from curation.labelstudio.server import Connection

#: Without Redis, Label Studio builds the whole snapshot inside the create call (about 30 s
#: per 10,000 annotated tasks), so that one call may take long.
EXPORT_TIMEOUT = 3600.0
#: Seconds between two looks at a snapshot that a server with Redis builds in the background.
EXPORT_POLL = 2.0

#: What the snapshot holds: every annotation (submitted, skipped, ground truth), predictions
#: in full (not ids), ``completed_by`` as the user id (never the expanded user with e-mail).
SNAPSHOT_OPTIONS = {
    "annotation_filter_options": {"usual": True, "ground_truth": True, "skipped": True},
    "serialization_options": {
        "predictions": {"only_id": False},
        "drafts": {"only_id": True},
        "annotations__completed_by": {"only_id": True},
        "include_annotation_history": False,
    },
}


class SnapshotFailed(LabelStudioError):
    """Label Studio gave up building a snapshot (status ``failed``; SQLite answers "database is
    locked" to exports built at once, for instance): asking again may work."""


@dataclass(frozen=True)
class ExportSnapshot:
    """A snapshot Label Studio built: its id, and the md5 of its file (to check the download)."""

    id: int
    project_id: int
    md5: str
    tasks: int


def create_snapshot(
    conn: Connection,
    project_id: int,
    *,
    retry: Retry | None = None,
    timeout: float = EXPORT_TIMEOUT,
    view: int | None = None,
    title: str | None = None,
) -> ExportSnapshot:
    """Ask Label Studio to build a JSON export snapshot of the project (see :data:`SNAPSHOT_OPTIONS`),
    or of the tasks that ``view`` shows.

    After an uncertain outcome, a snapshot with a unique ``title`` is looked for first (it may
    still be building: it is waited for, not built twice); without a title the request is sent
    again without looking: a second snapshot costs only disk."""
    what = f"create an export snapshot of project {project_id}"
    title = title or f"curation pull {time.strftime('%Y-%m-%d %H:%M:%S')}"
    body: dict[str, Any] = {"title": title, **SNAPSHOT_OPTIONS}
    if view is not None:
        body["task_filter_options"] = {"view": view}
    unique = title if view is not None else None
    export = write(
        conn, f"/api/projects/{project_id}/exports/", what=what, json_body=body, timeout=timeout, ok=(201,),
        retry=retry, look=lambda _: find_snapshot(conn, project_id, unique, retry=retry) if unique else None,
        parse=lambda response: response.json(),
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    while export.get("status") in ("created", "queued", "in_progress") and time.monotonic() < deadline:
        time.sleep(EXPORT_POLL)  # a server with Redis builds the snapshot in the background
        look = f"check export snapshot {export['id']} of project {project_id}"
        export = read(conn, f"/api/projects/{project_id}/exports/{export['id']}", what=look, retry=retry).json()
    if export.get("status") != "completed":
        raise (SnapshotFailed if export.get("status") == "failed" else LabelStudioError)(
            f"Label Studio could not build the export snapshot of project {project_id} (status "
            f"{export.get('status')!r}). See the server log, then run the command again."
        )
    return ExportSnapshot(int(export["id"]), project_id, str(export.get("md5") or ""),
                          int((export.get("counters") or {}).get("task_number") or 0))  # fmt: skip


def find_snapshot(conn: Connection, project_id: int, title: str, *, retry: Retry | None = None) -> dict | None:
    """The newest export snapshot of the project titled ``title`` (as Label Studio lists it), or ``None``."""
    what = f"list the export snapshots of project {project_id}"
    exports = read(conn, f"/api/projects/{project_id}/exports/", what=what, retry=retry).json()
    found = [e for e in exports if e.get("title") == title]
    return max(found, key=lambda e: int(e["id"])) if found else None


def download_snapshot(
    conn: Connection,
    snapshot: ExportSnapshot,
    on_chunk: Callable[[int, bytes], None],
    *,
    retry: Retry | None = None,
    chunk_size: int = 1 << 20,
) -> int:
    """Stream the snapshot's JSON file to ``on_chunk(offset, data)``; return its size in bytes.

    After a dropped connection the download resumes with an HTTP range request; if the server
    sends the whole file instead, ``on_chunk`` sees offset 0 again and must start over.
    """
    return download(
        conn, f"/api/projects/{snapshot.project_id}/exports/{snapshot.id}/download", on_chunk,
        what=f"download export snapshot {snapshot.id} of project {snapshot.project_id}",
        params={"exportType": "JSON"}, retry=retry, chunk_size=chunk_size,
    )  # fmt: skip


def delete_snapshot(conn: Connection, snapshot: ExportSnapshot, *, retry: Retry | None = None) -> None:
    """Delete an export snapshot and its file on the server (one already gone is fine)."""
    remove(conn, f"/api/projects/{snapshot.project_id}/exports/{snapshot.id}",
           what=f"delete export snapshot {snapshot.id} of project {snapshot.project_id}", retry=retry)  # fmt: skip


def task_in_full(conn: Connection, task_id: int, *, retry: Retry | None = None) -> dict[str, Any]:
    """One task with every annotation (skipped ones included) and full predictions."""
    return read(conn, f"/api/tasks/{task_id}", what=f"read task {task_id}", retry=retry).json()
