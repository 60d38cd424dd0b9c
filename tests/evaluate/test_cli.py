"""`curation evaluate` end to end: a real release folder, the two reference systems, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.core.records import Document, GoldDocument, Mention, Relation
from curation.core.schema import DEFAULT_SCHEMA_PATH, load_schema
from curation.release.build import BuildInputs, BuildOptions, build_release
from tests.conftest import ROOT


def gold_document(doc_id, language, text, mentions, relations):
    """mentions: (id, surface, occurrence, type, entity id); relations: (type, head id, tail id)."""
    ms = []
    for mention_id, surface, occurrence, label, entity in mentions:
        start = -1
        for _ in range(occurrence):
            start = text.index(surface, start + 1)
        ms.append(Mention(mention_id, start, start + len(surface), surface, label, entity))
    rels = tuple(Relation(f"r{k}", label, h, t) for k, (label, h, t) in enumerate(relations))
    return GoldDocument(Document(doc_id, language, text, title=doc_id), tuple(ms), rels, "ground_truth", 1)


GOLD = (
    # e1: "Kim Jong Un" [0, 11), "Putin" [16, 21), "Russia" [25, 31); "Kimchi" at 33 is no mention.
    gold_document("e1", "en", "Kim Jong Un met Putin in Russia. Kimchi was served.",
                  [("a", "Kim Jong Un", 1, "PER", "kim_jong_un"), ("b", "Putin", 1, "PER", "vladimir_putin"),
                   ("c", "Russia", 1, "GPE", "russia")],
                  [("met_with", "a", "b"), ("visited", "a", "c")]),
    gold_document("e2", "ar", "التقى كيم بوتين في روسيا.",
                  [("k", "كيم", 1, "PER", "kim_jong_un"), ("p", "بوتين", 1, "PER", "vladimir_putin"),
                   ("r", "روسيا", 1, "GPE", "russia")],
                  [("met_with", "p", "k")]),
    gold_document("e3", "en", "Kim left Moscow.",
                  [("k", "Kim", 1, "PER", "kim_jong_un"), ("m", "Moscow", 1, "GPE", "moscow")], []),
)  # fmt: skip


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A release folder written by the release builder from the gold documents above."""
    folder = tmp_path_factory.mktemp("exports") / "news" / "1.0.0"
    inputs = BuildInputs(
        documents={g.doc_id: g.document for g in GOLD}, annotations=(), gold=GOLD, decisions=(), excluded={},
        agreement=None, schema=load_schema(), schema_bytes=DEFAULT_SCHEMA_PATH.read_bytes(), previous=None,
        options=BuildOptions(name="news", version="1.0.0", snapshot_sha256="0" * 64),
    )  # fmt: skip
    for path, data in build_release(inputs).files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return folder


PREDICTIONS_SCHEMA = json.loads((ROOT / "schemas" / "predictions.schema.json").read_text(encoding="utf-8"))


def run_example(script, release, out):
    """Run a reference system; every line it writes follows the published JSON Schema."""
    subprocess.run([sys.executable, str(ROOT / "examples" / script), "--gold", str(release), "--out", str(out)],
                   check=True, cwd=ROOT)  # fmt: skip
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["doc_id"] for x in lines] == ["e1", "e2", "e3"]
    for line in lines:
        jsonschema.validate(json.loads(line), PREDICTIONS_SCHEMA)
    return out


def evaluate(*args):
    return CliRunner().invoke(cli, ["evaluate", *map(str, args)])


def blocks(report):
    found = [report["ner"], report["relations"], report["triples"]]
    found += [part[k] for part in report["by_language"].values() for k in ("ner", "relations", "triples")]
    found += [b for kind in report["by_type"].values() for b in kind.values()]
    return [b for group in found for b in group.values()]


def test_the_gold_system_scores_one_everywhere(release, tmp_path):
    out = run_example("gold_system.py", release, tmp_path / "gold.jsonl")
    result = evaluate("--gold", release, "--predictions", out, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert result.stderr == (
        "Scored 3 gold documents of split 'test'; 0 have no predictions and count as empty.\n"
        "95% intervals: document-level percentile bootstrap over 1000 resamples (seed 0); "
        "--bootstrap 0 turns them off.\n"
    )
    for block in blocks(report):
        assert (block["precision"], block["recall"], block["f1"]) == (1.0, 1.0, 1.0), block
    # Equal to the gold: every interval is [1, 1], but the one-document language ar has none.
    assert report["ner"]["strict"]["ci"] == {"precision": [1.0, 1.0], "recall": [1.0, 1.0], "f1": [1.0, 1.0]}
    assert report["ner"]["strict"]["n_docs"] == 3
    assert report["by_language"]["en"]["triples"]["corpus"]["ci"]["f1"] == [1.0, 1.0]
    assert report["by_language"]["ar"]["ner"]["strict"] | {} == {**report["by_language"]["ar"]["ner"]["strict"],
                                                                "ci": {"precision": None, "recall": None, "f1": None},
                                                                "n_docs": 1}  # fmt: skip
    # 8 mentions; relations 2 + 1; triples per document 3, corpus 2 (e2's met_with is e1's).
    assert report["ner"]["strict"]["possible"] == 8
    assert report["relations"]["strict"]["possible"] == 3
    assert report["triples"]["document"]["possible"] == 3 and report["triples"]["corpus"]["possible"] == 2
    assert sorted(report["by_language"]) == ["ar", "en"]


def test_the_dictionary_baseline_by_hand(release, tmp_path):
    out = run_example("dictionary_baseline.py", release, tmp_path / "dictionary.jsonl")
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    # Longest alias first: "Kim Jong Un", not "Kim"; "Kim" inside "Kimchi" is found too.
    assert [(m["start"], m["end"], m["text"]) for m in first["mentions"]] == [
        (0, 11, "Kim Jong Un"), (16, 21, "Putin"), (25, 31, "Russia"), (33, 36, "Kim")]  # fmt: skip
    report = json.loads(evaluate("--gold", release, "--predictions", out, "--json").stdout)
    # 8 gold mentions all found, plus the spurious "Kim" of "Kimchi": P = 8/9, R = 1, F1 = (16/9)/(17/9) = 16/17
    for name in ("strict", "exact", "partial", "ent_type"):
        ner = report["ner"][name]
        assert (ner["correct"], ner["spurious"], ner["missed"]) == (8, 1, 0)
        assert (ner["precision"], ner["recall"], ner["f1"]) == (pytest.approx(8 / 9), 1.0, pytest.approx(16 / 17))
    # en: 5 correct + 1 spurious: F1 = 2(5/6)/(11/6) = 10/11; ar: all 3 right.
    assert report["by_language"]["en"]["ner"]["strict"]["f1"] == pytest.approx(10 / 11)
    assert report["by_language"]["ar"]["ner"]["strict"]["f1"] == 1.0
    # No relations, so no triples: everything gold is missed.
    assert (report["relations"]["strict"]["missed"], report["relations"]["strict"]["f1"]) == (3, 0.0)
    assert (report["triples"]["corpus"]["missed"], report["triples"]["corpus"]["actual"]) == (2, 0)


def test_string_triples_match_aliases_from_other_languages(release, tmp_path):
    out = tmp_path / "llm.jsonl"
    out.write_text(json.dumps({"doc_id": "e2", "triples": [
        {"subject": "بُوتِين", "predicate": "met_with", "object": "KIM JONG UN"},  # diacritics; English alias
        {"subject": "كيم", "predicate": "visited", "object": "Moscow"},  # not in the gold of e2
    ]}, ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
    result = evaluate("--gold", release, "--predictions", out, "--json", "--bootstrap", "0")
    assert result.stderr == "Scored 3 gold documents of split 'test'; 2 have no predictions and count as empty.\n"
    ar = json.loads(result.stdout)["by_language"]["ar"]["triples"]["document"]
    assert (ar["correct"], ar["missed"], ar["spurious"]) == (1, 0, 1)


def test_tables_by_default(release, tmp_path):
    out = run_example("gold_system.py", release, tmp_path / "gold.jsonl")
    result = evaluate("--gold", release, "--predictions", out)
    lines = result.stdout.splitlines()
    assert lines[0] == "== Overall =="
    assert lines[1].split()[2:6] == ["f1", "f1", "95%", "CI"]
    assert lines[2] == (
        "ner strict              1.0000    1.0000    1.0000 [1.0000, 1.0000]         8         0         0"
        "         0         0         8         8"
    )
    assert "== Language ar ==" in lines and "== Triples by type ==" in lines
    ar = lines.index("== Language ar ==")
    assert lines[ar + 2].split() == [
        "ner",
        "strict",
        "1.0000",
        "1.0000",
        "1.0000",
        "-",
        "3",
        "0",
        "0",
        "0",
        "0",
        "3",
        "3",
    ]
    assert lines[ar + 10] == "(-: no interval, the figure's counts come from fewer than 2 documents)"
    # --bootstrap 0: the tables as they were, without the interval column.
    plain = evaluate("--gold", release, "--predictions", out, "--bootstrap", "0").stdout.splitlines()
    assert plain[2].split() == ["ner", "strict", "1.0000", "1.0000", "1.0000", "8", "0", "0", "0", "0", "8", "8"]
    assert plain[1].split() == ["precision", "recall", "f1", "correct", "incorrect", "partial", "missed",
                                "spurious", "possible", "actual"]  # fmt: skip


def test_the_same_seed_gives_the_same_intervals_and_another_seed_others(release, tmp_path):
    out = run_example("dictionary_baseline.py", release, tmp_path / "dictionary.jsonl")
    runs = [json.loads(evaluate("--gold", release, "--predictions", out, "--json", *extra).stdout)
            for extra in ((), ("--seed", "0"), ("--seed", "7"), ("--bootstrap", "50"))]  # fmt: skip
    assert runs[0] == runs[1]
    assert runs[0]["provenance"]["bootstrap"] == {"method": "document-level percentile bootstrap",
                                                  "resamples": 1000, "seed": 0, "confidence": 0.95}  # fmt: skip
    assert runs[3]["provenance"]["bootstrap"]["resamples"] == 50
    # Drawn k1, k2, k3 times (k1 + k2 + k3 = 3): e1 has 3 gold, 4 predicted (a spurious "Kim"), 3 correct;
    # e2 3/3/3, e3 2/2/2. F1 = 2h / (a + p) is lowest, 18/21 = 6/7, when e1 is drawn 3 times (1/27 = 3.7%
    # of resamples, more than the 2.5% tail) and 1 when it is not drawn (8/27): the interval is [6/7, 1].
    assert runs[0]["ner"]["strict"]["ci"]["f1"] == [pytest.approx(6 / 7), 1.0]
    assert runs[2]["provenance"]["bootstrap"]["seed"] == 7


def test_the_cli_defaults_are_the_bootstraps():
    from curation.cli import publish
    from curation.evaluate import bootstrap

    assert (publish.DEFAULT_RESAMPLES, publish.DEFAULT_SEED) == (bootstrap.DEFAULT_RESAMPLES, bootstrap.DEFAULT_SEED)


def test_a_header_naming_another_release_is_refused(release, tmp_path):
    out = run_example("gold_system.py", release, tmp_path / "gold.jsonl")
    body = out.read_text(encoding="utf-8")
    other = tmp_path / "other.jsonl"
    other.write_text('{"release": "news", "version": "0.9.0"}\n' + body, encoding="utf-8")
    result = evaluate("--gold", release, "--predictions", other)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {other} was made for news 0.9.0 (its line 1), but {release} is news 1.0.0. "
        "Score it against news 0.9.0, or predict again on news 1.0.0.\n"
    )
    same = tmp_path / "same.jsonl"
    same.write_text('{"release": "news", "version": "1.0.0"}\n' + body, encoding="utf-8")
    result = evaluate("--gold", release, "--predictions", same, "--json", "--bootstrap", "0")
    assert result.exit_code == 0 and json.loads(result.stdout)["ner"]["strict"]["f1"] == 1.0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"release": "news"}\n' + body, encoding="utf-8")
    assert evaluate("--gold", release, "--predictions", bad).stderr == (
        f'Error: {bad} line 1: a header needs a string release and version, e.g. {{"release": "geonews-ie", '
        '"version": "2.0.0"}.\n'
    )


def test_json_says_what_the_scores_are_of(release, tmp_path):
    import hashlib

    out = run_example("gold_system.py", release, tmp_path / "gold.jsonl")
    report = json.loads(evaluate("--gold", release, "--predictions", out, "--format", "json").stdout)
    assert report["provenance"] == {
        "release": "news", "version": "1.0.0", "folder": str(release), "split": "test", "documents": 3,
        "documents_by_language": {"ar": 1, "en": 2},
        "manifest_sha256": hashlib.sha256((release / "MANIFEST.sha256").read_bytes()).hexdigest(),
        "predictions": [{"file": str(out), "sha256": hashlib.sha256(out.read_bytes()).hexdigest()}],
        "tool": {"name": "curation", "version": "0.1.0"},
        "bootstrap": {"method": "document-level percentile bootstrap", "resamples": 1000, "seed": 0,
                      "confidence": 0.95},
    }  # fmt: skip


def test_errors_name_the_line_and_exit_1(release, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "e1"}\n{"doc_id": "e7"}\n', encoding="utf-8")
    result = evaluate("--gold", release, "--predictions", bad)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"Error: {bad} line 2: doc_id 'e7' is not in split 'test' of {release}. "
        "Predict only documents of the scored split (or pass --split).\n"
    )
    result = evaluate("--gold", release, "--predictions", bad, "--split", "train")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {release}: config 'documents' has no split 'train'. Use one of: test.\n"


def test_the_dictionary_baseline_as_bio_tags(release, tmp_path):
    out = tmp_path / "dictionary-bio.jsonl"
    subprocess.run([sys.executable, str(ROOT / "examples" / "dictionary_baseline.py"), "--gold", str(release),
                    "--bio", "--out", str(out)], check=True, cwd=ROOT)  # fmt: skip
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        jsonschema.validate(line, PREDICTIONS_SCHEMA)
    # e1 "Kim Jong Un met Putin in Russia. Kimchi was served.": the "Kim" of "Kimchi" tags the whole token.
    assert lines[0] == {"doc_id": "e1", "tags": ["B-PER", "I-PER", "I-PER", "O", "B-PER", "O", "B-GPE", "O",
                                                 "B-PER", "O", "O", "O"]}  # fmt: skip
    result = evaluate("--gold", release, "--predictions", out, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    # Span-level: the 8 gold mentions, and "Kimchi" [33, 39) as a spurious PER (the span run found "Kim").
    strict = report["ner"]["strict"]
    assert (strict["correct"], strict["spurious"], strict["missed"]) == (8, 1, 0)
    assert report["ner"]["strict"]["f1"] == pytest.approx(16 / 17)
    # Token-level: the same, chunk by chunk, in both modes.
    for mode in ("default", "strict"):
        tokens = report["tokens"][mode]
        assert (tokens["correct"], tokens["spurious"], tokens["missed"]) == (8, 1, 0)
    table = evaluate("--gold", release, "--predictions", out).stdout.splitlines()
    at = table.index("== Token sequences (seqeval) ==")
    assert table[at + 2].split() == [
        "tokens",
        "default",
        "0.8889",
        "1.0000",
        "0.9412",
        "-",  # no interval: token-level figures are seqeval's, not bootstrapped
        "8",
        "-",
        "-",
        "0",
        "1",
        "8",
        "9",
    ]
    assert table[at + 3].split()[:2] == ["tokens", "strict"] and "== Token sequences by type ==" in table


# --- compare, and the tables for a paper ------------------------------------------------------------


def test_compare_a_system_with_itself_and_with_the_gold(release, tmp_path):
    gold = run_example("gold_system.py", release, tmp_path / "gold.jsonl")
    dictionary = run_example("dictionary_baseline.py", release, tmp_path / "dictionary.jsonl")
    result = CliRunner().invoke(cli, ["compare", "--gold", str(release), str(dictionary), str(dictionary)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["== All (3 documents) ==",
                         "ner.strict            A 0.941  B 0.941  Δ +0.000 [+0.000, +0.000]  p=1.00"]  # fmt: skip
    assert "== Language ar (1 document) ==" in lines
    assert "ner.strict            A 1.000  B 1.000  Δ +0.000  (no interval: 1 document)" in lines
    assert result.stderr.endswith(
        "delta = B - A; 95% interval and two-sided p-value from the paired bootstrap over documents "
        "(1000 resamples, seed 0).\n"
    )
    result = CliRunner().invoke(cli, ["compare", "--gold", str(release), str(dictionary), str(gold), "--json"])
    data = json.loads(result.stdout)
    assert data["test"] == "paired bootstrap" and data["n_docs"] == 3
    strict = data["figures"]["ner.strict"]
    # A: 16/17 (one spurious "Kim" in e1); B: 1. Resamples without e1 differ by 0, so the interval reaches 0.
    assert (strict["a"], strict["b"]) == (pytest.approx(16 / 17), 1.0)
    assert strict["delta"] == pytest.approx(1 / 17) and strict["ci"][0] == 0.0 and 0 < strict["p"] <= 1
    assert [p["file"] for p in data["provenance"]["predictions"]] == [str(dictionary), str(gold)]
    assert data["figures"]["relations.strict"]["delta"] == 1.0


def test_markdown_and_latex_tables_carry_their_provenance(release, tmp_path):
    import hashlib

    out = run_example("gold_system.py", release, tmp_path / "gold.jsonl")
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    manifest = hashlib.sha256((release / "MANIFEST.sha256").read_bytes()).hexdigest()
    markdown = evaluate("--gold", release, "--predictions", out, "--format", "markdown").stdout
    assert markdown.splitlines()[:3] == [
        "|  | P | R | F1 | ar F1 (1 document) | en F1 (2 documents) |",
        "|:--|--:|--:|--:|--:|--:|",
        "| Mentions, strict | 1.000 | 1.000 | 1.000 [1.000, 1.000] | 1.000 | 1.000 [1.000, 1.000] |",
    ]
    assert markdown.endswith(
        f"\n\nMicro-averaged precision (P), recall (R) and F1 on news 1.0.0, split test (3 documents); release "
        f"manifest sha256 {manifest}; predictions {out} (sha256 {sha}); curation 0.1.0. In brackets: 95% "
        "percentile intervals of 1000 document-level bootstrap resamples (seed 0); a language's documents are "
        "resampled within it, and a slice of fewer than 2 documents has no interval.\n"
    )
    latex = evaluate("--gold", release, "--predictions", out, "--format", "latex", "--bootstrap", "0").stdout
    lines = latex.splitlines()
    assert lines[:8] == [
        "% Needs \\usepackage{booktabs}. Written by curation.",
        "\\begin{table}[t]",
        "\\centering",
        "\\small",
        "\\begin{tabular}{lrrrrr}",
        "\\toprule",
        " & P & R & F1 & ar F1 (1 document) & en F1 (2 documents) \\\\",
        "\\midrule",
    ]
    assert lines[8] == "Mentions, strict & 1.000 & 1.000 & 1.000 & 1.000 & 1.000 \\\\"
    assert lines[-2].startswith("\\caption{Micro-averaged precision (P), recall (R) and F1 on news 1.0.0, split test")
    assert lines[-2].endswith("curation 0.1.0.}") and lines[-1] == "\\end{table}"
    assert str(out).replace("_", "\\_") in lines[-2]  # LaTeX special characters escaped
