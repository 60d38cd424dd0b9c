"""A private PostgreSQL cluster under the data dir, for ``curation server start --backend postgresql``.

The cluster lives in ``<data dir>/postgresql/`` (its files in ``data/``, its log in
``postgres.log``) and listens on a Unix socket in that folder only, never on TCP. It is made
with Debian's PostgreSQL programs (``initdb`` on first start, ``pg_ctl`` to start and stop).
PostgreSQL refuses to run as root, so when the tool runs as root the cluster belongs to the
``postgres`` user that Debian's package creates, and its programs run through ``runuser``. The
database password is generated on first start and kept in the credentials file (mode 0600); it
reaches PostgreSQL through a file of the cluster's owner and Label Studio through its
environment, never a command line.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from curation.core.errors import ServerError
from curation.labelstudio.processes import pid_alive, run_logged

DB_USER = "labelstudio"
DB_NAME = "labelstudio"
SOCKET = ".s.PGSQL.5432"
#: The longest Unix socket path Linux accepts (``sun_path`` holds 108 bytes, with the final NUL).
MAX_SOCKET_PATH = 107
OWNER = "postgres"


@dataclass(frozen=True)
class Cluster:
    root: Path  # <data dir>/postgresql: the socket and the log; data/ below it
    bin: Path  # where initdb, pg_ctl, psql and createdb are

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def django_env(self, password: str) -> dict[str, str]:
        """The environment that points Label Studio's settings at this cluster."""
        return {
            "DJANGO_DB": "default", "POSTGRE_NAME": DB_NAME, "POSTGRE_USER": DB_USER,
            "POSTGRE_PASSWORD": password, "POSTGRE_HOST": str(self.root), "POSTGRE_PORT": "5432",
        }  # fmt: skip


def cluster_of(data_dir: Path) -> Cluster:
    return Cluster(Path(data_dir).resolve() / "postgresql", find_binaries())


def find_binaries() -> Path:
    """The folder of PostgreSQL's server programs (Debian puts them in /usr/lib/postgresql/<major>/bin)."""
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if debian:
        return debian[-1].parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise ServerError(
        "PostgreSQL is not installed: install Debian's postgresql package (apt-get install postgresql; "
        "`make test` does it when run as root), or start the default back end with --backend sqlite."
    )


def _as_owner(command: list[str]) -> list[str]:
    """``command`` run as the cluster's owner: this user, or ``postgres`` when this is root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", OWNER, "--", *command]


def prepare(cluster: Cluster, data_dir: Path) -> None:
    """Make the cluster's folder, owned by the user PostgreSQL runs as, and check it can reach it."""
    socket = cluster.root / SOCKET
    if len(str(socket).encode()) > MAX_SOCKET_PATH:
        raise ServerError(
            f"The data dir's path is too long for PostgreSQL's socket ({socket}: more than {MAX_SOCKET_PATH} "
            "bytes). Choose a shorter --data-dir."
        )
    cluster.root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        os.chmod(cluster.root, 0o700)
        return
    try:
        owner = pwd.getpwnam(OWNER)
    except KeyError:
        raise ServerError(
            "PostgreSQL refuses to run as root and there is no postgres user: install Debian's postgresql "
            "package (it makes the user), or run curation as a normal user."
        )
    os.chmod(data_dir, 0o711)  # the postgres user may pass through, not list; credentials.json stays 0600
    os.chown(cluster.root, owner.pw_uid, owner.pw_gid)
    os.chmod(cluster.root, 0o700)
    if not cluster.log.exists():
        _write_as_owner(cluster.log, "")  # the server appends to it as postgres, the tool as root
    if subprocess.run(_as_owner(["test", "-w", str(cluster.root)]), check=False).returncode != 0:
        raise ServerError(
            f"PostgreSQL runs as user {OWNER} (it refuses root), which cannot reach {cluster.root}: choose a "
            "--data-dir whose parent folders others may enter (chmod o+x), for example one under /var/tmp."
        )


def _write_as_owner(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    if os.geteuid() == 0:
        owner = pwd.getpwnam(OWNER)
        os.chown(path, owner.pw_uid, owner.pw_gid)


def initdb(cluster: Cluster, password: str, *, timeout: float = 300.0) -> bool:
    """Create the cluster on first start (False when it exists). Local connections need the password."""
    if (cluster.data / "PG_VERSION").exists():
        return False
    pwfile = cluster.root / "password.tmp"
    _write_as_owner(pwfile, password + "\n")
    try:
        command = [str(cluster.bin / "initdb"), "-D", str(cluster.data), "-U", DB_USER, f"--pwfile={pwfile}",
                   "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"]  # fmt: skip
        run_logged(_as_owner(command), env=os.environ, log_path=cluster.log, cwd=cluster.root,
                   what="PostgreSQL's initdb", timeout=timeout)  # fmt: skip
    finally:
        pwfile.unlink(missing_ok=True)
    with open(cluster.data / "postgresql.conf", "a") as conf:
        conf.write(
            "\n# curation: the settings of this data dir (written at every start)\ninclude_if_exists = 'curation.conf'\n"
        )
    return True


def running_pid(cluster: Cluster) -> int | None:
    """The postmaster's PID when the cluster runs, else None."""
    return postmaster_pid(cluster.root)


def postmaster_pid(root: Path) -> int | None:
    """The PID of the postmaster of the cluster in ``root`` when it runs, else None."""
    pid_file = root / "data" / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def start(cluster: Cluster, password: str, *, timeout: float = 120.0) -> int:
    """Start the cluster (socket only, in its folder), make the database on first start; return its PID."""
    quoted = str(cluster.root).replace("'", "''")
    _write_as_owner(cluster.data / "curation.conf", f"listen_addresses = ''\nunix_socket_directories = '{quoted}'\n")
    if running_pid(cluster) is None:
        command = [str(cluster.bin / "pg_ctl"), "start", "-D", str(cluster.data), "-l", str(cluster.log), "-w",
                   "-t", str(int(timeout))]  # fmt: skip
        run_logged(_as_owner(command), env=os.environ, log_path=cluster.log, cwd=cluster.root,
                   what="PostgreSQL (pg_ctl start)", timeout=timeout + 10)  # fmt: skip
    _ensure_database(cluster, password)
    pid = running_pid(cluster)
    if pid is None:
        raise ServerError(f"PostgreSQL stopped right after starting. See {cluster.log}.")
    return pid


def _client_env(cluster: Cluster, password: str) -> Mapping[str, str]:
    return {**os.environ, "PGHOST": str(cluster.root), "PGUSER": DB_USER, "PGPASSWORD": password}


def _ensure_database(cluster: Cluster, password: str) -> None:
    env = _client_env(cluster, password)
    query = [
        str(cluster.bin / "psql"),
        "-d",
        "postgres",
        "-tAc",
        f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
    ]
    found = subprocess.run(query, env=dict(env), capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise ServerError(f"Could not connect to the PostgreSQL of {cluster.root}: {found.stderr.strip()}")
    if found.stdout.strip() != "1":
        run_logged([str(cluster.bin / "createdb"), DB_NAME], env=env, log_path=cluster.log, cwd=cluster.root,
                   what="PostgreSQL's createdb", timeout=60)  # fmt: skip


def stop(cluster: Cluster, *, timeout: float = 60.0) -> int | None:
    """Stop the cluster cleanly (``pg_ctl stop -m fast``); return the PID it had, or None when it was not running."""
    pid = running_pid(cluster)
    if pid is None:
        return None
    command = [
        str(cluster.bin / "pg_ctl"),
        "stop",
        "-D",
        str(cluster.data),
        "-m",
        "fast",
        "-w",
        "-t",
        str(int(timeout)),
    ]
    run_logged(_as_owner(command), env=os.environ, log_path=cluster.log, cwd=cluster.root,
               what="PostgreSQL (pg_ctl stop)", timeout=timeout + 10)  # fmt: skip
    return pid
