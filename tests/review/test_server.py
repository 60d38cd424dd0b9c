"""Agreement and adjudication against a real Label Studio: annotate, disagree, review, resolve.

Two users annotate the same two documents differently; agreement measures it; adjudicate
--push sends the merged drafts back as predictions; a third user resolves one document from
its draft and flags the result as ground truth; adjudicate again: the gold is that annotation
and the decision log says so.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.core.convert import from_ls_results, to_ls_results
from curation.core.normalize import load_snapshot
from curation.core.records import Document, Mention, Relation
from curation.labelstudio import get_project, iter_tasks, request
from curation.labelstudio.server import Connection
from curation.project.pull import pull
from curation.project.push import push

EN = "Kim Jong Un met Vladimir Putin at Vostochny Cosmodrome."
SW = "Kim Jong Un alikutana na Vladimir Putin mjini Vostochny."


def m(region: str, text: str, surface: str, etype: str, eid: str) -> Mention:
    start = text.index(surface)
    return Mention(region, start, start + len(surface), surface, etype, eid)


def annotate(conn: Connection, task_id: int, results: list, **extra) -> int:
    """Submit an annotation as the user of ``conn``; return its id."""
    body = {"result": results, "was_cancelled": False, "lead_time": 30.0, **extra}
    response = request(conn, "POST", f"/api/tasks/{task_id}/annotations/", what="annotate", json_body=body)
    return int(response.json()["id"])


def cli_json(env: dict, *args: str) -> dict:
    result = CliRunner(env=env).invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def project(label_studio: Connection, make_annotator, unique_title: str):
    """A project with the two documents, annotated differently by two real users."""
    docs = [Document("en-1", "en", EN, title="en-1"), Document("sw-1", "sw", SW, title="sw-1")]
    push(label_studio, corpus=docs, project_title=unique_title)
    tasks = {t.doc_id: t.id for t in iter_tasks(label_studio, get_project(label_studio, unique_title).id)}
    first, second = make_annotator("first")[0], make_annotator("second")[0]
    kim, putin, vost = (m("kim", EN, "Kim Jong Un", "PER", "kim_jong_un"),
                        m("putin", EN, "Vladimir Putin", "PER", "vladimir_putin"),
                        m("vost", EN, "Vostochny Cosmodrome", "FAC", "vostochny_cosmodrome"))  # fmt: skip
    met, visited = Relation("a", "met_with", "kim", "putin"), Relation("b", "visited", "kim", "vost")
    ids = {
        "en-1/first": annotate(first, tasks["en-1"], to_ls_results(EN, [kim, putin, vost], [met, visited])),
        "en-1/second": annotate(second, tasks["en-1"], to_ls_results(EN, [kim, putin], [met])),
        "sw-1/first": annotate(first, tasks["sw-1"], to_ls_results(SW, [
            m("kim", SW, "Kim Jong Un", "PER", "kim_jong_un"), m("putin", SW, "Vladimir Putin", "PER", "vladimir_putin")],
            [])),
        "sw-1/second": annotate(second, tasks["sw-1"], to_ls_results(SW, [
            m("kim", SW, "Kim Jong Un", "PER", "kim"), m("putin", SW, "Vladimir Putin", "PER", "vladimir_putin")],
            [])),
    }  # fmt: skip
    return unique_title, tasks, ids


def test_disagree_push_drafts_resolve_with_ground_truth(label_studio, make_annotator, project, tmp_path: Path):
    title, tasks, ids = project
    env = {"LABEL_STUDIO_URL": label_studio.url, "LABEL_STUDIO_API_KEY": label_studio.token}
    first_snapshot = tmp_path / "snapshot-1.json"
    pull(label_studio, project_title=title, out=first_snapshot)

    report = cli_json(env, "agreement", str(first_snapshot))
    # en: 3 vs 2 mentions, 2 exact; sw: 2 vs 2, 2 exact -> strict F1 = 2 * 4 / 9.
    assert report["mentions"]["micro"] == {"n_a": 5, "n_b": 4, "exact": 4, "overlap": 0, "strict_f1": 8 / 9,
                                           "partial_f1": 8 / 9}  # fmt: skip
    assert report["relations"]["micro"]["strict_f1"] == 2 / 3
    assert report["entity_ids"]["micro"] == {"compared": 4, "agreed": 3, "agreement": 0.75}
    assert report["documents_by_language"] == {"en": 1, "sw": 1}

    today = datetime.date.today().isoformat()
    outcome = cli_json(env, "adjudicate", str(first_snapshot), "--push", "--project", title)
    assert outcome["summary"]["gold"] == 0
    assert [c["doc_id"] for c in outcome["conflicts"]] == ["en-1", "sw-1"]
    assert [i["kind"] for i in outcome["conflicts"][0]["items"]] == ["mention", "relation"]
    assert [i["kind"] for i in outcome["conflicts"][1]["items"]] == ["entity_id"]
    assert outcome["pushed"] == {"model_version": f"adjudication-{today}", "sent": ["en-1", "sw-1"],
                                 "already_there": []}  # fmt: skip
    again = cli_json(env, "adjudicate", str(first_snapshot), "--push", "--project", title)
    assert again["pushed"]["sent"] == [] and again["pushed"]["already_there"] == ["en-1", "sw-1"]

    # The draft of en-1 is in Label Studio: the agreed items plus the disputed Vostochny and visited.
    predictions = request(label_studio, "GET", "/api/predictions/", what="list predictions",
                          params={"task": tasks["en-1"]}).json()  # fmt: skip
    (draft,) = [p for p in predictions if p["task"] == tasks["en-1"]]
    assert draft["model_version"] == f"adjudication-{today}"
    mentions, relations, dropped = from_ls_results(EN, draft["result"], "")
    assert dropped == ()
    assert [(x.text, x.type, x.entity_id) for x in mentions] == [
        ("Kim Jong Un", "PER", "kim_jong_un"), ("Vladimir Putin", "PER", "vladimir_putin"),
        ("Vostochny Cosmodrome", "FAC", "vostochny_cosmodrome")]  # fmt: skip
    assert [(r.type, r.head, r.tail) for r in relations] == [("met_with", "m1", "m2"), ("visited", "m1", "m3")]

    # A reviewer resolves en-1 from the draft (keeps all but the visited relation) and flags it.
    reviewer = make_annotator("reviewer")[0]
    kept = [r for r in draft["result"] if not (r["type"] == "relation" and r["labels"] == ["visited"])]
    resolved = annotate(reviewer, tasks["en-1"], kept, parent_prediction=draft["id"])
    request(reviewer, "PATCH", f"/api/annotations/{resolved}/", what="flag ground truth",
            json_body={"ground_truth": True})  # fmt: skip
    flagged = request(label_studio, "GET", f"/api/annotations/{resolved}/", what="read annotation").json()
    assert flagged["ground_truth"] is True

    second_snapshot = tmp_path / "snapshot-2.json"
    pull(label_studio, project_title=title, out=second_snapshot)
    (review,) = [a for a in load_snapshot(second_snapshot).annotations if a.annotation_id == str(resolved)]
    assert review.ground_truth and review.from_prediction
    out = tmp_path / "gold.jsonl"
    result = CliRunner(env=env).invoke(cli, ["adjudicate", str(second_snapshot), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    final = json.loads(result.stdout)
    assert final["summary"]["by_status"] == {"ground_truth": 1}
    assert [c["doc_id"] for c in final["conflicts"]] == ["sw-1"]
    (gold,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (
        gold["doc_id"] == "en-1" and gold["status"] == "ground_truth" and gold["n_annotators"] == 2
    )  # the reviewer decides, not votes
    assert gold["mentions"] == [
        {"id": "m1", "start": 0, "end": 11, "text": "Kim Jong Un", "type": "PER", "entity_id": "kim_jong_un"},
        {"id": "m2", "start": 16, "end": 30, "text": "Vladimir Putin", "type": "PER", "entity_id": "vladimir_putin"},
        {"id": "m3", "start": 34, "end": 54, "text": "Vostochny Cosmodrome", "type": "FAC",
         "entity_id": "vostochny_cosmodrome"},
    ]  # fmt: skip
    assert gold["relations"] == [{"id": "r1", "type": "met_with", "head": "m1", "tail": "m2"}]
    assert gold["decisions"] == [
        {"kind": kind, "item_id": item, "rule": "ground_truth", "sources": [str(resolved)]}
        for kind, item in [("mention", "m1"), ("mention", "m2"), ("mention", "m3"), ("relation", "r1")]
    ]
