"""Benchmark: the same synthetic articles on both Label Studio back ends, each step a whole process.

For each back end (``--backends``, default ``sqlite postgresql``) and each ``--n`` (default
10,000; ``--n 10000 50000`` measures both), a fresh server is started with ``curation server
start`` in a temporary data dir (``--backend postgresql --workers 4`` for PostgreSQL), 8
annotators are added with ``curation server add-user``, and then, each step a new process
(``python -m curation ...`` or a plain script) timed from the outside:

- plain chunked import: a script that creates a project and ``POST``s ``/import`` 1,000 tasks
  at a time (bench/push.py's baseline);
- ``curation push`` of the corpus (JSONL) into a new project (``--jobs 1`` and ``--jobs J``
  into two projects when the CLI accepts ``--jobs``), then a re-push of the same corpus;
- 8 concurrent annotators (threads, each with its own token) submitting ``--annotations``
  annotations each through ``POST /api/tasks/<id>/annotations`` to the pushed project;
- a plain JSON export (``GET /api/projects/<id>/export?exportType=JSON``, streamed to a file),
  ``curation pull`` (``--jobs 1`` and ``--jobs J`` when accepted) and ``curation release`` of
  the snapshot, on a second project holding the same articles each with one annotation
  (~75 mentions, ~10 relations), imported inline before the clock starts (annotating every
  task one request at a time would take longer than everything else together).

The articles are bench/pull.py's generator at ~10 KB (~75 mentions each). Every step reports
its wall time, the peak RSS of its client process (``VmHWM``, polled) and the peak RSS of the
server (psutil, polled every 0.2 s): the sum over the processes named in the data dir's PID
files (``server.pid``, ``postgresql/data/postmaster.pid``) and all their descendants, that is
Label Studio, or PostgreSQL and gunicorn's master and workers (PostgreSQL's shared buffers
count once per process that touched them). A markdown table per back end and n, then the
goals, PASS or FAIL (``n/a`` when a figure could not be measured, with the reason)::

    .venv/bin/python bench/scale.py                              # 10,000 articles, both back ends
    .venv/bin/python bench/scale.py --n 10000 50000              # and the RSS ratio 50k / 10k
    .venv/bin/python bench/scale.py --n 40 --backends sqlite --annotations 2   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pull import synthetic_task  # noqa: E402
from bench.push import PLAIN_SCRIPT  # noqa: E402
from curation import labelstudio as ls  # noqa: E402
from curation.core.schema import load_schema  # noqa: E402
from curation.labelstudio.client import authorization  # noqa: E402
from curation.labelstudio.server import Connection, free_port, read_credentials, stored_users  # noqa: E402

ANNOTATORS = 8
MENTIONS = (68, 82)  # ~10 KB of text per article
EXPORT_SCRIPT = """
import sys, requests
url, token, project, out = sys.argv[1:5]
with requests.get(url + "/api/projects/%s/export" % project, params={"exportType": "JSON"}, stream=True,
                  headers={"Authorization": "Token " + token}, timeout=3600) as answer, open(out, "wb") as f:
    answer.raise_for_status()
    for data in answer.iter_content(1 << 20):
        f.write(data)
"""


@dataclass
class Step:
    name: str
    seconds: float
    rate: str = ""
    client_mb: float | None = None
    server_mb: float | None = None


@dataclass
class Result:
    backend: str
    n: int
    kb: float
    jobs: dict[str, bool]
    steps: dict[str, Step] = field(default_factory=dict)
    annotations: int = 0
    failed: int = 0


class ServerMemory:
    """Peak RSS (MB) of the server's process tree, polled in a thread; ``phase()`` returns and resets it."""

    def __init__(self, data_dir: Path) -> None:
        self.roots = [psutil.Process(pid) for pid in pid_files(data_dir) if psutil.pid_exists(pid)]
        self.peak, self.stop = 0.0, threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def total(self) -> float:
        seen: dict[int, float] = {}
        for root in self.roots:
            try:
                for proc in [root, *root.children(recursive=True)]:
                    seen.setdefault(proc.pid, proc.memory_info().rss / 1e6)
            except psutil.Error:
                continue
        return sum(seen.values())

    def poll(self) -> None:
        while not self.stop.wait(0.2):
            self.peak = max(self.peak, self.total())

    def phase(self) -> float:
        peak, self.peak = max(self.peak, self.total()), 0.0
        return peak

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def pid_files(data_dir: Path) -> list[int]:
    """PIDs named in the data dir's PID files: JSON ``{"pid": N, ...}`` or a number on the first line."""
    pids = []
    for path in [*data_dir.glob("*.pid"), *data_dir.glob("*/*.pid"), *data_dir.glob("*/*/*.pid")]:
        text = path.read_text(errors="replace").strip()
        try:
            info = json.loads(text)
            found = [v for k, v in info.items() if "pid" in k and isinstance(v, int)] if isinstance(info, dict) else []
        except ValueError:
            first = text.splitlines()[0] if text else ""
            found = [int(first)] if first.isdigit() else []
        pids += found
    return sorted(set(pids))


def cli_accepts(env: dict, command: list[str], option: str) -> bool:
    shown = subprocess.run([sys.executable, "-m", "curation", *command, "--help"], env=env, cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    return option in shown


def run(argv: list[str], env: dict, log: Path) -> tuple[float, float]:
    """Run one process; return its wall seconds and peak RSS in MB: its kernel high-water mark
    (``VmHWM``, summed with its children's), polled every 0.05 s. (``wait4``'s ``ru_maxrss``
    would count this bench's own RSS, which a child inherits at fork.)"""
    started, peak = time.perf_counter(), 0.0
    with open(log, "wb") as err:
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        watched = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [watched, *watched.children(recursive=True)]
                peak = max(peak, sum(high_water_mb(p.pid) for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv[:6])} ... failed ({proc.returncode}):\n{log.read_text()[-3000:]}")
    return seconds, peak


def high_water_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024


def curation(*args: str) -> list[str]:
    return [sys.executable, "-m", "curation", *args]


def write_inputs(n: int, keep: int, tmp: Path) -> tuple[Path, Path, dict[str, list], float]:
    """corpus.jsonl (the articles), annotated.jsonl (import tasks with one annotation each), the
    results of the first ``keep`` articles (for the annotators) and the mean text size in KB."""
    schema = load_schema()
    rng, labels = random.Random(11), sorted(schema.entity_labels)
    corpus, annotated, results, size = tmp / "corpus.jsonl", tmp / "annotated.jsonl", {}, 0
    with open(corpus, "w", encoding="utf-8") as c, open(annotated, "w", encoding="utf-8") as a:
        for k in range(n):
            task = synthetic_task(k, rng, labels, schema, MENTIONS)
            a.write(json.dumps(task, ensure_ascii=False) + "\n")
            data = {key: value for key, value in task["data"].items() if key != "text_sha256"}
            c.write(json.dumps(data, ensure_ascii=False) + "\n")
            size += len(data["text"].encode("utf-8"))
            if k < keep:
                results[data["doc_id"]] = task["annotations"][0]["result"]
    return corpus, annotated, results, size / n / 1024


def import_annotated(conn: Connection, title: str, annotated: Path, chunk: int = 250) -> int:
    """The pull/release project: the same articles, each with its annotation, imported inline (untimed)."""
    from curation.core.schema import guidelines_html, label_config

    schema = load_schema()
    project = ls.create_project(conn, title=title, label_config=label_config(schema),
                                instructions=guidelines_html(schema))  # fmt: skip
    with open(annotated, encoding="utf-8") as lines:
        batch: list[str] = []
        for line in [*lines, None]:
            if line is not None:
                batch.append(line)
            if batch and (line is None or len(batch) == chunk):
                ls.import_tasks(conn, project.id, ("[" + ",".join(batch) + "]").encode("utf-8"), timeout=900.0)
                batch = []
    return project.id


def annotate(conn: Connection, tokens: list[str], project_id: int, results: dict[str, list], each: int) -> tuple:
    """8 threads, one per annotator and token, each submitting ``each`` annotations; (seconds, ok, failed)."""
    tasks = []
    for task in ls.iter_tasks(conn, project_id, page_size=100):  # push keeps the corpus order: the first pages
        if task.doc_id in results:
            tasks.append((task.id, results[task.doc_id]))
        if len(tasks) == len(results):
            break
    counts = [[0, 0] for _ in tokens]
    start = threading.Barrier(len(tokens) + 1)

    def annotator(j: int) -> None:
        session = requests.Session()
        headers = {"Authorization": authorization(Connection(conn.url, tokens[j]))}
        mine = tasks[j :: len(tokens)][:each]
        start.wait()
        for task_id, result in mine:
            try:
                answer = session.post(f"{conn.url}/api/tasks/{task_id}/annotations", headers=headers,
                                      json={"result": result, "lead_time": 30.0}, timeout=120)  # fmt: skip
                counts[j][answer.status_code != 201] += 1
            except requests.RequestException:
                counts[j][1] += 1

    threads = [threading.Thread(target=annotator, args=(j,)) for j in range(len(tokens))]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sum(c[0] for c in counts), sum(c[1] for c in counts)


def bench_one(backend: str, n: int, args: argparse.Namespace, results: list[Result]) -> None:
    """Measure one back end at one size into a new entry of ``results`` (partial if a step fails)."""
    with tempfile.TemporaryDirectory(prefix=f"bench-scale-{backend}-") as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o711)  # PostgreSQL runs as the postgres user when this is root: it must pass through
        data_dir, logs = args.data_dir or tmp / "ls", tmp / "stderr.log"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CURATION_CACHE_DIR": str(tmp / "cache")}
        env.pop("LABEL_STUDIO_URL", None), env.pop("LABEL_STUDIO_API_KEY", None)
        jobs = {"push": cli_accepts(env, ["push"], "--jobs"), "pull": cli_accepts(env, ["pull"], "--jobs")}
        corpus, annotated, answers, kb = write_inputs(n, ANNOTATORS * args.annotations, tmp)
        result = Result(backend, n, kb, jobs)
        results.append(result)
        start = curation("server", "start", "--data-dir", str(data_dir), "--port", str(free_port()))
        if backend == "postgresql":
            start += ["--backend", "postgresql", "--workers", str(args.workers)]
        elif cli_accepts(env, ["server", "start"], "--backend"):
            start += ["--backend", "sqlite"]
        if args.data_dir is None:
            print(f"[{backend} n={n}] starting the server...", file=sys.stderr)
            seconds, _ = run(start, env, logs)
            result.steps["start"] = Step("server start", seconds)
        memory = ServerMemory(data_dir)
        try:
            measure(result, args, env, data_dir, memory, tmp, corpus, annotated, answers)
        finally:
            memory.close()
            if args.data_dir is None:
                subprocess.run(curation("server", "stop", "--data-dir", str(data_dir)), env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def measure(result, args, env, data_dir, memory, tmp, corpus, annotated, answers) -> None:
    n, logs = result.n, tmp / "stderr.log"
    creds = read_credentials(data_dir)
    assert creds is not None
    conn = creds.connection
    env = {**env, "LABEL_STUDIO_URL": conn.url, "LABEL_STUDIO_API_KEY": conn.token}
    names = [f"scale{j + 1}" for j in range(ANNOTATORS)]
    for name in names:  # an existing user (a reused --data-dir) is kept
        run(curation("server", "add-user", name, "--data-dir", str(data_dir)), env, logs)
    memory.phase()
    title = f"scale-{int(time.time())}"

    def step(key: str, name: str, argv: list[str], rate: str = "tasks/s") -> None:
        print(f"[{result.backend} n={n}] {name}...", file=sys.stderr)
        seconds, client = run(argv, env, logs)
        shown = f"{n / seconds:.0f} {rate}" if rate else ""
        result.steps[key] = Step(name, seconds, shown, client, memory.phase())

    step("plain", "plain chunked import (1,000 per request)",
         [sys.executable, "-c", PLAIN_SCRIPT, conn.url, conn.token, str(corpus), f"{title}-plain"])  # fmt: skip
    push = curation("push", "--corpus", str(corpus), "--project", f"{title}-push", "-q")
    if result.jobs["push"]:
        step("push1", "curation push --jobs 1",
             curation("push", "--corpus", str(corpus), "--project", f"{title}-push-1", "-q", "--jobs", "1"))  # fmt: skip
        push += ["--jobs", str(args.jobs)]
    step("push", " ".join(["curation push", *push[push.index("-q") + 1 :]]), push)
    step("repush", "curation push again (nothing new)", push, rate="")
    pushed = ls.get_project(conn, f"{title}-push").id
    assert ls.task_stamp(conn, pushed).total == n, "push: wrong number of tasks"

    tokens = [stored_users(data_dir)[name].token for name in names]
    print(f"[{result.backend} n={n}] {ANNOTATORS} annotators...", file=sys.stderr)
    seconds, ok, failed = annotate(conn, tokens, pushed, answers, args.annotations)
    result.annotations, result.failed = ok, failed
    result.steps["annotate"] = Step(f"{len(tokens)} annotators: {ok} annotations, {failed} failed", seconds,
                                    f"{ok / seconds:.1f} annotations/s", None, memory.phase())  # fmt: skip

    print(f"[{result.backend} n={n}] importing the annotated project (untimed)...", file=sys.stderr)
    project_id = import_annotated(conn, f"{title}-annotated", annotated)
    memory.phase()
    step("export", "plain JSON export (one request)",
         [sys.executable, "-c", EXPORT_SCRIPT, conn.url, conn.token, str(project_id), str(tmp / "export.json")])  # fmt: skip
    snapshot = tmp / "snapshot.json"
    pull = curation("pull", "--out", str(snapshot), "--project", f"{title}-annotated", "-q")
    if result.jobs["pull"]:
        step("pull1", "curation pull --jobs 1", [*pull, "--jobs", "1"])
        pull += ["--jobs", str(args.jobs)]
    step("pull", " ".join(["curation pull", *pull[pull.index("-q") + 1 :]]), pull)
    if args.skip_release:
        return
    step("release", "curation release", curation("release", str(snapshot), "--version", "1.0.0", "--name",
                                                 "scale", "--exports", str(tmp / "exports")))  # fmt: skip


def table(result: Result) -> str:
    lines = [f"{result.backend}, {result.n} articles of ~{result.kb:.1f} KB:", "",
             "| step | seconds | rate | client peak RSS (MB) | server peak RSS (MB) |", "|---|---|---|---|---|"]  # fmt: skip
    for s in result.steps.values():
        client = "" if s.client_mb is None else f"{s.client_mb:.0f}"
        server = "" if s.server_mb is None else f"{s.server_mb:.0f}"
        lines.append(f"| {s.name} | {s.seconds:.2f} | {s.rate} | {client} | {server} |")
    return "\n".join(lines)


def goals(results: list[Result]) -> list[str]:
    """One line per goal: the figure and PASS / FAIL, or n/a with the reason."""
    lines = []

    def verdict(text: str, value: float | None, met: bool, why: str) -> None:
        lines.append(f"- {text}: " + (f"n/a ({why})" if value is None else f"{value:.2f} {'PASS' if met else 'FAIL'}"))

    def at_least(text: str, top: float | None, bottom: float, floor: float, why: str) -> None:
        verdict(
            f"{text} >= {floor}", None if top is None else top / bottom, top is not None and top >= floor * bottom, why
        )

    by = {(r.backend, r.n): r for r in results}
    sizes = sorted({r.n for r in results})
    for n in sizes:
        sq, pg = by.get(("sqlite", n)), by.get(("postgresql", n))
        text = f"n={n}: annotators' annotations/s postgresql / sqlite"
        if sq and pg:
            failed = f" ({pg.failed} + {sq.failed} failed requests)"
            pg_rate, sq_rate = (
                pg.annotations / pg.steps["annotate"].seconds,
                sq.annotations / sq.steps["annotate"].seconds,
            )
            verdict(f"{text} >= 1.8, no failed request{failed}", pg_rate / sq_rate,
                    pg_rate >= 1.8 * sq_rate and pg.failed + sq.failed == 0, "")  # fmt: skip
        else:
            verdict(f"{text} >= 1.8", None, False, "needs both back ends")
        seconds = {key: step.seconds for key, step in pg.steps.items()} if pg else {}
        why = "needs the postgresql back end"
        pull, push = seconds.get("pull", 1.0), seconds.get("push", 1.0)
        at_least(f"n={n}: postgresql pull time --jobs 1 / --jobs J", seconds.get("pull1"), pull, 1.5,
                 why if not pg else "curation pull has no --jobs")  # fmt: skip
        at_least(f"n={n}: postgresql time plain JSON export / pull", seconds.get("export"), pull, 1.0, why)
        at_least(f"n={n}: postgresql push time --jobs 1 / --jobs J", seconds.get("push1"), push, 1.3,
                 why if not pg else "curation push has no --jobs")  # fmt: skip
        at_least(f"n={n}: postgresql time plain chunked import / push", seconds.get("plain"), push, 0.9, why)
    for backend in sorted({r.backend for r in results}):
        small, large = by.get((backend, sizes[0])), by.get((backend, sizes[-1]))
        for key in ("pull", "release"):
            text = f"{backend}: client peak RSS of {key} at n={sizes[-1]} / n={sizes[0]} <= 1.5"
            if len(sizes) < 2 or not (small and large):
                verdict(text, None, False, "needs two --n values, e.g. --n 10000 50000")
                continue
            if key not in small.steps or key not in large.steps:
                verdict(text, None, False, f"no {key} step measured")
                continue
            ratio = (large.steps[key].client_mb or 0.0) / (small.steps[key].client_mb or 1.0)
            verdict(text, ratio, ratio <= 1.5, "")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000], help="numbers of articles (default 10000)")
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of the postgresql back end")
    parser.add_argument("--jobs", type=int, default=4, help="--jobs of push and pull when the CLI has it")
    parser.add_argument("--annotations", type=int, default=100, help="annotations each of the 8 annotators submits")
    parser.add_argument("--skip-release", action="store_true", help="stop after the pull (no release step)")
    parser.add_argument("--data-dir", type=Path, help="data dir of a running server to use (one back end) instead")
    args = parser.parse_args()
    if args.data_dir and len(args.backends) != 1:
        parser.error("--data-dir needs one --backends value: the back end of that server")
    results: list[Result] = []
    for n in args.n:
        for backend in args.backends:
            try:
                bench_one(backend, n, args, results)
            finally:  # the figures measured so far, even when a step failed
                if results and (results[-1].backend, results[-1].n) == (backend, n):
                    print(table(results[-1]) + "\n", flush=True)
    print("Goals:\n")
    print("\n".join(goals(results)))


if __name__ == "__main__":
    main()
