"""Import tasks in chunks: serialized ahead, one request in flight, never duplicated on retry.

Each task is serialized once to UTF-8 JSON bytes; a chunk is a list of those byte strings,
joined into one request body when sent. Chunks stay far below Label Studio's 250 MiB request
cap (larger bodies fail with a misleading HTTP 500) and take about a second each, far below
any read timeout. While one chunk is in flight, the next is serialized in the main thread.

A request that timed out, lost its connection or failed with HTTP 5xx may still have been
imported. Before a chunk is sent again, :class:`ChunkImporter` waits until the project's task
count stops moving (not needed after a 5xx answer: the server is done), lists the tasks created
after the last known one, and sends again only the documents that are not there (matched by
``doc_id`` and ``text_sha256``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from curation import labelstudio as ls
from curation.core.errors import LabelStudioError, PushError
from curation.labelstudio.server import Connection

#: A single task may not come near the server's 250 MiB request cap.
MAX_TASK_BYTES = 200 * 1024 * 1024


@dataclass
class Chunk:
    """Serialized tasks for one import request, with the doc_id of each."""

    doc_ids: list[str] = field(default_factory=list)
    parts: list[bytes] = field(default_factory=list)
    size: int = 2

    def body(self, keep: Sequence[int] | None = None) -> bytes:
        """The JSON list of all tasks, or of those at the positions in ``keep``."""
        parts = self.parts if keep is None else [self.parts[i] for i in keep]
        return b"[" + b",".join(parts) + b"]"


def serialize_chunks(
    payloads: Iterable[tuple[str, Mapping[str, Any]]], *, max_tasks: int, max_bytes: int
) -> Iterator[Chunk]:
    """Group ``(doc_id, task)`` pairs into chunks of at most ``max_tasks`` tasks and ``max_bytes`` bytes."""
    chunk = Chunk()
    for doc_id, payload in payloads:
        part = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if len(part) > MAX_TASK_BYTES:
            raise PushError(
                f"Article {doc_id!r} is {len(part) / 2**20:.0f} MiB as a task; Label Studio accepts at most "
                "250 MiB per request. Split the article into smaller documents."
            )
        if chunk.doc_ids and (len(chunk.doc_ids) >= max_tasks or chunk.size + len(part) + 1 > max_bytes):
            yield chunk
            chunk = Chunk()
        chunk.doc_ids.append(doc_id)
        chunk.parts.append(part)
        chunk.size += len(part) + 1
    if chunk.doc_ids:
        yield chunk


class ChunkImporter:
    """Send chunks to one project and return the created tasks, never creating one twice."""

    def __init__(
        self,
        conn: Connection,
        project_id: int,
        *,
        hashes: Mapping[str, str],
        total_before: int,
        max_id: int,
        timeout: float,
    ) -> None:
        self.conn, self.project_id, self.hashes = conn, project_id, hashes
        self.total, self.max_id = total_before, max_id
        self.timeout = timeout

    def run(self, chunks: Iterable[Chunk], on_chunk: Callable[[int], None]) -> list[ls.ExistingTask]:
        """Send every chunk in order; ``on_chunk(tasks created so far)`` after each one."""
        created: list[ls.ExistingTask] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="curation-push") as pool:
            pending: Future | None = None
            for chunk in chunks:  # serializing this chunk overlaps with sending the previous one
                if pending is not None:
                    created.extend(pending.result())
                    on_chunk(len(created))
                pending = pool.submit(self.send, chunk)
            if pending is not None:
                created.extend(pending.result())
                on_chunk(len(created))
        return created

    def send(self, chunk: Chunk) -> list[ls.ExistingTask]:
        """Import one chunk; after an uncertain failure, look before sending the rest again."""
        todo = list(range(len(chunk.doc_ids)))
        done: dict[int, ls.ExistingTask] = {}

        def look(exc: ls.UncertainOutcome) -> list[int] | None:
            done.update(self.recover(chunk, todo, wait=not isinstance(exc, ls.LabelStudioServerError)))
            todo[:] = [i for i in todo if i not in done]
            return None if todo else []

        ids = ls.import_tasks(self.conn, self.project_id, lambda: chunk.body(todo), look=look, timeout=self.timeout)
        if len(ids) != len(todo):
            raise LabelStudioError(
                f"Label Studio reported {len(ids)} new tasks for {len(todo)} articles in project "
                f"{self.project_id}. Check the project in Label Studio before pushing again."
            )
        for i, task_id in zip(todo, ids):
            done[i] = ls.ExistingTask(task_id, chunk.doc_ids[i], self.hashes[chunk.doc_ids[i]])
        self.total += len(done)
        self.max_id = max([self.max_id, *(t.id for t in done.values())])
        return [done[i] for i in sorted(done)]

    def recover(self, chunk: Chunk, todo: Sequence[int], *, wait: bool) -> dict[int, ls.ExistingTask]:
        """Which of the chunk's documents the server created after all (position -> task)."""
        if wait:
            ls.wait_until_settled(self.conn, self.project_id, total_before=self.total, patience=max(self.timeout, 10.0))
        wanted = {chunk.doc_ids[i]: i for i in todo}
        found: dict[int, ls.ExistingTask] = {}
        for task in ls.iter_tasks(self.conn, self.project_id, after_id=self.max_id):
            position = wanted.get(task.doc_id or "")
            if (
                position is not None
                and position not in found
                and task.text_sha256 == self.hashes[chunk.doc_ids[position]]
            ):
                found[position] = task
        return found
