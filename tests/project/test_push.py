"""`curation push` against the real Label Studio: idempotent, refuses changed text and config
drift, imports predictions once, sets overlap, and never duplicates a chunk it has to resend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from curation import labelstudio as ls
from curation.cli import cli
from curation.core.convert import to_ls_results
from curation.core.corpus import load_corpus
from curation.core.errors import LabelStudioError
from curation.core.records import Annotation, Document, Mention, Relation
from curation.core.schema import label_config, load_schema, same_config
from curation.labelstudio.server import Connection, free_port
from curation.project.push import push
from tests.conftest import ROOT
from tests.faultproxy import Fault, FaultProxy

CORPUS = ROOT / "corpus"
DOCS = load_corpus(CORPUS)
BY_ID = {d.doc_id: d for d in DOCS}
EN, AR = "003_37c1237100320103", "001_d3ab50d0e16a8aaf"


def run(data_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["push", "--data-dir", str(data_dir), *map(str, args)])


def tasks_of(conn: Connection, title: str) -> list[dict]:
    """Every task of the project with its data and predictions, oldest first."""
    project = ls.get_project(conn, title)
    response = requests.get(
        f"{conn.url}/api/tasks", headers={"Authorization": f"Token {conn.token}"}, timeout=60,
        params={"project": project.id, "fields": "all", "page_size": 1000, "query": json.dumps({"ordering": ["tasks:id"]})},
    )  # fmt: skip
    assert response.status_code == 200, response.text[:300]
    return response.json()["tasks"]


def contract_data(doc: Document) -> dict:
    return {**doc.to_dict(), "text_sha256": doc.sha256}


def where(conn: Connection, title: str) -> str:
    project = ls.get_project(conn, title)
    return f"project '{title}' (id {project.id}): {conn.url}/projects/{project.id}"


def write_jsonl(path: Path, docs: list[Document]) -> Path:
    path.write_text("".join(json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def test_pushing_twice_gives_five_tasks_not_ten(server, unique_title):
    conn, data_dir = server
    first = run(data_dir, "--project", unique_title)
    assert first.exit_code == 0, first.output
    project = ls.get_project(conn, unique_title)
    assert first.stdout == (
        f"Created project '{unique_title}' (id {project.id}) with the schema's label config and guidelines.\n"
        f"Imported 5 tasks (0 unchanged) into {where(conn, unique_title)}\n"
    )
    assert first.stderr == ""
    second = run(data_dir, "--project", unique_title)
    assert second.exit_code == 0, second.output
    assert second.stdout == f"Nothing to import: all 5 articles are already in {where(conn, unique_title)}\n"
    tasks = tasks_of(conn, unique_title)
    assert [t["data"] for t in tasks] == [contract_data(d) for d in DOCS]
    assert [Document.from_dict(t["data"]) for t in tasks] == DOCS
    assert same_config(project.label_config, label_config(load_schema()))
    assert project.show_instruction and "Annotation guidelines" in project.expert_instruction


def test_an_added_article_is_the_only_one_imported(server, unique_title, tmp_path):
    conn, data_dir = server
    four = write_jsonl(tmp_path / "four.jsonl", [d for d in DOCS if d.doc_id != EN])
    assert run(data_dir, "--project", unique_title, "--corpus", four).exit_code == 0
    result = run(data_dir, "--project", unique_title, "--corpus", CORPUS)
    assert result.stdout == f"Imported 1 task (4 unchanged) into {where(conn, unique_title)}\n"
    assert sorted(t["data"]["doc_id"] for t in tasks_of(conn, unique_title)) == sorted(BY_ID)


def test_changed_text_is_refused_and_nothing_is_imported(server, unique_title, tmp_path):
    conn, data_dir = server
    assert run(data_dir, "--project", unique_title).exit_code == 0
    task_id = next(t["id"] for t in tasks_of(conn, unique_title) if t["data"]["doc_id"] == EN)
    changed = tmp_path / "corpus"
    shutil.copytree(CORPUS, changed)
    (changed / f"{EN}.txt").write_bytes((CORPUS / f"{EN}.txt").read_bytes() + b"\nA correction.\n")
    (changed / "zz_new.txt").write_text("A new article.", encoding="utf-8")
    (changed / "zz_new.json").write_text('{"doc_id": "zz_new", "language": "en"}', encoding="utf-8")
    result = run(data_dir, "--project", unique_title, "--corpus", changed)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Article '{EN}' changed since it was pushed to project '{unique_title}' (task {task_id}). "
        f"Text is never replaced: give the changed article a new doc_id, or delete task {task_id} in Label Studio "
        "and push again.\n"
    )
    assert len(tasks_of(conn, unique_title)) == 5


def test_config_drift_stops_the_push_until_update_config(server, unique_title):
    conn, data_dir = server
    assert run(data_dir, "--project", unique_title).exit_code == 0
    project = ls.get_project(conn, unique_title)
    schema = load_schema()
    ls.set_label_config(conn, project.id, label_config(schema).replace('hotkey="p"', 'hotkey="q"'))
    refused = run(data_dir, "--project", unique_title)
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: Project '{unique_title}' (id {project.id}) has a different label config from the schema "
        f"({schema.name} {schema.version}). Run with --update-config to apply the schema's.\n"
    )
    applied = run(data_dir, "--project", unique_title, "--update-config")
    assert applied.exit_code == 0, applied.output
    assert applied.stdout == (
        f"Updated the label config of project '{unique_title}' to the schema's.\n"
        f"Nothing to import: all 5 articles are already in {where(conn, unique_title)}\n"
    )
    assert same_config(ls.get_project(conn, unique_title).label_config, label_config(schema))


def prediction(doc_id: str, version: str, first: str, second: str) -> Annotation:
    text = BY_ID[doc_id].text
    a, b = text.index(first), text.index(second)
    return Annotation(
        doc_id=doc_id,
        model_version=version,
        mentions=(
            Mention("m1", a, a + len(first), first, "PER", "kim_jong_un"),
            Mention("m2", b, b + len(second), second, "PER", "vladimir_putin"),
        ),
        relations=(Relation("r1", "met_with", "m1", "m2"),),
    )


def test_predictions_are_imported_once_per_task_and_model_version(server, unique_title, tmp_path):
    conn, data_dir = server
    four = write_jsonl(tmp_path / "four.jsonl", [d for d in DOCS if d.doc_id != EN])
    assert run(data_dir, "--project", unique_title, "--corpus", four).exit_code == 0
    records = [prediction(AR, "ner-v1", "كيم جونغ أون", "بوتين"), prediction(EN, "ner-v1", "Kim Jong Un", "Putin")]
    file = tmp_path / "predictions.jsonl"
    file.write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    first = run(data_dir, "--project", unique_title, "--predictions", file)  # EN is new: inline; AR exists: API
    assert first.stdout == (
        f"Imported 1 task (4 unchanged) into {where(conn, unique_title)}\nImported 2 predictions (0 already there).\n"
    )
    again = run(data_dir, "--project", unique_title, "--predictions", file)
    assert again.stdout == (
        f"Nothing to import: all 5 articles are already in {where(conn, unique_title)}\n"
        "No new predictions: all 2 are already there.\n"
    )
    file.write_text(json.dumps(prediction(EN, "ner-v2", "Kim", "Putin").to_dict()) + "\n", encoding="utf-8")
    other = run(data_dir, "--project", unique_title, "--predictions", file)
    assert other.stdout.endswith("Imported 1 prediction (0 already there).\n")

    stored = {
        (t["data"]["doc_id"], p["model_version"]): p["result"]
        for t in tasks_of(conn, unique_title)
        for p in t["predictions"]
    }
    assert sorted(stored) == [(AR, "ner-v1"), (EN, "ner-v1"), (EN, "ner-v2")]
    for record in records:
        expected = to_ls_results(BY_ID[record.doc_id].text, record.mentions, record.relations)
        kept = [{k: r[k] for k in e} for r, e in zip(stored[(record.doc_id, "ner-v1")], expected)]
        assert kept == expected


def test_unknown_doc_in_predictions_names_the_line(server, unique_title, tmp_path):
    conn, data_dir = server
    file = tmp_path / "predictions.jsonl"
    file.write_text('\n{"doc_id": "nope", "model_version": "v1", "mentions": [], "relations": []}\n')
    result = run(data_dir, "--project", unique_title, "--predictions", file)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {file} line 2: doc_id 'nope' is not in the corpus. Push its article too, or remove the line.\n"
    )
    assert ls.find_project(conn, unique_title) is None


def test_overlap_is_set_for_every_task(server, unique_title):
    conn, data_dir = server
    assert run(data_dir, "--project", unique_title, "--overlap", "1").exit_code == 0
    result = run(data_dir, "--project", unique_title, "--overlap", "3")
    assert result.stdout == (
        "Overlap: 3 annotators per article (set).\n"
        f"Nothing to import: all 5 articles are already in {where(conn, unique_title)}\n"
    )
    project = ls.get_project(conn, unique_title)
    assert (project.maximum_annotations, project.overlap_cohort_percentage) == (3, 100)
    assert {t["overlap"] for t in tasks_of(conn, unique_title)} == {3}
    same = run(data_dir, "--project", unique_title, "--overlap", "3")
    assert same.stdout.startswith("Overlap: 3 annotators per article (unchanged).\n")


def test_dry_run_changes_nothing(server, unique_title, tmp_path):
    conn, data_dir = server
    result = run(data_dir, "--project", unique_title, "--dry-run", "--overlap", "2")
    assert result.stdout == (
        "Dry run: nothing was changed.\n"
        f"Would create project '{unique_title}' with the schema's label config and guidelines.\n"
        "Overlap: 2 annotators per article (would be set).\n"
        f"Would import 5 tasks (0 unchanged) into project '{unique_title}'\n"
    )
    assert ls.find_project(conn, unique_title) is None
    four = write_jsonl(tmp_path / "four.jsonl", [d for d in DOCS if d.doc_id != EN])
    assert run(data_dir, "--project", unique_title, "--corpus", four).exit_code == 0
    result = run(data_dir, "--project", unique_title, "--dry-run")
    assert result.stdout == (
        f"Dry run: nothing was changed.\nWould import 1 task (4 unchanged) into {where(conn, unique_title)}\n"
    )
    assert len(tasks_of(conn, unique_title)) == 4


def test_json_output(server, unique_title):
    conn, data_dir = server
    result = run(data_dir, "--project", unique_title, "--json")
    project = ls.get_project(conn, unique_title)
    assert json.loads(result.stdout) == {
        "project": {"title": unique_title, "id": project.id, "url": f"{conn.url}/projects/{project.id}"},
        "dry_run": False, "created_project": True, "imported": sorted(BY_ID), "unchanged": [],
        "predictions": {"imported": 0, "already_there": 0}, "config_updated": False,
        "instructions_updated": False, "overlap": None, "notes": [],
    }  # fmt: skip


def test_listing_pages_through_every_task(server, unique_title):
    conn, data_dir = server
    assert run(data_dir, "--project", unique_title).exit_code == 0
    project = ls.get_project(conn, unique_title)
    expected = [(t["id"], t["data"]["doc_id"], t["data"]["text_sha256"]) for t in tasks_of(conn, unique_title)]
    for page_size in (1, 2, 5, 1000):  # 5 tasks: pages that end exactly at the last task, and not
        listed = [(t.id, t.doc_id, t.text_sha256) for t in ls.iter_tasks(conn, project.id, page_size=page_size)]
        assert listed == expected
    last = expected[1][0]
    # (with several import connections, the default on PostgreSQL, ids need not follow the corpus)
    assert [t.doc_id for t in ls.iter_tasks(conn, project.id, after_id=last)] == [doc for _, doc, _ in expected[2:]]
    stamp = ls.task_stamp(conn, project.id)
    assert (stamp.total, stamp.total_predictions, stamp.newest_id) == (5, 0, expected[-1][0])


def test_a_task_deleted_in_label_studio_is_imported_again(server, unique_title, tmp_path):
    """The kept task list is used only while the project's stamp is unchanged."""
    conn, data_dir = server
    assert run(data_dir, "--project", unique_title).exit_code == 0
    assert run(data_dir, "--project", unique_title).stdout.startswith("Nothing to import")
    victim = next(t["id"] for t in tasks_of(conn, unique_title) if t["data"]["doc_id"] == AR)
    ls.request(conn, "DELETE", f"/api/tasks/{victim}/", what="delete a task")
    result = run(data_dir, "--project", unique_title)
    assert result.stdout == f"Imported 1 task (4 unchanged) into {where(conn, unique_title)}\n"
    assert sorted(t["data"]["doc_id"] for t in tasks_of(conn, unique_title)) == sorted(BY_ID)


def test_an_import_that_timed_out_is_not_sent_again(server, unique_title, tmp_path):
    conn, _ = server
    report = push(conn, corpus=DOCS, project_title=unique_title, cache_dir=tmp_path, import_timeout=0.001)
    assert report.imported == tuple(d.doc_id for d in DOCS)
    assert [t["data"]["doc_id"] for t in tasks_of(conn, unique_title)] == [d.doc_id for d in DOCS]


def test_a_connection_lost_after_the_import_is_not_sent_again(server, unique_title, tmp_path):
    conn, _ = server
    fault = Fault("POST", r"/api/projects/\d+/import\?", drop_after=0)
    with FaultProxy(conn.url, [fault]) as proxy:
        report = push(Connection(proxy.url, conn.token), corpus=DOCS, project_title=unique_title, cache_dir=tmp_path)
    assert fault.times == 0
    assert sum(1 for method, path, _ in proxy.log if method == "POST" and "/import?" in path) == 1
    assert report.imported == tuple(d.doc_id for d in DOCS)
    assert len(tasks_of(conn, unique_title)) == 5


def test_a_failed_import_is_sent_again_in_chunks_without_duplicates(server, unique_title, tmp_path):
    conn, _ = server
    fault = Fault("POST", r"/api/projects/\d+/import\?", status=503)
    with FaultProxy(conn.url, [fault]) as proxy:
        report = push(
            Connection(proxy.url, conn.token),
            corpus=DOCS,
            project_title=unique_title,
            cache_dir=tmp_path,
            chunk_tasks=2,
        )
    imports = [path for method, path, _ in proxy.log if method == "POST" and "/import?" in path]
    assert len(imports) == 4  # chunks of 2, 2, 1 and the first one again
    assert report.imported == tuple(d.doc_id for d in DOCS)
    assert [t["data"]["doc_id"] for t in tasks_of(conn, unique_title)] == [d.doc_id for d in DOCS]


def test_a_personal_access_token_works_too(server, unique_title, monkeypatch, make_annotator):
    """Label Studio 1.23's default tokens are JWT refresh tokens, exchanged for access tokens."""
    conn, data_dir = server
    user, _, _ = make_annotator("pat")  # a new user: each user may hold one personal access token
    pat = ls.request(user, "POST", "/api/token/", what="create a personal access token").json()["token"]
    monkeypatch.setenv("LABEL_STUDIO_URL", conn.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", pat)
    result = run(data_dir, "--project", unique_title)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"Imported 5 tasks (0 unchanged) into {where(conn, unique_title)}\n")
    assert ls.authorization(Connection(conn.url, pat)).startswith("Bearer ")
    forged = pat[:-4] + ("AAAA" if not pat.endswith("AAAA") else "BBBB")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", forged)
    refused = run(data_dir, "--project", unique_title)
    assert refused.stderr == (
        f"Error: Label Studio at {conn.url} rejected the personal access token (HTTP 401). "
        "Set LABEL_STUDIO_API_KEY to a valid token (Account & Settings in Label Studio).\n"
    )
    assert forged not in refused.output


def test_errors_say_what_to_do(server, unique_title, monkeypatch):
    conn, data_dir = server
    with pytest.raises(LabelStudioError) as missing:
        ls.get_project(conn, unique_title)
    assert str(missing.value) == (
        f"No project titled '{unique_title}' on {conn.url}. Check --project, or create it with `curation push`."
    )
    monkeypatch.setenv("LABEL_STUDIO_URL", conn.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "not-a-token")
    bad = run(data_dir, "--project", unique_title)
    assert bad.exit_code == 1
    assert bad.stderr == (
        f"Error: Label Studio at {conn.url} rejected the API token (HTTP 401). Set LABEL_STUDIO_API_KEY to a valid "
        "token (Account & Settings in Label Studio), or unset it to use the local server's stored token.\n"
    )
    assert "not-a-token" not in bad.output
    down = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("LABEL_STUDIO_URL", down)
    gone = run(data_dir, "--project", unique_title)
    assert gone.stderr == (
        f"Error: Label Studio at {down} failed 5 times in a row while trying to find project {unique_title!r} "
        "(last: no connection). Check that it runs (`curation server status`) and its log, then run the command "
        "again.\n"
    )


def test_four_jobs_import_each_article_once_and_each_inline_prediction(server, unique_title, tmp_path):
    """Chunks of one article, four in flight, except those carrying pre-annotations, which go alone
    (Label Studio's development server created such tasks without their predictions when two
    imports ran at once); the report and the progress bar list the articles in corpus order."""
    conn, _ = server
    seed = ROOT / "corpus" / "seed_annotations.jsonl"
    first = [json.loads(line) for line in seed.read_text(encoding="utf-8").splitlines()][:2]
    predictions = tmp_path / "two.jsonl"
    predictions.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in first), encoding="utf-8")
    seen: list[int] = []
    report = push(conn, corpus=DOCS, project_title=unique_title, predictions=predictions, cache_dir=tmp_path,
                  jobs=4, progress=lambda stage, done, total: seen.append(done) if stage == "Importing" else None)  # fmt: skip
    assert report.imported == tuple(d.doc_id for d in DOCS)
    assert seen == [0, 1, 2, 3, 4, 5]  # one chunk of one article at a time, whatever order they finish in
    tasks = tasks_of(conn, unique_title)
    assert sorted(t["data"]["doc_id"] for t in tasks) == sorted(d.doc_id for d in DOCS)
    held = {t["data"]["doc_id"]: len(ls.task_in_full(conn, t["id"])["predictions"]) for t in tasks}
    assert held == {d.doc_id: int(d.doc_id in {r["doc_id"] for r in first}) for d in DOCS}
