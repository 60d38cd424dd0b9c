"""The processes of the local server: start one in the background, wait for an answer, stop it.

Shared by both back ends of :mod:`curation.labelstudio.server` (Label Studio's own server on
SQLite, and PostgreSQL with Label Studio under gunicorn). Each process is the leader of its own
session, so stopping it stops its children too (gunicorn's workers).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from curation.core.errors import ServerError

HOST = "127.0.0.1"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def healthy(url: str, timeout: float = 2.0) -> bool:
    import urllib.error  # here: every command imports the server module, few poll the server's health
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def port_free(port: int) -> bool:
    """Whether nothing listens on the port. Connections of a server just stopped, left in
    TIME_WAIT, do not count: Label Studio and gunicorn bind with SO_REUSEADDR too."""
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


def spawn(command: list[str], *, env: Mapping[str, str], log_path: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own session, its output appended to ``log_path``."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command, env=dict(env), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=cwd, start_new_session=True,
        )  # fmt: skip


def run_logged(command: list[str], *, env: Mapping[str, str], log_path: Path, cwd: Path, what: str,
               timeout: float) -> None:  # fmt: skip
    """Run ``command`` to its end, output appended to ``log_path``; a failure is a ServerError."""
    with open(log_path, "ab") as log:
        try:
            done = subprocess.run(command, env=dict(env), stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, cwd=cwd, timeout=timeout)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise ServerError(f"{what} did not finish within {timeout:.0f} s. See {log_path}.")
    if done.returncode != 0:
        raise ServerError(f"{what} failed (exit code {done.returncode}). See {log_path}.")


def wait_healthy(process: subprocess.Popen[bytes], url: str, *, timeout: float, log_path: Path, name: str) -> None:
    """Wait until ``url`` answers /health; stop the process and raise when it dies or stays silent."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if process.poll() is not None:
            raise ServerError(f"{name} exited with code {process.returncode} while starting. See {log_path}.")
        if time.monotonic() > deadline:
            terminate(process.pid)
            raise ServerError(f"{name} did not answer {url}/health within {timeout:.0f} s. See {log_path}.")
        time.sleep(0.5)


def terminate(pid: int, grace: float = 20.0) -> None:
    """SIGTERM the process's session, wait up to ``grace`` seconds, then SIGKILL what is left."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            finished = pid if not pid_alive(pid) else 0
        if finished:
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
