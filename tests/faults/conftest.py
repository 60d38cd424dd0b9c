"""Fixtures of the fault suite: the whole flow run twice against the session's Label Studio,
once directly and once through a proxy that fails a seeded share of the requests."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from curation import labelstudio as ls
from curation.cli import cli
from curation.core.schema import label_config, load_schema
from curation.labelstudio.server import Connection, read_credentials_file, stored_users, write_credentials_file
from tests.conftest import ROOT
from tests.faultproxy import KINDS, Chaos, FaultProxy

SEED = ROOT / "corpus" / "seed_annotations.jsonl"
SECOND_PASS = ROOT / "corpus" / "seed" / "annotator-2" / "annotator-2.jsonl"
DECISIONS = ROOT / "corpus" / "seed" / "decisions-2.0.0.json"
MAINTAINERS = "seed-maintainers-2026-11"
#: The read timeout of every command in the suite, and how long a "slow" answer is held.
READ_TIMEOUT, SLOW = 6.0, 6.5
SEED_OF_CHAOS = 20261207


@dataclass
class Step:
    """One command of the flow: its result and the faults it met (kind -> count)."""

    args: list[str]
    result: Result
    injected: Counter = field(default_factory=Counter)
    requests: int = 0


@dataclass
class Flow:
    """What one run of the flow did, in a data dir of its own (``url`` is where its commands went)."""

    title: str
    config_title: str
    data_dir: Path
    url: str
    steps: dict[str, Step] = field(default_factory=dict)
    snapshots: dict[str, Path] = field(default_factory=dict)
    #: The committed decisions with this server's pseudonyms of the two passes.
    decisions: Path | None = None


def data_dir_for(source: Path, url: str, into: Path) -> Path:
    """A data dir whose commands reach ``url`` (the proxy) with the source server's accounts."""
    into.mkdir(parents=True)
    write_credentials_file(into, {**read_credentials_file(source), "url": url})
    pid = json.loads((source / "server.pid").read_text())
    (into / "server.pid").write_text(json.dumps({**pid, "url": url}))
    return into


def whoami(url: str, token: str) -> int:
    return int(requests.get(f"{url}/api/current-user/whoami", headers={"Authorization": f"Token {token}"},
                            timeout=30).json()["id"])  # fmt: skip


def decisions_for(annotator_1: int, annotator_2: int, path: Path) -> Path:
    """The committed seed decisions, with the two passes' pseudonyms of this server."""
    text = DECISIONS.read_text(encoding="utf-8")
    text = text.replace('"annotator-1"', f'"annotator-{annotator_1}"').replace(
        '"annotator-2"', f'"annotator-{annotator_2}"'
    )
    path.write_text(text, encoding="utf-8")
    return path


def drifted_config() -> str:
    """The schema's label config without its last entity label: a project made before it was added."""
    config = label_config(load_schema())
    labels = [line for line in config.splitlines() if "<Label value=" in line]
    return config.replace(labels[-1] + "\n", "", 1)


def without_clock(tasks: list[dict]) -> list[dict]:
    """Tasks without ``created_ago``: Label Studio writes how long ago each prediction was made
    ("0 minutes", "3 minutes"), so two pulls of the same project minutes apart differ there."""
    for task in tasks:
        for prediction in task["predictions"]:
            prediction.pop("created_ago", None)
    return tasks


def content(path: Path) -> dict[str, dict]:
    """A pulled snapshot per doc_id, without ids or times: the task's data, its predictions and
    its annotations (by author, source prediction's model version, flags and result)."""
    tasks = json.loads(path.read_text(encoding="utf-8"))
    users = sorted({a["completed_by"] for t in tasks for a in t["annotations"]})  # admin, second pass, reviewer
    out = {}
    for task in tasks:
        versions = {p["id"]: re.sub(r"^decisions-[0-9a-f]{12}$", "decisions-H", p["model_version"])
                    for p in task["predictions"]}  # fmt: skip
        out[task["data"]["doc_id"]] = {
            "data": task["data"],
            "predictions": sorted(
                json.dumps([versions[p["id"]], p["result"]], sort_keys=True) for p in task["predictions"]
            ),  # fmt: skip
            "annotations": sorted(
                json.dumps(
                    [
                        users.index(a["completed_by"]),
                        versions.get(a.get("parent_prediction")),
                        a["ground_truth"],
                        a["was_cancelled"],
                        a["result"],
                    ],
                    sort_keys=True,
                )
                for a in task["annotations"]
            ),  # fmt: skip
        }
    return out


def run_flow(source: Path, conn: Connection, tmp: Path, chaos: Chaos | None) -> Flow:
    """push (new, with pre-annotations), push (new predictions), push (unchanged), add-user x2,
    accept-predictions (admin, --as), pull, adjudicate --push, adjudicate --decisions --push --as,
    pull, pull --jobs 3 (in shards), push --update-config: every command that talks to Label Studio, in the demo's order."""
    suffix = uuid.uuid4().hex[:8]
    config_title = f"faults-config-{suffix}"
    ls.create_project(conn, title=config_title, label_config=drifted_config(), instructions="old")
    with FaultProxy(conn.url, chaos=chaos) as proxy:
        data_dir = data_dir_for(source, proxy.url, tmp / "labelstudio")
        flow = Flow(f"faults-{suffix}", config_title, data_dir, proxy.url)
        env = {"CURATION_READ_TIMEOUT": str(READ_TIMEOUT), "CURATION_CACHE_DIR": str(tmp / "cache"),
               "LABEL_STUDIO_URL": None, "LABEL_STUDIO_API_KEY": None}  # fmt: skip
        second, reviewer = f"second-{suffix}", f"reviewer-{suffix}"

        def run(name: str, *args: object) -> Step:
            if chaos:  # each command's first request fails, in turn each way; then 30% at random
                chaos.reset(first=KINDS[len(flow.steps) % len(KINDS)])
            argv = [str(a) for a in args] + ["--data-dir", str(data_dir)]
            step = Step(argv, CliRunner(env=env).invoke(cli, argv))
            if chaos:
                step.injected, step.requests = Counter(chaos.injected), chaos.requests
            flow.steps[name] = step
            assert step.result.exit_code == 0, (name, step.result.output, step.result.exception)
            return step

        project = ["--project", flow.title]
        run("server add-user", "server", "add-user", second)
        run("server add-user (reviewer)", "server", "add-user", reviewer)
        run("push (new corpus, pre-annotations)", "push", "--corpus", ROOT / "corpus", "--predictions", SEED,
            "--overlap", 2, *project)  # fmt: skip
        run("push (new predictions)", "push", "--corpus", ROOT / "corpus", "--predictions", SECOND_PASS, *project)
        run("push (unchanged)", "push", "--corpus", ROOT / "corpus", *project)
        run("accept-predictions", "accept-predictions", "--model-version", MAINTAINERS, *project)
        run("accept-predictions --as", "accept-predictions", "--model-version", "annotator-2", "--as", second,
            *project)  # fmt: skip
        flow.snapshots["annotated"] = tmp / "annotated.json"
        run("pull", "pull", "--out", flow.snapshots["annotated"], *project)
        run("adjudicate --push", "adjudicate", flow.snapshots["annotated"], "--push", *project)
        users = stored_users(data_dir)
        decisions = decisions_for(whoami(conn.url, conn.token), whoami(conn.url, users[second].token),
                                  tmp / "decisions.json")  # fmt: skip
        flow.decisions = decisions
        run("adjudicate --decisions --push", "adjudicate", flow.snapshots["annotated"], "--decisions", decisions,
            "--push", "--as", reviewer, *project)  # fmt: skip
        flow.snapshots["resolved"] = tmp / "resolved.json"
        run("pull (resolved)", "pull", "--out", flow.snapshots["resolved"], *project)
        flow.snapshots["sharded"] = tmp / "sharded.json"
        run("pull --jobs 3", "pull", "--out", flow.snapshots["sharded"], "--jobs", 3, *project)
        run("push --update-config", "push", "--corpus", ROOT / "corpus", "--update-config", "--project", config_title)
        run("server status", "server", "status")
    return flow


@pytest.fixture(scope="package")
def flows(label_studio_server, tmp_path_factory) -> dict[str, Flow]:
    """The flow run once directly (``clean``) and once through faults (``faulty``)."""
    conn, source = label_studio_server
    clean = run_flow(source, conn, tmp_path_factory.mktemp("clean"), None)
    chaos = Chaos(SEED_OF_CHAOS, share=0.3, slow_seconds=SLOW)
    faulty = run_flow(source, conn, tmp_path_factory.mktemp("faulty"), chaos)
    return {"clean": clean, "faulty": faulty}
