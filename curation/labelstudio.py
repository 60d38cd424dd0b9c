"""The Label Studio adapter: the one module that talks to a Label Studio server.

It is also the only module allowed to import ``label_studio_sdk`` (see :func:`sdk_client`).
The push path uses plain HTTP through ``requests`` instead: importing the SDK client costs
about 1.3 s of CPU, more than a whole re-push of 10,000 unchanged articles (two small
requests), and the import path gains nothing from it (bench/push.py measures both).

Every function takes a :class:`~curation.server.Connection` and returns plain data; failures
become one-line :class:`~curation.errors.LabelStudioError` messages that say the fix (bad
token, missing project, server down, a refused request with Label Studio's own reason).

Layout of this file (other engineers add their sections below the existing ones, each under
its own ``# --- <name> ---`` banner, without reshaping the sections above):

- requests and errors        (push)
- projects                   (push)
- tasks: listing and import  (push)
- predictions                (push)
- export snapshots           (pull)
- creating annotations       (accept-predictions)
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

import requests
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from curation.errors import LabelStudioError
from curation.server import Connection

#: Seconds to wait for a connection, and for an ordinary answer.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
#: Tasks per page when listing a project's tasks through the data manager API.
LIST_PAGE_SIZE = 1000


class UncertainOutcome(LabelStudioError):
    """A request got no usable answer: the server may or may not have carried it out."""


class LabelStudioTimeout(UncertainOutcome):
    """No answer within the read timeout; the server may still be working on the request."""


class LabelStudioServerError(UncertainOutcome):
    """The server failed (HTTP 5xx), possibly after part of the work was committed."""


class LabelStudioDisconnected(UncertainOutcome):
    """The connection broke after the request was sent; the server may have carried it out."""


def _never_connected(exc: BaseException) -> bool:
    """Whether a requests error happened before any byte reached the server (refused, unresolvable)."""
    seen: list[BaseException] = [exc]
    while seen:
        current = seen.pop()
        if isinstance(current, (NewConnectionError, ConnectTimeoutError, NameResolutionError)):
            return True
        seen.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            seen.append(reason)
    return False


# --- requests and errors ------------------------------------------------------------------


def _detail(response: requests.Response) -> str:
    """Label Studio's own reason for refusing a request, on one line."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300] or response.reason
    if isinstance(body, dict):
        parts = [str(body.get("detail") or "")]
        errors = body.get("validation_errors") or {k: v for k, v in body.items() if k not in _ENVELOPE}
        if errors:
            parts.append(json.dumps(errors, ensure_ascii=False))
        return " ".join(" ".join(p for p in parts if p).split())[:500]
    return " ".join(json.dumps(body, ensure_ascii=False).split())[:500]


_ENVELOPE = {"id", "status_code", "version", "detail", "exc_info", "validation_errors"}


_ACCESS_TOKENS: dict[tuple[str, str], tuple[str, float]] = {}


def authorization(conn: Connection) -> str:
    """The ``Authorization`` header for the connection's token.

    A legacy API token is sent as ``Token <key>``. A personal access token (a JWT, the default
    kind in Label Studio 1.23's Account & Settings) is a refresh token: it is exchanged at
    ``/api/token/refresh/`` for a short-lived access token, kept until a minute before expiry.
    """
    parts = conn.token.split(".")
    if len(parts) != 3 or not all(parts):
        return f"Token {conn.token}"
    access, expires = _ACCESS_TOKENS.get((conn.url, conn.token), ("", 0.0))
    if time.time() > expires - 60:
        try:
            response = requests.post(
                f"{conn.url}/api/token/refresh/", json={"refresh": conn.token}, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
            )
        except requests.RequestException as exc:
            raise LabelStudioError(
                f"Cannot reach Label Studio at {conn.url}. Start it with `curation server start`, "
                "or set LABEL_STUDIO_URL to a running server."
            ) from exc
        if response.status_code != 200:
            raise LabelStudioError(
                f"Label Studio at {conn.url} rejected the personal access token (HTTP {response.status_code}). "
                "Set LABEL_STUDIO_API_KEY to a valid token (Account & Settings in Label Studio)."
            )
        access = response.json()["access"]
        try:
            payload = json.loads(base64.urlsafe_b64decode(access.split(".")[1] + "=="))
            expires = float(payload["exp"])
        except (ValueError, KeyError, IndexError):
            expires = time.time() + 240
        _ACCESS_TOKENS[(conn.url, conn.token)] = (access, expires)
    return f"Bearer {access}"


def request(
    conn: Connection,
    method: str,
    path: str,
    *,
    what: str,
    params: Mapping[str, Any] | None = None,
    json_body: Any = None,
    body: bytes | None = None,
    timeout: float = READ_TIMEOUT,
    ok: Iterable[int] = (200, 201, 204),
) -> requests.Response:
    """One HTTP request to the Label Studio API; ``what`` names the action for error messages.

    Each request opens its own connection: Label Studio's server answers a reused keep-alive
    connection about 40 ms late (Nagle's algorithm against delayed ACKs), a new one at once.
    """
    headers = {"Authorization": authorization(conn), "Connection": "close"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        response = requests.request(
            method, f"{conn.url}{path}", params=params, json=json_body, data=body, headers=headers,
            timeout=(CONNECT_TIMEOUT, timeout),
        )  # fmt: skip
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
        if isinstance(exc, requests.ConnectTimeout) or _never_connected(exc):
            raise LabelStudioError(
                f"Cannot reach Label Studio at {conn.url}. Start it with `curation server start`, "
                "or set LABEL_STUDIO_URL to a running server."
            ) from exc
        if isinstance(exc, requests.Timeout):
            raise LabelStudioTimeout(
                f"Label Studio at {conn.url} did not answer within {timeout:g} s while trying to {what}."
            ) from exc
        raise LabelStudioDisconnected(
            f"Label Studio at {conn.url} closed the connection while trying to {what}."
        ) from exc
    if response.status_code in ok:
        return response
    if response.status_code == 401:
        raise LabelStudioError(
            f"Label Studio at {conn.url} rejected the API token (HTTP 401). Set LABEL_STUDIO_API_KEY to a valid "
            "token (Account & Settings in Label Studio), or unset it to use the local server's stored token."
        )
    if response.status_code == 403:
        raise LabelStudioError(
            f"Label Studio at {conn.url} does not allow this token to {what} (HTTP 403). "
            "Use the token of a user with access to the project."
        )
    if response.status_code >= 500:
        raise LabelStudioServerError(
            f"Label Studio failed to {what} (HTTP {response.status_code}): {_detail(response)}. "
            f"See the server log (for the local server: <data dir>/server.log)."
        )
    raise LabelStudioError(f"Label Studio refused to {what} (HTTP {response.status_code}): {_detail(response)}")


def sdk_client(conn: Connection, *, timeout: float = READ_TIMEOUT) -> Any:
    """A ``label_studio_sdk.LabelStudio`` client for the connection (imported only when asked)."""
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=conn.url, api_key=conn.token, timeout=timeout)


# --- projects -----------------------------------------------------------------------------

_PROJECT_FIELDS = (
    "id,title,label_config,expert_instruction,show_instruction,maximum_annotations,"
    "overlap_cohort_percentage,created_at,task_number"
)


@dataclass(frozen=True)
class Project:
    """The project settings push reads and writes."""

    id: int
    title: str
    label_config: str
    expert_instruction: str
    show_instruction: bool
    maximum_annotations: int
    overlap_cohort_percentage: int
    created_at: str
    task_number: int

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> "Project":
        return cls(
            id=int(data["id"]),
            title=data["title"],
            label_config=data.get("label_config") or "",
            expert_instruction=data.get("expert_instruction") or "",
            show_instruction=bool(data.get("show_instruction")),
            maximum_annotations=int(data.get("maximum_annotations") or 1),
            overlap_cohort_percentage=int(data.get("overlap_cohort_percentage") or 0),
            created_at=data.get("created_at") or "",
            task_number=int(data.get("task_number") or 0),
        )


def project_url(conn: Connection, project_id: int) -> str:
    """Where people open the project in a browser."""
    return f"{conn.url}/projects/{project_id}"


def find_project(conn: Connection, title: str) -> Project | None:
    """The project with exactly this title, or ``None``; two with the same title is an error."""
    response = request(
        conn, "GET", "/api/projects/", what="list projects",
        params={"title": title, "include": _PROJECT_FIELDS, "page_size": 1000},
    )  # fmt: skip
    matches = [p for p in response.json().get("results", []) if p.get("title") == title]
    if len(matches) > 1:
        ids = ", ".join(str(p["id"]) for p in sorted(matches, key=lambda p: p["id"]))
        raise LabelStudioError(
            f"{len(matches)} projects on {conn.url} are titled {title!r} (ids {ids}). "
            "Rename all but one in Label Studio, or pass --project with another title."
        )
    return Project.from_api(matches[0]) if matches else None


def get_project(conn: Connection, title: str) -> Project:
    """The project with this title; a clear error when there is none."""
    project = find_project(conn, title)
    if project is None:
        raise LabelStudioError(
            f"No project titled {title!r} on {conn.url}. Check --project, or create it with `curation push`."
        )
    return project


def create_project(
    conn: Connection,
    *,
    title: str,
    label_config: str,
    instructions: str,
    maximum_annotations: int | None = None,
) -> Project:
    """Create a project with the label config and instructions (and overlap, if given)."""
    payload: dict[str, Any] = {
        "title": title,
        "label_config": label_config,
        "expert_instruction": instructions,
        "show_instruction": True,
    }
    if maximum_annotations is not None:
        payload.update(maximum_annotations=maximum_annotations, overlap_cohort_percentage=100)
    response = request(conn, "POST", "/api/projects/", what=f"create project {title!r}", json_body=payload)
    return Project.from_api(response.json())


def update_project(conn: Connection, project_id: int, *, what: str, **fields: Any) -> Project:
    """Change project settings (``label_config``, ``expert_instruction``, ...)."""
    response = request(
        conn, "PATCH", f"/api/projects/{project_id}/", what=what, json_body=fields, ok=(200,), timeout=300.0
    )
    return Project.from_api(response.json())


def set_label_config(conn: Connection, project_id: int, label_config: str) -> Project:
    """Apply a label config; Label Studio refuses one that drops labels annotations use."""
    return update_project(conn, project_id, what=f"change the label config of project {project_id}", label_config=label_config)


def set_instructions(conn: Connection, project_id: int, instructions_html: str) -> Project:
    """Show ``instructions_html`` (the guidelines) to annotators before they label."""
    return update_project(
        conn, project_id, what=f"set the instructions of project {project_id}",
        expert_instruction=instructions_html, show_instruction=True,
    )  # fmt: skip


def set_overlap(conn: Connection, project_id: int, annotators: int) -> Project:
    """Ask for ``annotators`` annotations of every task (overlap applied to 100% of tasks)."""
    return update_project(
        conn, project_id, what=f"set the overlap of project {project_id}",
        maximum_annotations=annotators, overlap_cohort_percentage=100,
    )  # fmt: skip


# --- tasks: listing and import ------------------------------------------------------------


@dataclass(frozen=True)
class ExistingTask:
    """What push needs to know about a task already in the project."""

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


def _dm_query(filters: Sequence[Mapping[str, Any]] = (), ordering: Sequence[str] = ()) -> str:
    query: dict[str, Any] = {}
    if filters:
        query["filters"] = {"conjunction": "and", "items": list(filters)}
    if ordering:
        query["ordering"] = list(ordering)
    return json.dumps(query)


def _dm_page(conn: Connection, project_id: int, *, include: str, page: int, page_size: int, query: str) -> dict:
    params = {
        "project": project_id, "fields": "task_only", "resolve_uri": "false", "include": include,
        "page": page, "page_size": page_size, "query": query,
    }  # fmt: skip
    return request(conn, "GET", "/api/tasks", what=f"list the tasks of project {project_id}", params=params).json()


def task_stamp(conn: Connection, project_id: int) -> TaskStamp:
    """The project's :class:`TaskStamp`, in one small request (ordered by primary key: ~50 ms)."""
    page = _dm_page(
        conn, project_id, include="id,updated_at", page=1, page_size=1, query=_dm_query(ordering=["-tasks:id"])
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
    query = _dm_query(filters, ordering=["tasks:id"])
    page_number, seen = 1, 0
    while True:
        page = _dm_page(conn, project_id, include="id,data", page=page_number, page_size=page_size, query=query)
        tasks = page.get("tasks") or []
        seen += len(tasks)
        for task in tasks:
            data = task.get("data") or {}
            doc_id, sha = data.get("doc_id"), data.get("text_sha256")
            yield ExistingTask(
                id=int(task["id"]),
                doc_id=doc_id if isinstance(doc_id, str) else None,
                text_sha256=sha if isinstance(sha, str) else None,
            )
        if len(tasks) < page_size or seen >= int(page.get("total") or 0):
            return  # asking for the page after the last one is an error ("Invalid page")
        page_number += 1


def import_tasks(
    conn: Connection, project_id: int, body: bytes, *, timeout: float = 120.0
) -> list[int]:
    """POST one chunk (a JSON list of tasks, already serialized); return the new task ids in order.

    Raises :class:`LabelStudioTimeout` when no answer came in time: the server may still have
    imported the chunk, so look before sending it again.
    """
    response = request(
        conn, "POST", f"/api/projects/{project_id}/import", what=f"import tasks into project {project_id}",
        params={"return_task_ids": "true"}, body=body, timeout=timeout, ok=(201,),
    )  # fmt: skip
    return [int(i) for i in response.json().get("task_ids", [])]


def wait_until_settled(conn: Connection, project_id: int, *, total_before: int, patience: float, poll: float = 1.0) -> int:
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


# --- predictions --------------------------------------------------------------------------


def model_versions(conn: Connection, project_id: int) -> dict[str, int]:
    """How many predictions the project holds per ``model_version``."""
    response = request(
        conn, "GET", f"/api/projects/{project_id}/model-versions/", what=f"list model versions of project {project_id}"
    )
    body = response.json()
    return {str(k): int(v) for k, v in body.items()} if isinstance(body, dict) else {}


def prediction_keys(conn: Connection, project_id: int) -> set[tuple[int, str]]:
    """``(task id, model_version)`` of every prediction in the project (Label Studio 1.23 sends one
    list; a paginated answer from other versions is followed page by page)."""
    keys: set[tuple[int, str]] = set()
    params: dict[str, Any] = {"project": project_id}
    while True:
        response = request(
            conn, "GET", "/api/predictions/", what=f"list predictions of project {project_id}", params=params,
            timeout=300.0,
        )  # fmt: skip
        body = response.json()
        items = body.get("results", []) if isinstance(body, dict) else body
        keys.update((int(p["task"]), str(p.get("model_version") or "")) for p in items)
        if not (isinstance(body, dict) and body.get("next")):
            return keys
        params = {**params, "page": int(params.get("page", 1)) + 1}


def import_predictions(conn: Connection, project_id: int, predictions: Sequence[Mapping[str, Any]]) -> int:
    """Add predictions (``{"task", "model_version", "result"}``) to existing tasks; return how many."""
    if not predictions:
        return 0
    response = request(
        conn, "POST", f"/api/projects/{project_id}/import/predictions",
        what=f"import predictions into project {project_id}", json_body=list(predictions), timeout=300.0,
    )  # fmt: skip
    return int(response.json().get("created", len(predictions)))


# --- export snapshots (pull) --------------------------------------------------------------

import re  # noqa: E402  (this section's own imports)
from typing import Callable  # noqa: E402

import urllib3  # noqa: E402

#: Without Redis, Label Studio builds the whole snapshot inside the create call (about 30 s
#: per 10,000 annotated tasks), so that one call may take long.
EXPORT_TIMEOUT = 3600.0
#: Seconds between two looks at a snapshot that a server with Redis builds in the background.
EXPORT_POLL = 2.0
#: Tries for a step that fails transiently (connection refused or reset, HTTP 5xx), and the
#: first pause between tries (doubled after each).
EXPORT_TRIES = 5
EXPORT_BACKOFF = 1.0
_TRANSIENT_STATUS = (500, 502, 503, 504)
_TRANSIENT_ERRORS = (
    requests.ConnectionError, requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
)  # fmt: skip

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


@dataclass(frozen=True)
class Retry:
    """How often and how patiently to retry transient failures."""

    tries: int = EXPORT_TRIES
    backoff: float = EXPORT_BACKOFF


@dataclass(frozen=True)
class ExportSnapshot:
    """A snapshot Label Studio built: its id, and the md5 of its file (to check the download)."""

    id: int
    project_id: int
    md5: str
    tasks: int


def _retrying(conn: Connection, what: str, retry: Retry, attempt: Any) -> Any:
    """Run ``attempt()`` (a response, or raising) again after transient failures, with backoff."""
    last = ""
    for number in range(1, retry.tries + 1):
        try:
            response = attempt()
        except LabelStudioTimeout:
            raise
        except LabelStudioServerError as exc:
            status = re.search(r"HTTP \d+", str(exc))
            last = status.group(0) if status else "server error"
        except LabelStudioError as exc:
            if not isinstance(exc.__cause__, _TRANSIENT_ERRORS):
                raise
            last = "no connection"
        except _TRANSIENT_ERRORS as exc:
            last = f"connection broken ({type(exc).__name__})"
        else:
            if getattr(response, "status_code", None) not in _TRANSIENT_STATUS:
                return response
            last = f"HTTP {response.status_code}"
        if number < retry.tries:
            time.sleep(retry.backoff * 2 ** (number - 1))
    raise LabelStudioError(
        f"Label Studio at {conn.url} failed {retry.tries} times in a row while trying to {what} (last: {last}). "
        "Check that it runs (`curation server status`) and its log, then run the command again."
    )


def find_project_retrying(conn: Connection, title: str, *, retry: Retry = Retry()) -> Project:
    """:func:`get_project`, retried while the server is unreachable."""
    return _retrying(conn, f"find project {title!r}", retry, lambda: get_project(conn, title))


def create_snapshot(
    conn: Connection, project_id: int, *, retry: Retry = Retry(), timeout: float = EXPORT_TIMEOUT
) -> ExportSnapshot:
    """Ask Label Studio to build a JSON export snapshot of the project (see :data:`SNAPSHOT_OPTIONS`)."""
    what = f"create an export snapshot of project {project_id}"
    body = {"title": f"curation pull {time.strftime('%Y-%m-%d %H:%M:%S')}", **SNAPSHOT_OPTIONS}
    response = _retrying(conn, what, retry, lambda: request(
        conn, "POST", f"/api/projects/{project_id}/exports/", what=what, json_body=body, timeout=timeout,
        ok=(201, *_TRANSIENT_STATUS),
    ))  # fmt: skip
    export = response.json()
    deadline = time.monotonic() + timeout
    while export.get("status") in ("created", "queued", "in_progress") and time.monotonic() < deadline:
        time.sleep(EXPORT_POLL)  # a server with Redis builds the snapshot in the background
        look = f"check export snapshot {export['id']} of project {project_id}"
        export = _retrying(conn, look, retry, lambda: request(
            conn, "GET", f"/api/projects/{project_id}/exports/{export['id']}", what=look,
            ok=(200, *_TRANSIENT_STATUS),
        )).json()  # fmt: skip
    if export.get("status") != "completed":
        raise LabelStudioError(
            f"Label Studio could not build the export snapshot of project {project_id} (status "
            f"{export.get('status')!r}). See the server log, then run the command again."
        )
    return ExportSnapshot(int(export["id"]), project_id, str(export.get("md5") or ""),
                          int((export.get("counters") or {}).get("task_number") or 0))  # fmt: skip


def download_snapshot(
    conn: Connection,
    snapshot: ExportSnapshot,
    on_chunk: Callable[[int, bytes], None],
    *,
    retry: Retry = Retry(),
    chunk_size: int = 1 << 20,
) -> int:
    """Stream the snapshot's JSON file to ``on_chunk(offset, data)``; return its size in bytes.

    After a dropped connection the download resumes with an HTTP range request; if the server
    sends the whole file instead, ``on_chunk`` sees offset 0 again and must start over.
    """
    url = f"{conn.url}/api/projects/{snapshot.project_id}/exports/{snapshot.id}/download"
    what = f"download export snapshot {snapshot.id} of project {snapshot.project_id}"
    received = 0

    def attempt() -> requests.Response:
        nonlocal received
        headers = {"Authorization": authorization(conn), "Connection": "close", "Accept-Encoding": "identity"}
        if received:
            headers["Range"] = f"bytes={received}-"
        with requests.get(url, params={"exportType": "JSON"}, headers=headers, stream=True,
                          timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)) as response:  # fmt: skip
            if response.status_code == 416 and received:
                return response
            if response.status_code == 200:
                received = 0
            elif response.status_code == 206 and not response.headers.get("Content-Range", "").startswith(
                f"bytes {received}-"
            ):
                raise LabelStudioError(f"Label Studio answered a resumed download with the wrong range; {what} again.")
            elif response.status_code != 206 or not received:
                if response.status_code not in _TRANSIENT_STATUS:
                    raise LabelStudioError(
                        f"Label Studio refused to {what} (HTTP {response.status_code}): {_detail(response)}"
                    )
                return response
            # read1 hands over whatever has arrived, so a broken connection loses no received byte
            while data := response.raw.read1(chunk_size):
                on_chunk(received, data)
                received += len(data)
            return response

    _retrying(conn, what, retry, attempt)
    return received


def task_in_full(conn: Connection, task_id: int, *, retry: Retry = Retry()) -> dict[str, Any]:
    """One task with every annotation (skipped ones included) and full predictions."""
    what = f"read task {task_id}"
    response = _retrying(conn, what, retry, lambda: request(
        conn, "GET", f"/api/tasks/{task_id}", what=what, ok=(200, *_TRANSIENT_STATUS)
    ))  # fmt: skip
    return response.json()


# --- creating annotations (accept-predictions) --------------------------------------------

#: Tasks per page when listing tasks with their predictions and annotations in full.
FULL_PAGE_SIZE = 100


def iter_predicted_tasks(conn: Connection, project_id: int, *, page_size: int = FULL_PAGE_SIZE) -> Iterator[dict]:
    """Every task holding at least one prediction, oldest first, with ``predictions`` (id,
    model_version, result) and ``annotations`` (id, parent_prediction, ...) in full."""
    filters = [{"filter": "filter:tasks:total_predictions", "operator": "greater", "type": "Number", "value": 0}]
    query = _dm_query(filters, ordering=["tasks:id"])
    what = f"list the predicted tasks of project {project_id}"
    page_number, seen = 1, 0
    while True:
        params = {"project": project_id, "fields": "all", "resolve_uri": "false", "page": page_number,
                  "page_size": page_size, "query": query}  # fmt: skip
        page = _retrying(conn, what, Retry(), lambda: request(
            conn, "GET", "/api/tasks", what=what, params=params, ok=(200, *_TRANSIENT_STATUS)
        )).json()  # fmt: skip
        tasks = page.get("tasks") or []
        seen += len(tasks)
        yield from tasks
        if len(tasks) < page_size or seen >= int(page.get("total") or 0):
            return  # asking for the page after the last one is an error ("Invalid page")
        page_number += 1


def annotation_from(conn: Connection, task_id: int, prediction_id: int, *, retry: Retry = Retry()) -> int | None:
    """The id of an annotation of the task created from this prediction, or ``None``."""
    what = f"list the annotations of task {task_id}"
    response = _retrying(conn, what, retry, lambda: request(
        conn, "GET", f"/api/tasks/{task_id}/annotations/", what=what, ok=(200, *_TRANSIENT_STATUS)
    ))  # fmt: skip
    for annotation in response.json():
        if annotation.get("parent_prediction") == prediction_id:
            return int(annotation["id"])
    return None


def create_annotation(
    conn: Connection, task_id: int, *, result: Sequence[Mapping[str, Any]], parent_prediction: int,
    retry: Retry = Retry(),
) -> int:  # fmt: skip
    """Create an annotation of the task from a prediction (its result as is); return its id.

    When a request gets no usable answer (timeout, dropped connection, HTTP 5xx) the server may
    have created the annotation anyway, so the task's annotations are read before trying again:
    a prediction never gets two annotations from one call.
    """
    what = f"create an annotation of task {task_id} from prediction {parent_prediction}"
    body = {"result": list(result), "parent_prediction": parent_prediction}
    last = ""
    for number in range(1, retry.tries + 1):
        try:
            response = request(conn, "POST", f"/api/tasks/{task_id}/annotations/", what=what, json_body=body, ok=(201,))
            return int(response.json()["id"])
        except UncertainOutcome as exc:
            last = type(exc).__name__
        except LabelStudioError as exc:
            if not isinstance(exc.__cause__, _TRANSIENT_ERRORS):
                raise
            last = "no connection"
        time.sleep(retry.backoff * 2 ** (number - 1))
        existing = annotation_from(conn, task_id, parent_prediction, retry=retry)
        if existing is not None:
            return existing
    raise LabelStudioError(
        f"Label Studio at {conn.url} failed {retry.tries} times in a row while trying to {what} (last: {last}). "
        "Check that it runs (`curation server status`) and its log, then run the command again."
    )
