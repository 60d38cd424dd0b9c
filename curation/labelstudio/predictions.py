"""A project's predictions (pre-annotations): what is there, and adding more."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from curation.labelstudio.client import read, write
from curation.labelstudio.server import Connection


def model_versions(conn: Connection, project_id: int) -> dict[str, int]:
    """How many predictions the project holds per ``model_version``."""
    response = read(
        conn, f"/api/projects/{project_id}/model-versions/", what=f"list model versions of project {project_id}"
    )
    body = response.json()
    return {str(k): int(v) for k, v in body.items()} if isinstance(body, dict) else {}


def prediction_keys(conn: Connection, project_id: int) -> set[tuple[int, str]]:
    """``(task id, model_version)`` of every prediction in the project (Label Studio 1.23 sends one
    list; a paginated answer from other versions is followed page by page)."""
    keys: set[tuple[int, str]] = set()
    params: dict[str, Any] = {"project": project_id}
    while True:
        response = read(
            conn, "/api/predictions/", what=f"list predictions of project {project_id}", params=params, timeout=300.0
        )
        body = response.json()
        items = body.get("results", []) if isinstance(body, dict) else body
        keys.update((int(p["task"]), str(p.get("model_version") or "")) for p in items)
        if not (isinstance(body, dict) and body.get("next")):
            return keys
        params = {**params, "page": int(params.get("page", 1)) + 1}


def import_predictions(conn: Connection, project_id: int, predictions: Sequence[Mapping[str, Any]]) -> int:
    """Add predictions (``{"task", "model_version", "result"}``, at most one per task and model
    version) to existing tasks; return how many. After an uncertain outcome the project's
    predictions are listed first, and only the missing ones are sent again."""
    if not predictions:
        return 0
    todo = list(predictions)

    def look(_: Exception) -> int | None:
        there = prediction_keys(conn, project_id)
        todo[:] = [p for p in todo if (int(p["task"]), str(p.get("model_version") or "")) not in there]
        return None if todo else len(predictions)

    return write(
        conn, f"/api/projects/{project_id}/import/predictions", what=f"import predictions into project {project_id}",
        body=lambda: json.dumps(todo, ensure_ascii=False).encode("utf-8"), timeout=300.0, look=look,
        parse=lambda response: len(predictions) - len(todo) + int(response.json().get("created", len(todo))),
    )  # fmt: skip
