"""``curation accept-predictions``: turn pre-annotations into annotations, through Label Studio's API.

This is the step a real project replaces with people: each annotator opens a task, sees the
pre-annotation (a prediction), corrects it and submits. Accepting makes that submission
without a person: for every task holding a prediction of the given ``model_version`` from which
no annotation was created yet, it creates an annotation with the prediction's result and
``parent_prediction`` set, so the snapshot says the annotation came from that prediction
(``Annotation.from_prediction``). The annotation is completed by the token's user.

Running it again creates nothing: a prediction that already has a child annotation (made by
this command or by anyone who opened the task and submitted it) is left alone. Which
predictions to accept is decided in pure code (:func:`plan_accept`) over the task listing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from curation import labelstudio as ls
from curation.core.errors import LabelStudioError
from curation.labelstudio.server import Connection

#: ``progress(stage, done, total)``, called after each annotation is created.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Pending:
    """A prediction to accept: its task, its id and its result."""

    task_id: int
    prediction_id: int
    result: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class AcceptPlan:
    """What accepting would do: the predictions to accept, and what is already accepted."""

    pending: tuple[Pending, ...]
    already_accepted: int
    other_versions: tuple[str, ...]


def plan_accept(tasks: Iterable[Mapping[str, Any]], model_version: str) -> AcceptPlan:
    """Predictions of ``model_version`` without a child annotation, in task order (pure).

    ``tasks`` are Label Studio tasks with full ``predictions`` and ``annotations`` (an
    annotation created from a prediction names it in ``parent_prediction``).
    """
    pending: list[Pending] = []
    accepted = 0
    others: set[str] = set()
    for task in tasks:
        parents = {a.get("parent_prediction") for a in task.get("annotations") or [] if isinstance(a, Mapping)}
        for prediction in task.get("predictions") or []:
            version = str(prediction.get("model_version") or "")
            if version != model_version:
                others.add(version)
            elif prediction["id"] in parents:
                accepted += 1
            else:
                pending.append(Pending(int(task["id"]), int(prediction["id"]), tuple(prediction.get("result") or ())))
    return AcceptPlan(tuple(pending), accepted, tuple(sorted(others)))


@dataclass(frozen=True)
class AcceptReport:
    """What ``accept_predictions`` did."""

    project_title: str
    project_id: int
    project_url: str
    model_version: str
    created: tuple[tuple[int, int, int], ...]  # (task id, prediction id, new annotation id)
    already_accepted: int

    def lines(self) -> list[str]:
        """The summary a person reads (the CLI prints it on stdout)."""
        n, kept = len(self.created), self.already_accepted
        where = f"project {self.project_title!r} (id {self.project_id}): {self.project_url}"
        if not n:
            return [f"Nothing to accept: all {kept} prediction{_s(kept)} of model version {self.model_version!r} "
                    f"already have an annotation in {where}"]  # fmt: skip
        return [f"Accepted {n} prediction{_s(n)} of model version {self.model_version!r} as annotations "
                f"({kept} already had one) in {where}"]  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": {"title": self.project_title, "id": self.project_id, "url": self.project_url},
            "model_version": self.model_version,
            "created": [{"task": t, "prediction": p, "annotation": a} for t, p, a in self.created],
            "already_accepted": self.already_accepted,
        }


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def accept_predictions(
    conn: Connection, *, project_title: str, model_version: str, progress: Progress | None = None
) -> AcceptReport:
    """Accept every not yet accepted prediction of ``model_version`` in the project as an annotation.

    Raises :class:`LabelStudioError` when the project is missing or holds no prediction of
    that model version (the message lists the versions it holds).
    """
    project = ls.get_project(conn, project_title)
    plan = plan_accept(ls.iter_predicted_tasks(conn, project.id), model_version)
    if not plan.pending and not plan.already_accepted:
        held = ", ".join(repr(v) for v in plan.other_versions) or "none"
        raise LabelStudioError(
            f"Project {project_title!r} holds no prediction of model version {model_version!r} (model versions "
            f"there: {held}). Check --model-version, or push the pre-annotations with `curation push --predictions FILE`."
        )
    created = []
    for done, item in enumerate(plan.pending, start=1):
        annotation = ls.create_annotation(conn, item.task_id, result=item.result, parent_prediction=item.prediction_id)
        created.append((item.task_id, item.prediction_id, annotation))
        if progress:
            progress("Accepting", done, len(plan.pending))
    return AcceptReport(
        project_title=project.title, project_id=project.id, project_url=ls.project_url(conn, project.id),
        model_version=model_version, created=tuple(created), already_accepted=plan.already_accepted,
    )  # fmt: skip
