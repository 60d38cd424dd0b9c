"""Import tasks in chunks: serialized ahead, ``jobs`` requests in flight, never duplicated on retry.

Each task is serialized once to UTF-8 JSON bytes; a chunk is a list of those byte strings,
joined into one request body when sent. Chunks stay far below Label Studio's 250 MiB request
cap (larger bodies fail with a misleading HTTP 500) and take about a second each, far below
any read timeout. While ``jobs`` chunks are in flight (one per connection), the next is
serialized in the main thread, so at most ``jobs + 1`` chunks are held in memory.

A request that timed out, lost its connection or failed with HTTP 5xx may still have been
imported. Before a chunk is sent again, :class:`ChunkImporter` looks alone (no other request of
the push in flight, see :mod:`curation.project.lanes`): it waits until the project's task count
has taken in every request that may still run (not needed after a 5xx answer: the server is
done), lists the tasks created since the chunk was first sent, and sends again only the
documents that are not there (matched by ``doc_id`` and ``text_sha256``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

from curation import labelstudio as ls
from curation.core.errors import LabelStudioError, PushError
from curation.labelstudio.server import Connection
from curation.project.lanes import Gate, settle

#: A single task may not come near the server's 250 MiB request cap.
MAX_TASK_BYTES = 200 * 1024 * 1024


@dataclass
class Chunk:
    """Serialized tasks for one import request, with the doc_id of each."""

    doc_ids: list[str] = field(default_factory=list)
    parts: list[bytes] = field(default_factory=list)
    size: int = 2
    #: whether some task carries inline predictions (such a chunk is sent alone, see ChunkImporter.run)
    predictions: bool = False

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
        chunk.predictions = chunk.predictions or bool(payload.get("predictions"))
        chunk.size += len(part) + 1
    if chunk.doc_ids:
        yield chunk


class ChunkImporter:
    """Send chunks to one project over ``jobs`` connections and return the created tasks, never
    creating one twice."""

    def __init__(
        self,
        conn: Connection,
        project_id: int,
        *,
        hashes: Mapping[str, str],
        total_before: int,
        max_id: int,
        timeout: float,
        jobs: int = 1,
    ) -> None:
        self.conn, self.project_id, self.hashes = conn, project_id, hashes
        self.total, self.max_id = total_before, max_id
        self.timeout, self.jobs = timeout, max(1, jobs)
        self.gate = Gate()
        self._lock = threading.Lock()
        #: chunks whose last request had an uncertain outcome and may still run on the server
        self._uncertain: dict[int, int] = {}  # id(chunk) -> tasks it may still create

    def run(self, chunks: Iterable[Chunk], on_chunk: Callable[[int], None]) -> list[ls.ExistingTask]:
        """Send every chunk, ``jobs`` at a time (the next one serialized meanwhile); return the
        created tasks in chunk order. ``on_chunk(tasks created so far)`` after each chunk.

        A chunk whose tasks carry inline predictions is sent alone: Label Studio 1.23's development
        server was seen to create such tasks without their predictions when two imports ran at once."""
        results: dict[int, list[ls.ExistingTask]] = {}
        done_count = 0
        error: BaseException | None = None
        with futures.ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="curation-push") as pool:
            running: dict[futures.Future, int] = {}
            alone: set[futures.Future] = set()  # running chunks that carry predictions

            def collect() -> None:
                nonlocal done_count, error
                finished, _ = futures.wait(running, return_when=futures.FIRST_COMPLETED)
                for future in finished:
                    index = running.pop(future)
                    alone.discard(future)
                    try:
                        results[index] = future.result()
                    except BaseException as exc:  # the first failure is raised once every lane stopped
                        error = error or exc
                        continue
                    done_count += len(results[index])
                    on_chunk(done_count)

            for index, chunk in enumerate(chunks):  # serializing this chunk overlaps with sending the others
                room = 1 if chunk.predictions or alone else self.jobs
                while running and len(running) >= room and error is None:
                    collect()
                    room = 1 if chunk.predictions or alone else self.jobs
                if error is not None:
                    break
                future = pool.submit(self.send, chunk)
                running[future] = index
                if chunk.predictions:
                    alone.add(future)
            while running:
                collect()
        if error is not None:
            raise error
        return [task for index in sorted(results) for task in results[index]]

    def send(self, chunk: Chunk) -> list[ls.ExistingTask]:
        """Import one chunk; after an uncertain failure, look before sending the rest again."""
        todo = list(range(len(chunk.doc_ids)))
        done: dict[int, ls.ExistingTask] = {}
        with self._lock:
            floor = self.max_id  # every task this chunk creates gets a higher id

        def body() -> bytes:
            self.gate.enter()
            return chunk.body(todo)

        def look(exc: ls.UncertainOutcome) -> list[int] | None:
            maybe_running = not isinstance(exc, ls.LabelStudioServerError)  # a 5xx answer: the server is done
            with self._lock:
                if maybe_running:
                    self._uncertain[id(chunk)] = len(todo)
            self.gate.leave()
            with self.gate.alone():
                found = self.recover(chunk, todo, floor=floor, wait=maybe_running)
                with self._lock:
                    self._uncertain.pop(id(chunk), None)
                    self._count(found.values())
            done.update(found)
            todo[:] = [i for i in todo if i not in done]
            return None if todo else []

        try:
            ids = ls.import_tasks(self.conn, self.project_id, body, look=look, timeout=self.timeout)
            if len(ids) != len(todo):
                raise LabelStudioError(
                    f"Label Studio reported {len(ids)} new tasks for {len(todo)} articles in project "
                    f"{self.project_id}. Check the project in Label Studio before pushing again."
                )
            created = {i: ls.ExistingTask(task_id, chunk.doc_ids[i], self.hashes[chunk.doc_ids[i]])
                       for i, task_id in zip(todo, ids)}  # fmt: skip
            with self._lock:
                self._count(created.values())
            done.update(created)
        finally:
            self.gate.leave()
        return [done[i] for i in sorted(done)]

    def _count(self, tasks: Iterable[ls.ExistingTask]) -> None:
        """Take created tasks into the known count and highest id (the caller holds the lock)."""
        for task in tasks:
            self.total += 1
            self.max_id = max(self.max_id, task.id)

    def recover(self, chunk: Chunk, todo: Sequence[int], *, floor: int, wait: bool) -> dict[int, ls.ExistingTask]:
        """Which of the chunk's documents the server created after all (position -> task).

        Runs alone (no request of this push in flight). With ``wait``, first waits until the task
        count has taken in every request that may still run, this chunk's among them."""
        if wait:
            with self._lock:
                expected = self.total + sum(self._uncertain.values())
            settle(self.conn, self.project_id, expected=expected, patience=max(self.timeout, 10.0))
        wanted = {chunk.doc_ids[i]: i for i in todo}
        found: dict[int, ls.ExistingTask] = {}
        for task in ls.iter_tasks(self.conn, self.project_id, after_id=floor):
            position = wanted.get(task.doc_id or "")
            if (
                position is not None
                and position not in found
                and task.text_sha256 == self.hashes[chunk.doc_ids[position]]
            ):
                found[position] = task
        return found
