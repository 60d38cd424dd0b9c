"""The file edge of the entity registry and of pre-annotation from a release.

``curation entities`` reads mentions from a pulled snapshot (every annotator's annotations), a
release folder (its gold, annotator ``gold``) or a release's ``source/`` folder (the annotations
it was adjudicated from), and checks them with :mod:`curation.review.registry`.
``curation preannotate`` reads a release's ``entities`` config and writes, for every article of
a corpus, the mentions the alias matcher (:mod:`curation.project.dictionary`) finds there, in
the pre-annotation format ``curation push --predictions`` reads, checked by the same loader.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.core.errors import CurationError, PredictionsError, ReleaseError
from curation.core.records import Annotation, Mention
from curation.release.hfdata import iter_parquet_rows, read_parquet_rows
from curation.release.source import read_annotations, read_documents
from curation.review.registry import (
    Entry,
    Finding,
    Released,
    Use,
    annotation_uses,
    findings,
    registry,
    suggested_merges,
)

#: The annotator name of a release's gold mentions in the registry.
GOLD = "gold"


def config_rows(folder: Path | str, config: str) -> list[dict[str, Any]]:
    """Every row of one config of a release, all splits, in file name order."""
    folder = Path(folder)
    if not (folder / "MANIFEST.sha256").is_file():
        raise ReleaseError(f"{folder}: not a release folder (no MANIFEST.sha256). Pass exports/<name>/<version>.")
    return [row for path in sorted((folder / config).glob("*.parquet")) for row in read_parquet_rows(path)]


def read_uses(path: Path | str) -> list[Use]:
    """The mentions with an entity id in a snapshot file, a release folder or a release's ``source/``."""
    path = Path(path)
    if path.is_dir() and (path / "annotations.parquet").is_file() and (path / "documents.parquet").is_file():
        documents = read_documents((path / "documents.parquet").read_bytes())
        return annotation_uses(documents, read_annotations((path / "annotations.parquet").read_bytes()))
    if path.is_dir():
        if not (path / "MANIFEST.sha256").is_file():
            raise ReleaseError(f"{path}: neither a release folder (no MANIFEST.sha256) nor a release's source/ "
                               "folder. Pass a snapshot file, exports/<name>/<version> or its source/.")  # fmt: skip
        rows = (
            row
            for file in sorted((path / "documents").glob("*.parquet"))
            for row in iter_parquet_rows(file, ["doc_id", "language", "mentions"])
        )  # texts are not read
        return [Use(m["entity_id"], m["type"], m["text"], row["doc_id"], row["language"], GOLD)
                for row in rows for m in row["mentions"] if m.get("entity_id")]  # fmt: skip
    from curation.core.normalize import load_snapshot

    snapshot = load_snapshot(path)
    return annotation_uses(snapshot.documents, snapshot.annotations)


def read_released(folder: Path | str) -> Released:
    """A release's entities: id -> type and aliases per language (its ``entities`` config)."""
    rows = config_rows(folder, "entities")
    return Released({r["id"]: r["type"] for r in rows},
                    {r["id"]: {b["language"]: tuple(b["aliases"]) for b in r["aliases"]} for r in rows})  # fmt: skip


@dataclass(frozen=True)
class EntitiesReport:
    source: str
    entries: Mapping[str, Entry]
    findings: tuple[Finding, ...]
    against: str | None = None
    merges: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "against": self.against,
                "entities": [e.to_dict() for e in self.entries.values()],
                "findings": [f.to_dict() for f in self.findings]}  # fmt: skip


def run_entities(
    path: Path | str, *, against: Path | str | None = None, suggest_merges: Path | None = None
) -> EntitiesReport:
    """The registry of ``path`` and its findings; with ``suggest_merges``, write the R003 ``{from: to}`` map."""
    uses = read_uses(path)
    released = read_released(against) if against is not None else None
    found = findings(uses, against=released)
    merges = suggested_merges(found)
    if suggest_merges is not None:
        suggest_merges.write_text(json.dumps(merges, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return EntitiesReport(str(path), registry(uses), tuple(found), str(against) if against else None, merges)


def entities_text(report: EntitiesReport) -> str:
    """The registry as a table (one id a line) and the findings (one block each)."""
    rows = [("ID", "TYPES", "MENTIONS", "DOCS", "ANNOTATORS", "SURFACE FORMS")]
    for e in report.entries.values():
        forms = "; ".join(f"{lang}: " + ", ".join(f"{s} ({n})" for s, n in surfaces.items())
                          for lang, surfaces in e.surfaces.items())  # fmt: skip
        rows.append((e.id, ",".join(e.types), str(e.mentions), str(len(e.documents)), ",".join(e.annotators), forms))
    widths = [max(len(r[k]) for r in rows) for k in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:5], widths)) + "  " + r[5] for r in rows]
    for f in report.findings:
        lines.append("")
        lines.append(f"{f.code} {f.message}")
        lines += [f"  {p}" for p in f.places]
        lines.append(f"  Fix: {f.fix}")
    n = len(report.findings)
    lines.append("")
    lines.append(f"{len(report.entries)} ids, {n} finding{'s' * (n != 1)} in {report.source}"
                 + (f" against {report.against}." if report.against else "."))  # fmt: skip
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Preannotated:
    out: Path
    documents: int
    mentions: int
    model_version: str


def run_preannotate(
    registry_release: Path | str, corpus: Path | str, out: Path, *, model_version: str | None = None,
    schema_path: Path | None = None,
) -> Preannotated:  # fmt: skip
    """Pre-annotate every article of ``corpus`` with the aliases of ``registry_release``'s entities.

    The file is read back with the loader of ``curation push --predictions`` before this returns,
    so a file it writes is one push accepts.
    """
    from curation.core.corpus import load_corpus
    from curation.core.schema import DEFAULT_SCHEMA_PATH, load_schema
    from curation.project.dictionary import Matcher, alias_targets
    from curation.project.preannotations import load_preannotations

    folder = Path(registry_release)
    version = model_version or f"registry-{folder.parent.name}-{folder.name}"
    documents = load_corpus(corpus)
    matcher = Matcher(alias_targets(config_rows(folder, "entities"), normalized=True), normalized=True,
                      boundaries=True)  # fmt: skip
    lines, total = [], 0
    for doc in documents:
        mentions = tuple(Mention(f"m{k}", m.start, m.end, m.text, m.type, m.entity_id)
                         for k, m in enumerate(matcher.find(doc.text), 1))  # fmt: skip
        total += len(mentions)
        record = Annotation(doc.doc_id, mentions=mentions, model_version=version).to_dict()
        lines.append(json.dumps({k: record[k] for k in ("doc_id", "model_version", "mentions", "relations")},
                                ensure_ascii=False))  # fmt: skip
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    try:
        load_preannotations(out, {d.doc_id: d for d in documents}, load_schema(schema_path or DEFAULT_SCHEMA_PATH))
    except CurationError as exc:
        raise PredictionsError(f"{out}: the pre-annotations do not load ({exc}). The release's entities do not fit "
                               "the schema; pass the schema they were made with (--schema).") from exc  # fmt: skip
    return Preannotated(out, len(documents), total, version)
