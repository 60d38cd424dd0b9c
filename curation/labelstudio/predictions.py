"""A project's predictions (pre-annotations): what is there, and adding more."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from curation.labelstudio.client import request
from curation.labelstudio.server import Connection


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
