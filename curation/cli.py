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


# --- evaluate ------------------------------------------------------------------------------


@cli.command("evaluate")
@click.option("--gold", "gold", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Release folder (exports/<name>/<version>) or any dataset folder with a documents config.")
@click.option("--predictions", "predictions", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Prediction JSONL file: one line per document (schemas/predictions.schema.json).")
@click.option("--split", default="test", show_default=True, help="Split of the gold to score against.")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Schema file giving the types and symmetric relations (default: schemas/schema.json).")
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


def main() -> None:
    cli()
