"""`make demo` end to end (its own Label Studio), and the committed first release it must rebuild.

The demo test runs ``scripts/demo.sh`` exactly as ``make demo`` does, in a temporary folder and
on a free port, and stops the server it leaves running. The other tests read the committed
release ``exports/geonews-ie/1.0.0`` and the comparison script on copies of it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.core.corpus import load_corpus
from curation.core.normalize import Normalized
from curation.core.schema import load_schema
from curation.core.validate import validate
from curation.labelstudio.server import free_port, server_status, stop_server
from curation.release.source import read_annotations, read_documents
from tests.conftest import ROOT

RELEASE = ROOT / "exports" / "geonews-ie" / "1.0.0"
COMPARE = ROOT / "scripts" / "compare_releases.sh"
CONFIG_ROWS = {"documents": 5, "triples": 210, "entities": 115, "tokens": 5}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(completed process, output folder) of one demo run; its Label Studio is stopped afterwards."""
    out = tmp_path_factory.mktemp("demo") / "demo-out"
    env = {
        **os.environ,
        "DEMO_OUT": str(out),
        "DEMO_PORT": str(free_port()),
        "DEMO_BIN": str(Path(sys.executable).parent),
    }
    try:
        done = subprocess.run(
            ["bash", "scripts/demo.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        yield done, out
    finally:
        stop_server(data_dir=out / "labelstudio")


def test_the_demo_rebuilds_the_committed_release_and_says_so(demo):
    done, out = demo
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    scratch = out / "exports" / "geonews-ie" / "1.0.0"
    assert done.stdout.endswith(
        f"Release: exports/geonews-ie/1.0.0 (built again by this demo in {scratch})\nVerification: passed\n"
    )
    for expected in [
        "Imported 5 tasks (0 unchanged) into project 'geonews-ie' (id 1): ",
        "Imported 5 predictions (0 already there).",
        "Accepted 5 predictions of model version 'seed-maintainers-2026-11' as annotations (0 already had one) in "
        "project 'geonews-ie' (id 1): ",
        f"{out}/snapshot.json: 5 tasks, 5 annotations (0 skipped, 0 ground truth), 5 predictions, ",
        "No problems in 5 annotations of 5 documents.",
        "Gold documents: 5 (single_annotated 5).",
        "Released 1.0.0 (first release): 5 documents, 485 mentions, 210 relations, 14 files.",
        "ner strict                       0.9345    1.0000    0.9661       485         0         0         0        34"
        "       485       519",
        "relations strict                 0.0000    0.0000    0.0000         0         -         -       210         0"
        "       210         0",
        f"Same dataset: all 6 data, card and changelog files of {scratch} are byte-identical to exports/geonews-ie/1.0.0.",
        f"Stop it with:\n  {Path(sys.executable).parent}/curation server stop --data-dir {out}/labelstudio\n",
    ]:
        assert expected in done.stdout + done.stderr, expected
    assert "$ curation release --check exports/geonews-ie/1.0.0\n" in done.stdout


def test_the_demo_leaves_label_studio_running_with_the_tasks_to_open(demo):
    done, out = demo
    status = server_status(out / "labelstudio")
    assert status.state == "running"
    assert f"Label Studio:       {status.url}/projects/1/data (the five tasks;" in done.stdout
    credentials = (out / "labelstudio" / "credentials.json").read_text()
    token = json.loads(credentials)["token"]
    assert token not in done.stdout + done.stderr


# --- the committed release -----------------------------------------------------------------


def test_the_committed_release_passes_release_check():
    result = CliRunner().invoke(cli, ["release", "--check", str(RELEASE)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"{RELEASE}: all 14 files match a rebuild from source/ and MANIFEST.sha256.\n"


def test_the_committed_release_validates_with_zero_issues():
    source = RELEASE / "source"
    documents = read_documents((source / "documents.parquet").read_bytes())
    annotations = read_annotations((source / "annotations.parquet").read_bytes())
    predictions = read_annotations((source / "predictions.parquet").read_bytes())
    normalized = Normalized(documents, annotations, predictions, (), {k: d.sha256 for k, d in documents.items()})
    report = validate(normalized, load_schema(source / "schema.json"))
    assert report.issues == ()
    assert documents == {d.doc_id: d for d in load_corpus(ROOT / "corpus")}
    assert [(a.annotator, a.from_prediction) for a in annotations] == [("annotator-1", True)] * 5


@pytest.mark.parametrize("config", sorted(CONFIG_ROWS))
def test_every_config_loads_with_datasets(config, tmp_path):
    dataset = datasets.load_dataset(str(RELEASE), config, split="test", cache_dir=str(tmp_path / "cache"))
    assert len(dataset) == CONFIG_ROWS[config]
    if config == "documents":
        assert sum(len(r["mentions"]) for r in dataset) == 485
        assert sum(len(r["relations"]) for r in dataset) == 210
        assert sorted(dataset["language"]) == ["ar", "ar", "en", "en", "sw"]


def test_the_card_tells_how_the_gold_was_made_and_credits_every_outlet():
    card = (RELEASE / "README.md").read_text(encoding="utf-8")
    for expected in [
        "Every annotation is a pre-annotation accepted without any change: nobody corrected them in Label Studio, "
        "so the gold is exactly the pre-annotations and is as good as they are; the curators' notes below say how "
        "they were made. The curators declare the annotations expert-generated (`annotations_creators` above).",
        "No document was annotated by two or more annotators, so no inter-annotator agreement can be reported",
        "The maintainers of `curation` annotated the five articles by hand, in one pass",
        "accepted unchanged in Label\nStudio with `curation accept-predictions`",
        "their rights stay with the publishers",
    ]:
        assert expected in card, expected
    for document in load_corpus(ROOT / "corpus"):
        assert f"| {document.source} | {document.language} | 1 |" in card


def test_the_committed_card_names_the_dataset_and_says_the_maintainers_made_the_labels():
    """The front matter as demo.sh declares it: --pretty-name GeoNews-IE --annotations-creators expert-generated."""
    card = (RELEASE / "README.md").read_text(encoding="utf-8")
    assert card.startswith(
        "---\npretty_name: GeoNews-IE\nlanguage:\n- ar\n- en\n- sw\nlicense: other\nmultilinguality: multilingual\n"
        "size_categories:\n- n<1K\nsource_datasets:\n- original\ntask_categories:\n- token-classification\n"
        "task_ids:\n- named-entity-recognition\nannotations_creators:\n- expert-generated\nlanguage_creators:\n"
        "- found\ntags:\n- relation-extraction\n- entity-linking\n- information-extraction\n- news\nconfigs:\n"
    )
    assert (
        "\n---\n\n# GeoNews-IE\n\nVersion **1.0.0** of `geonews-ie`: 5 news articles in Arabic, English and Swahili,"
        in card
    )
    build = json.loads((RELEASE / "source" / "build.json").read_text(encoding="utf-8"))
    assert (build["pretty_name"], build["annotations_creators"]) == ("GeoNews-IE", ["expert-generated"])


# --- the comparison the demo ends with -----------------------------------------------------


def compare(new: Path, old: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(COMPARE), str(new), str(old)], capture_output=True, text=True)


def test_compare_accepts_a_copy_with_other_snapshot_files(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(RELEASE, copy)
    (copy / "release.json").write_text("{}\n")
    (copy / "source" / "build.json").write_text("{}\n")
    (copy / "MANIFEST.sha256").write_text("")
    done = compare(copy, RELEASE)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(
        f"Same dataset: all 6 data, card and changelog files of {copy} are byte-identical to {RELEASE}.\n"
    )


def test_compare_names_every_file_that_differs(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(RELEASE, copy)
    (copy / "README.md").write_bytes((RELEASE / "README.md").read_bytes() + b"\n")
    (copy / "triples" / "test-00000-of-00001.parquet").unlink()
    (copy / "extra.txt").write_text("x")
    done = compare(copy, RELEASE)
    assert done.returncode == 1
    assert done.stdout == (
        "only in the new release: extra.txt\n"
        "only in the old release: triples/test-00000-of-00001.parquet\n"
        "differs: README.md\n"
    )
    assert done.stderr == (
        f"Different: 3 of the data, card and changelog files above do not match between {copy} and {RELEASE}.\n"
    )


def test_compare_refuses_a_missing_folder(tmp_path):
    done = compare(tmp_path / "nope", RELEASE)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "usage: compare_releases.sh NEW_RELEASE_DIR OLD_RELEASE_DIR (both existing folders)\n"
