"""bench/pull.py runs (tiny) against the session's Label Studio and prints every figure."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_bench_pull_runs_tiny(label_studio_server):
    _, data_dir = label_studio_server
    command = [
        sys.executable,
        str(ROOT / "bench" / "pull.py"),
        "--n",
        "12",
        "--repeat",
        "1",
        "--data-dir",
        str(data_dir),
        "--jobs",
        "2",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("12 tasks, 12 annotations, ")
    assert [line.split(":")[0] for line in lines[1:]] == [
        "Label Studio export (create + download)",
        "curation pull",
        "normalize + validate",
        "floor (json.load + rows + parquet)",
        "label_studio_sdk converter JSON -> CONLL2003",
        "peak RSS",
        "curation pull --jobs 2 (2 shards)",
    ]
