"""A pull's snapshot built in shards: id ranges exported at once, merged in task-id order.

The project's tasks are cut into id ranges of about equal size (the ids at evenly spaced
positions, read in small requests); the first range is open below and the last open above,
so each task falls in exactly one, even when tasks come and go meanwhile. Each range becomes
a data manager view, an export snapshot of that view (the same serialization options as a
one-shot pull, :data:`~curation.labelstudio.SNAPSHOT_OPTIONS`), and a file downloaded beside
the output, checked against the md5 Label Studio computed; then the view and the snapshot are
deleted on the server. ``jobs`` shards are built and downloaded at once; the main thread
writes them to the output in id order as they are ready, one shard in memory at a time, in
the byte format of Label Studio's own export (``json.dumps`` of each task, ``", "`` between).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation import labelstudio as ls
from curation.core.errors import SnapshotError
from curation.labelstudio.export import SnapshotFailed
from curation.labelstudio.server import Connection
from curation.labelstudio.views import VIEW_TITLE, create_view, delete_view, id_range, task_id_at

#: Tasks per shard at most (more shards than ``jobs`` when the project is large, so that one
#: shard in memory stays small whatever the project's size).
SHARD_TASKS = 1000

Progress = Callable[[str, int, "int | None"], None]


class Receiver:
    """Writes downloaded chunks to a file while hashing them (md5 for the server's check, sha256)."""

    def __init__(self, handle: Any, progress: Progress | None) -> None:
        self.handle, self.progress = handle, progress
        self._reset()

    def _reset(self) -> None:
        self.handle.seek(0)
        self.handle.truncate()
        self.size = 0
        self.md5, self.sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()

    def __call__(self, offset: int, data: bytes) -> None:
        if offset == 0 and self.size:
            self._reset()
        self.handle.write(data)
        self.md5.update(data)
        self.sha256.update(data)
        self.size += len(data)
        if self.progress:
            self.progress("download", self.size, None)


def download_checked(
    conn: Connection, snapshot: ls.ExportSnapshot, handle: Any, retry: ls.Retry, progress: Progress | None
) -> Receiver:
    """Download until the file matches the md5 Label Studio computed (bounded tries)."""
    for _ in range(retry.tries):
        receiver = Receiver(handle, progress)
        ls.download_snapshot(conn, snapshot, receiver, retry=retry)
        if not snapshot.md5 or receiver.md5.hexdigest() == snapshot.md5:
            return receiver
    raise SnapshotError(
        f"The downloaded export snapshot {snapshot.id} never matched the md5 Label Studio computed for it "
        f"({retry.tries} tries): the connection keeps breaking. Run the pull again."
    )


@dataclass(frozen=True)
class Sharded:
    """What :func:`export_in_shards` wrote: bytes, their sha256, and the snapshots it used."""

    size: int
    sha256: str
    export_ids: tuple[int, ...]


class _Writer:
    """Writes shards to the output as one JSON list, in task-id order, hashing what it writes."""

    def __init__(self, handle: Any) -> None:
        self.handle, self.sha256, self.size, self.tasks = handle, hashlib.sha256(), 0, 0

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.sha256.update(data)
        self.size += len(data)

    def add(self, path: Path) -> None:
        with open(path, "rb") as shard:
            try:
                tasks = json.load(shard)
            except ValueError:
                tasks = None
        if not isinstance(tasks, list):
            raise SnapshotError(
                "Label Studio sent an export shard that is not a JSON list of tasks. Run the pull again."
            )
        for task in sorted(tasks, key=lambda t: int(t["id"])):
            self._write((b"[" if not self.tasks else b", ") + json.dumps(task, ensure_ascii=False).encode("utf-8"))
            self.tasks += 1

    def close(self) -> None:
        self._write(b"]" if self.tasks else b"[]")


def _shard(
    conn: Connection, project_id: int, title: str, low: int | None, high: int | None, folder: Path, retry: ls.Retry
) -> tuple[Path, int]:
    """Export the tasks with ``low <= id < high`` into a temporary file in ``folder``."""
    view = create_view(conn, project_id, title=title, filters=id_range(low, high), retry=retry)
    try:
        for number in range(1, retry.tries + 1):
            try:
                snapshot = ls.create_snapshot(  # waits until it is built; looked for by title after a timeout
                    conn, project_id, retry=retry, view=view, title=f"{title} try {number}"
                )
                break
            except SnapshotFailed:  # the server gave up on it (SQLite: "database is locked"): ask again
                if number == retry.tries:
                    raise
                retry.pause(number)
    finally:
        delete_view(conn, view, retry=retry)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".curation-shard-", suffix=".json.part")
    try:
        with os.fdopen(fd, "w+b") as handle:
            download_checked(conn, snapshot, handle, retry, None)
        ls.delete_snapshot(conn, snapshot, retry=retry)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), snapshot.id


def export_in_shards(
    conn: Connection,
    project_id: int,
    handle: Any,
    *,
    jobs: int,
    folder: Path,
    retry: ls.Retry,
    progress: Progress | None = None,
) -> Sharded:
    """Write the project's export to ``handle``, built in shards ``jobs`` at a time."""
    total = ls.task_stamp(conn, project_id).total
    count = max(1, min(max(jobs, -(-total // SHARD_TASKS)), total))
    token = uuid.uuid4().hex[:8]
    writer, exports = _Writer(handle), []
    with futures.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="curation-pull") as pool:
        positions = [round(k * total / count) for k in range(1, count)]
        found = pool.map(lambda position: task_id_at(conn, project_id, position, retry=retry), positions)
        edges: list[int | None] = [None, *sorted({i for i in found if i is not None}), None]
        ranges = list(zip(edges[:-1], edges[1:]))
        shards = [
            pool.submit(_shard, conn, project_id, f"{VIEW_TITLE} {token} {k}/{len(ranges)}", low, high, folder, retry)
            for k, (low, high) in enumerate(ranges, 1)
        ]
        try:
            for done, shard in enumerate(shards, 1):
                path, export_id = shard.result()
                try:
                    writer.add(path)
                finally:
                    path.unlink(missing_ok=True)
                exports.append(export_id)
                if progress:
                    progress("shards", done, len(ranges))
        except BaseException:
            for shard in shards:
                shard.cancel()
            futures.wait(shards)
            for shard in shards:
                if not shard.cancelled() and shard.exception() is None:
                    shard.result()[0].unlink(missing_ok=True)
            raise
    writer.close()
    return Sharded(writer.size, writer.sha256.hexdigest(), tuple(exports))
