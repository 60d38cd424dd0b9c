"""The local Label Studio server, and how every command finds a server.

``start_server`` runs, bound to 127.0.0.1, either ``label-studio start`` on SQLite (the default:
Django's own server, one process) or, with ``backend="postgresql"``, a private PostgreSQL
cluster (:mod:`curation.labelstudio.postgres`), Label Studio's migrations, and its WSGI
application under gunicorn with several worker processes, as Label Studio's own production
deployment does. It creates an admin account and API token on first start (stored in
``<data dir>/credentials.json``, mode 0600, with the database password), and waits for ``/health``.
``<data dir>/server.pid`` names the main process (and, for PostgreSQL, the back end, the
workers and the cluster), so ``server_status`` and ``stop_server`` cover every process. Secrets reach the server through its environment,
never its command line. Usage analytics, error reports (Sentry) and the version check are
switched off: Label Studio's defaults would send import bodies (article text) outside.

Commands find a server through ``LABEL_STUDIO_URL`` / ``LABEL_STUDIO_API_KEY`` or, when
those are unset, the local server's stored credentials (:func:`resolve_connection`), acting as
the admin or as a user added with :func:`curation.labelstudio.users.add_user` (stored under
``users`` in the same file).
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import curation.labelstudio.postgres as postgres
from curation.core.errors import ServerError
from curation.labelstudio.processes import HOST, free_port, pid_alive, run_logged, spawn, terminate, wait_healthy
from curation.labelstudio.processes import port_free as _port_free

__all__ = ["free_port"]  # kept here for the commands and tests that import it from this module

DEFAULT_DATA_DIR = Path(".labelstudio")
DEFAULT_PORT = 8080
DEFAULT_WORKERS = 4
BACKENDS = ("sqlite", "postgresql")
#: The process a PID file names, by back end (the postgresql one also has the cluster's postmaster).
_MAIN_PROCESS = {"sqlite": "label-studio", "postgresql": "gunicorn"}
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
    backend: str = "sqlite"
    workers: int = 1
    processes: tuple[tuple[str, int], ...] = ()  # (name, pid) of each process that runs


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


def _program(name: str, missing: str) -> str:
    """The program ``name`` next to this Python, or on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    raise ServerError(missing)


def label_studio_executable() -> str:
    """The ``label-studio`` program next to this Python, or on PATH."""
    return _program(
        "label-studio", "label-studio is not installed. Install the server extra: pip install 'curation[server]'."
    )


def server_status(data_dir: Path | str = DEFAULT_DATA_DIR) -> ServerStatus:
    data_dir = Path(data_dir)
    _, pid_path, _ = _paths(data_dir)
    if not pid_path.exists():
        return ServerStatus("stopped", data_dir=data_dir)
    info = json.loads(pid_path.read_text())
    pid, url = int(info["pid"]), info["url"]
    backend, workers = info.get("backend", "sqlite"), int(info.get("workers", 1))
    processes: tuple[tuple[str, int], ...] = ((_MAIN_PROCESS[backend], pid),)
    alive = pid_alive(pid)
    if backend == "postgresql":
        pg_pid = postgres.postmaster_pid(Path(info.get("cluster") or data_dir.resolve() / "postgresql"))
        processes += (("postgresql", pg_pid),) if pg_pid else ()
        alive = alive and pg_pid is not None
    state = "running" if alive else "stale"
    return ServerStatus(state, url=url, pid=pid, data_dir=data_dir, backend=backend, workers=workers,
                        processes=processes)  # fmt: skip


def _backend_of(data_dir: Path, asked: str | None) -> str:
    """The back end to start: the one the data dir was made with; ``asked`` must agree with it."""
    recorded = (read_credentials_file(data_dir) or {}).get("backend")
    if recorded is None and (data_dir / "label_studio.sqlite3").exists():
        recorded = "sqlite"  # a data dir made before there was a choice
    if recorded and asked and asked != recorded:
        raise ServerError(
            f"The data dir {data_dir} holds a Label Studio on {recorded}; start it with --backend {recorded}, "
            "or choose another --data-dir for a new server."
        )
    backend = asked or recorded or "sqlite"
    if backend not in BACKENDS:
        raise ServerError(f"Unknown back end {backend!r}: choose one of {', '.join(BACKENDS)}.")
    return backend


def start_server(
    *,
    data_dir: Path | str = DEFAULT_DATA_DIR,
    port: int = DEFAULT_PORT,
    timeout: float = 240.0,
    backend: str | None = None,
    workers: int = DEFAULT_WORKERS,
) -> tuple[ServerStatus, list[str]]:
    """Start the local server and wait until it answers; return its status and notes.

    ``backend`` "sqlite" runs ``label-studio start`` (Django's own server, one process);
    "postgresql" runs a private PostgreSQL cluster and Label Studio under gunicorn with
    ``workers`` processes. None keeps the back end the data dir was made with (SQLite for a new one).

    Raises :class:`ServerError` when a program is missing, the server already runs, the port is
    taken, the data dir was made with the other back end, or the server dies or stays silent past
    ``timeout`` seconds.
    """
    data_dir = Path(data_dir).resolve()
    notes: list[str] = []
    status = server_status(data_dir)
    if status.state == "running":
        raise ServerError(
            f"Label Studio is already running at {status.url} (pid {status.pid}). "
            "Use it, or run `curation server stop` first."
        )
    backend = _backend_of(data_dir, backend)
    if workers < 1:
        raise ServerError(f"--workers must be at least 1, not {workers}.")
    creds_path, pid_path, log_path = _paths(data_dir)
    if status.state == "stale":
        stop_server(data_dir=data_dir)  # what is left of it: the PID file, a PostgreSQL still running
        notes.append(f"Removed a stale PID file (process {status.pid} no longer exists).")
    executable = label_studio_executable()
    if not _port_free(port):
        raise ServerError(f"Port {port} on {HOST} is already in use. Choose another with --port.")
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    url = f"http://{HOST}:{port}"
    stored = read_credentials_file(data_dir) or {}
    creds = read_credentials(data_dir)
    if creds is None:
        creds = Credentials(url, ADMIN_EMAIL, secrets.token_urlsafe(18), secrets.token_hex(20))
        notes.append(f"Created admin account {creds.email}; its password and token are in {creds_path}.")
    creds = Credentials(url, creds.email, creds.password, creds.token)
    db_password = stored.get("postgresql_password") or secrets.token_urlsafe(24)
    extra = {"backend": backend, **({"postgresql_password": db_password} if backend == "postgresql" else {})}
    # The users added with `curation server add-user` (and anything else in the file) stay.
    write_credentials_file(data_dir, {**stored, **creds.__dict__, **extra})

    env = {
        **os.environ,
        **PRIVATE_ENV,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_USERNAME": creds.email,
        "LABEL_STUDIO_PASSWORD": creds.password,
        "LABEL_STUDIO_USER_TOKEN": creds.token,
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "false",
    }
    if backend == "sqlite":
        command = [
            executable, "start", "--no-browser", "--internal-host", HOST, "--port", str(port),
            "--data-dir", str(data_dir), "--enable-legacy-api-token", "--log-level", "WARNING",
        ]  # fmt: skip
        process = spawn(command, env=env, log_path=log_path, cwd=data_dir)
        workers = 1
    else:
        process = _start_wsgi_stack(data_dir, env, executable, db_password, port, workers, timeout, notes)
    stack = {"backend": backend, "workers": workers, "cluster": str(postgres.cluster_of(data_dir).root)}
    info = {"pid": process.pid, "url": url, **(stack if backend == "postgresql" else {})}
    _write_private(pid_path, json.dumps(info) + "\n")
    try:
        wait_healthy(process, url, timeout=timeout, log_path=log_path, name="Label Studio")
    except ServerError:
        pid_path.unlink(missing_ok=True)
        if backend == "postgresql":
            postgres.stop(postgres.cluster_of(data_dir))
        raise
    return server_status(data_dir), notes


def _start_wsgi_stack(
    data_dir: Path, env: dict[str, str], executable: str, db_password: str, port: int, workers: int,
    timeout: float, notes: list[str],
) -> subprocess.Popen[bytes]:  # fmt: skip
    """PostgreSQL, Label Studio's migrations and admin, then ``core.wsgi`` under gunicorn; return gunicorn."""
    gunicorn = _program(
        "gunicorn", "gunicorn is not installed. Install the server extra: pip install 'curation[server]'."
    )
    log_path = _paths(data_dir)[2]
    cluster = postgres.cluster_of(data_dir)
    postgres.prepare(cluster, data_dir)
    if postgres.initdb(cluster, db_password):
        notes.append(f"Created a PostgreSQL cluster in {cluster.root}; its password is in {_paths(data_dir)[0]}.")
    postgres.start(cluster, db_password)
    env = {**env, **cluster.django_env(db_password)}
    try:
        # Migrations, and the admin account with its token on first start (nothing when both exist).
        run_logged([executable, "init", "--no-browser", "--enable-legacy-api-token", "--log-level", "WARNING"],
                   env=env, log_path=log_path, cwd=data_dir, what="Label Studio's migrations (label-studio init)",
                   timeout=max(timeout, 600.0))  # fmt: skip
        # One request may build a whole export snapshot (no Redis in Label Studio OSS): no worker timeout.
        command = [gunicorn, "core.wsgi:application", "--workers", str(workers), "--bind", f"{HOST}:{port}",
                   "--timeout", "0", "--graceful-timeout", "20", "--log-level", "warning"]  # fmt: skip
        wsgi_env = {**env, "DJANGO_SETTINGS_MODULE": "core.settings.label_studio"}
        return spawn(command, env=wsgi_env, log_path=log_path, cwd=_label_studio_folder())
    except ServerError:
        postgres.stop(cluster)
        raise


def _label_studio_folder() -> Path:
    spec = importlib.util.find_spec("label_studio")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("label-studio is not installed. Install the server extra: pip install 'curation[server]'.")
    return Path(next(iter(spec.submodule_search_locations)))


def stop_server(*, data_dir: Path | str = DEFAULT_DATA_DIR) -> str:
    """Stop every process of the local server; return a sentence saying what happened."""
    data_dir = Path(data_dir)
    status = server_status(data_dir)
    pid_path = _paths(data_dir)[1]
    if status.state == "stopped":
        return "Label Studio is not running."
    info = json.loads(pid_path.read_text())
    pid_path.unlink(missing_ok=True)
    stopped_pg = None
    main_alive = status.pid is not None and pid_alive(status.pid)
    if main_alive:
        assert status.pid is not None
        terminate(status.pid)
    if status.backend == "postgresql":
        root = Path(info.get("cluster") or data_dir.resolve() / "postgresql")
        stopped_pg = postgres.stop(postgres.Cluster(root, postgres.find_binaries()))
    database = f" and its PostgreSQL (pid {stopped_pg})" if stopped_pg else ""
    if not main_alive:
        return f"Label Studio was not running; removed a stale PID file (process {status.pid}){database}."
    return f"Stopped Label Studio at {status.url} (pid {status.pid}){database}."


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
