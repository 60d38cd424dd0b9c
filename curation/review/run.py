"""Agreement and adjudication on a pulled snapshot: the edge that reads, writes and pushes.

The figures and decisions come from the pure :mod:`curation.review.agreement` and
:mod:`curation.review.adjudicate`; this module loads the snapshot, writes the gold file and the
plot, and sends review drafts to Label Studio through :mod:`curation.labelstudio`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.core.convert import to_ls_results
from curation.core.errors import CurationError, LabelStudioError
from curation.core.normalize import Normalized, load_snapshot
from curation.core.records import Document, GoldDocument
from curation.core.schema import DEFAULT_SCHEMA_PATH, load_schema
from curation.labelstudio.server import Connection
from curation.review.adjudicate import Adjudication, adjudicate
from curation.review.agreement import AgreementReport, agreement
from curation.review.conflicts import Conflict
from curation.review.decisions import Decisions, DecisionsError, parse_decisions
from curation.review.idmap import IdMap, IdMapError, apply_id_map, parse_id_map


def run_agreement(
    snapshot: Path | str, *, plot: Path | None = None, schema_path: Path | None = None
) -> AgreementReport:
    """Agreement of a snapshot file; with ``plot``, also write the heatmap PNG there."""
    report = agreement(load_snapshot(snapshot), load_schema(schema_path or DEFAULT_SCHEMA_PATH))
    if plot is not None:
        from curation.review.plots import plot_agreement

        plot_agreement(report, plot)
    return report


@dataclass(frozen=True)
class Pushed:
    """What ``--push`` did: drafts sent, and drafts already there from an earlier push."""

    model_version: str
    project: str
    sent: tuple[str, ...]
    already_there: tuple[str, ...]


@dataclass(frozen=True)
class Resolved:
    """What ``--decisions FILE --push`` did: resolutions submitted as ground truth, and ones already there."""

    model_version: str
    project: str
    submitted: tuple[str, ...]
    already_there: tuple[str, ...]


@dataclass(frozen=True)
class AdjudicationRun:
    adjudication: Adjudication
    written: Path | None
    pushed: Pushed | None
    resolved: Resolved | None = None
    decisions: Decisions | None = None
    id_map: IdMap | None = None
    renamed: Mapping[tuple[str, str], int] | None = None


def _read_json(path: Path, missing: str, error: Callable[[str], CurationError]) -> tuple[Any, bytes]:
    """A reviewed JSON file read once: its parsed content and its bytes (kept by a release, hashed)."""
    try:
        data = path.read_bytes()
        return json.loads(data), data
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path}: not valid JSON ({exc}). Fix the file and run again.") from None


def load_decisions(path: Path | str) -> tuple[Decisions, bytes]:
    """A decisions file checked (see :mod:`curation.review.decisions`), and its bytes."""
    data, raw = _read_json(Path(path), "no such decisions file. Pass --decisions with the JSON file of decisions.",
                           lambda message: DecisionsError([message]))  # fmt: skip
    return parse_decisions(data, str(path)), raw


def load_id_map(path: Path | str) -> tuple[IdMap, bytes]:
    """A reviewed id map checked (see :mod:`curation.review.idmap`), and its bytes."""
    data, raw = _read_json(Path(path), "no such id map. Pass --id-map with the reviewed JSON map of ids.", IdMapError)
    return parse_id_map(data, str(path)), raw


def decisions_version(data: bytes) -> str:
    """The model version a decisions file's resolutions carry in Label Studio: ``decisions-<sha256[:12]>``."""
    return "decisions-" + hashlib.sha256(data).hexdigest()[:12]


def run_adjudication(
    snapshot: Path | str,
    *,
    out: Path | None = None,
    accept_single: bool = True,
    push: bool = False,
    project_title: str = "curation",
    connection: Connection | None = None,
    date: str | None = None,
    schema_path: Path | None = None,
    decisions_path: Path | None = None,
    id_map_path: Path | None = None,
) -> AdjudicationRun:
    """Adjudicate a snapshot file; write the gold to ``out``; with ``push``, send review drafts.

    ``date`` (default: today) names the drafts' model version ``adjudication-<date>``. With
    ``decisions_path``, conflicts are resolved by that file; with ``push`` too, each resolved
    document is submitted to Label Studio as an annotation flagged ground truth, as a reviewer
    would (by the user of ``connection``). With ``id_map_path``, the reviewed id map is applied
    to the gold after adjudication (decision rule ``id_map``).
    """
    from curation.review.gold import write_gold

    date = date or datetime.date.today().isoformat()
    decisions, decisions_bytes = load_decisions(decisions_path) if decisions_path is not None else (None, b"")
    id_map = load_id_map(id_map_path)[0] if id_map_path is not None else None
    normalized = load_snapshot(snapshot)
    result = adjudicate(normalized, load_schema(schema_path or DEFAULT_SCHEMA_PATH), accept_single=accept_single,
                        date=date, decisions=decisions)  # fmt: skip
    renamed = None
    if id_map is not None:
        result, renamed = apply_id_map(result, id_map)
    pushed = resolved = None
    if push:
        if connection is None:
            raise LabelStudioError("--push needs a Label Studio connection. Set LABEL_STUDIO_URL and "
                                   "LABEL_STUDIO_API_KEY, or start the local server with `curation server start`.")  # fmt: skip
        if decisions_path is not None:
            decided = sorted({d.doc_id for d in result.decisions if d.rule == "decision"})
            resolved = push_resolutions([g for g in result.gold if g.doc_id in decided], normalized,
                                        connection=connection, project_title=project_title,
                                        model_version=decisions_version(decisions_bytes))  # fmt: skip
        else:
            pushed = push_drafts(result.conflicts, normalized.documents, connection=connection,
                                 project_title=project_title, model_version=f"adjudication-{date}")  # fmt: skip
    written = write_gold(result, out) if out is not None else None  # after the push: a failed command writes nothing
    return AdjudicationRun(result, written, pushed, resolved, decisions, id_map, renamed)


def push_resolutions(
    gold: Sequence[GoldDocument], normalized: Normalized, *, connection: Connection, project_title: str,
    model_version: str,
) -> Resolved:  # fmt: skip
    """Submit each resolved document as the connection's user: a prediction named ``model_version``
    with the resolution, an annotation made from it, flagged ground truth.

    A document whose task already has a ground-truth annotation is left alone (a second run adds
    nothing); a step cut short is looked up before it is tried again, so nothing is made twice.
    """
    from curation import labelstudio

    flagged = {a.doc_id for a in normalized.annotations if a.ground_truth and not a.cancelled}
    project = labelstudio.get_project(connection, project_title)
    task_of = {t.doc_id: t.id for t in labelstudio.iter_tasks(connection, project.id) if t.doc_id}
    submitted, there = [], []
    for g in gold:
        if g.doc_id in flagged:
            there.append(g.doc_id)
            continue
        task_id = task_of.get(g.doc_id)
        if task_id is None:
            raise LabelStudioError(
                f"Document {g.doc_id} has no task in project '{project_title}'. Adjudicate a snapshot "
                f"pulled from that project (`curation pull --project '{project_title}' --out FILE`)."
            )
        results = to_ls_results(g.document.text, g.mentions, g.relations)
        mine = [p for p in labelstudio.task_predictions(connection, task_id) if p.get("model_version") == model_version]
        if not mine:
            labelstudio.import_predictions(connection, project.id,
                                           [{"task": task_id, "model_version": model_version, "result": results}])  # fmt: skip
            mine = [p for p in labelstudio.task_predictions(connection, task_id)
                    if p.get("model_version") == model_version]  # fmt: skip
        prediction_id = int(mine[0]["id"])
        annotation_id = labelstudio.annotation_from(connection, task_id, prediction_id)
        if annotation_id is None:
            annotation_id = labelstudio.create_annotation(connection, task_id, result=mine[0]["result"],
                                                          parent_prediction=prediction_id)  # fmt: skip
        labelstudio.flag_ground_truth(connection, annotation_id)
        submitted.append(g.doc_id)
    return Resolved(model_version, project_title, tuple(submitted), tuple(there))


def push_drafts(
    conflicts: Sequence[Conflict],
    documents: Mapping[str, Document],
    *,
    connection: Connection,
    project_title: str,
    model_version: str,
) -> Pushed:
    """Send each conflict's merged draft to its task as a prediction named ``model_version``.

    A task that already holds a prediction of that model version is left alone (pushing twice
    on one day adds nothing).
    """
    from curation import labelstudio

    drafts = [c for c in conflicts if c.draft is not None]
    project = labelstudio.get_project(connection, project_title)
    if not drafts:
        return Pushed(model_version, project_title, (), ())
    task_of = {t.doc_id: t.id for t in labelstudio.iter_tasks(connection, project.id) if t.doc_id}
    existing = labelstudio.prediction_keys(connection, project.id)
    payload, sent, there = [], [], []
    for conflict in drafts:
        task_id = task_of.get(conflict.doc_id)
        if task_id is None:
            raise LabelStudioError(
                f"Document {conflict.doc_id} has no task in project '{project_title}'. Adjudicate a snapshot "
                f"pulled from that project (`curation pull --project '{project_title}' --out FILE`)."
            )
        if (task_id, model_version) in existing:
            there.append(conflict.doc_id)
            continue
        draft = conflict.draft
        assert draft is not None  # drafts holds the conflicts that have one
        results = to_ls_results(documents[conflict.doc_id].text, draft.mentions, draft.relations)
        payload.append({"task": task_id, "model_version": model_version, "result": results})
        sent.append(conflict.doc_id)
    labelstudio.import_predictions(connection, project.id, payload)
    return Pushed(model_version, project_title, tuple(sent), tuple(there))
