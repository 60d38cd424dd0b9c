"""`curation release` end to end from a hand-made Label Studio export (tests/data/release/snapshot.json).

The export has four tasks: a Swahili article annotated once from a pre-annotation, an Arabic
article annotated identically by two annotators, an English article annotated once (and
skipped by a second annotator), and an English article nobody annotated.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil

import datasets
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from curation.cli import cli
from curation.release.hfdata import CONFIGS, features_from_yaml, features_of_parquet, load_release_config
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "release"
SNAPSHOT = DATA / "snapshot.json"
NAME = "curation-geopolitical-news"
SOURCE_TEXT = "Korea Kaskazini"


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def release(snapshot, exports, version, *extra):
    return run("release", snapshot, "--version", version, "--exports", exports, *extra)


def tasks():
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def card_yaml(folder):
    return yaml.safe_load((folder / "README.md").read_text(encoding="utf-8").split("---\n")[1])


def files_of(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def fresh_label_studio(data):
    """The same annotations as a fresh Label Studio would export them: new ids, users and times."""
    data = copy.deepcopy(data)
    users = {11: 3, 12: 4}
    for task in data:
        task["id"] += 1000
        for ann in task["annotations"]:
            ann["id"] += 500
            ann["completed_by"] = users[ann["completed_by"]]
            ann["parent_prediction"] = ann["parent_prediction"] and ann["parent_prediction"] + 700
            for key in ("created_at", "updated_at"):
                ann[key] = ann[key].replace("2024-05-", "2024-07-")
            for res in ann["result"]:
                for key in ("id", "from_id", "to_id"):
                    if key in res:
                        res[key] = "fresh-" + res[key]
        for pred in task["predictions"]:
            pred["id"] += 700
    return data


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """Release 1.0.0 of the hand-made export."""
    exports = tmp_path_factory.mktemp("exports")
    result = release(SNAPSHOT, exports, "1.0.0")
    assert result.exit_code == 0, result.output
    return exports / NAME / "1.0.0", result


def test_release_prints_its_path_and_a_summary(first):
    folder, result = first
    assert result.stdout == f"{folder}\n"
    # Two annotators labelled the documents: the release holds the agreement heatmap too.
    assert result.stderr == (
        "Released 1.0.0 (first release): 3 documents, 11 mentions, 7 relations, 15 files.\n"
        f"Entity registry: 0 findings in the released gold; `curation entities {folder}` lists every id and finding.\n"
    )
    assert sorted(files_of(folder)) == [
        "CHANGELOG.md", "MANIFEST.sha256", "README.md", "agreement.png", "documents/test-00000-of-00001.parquet",
        "entities/test-00000-of-00001.parquet", "release.json", "source/annotations.parquet", "source/build.json",
        "source/decisions.parquet", "source/documents.parquet", "source/predictions.parquet", "source/schema.json",
        "tokens/test-00000-of-00001.parquet", "triples/test-00000-of-00001.parquet",
    ]  # fmt: skip


@pytest.mark.parametrize("config", CONFIGS)
def test_load_dataset_gives_the_card_features_and_the_expected_rows(first, config, tmp_path):
    folder, _ = first
    card = {c["config_name"]: c for c in card_yaml(folder)["dataset_info"]}
    declared = features_from_yaml(card[config]["features"])
    dataset = datasets.load_dataset(str(folder), config, split="test", cache_dir=str(tmp_path / "cache"))
    assert dataset.features == declared
    expected = json.loads((DATA / "expected" / f"{config}.json").read_text(encoding="utf-8"))
    assert dataset.to_list() == expected
    assert load_release_config(folder, config, "test") == expected
    parquet = folder / config / "test-00000-of-00001.parquet"
    assert features_of_parquet(parquet) == declared
    assert pq.read_schema(parquet).remove_metadata() == declared.arrow_schema.remove_metadata()
    assert card[config]["splits"] == [{"name": "test", "num_bytes": card[config]["splits"][0]["num_bytes"],
                                       "num_examples": len(dataset)}]  # fmt: skip


def test_card_yaml_has_the_hub_metadata(first):
    folder, _ = first
    meta = card_yaml(folder)
    assert {k: v for k, v in meta.items() if k not in ("configs", "dataset_info")} == {
        "pretty_name": "curation-geopolitical-news",
        "language": ["ar", "en", "sw"],
        "license": "other",
        "multilinguality": "multilingual",
        "size_categories": ["n<1K"],
        "source_datasets": ["original"],
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "annotations_creators": ["expert-generated", "machine-generated"],
        "language_creators": ["found"],
        "tags": ["relation-extraction", "entity-linking", "information-extraction", "news"],
    }
    assert meta["configs"][0] == {
        "config_name": "documents",
        "data_files": [{"split": "test", "path": "documents/test-00000-of-00001.parquet"}],
        "default": True,
    }
    assert [c["config_name"] for c in meta["configs"]] == list(CONFIGS)


def test_card_prose_tells_the_counts_process_and_agreement(first):
    card = (first[0] / "README.md").read_text(encoding="utf-8")
    for expected in [
        "Version **1.0.0** of `curation-geopolitical-news`: 3 news articles in Arabic, English and Swahili, with 11 entity "
        "mentions (9 types in the schema), a canonical entity id on each mention (6 entities, 3 of them named in more "
        "than one language) and 7 relations (15 types in the schema).",
        "| Example Swahili outlet | sw | 1 |",
        "| ar | Arabic | Arabic | right-to-left | 1 |",
        "| sw | 2 | 0 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 4 |",
        "| met_with | PER | PER | yes | The two arguments met in person. | 2 |",
        "Documents of the snapshot left out of this release: 1 unannotated.",
        "2 annotators (pseudonyms in `source/`) submitted 4 annotations and skipped 1. 1 annotation started from a "
        "pre-annotation (a prediction shown to the annotator, who corrected or accepted it; model versions in the "
        "snapshot: `seed-v1`). 1 of them was submitted without any change (model version `seed-v1`), so its labels are "
        "the pre-annotation's, not a correction of it. `annotations_creators` above (expert-generated and "
        "machine-generated) follows the snapshot: 3 annotations were made or corrected by people in Label Studio and "
        "1 annotation is a pre-annotation submitted unchanged, which Label Studio records as a model's output; the "
        "curators did not declare who made the pre-annotations.",
        "Gold documents: 1 adjudicated, 2 single annotated. Gold items: 13 by single annotation, 5 by unanimous",
        "| documents with two or more annotators | 1 |",
        "| mentions, strict F1 (same span and type) | 1.000 |",
        "- 1 mention starts or ends inside a token",
        'docs = load_dataset("exports/curation-geopolitical-news/1.0.0", "documents", split="test")',
        "curation evaluate --gold exports/curation-geopolitical-news/1.0.0 --predictions predictions.jsonl --split test",
    ]:
        assert expected in card
    assert "annotator-11" not in card and "2024-05" not in card


def test_release_json_and_manifest(first):
    folder, _ = first
    info = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert info["snapshot_sha256"] == hashlib.sha256(SNAPSHOT.read_bytes()).hexdigest()
    assert info["created_at"] == "2024-05-03T08:15:00Z"
    assert (info["version"], info["previous_version"], info["change"], info["features_version"]) == (
        "1.0.0",
        None,
        "initial",
        "1.0",
    )
    assert info["schema"]["sha256"] == hashlib.sha256((ROOT / "schemas" / "schema.json").read_bytes()).hexdigest()
    assert info["counts"] == {
        "documents": 3, "documents_by_language": {"ar": 1, "en": 1, "sw": 1}, "mentions": 11, "relations": 7,
        "entities": 6, "cross_language_entities": 3, "triples": 7, "annotations": 5, "annotators": 2,
        "excluded_documents": {"unannotated": 1},
    }  # fmt: skip
    lines = (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    files = files_of(folder)
    assert lines == [f"{hashlib.sha256(files[p]).hexdigest()}  {p}" for p in sorted(files) if p != "MANIFEST.sha256"]


def test_rebuilds_are_byte_identical(first, tmp_path):
    again = release(SNAPSHOT, tmp_path, "1.0.0")
    assert again.exit_code == 0, again.output
    assert files_of(tmp_path / NAME / "1.0.0") == files_of(first[0])


def test_a_fresh_label_studio_export_changes_only_release_json_and_source(first, tmp_path):
    snapshot = write(tmp_path, "fresh.json", fresh_label_studio(tasks()))
    result = release(snapshot, tmp_path / "exports", "1.0.0")
    assert result.exit_code == 0, result.output
    old, new = files_of(first[0]), files_of(tmp_path / "exports" / NAME / "1.0.0")
    differ = sorted(p for p in old if old[p] != new[p])
    # The heatmap's rows name the annotator pseudonyms, which come from the new server's user ids.
    assert differ == ["MANIFEST.sha256", "agreement.png", "release.json", "source/annotations.parquet",
                      "source/build.json", "source/decisions.parquet", "source/predictions.parquet"]  # fmt: skip


def test_check_passes_on_an_untouched_release(first):
    result = run("release", "--check", first[0])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"{first[0]}: all 15 files match a rebuild from source/ and MANIFEST.sha256.\n"


def test_check_names_a_changed_and_an_extra_file(first, tmp_path):
    copy_dir = tmp_path / "1.0.0"
    shutil.copytree(first[0], copy_dir)
    with open(copy_dir / "README.md", "a", encoding="utf-8") as handle:
        handle.write("\nEdited by hand.\n")
    (copy_dir / "notes.txt").write_text("not part of the release\n", encoding="utf-8")
    (copy_dir / "triples" / "test-00000-of-00001.parquet").write_bytes(b"PAR1")
    result = run("release", "--check", copy_dir)
    assert result.exit_code == 1
    assert result.stdout == "changed README.md\nchanged triples/test-00000-of-00001.parquet\nextra notes.txt\n"
    assert result.stderr == (
        f"Error: {copy_dir} does not match a rebuild from its source/ (3 file(s) listed above). A release is never "
        "edited in place: restore it from its original copy.\n"
    )


def test_check_catches_edited_source_records(first, tmp_path):
    copy_dir = tmp_path / "1.0.0"
    shutil.copytree(first[0], copy_dir)
    (copy_dir / "source" / "build.json").write_text(
        (copy_dir / "source" / "build.json").read_text(encoding="utf-8").replace('"other"', '"cc-by-4.0"'),
        encoding="utf-8",
    )
    (copy_dir / "CHANGELOG.md").unlink()
    result = run("release", "--check", copy_dir)
    assert result.exit_code == 1
    assert result.stdout == (
        "changed MANIFEST.sha256\nchanged README.md\nchanged source/build.json\nmissing CHANGELOG.md\n"
    )


def test_check_of_a_release_with_json_lines_source_says_what_to_do(first, tmp_path):
    copy_dir = tmp_path / "1.0.0"
    shutil.copytree(first[0], copy_dir)
    (copy_dir / "source" / "documents.parquet").rename(copy_dir / "source" / "documents.jsonl.gz")
    result = run("release", "--check", copy_dir)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {copy_dir}: source/ holds JSON lines (documents.jsonl.gz), the layout of releases cut before source/ "
        "moved to parquet, and this curation cannot rebuild it byte for byte. Verify its files with "
        "`sha256sum -c MANIFEST.sha256`, or check it with the curation commit that cut it.\n"
    )
