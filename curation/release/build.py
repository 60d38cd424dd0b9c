"""The release builder: a pure function from gold, annotations and options to file bytes.

``build_release(inputs)`` returns ``{relative path: bytes}`` for the whole release folder and
touches no file, clock or network, so the same inputs always give the same bytes and tests
call it directly. What goes in:

* the gold documents and the decision log (from adjudication), every document of the
  snapshot, every annotator's normalized records and the pre-annotations (predictions),
  all kept under ``source/``;
* the previous release of the same name, reduced to a :class:`ReleaseState` (splits stay as
  they were; the changelog diffs against it; it is kept in ``source/previous.json.gz``);
* :class:`BuildOptions`, kept in ``source/build.json``; among them the tokenizer rule of the
  ``tokens`` config (:data:`curation.release.tokens.TOKENIZERS`), so a release keeps its tokens
  when the rule changes.

``source/`` holds everything needed to build the release again (``curation release --check``):
``documents.parquet``, ``annotations.parquet`` and ``predictions.parquet`` (the records), the
decision log ``decisions.parquet`` (:mod:`curation.release.source` describes the four),
``schema.json``, ``build.json`` and ``previous.json.gz``.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from operator import attrgetter
from typing import Any

from curation.core.records import Annotation, Decision, Document, GoldDocument
from curation.core.schema import Schema
from curation.release.card import CardFacts, ConfigInfo, render_card
from curation.release.changelog import render_changelog
from curation.release.diff import Diff, ReleaseState, diff_states, state_from_documents
from curation.release.hfdata import (
    CONFIGS,
    FEATURES_VERSION,
    features,
    features_yaml,
    parquet_bytes,
    table_from_columns,
)
from curation.release.options import BuildOptions
from curation.release.rows import ReleaseRows, release_rows
from curation.release.source import annotations_parquet, decisions_parquet, documents_parquet
from curation.release.splits import assign_splits
from curation.review.agreement import annotator_of, reviewers_of
from curation.review.decisions import Decisions

SOURCE = "source"
#: The reviewers' decisions file, kept as given inside ``source/``.
REVIEW_FILE = "review-decisions.json"
#: The reviewed id map applied to the gold, kept as given inside ``source/``.
ID_MAP_FILE = "id-map.json"
#: The agreement heatmap, beside the card that shows it.
AGREEMENT_PNG = "agreement.png"
DATA_FILE = "{config}/{split}-00000-of-00001.parquet"


@dataclass(frozen=True)
class BuildInputs:
    """Everything a release is a function of."""

    documents: Mapping[str, Document]
    annotations: tuple[Annotation, ...]
    gold: tuple[GoldDocument, ...]
    decisions: tuple[Decision, ...]
    excluded: Mapping[str, int]
    agreement: Mapping[str, Any] | None
    schema: Schema
    schema_bytes: bytes
    previous: ReleaseState | None
    options: BuildOptions
    predictions: tuple[Annotation, ...] = ()
    #: The reviewers' decisions file as given (bytes) and parsed, when conflicts were decided by one.
    review_bytes: bytes | None = None
    review: Decisions | None = None
    #: The reviewed id map as given (bytes), and the mentions it renamed per (from, to) id.
    id_map_bytes: bytes | None = None
    id_merges: Mapping[tuple[str, str], int] | None = None
    #: The agreement heatmap (PNG), when two or more annotators labelled a document.
    agreement_png: bytes | None = None


@dataclass(frozen=True)
class Built:
    """A built release: its files, and how it differs from the previous one."""

    files: dict[str, bytes]
    level: str | None
    diff: Diff
    state: ReleaseState


def build_release(inputs: BuildInputs) -> Built:
    """All files of the release folder (see the module docstring).

    The cyclic garbage collector is paused meanwhile: the build makes millions of small
    containers and no cycles, and collections over them took a third of the time.
    """
    with gc_paused():
        return _build(inputs)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(inputs: BuildInputs) -> Built:
    opts, schema, previous = inputs.options, inputs.schema, inputs.previous
    labels = [t.label for t in schema.entity_types]
    symmetric = [r.label for r in schema.relation_types if r.symmetric]
    splits = assign_splits(
        (g.doc_id for g in inputs.gold),
        spec=opts.split_config,
        seed=opts.split_seed,
        previous=previous.splits if previous else None,
    )
    rows = release_rows(inputs.gold, splits, entity_labels=labels, symmetric=symmetric, tokenizer=opts.tokenizer)
    files: dict[str, bytes] = {}
    configs = []
    for config in CONFIGS:
        feats = features(config, labels)
        split_infos = []
        by_split = rows.columns.pop(config)  # columns are let go once written: later steps reuse their memory
        for split in list(by_split):
            table = table_from_columns(by_split.pop(split), feats.arrow_schema)
            path = DATA_FILE.format(config=config, split=split)
            files[path] = parquet_bytes(table)
            split_infos.append((split, table.num_rows, table.nbytes, path))
            del table
        download = sum(len(files[p]) for *_, p in split_infos)
        configs.append(ConfigInfo(config, features_yaml(feats), tuple(split_infos), download))
    if inputs.agreement_png is not None:
        files[AGREEMENT_PNG] = inputs.agreement_png
    facts = card_facts(inputs, rows, tuple(configs))
    files["README.md"] = render_card(facts).encode("utf-8")
    data_sha = {p: sha256(b) for p, b in files.items() if p not in ("README.md", AGREEMENT_PNG)}  # the data configs
    state = state_from_documents(
        opts.version,
        rows.documents,
        rows.entities,
        symmetric=symmetric,
        data_sha256=data_sha,
        card_sha256=sha256(files["README.md"]),
    )
    base = previous or ReleaseState(version="", documents={}, entities={})
    diff = diff_states(base, state)
    level: str | None = "initial"
    if previous:
        old_card = sha256(render_card(replace(facts, version=previous.version)).encode("utf-8"))
        level = diff.level(files_changed=data_sha != dict(previous.data_sha256) or old_card != previous.card_sha256)
    files["CHANGELOG.md"] = render_changelog(
        version=opts.version,
        level=level,
        previous_version=previous.version if previous else None,
        diff=diff,
        force_reason=opts.force_reason,
        previous_changelog=previous.changelog if previous else "",
        id_merges=inputs.id_merges,
        id_map_file=f"{SOURCE}/{ID_MAP_FILE}",
    ).encode("utf-8")
    files.update(source_files(inputs, rows))
    files["release.json"] = json_bytes(release_json(inputs, rows, level))
    files["MANIFEST.sha256"] = manifest(files).encode("utf-8")
    return Built(files=dict(sorted(files.items())), level=level, diff=diff, state=state)


_TYPE = attrgetter("type")


def card_facts(inputs: BuildInputs, rows: ReleaseRows, configs: tuple[ConfigInfo, ...]) -> CardFacts:
    """Counts and provenance the card reports."""
    opts = inputs.options
    split_docs: dict[str, Counter[str]] = defaultdict(Counter)
    sources: Counter[tuple[str, str]] = Counter()
    varieties: dict[str, set[str]] = defaultdict(set)
    mentions: dict[str, Counter[str]] = defaultdict(Counter)
    relations: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in rows.documents:
        d = doc.gold.document
        split_docs[doc.split][d.language] += 1
        sources[(d.source or "", d.language)] += 1
        if isinstance(d.meta.get("variety"), str):
            varieties[d.language].add(d.meta["variety"])
        mentions[d.language].update(map(_TYPE, doc.mentions))
        relations[d.language].update(map(_TYPE, doc.relations))
    submitted = [a for a in inputs.annotations if not a.cancelled]
    process = {
        "annotators": len({a.annotator for a in inputs.annotations if a.annotator}),
        "annotations": len(submitted),
        "skipped": len(inputs.annotations) - len(submitted),
        "from_prediction": sum(1 for a in submitted if a.from_prediction),
        "model_versions": sorted({p.model_version for p in inputs.predictions if p.model_version}),
        "unchanged_from_prediction": unchanged_from_prediction(submitted, inputs.predictions),
        "status": dict(Counter(g.status for g in inputs.gold)),
        "rules": dict(Counter(map(attrgetter("rule"), inputs.decisions))),
    }
    if inputs.review is not None:
        entries = inputs.review.entries
        reviewers = reviewers_of(submitted)
        passes = [a for a in submitted if annotator_of(a) not in reviewers]
        resolutions = [a for a in submitted if annotator_of(a) in reviewers]
        unchanged = unchanged_from_prediction(passes, inputs.predictions)
        process.update(annotators=len({annotator_of(a) for a in passes}), annotations=len(passes),
                       unchanged_from_prediction=unchanged, passes=sorted(unchanged))  # fmt: skip
        process["review"] = {
            "reviewers": len(reviewers),
            "resolutions": len(resolutions),
            "model_version": ", ".join(sorted(unchanged_from_prediction(resolutions, inputs.predictions))),
            "file": f"{SOURCE}/{REVIEW_FILE}",
            "conflicts": len(entries),
            "by_kind": dict(Counter(e.kind for e in entries)),
            "by_choice": dict(Counter(e.choice for e in entries)),
            "by_rule": dict(Counter(e.rule for e in entries)),
            "by_category": dict(Counter(e.category for e in entries)),
            "annotators": dict(inputs.review.annotators),
        }
    if inputs.agreement_png is not None:
        process["heatmap"] = AGREEMENT_PNG
    return CardFacts(
        name=opts.name,
        version=opts.version,
        tool_version=opts.tool_version,
        license=opts.license,
        schema=inputs.schema,
        features_version=FEATURES_VERSION,
        configs=configs,
        split_docs={s: dict(sorted(c.items())) for s, c in sorted(split_docs.items())},
        sources=dict(sources),
        varieties={lang: tuple(sorted(v)) for lang, v in varieties.items()},
        mentions={k: dict(v) for k, v in mentions.items()},
        relations={k: dict(v) for k, v in relations.items()},
        entities=dict(Counter(e.type for e in rows.entities.values())),
        cross_language_entities=sum(1 for e in rows.entities.values() if len(e.aliases) > 1),
        triples=sum(rows.counts["triples"].values()),
        excluded=dict(inputs.excluded),
        process=process,
        agreement=inputs.agreement,
        limits={
            "overlapping": rows.tag_stats.overlapping,
            "inside_token": rows.tag_stats.inside_token,
            "proclitic": rows.tag_stats.proclitic,
            "run_together": rows.tag_stats.run_together,
            "relations_without_entity": rows.relations_without_entity,
        },
        split_config=opts.split_config,
        split_seed=opts.split_seed,
        notes=opts.notes,
        pretty_name=opts.pretty_name,
        annotations_creators=opts.annotations_creators,
        tokenizer=opts.tokenizer,
    )


def unchanged_from_prediction(annotations: Iterable[Annotation], predictions: Iterable[Annotation]) -> dict[str, int]:
    """Annotations submitted exactly as a pre-annotation of their document, counted by its model version.

    Exactly means the same mentions (span, type, entity id) and relations (type, argument spans);
    ids are not compared, since Label Studio numbers an annotation apart from its prediction.
    """

    def content(a: Annotation) -> tuple[frozenset, frozenset]:
        spans = {m.id: (m.start, m.end) for m in a.mentions}
        return (
            frozenset((m.start, m.end, m.type, m.entity_id) for m in a.mentions),
            frozenset((r.type, spans.get(r.head), spans.get(r.tail)) for r in a.relations),
        )

    versions: dict[tuple[str, tuple[frozenset, frozenset]], str] = {}
    for p in predictions:
        versions.setdefault((p.doc_id, content(p)), p.model_version or "")
    found = (versions.get((a.doc_id, content(a))) for a in annotations if a.from_prediction)
    return dict(sorted(Counter(v for v in found if v is not None).items()))


def source_files(inputs: BuildInputs, rows: ReleaseRows) -> dict[str, bytes]:
    """``source/``: what the release was built from (see :mod:`curation.release.source`)."""
    out = {
        f"{SOURCE}/build.json": json_bytes(inputs.options.to_json()),
        f"{SOURCE}/schema.json": inputs.schema_bytes,
        f"{SOURCE}/documents.parquet": documents_parquet(inputs.documents.values()),
        f"{SOURCE}/annotations.parquet": annotations_parquet(inputs.annotations),
        f"{SOURCE}/decisions.parquet": decisions_parquet(
            inputs.decisions,
            {d.doc_id: d.id_map for d in rows.documents},
            with_reason=inputs.review is not None or inputs.id_map_bytes is not None,
        ),
    }
    if inputs.review_bytes is not None:
        out[f"{SOURCE}/{REVIEW_FILE}"] = inputs.review_bytes
    if inputs.id_map_bytes is not None:
        out[f"{SOURCE}/{ID_MAP_FILE}"] = inputs.id_map_bytes
    if inputs.predictions:
        out[f"{SOURCE}/predictions.parquet"] = annotations_parquet(inputs.predictions)
    if inputs.previous:
        out[f"{SOURCE}/previous.json.gz"] = json_gz(inputs.previous.to_json())
    return out


def release_json(inputs: BuildInputs, rows: ReleaseRows, level: str | None) -> dict[str, Any]:
    """Provenance: versions, hashes, the snapshot's time and the counts."""
    opts, schema = inputs.options, inputs.schema
    by_language = Counter(doc.language for doc in rows.documents)
    tokenizer = {} if opts.tokenizer == "1" else {"tokenizer": opts.tokenizer}  # rule 1: as releases before the field
    return {
        "name": opts.name,
        "version": opts.version,
        "previous_version": inputs.previous.version if inputs.previous else None,
        "change": level,
        "force_version": opts.force_reason,
        "tool": {"name": "curation", "version": opts.tool_version},
        "features_version": FEATURES_VERSION,
        **tokenizer,
        "schema": {"name": schema.name, "version": schema.version, "sha256": schema.sha256},
        "snapshot_sha256": opts.snapshot_sha256,
        "created_at": snapshot_time(inputs.annotations),
        "splits": {
            "config": opts.split_config,
            "seed": opts.split_seed,
            "documents": dict(sorted(Counter(doc.split for doc in rows.documents).items())),
        },
        "counts": {
            "documents": len(rows.documents),
            "documents_by_language": dict(sorted(by_language.items())),
            "mentions": sum(len(doc.mentions) for doc in rows.documents),
            "relations": sum(len(doc.relations) for doc in rows.documents),
            "entities": len(rows.entities),
            "cross_language_entities": sum(1 for e in rows.entities.values() if len(e.aliases) > 1),
            "triples": sum(rows.counts["triples"].values()),
            "annotations": len(inputs.annotations),
            "annotators": len({a.annotator for a in inputs.annotations if a.annotator}),
            "excluded_documents": dict(sorted(inputs.excluded.items())),
        },
    }


def snapshot_time(annotations: Iterable[Annotation]) -> str | None:
    """The latest annotation timestamp (created or updated), as UTC ISO 8601; None if none has one."""
    latest = None
    for a in annotations:
        for stamp in (a.created_at, a.updated_at):
            if stamp:
                moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=timezone.utc)
                latest = moment if latest is None or moment > latest else latest
    return latest.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if latest else None


def manifest(files: Mapping[str, bytes]) -> str:
    """``sha256sum`` format, one line per file (all but the manifest itself), sorted by path."""
    return "".join(f"{sha256(files[p])}  {p}\n" for p in sorted(files) if p != "MANIFEST.sha256")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def json_gz(data: Any) -> bytes:
    """Compact JSON (``json``'s C encoder, which ``indent`` turns off), gzip level 3, no timestamp in the header."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=3, mtime=0)
