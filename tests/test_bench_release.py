"""bench/release.py runs (tiny): a release and the pyarrow floor, in separate processes."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_bench_release_runs_tiny():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "release.py"), "--n", "30"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "30 documents"
    assert lines[1].startswith("release (build_release + write): ")
    assert lines[2].startswith("floor (same tables, plain pyarrow): ")
    assert lines[3].startswith("  floor, four configs only: ")
    assert lines[4].startswith("ratio release / floor (CPU time): ")
    assert lines[5].startswith("ratio release / floor of the four configs only (CPU time): ")
    assert lines[6].startswith("ratio release / floor (peak RSS): ")
