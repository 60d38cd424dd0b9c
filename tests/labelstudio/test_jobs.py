"""``--jobs`` when none is given: read from the local server's PID file, with fallbacks."""

from __future__ import annotations

import json

import pytest

from curation.labelstudio.jobs import default_jobs


@pytest.mark.parametrize(
    ("pid_file", "jobs"),
    [
        (None, 1),  # no local server
        ({"pid": 1, "url": "http://127.0.0.1:8080"}, 1),  # written before back ends existed: SQLite
        ({"pid": 1, "url": "u", "backend": "sqlite", "workers": 1}, 1),
        ({"pid": 1, "url": "u", "backend": "postgresql", "workers": 3}, 3),
        ({"pid": 1, "url": "u", "backend": "postgresql", "workers": 8}, 4),  # at most 4
        ({"pid": 1, "url": "u", "backend": "postgresql"}, 1),
        ({"pid": 1, "url": "u", "backend": "postgresql", "workers": "many"}, 1),
        ("not json", 1),
    ],
)
def test_default_jobs_from_the_pid_file(tmp_path, monkeypatch, pid_file, jobs):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    if pid_file is not None:
        text = pid_file if isinstance(pid_file, str) else json.dumps(pid_file)
        (tmp_path / "server.pid").write_text(text, encoding="utf-8")
    assert default_jobs(tmp_path) == jobs


def test_an_external_server_gets_two(tmp_path, monkeypatch):
    (tmp_path / "server.pid").write_text(json.dumps({"pid": 1, "url": "u", "backend": "postgresql", "workers": 4}))
    monkeypatch.setenv("LABEL_STUDIO_URL", "https://labelstudio.example.org")
    assert default_jobs(tmp_path) == 2
