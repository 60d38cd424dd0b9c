"""Commands that make and use releases: release, evaluate, compare."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from curation import __version__
from curation.cli.base import cli, echo_json, json_option, reports_errors, say, schema_option

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
@click.option(
    "--split-seed", default=None, help="Seed of the split draw (default: the previous release's, else 'curation')."
)
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
@click.option("--tokenizer", type=click.Choice(["1", "2"]), default=None,
              help="Tokenizer rule of the tokens config: 2 cuts the clitic 's off English words, 1 does not "
                   "(default: 2, the current rule; 1 rebuilds a release cut before rule 2, such as "
                   "geonews-ie 1.0.0).")  # fmt: skip
@schema_option()
@click.option("--decisions", "decisions_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Decisions file that resolved the open conflicts (see curation adjudicate --decisions); kept in "
                   "source/ and its reasons in source/decisions.parquet.")  # fmt: skip
@click.option("--id-map", "id_map_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.json", help="Reviewed {from: to} map of entity ids applied to the gold after adjudication "
                   "(see curation adjudicate --id-map); kept in source/, the renames in the changelog.")  # fmt: skip
@click.option("--check", "check_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Instead of releasing, rebuild the release in this folder from its source/ and verify every file.")  # fmt: skip
@click.option("--push-to-hub", "repo_id", default=None, metavar="REPO_ID",
              help="Then upload the release to this Hugging Face dataset repo (token from HF_TOKEN) and tag it v<version>.")  # fmt: skip
@json_option
@reports_errors
def release_command(snapshot: Path | None, version: str | None, exports: Path, name: str | None,
                    split_config: str | None, split_seed: str | None, force_version: str | None,
                    notes: Path | None, license_id: str | None, pretty_name: str | None,
                    annotations_creators: tuple[str, ...], single: str | None, tokenizer: str | None,
                    schema_path: Path | None, decisions_path: Path | None, id_map_path: Path | None,
                    check_dir: Path | None,
                    repo_id: str | None, as_json: bool) -> None:  # fmt: skip
    """Cut a versioned Hugging Face dataset release from SNAPSHOT, or verify one with --check DIR.

    Writes EXPORTS/NAME/VERSION/ (parquet per config, README.md card, CHANGELOG.md, release.json,
    MANIFEST.sha256, source/) and prints its path. Refuses to overwrite a release, to go back in
    version, to release while validation reports errors, and a bump that does not match the change.
    """
    from curation.core.errors import ReleaseError
    from curation.core.schema import DEFAULT_SCHEMA_PATH
    from curation.release.run import check_release, release_snapshot

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
            annotations_creators=annotations_creators, decisions_path=decisions_path, tokenizer=tokenizer,
            id_map_path=id_map_path,
        )  # fmt: skip
        folder = result.path
        change = (
            f"{result.level} change since {result.previous_version}" if result.previous_version else "first release"
        )
        say(f"Released {result.version} ({change}): {result.counts['documents']} documents, "
            f"{result.counts['mentions']} mentions, {result.counts['relations']} relations, {result.files} files.")  # fmt: skip
        n = result.registry_findings
        say(f"Entity registry: {n} finding{'s' * (n != 1)} in the released gold; `curation entities {folder}` "
            "lists every id and finding.")  # fmt: skip
    pushed = None
    if repo_id:
        from curation.release.hub import push_to_hub

        pushed = push_to_hub(folder, repo_id)
        say(f"Pushed to {pushed.repo_id}, tagged {pushed.tag}: {pushed.commit_url}")
    if as_json:
        out: dict[str, Any] = {"path": str(folder)}
        if result is not None:
            out |= {"version": result.version, "previous_version": result.previous_version, "change": result.level,
                    "counts": dict(result.counts)}  # fmt: skip
        if pushed is not None:
            out["hub"] = {
                "repo_id": pushed.repo_id,
                "commit": pushed.commit,
                "tag": pushed.tag,
                "url": pushed.commit_url,
            }
        echo_json(out)
    elif result is not None or pushed is not None:
        if result is not None:
            click.echo(str(folder))
        if pushed is not None:
            click.echo(pushed.commit)


# --- evaluate, compare --------------------------------------------------------------------------

FORMATS = ("text", "markdown", "latex", "json")
#: curation.evaluate.bootstrap's DEFAULT_RESAMPLES and DEFAULT_SEED (the CLI loads only core on import; a test pins them equal).
DEFAULT_RESAMPLES, DEFAULT_SEED = 1000, 0


def scoring_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--split, --schema, --bootstrap, --seed, --format and --json, shared by evaluate and compare."""
    for option in reversed((
        click.option("--split", default="test", show_default=True, help="Split of the gold to score against."),
        schema_option("Schema giving the types and symmetric relations (default: the release's "
                      "source/schema.json, else schemas/schema.json)."),
        click.option("--bootstrap", "resamples", type=click.IntRange(min=0), default=DEFAULT_RESAMPLES,
                     show_default=True, help="Document-level bootstrap resamples for the 95% intervals; 0 turns "
                                             "them off."),
        click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True,
                     help="Seed of the bootstrap draws (a run with the same seed gives the same intervals)."),
        click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
                     help="text: tables for the terminal; markdown or latex: the table for a paper, with the "
                          "release, split, hashes, tool version and bootstrap settings; json: everything."),
        click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
    )):  # fmt: skip
        command = option(command)
    return command


@cli.command("evaluate")
@click.option(
    "--gold",
    "gold",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Release folder (exports/<name>/<version>) or any dataset folder with a documents config.",
)
@click.option(
    "--predictions",
    "predictions",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Prediction JSONL file: one line per document (schemas/predictions.schema.json).",
)
@scoring_options
@reports_errors  # fmt: skip
def evaluate_command(
    gold: Path,
    predictions: Path,
    split: str,
    schema_path: Path | None,
    resamples: int,
    seed: int,
    output_format: str,
    as_json: bool,
) -> None:
    """Score a system's predictions against a release: mentions, relations and triples.

    Prints precision, recall and F1 with counts, micro-averaged overall, by language and by type,
    and each F1's 95% interval from the document-level bootstrap.
    """
    from curation.evaluate.score import evaluate_release
    from curation.evaluate.tables import latex_report, markdown_report, render_report

    result = evaluate_release(
        gold=gold, predictions=predictions, split=split, schema_path=schema_path, resamples=resamples, seed=seed
    )
    show(result.notes, "json" if as_json else output_format, result.report, result.provenance,
         text=render_report, markdown=markdown_report, latex=latex_report)  # fmt: skip


@cli.command("compare")
@click.option(
    "--gold",
    "gold",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Release folder (exports/<name>/<version>) both systems are scored against.",
)
@click.argument("a", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("b", type=click.Path(dir_okay=False, path_type=Path))
@scoring_options
@reports_errors  # fmt: skip
def compare_command(
    gold: Path,
    a: Path,
    b: Path,
    split: str,
    schema_path: Path | None,
    resamples: int,
    seed: int,
    output_format: str,
    as_json: bool,
) -> None:
    """Compare two systems' predictions (A, B) on the same documents of a release.

    For each headline F1, overall and per language: A, B, the difference B - A with its
    paired-bootstrap 95% interval and a two-sided p-value from the same resamples.
    """
    from curation.evaluate.compare import compare_release, latex_comparison, markdown_comparison, render_comparison

    result = compare_release(gold=gold, a=a, b=b, split=split, schema_path=schema_path, resamples=resamples, seed=seed)
    show(result.notes, "json" if as_json else output_format, result.result, result.provenance,
         text=render_comparison, markdown=markdown_comparison, latex=latex_comparison)  # fmt: skip


def show(notes: Any, output_format: str, data: dict[str, Any], provenance: dict[str, Any], *, text: Any,
         markdown: Any, latex: Any) -> None:  # fmt: skip
    """Notes to stderr; the scores to stdout as JSON (with their provenance), a paper's table, or text."""
    for note in notes:
        say(note)
    if output_format == "json":
        echo_json({**data, "provenance": provenance})
    elif output_format in ("markdown", "latex"):
        click.echo((markdown if output_format == "markdown" else latex)(data, provenance), nl=False)
    else:
        click.echo(text(data), nl=False)
