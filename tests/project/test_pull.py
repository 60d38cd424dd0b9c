"""Pull against the real Label Studio: annotations made through the API by two users come
back as exact records and exact validation codes; failures are retried or reported in one line."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from curation import labelstudio as ls
from curation.cli import cli
from curation.core.convert import to_ls_results
from curation.core.errors import LabelStudioError
from curation.core.normalize import load_snapshot
from curation.core.records import Annotation, Document, Mention, Relation
from curation.core.schema import guidelines_html, label_config, load_schema
from curation.core.validate import validate
from curation.labelstudio.server import Connection, free_port
from curation.project.pull import pull
from tests.faultproxy import Fault, FaultProxy

FAST = ls.Retry(tries=3, backoff=0.01)

DOCS = [
    Document(
        "en-emoji", "en", "Crowds cheered 🎉🎉 as Kim Jong Un arrived in Vladivostok.", source="test", title="Emoji"
    ),
    Document("ar-001", "ar", "التقى كيم جونغ أون بالرئيس فلاديمير بوتين في قاعدة فوستوشني الفضائية.", title="عربي"),
    Document("en-relation", "en", "Vladimir Putin met Kim Jong Un at Vostochny Cosmodrome.", title="Summit"),
    Document("en-skip", "en", "Weather report for Tuesday.", title="Weather"),
]
TEXT = {d.doc_id: d.text for d in DOCS}


def mention(doc_id: str, region: str, surface: str, etype: str, entity_id: str | None, *, extra: str = "") -> Mention:
    """A mention of the first ``surface`` in the document (code points), ``extra`` appended to the span."""
    start = TEXT[doc_id].index(surface)
    end = start + len(surface) + len(extra)
    return Mention(region, start, end, TEXT[doc_id][start:end], etype, entity_id)


def api(conn: Connection, method: str, path: str, **kwargs) -> dict:
    response = requests.request(method, f"{conn.url}{path}", headers={"Authorization": f"Token {conn.token}"},
                                timeout=60, **kwargs)  # fmt: skip
    assert response.status_code in (200, 201), response.text[:500]
    return response.json()


#: Task id -> its text, filled by the ``project`` fixture.
TEXT_OF_TASK: dict[int, str] = {}


def annotate(conn: Connection, task_id: int, mentions=(), relations=(), **fields) -> dict:
    """Create an annotation as the user of ``conn``, through the API."""
    result = to_ls_results(TEXT_OF_TASK[task_id], mentions, relations)
    return api(conn, "POST", f"/api/tasks/{task_id}/annotations/", json={"result": result, **fields})


@pytest.fixture(scope="module")
def project(label_studio, make_annotator):
    """A project with annotations by two annotators; returns what the test needs to know."""
    schema = load_schema()
    title = f"pull-test-{uuid.uuid4().hex[:8]}"
    created = ls.create_project(label_studio, title=title, label_config=label_config(schema),
                                instructions=guidelines_html(schema))  # fmt: skip
    tasks = [{"data": d.to_dict() | {"text_sha256": d.sha256}} for d in DOCS]
    kim = mention("en-relation", "kim", "Kim Jong Un", "PER", "kim_jong_un")
    tasks[2]["predictions"] = [{"model_version": "ner-v1", "result": to_ls_results(DOCS[2].text, [kim], [])}]
    ids = ls.import_tasks(label_studio, created.id, json.dumps(tasks).encode())
    task = dict(zip((d.doc_id for d in DOCS), ids))
    TEXT_OF_TASK.update({task[d.doc_id]: d.text for d in DOCS})
    prediction_id = api(label_studio, "GET", f"/api/tasks/{task['en-relation']}")["predictions"][0]["id"]

    alice, alice_email, _ = make_annotator("alice")
    bob, bob_email, _ = make_annotator("bob")
    users = {name: api(c, "GET", "/api/current-user/whoami")["id"] for name, c in (("alice", alice), ("bob", bob))}

    made = {}
    # Alice: an emoji before the entity, then the Arabic article.
    m1 = mention("en-emoji", "k", "Kim Jong Un", "PER", "kim_jong_un")
    m2 = mention("en-emoji", "v", "Vladivostok", "GPE", "vladivostok")
    made["alice-emoji"] = annotate(
        alice, task["en-emoji"], [m1, m2], [Relation("r", "visited", "k", "v")], lead_time=12.5
    )
    a1 = mention("ar-001", "a1", "كيم جونغ أون", "PER", "kim_jong_un")
    a2 = mention("ar-001", "a2", "فلاديمير بوتين", "PER", "vladimir_putin")
    a3 = mention("ar-001", "a3", "قاعدة فوستوشني الفضائية", "FAC", "vostochny_cosmodrome")
    made["alice-arabic"] = annotate(alice, task["ar-001"], [a1, a2, a3], [Relation("r", "met_with", "a2", "a1")])
    # Alice again, from the prediction, as ground truth.
    p = mention("en-relation", "p", "Vladimir Putin", "PER", "vladimir_putin")
    made["alice-relation"] = annotate(alice, task["en-relation"], [kim, p], [Relation("r", "met_with", "p", "kim")],
                                      parent_prediction=prediction_id, ground_truth=True)  # fmt: skip
    # Bob: the emoji article with a trailing space and a malformed id; a relation whose region he deleted.
    b1 = mention("en-emoji", "b1", "Kim Jong Un", "PER", "Kim Jong-Un", extra=" ")
    made["bob-emoji"] = annotate(bob, task["en-emoji"], [b1], [])
    f = mention("en-relation", "f", "Vostochny Cosmodrome", "FAC", "vostochny_cosmodrome")
    b2 = mention("en-relation", "p", "Vladimir Putin", "PER", "vladimir_putin")
    bob_relation = annotate(bob, task["en-relation"], [b2, f], [Relation("r", "visited", "p", "f")])
    kept = [r for r in bob_relation["result"] if r.get("id") != "f"]
    made["bob-relation"] = api(bob, "PATCH", f"/api/annotations/{bob_relation['id']}/", json={"result": kept})
    made["bob-skip"] = annotate(bob, task["en-skip"], was_cancelled=True)
    return {"title": title, "id": created.id, "task": task, "users": users, "made": made,
            "emails": (alice_email, bob_email), "prediction": prediction_id}  # fmt: skip


def expected_annotation(project, key: str, doc_id: str, who: str, mentions, relations, **flags) -> Annotation:
    made = project["made"][key]
    aid = str(made["id"])
    return Annotation(
        doc_id=doc_id, annotation_id=aid, annotator=f"annotator-{project['users'][who]}",
        mentions=tuple(Mention(f"{aid}/{m.id}", m.start, m.end, m.text, m.type, m.entity_id) for m in mentions),
        relations=tuple(Relation(f"{aid}/r{i}", r.type, f"{aid}/{r.head}", f"{aid}/{r.tail}")
                        for i, r in enumerate(relations, 1)),
        created_at=made["created_at"], updated_at=made["updated_at"], lead_time=made["lead_time"], **flags,
    )  # fmt: skip


def test_pull_normalize_validate_exact(project, label_studio, tmp_path):
    out = tmp_path / "snapshot.json"
    report = pull(label_studio, project_title=project["title"], out=out)
    data = out.read_bytes()
    assert (tmp_path / "snapshot.json.sha256").read_text() == f"{hashlib.sha256(data).hexdigest()}  snapshot.json\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot.json", "snapshot.json.sha256"]
    assert (report.tasks, report.annotations, report.cancelled, report.ground_truth, report.predictions) == (
        4,
        6,
        1,
        1,
        1,
    )
    assert report.repaired_tasks == () and report.unknown_annotators == 0 and report.size == len(data)

    normalized = load_snapshot(out)
    assert normalized.documents == {d.doc_id: d for d in DOCS}
    assert normalized.pushed_hashes == {d.doc_id: d.sha256 for d in DOCS}
    assert normalized.skipped == ()
    e = lambda doc, region, surface, etype, eid, **kw: mention(doc, region, surface, etype, eid, **kw)  # noqa: E731
    expected = [
        expected_annotation(project, "alice-emoji", "en-emoji", "alice",
                            [e("en-emoji", "k", "Kim Jong Un", "PER", "kim_jong_un"),
                             e("en-emoji", "v", "Vladivostok", "GPE", "vladivostok")],
                            [Relation("r", "visited", "k", "v")]),
        expected_annotation(project, "bob-emoji", "en-emoji", "bob",
                            [e("en-emoji", "b1", "Kim Jong Un", "PER", "Kim Jong-Un", extra=" ")], []),
        expected_annotation(project, "alice-arabic", "ar-001", "alice",
                            [e("ar-001", "a1", "كيم جونغ أون", "PER", "kim_jong_un"),
                             e("ar-001", "a2", "فلاديمير بوتين", "PER", "vladimir_putin"),
                             e("ar-001", "a3", "قاعدة فوستوشني الفضائية", "FAC", "vostochny_cosmodrome")],
                            [Relation("r", "met_with", "a2", "a1")]),
        expected_annotation(project, "alice-relation", "en-relation", "alice",
                            [e("en-relation", "kim", "Kim Jong Un", "PER", "kim_jong_un"),
                             e("en-relation", "p", "Vladimir Putin", "PER", "vladimir_putin")],
                            [Relation("r", "met_with", "p", "kim")], ground_truth=True, from_prediction=True),
        expected_annotation(project, "bob-relation", "en-relation", "bob",
                            [e("en-relation", "p", "Vladimir Putin", "PER", "vladimir_putin")],
                            [Relation("r", "visited", "p", "f")]),
        expected_annotation(project, "bob-skip", "en-skip", "bob", [], [], cancelled=True),
    ]  # fmt: skip
    by_id = lambda a: int(a.annotation_id)  # noqa: E731
    assert sorted(normalized.annotations, key=by_id) == sorted(expected, key=by_id)
    pid = f"prediction-{project['prediction']}"
    kim = mention("en-relation", "kim", "Kim Jong Un", "PER", "kim_jong_un")
    assert [(p.doc_id, p.annotation_id, p.model_version, p.mentions) for p in normalized.predictions] == [
        ("en-relation", pid, "ner-v1", (Mention(f"{pid}/kim", kim.start, kim.end, kim.text, "PER", "kim_jong_un"),))
    ]
    # e-mails stay in Label Studio: neither the snapshot nor the records hold them.
    records = json.dumps([a.to_dict() for a in normalized.annotations], ensure_ascii=False)
    for email in project["emails"]:
        assert email not in records and email.encode() not in data

    report = validate(normalized, load_schema())
    bob = f"annotator-{project['users']['bob']}"
    bob_emoji, bob_relation = str(project["made"]["bob-emoji"]["id"]), str(project["made"]["bob-relation"]["id"])
    assert [(i.code, i.severity, i.doc_id, i.annotation_id, i.annotator) for i in report.issues] == [
        ("V004", "warning", "en-emoji", bob_emoji, bob),
        ("V014", "error", "en-emoji", bob_emoji, bob),
        ("V009", "error", "en-relation", bob_relation, bob),
    ]
    assert report.issues[2].message == (
        f"relation {bob_relation}/r1 visited has its tail on region f, which does not exist in this annotation "
        "(deleted?); delete the relation or redraw it."
    )
    assert (report.documents, report.annotations) == (4, 5)


def test_cli_pull_prints_one_line_of_data(project, label_studio, tmp_path):
    out = tmp_path / "snap.json"
    env = {"LABEL_STUDIO_URL": label_studio.url, "LABEL_STUDIO_API_KEY": label_studio.token}
    result = CliRunner().invoke(cli, ["pull", "--out", str(out), "--project", project["title"], "--quiet"], env=env)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert result.stdout == (
        f"{out}: 4 tasks, 6 annotations (1 skipped, 1 ground truth), 1 predictions, {len(data)} bytes, "
        f"sha256 {hashlib.sha256(data).hexdigest()}\n"
    )
    assert result.stderr == ""


def test_cli_validate_on_the_pulled_snapshot_exits_1(project, label_studio, tmp_path):
    out = tmp_path / "snap.json"
    pull(label_studio, project_title=project["title"], out=out)
    result = CliRunner().invoke(cli, ["validate", str(out), "--json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert (body["errors"], body["warnings"], body["counts"]) == (2, 1, {"V004": 1, "V009": 1, "V014": 1})
    assert result.stderr == f"Error: 2 errors in {out}. Fix them in Label Studio, then pull and validate again.\n"


def test_missing_project_and_bad_token_are_one_line(project, label_studio, tmp_path):
    env = {"LABEL_STUDIO_URL": label_studio.url, "LABEL_STUDIO_API_KEY": label_studio.token}
    out = str(tmp_path / "s.json")
    result = CliRunner().invoke(cli, ["pull", "--out", out, "--project", "no-such-project"], env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: No project titled 'no-such-project' on {label_studio.url}. Check --project, "
        "or create it with `curation push`.\n"
    )
    env["LABEL_STUDIO_API_KEY"] = "0" * 40
    result = CliRunner().invoke(cli, ["pull", "--out", out, "--project", project["title"]], env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Label Studio at {label_studio.url} rejected the API token (HTTP 401). Set LABEL_STUDIO_API_KEY to "
        "a valid token (Account & Settings in Label Studio), or unset it to use the local server's stored token.\n"
    )
    assert not (tmp_path / "s.json").exists()


def test_server_that_stays_down(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(LabelStudioError) as err:
        pull(Connection(url, "token"), project_title="p", out=tmp_path / "s.json", retry=FAST)
    assert str(err.value) == (
        f"Label Studio at {url} failed 3 times in a row while trying to find project 'p' (last: no connection). "
        "Check that it runs (`curation server status`) and its log, then run the command again."
    )
    assert list(tmp_path.iterdir()) == []


def clean_records(path: Path):
    n = load_snapshot(path)
    return n.documents, n.annotations, n.predictions, n.skipped


def test_transient_failures_are_retried(project, label_studio, tmp_path):
    pull(label_studio, project_title=project["title"], out=tmp_path / "clean.json")
    faults = [
        Fault("GET", r"^/api/projects/\?", status=502),
        Fault("POST", r"/exports/$", status=503),
        Fault("GET", r"/download", drop_after=1000),  # Content-Length announced: resumed with a range
    ]
    with FaultProxy(label_studio.url, faults) as proxy:
        report = pull(Connection(proxy.url, label_studio.token), project_title=project["title"],
                      out=tmp_path / "s.json", retry=FAST)  # fmt: skip
    downloads = [(m, r) for m, p, r in proxy.log if "/download" in p]
    assert downloads == [("GET", None), ("GET", "bytes=1000-")]
    assert [m for m, p, _ in proxy.log if p.endswith("/exports/")] == ["POST", "POST"]
    assert report.repaired_tasks == ()
    assert clean_records(tmp_path / "s.json") == clean_records(tmp_path / "clean.json")


def test_truncated_download_without_length_is_downloaded_again(project, label_studio, tmp_path):
    faults = [Fault("GET", r"/download", drop_after=1000, announce_length=False)]
    with FaultProxy(label_studio.url, faults) as proxy:
        pull(Connection(proxy.url, label_studio.token), project_title=project["title"], out=tmp_path / "s.json",
             retry=FAST)  # fmt: skip
    assert [r for m, p, r in proxy.log if "/download" in p] == [None, None]
    pull(label_studio, project_title=project["title"], out=tmp_path / "clean.json")
    assert clean_records(tmp_path / "s.json") == clean_records(tmp_path / "clean.json")


def test_snapshot_without_full_predictions_or_skipped_annotations_is_repaired(project, label_studio, tmp_path):
    """The export is asked for ids-only predictions and no skipped annotations (as Label
    Studio's defaults would give): the missing pieces are read from the API and merged."""

    def defaults(body):
        return {"title": body["title"], "annotation_filter_options": {"usual": True, "ground_truth": True},
                "serialization_options": {"predictions": {"only_id": True}}}  # fmt: skip

    with FaultProxy(label_studio.url, [Fault("POST", r"/exports/$", rewrite=defaults)]) as proxy:
        report = pull(Connection(proxy.url, label_studio.token), project_title=project["title"],
                      out=tmp_path / "s.json", retry=FAST)  # fmt: skip
    task = project["task"]
    assert report.repaired_tasks == tuple(sorted((task["en-relation"], task["en-skip"])))
    assert (report.annotations, report.cancelled, report.predictions) == (6, 1, 1)
    pull(label_studio, project_title=project["title"], out=tmp_path / "clean.json")
    assert clean_records(tmp_path / "s.json") == clean_records(tmp_path / "clean.json")


def test_task_gaps_and_merge_are_plain_functions():
    from curation.project.pull import merge_task, task_gaps

    task = {"id": 1, "annotations": [{"id": 3, "was_cancelled": False}], "predictions": [7],
            "total_annotations": 1, "cancelled_annotations": 1, "total_predictions": 1}  # fmt: skip
    assert task_gaps(task) == ["skipped annotations", "predictions"]
    full = {"annotations": [{"id": 4, "was_cancelled": True}, {"id": 3, "was_cancelled": False, "from": "api"}],
            "predictions": [{"id": 7, "result": []}]}  # fmt: skip
    merged = merge_task(task, full)
    assert merged["annotations"] == [{"id": 3, "was_cancelled": False}, {"id": 4, "was_cancelled": True}]
    assert merged["predictions"] == [{"id": 7, "result": []}] and task_gaps(merged) == []
    assert task_gaps({"id": 2, "annotations": [], "predictions": []}) == []


def test_a_snapshot_built_in_the_background_is_waited_for(project, label_studio, tmp_path, monkeypatch):
    """With Redis, Label Studio answers the create call at once and builds the snapshot later."""
    monkeypatch.setattr(ls.export, "EXPORT_POLL", 0.01)  # the module that reads it
    faults = [Fault("POST", r"/exports/$", answer=lambda body: {**body, "status": "in_progress", "md5": ""})]
    with FaultProxy(label_studio.url, faults) as proxy:
        report = pull(Connection(proxy.url, label_studio.token), project_title=project["title"],
                      out=tmp_path / "s.json", retry=FAST)  # fmt: skip
    looks = [p for m, p, _ in proxy.log if m == "GET" and p.endswith(f"/exports/{report.export_id}")]
    assert looks == [f"/api/projects/{project['id']}/exports/{report.export_id}"]
    assert report.tasks == 4


def comparable(path: Path) -> bytes:
    """A snapshot with its tasks in id order and without ``created_ago`` (Label Studio writes how
    long ago each prediction was made, "0 minutes", so two exports a minute apart differ there)."""
    tasks = json.loads(path.read_text(encoding="utf-8"))
    for task in tasks:
        for prediction in task["predictions"]:
            prediction.pop("created_ago", None)
    return json.dumps(sorted(tasks, key=lambda t: t["id"]), ensure_ascii=False).encode("utf-8")


def test_a_pull_in_shards_is_the_one_shot_export(project, label_studio, make_annotator, tmp_path):
    """Three shards built at once, merged in task-id order: the one-shot snapshot, byte for byte
    (annotations by two annotators, a skipped one, ground truth, a prediction, a draft)."""
    carol, _, _ = make_annotator("carol")  # a draft: only its id is in the snapshot
    api(carol, "POST", f"/api/tasks/{project['task']['ar-001']}/drafts", json={"result": [], "lead_time": 1.0})
    one = pull(label_studio, project_title=project["title"], out=tmp_path / "one.json")
    sharded = pull(label_studio, project_title=project["title"], out=tmp_path / "sharded.json", jobs=3)
    assert (one.shards, sharded.shards) == (1, 3)
    assert comparable(tmp_path / "sharded.json") == comparable(tmp_path / "one.json")
    tasks = json.loads((tmp_path / "sharded.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in tasks] == sorted(project["task"].values())
    drafts = [d for t in tasks for d in t["drafts"]]
    assert len(drafts) == 1 and isinstance(drafts[0], int)  # the draft's id, not its content
    assert {type(a["completed_by"]) for t in tasks for a in t["annotations"]} == {int}  # ids, never e-mails
    assert not any(email in (tmp_path / "sharded.json").read_text(encoding="utf-8") for email in project["emails"])
    assert all("history" not in a for t in tasks for a in t["annotations"])
    assert (sharded.tasks, sharded.annotations, sharded.cancelled, sharded.ground_truth, sharded.predictions) == (
        one.tasks, one.annotations, one.cancelled, one.ground_truth, one.predictions
    )  # fmt: skip
    assert sharded.sha256 == hashlib.sha256((tmp_path / "sharded.json").read_bytes()).hexdigest()
    views = api(label_studio, "GET", "/api/dm/views/", params={"project": project["id"]})
    assert views == []  # each shard's view was deleted
    exports = api(label_studio, "GET", f"/api/projects/{project['id']}/exports/")
    assert sharded.export_id not in [e["id"] for e in exports]  # and each shard's snapshot


def test_cli_pull_in_shards_prints_the_same_line(project, label_studio, tmp_path):
    env = {"LABEL_STUDIO_URL": label_studio.url, "LABEL_STUDIO_API_KEY": label_studio.token}
    lines = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"snap-{jobs}.json"
        result = CliRunner().invoke(cli, ["pull", "--out", str(out), "--project", project["title"], "--quiet",
                                          "--jobs", jobs], env=env)  # fmt: skip
        assert result.exit_code == 0, result.output
        lines[jobs] = result.stdout.replace(str(out), "OUT")
    assert comparable(tmp_path / "snap-1.json") == comparable(tmp_path / "snap-2.json")
    for jobs, line in lines.items():  # the size differs only when "created_ago" does ("0 minutes", "1 minute")
        size = (tmp_path / f"snap-{jobs}.json").stat().st_size
        assert line.startswith(
            f"OUT: 4 tasks, 6 annotations (1 skipped, 1 ground truth), 1 predictions, {size} bytes, "
        )


def test_a_shard_whose_export_failed_is_asked_again(project, label_studio, tmp_path):
    """SQLite answers "database is locked" to exports built at once: Label Studio marks the
    snapshot failed; the shard asks for it again (once here), and the pull is complete."""
    faults = [Fault("POST", r"/exports/$", answer=lambda body: {**body, "status": "failed"})]
    with FaultProxy(label_studio.url, faults) as proxy:
        report = pull(Connection(proxy.url, label_studio.token), project_title=project["title"],
                      out=tmp_path / "s.json", retry=FAST, jobs=2)  # fmt: skip
    creates = [p for m, p, _ in proxy.log if m == "POST" and p.endswith("/exports/")]
    assert len(creates) == 3  # two shards, one of them twice
    assert (report.shards, report.tasks, report.annotations) == (2, 4, 6)
    one = pull(label_studio, project_title=project["title"], out=tmp_path / "one.json")
    assert comparable(tmp_path / "s.json") == comparable(tmp_path / "one.json") and one.tasks == 4
