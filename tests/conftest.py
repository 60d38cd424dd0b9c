"""Shared fixtures: one real Label Studio server per test session.

The server is started with the same code users run (``curation.labelstudio.server.start_server``) in a
temporary data dir on a random port, and stopped when the session ends. For quicker local
iterations, point ``CURATION_TEST_LS_DATA_DIR`` at the data dir of a server you started with
``curation server start --data-dir ...``; the tests then reuse it (each test makes its own
projects, so they do not interfere).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import requests

from curation.labelstudio.server import (
    Connection,
    free_port,
    read_credentials,
    server_status,
    start_server,
    stop_server,
)

ROOT = Path(__file__).resolve().parent.parent

# Every retry of the suite (and of the commands it runs) pauses 50 ms, not 1 s: the retry
# policy is the same, only quicker (see curation/labelstudio/client.py).
os.environ.setdefault("CURATION_RETRY_BACKOFF", "0.05")


BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--ls-backend",
        choices=(*BACKENDS, "both"),
        default=os.environ.get("CURATION_TEST_LS_BACKEND", "both"),
        help="The Label Studio back end(s) the real-server tests run against: sqlite (label-studio start), "
        "postgresql (PostgreSQL + gunicorn, as `curation server start --backend postgresql` runs it), or both "
        "(the default; also CURATION_TEST_LS_BACKEND).",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses the session's server runs once per back end (one server each, in turn)."""
    if "ls_backend" not in metafunc.fixturenames:
        return
    reuse = os.environ.get("CURATION_TEST_LS_DATA_DIR")
    choice = metafunc.config.getoption("--ls-backend")
    if reuse:
        backends = [server_status(reuse).backend]
    else:
        backends = list(BACKENDS) if choice == "both" else [choice]
    metafunc.parametrize("ls_backend", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def ls_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def label_studio_server(ls_backend: str, tmp_path_factory: pytest.TempPathFactory):
    """(connection, data_dir) of a running Label Studio with an admin account, on ``ls_backend``."""
    reuse = os.environ.get("CURATION_TEST_LS_DATA_DIR")
    if reuse:
        status = server_status(reuse)
        assert status.state == "running", f"CURATION_TEST_LS_DATA_DIR={reuse} has no running server"
        yield read_credentials(reuse).connection, Path(reuse)
        return
    if ls_backend == "sqlite":
        data_dir = tmp_path_factory.mktemp("labelstudio")
    else:
        # PostgreSQL runs as the postgres user when the suite runs as root: a folder it can reach
        # (pytest's own temporary folders are private to their owner).
        data_dir = Path(tempfile.mkdtemp(prefix="curation-test-pg-"))
    status, _ = start_server(data_dir=data_dir, port=free_port(), backend=ls_backend, workers=4)
    try:
        yield read_credentials(data_dir).connection, data_dir
    finally:
        stop_server(data_dir=data_dir)
        if ls_backend != "sqlite":
            shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def label_studio(label_studio_server) -> Connection:
    """Admin connection to the session's real Label Studio server."""
    return label_studio_server[0]


@pytest.fixture
def server(label_studio_server, monkeypatch, tmp_path):
    """(connection, data dir), with the local server's credentials as the only way in (no
    LABEL_STUDIO_URL/LABEL_STUDIO_API_KEY in the environment) and a fresh push cache."""
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.setenv("CURATION_CACHE_DIR", str(tmp_path / "cache"))
    return label_studio_server


@pytest.fixture
def unique_title(request: pytest.FixtureRequest) -> str:
    """A project title no other test uses."""
    return f"{request.node.name[:40]}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def make_annotator(label_studio: Connection):
    """Sign up a new annotator through Label Studio's own sign-up form.

    Returns ``(connection, email, password)``; the connection carries the user's own API
    token, so annotations made with it are completed by that user.
    """

    def make(name: str | None = None) -> tuple[Connection, str, str]:
        email = f"{name or 'annotator'}-{uuid.uuid4().hex[:6]}@example.com"
        password = f"pw-{uuid.uuid4().hex}"
        session = requests.Session()
        session.get(f"{label_studio.url}/user/signup/", timeout=30)
        response = session.post(
            f"{label_studio.url}/user/signup/",
            data={"email": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"Referer": f"{label_studio.url}/user/signup/"},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, response.text[:500]
        token = session.get(f"{label_studio.url}/api/current-user/token", timeout=30).json()["token"]
        return Connection(label_studio.url, token), email, password

    return make
