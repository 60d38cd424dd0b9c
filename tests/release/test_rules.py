"""Every refusal rule of `curation release`, the bump rule per kind of change, stable splits."""

from __future__ import annotations

import json
import shutil

import pytest

from curation.release.hfdata import load_release_config
from tests.release.test_release import NAME, SNAPSHOT, fresh_label_studio, release, run, tasks, write


def new_document(data, doc_id="en-002", user=12, annotation_id=206):
    """Annotate task 104 (en-002, nobody annotated it), or add a task for another English article."""
    data = json.loads(json.dumps(data))
    text = "North Korea tested a Hwasong-18 missile."
    if doc_id != "en-002":
        task = json.loads(json.dumps(data[-1]))
        task["id"], task["data"]["doc_id"] = task["id"] + 1, doc_id
        data.append(task)
    task = next(t for t in data if t["data"]["doc_id"] == doc_id)
    result = []
    for rid, (start, end, label, entity) in {
        "d1": (0, 11, "GPE", "north_korea"),
        "d2": (21, 31, "WEAPON", "hwasong_18"),
    }.items():
        value = {"start": start, "end": end}
        result.append({"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                       "value": value | {"text": text[start:end], "labels": [label]}})  # fmt: skip
        result.append({"id": rid, "from_name": "entity_id", "to_name": "text", "type": "textarea",
                       "value": value | {"text": [entity]}})  # fmt: skip
    result.append({"from_id": "d1", "to_id": "d2", "type": "relation", "direction": "right", "labels": ["develops"]})
    annotation = json.loads(json.dumps(data[0]["annotations"][0]))
    annotation.update(id=annotation_id, completed_by=user, result=result, parent_prediction=None)
    task["annotations"] = [annotation]
    return data


def changed_gold(data):
    """sw-001 loses its `visited` relation: changed gold in a released document."""
    data = json.loads(json.dumps(data))
    data[0]["annotations"][0]["result"] = [
        r for r in data[0]["annotations"][0]["result"] if r.get("labels") != ["visited"]
    ]
    return data


@pytest.fixture
def exports(tmp_path):
    result = release(SNAPSHOT, tmp_path / "exports", "1.0.0")
    assert result.exit_code == 0, result.output
    return tmp_path / "exports"


def error(result):
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    return result.stderr


def test_an_existing_version_is_never_overwritten(exports):
    before = (exports / NAME / "1.0.0" / "README.md").read_bytes()
    assert error(release(SNAPSHOT, exports, "1.0.0")) == (
        f"Error: {exports / NAME / '1.0.0'} already exists: a release is never overwritten. Release a new version "
        "(the last one is 1.0.0).\n"
    )
    assert (exports / NAME / "1.0.0" / "README.md").read_bytes() == before


def test_the_version_must_be_greater_than_the_last(exports):
    assert error(release(SNAPSHOT, exports, "0.9.0")) == (
        f"Error: Version 0.9.0 is not greater than 1.0.0, the last release of {NAME}. Use a higher version, e.g. 1.0.1.\n"
    )
    assert (
        error(release(SNAPSHOT, exports, "1.0"))
        == "Error: Version '1.0' is not MAJOR.MINOR.PATCH. Use e.g. --version 1.0.0.\n"
    )
    assert sorted(p.name for p in (exports / NAME).iterdir()) == ["1.0.0"]


def test_validation_errors_refuse_the_release(tmp_path):
    data = tasks()
    for res in data[0]["annotations"][0]["result"]:
        if res.get("id") == "a4" and res["type"] == "labels":
            res["value"]["start"] += 1  # "rusi" is not the stored text "Urusi"
    snapshot = write(tmp_path, "bad.json", data)
    message = error(release(snapshot, tmp_path / "exports", "1.0.0"))
    assert message.startswith("Error: Release refused: validation reports 1 error(s), first V002 in document sw-001 "
                              "(annotation 201, annotator-11): ")  # fmt: skip
    assert message.endswith(
        f"Run `curation validate {snapshot}` for all of them, fix them in Label Studio, pull again and release.\n"
    )
    assert not (tmp_path / "exports" / NAME).exists()


def test_new_documents_need_a_minor_bump(exports, tmp_path):
    snapshot = write(tmp_path, "more.json", new_document(tasks()))
    assert error(release(snapshot, exports, "2.0.0")) == (
        "Error: Version 2.0.0 is a major bump of 1.0.0, but the change needs a minor bump (new documents were added). "
        "Release it as 1.1.0, or pass --force-version REASON to keep 2.0.0 and say why in the changelog.\n"
    )
    assert error(release(snapshot, exports, "1.0.1")).startswith("Error: Version 1.0.1 is a patch bump of 1.0.0, but")
    result = release(snapshot, exports, "1.1.0")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Released 1.1.0 (minor change since 1.0.0): 4 documents, 13 mentions, 8 relations, 16 files.\n"
        f"Entity registry: 0 findings in the released gold; `curation entities {exports / NAME / '1.1.0'}` lists "
        "every id and finding.\n"
    )
    changelog = (exports / NAME / "1.1.0" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (
        changelog
        == (
            "# Changelog\n\nEach entry compares a release with the previous release of the same name.\n\n"
            "## 1.1.0\n\n"
            "Compared with 1.0.0. Change minor: new documents, released ones unchanged.\n\n"
            "| language | kind | added | removed | changed |\n|---|---|---|---|---|\n"
            "| en | documents | 1 | 0 | 0 |\n| en | mentions | 2 | 0 | 0 |\n| en | relations | 1 | 0 | 0 |\n"
            "| en | entities | 2 | 0 | 0 |\n| sw | entities | 0 | 0 | 1 |\n\n"
            "Documents added: `en-002`.\n\n"
            "## 1.0.0\n\nFirst release.\n\n"
        )
        + (exports / NAME / "1.0.0" / "CHANGELOG.md").read_text(encoding="utf-8").split("First release.\n\n", 1)[1]
    )


def test_changed_gold_in_a_released_document_needs_a_major_bump(exports, tmp_path):
    snapshot = write(tmp_path, "changed.json", changed_gold(tasks()))
    assert error(release(snapshot, exports, "1.1.0")) == (
        "Error: Version 1.1.0 is a minor bump of 1.0.0, but the change needs a major bump (gold labels of released "
        "documents changed or documents were removed). Release it as 2.0.0, or pass --force-version REASON to keep "
        "1.1.0 and say why in the changelog.\n"
    )
    assert release(snapshot, exports, "2.0.0").exit_code == 0
    changelog = (exports / NAME / "2.0.0" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.split("\n## ")[1] == (
        "2.0.0\n\nCompared with 1.0.0. Change major: gold labels of released documents changed, or documents were "
        "removed.\n\n| language | kind | added | removed | changed |\n|---|---|---|---|---|\n"
        "| sw | documents | 0 | 0 | 1 |\n| sw | relations | 0 | 1 | 0 |\n\nDocuments changed: `sw-001`.\n"
    )


def test_card_only_changes_need_a_patch_bump(exports, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("Annotated by the maintainers in one pass.\n", encoding="utf-8")
    assert error(release(SNAPSHOT, exports, "1.1.0", "--notes", notes)).startswith(
        "Error: Version 1.1.0 is a minor bump of 1.0.0, but the change needs a patch bump (only the card, "
        "provenance or file encoding changed). Release it as 1.0.1,"
    )
    assert release(SNAPSHOT, exports, "1.0.1", "--notes", notes).exit_code == 0
    card = (exports / NAME / "1.0.1" / "README.md").read_text(encoding="utf-8")
    assert card.endswith("## Notes from the curators\n\nAnnotated by the maintainers in one pass.\n")
    assert "Change patch: no gold label changed and no document was added" in (
        exports / NAME / "1.0.1" / "CHANGELOG.md"
    ).read_text(encoding="utf-8")


def test_nothing_changed_is_refused_unless_forced(exports, tmp_path):
    snapshot = write(tmp_path, "fresh.json", fresh_label_studio(tasks()))
    assert error(release(snapshot, exports, "1.0.1")) == (
        "Error: Nothing changed since 1.0.0: same data and same card. There is nothing to release; pass "
        "--force-version REASON to cut 1.0.1 anyway.\n"
    )
    assert error(release(snapshot, exports, "1.0.1", "--force-version", " ")) == (
        "Error: --force-version needs a reason, e.g. --force-version 'schema 2.0 renames types'.\n"
    )
    result = release(snapshot, exports, "2.0.0", "--force-version", "re-pulled from the new annotation server")
    assert result.exit_code == 0, result.output
    changelog = (exports / NAME / "2.0.0" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 2.0.0\n\nCompared with 1.0.0. Change none: nothing changed.\n\nVersion chosen with --force-version: " \
           "re-pulled from the new annotation server\n\nNo differences in the data.\n" in changelog  # fmt: skip
    assert json.loads((exports / NAME / "2.0.0" / "release.json").read_text())["force_version"] == (
        "re-pulled from the new annotation server"
    )


def test_released_documents_keep_their_split_and_options_carry_over(exports, tmp_path):
    first = write(tmp_path, "more.json", new_document(tasks()))
    result = release(first, exports, "1.1.0", "--split-config", "train=0.5,test=0.5", "--split-seed", "alpha")
    assert result.exit_code == 0, result.output
    folder = exports / NAME / "1.1.0"
    assert [r["doc_id"] for r in load_release_config(folder, "documents", "test")] == ["ar-001", "en-001", "sw-001"]
    assert [r["doc_id"] for r in load_release_config(folder, "documents", "train")] == ["en-002"]
    assert [r["doc_id"] for r in load_release_config(folder, "tokens", "train")] == ["en-002"]
    # en-003's draw with seed "alpha" is 0.585: test, with the options carried over from 1.1.0.
    second = write(tmp_path, "even-more.json", new_document(new_document(tasks()), "en-003", 11, 207))
    assert release(second, exports, "1.2.0").exit_code == 0
    folder = exports / NAME / "1.2.0"
    build = json.loads((folder / "source" / "build.json").read_text(encoding="utf-8"))
    assert (build["split_config"], build["split_seed"]) == ("train=0.5,test=0.5", "alpha")
    assert [r["doc_id"] for r in load_release_config(folder, "documents", "test")] == [
        "ar-001",
        "en-001",
        "en-003",
        "sw-001",
    ]
    assert [r["doc_id"] for r in load_release_config(folder, "documents", "train")] == ["en-002"]
    assert json.loads((folder / "release.json").read_text())["splits"]["documents"] == {"test": 4, "train": 1}


def test_a_later_release_checks_without_the_previous_folder(exports, tmp_path):
    snapshot = write(tmp_path, "more.json", new_document(tasks()))
    assert release(snapshot, exports, "1.1.0").exit_code == 0
    moved = tmp_path / "elsewhere"
    shutil.move(str(exports / NAME / "1.1.0"), moved)
    shutil.rmtree(exports)
    result = run("release", "--check", moved)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{moved}: all 16 files match a rebuild from source/ and MANIFEST.sha256.\n"


def test_misuse_of_the_command_says_what_to_pass(tmp_path):
    assert error(run("release", SNAPSHOT)) == (
        "Error: Pass a SNAPSHOT file and --version X.Y.Z (or --check DIR to verify a release).\n"
    )
    assert error(run("release", SNAPSHOT, "--check", tmp_path)) == (
        "Error: --check DIR rebuilds an existing release; pass no SNAPSHOT or --version with it.\n"
    )
    assert error(run("release", "--check", tmp_path / "nope")) == (
        f"Error: {tmp_path / 'nope'}: no such release folder. Pass exports/<name>/<version>.\n"
    )
    assert error(run("release", "--check", tmp_path)) == (
        f"Error: {tmp_path} has no MANIFEST.sha256, so it is not a release made by `curation release`.\n"
    )
    assert error(release(SNAPSHOT, tmp_path, "1.0.0", "--split-config", "train=0.5,test=0.6")) == (
        "Error: Bad split config 'train=0.5,test=0.6': fractions add up to 1.1, not 1. Adjust them.\n"
    )


def test_single_annotations_can_be_held_back(tmp_path):
    result = release(SNAPSHOT, tmp_path, "1.0.0", "--single", "reject")
    assert result.exit_code == 0, result.output
    folder = tmp_path / NAME / "1.0.0"
    assert [r["doc_id"] for r in load_release_config(folder, "documents", "test")] == ["ar-001"]
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "Documents of the snapshot left out of this release: 2 awaiting second annotator, 1 unannotated.\n" in card
    assert json.loads((folder / "source" / "build.json").read_text())["accept_single"] is False
    assert run("release", "--check", folder).exit_code == 0


@pytest.mark.parametrize(
    "option,message",
    [
        ("--decisions", "no such decisions file. Pass --decisions with the JSON file of decisions."),
        ("--id-map", "no such id map. Pass --id-map with the reviewed JSON map of ids."),
    ],
)
def test_a_missing_review_file_is_one_error_line_and_no_release(exports, tmp_path, option, message):
    missing = tmp_path / "missing.json"
    assert error(release(SNAPSHOT, exports, "1.1.0", option, str(missing))) == f"Error: {missing}: {message}\n"
    assert not (exports / NAME / "1.1.0").exists()
