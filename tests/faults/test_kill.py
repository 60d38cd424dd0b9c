"""Kill and re-run: each command that changes Label Studio, SIGKILLed right after its first,
middle and last request reached the server, then run again, leaves exactly what one
uninterrupted run leaves. The commands run as real processes (``python -m curation``) through a
proxy that counts requests and kills the process once the chosen one was forwarded.

``push --jobs 4`` (five chunks of one article, four in flight) has other imports in flight
when it is killed; the server carries them out.
The run again starts once the server has answered them all (as a person starts it after the
crash, not within the same second): a push cannot see an import that is still running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from curation import labelstudio as ls
from curation.core.corpus import load_corpus
from curation.core.schema import guidelines_html, label_config, load_schema, same_config
from curation.labelstudio import add_user
from curation.labelstudio.server import Connection, stored_users
from curation.project.accept import accept_predictions
from curation.project.pull import pull
from curation.project.push import push, visible_text
from tests.conftest import ROOT
from tests.faultproxy import FaultProxy
from tests.faults.conftest import (
    MAINTAINERS,
    SECOND_PASS,
    SEED,
    content,
    data_dir_for,
    decisions_for,
    drifted_config,
    whoami,
)

DOCS = load_corpus(ROOT / "corpus")


class Killer:
    """Runs one command through the proxy; with ``kill_at`` N, SIGKILLs it once request N was forwarded."""

    def __init__(self, proxy: FaultProxy, data_dir: Path, tmp: Path) -> None:
        self.proxy, self.data_dir, self.process = proxy, data_dir, None
        self.kill_at: int | None = None
        proxy.after_forward = self._after
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
        self.env.update(PYTHONPATH=str(ROOT), CURATION_CACHE_DIR=str(tmp / "cache"), CURATION_READ_TIMEOUT="20")

    def _after(self, number: int) -> bool:
        if number != self.kill_at or self.process is None:
            return False
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return True

    def run(self, args: list[str], kill_at: int | None = None) -> tuple[int, int, str]:
        """(exit code, requests forwarded, stderr)."""
        self.proxy.forwarded, self.kill_at = 0, kill_at
        argv = [sys.executable, "-m", "curation", *args, "--data-dir", str(self.data_dir)]
        self.process = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, err = self.process.communicate(timeout=180)
        code, self.process = self.process.returncode, None
        forwarded = self.proxy.forwarded
        self.proxy.wait_idle()  # what the killed process left in flight reaches the server
        return code, forwarded, err.decode()


def assert_killed(code: int, reached: int, at: int, *, concurrent: bool) -> None:
    """Killed right after request ``at`` was forwarded. With several connections (``--jobs``, or
    the default on PostgreSQL) the number of requests varies from run to run and others may be
    forwarded in the same instant, so the process may have ended first or gone a little past."""
    if concurrent:
        assert code in (0, -signal.SIGKILL) and (code == 0 or reached >= at), (code, reached, at)
    else:
        assert (code, reached) == (-signal.SIGKILL, at)


@pytest.fixture(scope="module")
def killer(label_studio_server, tmp_path_factory):
    conn, source = label_studio_server
    suffix = uuid.uuid4().hex[:8]
    second, reviewer = f"kill-second-{suffix}", f"kill-reviewer-{suffix}"
    add_user(second, data_dir=source)
    add_user(reviewer, data_dir=source)
    tmp = tmp_path_factory.mktemp("kill")
    with FaultProxy(conn.url) as proxy:
        killer = Killer(proxy, data_dir_for(source, proxy.url, tmp / "labelstudio"), tmp)
        killer.users = {"second": stored_users(source)[second], "reviewer": reviewer}  # type: ignore[attr-defined]
        yield killer


def annotated(conn: Connection, second: Connection, title: str, tmp: Path) -> Path:
    """A project with both seed passes submitted (by the admin and the second user), pulled."""
    cache = tmp / "setup-cache"
    push(conn, corpus=DOCS, project_title=title, predictions=SEED, overlap=2, cache_dir=cache)
    push(conn, corpus=DOCS, project_title=title, predictions=SECOND_PASS, cache_dir=cache)
    accept_predictions(conn, project_title=title, model_version=MAINTAINERS)
    accept_predictions(second, project_title=title, model_version="annotator-2")
    pull(conn, project_title=title, out=tmp / f"{title}.json")
    return tmp / f"{title}.json"


def case_args(case: str, conn: Connection, killer: Killer, title: str, tmp: Path) -> list[str]:
    """Set up a fresh project for ``case`` and return the command to kill."""
    second = Connection(conn.url, killer.users["second"].token)  # type: ignore[attr-defined]
    project = ["--project", title]
    if case == "push --jobs 4":  # without pre-annotations: a chunk carrying them is sent alone
        return ["push", "--corpus", str(ROOT / "corpus"), "--overlap", "2", "--jobs", "4", *project]
    if case == "push":
        return ["push", "--corpus", str(ROOT / "corpus"), "--predictions", str(SEED), "--overlap", "2", *project]
    if case == "accept-predictions":
        push(conn, corpus=DOCS, project_title=title, predictions=SEED, overlap=2, cache_dir=tmp / "setup-cache")
        return ["accept-predictions", "--model-version", MAINTAINERS, *project]
    snapshot = annotated(conn, second, title, tmp)
    if case == "adjudicate --push":
        return ["adjudicate", str(snapshot), "--push", *project]
    decisions = decisions_for(whoami(conn.url, conn.token), whoami(conn.url, second.token), tmp / "decisions.json")
    return ["adjudicate", str(snapshot), "--decisions", str(decisions), "--push", "--as",
            killer.users["reviewer"], *project]  # type: ignore[attr-defined]  # fmt: skip


def state(conn: Connection, title: str, tmp: Path) -> dict:
    out = tmp / f"state-{title}.json"
    pull(conn, project_title=title, out=out)
    return content(out)


@pytest.mark.parametrize(
    "case", ["push", "push --jobs 4", "accept-predictions", "adjudicate --push", "adjudicate --decisions --push"]
)
def test_a_command_killed_after_any_request_and_run_again_leaves_what_one_run_leaves(
    case, killer, label_studio, tmp_path, ls_backend
):
    suffix = uuid.uuid4().hex[:6]
    name = case.split()[0] + ("-jobs" if "--jobs" in case else "")
    title = f"kill-{name}-ref-{suffix}"
    code, total, err = killer.run(case_args(case, label_studio, killer, title, tmp_path))
    assert code == 0, err
    reference = state(label_studio, title, tmp_path)
    points = sorted({1, (total + 1) // 2, total})
    assert len(points) == 3, total  # three distinct places to kill
    for at in points:
        killed = f"kill-{name}-{at}-{suffix}"
        args = case_args(case, label_studio, killer, killed, tmp_path)
        code, reached, _ = killer.run(args, kill_at=at)
        assert_killed(code, reached, at, concurrent="--jobs" in case or ls_backend != "sqlite")
        code, _, err = killer.run(args)
        assert code == 0, (at, err)
        assert state(label_studio, killed, tmp_path) == reference, (case, at)


def three_points(total: int) -> list[int]:
    """After the first, the middle and the last request."""
    points = sorted({1, (total + 1) // 2, total})
    assert len(points) == 3, total  # three distinct places to kill
    return points


def test_push_update_config_killed_after_any_request_and_run_again_leaves_what_one_run_leaves(
    killer, label_studio, tmp_path
):
    """An empty project made with an older label config and guidelines: the push applies the
    schema's config and guidelines and imports the corpus, once, however often it is killed."""
    suffix = uuid.uuid4().hex[:6]
    schema = load_schema()

    def project_state(title: str) -> tuple[str, str, bool, dict]:
        project = ls.get_project(label_studio, title)
        return (project.label_config, visible_text(project.expert_instruction), project.show_instruction,
                state(label_studio, title, tmp_path))  # fmt: skip

    def args(title: str) -> list[str]:
        ls.create_project(label_studio, title=title, label_config=drifted_config(), instructions="old")
        return ["push", "--corpus", str(ROOT / "corpus"), "--update-config", "--project", title]

    code, total, err = killer.run(args(f"kill-config-ref-{suffix}"))
    assert code == 0, err
    reference = project_state(f"kill-config-ref-{suffix}")
    assert same_config(reference[0], label_config(schema))
    assert reference[1:3] == (visible_text(guidelines_html(schema)), True)
    assert sorted(reference[3]) == sorted(d.doc_id for d in DOCS)
    for at in three_points(total):
        killed = f"kill-config-{at}-{suffix}"
        command = args(killed)
        code, reached, _ = killer.run(command, kill_at=at)
        assert (code, reached) == (-signal.SIGKILL, at)
        code, _, err = killer.run(command)
        assert code == 0, (at, err)
        assert project_state(killed) == reference, at


def test_pull_killed_after_any_request_leaves_no_snapshot_and_the_rerun_equals_one_pull(
    killer, label_studio, tmp_path, ls_backend
):
    """Killed after its first, middle or last request, a pull leaves no snapshot (nor its
    sha256): at most a hidden temporary file, which the next pull into the folder removes; that
    pull's snapshot equals one pulled without a kill."""
    title = f"kill-pull-{uuid.uuid4().hex[:6]}"
    second = Connection(label_studio.url, killer.users["second"].token)  # type: ignore[attr-defined]
    annotated(label_studio, second, title, tmp_path)
    (tmp_path / "ref").mkdir()
    code, total, err = killer.run(["pull", "--out", str(tmp_path / "ref" / "snapshot.json"), "--project", title])
    assert code == 0, err
    reference = (tmp_path / "ref" / "snapshot.json").read_bytes()
    assert len(content(tmp_path / "ref" / "snapshot.json")) == len(DOCS)
    for at in three_points(total):
        folder = tmp_path / f"killed-{at}"
        folder.mkdir()
        command = ["pull", "--out", str(folder / "snapshot.json"), "--project", title]
        code, reached, _ = killer.run(command, kill_at=at)
        assert_killed(code, reached, at, concurrent=ls_backend != "sqlite")
        left = sorted(p.name for p in folder.iterdir())
        if code != 0:  # killed (with shards it may have finished first)
            assert all(name.startswith(".snapshot.json.") and name.endswith(".part") for name in left), left
        code, _, err = killer.run(command)
        assert code == 0, (at, err)
        assert sorted(p.name for p in folder.iterdir()) == ["snapshot.json", "snapshot.json.sha256"], at
        assert json.loads((folder / "snapshot.json").read_bytes()) == json.loads(reference), at


def test_add_user_killed_after_any_request_and_run_again_makes_one_working_user(killer, label_studio):
    name = f"kill-user-{uuid.uuid4().hex[:6]}"
    code, total, err = killer.run(["server", "add-user", f"{name}-ref"])
    assert code == 0, err
    points = sorted({1, (total + 1) // 2, total})
    assert len(points) == 3, total
    for at in points:
        user = f"{name}-{at}"
        code, reached, _ = killer.run(["server", "add-user", user], kill_at=at)
        assert (code, reached) == (-signal.SIGKILL, at)
        code, _, err = killer.run(["server", "add-user", user])
        assert code == 0, (at, err)
        stored = stored_users(killer.data_dir)[user]
        me = requests.get(f"{label_studio.url}/api/current-user/whoami",
                          headers={"Authorization": f"Token {stored.token}"}, timeout=30).json()  # fmt: skip
        assert me["email"] == f"{user}@curation.localhost"
        listed = requests.get(f"{label_studio.url}/api/users/", headers={"Authorization": f"Token {label_studio.token}"},
                              timeout=30).json()  # fmt: skip
        assert [u["email"] for u in listed].count(me["email"]) == 1


def test_release_killed_mid_write_leaves_no_version_and_the_next_run_succeeds(label_studio, tmp_path):
    """SIGKILLed at several moments, a release leaves either no version folder or a complete one
    (never a partial one); a hidden temporary folder it left is removed by the next run, which
    succeeds. The moments are fractions of one uninterrupted run's duration."""
    title = f"kill-release-{uuid.uuid4().hex[:6]}"
    push(label_studio, corpus=DOCS, project_title=title, predictions=SEED, cache_dir=tmp_path / "setup-cache")
    accept_predictions(label_studio, project_title=title, model_version=MAINTAINERS)
    snapshot = tmp_path / "snapshot.json"
    pull(label_studio, project_title=title, out=snapshot)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def release(exports: Path, stop_after: float | None = None) -> tuple[int | None, float]:
        argv = [sys.executable, "-m", "curation", "release", str(snapshot), "--version", "1.0.0", "--name", "k",
                "--exports", str(exports)]  # fmt: skip
        started = time.monotonic()
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if stop_after is not None:
            try:
                process.wait(timeout=stop_after)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
        _, err = process.communicate(timeout=300)
        assert process.returncode in (0, -signal.SIGKILL), err.decode()
        return process.returncode, time.monotonic() - started

    code, took = release(tmp_path / "whole")
    assert code == 0
    whole = sorted(p.relative_to(tmp_path / "whole").as_posix() for p in (tmp_path / "whole").rglob("*"))
    for fraction in (0.6, 0.9, 0.97):
        exports = tmp_path / f"killed-{fraction}"
        code, _ = release(exports, stop_after=took * fraction)
        folder = exports / "k"
        left = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        assert left in ([], ["1.0.0"]) or (len(left) == 1 and left[0].startswith(".1.0.0.")), left
        if left == ["1.0.0"]:  # killed after the rename: the release is whole
            assert sorted(p.relative_to(exports).as_posix() for p in exports.rglob("*")) == whole
            continue
        assert release(exports)[0] == 0
        assert sorted(p.relative_to(exports).as_posix() for p in exports.rglob("*")) == whole
    # the state a kill inside write_release leaves, made by hand: the next run cleans it up
    exports = tmp_path / "stale"
    (exports / "k" / ".1.0.0.abc123" / "data").mkdir(parents=True)
    (exports / "k" / ".1.0.0.abc123" / "data" / "half.parquet").write_bytes(b"PAR1")
    assert release(exports)[0] == 0
    assert sorted(p.relative_to(exports).as_posix() for p in exports.rglob("*")) == whole
