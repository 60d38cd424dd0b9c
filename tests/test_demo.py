"""`make demo` end to end (its own Label Studio), and the committed releases it must verify.

The demo test runs ``scripts/demo.sh`` exactly as ``make demo`` does, in a temporary folder and
on a free port, and stops the server it leaves running: it rebuilds ``exports/geonews-ie/2.0.0``
from the two annotation passes and the committed decisions. The other tests read the committed
releases (1.0.0, which never changes, and 2.0.0) and run the comparison script on copies.
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
RELEASE_2 = ROOT / "exports" / "geonews-ie" / "2.0.0"
COMPARE = ROOT / "scripts" / "compare_releases.sh"
CONFIG_ROWS = {"documents": 5, "triples": 210, "entities": 115, "tokens": 5}
CONFIG_ROWS_2 = {"documents": 5, "triples": 219, "entities": 114, "tokens": 5}
#: sha256 of 1.0.0's MANIFEST.sha256: with `sha256sum -c` of the manifest, pins every byte of the folder.
MANIFEST_1_SHA256 = "480c864c0838611e7f2ec9928fa868d0d88ff492e57dd053b23d734f73a94ec8"


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
    scratch = out / "exports" / "geonews-ie" / "2.0.0"
    assert done.stdout.endswith(
        f"Release: exports/geonews-ie/2.0.0 (built again by this demo in {scratch})\nVerification: passed\n"
    )
    for expected in [
        "Added user annotator-2 (annotator-2@curation.localhost) to the Label Studio at ",
        "Added user reviewer (reviewer@curation.localhost) to the Label Studio at ",
        "Imported 5 tasks (0 unchanged) into project 'geonews-ie' (id 1): ",
        "Overlap: 2 annotators per article (set).",
        "Accepted 5 predictions of model version 'seed-maintainers-2026-11' as annotations (0 already had one) in "
        "project 'geonews-ie' (id 1): ",
        "Accepted 5 predictions of model version 'annotator-2' as annotations (0 already had one) in "
        "project 'geonews-ie' (id 1): ",
        f"{out}/snapshot-annotated.json: 5 tasks, 10 annotations (0 skipped, 0 ground truth), 10 predictions, ",
        "No problems in 10 annotations of 5 documents.",
        "Annotators: annotator-1, annotator-2.",
        "all       all      485  481    467        6      0.967       0.973",
        "all       all                 210  221     177         177      0.821          0.821",
        "Relation label kappa (Cohen): 0.737 over 231 argument pairs (observed 0.762, expected 0.095).",
        "Entity ids on mentions both annotators marked: 434/471 agree (0.921).",
        "Gold documents: 0.\nDocuments with open conflicts: 5.",
        "Applied 127 decisions from corpus/seed/decisions-2.0.0.json: 90 gold items decided by them.",
        "Submitted 5 resolved documents as ground truth (model version decisions-",
        f"{out}/snapshot.json: 5 tasks, 15 annotations (0 skipped, 5 ground truth), 15 predictions, ",
        "Gold documents: 5 (ground_truth 5).",
        "Gold documents: 5 (adjudicated 5).",
        "Released 2.0.0 (major change since 1.0.0): 5 documents, 482 mentions, 219 relations, 17 files.",
        "ner strict                       0.9283    0.9938    0.9599 [0.9494, 0.9698]       479         3         0"
        "         0        34       482       516",
        "relations strict                 0.0000    0.0000    0.0000 [0.0000, 0.0000]         0         -         -"
        "       219         0       219         0",
        "95% intervals: document-level percentile bootstrap over 1000 resamples (seed 0); --bootstrap 0 turns them off.",
        f"$ curation compare --gold {scratch} {out}/dictionary-en.jsonl {out}/dictionary.jsonl",
        "== All (5 documents) ==\nner.strict            A 0.629  B 0.960  Δ +0.331 [+0.078, +0.838]  p=0.08",
        "== Language ar (2 documents) ==\nner.strict            A 0.000  B 0.959  Δ +0.959 [+0.945, +0.972]  p=0.001",
        # The same baseline as BIO tags: span-level figures, then seqeval's over the tokens config.
        "ner strict                       0.8973    0.9606    0.9279 [0.8942, 0.9520]       463        19         0"
        "         0        34       482       516",
        "tokens default                   0.9283    0.9938    0.9599                -       479         -         -"
        "         3        37       482       516",
        "tokens strict                    0.9283    0.9938    0.9599                -       479         -         -"
        "         3        37       482       516",
        "Read BIO tags over the tokens config (tokenizer rule 2, 3431 tokens), scored as the spans they encode; "
        "token-level figures against the gold ner_tags as seqeval computes them.",
        "exports/geonews-ie/1.0.0: all 14 files match a rebuild from source/ and MANIFEST.sha256.",
        "exports/geonews-ie/2.0.0: all 17 files match a rebuild from source/ and MANIFEST.sha256.",
        f"Same dataset: all 7 data, card and changelog files of {scratch} are byte-identical to exports/geonews-ie/2.0.0.",
        f"Stop it with:\n  {Path(sys.executable).parent}/curation server stop --data-dir {out}/labelstudio\n",
    ]:
        assert expected in done.stdout + done.stderr, expected


def test_the_demo_leaves_label_studio_running_with_the_tasks_to_open(demo):
    done, out = demo
    status = server_status(out / "labelstudio")
    assert status.state == "running"
    assert f"Label Studio:       {status.url}/projects/1/data (the five tasks;" in done.stdout
    credentials = json.loads((out / "labelstudio" / "credentials.json").read_text())
    tokens = [credentials["token"], *(user["token"] for user in credentials["users"].values())]
    assert len(tokens) == 3 and not any(token in done.stdout + done.stderr for token in tokens)


# --- the committed release -----------------------------------------------------------------


@pytest.mark.parametrize("release,files", [(RELEASE, 14), (RELEASE_2, 17)], ids=["1.0.0", "2.0.0"])
def test_the_committed_release_passes_release_check(release, files):
    result = CliRunner().invoke(cli, ["release", "--check", str(release)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"{release}: all {files} files match a rebuild from source/ and MANIFEST.sha256.\n"


def test_release_1_0_0_is_unchanged_byte_for_byte():
    """A released version never changes: its manifest is pinned, and every file matches the manifest."""
    import hashlib

    manifest = (RELEASE / "MANIFEST.sha256").read_bytes()
    assert hashlib.sha256(manifest).hexdigest() == MANIFEST_1_SHA256
    listed = dict(reversed(line.split("  ", 1)) for line in manifest.decode().splitlines())
    actual = {p.relative_to(RELEASE).as_posix() for p in RELEASE.rglob("*") if p.is_file()} - {"MANIFEST.sha256"}
    assert set(listed) == actual
    assert all(hashlib.sha256((RELEASE / path).read_bytes()).hexdigest() == sha for path, sha in listed.items())


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


@pytest.mark.parametrize("config", sorted(CONFIG_ROWS_2))
def test_every_config_of_2_0_0_loads_with_datasets(config, tmp_path):
    dataset = datasets.load_dataset(str(RELEASE_2), config, split="test", cache_dir=str(tmp_path / "cache"))
    assert len(dataset) == CONFIG_ROWS_2[config]
    if config == "documents":
        assert sum(len(r["mentions"]) for r in dataset) == 482
        assert sum(len(r["relations"]) for r in dataset) == 219
        assert [(r["n_annotators"], r["adjudication"]) for r in dataset] == [(2, "adjudicated")] * 5


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
