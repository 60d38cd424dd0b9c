"""The embedded local Label Studio server, and how every command finds a server.

``start_server`` runs ``label-studio`` bound to 127.0.0.1 with a SQLite data dir, creates
an admin account and API token on first start (stored in ``<data dir>/credentials.json``,
mode 0600), and waits for ``/health``. Secrets reach the server through its environment,
never its command line. Usage analytics, error reports (Sentry) and the version check are
switched off: Label Studio's defaults would send import bodies (article text) outside.

Commands find a server through ``LABEL_STUDIO_URL`` / ``LABEL_STUDIO_API_KEY`` or, when
those are unset, the local server's stored credentials (:func:`resolve_connection`), acting as
the admin or as a user added with :func:`curation.labelstudio.users.add_user` (stored under
``users`` in the same file).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from curation.core.errors import ServerError

DEFAULT_DATA_DIR = Path(".labelstudio")
DEFAULT_PORT = 8080
HOST = "127.0.0.1"
ADMIN_EMAIL = "curation-admin@localhost"

#: Environment that keeps a Label Studio server from talking to the outside world.
PRIVATE_ENV = {
    "COLLECT_ANALYTICS": "false",
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "LATEST_VERSION_CHECK": "false",
    "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
}


@dataclass(frozen=True)
class Connection:
    """Where a Label Studio server is and the token to use. The token is never shown."""

    url: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class ServerStatus:
    state: str  # "running", "stopped" or "stale" (PID file left by a process that is gone)
    url: str | None = None
    pid: int | None = None
    data_dir: Path | None = None


@dataclass(frozen=True)
class Credentials:
    url: str
    email: str
    password: str = field(repr=False)
    token: str = field(repr=False)

    @property
    def connection(self) -> Connection:
        return Connection(self.url, self.token)


@dataclass(frozen=True)
class StoredUser:
    """A user added to the local server (``curation server add-user NAME``)."""

    name: str
    email: str
    password: str = field(repr=False)
    token: str = field(repr=False)


def _paths(data_dir: Path) -> tuple[Path, Path, Path]:
    return data_dir / "credentials.json", data_dir / "server.pid", data_dir / "server.log"


def credentials_path(data_dir: Path | str = DEFAULT_DATA_DIR) -> Path:
    return _paths(Path(data_dir))[0]


def read_credentials_file(data_dir: Path | str = DEFAULT_DATA_DIR) -> dict | None:
    """The whole credentials file (admin fields and ``users``), or None when there is none."""
    creds_path = credentials_path(data_dir)
    if not creds_path.exists():
        return None
    return json.loads(creds_path.read_text())


def write_credentials_file(data_dir: Path | str, data: dict) -> None:
    """Replace the credentials file atomically, readable by its owner only."""
    _write_private(credentials_path(data_dir), json.dumps(data, indent=2) + "\n")


def read_credentials(data_dir: Path | str = DEFAULT_DATA_DIR) -> Credentials | None:
    data = read_credentials_file(data_dir)
    if data is None:
        return None
    return Credentials(data["url"], data["email"], data["password"], data["token"])


def stored_users(data_dir: Path | str = DEFAULT_DATA_DIR) -> dict[str, StoredUser]:
    """The users added to the local server, by name (an entry still without a token is left out)."""
    users = (read_credentials_file(data_dir) or {}).get("users") or {}
    return {
        name: StoredUser(name, entry["email"], entry["password"], entry["token"])
        for name, entry in sorted(users.items())
        if entry.get("token")
    }


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only (created 0600, never world-readable)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _healthy(url: str, timeout: float = 2.0) -> bool:
    import urllib.error  # here: every command imports this module, few poll the server's health
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _port_free(port: int) -> bool:
    """Whether nothing listens on the port. Connections of a server just stopped, left in
    TIME_WAIT, do not count: Label Studio binds with SO_REUSEADDR too."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def label_studio_executable() -> str:
    """The ``label-studio`` program next to this Python, or on PATH."""
    beside = Path(sys.executable).parent / "label-studio"
    if beside.exists():
        return str(beside)
    found = shutil.which("label-studio")
    if found:
        return found
    raise ServerError("label-studio is not installed. Install the server extra: pip install 'curation[server]'.")


def server_status(data_dir: Path | str = DEFAULT_DATA_DIR) -> ServerStatus:
    data_dir = Path(data_dir)
    _, pid_path, _ = _paths(data_dir)
    if not pid_path.exists():
        return ServerStatus("stopped", data_dir=data_dir)
    info = json.loads(pid_path.read_text())
    pid, url = int(info["pid"]), info["url"]
    if not _pid_alive(pid):
        return ServerStatus("stale", url=url, pid=pid, data_dir=data_dir)
    return ServerStatus("running", url=url, pid=pid, data_dir=data_dir)


def start_server(
    *, data_dir: Path | str = DEFAULT_DATA_DIR, port: int = DEFAULT_PORT, timeout: float = 240.0
) -> tuple[ServerStatus, list[str]]:
    """Start the local server and wait until it answers; return its status and notes.

    Raises :class:`ServerError` when label-studio is missing, the server already runs, the
    port is taken, or the server dies or stays silent past ``timeout`` seconds.
    """
    data_dir = Path(data_dir).resolve()
    notes: list[str] = []
    status = server_status(data_dir)
    if status.state == "running":
        raise ServerError(
            f"Label Studio is already running at {status.url} (pid {status.pid}). "
            "Use it, or run `curation server stop` first."
        )
    creds_path, pid_path, log_path = _paths(data_dir)
    if status.state == "stale":
        pid_path.unlink()
        notes.append(f"Removed a stale PID file (process {status.pid} no longer exists).")
    executable = label_studio_executable()
    if not _port_free(port):
        raise ServerError(f"Port {port} on {HOST} is already in use. Choose another with --port.")
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    url = f"http://{HOST}:{port}"
    creds = read_credentials(data_dir)
    if creds is None:
        creds = Credentials(url, ADMIN_EMAIL, secrets.token_urlsafe(18), secrets.token_hex(20))
        notes.append(f"Created admin account {creds.email}; its password and token are in {creds_path}.")
    creds = Credentials(url, creds.email, creds.password, creds.token)
    # The users added with `curation server add-user` (and anything else in the file) stay.
    write_credentials_file(data_dir, {**(read_credentials_file(data_dir) or {}), **creds.__dict__})

    env = {
        **os.environ,
        **PRIVATE_ENV,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_USERNAME": creds.email,
        "LABEL_STUDIO_PASSWORD": creds.password,
        "LABEL_STUDIO_USER_TOKEN": creds.token,
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "false",
    }
    command = [
        executable, "start", "--no-browser", "--internal-host", HOST, "--port", str(port),
        "--data-dir", str(data_dir), "--enable-legacy-api-token", "--log-level", "WARNING",
    ]  # fmt: skip
    log = open(log_path, "ab")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        cwd=data_dir, start_new_session=True,
    )  # fmt: skip
    log.close()
    _write_private(pid_path, json.dumps({"pid": process.pid, "url": url}) + "\n")
    deadline = time.monotonic() + timeout
    while not _healthy(url):
        if process.poll() is not None:
            pid_path.unlink(missing_ok=True)
            raise ServerError(f"Label Studio exited with code {process.returncode} while starting. See {log_path}.")
        if time.monotonic() > deadline:
            _terminate(process.pid)
            pid_path.unlink(missing_ok=True)
            raise ServerError(f"Label Studio did not answer {url}/health within {timeout:.0f} s. See {log_path}.")
        time.sleep(0.5)
    return ServerStatus("running", url=url, pid=process.pid, data_dir=data_dir), notes


def _terminate(pid: int, grace: float = 20.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            finished = pid if not _pid_alive(pid) else 0
        if finished:
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_server(*, data_dir: Path | str = DEFAULT_DATA_DIR) -> str:
    """Stop the local server; return a sentence saying what happened."""
    data_dir = Path(data_dir)
    status = server_status(data_dir)
    pid_path = _paths(data_dir)[1]
    if status.state == "stopped":
        return "Label Studio is not running."
    pid_path.unlink(missing_ok=True)
    if status.state == "stale":
        return f"Label Studio was not running; removed a stale PID file (process {status.pid})."
    assert status.pid is not None  # server_status gives a running server its pid
    _terminate(status.pid)
    return f"Stopped Label Studio at {status.url} (pid {status.pid})."


def resolve_connection(*, data_dir: Path | str = DEFAULT_DATA_DIR, as_user: str | None = None) -> Connection:
    """The server to talk to: environment variables first, then the local server's credentials.

    ``as_user`` acts as a user added to the local server with ``curation server add-user``
    (its own token, so what it writes is completed by that user); it is refused against a
    server named by the environment, where each person sets ``LABEL_STUDIO_API_KEY`` instead.
    """
    url, token = os.environ.get("LABEL_STUDIO_URL"), os.environ.get("LABEL_STUDIO_API_KEY")
    if as_user is not None and (url or token):
        raise ServerError(
            f"--as {as_user} acts as a user added to the local Label Studio, but LABEL_STUDIO_URL and "
            "LABEL_STUDIO_API_KEY point at another server. Against an external Label Studio each person runs the "
            "command with their own token in LABEL_STUDIO_API_KEY (Account & Settings in Label Studio): drop --as, "
            "or unset both variables to use the local server."
        )
    if url and token:
        return Connection(url.rstrip("/"), token)
    if url or token:
        missing = "LABEL_STUDIO_API_KEY" if url else "LABEL_STUDIO_URL"
        raise ServerError(f"{missing} is not set. Set both LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY, or neither.")
    creds = read_credentials(data_dir)
    if creds is None:
        raise ServerError(
            "No Label Studio server configured. Run `curation server start`, "
            "or set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY."
        )
    if as_user is None:
        return creds.connection
    user = stored_users(data_dir).get(as_user)
    if user is None:
        where = "" if Path(data_dir) == DEFAULT_DATA_DIR else f" --data-dir {data_dir}"
        raise ServerError(
            f"No user {as_user} in {credentials_path(data_dir)}. Run `curation server add-user {as_user}{where}` first."
        )
    return Connection(creds.url, user.token)
