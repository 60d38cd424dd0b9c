"""`curation release --push-to-hub` with the real huggingface_hub client against a local Hub stub."""

from __future__ import annotations

import json

import pytest

from tests.hub_stub import HubStub
from tests.release.test_release import NAME, SNAPSHOT, files_of, release, run, tasks, write
from tests.release.test_rules import new_document

TOKEN = "hf_test_secret_token_123"


@pytest.fixture
def hub():
    with HubStub(TOKEN) as stub:
        yield stub


def env(hub, token=TOKEN):
    return {"HF_ENDPOINT": hub.url, "HF_TOKEN": token}


def test_push_uploads_the_folder_tags_it_and_prints_the_commit(hub, tmp_path):
    result = run("release", SNAPSHOT, "--version", "1.0.0", "--exports", tmp_path, "--push-to-hub", "org/geo-news",
                 env=env(hub))  # fmt: skip
    assert result.exit_code == 0, result.output
    repo = hub.repos["org/geo-news"]
    folder = tmp_path / NAME / "1.0.0"
    assert result.stdout == f"{folder}\n{repo.commits[0]}\n"
    assert result.stderr.endswith(
        f"Pushed to org/geo-news, tagged v1.0.0: {hub.url}/datasets/org/geo-news/commit/{repo.commits[0]}\n"
    )
    assert repo.files == files_of(folder)
    assert repo.tags == {"v1.0.0": repo.commits[0]}
    assert repo.messages == ["Release 1.0.0"]
    assert TOKEN not in result.output
    assert [p for _, p in hub.requests if "agent-harnesses" in p] == []


def test_a_new_version_replaces_the_tree_and_gets_its_own_tag(hub, tmp_path):
    assert release(SNAPSHOT, tmp_path, "1.0.0").exit_code == 0
    first = run(
        "release", "--check", tmp_path / NAME / "1.0.0", "--push-to-hub", "org/geo-news", "--json", env=env(hub)
    )
    assert first.exit_code == 0, first.output
    repo = hub.repos["org/geo-news"]
    assert json.loads(first.stdout) == {
        "path": str(tmp_path / NAME / "1.0.0"),
        "hub": {"repo_id": "org/geo-news", "commit": repo.commits[0], "tag": "v1.0.0",
                "url": f"{hub.url}/datasets/org/geo-news/commit/{repo.commits[0]}"},
    }  # fmt: skip
    data = new_document(tasks())
    for task in data:
        task["predictions"] = []
        for annotation in task["annotations"]:
            annotation["parent_prediction"] = None
    snapshot = write(tmp_path, "more.json", data)
    second = run("release", snapshot, "--version", "1.1.0", "--exports", tmp_path, "--push-to-hub", "org/geo-news",
                 env=env(hub))  # fmt: skip
    assert second.exit_code == 0, second.output
    assert repo.files == files_of(tmp_path / NAME / "1.1.0")
    assert "source/predictions.jsonl.gz" not in repo.files
    assert repo.tags == {"v1.0.0": repo.commits[0], "v1.1.0": repo.commits[1]}


def test_a_version_is_never_pushed_twice(hub, tmp_path):
    no_token = run("release", SNAPSHOT, "--version", "1.0.0", "--exports", tmp_path, "--push-to-hub", "org/geo-news",
                   env=env(hub, token=""))  # fmt: skip
    assert no_token.exit_code == 1  # the release is written; the push can be retried with --check DIR
    folder = tmp_path / NAME / "1.0.0"
    assert no_token.stdout == "" and (folder / "MANIFEST.sha256").exists()
    assert run("release", "--check", folder, "--push-to-hub", "org/geo-news", env=env(hub)).exit_code == 0
    again = run("release", "--check", folder, "--push-to-hub", "org/geo-news", env=env(hub))
    assert again.exit_code == 1
    assert again.stderr.endswith(
        "Error: org/geo-news already has tag v1.0.0: a released version is never pushed twice. Push a new release instead.\n"
    )
    assert len(hub.repos["org/geo-news"].commits) == 1


def test_the_token_comes_from_hf_token_only(hub, tmp_path):
    assert release(SNAPSHOT, tmp_path, "1.0.0").exit_code == 0
    folder = tmp_path / NAME / "1.0.0"
    missing = run(
        "release", "--check", folder, "--push-to-hub", "org/geo-news", env={"HF_ENDPOINT": hub.url, "HF_TOKEN": ""}
    )
    assert missing.exit_code == 1
    assert missing.stderr.endswith(
        "Error: HF_TOKEN is not set. Export a Hugging Face write token as HF_TOKEN (it is never read from the command "
        "line) and push again.\n"
    )
    refused = run("release", "--check", folder, "--push-to-hub", "org/geo-news", env=env(hub, token="hf_wrong"))
    assert refused.exit_code == 1
    assert refused.stderr.endswith(
        "Error: Could not create the repository on the Hub for org/geo-news (HTTP 401): the token in HF_TOKEN was "
        "refused; create a write token and export it again.\n"
    )
    assert "hf_wrong" not in refused.output
    assert hub.repos == {}
