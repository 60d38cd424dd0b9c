"""bench/evaluate.py runs (tiny), checks its mention figures against nervaluate's and BIO tags against spans."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_bench_evaluate_runs_tiny():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "evaluate.py"), "--n", "30"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("30 documents, ")
    assert "mention figures identical to nervaluate's (4 strategies, overall and per type)" in lines
    assert lines[-2].startswith("ratio whole / nervaluate (CPU time): ")
    assert any(x.startswith("BIO tags (") and ": identical span-level figures, ner strict F1 " in x for x in lines)
    assert lines[-1].startswith("ratio BIO / spans (CPU time): ")
