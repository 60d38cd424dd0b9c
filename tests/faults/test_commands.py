"""Every command that talks to Label Studio survives a flaky server, and fails cleanly on a dead one.

The flow (tests/faults/conftest.py) runs once directly and once through a proxy that fails a
seeded 30% of the requests: refused before forwarding, 502 after forwarding, the answer cut
half-way, or held past the read timeout. Through faults every command must succeed, leave each
article, prediction and annotation once, and pull what a run without faults pulls.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from curation import labelstudio as ls
from curation.cli import cli
from curation.core.schema import label_config, load_schema, same_config
from curation.labelstudio.server import free_port
from curation.project.pull import pull
from tests.conftest import ROOT
from tests.faultproxy import KINDS
from tests.faults.conftest import SEED, Flow, content, data_dir_for, without_clock

COMMANDS = [
    "server add-user", "server add-user (reviewer)", "push (new corpus, pre-annotations)", "push (new predictions)",
    "push (unchanged)", "accept-predictions", "accept-predictions --as", "pull", "adjudicate --push",
    "adjudicate --decisions --push", "pull (resolved)", "pull --jobs 3", "push --update-config", "server status",
]  # fmt: skip


def said(flow: Flow, text: str) -> str:
    """A command's output with what differs between two runs (names, ids, addresses) made equal."""
    suffix = flow.title.removeprefix("faults-")
    text = text.replace(flow.url, "URL").replace(suffix, "S").replace(str(flow.data_dir.parent), "TMP")
    text = re.sub(r"\d+ bytes, sha256 [0-9a-f]{64}", "N bytes, sha256 H", text)
    text = re.sub(r"\(id \d+\)", "(id N)", text)
    text = re.sub(r"/projects/\d+", "/projects/N", text)
    text = re.sub(r"pid \d+", "pid N", text)
    text = re.sub(r"annotator-\d+", "annotator-N", text)
    text = re.sub(r"annotation \d+", "annotation N", text)
    text = re.sub(r"decisions-[0-9a-f]{12}", "decisions-H", text)
    return re.sub(r"\d+(\.\d+)? s\b", "T s", text)


def test_every_command_succeeds_through_faults_and_says_the_same(flows):
    clean, faulty = flows["clean"], flows["faulty"]
    assert list(faulty.steps) == COMMANDS
    for name in COMMANDS:
        ran, reference = faulty.steps[name].result, clean.steps[name].result
        assert ran.exit_code == 0, name
        assert said(faulty, ran.stdout) == said(clean, reference.stdout), name
    injected = sum((s.injected for s in faulty.steps.values()), Counter())
    assert set(injected) == set(KINDS), injected  # each kind of fault was met at least once
    spared = [name for name, step in faulty.steps.items() if not step.injected and name != "server status"]
    assert spared == []  # every command that sends a request met faults (server status sends none)
    for name, step in faulty.steps.items():  # the closing note's table: pytest -s tests/faults
        print(f"{name:34} {step.requests:4} requests, {sum(step.injected.values()):3} faults survived "
              f"({', '.join(f'{k} {v}' for k, v in sorted(step.injected.items())) or 'none'})")  # fmt: skip


@pytest.mark.parametrize("snapshot", ["annotated", "resolved", "sharded"])
def test_snapshots_pulled_through_faults_equal_those_pulled_without(flows, snapshot):
    clean, faulty = content(flows["clean"].snapshots[snapshot]), content(flows["faulty"].snapshots[snapshot])
    assert len(clean) == 5
    assert faulty == clean


def test_the_project_holds_each_article_prediction_and_annotation_once(flows, label_studio):
    faulty = flows["faulty"]
    project = ls.get_project(label_studio, faulty.title)
    tasks = [ls.task_in_full(label_studio, t.id) for t in ls.iter_tasks(label_studio, project.id)]
    seed_ids = [json.loads(line)["doc_id"] for line in SEED.read_text(encoding="utf-8").splitlines()]
    assert sorted(t["data"]["doc_id"] for t in tasks) == sorted(seed_ids)
    for task in tasks:
        versions = Counter(p["model_version"] for p in task["predictions"])
        assert set(versions.values()) == {1}, versions  # one prediction per task and model version
        adjudication = [v for v in versions if v.startswith(("adjudication-", "decisions-"))]
        assert sorted(versions) == sorted(["seed-maintainers-2026-11", "annotator-2", *adjudication])
        parents = Counter(a["parent_prediction"] for a in task["annotations"])
        assert set(parents.values()) == {1}, parents  # one annotation per prediction accepted
        assert len(task["annotations"]) in (2, 3)  # both passes, and the reviewer's where a conflict was decided


def test_a_pull_through_faults_equals_a_direct_pull_of_the_same_project(flows, label_studio, tmp_path):
    faulty = flows["faulty"]
    pull(label_studio, project_title=faulty.title, out=tmp_path / "direct.json")
    direct = json.loads((tmp_path / "direct.json").read_text(encoding="utf-8"))
    through = json.loads(faulty.snapshots["resolved"].read_text(encoding="utf-8"))
    assert without_clock(through) == without_clock(direct)


def test_a_pull_in_shards_through_faults_is_the_one_shot_pull_of_the_same_project(flows, label_studio):
    """Shards built, downloaded and deleted through faults: the same snapshot as one export, and
    no view left behind in the project."""
    faulty = flows["faulty"]
    tasks = without_clock(json.loads(faulty.snapshots["sharded"].read_text(encoding="utf-8")))
    resolved = without_clock(json.loads(faulty.snapshots["resolved"].read_text(encoding="utf-8")))
    assert tasks == sorted(resolved, key=lambda t: t["id"])
    project = ls.get_project(label_studio, faulty.title)
    views = ls.read(label_studio, "/api/dm/views/", what="list views", params={"project": project.id}).json()
    assert views == []


def test_update_config_through_faults_applies_the_schemas_config(flows, label_studio):
    project = ls.get_project(label_studio, flows["faulty"].config_title)
    assert same_config(project.label_config, label_config(load_schema()))
    assert project.task_number == 5


# --- a server that stays down -------------------------------------------------------------


@pytest.fixture
def dead_dir(label_studio_server, tmp_path) -> tuple[Path, str]:
    """A data dir whose server address answers nothing (the accounts of the session's server)."""
    url = f"http://127.0.0.1:{free_port()}"
    return data_dir_for(label_studio_server[1], url, tmp_path / "labelstudio"), url


GAVE_UP = ("Error: Label Studio at {url} failed 5 times in a row while trying to {what} (last: no connection). "
           "Check that it runs (`curation server status`) and its log, then run the command again.\n")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["push", "--corpus", ROOT / "corpus", "--predictions", SEED], "find project 'p'"),
        (["push", "--corpus", ROOT / "corpus", "--update-config"], "find project 'p'"),
        (["pull", "--out", "{tmp}/snapshot.json"], "find project 'p'"),
        (["pull", "--out", "{tmp}/snapshot.json", "--jobs", "2"], "find project 'p'"),
        (["accept-predictions", "--model-version", "v"], "find project 'p'"),
        (["adjudicate", "{snapshot}", "--push", "--out", "{tmp}/gold.jsonl"],
         "find project 'p'"),
        # the seed decisions with the pseudonyms of the session's server, which other tests add users to
        (["adjudicate", "{snapshot}", "--decisions", "{decisions}", "--push", "--out", "{tmp}/gold.jsonl"],
         "find project 'p'"),
        (["server", "add-user", "nobody-here"], "open /user/signup/"),
    ],
    ids=["push", "push --update-config", "pull", "pull --jobs 2", "accept-predictions", "adjudicate --push",
         "adjudicate --decisions --push", "server add-user"],
)  # fmt: skip
def test_a_server_that_stays_down_ends_each_command_with_one_error_and_no_file(
    dead_dir, flows, tmp_path, monkeypatch, args, what
):
    data_dir, url = dead_dir
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    out = tmp_path / "out"
    out.mkdir()
    snapshot = str(flows["clean"].snapshots["annotated"])
    decisions = str(flows["clean"].decisions)
    argv = [str(a).replace("{tmp}", str(out)).replace("{snapshot}", snapshot).replace("{decisions}", decisions)
            for a in args]  # fmt: skip
    argv += ["--data-dir", str(data_dir)]
    if args[0] != "server":
        argv += ["--project", "p"]
    result = CliRunner(env={"CURATION_CACHE_DIR": str(tmp_path / "cache")}).invoke(cli, argv)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[-1:] == GAVE_UP.format(url=url, what=what).splitlines()
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == GAVE_UP.format(
        url=url, what=what
    ).splitlines()
    assert list(out.iterdir()) == []
