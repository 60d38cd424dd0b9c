"""bench/memory.py runs (tiny): peak RSS of whole `curation release` and `curation pull` processes at two sizes."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT

LINE = r"{command} {n} documents: peak RSS \d+ MB \(\d+\.\d s, snapshot \d+ MB\)"


def run(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "memory.py"), "--sizes", "8", "24", *args],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def check(lines: list[str], command: str) -> None:
    assert re.fullmatch(LINE.format(command=command, n=8), lines[0]), lines[0]
    assert re.fullmatch(LINE.format(command=command, n=24), lines[1]), lines[1]
    assert re.fullmatch(rf"{command} peak RSS 24 / 8: \d+\.\d\dx \(goal <= 1\.5\)", lines[2]), lines[2]


def test_bench_memory_release_runs_tiny_without_a_server():
    lines = run("--skip-pull", "--stages")
    check(lines, "release")
    stages = ["load_snapshot", "validate", "adjudicate", "agreement_figures", "release_rows", "source_files",
              "write_release", "read_uses", "findings"]  # fmt: skip
    for n, at in ((8, 3), (24, 14)):
        assert lines[at] == f"release {n} documents, by stage (in one process):"
        assert [line.split(":")[0].strip() for line in lines[at + 1 : at + 10]] == stages
        assert re.fullmatch(r"  process peak RSS \d+ MB", lines[at + 10])
    assert len(lines) == 25


def test_bench_memory_pull_runs_tiny(label_studio_server):
    _, data_dir = label_studio_server
    lines = run("--skip-release", "--data-dir", str(data_dir))
    assert len(lines) == 3
    check(lines, "pull")
