"""Benchmark: client peak RSS of ``curation pull`` and ``curation release`` as the corpus grows.

Each command runs as a whole process (``python -m curation ...``, as a user types it) at two
corpus sizes (default 10,000 and 50,000 documents); its peak RSS is the child's own
(``os.wait4``). The documents are bench/pull.py's synthetic tasks (~2.7 KB of English or
Arabic text, ~30 mentions with entity ids and ~10 relations, one annotation each: ~12 KB of
Label Studio JSON per task):

- ``pull``: a project of that many tasks on a Label Studio (created once by bench/pull.py's
  ``ensure_project``, reused on later runs with ``--data-dir``), pulled into a snapshot;
- ``release``: a first release (1.0.0) cut from a snapshot of that many tasks, written here
  without a server in Label Studio's export format (the same tasks with ids, annotators and
  timestamps), so that the release side can be measured alone (``--skip-pull``).

Goal (issue 16): peak RSS at the larger size <= 1.5x that at the smaller (streaming, not
loading everything)::

    .venv/bin/python bench/memory.py --skip-pull                 # release only, no server
    .venv/bin/python bench/memory.py --data-dir /tmp/ls          # reuse a running server and its projects
    .venv/bin/python bench/memory.py --sizes 100 500 --skip-pull # quick
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curation.core.convert import to_ls_results  # noqa: E402
from curation.core.records import Document, Mention, Relation  # noqa: E402
from curation.core.schema import load_schema  # noqa: E402

GOAL = 1.5


def _bench(name: str):
    """bench/<name>.py as a module (bench/pull.py: its project maker)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FILLER = {
    "en": "said the report on Wednesday, adding that officials in the capital were ",
    "ar": "قال التقرير يوم الأربعاء، مضيفًا أن المسؤولين في العاصمة ",
    "sw": "ilisema ripoti hiyo Jumatano, ikiongeza kwamba maafisa wa mji mkuu ",
}
NAMES = {"en": "Entity{} Name", "ar": "كيان{} الاسم", "sw": "Kitu{} Jina"}


def synthetic_task(k: int, rng: random.Random, schema, entity_type: dict[int, str]) -> dict:
    """Task ``k`` of a valid synthetic export: ~3 KB of text, ~30 mentions (one type per entity id across
    the corpus) and ~10 relations the schema allows, one annotation (~10 KB of JSON in all)."""
    language = ("en", "ar", "sw")[k % 3]
    parts, mentions, position = [], [], 0
    for i in range(rng.randint(25, 35)):
        entity = rng.randrange(len(entity_type))
        surface, filler = NAMES[language].format(entity), FILLER[language] * rng.randint(1, 2)
        position += len(filler)
        mentions.append(Mention(f"m{i}", position, position + len(surface), surface, entity_type[entity], f"e{entity}"))
        parts += [filler, surface]
        position += len(surface)
    relations: list[Relation] = []
    pairs: set[tuple[str | None, str | None]] = set()
    for _ in range(200):
        if len(relations) == 10:
            break
        head, tail = rng.sample(mentions, 2)
        allowed = [r.label for r in schema.relation_types if r.allows(head.type, tail.type)]
        key = (head.entity_id, tail.entity_id)
        if allowed and key not in pairs and key[::-1] not in pairs:
            pairs.add(key)
            relations.append(Relation(f"r{len(relations)}", rng.choice(allowed), head.id, tail.id))
    doc = Document(f"doc-{k:06d}", language, "".join(parts) + ".", source=f"Outlet {k % 7}", title=f"Title {k}")
    stamp = f"2024-05-{1 + k % 28:02d}T10:{k % 60:02d}:00.000000Z"
    annotation = {
        "id": k + 1, "completed_by": 1 + k % 5, "result": to_ls_results(doc.text, mentions, relations),
        "was_cancelled": False, "ground_truth": False, "created_at": stamp, "updated_at": stamp,
        "lead_time": 30.0, "parent_prediction": None,
    }  # fmt: skip
    return {"id": k + 1, "data": doc.to_dict() | {"text_sha256": doc.sha256}, "annotations": [annotation],
            "predictions": [], "drafts": [], "total_annotations": 1, "cancelled_annotations": 0,
            "total_predictions": 0}  # fmt: skip


def write_snapshot(path: Path, n: int, seed: int = 7) -> int:
    """A Label Studio JSON export of ``n`` synthetic tasks, written task by task; its size in bytes."""
    schema = load_schema()
    rng = random.Random(seed)
    labels = sorted(schema.entity_labels)
    entity_type = {e: rng.choice(labels) for e in range(3000)}
    with open(path, "wb") as out:
        for k in range(n):
            task = synthetic_task(k, rng, schema, entity_type)
            out.write((b"[" if k == 0 else b",\n") + json.dumps(task, ensure_ascii=False).encode("utf-8"))
        out.write(b"]\n" if n else b"[]\n")
    return path.stat().st_size


def peak_rss(command: list[str], env: dict[str, str] | None = None) -> tuple[int, float]:
    """Run ``command`` to its end; its own peak RSS (bytes) and wall seconds. Fails loudly."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage, read as it is reaped
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            out.seek(0), err.seek(0)
            raise SystemExit(
                f"{' '.join(command)} failed ({process.returncode}):\n{err.read().decode()}{out.read().decode()}"
            )
    return usage.ru_maxrss * 1024, time.monotonic() - started


def curation(*args: str) -> list[str]:
    return [sys.executable, "-m", "curation", *args]


def measure_release(n: int, workdir: Path) -> dict:
    snapshot = workdir / f"snapshot-{n}.json"
    size = write_snapshot(snapshot, n)
    exports = workdir / f"exports-{n}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rss, seconds = peak_rss(curation("release", str(snapshot), "--version", "1.0.0", "--exports", str(exports)), env)
    snapshot.unlink()
    return {"n": n, "rss": rss, "seconds": seconds, "input": size}


#: The stages of ``curation release`` whose RSS ``--stages`` reports (module, function).
STAGES = (
    ("curation.core.normalize", "load_snapshot"), ("curation.core.validate", "validate"),
    ("curation.review.adjudicate", "adjudicate"), ("curation.release.run", "agreement_figures"),
    ("curation.release.build", "release_rows"), ("curation.release.build", "source_files"),
    ("curation.release.run", "write_release"),
    ("curation.release.lookup", "read_uses"), ("curation.release.run", "findings"),
)  # fmt: skip


def _vm(field: str) -> int:
    """``VmRSS`` or ``VmHWM`` (peak since the last reset) of this process, in bytes."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(field + ":"))


def release_stages(snapshot: Path, exports: Path) -> None:
    """Run ``release_snapshot`` here, printing each stage's RSS before, its peak and after (Linux).

    The gaps between stages (parquet bytes, card, changelog inside ``build_release``) show in the
    next stage's "peak since the stage before"."""
    import functools
    import importlib

    peaks: list[int] = []  # each reset of VmHWM also resets the process's ru_maxrss: keep the maxima here

    def timed(module, name: str):
        inner = getattr(module, name)

        @functools.wraps(inner)
        def wrapper(*args, **kwargs):
            gap = _vm("VmHWM")  # the peak since the previous stage ended
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")  # resets VmHWM to the current RSS
            before = _vm("VmRSS")
            try:
                return inner(*args, **kwargs)
            finally:
                peaks.extend((gap, _vm("VmHWM")))
                print(f"  {name}: RSS before {before / 1e6:.0f} MB (peak since the stage before {gap / 1e6:.0f} MB), "
                      f"peak {_vm('VmHWM') / 1e6:.0f} MB, after {_vm('VmRSS') / 1e6:.0f} MB")  # fmt: skip

        setattr(module, name, wrapper)

    for module, name in STAGES:
        if module == "curation.release.run" and name == "findings":
            import curation.review.registry as registry

            timed(registry, "findings")
        else:
            timed(importlib.import_module(module), name)
    from curation.release.run import release_snapshot

    release_snapshot(snapshot, version="1.0.0", exports=exports)
    print(f"  process peak RSS {max(peaks + [_vm('VmHWM')]) / 1e6:.0f} MB")


def measure_pull(n: int, workdir: Path, conn) -> dict:
    title, _ = _bench("pull").ensure_project(conn, n, 3, chunk=1000)
    out = workdir / f"pulled-{n}.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LABEL_STUDIO_URL": conn.url, "LABEL_STUDIO_API_KEY": conn.token}
    rss, seconds = peak_rss(curation("pull", "--project", title, "--out", str(out), "--quiet"), env)
    size = out.stat().st_size
    out.unlink()
    return {"n": n, "rss": rss, "seconds": seconds, "input": size}


def report(command: str, small: dict, large: dict) -> None:
    for r in (small, large):
        print(f"{command} {r['n']} documents: peak RSS {r['rss'] / 1e6:.0f} MB "
              f"({r['seconds']:.1f} s, snapshot {r['input'] / 1e6:.0f} MB)")  # fmt: skip
    ratio = large["rss"] / small["rss"]
    print(f"{command} peak RSS {large['n']} / {small['n']}: {ratio:.2f}x (goal <= {GOAL})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=(10_000, 50_000), metavar=("SMALL", "LARGE"))
    parser.add_argument("--data-dir", type=Path, default=None, help="data dir of a running server to reuse (pull)")
    parser.add_argument("--skip-pull", action="store_true", help="measure release only (no server)")
    parser.add_argument("--skip-release", action="store_true", help="measure pull only")
    parser.add_argument("--stages", action="store_true", help="also print the RSS of each stage of a release")
    parser.add_argument("--stage-run", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage_run:
        return release_stages(*args.stage_run)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        workdir = Path(tmp)
        if not args.skip_release:
            report("release", *(measure_release(n, workdir) for n in args.sizes))
        if args.stages:
            for n in args.sizes:
                snapshot = workdir / f"snapshot-{n}.json"
                write_snapshot(snapshot, n)
                print(f"release {n} documents, by stage (in one process):", flush=True)
                subprocess.run([sys.executable, __file__, "--stage-run", str(snapshot), str(workdir / f"stages-{n}")],
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)  # fmt: skip
                snapshot.unlink()
        if args.skip_pull:
            return
        with _bench("pull").reusable_server(args.data_dir, "bench-memory-ls-") as conn:
            report("pull", *(measure_pull(n, workdir, conn) for n in args.sizes))


if __name__ == "__main__":
    main()
