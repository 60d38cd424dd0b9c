"""The pure half of ``curation push``: compare a corpus with a project's tasks, and build payloads.

:func:`plan_push` decides, without any I/O, which articles are new, which are already in the
project with the same text (left alone), which are there with another text (refused by
:func:`refuse_changed`: a task is never duplicated nor silently replaced), and which
predictions are new per ``(task, model_version)``. Task data follows the contract
``Document.to_dict() | {"text_sha256": ...}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from curation.core.convert import to_ls_results
from curation.core.errors import PushError
from curation.core.records import Annotation, Document
from curation.labelstudio import ExistingTask


@dataclass(frozen=True)
class Plan:
    """What a push will do, decided before anything is changed."""

    new: tuple[Document, ...]
    hashes: Mapping[str, str]  # text_sha256 of every corpus document, by doc_id
    unchanged: tuple[str, ...]
    changed: tuple[tuple[str, int], ...]  # (doc_id, id of the task holding another text)
    inline_predictions: Mapping[str, tuple[Annotation, ...]]  # for new documents
    task_predictions: tuple[tuple[int, Annotation], ...]  # for existing tasks: (task id, prediction)
    predictions_present: int  # already in the project (same task and model_version)
    duplicates: tuple[tuple[str, tuple[int, ...]], ...] = ()  # doc_ids held by several tasks
    foreign_tasks: int = 0  # tasks without a doc_id (not pushed by curation)


def plan_push(
    documents: Sequence[Document],
    existing: Iterable[ExistingTask],
    *,
    predictions: Sequence[Annotation] = (),
    existing_predictions: Iterable[tuple[int, str]] = (),
    hashes: Mapping[str, str] | None = None,
) -> Plan:
    """Compare the corpus with the project's tasks; pure, so every outcome is testable offline."""
    hashes = dict(hashes) if hashes is not None else {d.doc_id: d.sha256 for d in documents}
    new_ids, unchanged, changed, task_of, duplicates, foreign = _compare(hashes, existing)
    present = set(existing_predictions)
    inline: dict[str, list[Annotation]] = {}
    for_tasks: list[tuple[int, Annotation]] = []
    already = 0
    for ann in predictions:
        if ann.doc_id in new_ids:
            inline.setdefault(ann.doc_id, []).append(ann)
        elif ann.doc_id in task_of:
            if (task_of[ann.doc_id], ann.model_version or "") in present:
                already += 1
            else:
                for_tasks.append((task_of[ann.doc_id], ann))
    return Plan(
        new=tuple(d for d in documents if d.doc_id in new_ids),
        hashes=hashes,
        unchanged=tuple(unchanged),
        changed=tuple(changed),
        inline_predictions={k: tuple(v) for k, v in inline.items()},
        task_predictions=tuple(for_tasks),
        predictions_present=already,
        duplicates=duplicates,
        foreign_tasks=foreign,
    )


def plan_known(hashes: Mapping[str, str], existing: Iterable[ExistingTask]) -> Plan | None:
    """The plan of a push without pre-annotations, decided from the articles' hashes alone (their
    text unread): ``None`` unless every article is already in the project with the same text."""
    new_ids, unchanged, changed, _, duplicates, foreign = _compare(hashes, existing)
    if new_ids or changed:
        return None
    return Plan(new=(), hashes=hashes, unchanged=tuple(unchanged), changed=(), inline_predictions={},
                task_predictions=(), predictions_present=0, duplicates=duplicates, foreign_tasks=foreign)  # fmt: skip


def _compare(
    hashes: Mapping[str, str], existing: Iterable[ExistingTask]
) -> tuple[set[str], list[str], list[tuple[str, int]], dict[str, int], tuple[tuple[str, tuple[int, ...]], ...], int]:
    """Each article (doc_id -> text hash, corpus order) against the tasks: the new doc_ids, the
    unchanged ones, the changed ones with a task, the task of each unchanged one, doc_ids held by
    several tasks, and the number of tasks without a doc_id."""
    by_doc: dict[str, list[ExistingTask]] = {}
    foreign = 0
    for task in existing:
        if task.doc_id is None:
            foreign += 1
        else:
            by_doc.setdefault(task.doc_id, []).append(task)
    new: set[str] = set()
    unchanged: list[str] = []
    changed: list[tuple[str, int]] = []
    task_of: dict[str, int] = {}
    for doc_id, sha in hashes.items():
        tasks = by_doc.get(doc_id)
        if not tasks:
            new.add(doc_id)
            continue
        if len(tasks) == 1:  # the usual case, first: a re-push compares every article
            if tasks[0].text_sha256 == sha:
                unchanged.append(doc_id)
                task_of[doc_id] = tasks[0].id
            else:
                changed.append((doc_id, tasks[0].id))
            continue
        same = [t for t in tasks if t.text_sha256 == sha]
        if same:
            unchanged.append(doc_id)
            task_of[doc_id] = min(t.id for t in same)
        else:
            changed.append((doc_id, min(t.id for t in tasks)))
    duplicates = tuple(sorted((d, tuple(sorted(t.id for t in ts))) for d, ts in by_doc.items() if len(ts) > 1))
    return new, unchanged, changed, task_of, duplicates, foreign


def refuse_changed(plan: Plan, title: str) -> None:
    """Raise :class:`PushError` when an article's text differs from the one pushed before."""
    if not plan.changed:
        return
    if len(plan.changed) == 1:
        doc_id, task = plan.changed[0]
        raise PushError(
            f"Article {doc_id!r} changed since it was pushed to project {title!r} (task {task}). "
            f"Text is never replaced: give the changed article a new doc_id, or delete task {task} "
            "in Label Studio and push again."
        )
    listed = ", ".join(f"{d!r} (task {t})" for d, t in plan.changed[:5])
    more = f" and {len(plan.changed) - 5} more" if len(plan.changed) > 5 else ""
    raise PushError(
        f"{len(plan.changed)} articles changed since they were pushed to project {title!r}: {listed}{more}. "
        "Text is never replaced: give each changed article a new doc_id, or delete its task in Label Studio "
        "and push again."
    )


def prediction_payload(annotation: Annotation, document: Document) -> dict[str, Any]:
    """A record as a Label Studio prediction (``model_version`` + ``result``)."""
    return {
        "model_version": annotation.model_version,
        "result": to_ls_results(document.text, annotation.mentions, annotation.relations),
    }


def task_payload(document: Document, sha: str, predictions: Sequence[Annotation] = ()) -> dict[str, Any]:
    """One task to import: the contract's data, plus inline predictions for a new task."""
    task: dict[str, Any] = {"data": {**document.to_dict(), "text_sha256": sha}}
    if predictions:
        task["predictions"] = [prediction_payload(a, document) for a in predictions]
    return task
