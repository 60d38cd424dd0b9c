"""Commands around the Label Studio project: schema, server, push, pull, accept-predictions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from curation.cli.base import (
    ProgressBars,
    as_option,
    cli,
    data_dir_option,
    echo_json,
    jobs_option,
    json_option,
    project_option,
    quiet_option,
    reports_errors,
    say,
    schema_option,
    show_progress,
)

if TYPE_CHECKING:
    from curation.labelstudio.server import ServerStatus

# --- schema --------------------------------------------------------------------------------


@cli.group()
def schema() -> None:
    """Show what is generated from schemas/schema.json."""


@schema.command("label-config")
@schema_option()
@reports_errors
def schema_label_config(schema_path: Path | None) -> None:
    """Print the Label Studio label config generated from the schema (label_config.xml)."""
    from curation.core.schema import DEFAULT_SCHEMA_PATH, label_config, load_schema

    click.echo(label_config(load_schema(schema_path or DEFAULT_SCHEMA_PATH)), nl=False)


@schema.command("guidelines")
@schema_option()
@reports_errors
def schema_guidelines(schema_path: Path | None) -> None:
    """Print the annotator guidelines (HTML) generated from the schema."""
    from curation.core.schema import DEFAULT_SCHEMA_PATH, guidelines_html, load_schema

    click.echo(guidelines_html(load_schema(schema_path or DEFAULT_SCHEMA_PATH)), nl=False)


# --- server --------------------------------------------------------------------------------


@cli.group()
def server() -> None:
    """Run a local Label Studio (127.0.0.1, SQLite) for annotation."""


@server.command("start")
@click.option("--port", type=int, default=8080, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--backend",
    type=click.Choice(["sqlite", "postgresql"]),
    default=None,
    help="sqlite: Label Studio's own server, one process (the default for a new data dir). postgresql: a private "
    "PostgreSQL cluster in the data dir and Label Studio under gunicorn, for a team. Default: the data dir's own.",
)
@click.option("--workers", type=int, default=4, show_default=True, help="gunicorn worker processes (postgresql).")
@data_dir_option
@reports_errors
def server_start(port: int, backend: str | None, workers: int, data_dir: Path) -> None:
    """Start Label Studio in the background and wait until it answers."""
    from curation.labelstudio.server import start_server

    took = "about a minute, with PostgreSQL" if backend == "postgresql" else "about 30 s"
    say(f"Starting Label Studio on 127.0.0.1:{port} (data in {data_dir}/); this takes {took}...")
    status, notes = start_server(data_dir=data_dir, port=port, backend=backend, workers=workers)
    for note in notes:
        say(note)
    say(f"Label Studio is running ({_processes(status)}). Open it in a browser at:")
    click.echo(status.url)


def _processes(status: ServerStatus) -> str:
    """``pid 123`` for the SQLite server; the processes and workers of the PostgreSQL stack."""
    if status.backend == "sqlite":
        return f"pid {status.pid}"
    names = ", ".join(f"{name} pid {pid}" for name, pid in status.processes)
    return f"{status.backend}: {names}, {status.workers} workers"


@server.command("stop")
@data_dir_option
@reports_errors
def server_stop(data_dir: Path) -> None:
    """Stop the local Label Studio."""
    from curation.labelstudio.server import stop_server

    say(stop_server(data_dir=data_dir))


@server.command("status")
@data_dir_option
@json_option
@reports_errors
def server_status_command(data_dir: Path, as_json: bool) -> None:
    """Say whether the local Label Studio runs, and where."""
    from curation.labelstudio.server import server_status

    status = server_status(data_dir)
    if as_json:
        processes = {name: pid for name, pid in status.processes}
        echo_json({"state": status.state, "url": status.url, "pid": status.pid, "backend": status.backend,
                   "workers": status.workers, "processes": processes})  # fmt: skip
    elif status.state == "running":
        click.echo(f"running {status.url} ({_processes(status)})")
    elif status.state == "stale":
        click.echo(f"stale: PID file for process {status.pid}, which is gone. Run `curation server stop` to clean up.")
    else:
        click.echo("stopped")


@server.command("add-user")
@click.argument("name")
@data_dir_option
@json_option
@reports_errors
def server_add_user(name: str, data_dir: Path, as_json: bool) -> None:
    """Add annotator NAME (NAME@curation.localhost) to the local Label Studio, for `--as NAME`.

    The user joins the admin's organization, so it sees every project. Its password and API
    token are kept in the data dir's credentials.json (mode 0600), never shown. Adding a name
    that is already there changes nothing.
    """
    from curation.labelstudio.users import add_user

    added = add_user(name, data_dir=data_dir)
    if added.created:
        say(f"Added user {added.name} ({added.email}) to the Label Studio at {added.url}; its token is in "
            f"{added.credentials}.")  # fmt: skip
    else:
        say(f"User {added.name} already exists.")
    if as_json:
        echo_json({"name": added.name, "email": added.email, "created": added.created})


@server.command("users")
@data_dir_option
@json_option
@reports_errors
def server_users(data_dir: Path, as_json: bool) -> None:
    """List the users added with `curation server add-user` (names and e-mails, never tokens)."""
    from curation.labelstudio.server import stored_users

    users = stored_users(data_dir)
    if as_json:
        echo_json([{"name": u.name, "email": u.email} for u in users.values()])
    elif users:
        click.echo("\n".join(f"{u.name}\t{u.email}" for u in users.values()))
    else:
        say("No users yet. Add one with `curation server add-user NAME`.")


# --- push ----------------------------------------------------------------------------------


@cli.command("push")
@click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    default=Path("corpus"),
    show_default=True,
    help="Corpus folder (NAME.txt + NAME.json per article) or JSONL file (one article per line).",
)
@project_option
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Pre-annotations to import: JSONL, one annotation record per line, each with doc_id and "
    "model_version. Imported once per task and model_version.",
)
@click.option(
    "--overlap",
    type=click.IntRange(min=1),
    default=None,
    help="How many annotators label each article (sets it for every task of the project).",
)
@click.option(
    "--update-config",
    is_flag=True,
    help="Apply the schema's label config when the project's differs (otherwise the push stops).",
)
@click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
@jobs_option("Import requests sent at once, each over its own connection.")
@json_option
@quiet_option
@data_dir_option
@as_option
@reports_errors  # fmt: skip
def push_command(corpus: Path, project_title: str, predictions: Path | None, overlap: int | None,
                 update_config: bool, dry_run: bool, jobs: int | None, as_json: bool, quiet: bool, data_dir: Path,
                 as_user: str | None) -> None:  # fmt: skip
    """Put the corpus into Label Studio for annotation; running it again imports only what is new.

    Creates the project if missing, with the schema's label config and guidelines, and imports
    each article as a task with its metadata and the sha256 of its text. An article whose text
    changed after it was pushed is refused (never duplicated, never replaced).
    """
    from curation.labelstudio.jobs import default_jobs
    from curation.labelstudio.server import resolve_connection
    from curation.project.cache import default_cache_dir
    from curation.project.index import open_corpus
    from curation.project.push import push

    # bad input is reported before any server is needed; an unchanged corpus is not read again
    opened = open_corpus(corpus, default_cache_dir())
    with ProgressBars(show_progress(quiet)) as bars:
        report = push(
            resolve_connection(data_dir=data_dir, as_user=as_user), corpus=opened, project_title=project_title,
            predictions=predictions, overlap=overlap, update_config=update_config, dry_run=dry_run, progress=bars,
            jobs=jobs or default_jobs(data_dir),
        )  # fmt: skip
    if not quiet:
        for note in report.notes:
            say(note)
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo("\n".join(report.lines()))


# --- pull ----------------------------------------------------------------------------------


@cli.command("pull")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Snapshot file to write (Label Studio JSON export); FILE.sha256 is written beside it.",
)
@project_option
@jobs_option("Export shards (task-id ranges) built and downloaded at once; 1: one export of the whole project.")
@data_dir_option
@quiet_option
@reports_errors  # fmt: skip
def pull_command(out: Path, project_title: str, jobs: int | None, data_dir: Path, quiet: bool) -> None:
    """Snapshot a project: every task, annotation (skipped ones too) and prediction, in full.

    Written atomically (temporary file, then rename) with its sha256 in FILE.sha256.
    Transient failures are retried with backoff.
    """
    from curation.labelstudio.jobs import default_jobs
    from curation.labelstudio.server import resolve_connection
    from curation.project.pull import pull

    bars = ProgressBars(
        show_progress(quiet),
        units={"download": "B", "shards": " shards"},
        announcements={"export": "Label Studio is building the snapshot (about 30 s per 10,000 annotated tasks)..."},
    )
    with bars:
        report = pull(resolve_connection(data_dir=data_dir), project_title=project_title, out=out, progress=bars,
                      jobs=jobs or default_jobs(data_dir))  # fmt: skip
    if not quiet:
        if report.repaired_tasks:
            say(f"Read {len(report.repaired_tasks)} tasks again from the API: the export lacked some of their "
                "annotations or predictions.")  # fmt: skip
        if report.unresolved_tasks:
            ids = ", ".join(map(str, report.unresolved_tasks[:10])) + (
                " ..." if len(report.unresolved_tasks) > 10 else ""
            )
            say(f"Tasks {ids} still have fewer annotations or predictions than Label Studio's counters say (someone "
                "annotating right now, or stale counters); pull again later to include them.")  # fmt: skip
        if report.unknown_annotators:
            say(f"{report.unknown_annotators} annotations have no Label Studio user id; `curation validate` "
                "reports them (V019).")  # fmt: skip
        say(f"Pulled project '{report.project_title}' in {report.seconds:.1f} s.")
    click.echo(f"{report.path}: {report.tasks} tasks, {report.annotations} annotations ({report.cancelled} skipped, "
               f"{report.ground_truth} ground truth), {report.predictions} predictions, {report.size} bytes, "
               f"sha256 {report.sha256}")  # fmt: skip


# --- accept-predictions --------------------------------------------------------------------


@cli.command("accept-predictions")
@click.option(
    "--model-version",
    required=True,
    metavar="V",
    help="Accept the predictions of this model version (as pushed with `curation push --predictions`).",
)
@project_option
@data_dir_option
@as_option
@json_option
@quiet_option
@reports_errors  # fmt: skip
def accept_predictions_command(
    model_version: str, project_title: str, data_dir: Path, as_user: str | None, as_json: bool, quiet: bool
) -> None:
    """Accept pre-annotations as annotations, as an annotator who submits them unchanged would.

    For every task holding a prediction of model version V with no annotation created from it
    yet, creates an annotation with the prediction's result (parent_prediction set). This is
    the step human annotators replace in a real project. Running it again creates nothing.
    """
    from curation.labelstudio.server import resolve_connection
    from curation.project.accept import accept_predictions

    with ProgressBars(show_progress(quiet)) as bars:
        report = accept_predictions(resolve_connection(data_dir=data_dir, as_user=as_user), project_title=project_title,
                                    model_version=model_version, progress=bars)  # fmt: skip
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo("\n".join(report.lines()))
