"""Benchmark: ``curation pull`` + normalize + validate, against Label Studio's own export,
its converter and a floor, in the same run on the same project.

Builds (once; reused on later runs against the same server) a project of ``--n`` tasks of
~4 KB mixed English/Arabic text (some with emoji), each with one annotation of ~30 mentions
(with entity ids) and ~10 relations, imported with the annotations inline. Then, each step
in a fresh process (so its peak RSS is its own):

- Label Studio's own export: create a snapshot and download it (plain HTTP, no checks);
- ``curation pull`` (same snapshot options, streamed checks, sha256, atomic rename), then
  ``load_snapshot`` (normalize, streamed) and ``validate``;
- the floor: ``json.load`` + flattening every result to a row + a pyarrow parquet write;
- ``label_studio_sdk.converter``: JSON -> CONLL2003 on the same export.

Goals (issue 3): normalize + validate within 1.5x of the floor and at least 5x faster than the
converter; the whole pull within 1.2x of Label Studio's export; client peak RSS below 3x the
snapshot's size on disk::

    .venv/bin/python bench/pull.py                     # 10,000 tasks, own temporary server
    .venv/bin/python bench/pull.py --n 200             # quick
    .venv/bin/python bench/pull.py --data-dir /tmp/ls  # reuse a running server and its bench project

``--jobs N`` adds ``curation pull --jobs N`` (the export built in shards, N at a time), each run
in a fresh process like the one-shot pull, with the goals of issue 16 on a PostgreSQL server:
>= 1.5x the one-shot pull (one connection), no slower than Label Studio's export::

    .venv/bin/python bench/pull.py --n 2000 --jobs 4 --data-dir .labelstudio
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curation import labelstudio as ls  # noqa: E402
from curation.core.convert import to_ls_results  # noqa: E402
from curation.core.records import Document, Mention, Relation  # noqa: E402
from curation.core.schema import guidelines_html, label_config, load_schema  # noqa: E402
from curation.labelstudio.server import (
    Connection,
    free_port,
    read_credentials,
    server_status,
    start_server,
    stop_server,
)  # noqa: E402

WORDS = {
    "en": "the minister said on that talks with officials in over a week of new reports about".split(),
    "ar": "قال الوزير إن المحادثات مع المسؤولين في خلال أسبوع من التقارير الجديدة حول".split(),
}
NAMES = {"en": ["Kim Jong Un", "Vladimir Putin", "Moscow", "North Korea", "Vostochny Cosmodrome", "Sergei Shoigu"],
         "ar": ["كيم جونغ أون", "فلاديمير بوتين", "موسكو", "كوريا الشمالية", "قاعدة فوستوشني", "سيرغي شويغو"]}  # fmt: skip


def synthetic_task(
    k: int, rng: random.Random, labels: list[str], schema, mention_range: tuple[int, int] = (27, 33)
) -> dict:
    """One task: ~4 KB of text with ~30 mentions (``mention_range``: the range of their number; the text
    grows with it, ~135 bytes per mention), ~10 allowed relations, as Label Studio import JSON."""
    language = "ar" if k % 3 == 2 else "en"
    low, high = mention_range
    parts, mentions, position = [], [], 0
    if k % 5 == 0:
        parts.append("🎉🎉 ")
        position += 3
    for i in range(rng.randint(low, high)):
        filler = " ".join(rng.choices(WORDS[language], k=rng.randint(12, 18))) + " "
        surface = f"{rng.choice(NAMES[language])} {rng.randrange(400)}"
        position += len(filler)
        etype = rng.choice(labels)
        mentions.append(
            Mention(
                f"m{i}", position, position + len(surface), surface, etype, f"{etype.lower()}_{rng.randrange(3000)}"
            )
        )
        parts += [filler, surface]
        position += len(surface)
    parts.append(". ")
    text = "".join(parts)
    relations, tries = [], 0
    while len(relations) < rng.randint(9, 11) and tries < 200:
        tries += 1
        head, tail = rng.sample(mentions, 2)
        allowed = [r.label for r in schema.relation_types if r.allows(head.type, tail.type)]
        label = rng.choice(allowed) if allowed else None
        if label and all((r.type, {r.head, r.tail}) != (label, {head.id, tail.id}) for r in relations):
            relations.append(Relation(f"r{len(relations)}", label, head.id, tail.id))
    doc = Document(f"bench-{k:06d}", language, text, source="bench", title=f"Bench {k}")
    return {"data": doc.to_dict() | {"text_sha256": doc.sha256},
            "annotations": [{"result": to_ls_results(text, mentions, relations), "lead_time": 30.0}]}  # fmt: skip


def ensure_project(conn: Connection, n: int, seed: int, chunk: int = 250) -> tuple[str, int]:
    """The bench project of ``n`` annotated tasks, created and imported if it is not there yet."""
    title = f"bench-pull-{n}-s{seed}"
    schema = load_schema()
    project = ls.find_project(conn, title)
    if project is not None and project.task_number == n:
        return title, n
    if project is not None:
        raise SystemExit(f"Project {title} exists with {project.task_number} tasks, not {n}: delete it first.")
    project = ls.create_project(
        conn, title=title, label_config=label_config(schema), instructions=guidelines_html(schema)
    )
    rng, labels = random.Random(seed), sorted(schema.entity_labels)
    started = time.monotonic()
    for first in range(0, n, chunk):
        body = json.dumps([synthetic_task(k, rng, labels, schema) for k in range(first, min(n, first + chunk))],
                          ensure_ascii=False).encode("utf-8")  # fmt: skip
        ls.import_tasks(conn, project.id, body, timeout=900.0)
        print(f"  imported {min(n, first + chunk)}/{n} tasks ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    return title, n


# --- the measured steps, each run in its own process ----------------------------------------------


def step_ls_export(conn: Connection, title: str, out: Path) -> dict:
    import requests

    project = ls.get_project(conn, title)
    headers = {"Authorization": f"Token {conn.token}"}
    started = time.perf_counter()
    created = requests.post(f"{conn.url}/api/projects/{project.id}/exports/", headers=headers, timeout=3600,
                            json={"title": "bench", **ls.SNAPSHOT_OPTIONS}).json()  # fmt: skip
    built = time.perf_counter()
    with (
        requests.get(
            f"{conn.url}/api/projects/{project.id}/exports/{created['id']}/download",
            headers=headers,
            params={"exportType": "JSON"},
            stream=True,
            timeout=600,
        ) as response,
        open(out, "wb") as f,
    ):
        for data in response.iter_content(1 << 20):
            f.write(data)  # fmt: skip
    return {"seconds": time.perf_counter() - started, "build_seconds": built - started}


def step_curation(conn: Connection, title: str, out: Path) -> dict:
    from curation.core.normalize import load_snapshot
    from curation.core.validate import validate
    from curation.project.pull import pull

    schema = load_schema()
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int | None) -> None:
        marks.setdefault(stage, time.perf_counter())

    started = time.perf_counter()
    report = pull(conn, project_title=title, out=out, progress=progress)
    pulled, cpu0 = time.perf_counter(), time.process_time()
    normalized = load_snapshot(out)
    normalized_at, cpu1 = time.perf_counter(), time.process_time()
    checked = validate(normalized, schema)
    done, cpu2 = time.perf_counter(), time.process_time()
    return {"pull": pulled - started, "build": marks["download"] - marks["export"],
            "normalize": normalized_at - pulled, "validate": done - normalized_at,
            "normalize_cpu": cpu1 - cpu0, "validate_cpu": cpu2 - cpu1,
            "size": report.size, "tasks": report.tasks, "annotations": len(normalized.annotations),
            "mentions": sum(len(a.mentions) for a in normalized.annotations),
            "relations": sum(len(a.relations) for a in normalized.annotations),
            "issues": checked.counts()}  # fmt: skip


def step_shards(conn: Connection, title: str, out: Path, jobs: int) -> dict:
    from curation.project.pull import pull

    started = time.perf_counter()
    report = pull(conn, project_title=title, out=out, jobs=jobs)
    return {"pull": time.perf_counter() - started, "shards": report.shards, "tasks": report.tasks}


def step_floor(snapshot: Path, out: Path) -> dict:
    """The least any converter must do: parse, flatten every result to a row, write parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    started, cpu = time.perf_counter(), time.process_time()
    with open(snapshot, "rb") as f:
        tasks = json.load(f)
    names = ("task", "annotation", "completed_by", "id", "type", "start", "end", "text", "label", "from_id", "to_id")
    columns: dict[str, list] = {name: [] for name in names}
    add = [columns[name].append for name in names]
    for task in tasks:
        for annotation in task["annotations"]:
            for r in annotation["result"]:
                value = r.get("value") or {}
                text = value.get("text")
                for append, item in zip(add, (
                    task["id"], annotation["id"], annotation["completed_by"], r.get("id"), r["type"],
                    value.get("start"), value.get("end"), text if isinstance(text, str) else "|".join(text or []),
                    "|".join(value.get("labels") or r.get("labels") or []), r.get("from_id"), r.get("to_id"),
                )):  # fmt: skip
                    append(item)
    pq.write_table(pa.table(columns), out)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rows": len(columns["task"])}


def step_converter(snapshot: Path, out: Path) -> dict:
    Converter = ls.sdk_converter_class()  # imported before the clock starts, as the SDK's users would

    started, cpu = time.perf_counter(), time.process_time()
    converter = Converter(config=label_config(load_schema()), project_dir=None, download_resources=False)
    converter.convert_to_conll2003(str(snapshot), str(out), is_dir=False)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}


def measure(step: str, title: str, workdir: Path, jobs: int = 1) -> dict:
    """Run one step in a child process; return its figures and peak RSS (bytes)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--step", step, "--title", title, "--workdir", str(workdir),
               "--jobs", str(jobs)]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"step {step} failed:\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])


def run_step(step: str, title: str, workdir: Path, jobs: int) -> None:
    conn = Connection(os.environ["LABEL_STUDIO_URL"], os.environ["LABEL_STUDIO_API_KEY"])
    snapshot = workdir / "curation.json"
    figures = {
        "ls-export": lambda: step_ls_export(conn, title, workdir / "ls-export.json"),
        "curation": lambda: step_curation(conn, title, snapshot),
        "shards": lambda: step_shards(conn, title, workdir / "shards.json", jobs),
        "floor": lambda: step_floor(snapshot, workdir / "floor.parquet"),
        "converter": lambda: step_converter(snapshot, workdir / "conll"),
    }[step]()
    figures["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(figures))


@contextlib.contextmanager
def reusable_server(data_dir: Path | None, prefix: str) -> Iterator[Connection]:
    """The running server of ``data_dir``; else one started there (left running, so later runs
    reuse its projects) or, without ``data_dir``, in a temporary folder (stopped at the end)."""
    if data_dir and server_status(data_dir).state == "running":
        yield read_credentials(data_dir).connection
        return
    own_dir = data_dir or Path(tempfile.mkdtemp(prefix=prefix))
    print(f"starting Label Studio in {own_dir}...", file=sys.stderr)
    start_server(data_dir=own_dir, port=free_port())
    try:
        yield read_credentials(own_dir).connection
    finally:
        if data_dir is None:
            stop_server(data_dir=own_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="tasks in the bench project")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2, help="export/pull pairs to run (the best of each is kept)")
    parser.add_argument("--data-dir", type=Path, default=None, help="data dir of a running server to reuse")
    parser.add_argument("--jobs", type=int, default=None, help="also time `curation pull --jobs N` (shards)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--title", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        return run_step(args.step, args.title, args.workdir, args.jobs or 1)

    with reusable_server(args.data_dir, "bench-pull-ls-") as conn:
        os.environ.update(LABEL_STUDIO_URL=conn.url, LABEL_STUDIO_API_KEY=conn.token)
        title, n = ensure_project(conn, args.n, args.seed)
        with tempfile.TemporaryDirectory(prefix="bench-pull-") as tmp:
            workdir = Path(tmp)
            exports, pulls, sharded = [], [], []
            for _ in range(args.repeat):
                exports.append(measure("ls-export", title, workdir))
                pulls.append(measure("curation", title, workdir))
                if args.jobs:
                    sharded.append(measure("shards", title, workdir, args.jobs))
            floor = measure("floor", title, workdir)
            converter = measure("converter", title, workdir)
    report(n, exports, pulls, floor, converter, sharded, args.jobs)


def report(
    n: int, exports: list[dict], pulls: list[dict], floor: dict, converter: dict, sharded: list[dict], jobs: int | None
) -> None:
    """Print the figures; local computing is compared in CPU time (the machine is shared)."""
    export = min(exports, key=lambda e: e["seconds"])
    best = min(pulls, key=lambda p: p["pull"])
    core = min(pulls, key=lambda p: p["normalize_cpu"] + p["validate_cpu"])
    nv_cpu = core["normalize_cpu"] + core["validate_cpu"]
    size_mb = best["size"] / 1e6
    print(
        f"{n} tasks, {best['annotations']} annotations, {best['mentions']} mentions, {best['relations']} relations; "
        f"snapshot {size_mb:.1f} MB; validation codes {best['issues'] or 'none'}"
    )
    print(f"Label Studio export (create + download): {export['seconds']:.2f} s (build {export['build_seconds']:.2f} s)")
    print(
        f"curation pull: {best['pull']:.2f} s (build {best['build']:.2f} s; the rest {best['pull'] - best['build']:.2f} s "
        f"against {export['seconds'] - export['build_seconds']:.2f} s) -> ratio {best['pull'] / export['seconds']:.2f} "
        "(goal <= 1.2)"
    )
    print(
        f"normalize + validate: {nv_cpu:.2f} s CPU (normalize {core['normalize_cpu']:.2f}, validate "
        f"{core['validate_cpu']:.2f}; wall {core['normalize'] + core['validate']:.2f} s)"
    )
    print(
        f"floor (json.load + rows + parquet): {floor['cpu']:.2f} s CPU (wall {floor['seconds']:.2f} s), "
        f"{floor['rows']} rows -> ratio {nv_cpu / floor['cpu']:.2f} (goal <= 1.5)"
    )
    print(
        f"label_studio_sdk converter JSON -> CONLL2003: {converter['cpu']:.2f} s CPU (wall {converter['seconds']:.2f} s)"
        f" -> {converter['cpu'] / nv_cpu:.1f}x the CPU time of normalize + validate (goal >= 5)"
    )
    rss = max(p["peak_rss"] for p in pulls) / 1e6
    print(
        f"peak RSS: curation pull + normalize + validate {rss:.0f} MB = {rss / size_mb:.2f}x the snapshot (goal < 3); "
        f"floor {floor['peak_rss'] / 1e6:.0f} MB; converter {converter['peak_rss'] / 1e6:.0f} MB; "
        f"export client {max(e['peak_rss'] for e in exports) / 1e6:.0f} MB"
    )
    if sharded:
        shards = min(sharded, key=lambda p: p["pull"])
        print(
            f"curation pull --jobs {jobs} ({shards['shards']} shards): {shards['pull']:.2f} s -> "
            f"{best['pull'] / shards['pull']:.2f}x the one-shot pull (goal >= 1.5 on PostgreSQL), "
            f"{export['seconds'] / shards['pull']:.2f}x Label Studio's export (goal >= 1.0 on PostgreSQL); "
            f"peak RSS {max(p['peak_rss'] for p in sharded) / 1e6:.0f} MB"
        )


if __name__ == "__main__":
    main()
