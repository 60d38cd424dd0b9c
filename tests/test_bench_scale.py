"""bench/scale.py runs (tiny) against the session's Label Studio (SQLite) and prints its table and goals."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_bench_scale_runs_tiny(label_studio_server):
    _, data_dir = label_studio_server
    command = [sys.executable, str(ROOT / "bench" / "scale.py"), "--n", "12", "--backends", "sqlite",
               "--annotations", "1", "--data-dir", str(data_dir)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("sqlite, 12 articles of ~") and lines[0].endswith(" KB:")
    assert lines[2:4] == [
        "| step | seconds | rate | client peak RSS (MB) | server peak RSS (MB) |", "|---|---|---|---|---|",
    ]  # fmt: skip
    rows = [line.split(" | ")[0].lstrip("| ") for line in lines[4:] if line.startswith("| ")]
    pushes = [row for row in rows if row.startswith("curation push")]
    assert pushes in (
        ["curation push", "curation push again (nothing new)"],
        ["curation push --jobs 1", "curation push --jobs 4", "curation push again (nothing new)"],
    )
    pulls = [row for row in rows if row.startswith("curation pull")]
    assert pulls in (["curation pull"], ["curation pull --jobs 1", "curation pull --jobs 4"])
    assert [row for row in rows if not row.startswith(("curation push", "curation pull"))] == [
        "plain chunked import (1,000 per request)", "8 annotators: 8 annotations, 0 failed",
        "plain JSON export (one request)", "curation release",
    ]  # fmt: skip
    for line in lines[4 : 4 + len(rows)]:
        cells = line.strip("| ").split(" | ")
        assert float(cells[1]) > 0 and float(cells[4]) > 100, line  # seconds, the server's RSS
    goals = lines[lines.index("Goals:") + 2 :]
    assert [goal.split(": ")[0] for goal in goals] == [
        "- n=12",
        "- n=12",
        "- n=12",
        "- n=12",
        "- n=12",
        "- sqlite",
        "- sqlite",
    ]
    assert goals[0] == "- n=12: annotators postgresql / sqlite >= 1.8: n/a (needs both back ends)"
    assert goals[-1] == (
        "- sqlite: client peak RSS of release at n=12 / n=12 <= 1.5: n/a (needs two --n values, e.g. --n 10000 50000)"
    )
