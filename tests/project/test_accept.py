"""`curation accept-predictions` against the real Label Studio: pre-annotations become annotations once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curation import labelstudio as ls
from curation.cli import cli
from curation.core.corpus import load_corpus
from curation.core.normalize import load_snapshot
from curation.core.records import Annotation
from curation.labelstudio.server import Connection
from curation.project.accept import AcceptPlan, Pending, plan_accept
from curation.project.pull import pull
from curation.project.push import push
from tests.conftest import ROOT
from tests.faultproxy import Fault, FaultProxy

SEED = ROOT / "corpus" / "seed_annotations.jsonl"
VERSION = "seed-maintainers-2026-11"
DOCS = load_corpus(ROOT / "corpus")


@pytest.fixture
def seeded(server, unique_title, tmp_path):
    """A project holding the five seed articles with their pre-annotations, nothing accepted yet."""
    conn, data_dir = server
    push(conn, corpus=DOCS, project_title=unique_title, predictions=SEED, cache_dir=tmp_path / "cache")
    return conn, data_dir, ls.get_project(conn, unique_title)


def accept(data_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["accept-predictions", "--data-dir", str(data_dir), *map(str, args)])


def where(conn: Connection, project: ls.Project) -> str:
    return f"project '{project.title}' (id {project.id}): {conn.url}/projects/{project.id}"


def content(annotation: Annotation) -> tuple[frozenset, frozenset]:
    """What an annotation says, without its ids: mentions and relations by span."""
    spans = {m.id: (m.start, m.end) for m in annotation.mentions}
    mentions = frozenset((m.start, m.end, m.text, m.type, m.entity_id) for m in annotation.mentions)
    relations = frozenset((r.type, spans[r.head], spans[r.tail]) for r in annotation.relations)
    return mentions, relations


def seed_content() -> dict[str, tuple[frozenset, frozenset]]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return {a.doc_id: content(a) for a in (Annotation.from_dict(json.loads(line)) for line in lines)}


def test_accepting_makes_annotations_equal_to_the_predictions_once(seeded, tmp_path):
    conn, data_dir, project = seeded
    first = accept(data_dir, "--project", project.title, "--model-version", VERSION)
    assert (first.exit_code, first.stderr) == (0, "")
    assert first.stdout == (
        f"Accepted 5 predictions of model version '{VERSION}' as annotations (0 already had one) in "
        f"{where(conn, project)}\n"
    )
    pull(conn, project_title=project.title, out=tmp_path / "snapshot.json")
    snapshot = load_snapshot(tmp_path / "snapshot.json")
    assert len(snapshot.annotations) == 5 and snapshot.skipped == ()
    assert all(a.from_prediction and not a.cancelled and not a.ground_truth for a in snapshot.annotations)
    assert len({a.annotator for a in snapshot.annotations}) == 1
    assert {a.doc_id: content(a) for a in snapshot.annotations} == seed_content()
    assert {p.doc_id: content(p) for p in snapshot.predictions} == seed_content()
    assert {p.model_version for p in snapshot.predictions} == {VERSION}

    second = accept(data_dir, "--project", project.title, "--model-version", VERSION)
    assert (second.exit_code, second.stderr) == (0, "")
    assert second.stdout == (
        f"Nothing to accept: all 5 predictions of model version '{VERSION}' already have an annotation in "
        f"{where(conn, project)}\n"
    )
    tasks = list(ls.iter_predicted_tasks(conn, project.id))
    assert [len(t["annotations"]) for t in tasks] == [1, 1, 1, 1, 1]


def test_a_prediction_someone_already_submitted_is_left_alone(seeded):
    conn, data_dir, project = seeded
    task = next(iter(ls.iter_predicted_tasks(conn, project.id)))
    prediction = task["predictions"][0]
    ls.create_annotation(conn, task["id"], result=prediction["result"], parent_prediction=prediction["id"])
    result = accept(data_dir, "--project", project.title, "--model-version", VERSION, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["already_accepted"] == 1
    assert [c["task"] for c in report["created"]] == [t["id"] for t in ls.iter_predicted_tasks(conn, project.id)][1:]
    assert report["project"] == {"title": project.title, "id": project.id, "url": f"{conn.url}/projects/{project.id}"}
    assert [len(t["annotations"]) for t in ls.iter_predicted_tasks(conn, project.id)] == [1, 1, 1, 1, 1]


def test_a_dropped_connection_after_the_server_created_it_gives_no_duplicate(seeded):
    conn, _, project = seeded
    fault = Fault("POST", r"/api/tasks/\d+/annotations/", drop_after=0)
    with FaultProxy(conn.url, [fault]) as proxy:
        from curation.project.accept import accept_predictions

        report = accept_predictions(
            Connection(proxy.url, conn.token), project_title=project.title, model_version=VERSION
        )
    assert fault.times == 0
    posts = [path for method, path, _ in proxy.log if method == "POST"]
    assert len(posts) == 5  # the dropped one was found on the server, not sent again
    assert len(report.created) == 5
    tasks = list(ls.iter_predicted_tasks(conn, project.id))
    assert [len(t["annotations"]) for t in tasks] == [1, 1, 1, 1, 1]
    assert [t["annotations"][0]["id"] for t in tasks] == [c[2] for c in report.created]


def test_a_503_before_anything_was_created_is_tried_again(seeded):
    conn, _, project = seeded
    fault = Fault("POST", r"/api/tasks/\d+/annotations/", status=503)
    with FaultProxy(conn.url, [fault]) as proxy:
        from curation.project.accept import accept_predictions

        report = accept_predictions(
            Connection(proxy.url, conn.token), project_title=project.title, model_version=VERSION
        )
    assert len([p for m, p, _ in proxy.log if m == "POST"]) == 6
    assert len(report.created) == 5
    assert [len(t["annotations"]) for t in ls.iter_predicted_tasks(conn, project.id)] == [1, 1, 1, 1, 1]


def test_an_unknown_model_version_says_which_ones_are_there(seeded):
    conn, data_dir, project = seeded
    result = accept(data_dir, "--project", project.title, "--model-version", "ner-v9")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: Project '{project.title}' holds no prediction of model version 'ner-v9' (model versions there: "
        f"'{VERSION}'). Check --model-version, or push the pre-annotations with `curation push --predictions FILE`.\n"
    )
    assert [t["annotations"] for t in ls.iter_predicted_tasks(conn, project.id)] == [[]] * 5


def test_a_missing_project_and_a_missing_option_are_refused(server, unique_title):
    conn, data_dir = server
    result = accept(data_dir, "--project", unique_title, "--model-version", VERSION)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: No project titled '{unique_title}' on {conn.url}. Check --project, or create it with `curation push`.\n"
    )  # fmt: skip
    assert "Missing option '--model-version'" in accept(data_dir, "--project", unique_title).stderr


@pytest.mark.parametrize("page_size", [2, 5])
def test_listing_pages_through_every_predicted_task(seeded, page_size):
    conn, _, project = seeded
    tasks = list(ls.iter_predicted_tasks(conn, project.id, page_size=page_size))
    assert [t["data"]["doc_id"] for t in tasks] == [d.doc_id for d in DOCS]
    assert all(t["predictions"][0]["model_version"] == VERSION and t["predictions"][0]["result"] for t in tasks)


def test_plan_accept_picks_unaccepted_predictions_of_the_version():
    result = [{"id": "m1", "type": "labels"}]
    tasks = [
        {"id": 1, "predictions": [{"id": 10, "model_version": "v1", "result": result},
                                  {"id": 11, "model_version": "v2", "result": []}],
         "annotations": [{"id": 100, "parent_prediction": 10}]},
        {"id": 2, "predictions": [{"id": 20, "model_version": "v1", "result": result}],
         "annotations": [{"id": 200, "parent_prediction": None}]},
        {"id": 3, "predictions": [{"id": 30, "model_version": None, "result": []}], "annotations": []},
    ]  # fmt: skip
    assert plan_accept(tasks, "v1") == AcceptPlan((Pending(2, 20, tuple(result)),), 1, ("", "v2"))
    assert plan_accept(tasks, "v2") == AcceptPlan((Pending(1, 11, ()),), 0, ("", "v1"))
    assert plan_accept(tasks, "v3") == AcceptPlan((), 0, ("", "v1", "v2"))
