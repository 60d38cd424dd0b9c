"""Benchmark: a whole release from synthetic gold, next to the floor of writing the same rows with pyarrow.

``--n`` synthetic gold documents (default 10,000; ~3,000 characters, ~30 mentions and ~10
relations each, English, Arabic and Swahili, entities drawn from a pool of 3,000), each with
its annotation record and a decision per mention, go through, in the same run, each phase in
a fresh process (so that peak RSS is its own):

- ``release``: ``build_release`` (rows of the four configs, tokenizer and BIO tags, parquet,
  card, changelog, ``source/`` tables, manifest) and writing the folder;
- ``floor``: the same rows the release writes as tables, computed beforehand (untimed) as row
  dicts, written with plain ``pyarrow`` (``Table.from_pylist`` + ``parquet.write_table``,
  defaults): the rows of the four configs (sharing the release's values) and the rows of the
  ``source/`` tables (documents, annotation records, decision log; read back from the tables
  the release code makes). The floor's time is reported for both parts, so that the ratio
  against the four configs alone is visible too. pyarrow imports its pandas shim on its first
  conversion; the floor does that before its clock starts, since the release process has it
  imported (through ``datasets``) before its own.

Times are CPU seconds of the phase's process (all threads), steadier than wall time on a shared
machine. Goal: the release within 2x of the floor, all its tables (CPU time; peak RSS is
reported beside it)::

    .venv/bin/python bench/release.py            # 10,000 documents
    .venv/bin/python bench/release.py --n 200    # quick
    .venv/bin/python bench/release.py --breakdown  # and where the build's time goes
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curation.core.records import Annotation, Decision, Document, GoldDocument, Mention, Relation  # noqa: E402
from curation.core.schema import DEFAULT_SCHEMA_PATH, load_schema  # noqa: E402

LANGUAGES = ("en", "ar", "sw")
NAMES = {"en": "Entity{} Name", "ar": "كيان{} الاسم", "sw": "Kitu{} Jina"}
FILLER = {
    "en": "said the report on Wednesday, adding that ",
    "ar": "قال التقرير يوم الأربعاء، مضيفًا أن ",
    "sw": "ilisema ripoti hiyo Jumatano, ikiongeza kwamba ",
}


def synthetic(n: int, seed: int = 7):
    """Gold documents, their annotation records and decisions (deterministic for a seed)."""
    schema = load_schema()
    rng = random.Random(seed)
    labels = [t.label for t in schema.entity_types]
    relation_types = [r.label for r in schema.relation_types]
    entity_type = {e: rng.choice(labels) for e in range(3000)}
    gold, annotations, decisions = [], [], []
    for k in range(n):
        language = LANGUAGES[k % 3]
        parts, mentions, position = [], [], 0
        for i in range(rng.randint(25, 35)):
            entity = rng.randrange(3000)
            surface = NAMES[language].format(entity)
            filler = FILLER[language] * rng.randint(1, 2)
            position += len(filler)
            mentions.append(
                Mention(f"{k}/r{i}", position, position + len(surface), surface, entity_type[entity], f"e{entity}")
            )
            parts += [filler, surface]
            position += len(surface)
        relations = []
        for j in range(rng.randint(8, 12)):
            h, t = rng.sample(range(len(mentions)), 2)
            relations.append(Relation(f"{k}/rel{j}", rng.choice(relation_types), mentions[h].id, mentions[t].id))
        doc = Document(f"doc-{k:06d}", language, "".join(parts) + ".", source=f"Outlet {k % 7}", title=f"Title {k}")
        gold.append(GoldDocument(doc, tuple(mentions), tuple(relations), "single_annotated", 1))
        annotations.append(Annotation(doc.doc_id, str(k), f"annotator-{k % 5}", tuple(mentions), tuple(relations),
                                      created_at="2024-05-01T10:00:00Z"))  # fmt: skip
        decisions += [Decision(doc.doc_id, "mention", m.id, "single_annotation", (str(k),)) for m in mentions]
        decisions += [Decision(doc.doc_id, "relation", r.id, "single_annotation", (str(k),)) for r in relations]
    return schema, gold, annotations, decisions


def build_inputs(schema, gold, annotations, decisions):
    """The builder's inputs for synthetic gold (a first release, no previous one)."""
    from curation.release.build import BuildInputs, BuildOptions

    return BuildInputs(
        documents={g.doc_id: g.document for g in gold}, annotations=tuple(annotations), gold=tuple(gold),
        decisions=tuple(decisions), excluded={}, agreement=None, schema=schema,
        schema_bytes=DEFAULT_SCHEMA_PATH.read_bytes(), previous=None,
        options=BuildOptions(name="bench", version="1.0.0", snapshot_sha256="0" * 64),
    )  # fmt: skip


def phase_release(n: int, out: Path) -> float:
    from curation.release.build import build_release
    from curation.release.run import write_release

    inputs = build_inputs(*synthetic(n))
    start = time.process_time()
    built = build_release(inputs)
    write_release(out / "bench" / "1.0.0", built.files)
    return time.process_time() - start


def phase_breakdown(n: int, out: Path) -> dict[str, float]:
    """CPU seconds of the builder's steps (each step of ``build_release`` timed where it is called)."""
    import functools

    import curation.release.build as rb
    import curation.release.rows as rr
    from curation.release.tagging import chunks_of, tokenize_all

    spent: dict[str, float] = {}

    def timed(module, name: str, label: str):
        inner = getattr(module, name)

        @functools.wraps(inner)
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start

        setattr(module, name, wrapper)

    steps = [
        (rb, "release_rows", "rows of the four configs (release_rows)"),
        (rr, "tag_documents", "  of which tokens and BIO tags (tag_documents)"),
        (rb, "table_from_columns", "arrow tables of the data files (table_from_columns)"),
        (rb, "parquet_bytes", "parquet bytes of the data files (parquet_bytes)"),
        (rb, "state_from_documents", "state for the next release (state_from_documents)"),
        (rb, "diff_states", "diff against the previous release (diff_states)"),
        (rb, "source_files", "source/ tables (source_files)"),
    ]
    for module, name, label in steps:
        timed(module, name, label)
    schema, gold, annotations, decisions = synthetic(n)
    tokenize_all(["warm up: classify the code points"])
    texts = [g.document.text for g in gold]
    start = time.process_time()
    for chunk in chunks_of(texts):
        tokenize_all(texts[chunk])
    tokenizer = time.process_time() - start
    inputs = build_inputs(schema, gold, annotations, decisions)
    start = time.process_time()
    rb.build_release(inputs)
    total = time.process_time() - start
    return {
        "tokenizer alone, all texts (tokenize_all by chunks, part of tag_documents)": tokenizer,
        **{label: spent.get(label, 0.0) for *_, label in steps},
        "build_release (total)": total,
    }


def rows_of(columns: dict, schema) -> list[dict]:
    """The release's columns (:class:`curation.release.hfdata.ListColumn` for lists) as row dicts, sharing their values."""
    import pyarrow as pa

    def values(column, type_) -> list:
        if pa.types.is_list(type_):
            items, offsets = values(column.values, type_.value_type), column.offsets
            return [items[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
        if pa.types.is_struct(type_):
            return rows_of(column, type_)
        if isinstance(column, pa.Array):  # tokens come as an arrow array, tags as a numpy array
            return column.to_pylist()
        return column.tolist() if hasattr(column, "tolist") else column

    names = [field.name for field in schema]
    return [dict(zip(names, row)) for row in zip(*(values(columns[field.name], field.type) for field in schema))]


def phase_floor(n: int, out: Path) -> dict[str, float]:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from curation.release.build import source_files
    from curation.release.hfdata import features
    from curation.release.rows import release_rows
    from curation.release.splits import assign_splits

    schema, gold, annotations, decisions = synthetic(n)
    labels = [t.label for t in schema.entity_types]
    splits = assign_splits((g.doc_id for g in gold), spec="test=1", seed="curation")
    built = release_rows(gold, splits, entity_labels=labels,
                         symmetric=[r.label for r in schema.relation_types if r.symmetric])  # fmt: skip
    rows = {
        config: {split: rows_of(c, features(config, labels).arrow_schema) for split, c in by_split.items()}
        for config, by_split in built.columns.items()
    }
    inputs = build_inputs(schema, gold, annotations, decisions)
    source_rows = {
        Path(name).stem: pq.read_table(io.BytesIO(data)).to_pylist()
        for name, data in source_files(inputs, built).items()
        if name.endswith(".parquet")
    }
    del built, inputs, gold, annotations, decisions
    # The release process imported datasets (and with it pandas) before its clock started; pyarrow
    # imports its pandas shim on the first conversion, so do that here too, before the clock.
    pa.Table.from_pylist([{"warm": "up"}])
    start = time.process_time()
    for config, by_split in rows.items():
        (out / config).mkdir(parents=True, exist_ok=True)
        for split, split_rows in by_split.items():
            pq.write_table(pa.Table.from_pylist(split_rows), out / config / f"{split}.parquet")
    configs = time.process_time() - start
    start = time.process_time()
    (out / "source").mkdir()
    for name, table_rows in source_rows.items():
        pq.write_table(pa.Table.from_pylist(table_rows), out / "source" / f"{name}.parquet")
    return {"configs": configs, "source": time.process_time() - start}


def run_phase(phase: str, n: int) -> dict:
    """Run one phase in a fresh interpreter; returns its seconds and peak RSS."""
    with tempfile.TemporaryDirectory(prefix=f"bench-release-{phase}-") as tmp:
        done = subprocess.run([sys.executable, __file__, "--phase", phase, "--n", str(n), "--out", tmp],
                              capture_output=True, text=True, check=True)  # fmt: skip
        result = json.loads(done.stdout)
        if phase != "breakdown":
            result["bytes"] = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="Number of synthetic gold documents.")
    parser.add_argument("--breakdown", action="store_true", help="Also print the CPU time of each build step.")
    parser.add_argument("--phase", choices=("release", "floor", "breakdown"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "breakdown":
        print(json.dumps(phase_breakdown(args.n, args.out)))
        return
    if args.phase:
        if args.phase == "release":
            result = {"seconds": phase_release(args.n, args.out)}
        else:
            parts = phase_floor(args.n, args.out)
            result = {"seconds": sum(parts.values()), "configs_seconds": parts["configs"]}
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    release, floor = run_phase("release", args.n), run_phase("floor", args.n)
    print(f"{args.n} documents")
    for name, r in (("release (build_release + write)", release), ("floor (same tables, plain pyarrow)", floor)):
        print(
            f"{name}: {r['seconds']:.2f} s CPU, peak RSS {r['peak_rss_mb']:.0f} MB, {r['bytes'] / 1e6:.1f} MB on disk"
        )
    print(f"  floor, four configs only: {floor['configs_seconds']:.2f} s CPU; "
          f"source/ tables: {floor['seconds'] - floor['configs_seconds']:.2f} s CPU")  # fmt: skip
    print(f"ratio release / floor (CPU time): {release['seconds'] / floor['seconds']:.2f}x (goal: within 2x)")
    print(f"ratio release / floor of the four configs only (CPU time): "
          f"{release['seconds'] / floor['configs_seconds']:.2f}x")  # fmt: skip
    print(f"ratio release / floor (peak RSS): {release['peak_rss_mb'] / floor['peak_rss_mb']:.2f}x")
    if args.breakdown:
        for name, seconds in run_phase("breakdown", args.n).items():
            if isinstance(seconds, float):
                print(f"  {name}: {seconds:.2f} s CPU")


if __name__ == "__main__":
    main()
