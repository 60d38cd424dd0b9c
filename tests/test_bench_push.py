"""bench/push.py runs (tiny) against the test server and prints every figure and goal."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_bench_push_runs_tiny(label_studio_server):
    _, data_dir = label_studio_server
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "push.py"), "--n", "20", "--rounds", "1", "--data-dir", str(data_dir)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "20 synthetic articles (~3.9 KB, Arabic and Latin script), Label Studio at http://127.0.0.1:"
    )
    assert lines[0].endswith(", best of 1 round")
    names = [line[:36].strip() for line in lines[2:7]]
    assert names == [
        "plain HTTP POST (1 request)", "SDK projects.import_tasks", "curation push (first)",
        "curation push again (nothing new)", "curation push again (no kept list)",
    ]  # fmt: skip
    assert lines[7].startswith("client peak RSS during the first push: ")
    assert [line.split(": ")[1] for line in lines[8:]] == [
        "push >= 0.9x plain HTTP tasks/s", "re-push <= 5% of the first push", "client peak RSS < 500 MB",
    ]  # fmt: skip


def test_bench_push_whole_process_runs_tiny(label_studio_server):
    _, data_dir = label_studio_server
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "push.py"), "--whole-process", "--n", "20", "--rounds", "1",
         "--data-dir", str(data_dir), "--jobs", "2"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "20 articles as a JSONL corpus, each method a new process, best of 1 round; "
        "CPU: the process's own (user + system), the rest is waiting"
    )
    assert lines[1].split() == ["process", "seconds", "CPU", "s"]
    assert [line[:46].strip() for line in lines[2:7]] == [
        "plain script: POST /import, 1,000 per request", "curation push", "curation push again (nothing new)",
        "python -c pass (the interpreter's start)", "curation push --jobs 2",
    ]  # fmt: skip
    assert all(len(line[46:].split()) == 2 for line in lines[2:7]), lines  # seconds and CPU seconds
    assert [line.split(": ")[1] for line in lines[7:]] == [
        "push >= 0.9x the plain script", "re-push <= 5% of the push", "push --jobs 2 >= 1.3x --jobs 1 (on PostgreSQL)",
        "push --jobs 2 >= 0.9x the plain script (on PostgreSQL)",
    ]  # fmt: skip
