"""Commands over canonical entity ids: the registry and its checks, and pre-annotation from a release."""

from __future__ import annotations

from pathlib import Path

import click

from curation.cli.base import cli, echo_json, json_option, reports_errors, say, schema_option


@cli.command("entities")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--against",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="RELEASE",
    help="Also list ids this release does not have (R004) and ids whose type differs from its (R005).",
)
@click.option(
    "--suggest-merges",
    "suggest_merges",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE.json",
    help="Write the {from: to} id map the R003 findings propose, for review and `curation adjudicate --id-map`.",
)
@json_option
@reports_errors  # fmt: skip
def entities_command(source: Path, against: Path | None, suggest_merges: Path | None, as_json: bool) -> None:
    """The entity registry of a snapshot or a release, and the id mistakes across documents.

    SOURCE is a pulled snapshot (every annotator's records), a release folder (its gold) or a
    release's source/ folder. Per id: types, surface forms per language, documents,
    annotators; then every finding (R001-R005, see docs/cli.md) with its places and the fix.
    Findings are for a person to judge: the exit status is 0 with findings.
    """
    from curation.release.lookup import entities_text, run_entities

    report = run_entities(source, against=against, suggest_merges=suggest_merges)
    if suggest_merges is not None:
        say(f"Wrote {len(report.merges)} suggested id merges to {suggest_merges}. Review them, then apply with "
            f"`curation adjudicate SNAPSHOT --id-map {suggest_merges}`.")  # fmt: skip
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(entities_text(report), nl=False)


@cli.command("preannotate")
@click.option(
    "--registry",
    "registry_release",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="RELEASE",
    help="Release whose entities config is the dictionary (every alias of every entity).",
)
@click.option(
    "--corpus",
    required=True,
    type=click.Path(path_type=Path),
    help="Articles to pre-annotate (a corpus folder or JSONL, as `curation push --corpus` takes).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.jsonl",
    help="Pre-annotation file to write (the format `curation push --predictions` reads).",
)
@click.option(
    "--model-version",
    "model_version",
    default=None,
    metavar="V",
    help="Model version of the pre-annotations (default: registry-<name>-<version>).",
)
@schema_option("Schema the pre-annotations are checked against (default: schemas/schema.json).")
@reports_errors  # fmt: skip
def preannotate_command(registry_release: Path, corpus: Path, out: Path, model_version: str | None,
                        schema_path: Path | None) -> None:  # fmt: skip
    """Pre-annotate new articles with the entities of a release: typed mentions with their ids.

    Every alias is matched longest first, without overlaps, after the text normalization of
    triples matching (case, Arabic diacritics and letter variants), at word boundaries
    (Arabic proclitics allowed); offsets point into the original text.
    """
    from curation.release.lookup import run_preannotate

    done = run_preannotate(registry_release, corpus, out, model_version=model_version, schema_path=schema_path)
    say(f"Wrote {done.mentions} pre-annotated mentions in {done.documents} documents (model version "
        f"{done.model_version}) to {done.out}. Push them with `curation push --corpus {corpus} --predictions {out}`.")  # fmt: skip
