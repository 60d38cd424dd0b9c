"""Label Studio projects: find one by title, create it, change its settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from curation.core.errors import LabelStudioError
from curation.labelstudio.client import Retry, read, update, write
from curation.labelstudio.server import Connection

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
    def from_api(cls, data: Mapping[str, Any]) -> Project:
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


def find_project(conn: Connection, title: str, *, retry: Retry | None = None) -> Project | None:
    """The project with exactly this title, or ``None``; two with the same title is an error."""
    response = read(
        conn, "/api/projects/", what=f"find project {title!r}", retry=retry,
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


def get_project(conn: Connection, title: str, *, retry: Retry | None = None) -> Project:
    """The project with this title; a clear error when there is none."""
    project = find_project(conn, title, retry=retry)
    if project is None:
        raise LabelStudioError(
            f"No project titled {title!r} on {conn.url}. Check --project, or create it with `curation push`."
        )
    return project


def find_project_retrying(conn: Connection, title: str, *, retry: Retry | None = None) -> Project:
    """:func:`get_project` with these retry settings (every read is retried)."""
    return get_project(conn, title, retry=retry)


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
    return write(
        conn, "/api/projects/", what=f"create project {title!r}", json_body=payload, ok=(201,),
        look=lambda _: find_project(conn, title), parse=lambda response: Project.from_api(response.json()),
    )  # fmt: skip


def update_project(conn: Connection, project_id: int, *, what: str, **fields: Any) -> Project:
    """Change project settings (``label_config``, ``expert_instruction``, ...)."""
    response = update(conn, "PATCH", f"/api/projects/{project_id}/", what=what, json_body=fields, timeout=300.0)
    return Project.from_api(response.json())


def set_label_config(conn: Connection, project_id: int, label_config: str) -> Project:
    """Apply a label config; Label Studio refuses one that drops labels annotations use."""
    return update_project(
        conn, project_id, what=f"change the label config of project {project_id}", label_config=label_config
    )


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
