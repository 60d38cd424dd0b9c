"""bench/scale.py runs (tiny) against the session's Label Studio (on its back end) and prints its table and goals."""

from __future__ import annotations

import subprocess
import sys

from bench.scale import Result, Step, goals
from tests.conftest import ROOT


def test_bench_scale_runs_tiny(label_studio_server, ls_backend):
    _, data_dir = label_studio_server
    command = [sys.executable, str(ROOT / "bench" / "scale.py"), "--n", "12", "--backends", ls_backend,
               "--annotations", "1", "--data-dir", str(data_dir)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{ls_backend}, 12 articles of ~") and lines[0].endswith(" KB:")
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
    assert [goal.split(": ")[0] for goal in goals] == ["- n=12"] * 5 + [f"- {ls_backend}"] * 2
    assert goals[0] == "- n=12: annotators' annotations/s postgresql / sqlite >= 1.8: n/a (needs both back ends)"
    assert goals[-1] == (
        f"- {ls_backend}: client peak RSS of release at n=12 / n=12 <= 1.5: n/a (needs two --n values, e.g. --n 10000 50000)"
    )


def test_bench_scale_goals_from_figures():
    """The goal lines for figures worked out by hand: two sizes, both back ends, one without --jobs."""

    def result(backend: str, n: int, annotating: float, failed: int = 0, **seconds: float) -> Result:
        jobs = "pull1" in seconds
        figures = Result(backend, n, 10.0, {"push": jobs, "pull": jobs}, annotations=800, failed=failed)
        figures.steps = {key: Step(key, value, client_mb=10 * value) for key, value in seconds.items()}
        figures.steps["annotate"] = Step("annotate", annotating)
        return figures

    base = {"plain": 25.0, "push": 20.0, "push1": 30.0, "export": 40.0, "pull": 20.0, "pull1": 35.0, "release": 10.0}
    one_connection = {key: value for key, value in base.items() if not key.endswith("1")}
    results = [
        result("sqlite", 10, 50.0, **one_connection), result("postgresql", 10, 25.0, **base),
        result("sqlite", 50, 50.0, failed=1, **base),
        result("postgresql", 50, 30.0, **{**base, "pull": 30.0, "release": 16.0}),
    ]  # fmt: skip
    assert goals(results) == [
        "- n=10: annotators' annotations/s postgresql / sqlite >= 1.8, no failed request (0 + 0 failed requests): 2.00 PASS",
        "- n=10: postgresql pull time --jobs 1 / --jobs J >= 1.5: 1.75 PASS",
        "- n=10: postgresql time plain JSON export / pull >= 1.0: 2.00 PASS",
        "- n=10: postgresql push time --jobs 1 / --jobs J >= 1.3: 1.50 PASS",
        "- n=10: postgresql time plain chunked import / push >= 0.9: 1.25 PASS",
        "- n=50: annotators' annotations/s postgresql / sqlite >= 1.8, no failed request (0 + 1 failed requests): 1.67 FAIL",
        "- n=50: postgresql pull time --jobs 1 / --jobs J >= 1.5: 1.17 FAIL",
        "- n=50: postgresql time plain JSON export / pull >= 1.0: 1.33 PASS",
        "- n=50: postgresql push time --jobs 1 / --jobs J >= 1.3: 1.50 PASS",
        "- n=50: postgresql time plain chunked import / push >= 0.9: 1.25 PASS",
        "- postgresql: client peak RSS of pull at n=50 / n=10 <= 1.5: 1.50 PASS",
        "- postgresql: client peak RSS of release at n=50 / n=10 <= 1.5: 1.60 FAIL",
        "- sqlite: client peak RSS of pull at n=50 / n=10 <= 1.5: 1.00 PASS",
        "- sqlite: client peak RSS of release at n=50 / n=10 <= 1.5: 1.00 PASS",
    ]
    assert goals(results[:1])[1:3] == [
        "- n=10: postgresql pull time --jobs 1 / --jobs J >= 1.5: n/a (needs the postgresql back end)",
        "- n=10: postgresql time plain JSON export / pull >= 1.0: n/a (needs the postgresql back end)",
    ]
