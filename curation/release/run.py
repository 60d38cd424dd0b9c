"""``curation release``: cut a versioned release from a snapshot, and check one against its source.

The pipeline is ``load_snapshot -> validate -> adjudicate -> build_release`` (the builder is
pure, see :mod:`curation.release.build`); this module adds the rules and the files:

1. an existing version is never overwritten;
2. the version must be greater than the last release of the same name;
3. a release is refused while validation reports errors;
4. the bump must match the change (:mod:`curation.release.diff`: changed gold in a released
   document -> major, new documents -> minor, anything else -> patch, nothing -> refused)
   unless ``force_version`` gives the reason, which goes into the changelog.

A release is written to a hidden temporary folder and renamed into place, so a failed
release leaves nothing behind. :func:`check_release` rebuilds a release from its own
``source/`` (re-adjudicating the stored annotation records) and compares every file with
the rebuild and with ``MANIFEST.sha256``.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from curation import __version__
from curation.core.errors import ReleaseError
from curation.core.records import Annotation, Document
from curation.core.schema import DEFAULT_SCHEMA_PATH, Schema, load_schema
from curation.release.build import (
    ID_MAP_FILE,
    REVIEW_FILE,
    SOURCE,
    BuildInputs,
    BuildOptions,
    Built,
    build_release,
    sha256,
)
from curation.release.card.front_matter import check_annotations_creators
from curation.release.diff import ReleaseState, state_from_rows
from curation.release.hfdata import read_parquet_rows
from curation.release.source import read_annotations, read_documents
from curation.release.splits import DEFAULT_SPLIT_CONFIG, DEFAULT_SPLIT_SEED
from curation.release.tokens import TOKENIZER
from curation.release.versions import (  # noqa: F401  (re-exported: the version rules are part of release)
    LEVEL_WHY,
    bump_level,
    check_bump,
    check_new_version,
    next_version,
    parse_version,
    released_versions,
)
from curation.review.decisions import Decisions, parse_decisions
from curation.review.idmap import IdMap, apply_id_map, parse_id_map
from curation.review.run import load_decisions, load_id_map

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ReleaseResult:
    """What ``curation release`` made."""

    path: Path
    version: str
    previous_version: str | None
    level: str | None
    files: int
    counts: Mapping[str, Any]
    registry_findings: int = 0


def release_snapshot(
    snapshot: Path,
    *,
    version: str,
    exports: Path = Path("exports"),
    name: str | None = None,
    split_config: str | None = None,
    split_seed: str | None = None,
    force_version: str | None = None,
    notes: str | None = None,
    license: str | None = None,
    accept_single: bool | None = None,
    schema_path: Path = DEFAULT_SCHEMA_PATH,
    pretty_name: str | None = None,
    annotations_creators: tuple[str, ...] = (),
    decisions_path: Path | None = None,
    tokenizer: str | None = None,
    id_map_path: Path | None = None,
) -> ReleaseResult:
    """Build ``exports/<name>/<version>/`` from a snapshot, enforcing every rule.

    ``notes``, ``license``, ``pretty_name``, ``annotations_creators``, the split settings and
    ``accept_single`` default to the previous release's (its ``source/build.json``);
    ``tokenizer``, the ``tokens`` config's rule, to the current one. With ``decisions_path``, open
    conflicts are decided by that decisions file, which the release keeps as
    ``source/review-decisions.json`` (its reasons go into ``source/decisions.parquet``). With
    ``id_map_path``, that reviewed id map renames ids of the gold after adjudication; it is kept as
    ``source/id-map.json`` and the changelog states the renames. ``registry_findings`` counts the
    entity registry's findings over the released gold (``curation entities`` lists them).
    """
    from curation.core.normalize import file_sha256, load_snapshot
    from curation.core.validate import validate
    from curation.review.adjudicate import adjudicate

    if force_version is not None and not force_version.strip():
        raise ReleaseError("--force-version needs a reason, e.g. --force-version 'schema 2.0 renames types'.")
    schema = load_schema(schema_path)
    name = name or schema.name
    if not _NAME.match(name):
        raise ReleaseError(f"Release name {name!r} is not a folder name. Use letters, digits, '.', '_' and '-'.")
    if pretty_name is not None and (not pretty_name.strip() or pretty_name != " ".join(pretty_name.split())):
        raise ReleaseError(
            f"--pretty-name {pretty_name!r} is not a one-line name without extra spaces. "
            "Pass the dataset's display name, e.g. --pretty-name GeoNews-IE."
        )
    creators = check_annotations_creators(annotations_creators)
    previous_version = check_new_version(exports, name, version)
    normalized = load_snapshot(snapshot)
    report = validate(normalized, schema)
    if report.errors:
        first = report.errors[0]
        raise ReleaseError(
            f"Release refused: validation reports {len(report.errors)} error(s), first {first.code} in document "
            f"{first.doc_id} (annotation {first.annotation_id}, {first.annotator}): {first.message} "
            f"Run `curation validate {snapshot}` for all of them, fix them in Label Studio, pull again and release."
        )
    review, review_bytes = load_decisions(decisions_path) if decisions_path is not None else (None, None)
    # Checked under its own name for the messages; logged under the name the release keeps it by,
    # so that `--check` rebuilds the same reasons.
    id_map, id_map_bytes = load_id_map(id_map_path) if id_map_path is not None else (None, None)
    id_map = replace(id_map, source=f"{SOURCE}/{ID_MAP_FILE}") if id_map is not None else None
    previous = read_state(exports / name / previous_version) if previous_version else None
    before = previous_options(exports / name / previous_version) if previous_version else {}
    options = BuildOptions(
        name=name,
        version=version,
        snapshot_sha256=file_sha256(Path(snapshot)),
        split_config=split_config or before.get("split_config") or DEFAULT_SPLIT_CONFIG,
        split_seed=split_seed or before.get("split_seed") or DEFAULT_SPLIT_SEED,
        force_reason=force_version,
        notes=notes if notes is not None else before.get("notes"),
        license=license or before.get("license") or "other",
        accept_single=accept_single if accept_single is not None else before.get("accept_single", True),
        tool_version=__version__,
        pretty_name=pretty_name if pretty_name is not None else before.get("pretty_name"),
        annotations_creators=creators or tuple(before.get("annotations_creators") or ()),
        decisions_sha256=sha256(review_bytes) if review_bytes is not None else None,
        tokenizer=tokenizer or TOKENIZER,
        id_map_sha256=sha256(id_map_bytes) if id_map_bytes is not None else None,
    )
    built = build_from(normalized.documents, normalized.annotations, schema, schema_path.read_bytes(), previous,
                       options, adjudicate=adjudicate, predictions=normalized.predictions, review=review,
                       review_bytes=review_bytes, id_map=id_map, id_map_bytes=id_map_bytes)  # fmt: skip
    if previous_version:
        check_bump(previous_version, version, built.level, force_version)
    path = write_release(exports / name / version, built.files)
    counts = json.loads(built.files["release.json"])["counts"]
    level, files = built.level, len(built.files)
    del built, normalized  # the registry reads the written release back: let the records and file bytes go first
    from curation.release.lookup import read_uses
    from curation.review.registry import findings

    found = len(findings(read_uses(path)))
    return ReleaseResult(path, version, previous_version, level, files, counts, found)


def build_from(
    documents: Mapping[str, Document],
    annotations: tuple[Annotation, ...],
    schema: Schema,
    schema_bytes: bytes,
    previous: ReleaseState | None,
    options: BuildOptions,
    *,
    adjudicate: Any,
    predictions: tuple[Annotation, ...] = (),
    review: Decisions | None = None,
    review_bytes: bytes | None = None,
    id_map: IdMap | None = None,
    id_map_bytes: bytes | None = None,
) -> Built:
    """Adjudicate normalized records, apply the id map, and build the release (shared by release and --check)."""
    snapshot = _Records(dict(documents), tuple(annotations))
    adjudication = adjudicate(snapshot, schema, accept_single=options.accept_single, decisions=review)
    merges = None
    if id_map is not None:
        adjudication, merges = apply_id_map(adjudication, id_map)
    excluded = {
        "unannotated": len(adjudication.unannotated),
        "open_conflicts": len(adjudication.conflicts),
        "awaiting_second_annotator": len(adjudication.awaiting_second),
    }
    figures, heatmap = agreement_figures(snapshot, schema)
    inputs = BuildInputs(
        documents=snapshot.documents,
        annotations=snapshot.annotations,
        gold=tuple(adjudication.gold),
        decisions=tuple(adjudication.decisions),
        excluded={k: v for k, v in excluded.items() if v},
        agreement=figures,
        schema=schema,
        schema_bytes=schema_bytes,
        previous=previous,
        options=options,
        predictions=tuple(predictions),
        review_bytes=review_bytes,
        review=review,
        agreement_png=heatmap,
        id_map_bytes=id_map_bytes,
        id_merges=merges,
    )
    return build_release(inputs)


@dataclass(frozen=True)
class _Records:
    """The two things adjudication and agreement read from a snapshot."""

    documents: dict[str, Document]
    annotations: tuple[Annotation, ...]


def agreement_figures(snapshot: _Records, schema: Schema) -> tuple[dict[str, Any] | None, bytes | None]:
    """The card's agreement table and the heatmap PNG, or (None, None) when no document has two
    or more annotators. Mention F1 per entity type is given when some type has been compared."""
    from curation.review.agreement import agreement
    from curation.review.plots import agreement_png

    report = agreement(snapshot, schema)
    if report.documents == 0:
        return None, None
    m, r, ids, k = report.mentions(), report.relations(), report.entity_ids(), report.kappa
    figures: dict[str, Any] = {
        "documents with two or more annotators": report.documents,
        "annotators compared": len(report.annotators),
        "mentions, strict F1 (same span and type)": m.strict_f1,
        "mentions, partial F1 (overlapping span, same type)": m.partial_f1,
    }
    for language, counts in report.mentions("language").items():
        figures[f"mentions, strict F1, {language}"] = counts.strict_f1
    for language, counts in report.mentions("language").items():
        figures[f"mentions, partial F1, {language}"] = counts.partial_f1
    for etype, counts in report.mentions("type").items():
        figures[f"mentions, strict F1, {etype}"] = counts.strict_f1
    figures.update(
        {
            "relations, strict F1": r.strict_f1,
            "relations, boundaries F1": r.boundaries_f1,
            f"relation label kappa ({k.method})": k.value,
            "entity ids agreeing on mentions both marked": ids.agreement,
        }
    )
    return figures, agreement_png(report)


def read_state(folder: Path) -> ReleaseState:
    """The state of a released folder, for the next release's splits, diff and bump rule."""
    manifest = read_manifest(folder)
    rows: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(p for p in manifest if p.startswith("documents/") and p.endswith(".parquet")):
        rows.setdefault(Path(path).name.split("-")[0], []).extend(read_parquet_rows(folder / path))
    schema = load_schema(folder / "source" / "schema.json")
    return state_from_rows(
        folder.name,
        rows,
        symmetric=[r.label for r in schema.relation_types if r.symmetric],
        data_sha256={p: s for p, s in manifest.items() if "/" in p and not p.startswith("source/")},
        card_sha256=manifest.get("README.md", ""),
        changelog=(folder / "CHANGELOG.md").read_text(encoding="utf-8") if (folder / "CHANGELOG.md").exists() else "",
    )


def previous_options(folder: Path) -> dict[str, Any]:
    """The build options of a released folder (``source/build.json``), to carry them over."""
    path = folder / "source" / "build.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def read_manifest(folder: Path) -> dict[str, str]:
    """``path -> sha256`` from ``MANIFEST.sha256``."""
    path = folder / "MANIFEST.sha256"
    if not path.is_file():
        raise ReleaseError(f"{folder} has no MANIFEST.sha256, so it is not a release made by `curation release`.")
    out = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ReleaseError(f"{path} line {number}: expected '<sha256>  <path>'. The manifest is damaged.")
        out[name] = digest
    return out


def write_release(target: Path, files: Mapping[str, bytes]) -> Path:
    """Write every file into a temporary sibling folder, then rename it to ``target``.

    A temporary folder left by a release that was killed half-way (``.<version>.*``) is removed
    first: it never held a finished release, and no version is read from a hidden folder.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for rel, data in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(tmp, 0o755)
        if target.exists():
            raise ReleaseError(f"{target} appeared while the release was being written; it was left untouched.")
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


@dataclass
class CheckReport:
    """Files of a release folder that differ from a rebuild or from the manifest, by name."""

    folder: Path
    files: int = 0
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    built_with: str = ""

    @property
    def ok(self) -> bool:
        return not (self.changed or self.extra or self.missing)

    def lines(self) -> list[str]:
        return [f"{kind} {p}" for kind, paths in (("changed", self.changed), ("extra", self.extra),
                                                   ("missing", self.missing)) for p in paths]  # fmt: skip


def check_release(folder: Path) -> CheckReport:
    """Rebuild ``folder`` from its ``source/`` and compare every file (see the module docstring)."""
    from curation.review.adjudicate import adjudicate

    folder = Path(folder)
    if not folder.is_dir():
        raise ReleaseError(f"{folder}: no such release folder. Pass exports/<name>/<version>.")
    manifest = read_manifest(folder)
    source = folder / "source"
    if (source / "documents.jsonl.gz").exists():
        raise ReleaseError(
            f"{folder}: source/ holds JSON lines (documents.jsonl.gz), the layout of releases cut before source/ "
            "moved to parquet, and this curation cannot rebuild it byte for byte. Verify its files with "
            "`sha256sum -c MANIFEST.sha256`, or check it with the curation commit that cut it."
        )
    try:
        options = BuildOptions.from_json(json.loads((source / "build.json").read_text(encoding="utf-8")))
        schema = load_schema(source / "schema.json")
        documents = read_documents((source / "documents.parquet").read_bytes())
        annotations = read_annotations((source / "annotations.parquet").read_bytes())
        pred_path = source / "predictions.parquet"
        predictions = read_annotations(pred_path.read_bytes()) if pred_path.exists() else ()
        review_path = source / REVIEW_FILE
        review_bytes = review_path.read_bytes() if review_path.exists() else None
        review = parse_decisions(json.loads(review_bytes), str(review_path)) if review_bytes is not None else None
        map_path = source / ID_MAP_FILE
        id_map_bytes = map_path.read_bytes() if map_path.exists() else None
        id_map = parse_id_map(json.loads(id_map_bytes), f"{SOURCE}/{ID_MAP_FILE}") if id_map_bytes else None
        prev_path = source / "previous.json.gz"
        previous = (
            ReleaseState.from_json(json.loads(gzip.decompress(prev_path.read_bytes()))) if prev_path.exists() else None
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReleaseError(
            f"{folder}: cannot rebuild from source/ ({exc}). The release is damaged; restore it from the original copy."
        ) from exc
    built = build_from(documents, annotations, schema, (source / "schema.json").read_bytes(), previous, options,
                       adjudicate=adjudicate, predictions=predictions, review=review, review_bytes=review_bytes,
                       id_map=id_map, id_map_bytes=id_map_bytes)  # fmt: skip
    actual = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    report = CheckReport(folder, files=len(actual), built_with=options.tool_version)
    for rel in actual:
        data = (folder / rel).read_bytes()
        if rel not in built.files:
            report.extra.append(rel)
        elif data != built.files[rel] or (rel in manifest and manifest[rel] != sha256(data)):
            report.changed.append(rel)
    report.missing = sorted((set(built.files) | set(manifest)) - set(actual))
    return report
