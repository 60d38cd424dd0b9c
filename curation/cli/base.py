"""What every command shares: the click group, option decorators, output helpers, progress bars.

No logic lives in the CLI. Each command parses its options, calls one typed function of the
library, prints data to stdout (``--json`` where it helps) and talk to stderr. A
:class:`~curation.core.errors.CurationError` becomes one ``Error: ...`` line and exit code 1.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from curation import __version__
from curation.core.errors import CurationError

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


def schema_option(help: str = "Schema file (default: schemas/schema.json).") -> Callable[[Any], Any]:
    """``--schema FILE`` (``schema_path``, default None: the command's default schema), with ``help``."""
    return click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help=help)  # fmt: skip


def data_dir_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(".labelstudio"),
        show_default=True,
        help="Data folder of the local Label Studio (its SQLite database and stored credentials).",
    )(command)


def as_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--as",
        "as_user",
        metavar="NAME",
        default=None,
        help="Act as user NAME of the local Label Studio (added with `curation server add-user NAME`; its token "
        "is read from the data dir's credentials.json), so what this writes is that user's. Against an external "
        "Label Studio, set LABEL_STUDIO_API_KEY to that person's own token instead.",
    )(command)


def jobs_option(what: str) -> Callable[[Any], Any]:
    """``--jobs N`` (``jobs``, default None: chosen from the server), ``what`` saying what runs at once."""
    return click.option(
        "--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
        help=f"{what} Default: chosen from the server (1 for the local SQLite server, up to 4 for a local "
        "PostgreSQL server with that many workers, 2 for an external server).",
    )  # fmt: skip


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

    def __enter__(self) -> ProgressBars:
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
