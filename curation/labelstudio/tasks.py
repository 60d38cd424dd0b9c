"""A project's tasks: list them through the data manager API, fingerprint them, import more."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from curation.labelstudio.client import UncertainOutcome, read, write
from curation.labelstudio.server import Connection

#: Tasks per page when listing a project's tasks through the data manager API.
LIST_PAGE_SIZE = 1000


class ExistingTask(NamedTuple):
    """What push needs to know about a task already in the project (a named tuple: a re-push
    makes one per task from the push cache, ten times faster than a frozen dataclass)."""

    id: int
    doc_id: str | None
    text_sha256: str | None


@dataclass(frozen=True)
class TaskStamp:
    """A cheap fingerprint of a project's tasks: the count, the prediction count, and the id and
    ``updated_at`` of the newest task. Creating or deleting a task changes it (a deleted newest
    task's id can be reused on SQLite, but not its time); annotating does not."""

    total: int
    total_predictions: int
    newest_id: int | None
    newest_updated_at: str | None


def dm_query(filters: Sequence[Mapping[str, Any]] = (), ordering: Sequence[str] = ()) -> str:
    """The data manager's ``query`` parameter: filters joined with "and", then an ordering."""
    query: dict[str, Any] = {}
    if filters:
        query["filters"] = {"conjunction": "and", "items": list(filters)}
    if ordering:
        query["ordering"] = list(ordering)
    return json.dumps(query)


def paged_tasks(fetch: Callable[[int], dict], page_size: int) -> Iterator[dict]:
    """The tasks of ``fetch(1)``, ``fetch(2)``, ... (data manager pages), up to the last page."""
    page_number, seen = 1, 0
    while True:
        page = fetch(page_number)
        tasks = page.get("tasks") or []
        seen += len(tasks)
        yield from tasks
        if len(tasks) < page_size or seen >= int(page.get("total") or 0):
            return  # asking for the page after the last one is an error ("Invalid page")
        page_number += 1


def _dm_page(conn: Connection, project_id: int, *, include: str, page: int, page_size: int, query: str) -> dict:
    params = {
        "project": project_id, "fields": "task_only", "resolve_uri": "false", "include": include,
        "page": page, "page_size": page_size, "query": query,
    }  # fmt: skip
    return read(conn, "/api/tasks", what=f"list the tasks of project {project_id}", params=params).json()


def task_stamp(conn: Connection, project_id: int) -> TaskStamp:
    """The project's :class:`TaskStamp`, in one small request (ordered by primary key: ~50 ms)."""
    page = _dm_page(
        conn, project_id, include="id,updated_at", page=1, page_size=1, query=dm_query(ordering=["-tasks:id"])
    )
    top = page["tasks"][0] if page.get("tasks") else {}
    return TaskStamp(
        total=int(page.get("total") or 0),
        total_predictions=int(page.get("total_predictions") or 0),
        newest_id=top.get("id"),
        newest_updated_at=top.get("updated_at"),
    )


def iter_tasks(
    conn: Connection, project_id: int, *, after_id: int | None = None, page_size: int = LIST_PAGE_SIZE
) -> Iterator[ExistingTask]:
    """Every task of the project (or only those with an id above ``after_id``), oldest first."""
    filters = []
    if after_id is not None:
        filters.append({"filter": "filter:tasks:id", "operator": "greater", "type": "Number", "value": after_id})
    query = dm_query(filters, ordering=["tasks:id"])

    def fetch(page: int) -> dict:
        return _dm_page(conn, project_id, include="id,data", page=page, page_size=page_size, query=query)

    for task in paged_tasks(fetch, page_size):
        data = task.get("data") or {}
        doc_id, sha = data.get("doc_id"), data.get("text_sha256")
        yield ExistingTask(
            id=int(task["id"]),
            doc_id=doc_id if isinstance(doc_id, str) else None,
            text_sha256=sha if isinstance(sha, str) else None,
        )


def import_tasks(
    conn: Connection,
    project_id: int,
    body: bytes | Callable[[], bytes],
    *,
    look: Callable[[UncertainOutcome], list[int] | None] | None = None,
    timeout: float = 120.0,
) -> list[int]:
    """POST one chunk (``body``, or ``body()``: a JSON list of tasks, already serialized); return
    the new task ids in order. After an uncertain outcome the server may have imported the chunk
    anyway: ``look`` finds what it holds and returns ``[]`` when nothing is missing, or ``None``
    to send ``body()`` (by then only the missing tasks) again. Without ``look`` the uncertain
    error is raised: a chunk is never sent twice blindly."""
    return write(
        conn, f"/api/projects/{project_id}/import", what=f"import tasks into project {project_id}",
        params={"return_task_ids": "true"}, body=body, timeout=timeout, ok=(201,),
        parse=lambda response: [int(i) for i in response.json().get("task_ids", [])], look=look or _never_again,
    )  # fmt: skip


def _never_again(exc: UncertainOutcome) -> list[int] | None:
    raise exc


def wait_until_settled(
    conn: Connection, project_id: int, *, total_before: int, patience: float, poll: float = 1.0
) -> int:
    """After a request that may still run on the server, wait until the task count stops moving.

    Returns the task count once it has moved away from ``total_before`` and then stayed put for
    one poll, or once it stayed at ``total_before`` for ``patience`` seconds (the request most
    likely failed). An import is one database transaction, so the count moves all at once.
    """
    deadline = time.monotonic() + patience
    last = task_stamp(conn, project_id).total
    while True:
        time.sleep(poll)
        current = task_stamp(conn, project_id).total
        if current == last and (current != total_before or time.monotonic() > deadline):
            return current
        last = current
