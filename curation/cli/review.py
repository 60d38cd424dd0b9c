"""Commands over a pulled snapshot: validate, agreement, adjudicate."""

from __future__ import annotations

from pathlib import Path

import click

from curation.cli.base import (
    as_option,
    cli,
    data_dir_option,
    echo_json,
    json_option,
    project_option,
    reports_errors,
    say,
    schema_option,
)

# --- validate ------------------------------------------------------------------------------


def _parse_severities(values: tuple[str, ...]) -> dict[str, str]:
    severities = {}
    for value in values:
        code, sep, level = value.partition("=")
        if not sep:
            raise click.BadParameter(f"{value!r} is not CODE=LEVEL (e.g. V005=error).", param_hint="--severity")
        severities[code.strip().upper()] = level.strip().lower()
    return severities


@cli.command("validate")
@click.argument("snapshot", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--severity",
    "severity",
    multiple=True,
    metavar="CODE=LEVEL",
    help="Make a check an error or a warning, e.g. --severity V005=error (repeatable).",
)
@schema_option()
@json_option
@reports_errors  # fmt: skip
def validate_command(snapshot: Path, severity: tuple[str, ...], schema_path: Path | None, as_json: bool) -> None:
    """Check a pulled snapshot and report every problem; exit 1 if any is an error.

    Each problem has a stable code (V001-V023, see docs/cli.md), the document, the annotation
    and the annotator pseudonym. A table by default, --json for machines.
    """
    from curation.core.check import validate_snapshot
    from curation.core.errors import ValidationFailed
    from curation.core.validate import issues_table

    report = validate_snapshot(snapshot, schema_path=schema_path, severities=_parse_severities(severity))
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(issues_table(report), nl=False)
    if report.errors:
        count = len(report.errors)
        raise ValidationFailed(f"{count} error{'s' * (count != 1)} in {snapshot}. Fix them in Label Studio, then pull "
                               "and validate again.")  # fmt: skip


# --- agreement and adjudication ------------------------------------------------------------


_snapshot_argument = click.argument("snapshot", type=click.Path(dir_okay=False, path_type=Path))
_schema_option = schema_option("Schema file saying which relation types are symmetric (default: schemas/schema.json).")


@cli.command("agreement")
@_snapshot_argument
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a PNG heatmap of strict mention F1 (annotator pair x entity type) to this file.",
)
@_schema_option
@json_option
@reports_errors  # fmt: skip
def agreement_command(snapshot: Path, plot: Path | None, schema_path: Path | None, as_json: bool) -> None:
    """Inter-annotator agreement of a pulled snapshot, over documents with two or more annotators.

    Mentions: pairwise strict and partial F1. Relations: Strict and Boundaries F1, and kappa on
    the relation label (Cohen's; Fleiss' with more than two annotators). Entity ids: agreement on
    mentions both annotators marked. Tables per language x type, or --json.
    """
    from curation.review.agreement import agreement_table
    from curation.review.run import run_agreement

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
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the gold (JSONL, one document per line, decision log included) to this file.",
)
@click.option(
    "--single",
    type=click.Choice(["accept", "reject"]),
    default="accept",
    show_default=True,
    help="Documents with a single annotation: accept it as gold (status single_annotated) or hold "
    "them back until a second annotator labels them.",
)
@click.option(
    "--push",
    is_flag=True,
    help="Send each conflicted document's merged draft to Label Studio as a prediction "
    "(model version adjudication-<date>) for a reviewer to resolve and flag as ground truth.",
)
@click.option(
    "--decisions",
    "decisions_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Resolve every open conflict by this decisions file (JSON, one entry with a reason per conflict); "
    "with --push, submit each resolved document to Label Studio flagged as ground truth.",
)
@click.option(
    "--id-map",
    "id_map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE.json",
    help="Apply this reviewed {from: to} map of entity ids to the gold after adjudication (decision rule id_map); "
    "`curation entities --suggest-merges` proposes one.",
)
@project_option
@data_dir_option
@as_option
@_schema_option
@json_option
@reports_errors  # fmt: skip
def adjudicate_command(snapshot: Path, out: Path | None, single: str, push: bool, decisions_path: Path | None,
                       id_map_path: Path | None, project_title: str, data_dir: Path, as_user: str | None,
                       schema_path: Path | None, as_json: bool) -> None:  # fmt: skip
    """Decide one gold annotation per document: ground truth, else majority, else conflict.

    Prints the outcome and every open conflict with each annotator's version (--json for
    machines). Documents with conflicts stay out of the gold until resolved.
    """
    from curation.labelstudio.server import resolve_connection
    from curation.review.gold import adjudication_dict, adjudication_text
    from curation.review.run import run_adjudication

    if as_user is not None and not push:
        raise click.UsageError("--as NAME acts as a user for --push; add --push, or drop --as.")
    connection = resolve_connection(data_dir=data_dir, as_user=as_user) if push else None
    run = run_adjudication(snapshot, out=out, accept_single=single == "accept", push=push,
                           project_title=project_title, connection=connection, schema_path=schema_path,
                           decisions_path=decisions_path, id_map_path=id_map_path)  # fmt: skip
    if run.id_map is not None and run.renamed is not None:
        pairs = ", ".join(f"{a} -> {b} ({n})" for (a, b), n in sorted(run.renamed.items()))
        total = sum(run.renamed.values())
        say(f"Applied the id map {run.id_map.source}: {total} gold mention{'s' * (total != 1)} renamed"
            + (f" ({pairs})." if pairs else "; no gold mention has a mapped id."))  # fmt: skip
    if run.written is not None:
        say(f"Wrote {len(run.adjudication.gold)} gold documents to {run.written}.")
    if run.pushed is not None:
        p = run.pushed
        say(f"Pushed {len(p.sent)} review drafts (model version {p.model_version}) to project '{p.project}'"
            + (f"; {len(p.already_there)} were already there." if p.already_there else "."))  # fmt: skip
    if run.decisions is not None:
        decided = sum(1 for d in run.adjudication.decisions if d.rule == "decision")
        say(f"Applied {len(run.decisions.entries)} decisions from {run.decisions.source}: {decided} gold items "
            "decided by them.")  # fmt: skip
    if run.resolved is not None:
        r = run.resolved
        say(f"Submitted {len(r.submitted)} resolved documents as ground truth (model version {r.model_version}) to "
            f"project '{r.project}'" + (f"; {len(r.already_there)} were already flagged." if r.already_there else "."))  # fmt: skip
    if as_json:
        data = adjudication_dict(run.adjudication)
        if run.resolved is not None:
            data["resolved"] = {"model_version": run.resolved.model_version, "submitted": list(run.resolved.submitted),
                                "already_there": list(run.resolved.already_there)}  # fmt: skip
        if run.pushed is not None:
            data["pushed"] = {"model_version": run.pushed.model_version, "sent": list(run.pushed.sent),
                              "already_there": list(run.pushed.already_there)}  # fmt: skip
        echo_json(data)
    else:
        click.echo(adjudication_text(run.adjudication), nl=False)
