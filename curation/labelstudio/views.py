"""Data manager views (tabs) that select a range of task ids, for exports built in shards.

Label Studio's export takes a view as its task filter, and nothing narrower: its ``ids``
parameter is ignored on SQLite and too long for a URL under gunicorn. A sharded pull makes one
view per id range, exports it, and deletes the view (:func:`delete_view`).
"""

from __future__ import annotations

from curation.labelstudio.client import Retry, read, remove, write
from curation.labelstudio.server import Connection
from curation.labelstudio.tasks import dm_query

#: The title of every view a pull makes (followed by what tells one pull's views apart).
VIEW_TITLE = "curation pull shard"


def task_id_at(conn: Connection, project_id: int, position: int, *, retry: Retry | None = None) -> int | None:
    """The id of the project's task at ``position`` (0-based) in id order, or ``None`` past the end."""
    params = {
        "project": project_id, "fields": "task_only", "resolve_uri": "false", "include": "id", "page": position + 1,
        "page_size": 1, "query": dm_query(ordering=["tasks:id"]),
    }  # fmt: skip
    what = f"list the tasks of project {project_id}"
    tasks = read(conn, "/api/tasks", what=what, params=params, retry=retry).json().get("tasks") or []
    return int(tasks[0]["id"]) if tasks else None


def id_range(low: int | None, high: int | None) -> list[dict]:
    """Data manager filters for ``low <= id < high`` (either end open when ``None``)."""
    filters = []
    if low is not None:
        filters.append({"filter": "filter:tasks:id", "operator": "greater_or_equal", "type": "Number", "value": low})
    if high is not None:
        filters.append({"filter": "filter:tasks:id", "operator": "less", "type": "Number", "value": high})
    return filters


def find_view(conn: Connection, project_id: int, title: str, *, retry: Retry | None = None) -> int | None:
    """The id of the project's view titled ``title``, or ``None``."""
    what = f"list the views of project {project_id}"
    views = read(conn, "/api/dm/views/", what=what, params={"project": project_id}, retry=retry).json()
    return next((int(v["id"]) for v in views if (v.get("data") or {}).get("title") == title), None)


def create_view(
    conn: Connection, project_id: int, *, title: str, filters: list[dict], retry: Retry | None = None
) -> int:
    """Create a view of the project that shows the tasks ``filters`` select; return its id.

    After an uncertain outcome the project's views are listed first: a view with this title is
    the one the request made (titles are unique per pull)."""
    body = {"project": project_id, "data": {"title": title, "filters": {"conjunction": "and", "items": filters}}}
    return write(
        conn, "/api/dm/views/", what=f"create view {title!r} of project {project_id}", json_body=body, ok=(201,),
        retry=retry, look=lambda _: find_view(conn, project_id, title, retry=retry),
        parse=lambda response: int(response.json()["id"]),
    )  # fmt: skip


def delete_view(conn: Connection, view_id: int, *, retry: Retry | None = None) -> None:
    """Delete a view (one already gone is fine)."""
    remove(conn, f"/api/dm/views/{view_id}/", what=f"delete view {view_id}", retry=retry)
