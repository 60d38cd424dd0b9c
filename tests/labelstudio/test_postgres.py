"""`curation server start --backend postgresql`: a private PostgreSQL cluster and Label Studio
under gunicorn, started, inspected, stopped (every process) and started again with its data."""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
from pathlib import Path

import psutil
import pytest
import requests
from click.testing import CliRunner

from curation.cli import cli
from curation.labelstudio.server import free_port, read_credentials, read_credentials_file, server_status


def curation(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def data_dir():
    # PostgreSQL runs as the postgres user when this runs as root: a folder it can reach.
    folder = Path(tempfile.mkdtemp(prefix="curation-test-stack-")) / "ls"
    folder.parent.chmod(0o711)
    yield folder
    curation("server", "stop", "--data-dir", folder)
    shutil.rmtree(folder.parent, ignore_errors=True)


def cmdlines() -> list[str]:
    lines = []
    for process in psutil.process_iter(["cmdline"]):
        lines.append(" ".join(process.info["cmdline"] or []))
    return lines


def test_postgresql_stack_start_status_stop_restart(data_dir):
    port = free_port()
    started = curation("server", "start", "--backend", "postgresql", "--workers", "2", "--port", port,
                       "--data-dir", data_dir)  # fmt: skip
    assert started.exit_code == 0, started.output
    url = f"http://127.0.0.1:{port}"
    status = server_status(data_dir)
    gunicorn, postmaster = dict(status.processes)["gunicorn"], dict(status.processes)["postgresql"]
    assert started.stdout == f"{url}\n"
    assert started.stderr == (
        f"Starting Label Studio on 127.0.0.1:{port} (data in {data_dir}/); this takes about a minute, with PostgreSQL...\n"
        f"Created admin account curation-admin@localhost; its password and token are in {data_dir.resolve()}/credentials.json.\n"
        f"Created a PostgreSQL cluster in {data_dir.resolve()}/postgresql; its password is in {data_dir.resolve()}/credentials.json.\n"
        f"Label Studio is running (postgresql: gunicorn pid {gunicorn}, postgresql pid {postmaster}, 2 workers). "
        "Open it in a browser at:\n"
    )
    # gunicorn's master and its two workers, bound to 127.0.0.1 only; PostgreSQL on a socket only.
    master = psutil.Process(gunicorn)
    assert len(master.children()) == 2
    listening = {c.laddr for p in [master, *master.children()] for c in p.net_connections() if c.status == "LISTEN"}
    assert {(addr.ip, addr.port) for addr in listening} == {("127.0.0.1", port)}
    assert not [c for c in psutil.Process(postmaster).net_connections("inet") if c.status == "LISTEN"]
    # Secrets: the admin token and the database password in a 0600 file, never on a command line.
    creds, stored = read_credentials(data_dir), read_credentials_file(data_dir)
    assert stored is not None and stored["backend"] == "postgresql"
    assert stat.S_IMODE((data_dir / "credentials.json").stat().st_mode) == 0o600
    everything = "\n".join(cmdlines())
    for secret in (creds.token, creds.password, stored["postgresql_password"]):
        assert secret not in everything and secret not in started.output

    headers = {"Authorization": f"Token {creds.token}"}
    made = requests.post(f"{url}/api/projects/", json={"title": "kept across a restart"}, headers=headers, timeout=60)
    assert made.status_code == 201, made.text
    assert curation("server", "status", "--data-dir", data_dir).stdout == (
        f"running {url} (postgresql: gunicorn pid {gunicorn}, postgresql pid {postmaster}, 2 workers)\n"
    )
    assert json.loads(curation("server", "status", "--data-dir", data_dir, "--json").stdout) == {
        "state": "running", "url": url, "pid": gunicorn, "backend": "postgresql", "workers": 2,
        "processes": {"gunicorn": gunicorn, "postgresql": postmaster},
    }  # fmt: skip
    other = curation("server", "start", "--backend", "sqlite", "--port", free_port(), "--data-dir", data_dir)
    assert other.exit_code == 1
    assert other.stderr.endswith(f"Error: Label Studio is already running at {url} (pid {gunicorn}). "
                                 "Use it, or run `curation server stop` first.\n")  # fmt: skip

    workers = [p.pid for p in master.children()]
    stopped = curation("server", "stop", "--data-dir", data_dir)
    assert stopped.stderr == f"Stopped Label Studio at {url} (pid {gunicorn}) and its PostgreSQL (pid {postmaster}).\n"
    for pid in (gunicorn, postmaster, *workers):
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert curation("server", "status", "--data-dir", data_dir).stdout == "stopped\n"

    # The data dir remembers its back end: SQLite is refused, a plain start brings PostgreSQL back.
    wrong = curation("server", "start", "--backend", "sqlite", "--port", port, "--data-dir", data_dir)
    assert wrong.exit_code == 1
    assert wrong.stderr.endswith(
        f"Error: The data dir {data_dir.resolve()} holds a Label Studio on postgresql; start it with --backend "
        "postgresql, or choose another --data-dir for a new server.\n"
    )
    again = curation("server", "start", "--port", port, "--data-dir", data_dir)
    assert again.exit_code == 0, again.output
    assert "Created" not in again.stderr
    assert server_status(data_dir).workers == 4  # --workers' default
    titles = [p["title"] for p in requests.get(f"{url}/api/projects/", headers=headers, timeout=60).json()["results"]]
    assert titles == ["kept across a restart"]


def test_a_killed_stack_is_stale_and_stop_cleans_up(data_dir):
    """gunicorn SIGKILLed: status says stale; stop still stops the PostgreSQL left running."""
    started = curation("server", "start", "--backend", "postgresql", "--workers", "1", "--port", free_port(),
                       "--data-dir", data_dir)  # fmt: skip
    assert started.exit_code == 0, started.output
    status = server_status(data_dir)
    postmaster = dict(status.processes)["postgresql"]
    master = psutil.Process(status.pid)
    for process in [*master.children(), master]:
        process.kill()
    master.wait(30)
    assert curation("server", "status", "--data-dir", data_dir).stdout == (
        f"stale: PID file for process {status.pid}, which is gone. Run `curation server stop` to clean up.\n"
    )
    stopped = curation("server", "stop", "--data-dir", data_dir)
    assert stopped.stderr == (
        f"Label Studio was not running; removed a stale PID file (process {status.pid}) and its PostgreSQL "
        f"(pid {postmaster}).\n"
    )
    assert not psutil.pid_exists(postmaster) or psutil.Process(postmaster).status() == psutil.STATUS_ZOMBIE
