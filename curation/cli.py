"""The ``curation`` command line: options in, one library call, output out.

No logic lives here. Each command parses its options, calls one typed function of the
library, prints data to stdout (``--json`` where it helps) and talk to stderr. A
:class:`~curation.errors.CurationError` becomes one ``Error: ...`` line and exit code 1.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from curation import __version__
from curation.errors import CurationError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into ``Error: <message>`` on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CurationError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def data_dir_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(".labelstudio"),
        show_default=True,
        help="Data folder of the local Label Studio (its SQLite database and stored credentials).",
    )(command)


def project_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--project",
        "project_title",
        default="curation",
        show_default=True,
        help="Title of the Label Studio project.",
    )(command)


def json_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(command)


def quiet_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--quiet", "-q", is_flag=True, help="No progress bars or messages on stderr.")(command)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def say(message: str) -> None:
    """Talk to the user (stderr): stdout stays clean for data."""
    click.echo(message, err=True)


def show_progress(quiet: bool) -> bool:
    """Progress bars only for a person watching a terminal."""
    return not quiet and sys.stderr.isatty()


class ProgressBars:
    """The library's ``progress(stage, done, total)`` drawn as one tqdm bar per stage on stderr.

    ``units`` names the unit of a stage (``"B"`` bars count bytes with SI prefixes; default
    ``task``); a stage in ``announcements`` has no bar: its sentence is said once instead. Use
    it as a context manager so the bars are closed even when the command fails.
    """

    def __init__(self, enabled: bool, *, units: dict[str, str] | None = None,
                 announcements: dict[str, str] | None = None) -> None:  # fmt: skip
        self.enabled, self.units, self.announcements = enabled, units or {}, announcements or {}
        self.bars: dict[str, Any] = {}
        self.said: set[str] = set()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if stage in self.announcements:
            if stage not in self.said:
                self.said.add(stage)
                say(self.announcements[stage])
            return
        bar = self.bars.get(stage)
        if bar is None:
            from tqdm import tqdm

            unit = self.units.get(stage, " tasks")
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit=unit, unit_scale=unit == "B", file=sys.stderr,
                                          leave=False)  # fmt: skip
        bar.update(done - bar.n)

    def __enter__(self) -> "ProgressBars":
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in self.bars.values():
            bar.close()


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="curation")
def cli() -> None:
    """Turn news articles into a versioned, validated gold benchmark for information extraction.

    Typical flow: server start -> push -> (annotate in Label Studio) -> pull -> validate ->
    agreement -> adjudicate -> release -> evaluate.
    """


# --- schema --------------------------------------------------------------------------------


@cli.group()
def schema() -> None:
    """Show what is generated from schemas/schema.json."""


@schema.command("label-config")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Schema file (default: schemas/schema.json).")  # fmt: skip
@reports_errors
def schema_label_config(schema_path: Path | None) -> None:
    """Print the Label Studio label config generated from the schema (label_config.xml)."""
    from curation.schema import DEFAULT_SCHEMA_PATH, label_config, load_schema

    click.echo(label_config(load_schema(schema_path or DEFAULT_SCHEMA_PATH)), nl=False)


@schema.command("guidelines")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Schema file (default: schemas/schema.json).")  # fmt: skip
@reports_errors
def schema_guidelines(schema_path: Path | None) -> None:
    """Print the annotator guidelines (HTML) generated from the schema."""
    from curation.schema import DEFAULT_SCHEMA_PATH, guidelines_html, load_schema

    click.echo(guidelines_html(load_schema(schema_path or DEFAULT_SCHEMA_PATH)), nl=False)


# --- server --------------------------------------------------------------------------------


@cli.group()
def server() -> None:
    """Run a local Label Studio (127.0.0.1, SQLite) for annotation."""


@server.command("start")
@click.option("--port", type=int, default=8080, show_default=True, help="Port on 127.0.0.1.")
@data_dir_option
@reports_errors
def server_start(port: int, data_dir: Path) -> None:
    """Start Label Studio in the background and wait until it answers."""
    from curation.server import start_server

    say(f"Starting Label Studio on 127.0.0.1:{port} (data in {data_dir}/); this takes about 30 s...")
    status, notes = start_server(data_dir=data_dir, port=port)
    for note in notes:
        say(note)
    say(f"Label Studio is running (pid {status.pid}). Open it in a browser at:")
    click.echo(status.url)


@server.command("stop")
@data_dir_option
@reports_errors
def server_stop(data_dir: Path) -> None:
    """Stop the local Label Studio."""
    from curation.server import stop_server

    say(stop_server(data_dir=data_dir))


@server.command("status")
@data_dir_option
@json_option
@reports_errors
def server_status_command(data_dir: Path, as_json: bool) -> None:
    """Say whether the local Label Studio runs, and where."""
    from curation.server import server_status

    status = server_status(data_dir)
    if as_json:
        echo_json({"state": status.state, "url": status.url, "pid": status.pid})
    elif status.state == "running":
        click.echo(f"running {status.url} (pid {status.pid})")
    elif status.state == "stale":
        click.echo(f"stale: PID file for process {status.pid}, which is gone. Run `curation server stop` to clean up.")
    else:
        click.echo("stopped")


# --- push ----------------------------------------------------------------------------------


@cli.command("push")
@click.option("--corpus", type=click.Path(path_type=Path), default=Path("corpus"), show_default=True,
              help="Corpus folder (NAME.txt + NAME.json per article) or JSONL file (one article per line).")
@project_option
@click.option("--predictions", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Pre-annotations to import: JSONL, one annotation record per line, each with doc_id and "
                   "model_version. Imported once per task and model_version.")
@click.option("--overlap", type=click.IntRange(min=1), default=None,
              help="How many annotators label each article (sets it for every task of the project).")
@click.option("--update-config", is_flag=True,
              help="Apply the schema's label config when the project's differs (otherwise the push stops).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
@json_option
@quiet_option
@data_dir_option
@reports_errors  # fmt: skip
def push_command(corpus: Path, project_title: str, predictions: Path | None, overlap: int | None,
                 update_config: bool, dry_run: bool, as_json: bool, quiet: bool, data_dir: Path) -> None:  # fmt: skip
    """Put the corpus into Label Studio for annotation; running it again imports only what is new.

    Creates the project if missing, with the schema's label config and guidelines, and imports
    each article as a task with its metadata and the sha256 of its text. An article whose text
    changed after it was pushed is refused (never duplicated, never replaced).
    """
    from curation.corpus import load_corpus
    from curation.push import push
    from curation.server import resolve_connection

    documents = load_corpus(corpus)  # bad input is reported before any server is needed
    with ProgressBars(show_progress(quiet)) as bars:
        report = push(
            resolve_connection(data_dir=data_dir), corpus=documents, project_title=project_title,
            predictions=predictions, overlap=overlap, update_config=update_config, dry_run=dry_run, progress=bars,
        )  # fmt: skip
    if not quiet:
        for note in report.notes:
            say(note)
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo("\n".join(report.lines()))


# --- evaluate ------------------------------------------------------------------------------


@cli.command("evaluate")
@click.option("--gold", "gold", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Release folder (exports/<name>/<version>) or any dataset folder with a documents config.")
@click.option("--predictions", "predictions", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Prediction JSONL file: one line per document (schemas/predictions.schema.json).")
@click.option("--split", default="test", show_default=True, help="Split of the gold to score against.")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Schema giving the types and symmetric relations (default: the release's source/schema.json, "
                   "else schemas/schema.json).")
@json_option
@reports_errors  # fmt: skip
def evaluate_command(gold: Path, predictions: Path, split: str, schema_path: Path | None, as_json: bool) -> None:
    """Score a system's predictions against a release: mentions, relations and triples.

    Prints precision, recall and F1 with counts, micro-averaged overall, by language and by type.
    """
    from curation.evaluate import evaluate_release, render_report

    result = evaluate_release(gold=gold, predictions=predictions, split=split, schema_path=schema_path)
    for note in result.notes:
        say(note)
    if as_json:
        echo_json(result.report)
    else:
        click.echo(render_report(result.report), nl=False)


# --- agreement and adjudication ------------------------------------------------------------


_snapshot_argument = click.argument("snapshot", type=click.Path(dir_okay=False, path_type=Path))
_schema_option = click.option(
    "--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Schema file saying which relation types are symmetric (default: schemas/schema.json).",
)  # fmt: skip


@cli.command("agreement")
@_snapshot_argument
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a PNG heatmap of strict mention F1 (annotator pair x entity type) to this file.")
@_schema_option
@json_option
@reports_errors  # fmt: skip
def agreement_command(snapshot: Path, plot: Path | None, schema_path: Path | None, as_json: bool) -> None:
    """Inter-annotator agreement of a pulled snapshot, over documents with two or more annotators.

    Mentions: pairwise strict and partial F1. Relations: Strict and Boundaries F1, and kappa on
    the relation label (Cohen's; Fleiss' with more than two annotators). Entity ids: agreement on
    mentions both annotators marked. Tables per language x type, or --json.
    """
    from curation.agreement import agreement_table
    from curation.review import run_agreement

    report = run_agreement(snapshot, plot=plot, schema_path=schema_path)
    if report.documents == 0:
        say(f"No document in {snapshot} has two or more non-skipped annotations: there is nothing to compare.")
    if plot is not None:
        say(f"Wrote the heatmap to {plot}.")
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(agreement_table(report), nl=False)


@cli.command("adjudicate")
@_snapshot_argument
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the gold (JSONL, one document per line, decision log included) to this file.")
@click.option("--single", type=click.Choice(["accept", "reject"]), default="accept", show_default=True,
              help="Documents with a single annotation: accept it as gold (status single_annotated) or hold "
                   "them back until a second annotator labels them.")
@click.option("--push", is_flag=True,
              help="Send each conflicted document's merged draft to Label Studio as a prediction "
                   "(model version adjudication-<date>) for a reviewer to resolve and flag as ground truth.")
@project_option
@data_dir_option
@_schema_option
@json_option
@reports_errors  # fmt: skip
def adjudicate_command(snapshot: Path, out: Path | None, single: str, push: bool, project_title: str,
                       data_dir: Path, schema_path: Path | None, as_json: bool) -> None:  # fmt: skip
    """Decide one gold annotation per document: ground truth, else majority, else conflict.

    Prints the outcome and every open conflict with each annotator's version (--json for
    machines). Documents with conflicts stay out of the gold until resolved.
    """
    from curation.gold import adjudication_dict, adjudication_text
    from curation.review import run_adjudication
    from curation.server import resolve_connection

    connection = resolve_connection(data_dir=data_dir) if push else None
    run = run_adjudication(snapshot, out=out, accept_single=single == "accept", push=push,
                           project_title=project_title, connection=connection, schema_path=schema_path)  # fmt: skip
    if run.written is not None:
        say(f"Wrote {len(run.adjudication.gold)} gold documents to {run.written}.")
    if run.pushed is not None:
        p = run.pushed
        say(f"Pushed {len(p.sent)} review drafts (model version {p.model_version}) to project '{p.project}'"
            + (f"; {len(p.already_there)} were already there." if p.already_there else "."))  # fmt: skip
    if as_json:
        data = adjudication_dict(run.adjudication)
        if run.pushed is not None:
            data["pushed"] = {"model_version": run.pushed.model_version, "sent": list(run.pushed.sent),
                              "already_there": list(run.pushed.already_there)}  # fmt: skip
        echo_json(data)
    else:
        click.echo(adjudication_text(run.adjudication), nl=False)


# --- pull and validate ---------------------------------------------------------------------


def _parse_severities(values: tuple[str, ...]) -> dict[str, str]:
    severities = {}
    for value in values:
        code, sep, level = value.partition("=")
        if not sep:
            raise click.BadParameter(f"{value!r} is not CODE=LEVEL (e.g. V005=error).", param_hint="--severity")
        severities[code.strip().upper()] = level.strip().lower()
    return severities


@cli.command("pull")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Snapshot file to write (Label Studio JSON export); FILE.sha256 is written beside it.")
@project_option
@data_dir_option
@quiet_option
@reports_errors  # fmt: skip
def pull_command(out: Path, project_title: str, data_dir: Path, quiet: bool) -> None:
    """Snapshot a project: every task, annotation (skipped ones too) and prediction, in full.

    Written atomically (temporary file, then rename) with its sha256 in FILE.sha256.
    Transient failures are retried with backoff.
    """
    from curation.pull import pull
    from curation.server import resolve_connection

    bars = ProgressBars(show_progress(quiet), units={"download": "B"}, announcements={
        "export": "Label Studio is building the snapshot (about 30 s per 10,000 annotated tasks)..."})
    with bars:
        report = pull(resolve_connection(data_dir=data_dir), project_title=project_title, out=out, progress=bars)
    if not quiet:
        if report.repaired_tasks:
            say(f"Read {len(report.repaired_tasks)} tasks again from the API: the export lacked some of their "
                "annotations or predictions.")  # fmt: skip
        if report.unresolved_tasks:
            ids = ", ".join(map(str, report.unresolved_tasks[:10])) + (" ..." if len(report.unresolved_tasks) > 10 else "")
            say(f"Tasks {ids} still have fewer annotations or predictions than Label Studio's counters say (someone "
                "annotating right now, or stale counters); pull again later to include them.")  # fmt: skip
        if report.unknown_annotators:
            say(f"{report.unknown_annotators} annotations have no Label Studio user id; `curation validate` "
                "reports them (V019).")  # fmt: skip
        say(f"Pulled project '{report.project_title}' in {report.seconds:.1f} s.")
    click.echo(f"{report.path}: {report.tasks} tasks, {report.annotations} annotations ({report.cancelled} skipped, "
               f"{report.ground_truth} ground truth), {report.predictions} predictions, {report.size} bytes, "
               f"sha256 {report.sha256}")  # fmt: skip


@cli.command("validate")
@click.argument("snapshot", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--severity", "severity", multiple=True, metavar="CODE=LEVEL",
              help="Make a check an error or a warning, e.g. --severity V005=error (repeatable).")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Schema file (default: schemas/schema.json).")
@json_option
@reports_errors  # fmt: skip
def validate_command(snapshot: Path, severity: tuple[str, ...], schema_path: Path | None, as_json: bool) -> None:
    """Check a pulled snapshot and report every problem; exit 1 if any is an error.

    Each problem has a stable code (V001-V023, see the README), the document, the annotation
    and the annotator pseudonym. A table by default, --json for machines.
    """
    from curation.check import validate_snapshot
    from curation.errors import ValidationFailed
    from curation.validate import issues_table

    report = validate_snapshot(snapshot, schema_path=schema_path, severities=_parse_severities(severity))
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(issues_table(report), nl=False)
    if report.errors:
        count = len(report.errors)
        raise ValidationFailed(f"{count} error{'s' * (count != 1)} in {snapshot}. Fix them in Label Studio, then pull "
                               "and validate again.")  # fmt: skip


# --- release -------------------------------------------------------------------------------


@cli.command("release")
@click.argument("snapshot", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--version", "version", metavar="X.Y.Z", help="Version to release (MAJOR.MINOR.PATCH).")
@click.option("--exports", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Folder holding the releases, as <name>/<version>/.")  # fmt: skip
@click.option("--name", default=None, help="Release name (default: the schema's name).")
@click.option("--split-config", default=None, metavar="SPEC",
              help="Splits of new documents as name=fraction pairs, e.g. train=0.8,test=0.2 "
                   "(default: the previous release's, else test=1). Released documents keep their split.")  # fmt: skip
@click.option("--split-seed", default=None, help="Seed of the split draw (default: the previous release's, else 'curation').")
@click.option("--force-version", "force_version", default=None, metavar="REASON",
              help="Allow a version bump that does not match the change; REASON goes into the changelog.")  # fmt: skip
@click.option("--notes", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Markdown file added to the card as the curators' notes (default: the previous release's).")  # fmt: skip
@click.option("--license", "license_id", default=None,
              help="Licence id for the card's YAML (default: the previous release's, else 'other').")  # fmt: skip
@click.option("--pretty-name", "pretty_name", default=None, metavar="TEXT",
              help="Display name for the card's title and YAML pretty_name, e.g. GeoNews-IE "
                   "(default: the previous release's, else the release name).")  # fmt: skip
@click.option("--annotations-creators", "annotations_creators", multiple=True, metavar="VALUE",
              help="Who made the labels, for the card's YAML and prose; repeatable; one of crowdsourced, "
                   "expert-generated, found, machine-generated, no-annotation, other (default: the previous "
                   "release's, else derived from the snapshot: people's annotations expert-generated, "
                   "pre-annotations submitted unchanged machine-generated).")  # fmt: skip
@click.option("--single", type=click.Choice(["accept", "reject"]), default=None,
              help="Documents with a single annotation: accept it as gold or leave the document out "
                   "(default: the previous release's, else accept).")  # fmt: skip
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Schema file (default: schemas/schema.json).")  # fmt: skip
@click.option("--check", "check_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Instead of releasing, rebuild the release in this folder from its source/ and verify every file.")  # fmt: skip
@click.option("--push-to-hub", "repo_id", default=None, metavar="REPO_ID",
              help="Then upload the release to this Hugging Face dataset repo (token from HF_TOKEN) and tag it v<version>.")  # fmt: skip
@json_option
@reports_errors
def release_command(snapshot: Path | None, version: str | None, exports: Path, name: str | None,
                    split_config: str | None, split_seed: str | None, force_version: str | None,
                    notes: Path | None, license_id: str | None, pretty_name: str | None,
                    annotations_creators: tuple[str, ...], single: str | None, schema_path: Path | None,
                    check_dir: Path | None, repo_id: str | None, as_json: bool) -> None:  # fmt: skip
    """Cut a versioned Hugging Face dataset release from SNAPSHOT, or verify one with --check DIR.

    Writes EXPORTS/NAME/VERSION/ (parquet per config, README.md card, CHANGELOG.md, release.json,
    MANIFEST.sha256, source/) and prints its path. Refuses to overwrite a release, to go back in
    version, to release while validation reports errors, and a bump that does not match the change.
    """
    from curation.errors import ReleaseError
    from curation.release import check_release, release_snapshot
    from curation.schema import DEFAULT_SCHEMA_PATH

    if check_dir is not None:
        if snapshot is not None or version is not None:
            raise ReleaseError("--check DIR rebuilds an existing release; pass no SNAPSHOT or --version with it.")
        report = check_release(check_dir)
        for line in report.lines():
            click.echo(line)
        if not report.ok:
            raise ReleaseError(
                f"{check_dir} does not match a rebuild from its source/ ({len(report.lines())} file(s) listed above). "
                "A release is never edited in place: restore it from its original copy."
            )
        say(f"{check_dir}: all {report.files} files match a rebuild from source/ and MANIFEST.sha256.")
        if report.built_with != __version__:
            say(f"Note: built by curation {report.built_with}, checked with curation {__version__}.")
        folder = check_dir
        result = None
    else:
        if snapshot is None or version is None:
            raise ReleaseError("Pass a SNAPSHOT file and --version X.Y.Z (or --check DIR to verify a release).")
        result = release_snapshot(
            snapshot, version=version, exports=exports, name=name, split_config=split_config, split_seed=split_seed,
            force_version=force_version, notes=notes.read_text(encoding="utf-8") if notes else None,
            license=license_id, accept_single=None if single is None else single == "accept",
            schema_path=schema_path or DEFAULT_SCHEMA_PATH, pretty_name=pretty_name,
            annotations_creators=annotations_creators,
        )  # fmt: skip
        folder = result.path
        change = f"{result.level} change since {result.previous_version}" if result.previous_version else "first release"
        say(f"Released {result.version} ({change}): {result.counts['documents']} documents, "
            f"{result.counts['mentions']} mentions, {result.counts['relations']} relations, {result.files} files.")  # fmt: skip
    pushed = None
    if repo_id:
        from curation.hub import push_to_hub

        pushed = push_to_hub(folder, repo_id)
        say(f"Pushed to {pushed.repo_id}, tagged {pushed.tag}: {pushed.commit_url}")
    if as_json:
        out: dict[str, Any] = {"path": str(folder)}
        if result is not None:
            out |= {"version": result.version, "previous_version": result.previous_version, "change": result.level,
                    "counts": dict(result.counts)}  # fmt: skip
        if pushed is not None:
            out["hub"] = {"repo_id": pushed.repo_id, "commit": pushed.commit, "tag": pushed.tag, "url": pushed.commit_url}
        echo_json(out)
    elif result is not None or pushed is not None:
        if result is not None:
            click.echo(str(folder))
        if pushed is not None:
            click.echo(pushed.commit)


# --- accept-predictions --------------------------------------------------------------------


@cli.command("accept-predictions")
@click.option("--model-version", required=True, metavar="V",
              help="Accept the predictions of this model version (as pushed with `curation push --predictions`).")
@project_option
@data_dir_option
@json_option
@quiet_option
@reports_errors  # fmt: skip
def accept_predictions_command(model_version: str, project_title: str, data_dir: Path, as_json: bool, quiet: bool) -> None:
    """Accept pre-annotations as annotations, as an annotator who submits them unchanged would.

    For every task holding a prediction of model version V with no annotation created from it
    yet, creates an annotation with the prediction's result (parent_prediction set). This is
    the step human annotators replace in a real project. Running it again creates nothing.
    """
    from curation.accept import accept_predictions
    from curation.server import resolve_connection

    with ProgressBars(show_progress(quiet)) as bars:
        report = accept_predictions(resolve_connection(data_dir=data_dir), project_title=project_title,
                                    model_version=model_version, progress=bars)  # fmt: skip
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo("\n".join(report.lines()))


def main() -> None:
    cli()
