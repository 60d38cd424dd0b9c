"""``curation push``: put a corpus (and pre-annotations) into a Label Studio project, idempotently.

A push plans first and acts second. Planning reads the project (if any), what it already holds
and, with pre-annotations, which predictions exist; :func:`plan_push` then decides in pure code
which articles are new, which are there with the same text (left alone) and which are there
with a different text (refused: a task is never duplicated nor silently replaced), and which
predictions are new per ``(task, model_version)``. A label config that drifted from the schema
stops the push unless ``update_config``. Only then does it change anything: create the project
or apply config, guidelines and overlap, import the new articles in chunks (new tasks carry
their predictions inline), and add the new predictions of existing tasks.

Task data follows the contract ``Document.to_dict() | {"text_sha256": ...}``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Generic, TypeVar

from curation import labelstudio as ls
from curation.core.errors import LabelStudioError, PushError
from curation.core.records import Document
from curation.core.schema import Schema, guidelines_html, label_config, load_schema, same_config
from curation.labelstudio.server import Connection
from curation.project import cache as pushcache
from curation.project.chunks import ChunkImporter, serialize_chunks
from curation.project.index import Corpus, open_corpus, remember
from curation.project.plan import Plan, plan_known, plan_push, prediction_payload, refuse_changed, task_payload
from curation.project.preannotations import load_preannotations

#: ``progress(stage, done, total)``, called as work advances (the CLI draws tqdm bars with it).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PushReport:
    """What a push did (or, with ``dry_run``, would do)."""

    project_title: str
    project_id: int | None
    project_url: str | None
    dry_run: bool
    created_project: bool
    imported: tuple[str, ...]
    unchanged: tuple[str, ...]
    predictions_imported: int = 0
    predictions_present: int = 0
    predictions_given: bool = False
    config_updated: bool = False
    instructions_updated: bool = False
    overlap: int | None = None
    overlap_changed: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def lines(self) -> list[str]:
        """The summary a person reads (the CLI prints it on stdout)."""
        would = self.dry_run
        title = repr(self.project_title)
        where = f"project {title}" + (f" (id {self.project_id}): {self.project_url}" if self.project_id else "")
        out = ["Dry run: nothing was changed."] if would else []
        if self.created_project:
            verb = "Would create" if would else "Created"
            ident = f" (id {self.project_id})" if self.project_id else ""
            out.append(f"{verb} project {title}{ident} with the schema's label config and guidelines.")
        if self.config_updated:
            out.append(f"{'Would update' if would else 'Updated'} the label config of project {title} to the schema's.")
        if self.instructions_updated:
            out.append(f"{'Would update' if would else 'Updated'} the annotator guidelines of project {title}.")
        if self.overlap is not None:
            change = ("would be set" if would else "set") if self.overlap_changed else "unchanged"
            out.append(f"Overlap: {self.overlap} annotator{_s(self.overlap)} per article ({change}).")
        n, kept = len(self.imported), len(self.unchanged)
        if n:
            out.append(f"{'Would import' if would else 'Imported'} {n} task{_s(n)} ({kept} unchanged) into {where}")
        else:
            out.append(f"Nothing to import: all {kept} article{_s(kept)} are already in {where}")
        if self.predictions_given:
            p, q = self.predictions_imported, self.predictions_present
            if p:
                out.append(f"{'Would import' if would else 'Imported'} {p} prediction{_s(p)} ({q} already there).")
            else:
                out.append(f"No new predictions: all {q} are already there.")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": {"title": self.project_title, "id": self.project_id, "url": self.project_url},
            "dry_run": self.dry_run,
            "created_project": self.created_project,
            "imported": list(self.imported),
            "unchanged": list(self.unchanged),
            "predictions": {"imported": self.predictions_imported, "already_there": self.predictions_present},
            "config_updated": self.config_updated,
            "instructions_updated": self.instructions_updated,
            "overlap": self.overlap,
            "notes": list(self.notes),
        }


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def push(
    conn: Connection,
    *,
    corpus: Path | str | Corpus | Sequence[Document],
    project_title: str,
    predictions: Path | str | None = None,
    overlap: int | None = None,
    update_config: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    schema: Schema | None = None,
    cache_dir: Path | None = None,
    chunk_tasks: int = 2000,
    chunk_bytes: int = 16 * 1024 * 1024,
    import_timeout: float = 120.0,
    jobs: int = 1,
) -> PushReport:
    """Push ``corpus`` (a folder, a JSONL file, one opened by :func:`~curation.project.index.open_corpus`,
    or documents) into the project titled ``project_title``. A corpus path is looked up in the
    corpus index of ``cache_dir`` first: unchanged files are not read again unless needed.

    Raises :class:`PushError` for changed articles or label config drift (before changing
    anything), :class:`~curation.core.errors.CorpusError` / :class:`~curation.core.errors.PredictionsError`
    for bad input files and :class:`~curation.core.errors.LabelStudioError` for server problems.
    ``jobs`` import requests are kept in flight at once (see :mod:`curation.project.chunks`).
    """
    # The project and its task stamp are looked up while the corpus is read (two round trips
    # hidden behind reading it); a daemon thread, so a corpus error never waits for the server.
    cache_dir = cache_dir or pushcache.default_cache_dir()
    lookup = _Background(_lookup, conn, project_title, cache_dir)
    source = open_corpus(corpus, cache_dir) if isinstance(corpus, (str, Path)) else corpus
    if isinstance(source, Corpus) and source.documents is None and predictions is not None:
        source = source.read()  # pre-annotations need the text
    documents = source.documents if isinstance(source, Corpus) else list(source)
    schema = schema or load_schema()
    config, guide = label_config(schema), guidelines_html(schema)
    by_id = {d.doc_id: d for d in documents or ()}
    if documents is not None and len(by_id) != len(documents):
        seen: set[str] = set()
        for d in documents:
            if d.doc_id in seen:
                raise PushError(f"Two documents share doc_id {d.doc_id!r}. Give each article its own doc_id.")
            seen.add(d.doc_id)
    records = load_preannotations(predictions, by_id, schema) if predictions is not None else ()
    report = progress or (lambda stage, done, total: None)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="curation-hash") as pool:
        # Hashing 40 MB of text takes ~0.1 s; sha256 releases the GIL, so it overlaps the requests.
        hashing = pool.submit(lambda read: {d.doc_id: d.sha256 for d in read}, documents or ())
        found, early_stamp = lookup.result()  # the project as it was before this push
        created = found is None
        project = found  # the project pushed into: None only in a dry run that would create it
        if created and not dry_run:  # an empty project refuses nothing: create it while hashing runs
            project = ls.create_project(
                conn, title=project_title, label_config=config, instructions=guide, maximum_annotations=overlap
            )
        drift = found is not None and not same_config(found.label_config, config)
        existing: list[ls.ExistingTask] = []
        stamp, from_cache = ls.TaskStamp(0, 0, None, None), False
        present: set[tuple[int, str]] = set()
        if found is not None:
            if drift and not update_config:
                raise PushError(
                    f"Project {project_title!r} (id {found.id}) has a different label config from the schema "
                    f"({schema.name} {schema.version}). Run with --update-config to apply the schema's."
                )
            existing, stamp, from_cache = _existing_tasks(conn, found, cache_dir, report, early_stamp)
            versions = {r.model_version or "" for r in records}
            if records:
                present = _existing_prediction_keys(conn, found.id, versions)
        known = None
        if documents is None:  # the index knows the articles: their text is needed only if one is new or changed
            assert isinstance(source, Corpus) and source.hashes is not None
            known = plan_known(source.hashes, existing)
            if known is None:
                source = source.read()
                documents = source.documents
        plan = known or plan_push(  # hashed above, unless the corpus was read just now
            documents or (),
            existing,
            predictions=records,
            existing_predictions=present,
            hashes=hashing.result() or None,
        )
    if isinstance(source, Corpus):
        remember(cache_dir, source, plan.hashes)
    refuse_changed(plan, project_title)
    notes = _notes(plan)

    instructions_stale = found is not None and (
        visible_text(found.expert_instruction) != visible_text(guide) or not found.show_instruction
    )
    overlap_changed = overlap is not None and (
        found is None or (found.maximum_annotations, found.overlap_cohort_percentage) != (overlap, 100)
    )
    n_predictions = sum(map(len, plan.inline_predictions.values())) + len(plan.task_predictions)
    outcome = PushReport(
        project_title=project_title, project_id=None, project_url=None, dry_run=dry_run, created_project=created,
        imported=tuple(d.doc_id for d in plan.new), unchanged=plan.unchanged,
        predictions_imported=n_predictions, predictions_present=plan.predictions_present,
        predictions_given=predictions is not None, config_updated=drift, instructions_updated=instructions_stale,
        overlap=overlap, overlap_changed=overlap_changed, notes=notes,
    )  # fmt: skip
    if dry_run:
        pid = project.id if project else None
        return replace(outcome, project_id=pid, project_url=ls.project_url(conn, pid) if pid else None)

    assert project is not None  # found, or created above: only a dry run leaves it None
    if found is not None:
        if drift:
            ls.set_label_config(conn, found.id, config)
        if instructions_stale:
            ls.set_instructions(conn, found.id, guide)
        if overlap_changed:
            assert overlap is not None  # overlap_changed implies an overlap was asked for
            ls.set_overlap(conn, found.id, overlap)

    created_tasks = _import_new(
        conn, project.id, plan, stamp=stamp, existing=existing, chunk_tasks=chunk_tasks,
        chunk_bytes=chunk_bytes, timeout=import_timeout, progress=report, jobs=jobs,
    )  # fmt: skip
    _import_task_predictions(conn, project.id, plan, by_id, report)
    if created_tasks or plan.task_predictions or drift or overlap_changed:
        pushcache.save(cache_dir, conn.url, project, ls.task_stamp(conn, project.id), existing + created_tasks)
    elif not from_cache:
        pushcache.save(cache_dir, conn.url, project, stamp, existing)
    return replace(outcome, project_id=project.id, project_url=ls.project_url(conn, project.id))


T = TypeVar("T")


class _Background(Generic[T]):
    """``function(*args)`` run in a daemon thread; :meth:`result` waits for its value (or raises
    what it raised)."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(function, args), daemon=True, name="curation-lookup").start()

    def _run(self, function: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._value = function(*args)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]  # set when no error was raised


def _lookup(conn: Connection, title: str, cache_dir: Path) -> tuple[ls.Project | None, ls.TaskStamp | None]:
    """The project titled ``title`` and its :class:`~curation.labelstudio.TaskStamp`. The stamp of
    the project id the last push saw is asked for at the same time, and used if the id still holds."""
    guess = pushcache.project_id(cache_dir, conn.url, title)
    early = _Background(ls.task_stamp, conn, guess) if guess is not None else None
    found = ls.find_project(conn, title)
    if found is None:
        return None, None
    if early is not None and guess == found.id:
        try:
            return found, early.result()
        except LabelStudioError:
            pass  # asked again below, with its own error if it fails again
    return found, ls.task_stamp(conn, found.id)


def _existing_tasks(
    conn: Connection, project: ls.Project, cache_dir: Path, progress: Progress, stamp: ls.TaskStamp | None = None
) -> tuple[list[ls.ExistingTask], ls.TaskStamp, bool]:
    """The project's tasks: from the cache when the stamp proves it current, else listed."""
    stamp = stamp or ls.task_stamp(conn, project.id)
    if stamp.total == 0:
        return [], stamp, True
    cached = pushcache.load(cache_dir, conn.url, project, stamp)
    if cached is not None:
        return cached, stamp, True
    tasks: list[ls.ExistingTask] = []
    for task in ls.iter_tasks(conn, project.id):
        tasks.append(task)
        if len(tasks) % ls.LIST_PAGE_SIZE == 0 or len(tasks) == stamp.total:
            progress("Listing tasks", len(tasks), stamp.total)
    return tasks, stamp, False


def _existing_prediction_keys(conn: Connection, project_id: int, versions: set[str]) -> set[tuple[int, str]]:
    """``(task, model_version)`` already in the project, listed only if a version is there at all."""
    counts = ls.model_versions(conn, project_id)
    if not versions & set(counts):
        return set()
    return ls.prediction_keys(conn, project_id)


def _import_new(
    conn: Connection,
    project_id: int,
    plan: Plan,
    *,
    stamp: ls.TaskStamp,
    existing: Sequence[ls.ExistingTask],
    chunk_tasks: int,
    chunk_bytes: int,
    timeout: float,
    progress: Progress,
    jobs: int = 1,
) -> list[ls.ExistingTask]:
    """Import the plan's new documents in chunks, ``jobs`` at a time; return the tasks created, in
    corpus order. With several jobs the chunks are smaller, so that each connection gets two."""
    if not plan.new:
        return []
    if jobs > 1:
        chunk_tasks = min(chunk_tasks, -(-len(plan.new) // (2 * jobs)))
    payloads = (
        (d.doc_id, task_payload(d, plan.hashes[d.doc_id], plan.inline_predictions.get(d.doc_id, ()))) for d in plan.new
    )
    importer = ChunkImporter(
        conn, project_id, hashes=plan.hashes, total_before=stamp.total,
        max_id=max([stamp.newest_id or 0, *(t.id for t in existing)]), timeout=timeout, jobs=jobs,
    )  # fmt: skip
    total = len(plan.new)
    progress("Importing", 0, total)
    return importer.run(
        serialize_chunks(payloads, max_tasks=chunk_tasks, max_bytes=chunk_bytes),
        on_chunk=lambda done: progress("Importing", done, total),
    )


def _import_task_predictions(
    conn: Connection, project_id: int, plan: Plan, by_id: Mapping[str, Document], progress: Progress
) -> None:
    """Add new predictions to tasks that were already in the project, 1,000 per request."""
    items = [{"task": task, **prediction_payload(ann, by_id[ann.doc_id])} for task, ann in plan.task_predictions]
    for start in range(0, len(items), 1000):
        ls.import_predictions(conn, project_id, items[start : start + 1000])
        progress("Predictions", min(start + 1000, len(items)), len(items))


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []

    def handle_data(self, data: str) -> None:
        self.words.extend(data.split())


def visible_text(markup: str) -> str:
    """The words of an HTML page. Label Studio sanitizes stored instructions (drops ``style``,
    adds ``<tbody>``), so the guidelines are compared by what annotators read, not by markup."""
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    return " ".join(parser.words)


def _notes(plan: Plan) -> tuple[str, ...]:
    notes = []
    for doc_id, tasks in plan.duplicates[:5]:
        notes.append(
            f"Note: doc_id {doc_id!r} is held by {len(tasks)} tasks ({', '.join(map(str, tasks))}); "
            "delete the extra ones in Label Studio."
        )
    if plan.foreign_tasks:
        notes.append(f"Note: {plan.foreign_tasks} task{_s(plan.foreign_tasks)} in the project have no doc_id "
                     "(not pushed by curation); they were left alone.")  # fmt: skip
    return tuple(notes)
