"""Creating annotations from predictions (for accept-predictions), never twice for one call."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from curation.labelstudio.client import Retry, read, update, write
from curation.labelstudio.server import Connection
from curation.labelstudio.tasks import dm_query, paged_tasks

#: Tasks per page when listing tasks with their predictions and annotations in full.
FULL_PAGE_SIZE = 100


def iter_predicted_tasks(conn: Connection, project_id: int, *, page_size: int = FULL_PAGE_SIZE) -> Iterator[dict]:
    """Every task holding at least one prediction, oldest first, with ``predictions`` (id,
    model_version, result) and ``annotations`` (id, parent_prediction, ...) in full."""
    filters = [{"filter": "filter:tasks:total_predictions", "operator": "greater", "type": "Number", "value": 0}]
    query = dm_query(filters, ordering=["tasks:id"])
    what = f"list the predicted tasks of project {project_id}"

    def fetch(page: int) -> dict:
        params = {"project": project_id, "fields": "all", "resolve_uri": "false", "page": page,
                  "page_size": page_size, "query": query}  # fmt: skip
        return read(conn, "/api/tasks", what=what, params=params).json()

    return paged_tasks(fetch, page_size)


def annotation_from(conn: Connection, task_id: int, prediction_id: int, *, retry: Retry | None = None) -> int | None:
    """The id of an annotation of the task created from this prediction, or ``None``."""
    what = f"list the annotations of task {task_id}"
    response = read(conn, f"/api/tasks/{task_id}/annotations/", what=what, retry=retry)
    for annotation in response.json():
        if annotation.get("parent_prediction") == prediction_id:
            return int(annotation["id"])
    return None


def create_annotation(
    conn: Connection, task_id: int, *, result: Sequence[Mapping[str, Any]], parent_prediction: int,
    retry: Retry | None = None,
) -> int:  # fmt: skip
    """Create an annotation of the task from a prediction (its result as is); return its id.

    When a request gets no usable answer (timeout, dropped connection, HTTP 5xx) the server may
    have created the annotation anyway, so the task's annotations are read before trying again:
    a prediction never gets two annotations from one call.
    """
    what = f"create an annotation of task {task_id} from prediction {parent_prediction}"
    body = {"result": list(result), "parent_prediction": parent_prediction}
    return write(
        conn, f"/api/tasks/{task_id}/annotations/", what=what, json_body=body, ok=(201,), retry=retry,
        look=lambda _: annotation_from(conn, task_id, parent_prediction, retry=retry),
        parse=lambda response: int(response.json()["id"]),
    )  # fmt: skip


def task_predictions(conn: Connection, task_id: int, *, retry: Retry | None = None) -> list[dict]:
    """The predictions of one task (``id``, ``model_version``, ``result``...)."""
    what = f"list the predictions of task {task_id}"
    body = read(conn, "/api/predictions/", what=what, retry=retry, params={"task": task_id}).json()
    items = body.get("results", []) if isinstance(body, dict) else body
    return [p for p in items if int(p.get("task", task_id)) == task_id]


def flag_ground_truth(conn: Connection, annotation_id: int) -> None:
    """Flag an annotation as ground truth (setting a flag twice changes nothing)."""
    update(conn, "PATCH", f"/api/annotations/{annotation_id}/", what=f"flag annotation {annotation_id} as ground truth",
           json_body={"ground_truth": True})  # fmt: skip
