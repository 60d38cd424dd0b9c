"""`curation server start/status/stop` with a real Label Studio on a random port in a temporary
data dir: credentials kept private, the token never shown, users kept across a restart, and
every failure in one line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import requests
from click.testing import CliRunner

from curation.cli import cli
from curation.labelstudio.server import ADMIN_EMAIL, free_port, read_credentials, server_status, stored_users

START_NOTE = "Starting Label Studio on 127.0.0.1:{port} (data in {data_dir}/); this takes about 30 s...\n"


def curation(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def dead_pid() -> int:
    """The id of a process that has just exited."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_start_status_stop(tmp_path):
    data_dir, port = tmp_path / "ls", free_port()
    data_dir.mkdir()
    gone = dead_pid()
    (data_dir / "server.pid").write_text(json.dumps({"pid": gone, "url": "http://127.0.0.1:1"}))
    stale = curation("server", "status", "--data-dir", data_dir)
    assert (
        stale.stdout == f"stale: PID file for process {gone}, which is gone. Run `curation server stop` to clean up.\n"
    )

    started = curation("server", "start", "--port", port, "--data-dir", data_dir)
    try:
        assert started.exit_code == 0, started.output
        url = f"http://127.0.0.1:{port}"
        status = server_status(data_dir)
        creds = read_credentials(data_dir)
        assert started.stdout == f"{url}\n"
        assert started.stderr == (
            START_NOTE.format(port=port, data_dir=data_dir)
            + f"Removed a stale PID file (process {gone} no longer exists).\n"
            f"Created admin account {ADMIN_EMAIL}; its password and token are in {data_dir.resolve()}/credentials.json.\n"
            f"Label Studio is running (pid {status.pid}). Open it in a browser at:\n"
        )
        # Secrets: a private file, never on a command line or in any output.
        assert stat.S_IMODE((data_dir / "credentials.json").stat().st_mode) == 0o600
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        for secret in (creds.token, creds.password):
            assert secret not in started.output
            assert secret.encode() not in Path(f"/proc/{status.pid}/cmdline").read_bytes()
        environ = Path(f"/proc/{status.pid}/environ").read_bytes().split(b"\0")
        assert (
            b"COLLECT_ANALYTICS=false" in environ and b"SENTRY_DSN=" in environ and b"FRONTEND_SENTRY_DSN=" in environ
        )
        answer = requests.get(f"{url}/api/projects/", headers={"Authorization": f"Token {creds.token}"}, timeout=30)
        assert answer.status_code == 200

        running = curation("server", "status", "--data-dir", data_dir)
        assert running.stdout == f"running {url} (pid {status.pid})\n"
        as_json = curation("server", "status", "--data-dir", data_dir, "--json")
        assert json.loads(as_json.stdout) == {
            "state": "running", "url": url, "pid": status.pid, "backend": "sqlite", "workers": 1,
            "processes": {"label-studio": status.pid},
        }  # fmt: skip
        again = curation("server", "start", "--port", free_port(), "--data-dir", data_dir)
        assert again.exit_code == 1
        assert again.stderr.endswith(
            f"Error: Label Studio is already running at {url} (pid {status.pid}). "
            "Use it, or run `curation server stop` first.\n"
        )
        assert curation("server", "add-user", "alice", "--data-dir", data_dir).exit_code == 0
    finally:
        stopped = curation("server", "stop", "--data-dir", data_dir)
    assert stopped.stderr == f"Stopped Label Studio at {url} (pid {status.pid}).\n"
    assert (
        not Path(f"/proc/{status.pid}").exists() or b"zombie" in Path(f"/proc/{status.pid}/status").read_bytes().lower()
    )
    assert curation("server", "status", "--data-dir", data_dir).stdout == "stopped\n"
    assert curation("server", "stop", "--data-dir", data_dir).stderr == "Label Studio is not running.\n"

    # Started again on the same port (its old connections still in TIME_WAIT): the same admin,
    # and the added user with its token, in Label Studio's database and in credentials.json.
    alice = stored_users(data_dir)["alice"]
    restarted = curation("server", "start", "--port", port, "--data-dir", data_dir)
    try:
        assert restarted.exit_code == 0, restarted.output
        assert "Created admin account" not in restarted.stderr
        assert read_credentials(data_dir) == creds and stored_users(data_dir) == {"alice": alice}
        assert stat.S_IMODE((data_dir / "credentials.json").stat().st_mode) == 0o600
        me = requests.get(f"{url}/api/current-user/whoami", headers={"Authorization": f"Token {alice.token}"},
                          timeout=30)  # fmt: skip
        assert (me.status_code, me.json()["email"]) == (200, "alice@curation.localhost")
        assert curation("server", "add-user", "alice", "--data-dir", data_dir).stderr == "User alice already exists.\n"
    finally:
        curation("server", "stop", "--data-dir", data_dir)


def test_stop_removes_a_stale_pid_file(tmp_path):
    gone = dead_pid()
    (tmp_path / "server.pid").write_text(json.dumps({"pid": gone, "url": "http://127.0.0.1:1"}))
    result = curation("server", "stop", "--data-dir", tmp_path)
    assert result.stderr == f"Label Studio was not running; removed a stale PID file (process {gone}).\n"
    assert not (tmp_path / "server.pid").exists()


def test_port_in_use(label_studio, tmp_path):
    port = int(label_studio.url.rsplit(":", 1)[1])
    result = curation("server", "start", "--port", port, "--data-dir", tmp_path / "ls")
    assert result.exit_code == 1
    assert result.stderr == (
        START_NOTE.format(port=port, data_dir=tmp_path / "ls")
        + f"Error: Port {port} on 127.0.0.1 is already in use. Choose another with --port.\n"
    )
    assert not (tmp_path / "ls").exists()


def test_already_running(label_studio_server):
    conn, data_dir = label_studio_server
    pid = server_status(data_dir).pid
    result = curation("server", "start", "--port", free_port(), "--data-dir", data_dir)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: Label Studio is already running at {conn.url} (pid {pid}). Use it, or run `curation server stop` first.\n"
    )


def test_label_studio_not_installed(tmp_path):
    """Run the CLI with an interpreter that has no label-studio beside it nor on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python3"
    python.symlink_to(os.path.realpath(sys.executable))
    site_packages = next(p for p in sys.path if p.endswith("site-packages") and p.startswith(sys.prefix))
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "PYTHONPATH": f"{site_packages}:{Path(__file__).resolve().parent.parent}",
        "HOME": str(tmp_path),
    }
    code = "from curation.cli import main; main()"
    args = ["server", "start", "--port", str(free_port()), "--data-dir", str(tmp_path / "ls")]
    result = subprocess.run([str(python), "-c", code, *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: label-studio is not installed. Install the server extra: pip install 'curation[server]'."
    )
    assert not (tmp_path / "ls").exists()
