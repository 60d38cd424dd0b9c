"""The alias matcher shared by `curation preannotate` and the dictionary baseline, and
`curation preannotate` from the seed release onto the seed corpus (recall and precision per language)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import defaultdict

import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.core.corpus import load_corpus
from curation.core.schema import load_schema
from curation.project.dictionary import Matcher, Target, alias_targets
from curation.project.preannotations import load_preannotations
from curation.release.lookup import config_rows
from tests.conftest import ROOT

SEED = ROOT / "exports" / "geonews-ie" / "2.0.0"
PER, GPE = Target("PER", "vladimir_putin"), Target("GPE", "north_korea")


def entity(eid: str, etype: str, docs: int, **aliases: list[str]) -> dict:
    return {"id": eid, "type": etype, "documents": [f"d{i}" for i in range(docs)],
            "aliases": [{"language": lang, "aliases": forms} for lang, forms in aliases.items()]}  # fmt: skip


def found(matcher: Matcher, text: str) -> list[tuple[int, int, str, str]]:
    return [(m.start, m.end, m.text, m.entity_id) for m in matcher.find(text)]


def test_normalized_matches_map_back_to_the_original_text():
    targets = alias_targets([entity("vladimir_putin", "PER", 2, en=["Putin"], ar=["بوتين"]),
                             entity("north_korea", "GPE", 1, en=["North Korea"])], normalized=True)  # fmt: skip
    matcher = Matcher(targets, normalized=True, boundaries=True)
    text = "PUTIN met\u00a0north  KOREA; وبُوتِينُ قال"
    assert found(matcher, text) == [(0, 5, "PUTIN", "vladimir_putin"), (10, 22, "north  KOREA", "north_korea"),
                                    (25, 33, "بُوتِينُ", "vladimir_putin")]  # fmt: skip
    for m in matcher.find(text):
        assert text[m.start : m.end] == m.text


def test_word_boundaries_except_proclitics_and_run_together_words():
    matcher = Matcher({"un": Target("ORG", "united_nations"), "korea": GPE}, normalized=True, boundaries=True)
    assert found(matcher, "Under the UN, fun.") == [(10, 12, "UN", "united_nations")]
    assert found(matcher, "SiasaKorea Kaskazini") == [(5, 10, "Korea", "north_korea")]
    assert found(matcher, "koreans") == []


def test_longest_alias_first_without_overlaps():
    matcher = Matcher({"Kim": Target("PER", "kim"), "Kim Jong Un": Target("PER", "kim_jong_un"),
                       "Jong": Target("PER", "jong")})  # fmt: skip
    assert found(matcher, "Kim Jong Un and Kim") == [(0, 11, "Kim Jong Un", "kim_jong_un"), (16, 19, "Kim", "kim")]


def test_exact_mode_is_case_sensitive_and_ignores_boundaries():
    matcher = Matcher({"Kim": Target("PER", "kim_jong_un")})
    assert found(matcher, "kim Kimchi") == [(4, 7, "Kim", "kim_jong_un")]


def test_a_shared_alias_names_the_most_common_type_then_the_most_documented_entity():
    rows = [entity("satellite", "VEHICLE", 2, en=["satellite"]), entity("spy_satellite", "WEAPON", 3, en=["satellite"]),
            entity("satellite_two", "VEHICLE", 1, en=["satellite"])]  # fmt: skip
    assert alias_targets(rows) == {"satellite": Target("VEHICLE", "satellite")}


def test_the_dictionary_baseline_output_is_unchanged_on_the_seed_releases(tmp_path):
    """The baseline's predictions on 1.0.0 and 2.0.0 as they were before it called this matcher."""
    expected = {"1.0.0": "2484b17a5da31e5f9f36f957023b79e9cc45734689fc159c55c2794b2518fc95",
                "2.0.0": "950f58a1e41e53214541bc9b1954381dcb94faf523d51ca62649aba35a99ad7b"}  # fmt: skip
    for version, digest in expected.items():
        out = tmp_path / f"{version}.jsonl"
        subprocess.run([sys.executable, str(ROOT / "examples" / "dictionary_baseline.py"), "--gold",
                        str(SEED.parent / version), "--out", str(out)], check=True, cwd=ROOT)  # fmt: skip
        assert hashlib.sha256(out.read_bytes()).hexdigest() == digest, version


@pytest.fixture(scope="module")
def preannotated(tmp_path_factory):
    out = tmp_path_factory.mktemp("pre") / "pre.jsonl"
    result = CliRunner().invoke(cli, ["preannotate", "--registry", str(SEED), "--corpus", str(ROOT / "corpus"),
                                      "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, result


def test_preannotate_says_what_it_wrote(preannotated):
    out, result = preannotated
    assert result.stderr == (
        f"Wrote 522 pre-annotated mentions in 5 documents (model version registry-geonews-ie-2.0.0) to {out}. "
        f"Push them with `curation push --corpus {ROOT / 'corpus'} --predictions {out}`.\n"
    )
    documents = {d.doc_id: d for d in load_corpus(ROOT / "corpus")}
    records = load_preannotations(out, documents, load_schema(ROOT / "schemas" / "schema.json"))
    assert [r.doc_id for r in records] == sorted(documents)
    assert all(documents[r.doc_id].text[m.start : m.end] == m.text for r in records for m in r.mentions)


def test_preannotate_recovers_the_seed_gold_per_language(preannotated):
    """Every gold mention whose exact surface form is an alias of its entity is found at its span;
    three get the id of another entity sharing that alias (Satelaiti/satellite: satellite and
    spy_satellite). Precision is over the mentions predicted (span, type and id all right)."""
    out, _ = preannotated
    predicted = {json.loads(line)["doc_id"]: json.loads(line)["mentions"] for line in out.read_text().splitlines()}
    aliases = {e["id"]: {a for b in e["aliases"] for a in b["aliases"]} for e in config_rows(SEED, "entities")}
    figures: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in config_rows(SEED, "documents"):
        f = figures[row["language"]]
        mine = {(m["start"], m["end"], m["type"], m["entity_id"]) for m in predicted[row["doc_id"]]}
        gold = {(m["start"], m["end"], m["type"], m["entity_id"]) for m in row["mentions"]}
        eligible = {(m["start"], m["end"], m["type"], m["entity_id"]) for m in row["mentions"]
                    if m["text"] in aliases[m["entity_id"]]}  # fmt: skip
        f[0] += len(eligible)
        f[1] += len(eligible & mine)
        f[2] += len({e[:2] for e in eligible} & {p[:2] for p in mine})
        f[3] += len(mine)
        f[4] += len(mine & gold)
    assert dict(figures) == {
        # eligible, recovered (span, type, id), found at their span, predicted, correct
        "ar": [165, 165, 165, 179, 165],
        "en": [206, 205, 206, 229, 205],
        "sw": [111, 109, 111, 114, 109],
    }


def test_preannotations_appear_in_label_studio(preannotated, server, unique_title, tmp_path):
    """Real server: pushed with `curation push --predictions`, pulled back, every mention is there with its id."""
    from curation.core.normalize import load_snapshot

    out, _ = preannotated
    conn, data_dir = server
    common = ["--data-dir", str(data_dir), "--project", unique_title]
    pushed = CliRunner().invoke(cli, ["push", *common, "--corpus", str(ROOT / "corpus"), "--predictions", str(out)])
    assert pushed.exit_code == 0, pushed.output
    assert pushed.stdout.endswith("Imported 5 predictions (0 already there).\n")
    snapshot = tmp_path / "snapshot.json"
    pulled = CliRunner().invoke(cli, ["pull", *common, "--out", str(snapshot)])
    assert pulled.exit_code == 0, pulled.output
    predictions = load_snapshot(snapshot).predictions
    assert {p.model_version for p in predictions} == {"registry-geonews-ie-2.0.0"}
    sent = {json.loads(line)["doc_id"]: json.loads(line)["mentions"] for line in out.read_text().splitlines()}
    for p in predictions:
        assert sorted((m.start, m.end, m.text, m.type, m.entity_id) for m in p.mentions) == sorted(
            (m["start"], m["end"], m["text"], m["type"], m["entity_id"]) for m in sent[p.doc_id]
        )
    assert sum(len(p.mentions) for p in predictions) == 522
