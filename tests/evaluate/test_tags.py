"""BIO predictions in `curation evaluate`, on the seed releases 1.0.0 (tokenizer rule 1) and 2.0.0 (rule 2)."""

from __future__ import annotations

import json
import random

import datasets
import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.evaluate.tags import tokenizer_rule
from curation.release.tokens import bio_spans, tokenize
from tests.conftest import ROOT
from tests.evaluate.test_chunks import assert_equal_to_seqeval

RELEASES = {version: ROOT / "exports" / "geonews-ie" / version for version in ("1.0.0", "2.0.0")}


def load(release, config):
    return list(datasets.load_dataset(str(release), config, split="test"))


@pytest.fixture(scope="module", params=sorted(RELEASES))
def seed(request):
    """(release folder, documents rows, tokens rows, ner_tags names)."""
    release = RELEASES[request.param]
    tokens = datasets.load_dataset(str(release), "tokens", split="test")
    return release, load(release, "documents"), list(tokens), tokens.features["ner_tags"].feature.names


def evaluate(release, path):
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(release), "--predictions", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def write(path, lines):
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def test_the_gold_ner_tags_score_one_on_every_mention_the_tokens_can_represent(seed, tmp_path):
    release, documents, tokens, names = seed
    # ClassLabel ids on one line, names on the others: the same tags.
    lines = [{"doc_id": r["doc_id"], "tags": r["ner_tags"] if k == 0 else [names[i] for i in r["ner_tags"]]}
             for k, r in enumerate(tokens)]  # fmt: skip
    report, stderr = evaluate(release, write(tmp_path / "gold.jsonl", lines))
    rule = tokenizer_rule(release)
    representable = 0
    for doc, row in zip(documents, tokens):
        decoded = set(bio_spans(tokenize(doc["text"], doc["language"], rule), [names[i] for i in row["ner_tags"]]))
        representable += sum((m["start"], m["end"], m["type"]) in decoded for m in doc["mentions"])
    strict = report["ner"]["strict"]
    # Every representable mention is found exactly; the others (an edge inside a token) overlap their token.
    assert (strict["correct"], strict["missed"], strict["spurious"]) == (representable, 0, 0)
    assert strict["incorrect"] == strict["possible"] - representable
    assert (representable, strict["possible"]) == {"1.0.0": (444, 485), "2.0.0": (466, 482)}[release.name]
    assert report["ner"]["ent_type"]["f1"] == 1.0
    for mode in ("default", "strict"):
        assert report["tokens"][mode]["f1"] == 1.0 and report["tokens"][mode]["possible"] == strict["possible"]
    n_tokens = sum(len(r["tokens"]) for r in tokens)
    assert (
        f"\nRead BIO tags over the tokens config (tokenizer rule {rule}, {n_tokens} tokens), scored as the spans they "
        "encode; token-level figures against the gold ner_tags as seqeval computes them.\n"
    ) in stderr


def perturbed(tags, names, rng):
    """Each tag replaced by a random one with probability 0.1 (I- without B-, B- inside, wrong types)."""
    return [rng.choice(names) if rng.random() < 0.1 else tag for tag in tags]


@pytest.mark.parametrize("seed_value", [1, 2])
def test_perturbed_tags_give_seqevals_exact_figures(seed, tmp_path, seed_value):
    release, documents, tokens, names = seed
    rng = random.Random(seed_value)
    gold = [[names[i] for i in r["ner_tags"]] for r in tokens]
    pred = [perturbed(tags, names, rng) for tags in gold]
    lines = [{"doc_id": r["doc_id"], "tags": tags} for r, tags in zip(tokens, pred)]
    report, _ = evaluate(release, write(tmp_path / "perturbed.jsonl", lines))
    assert_equal_to_seqeval(gold, pred)  # curation.evaluate.chunks against seqeval, on these sequences
    from tests.evaluate.test_chunks import seqeval_report

    for mode in ("default", "strict"):
        theirs = seqeval_report(gold, pred, mode)["micro avg"]
        ours = report["tokens"][mode]
        assert [ours["precision"], ours["recall"], ours["f1"], ours["possible"]] == [
            theirs["precision"], theirs["recall"], theirs["f1-score"], theirs["support"]]  # fmt: skip
    assert report["tokens"]["default"]["f1"] < 1.0 and report["tokens"]["strict"] != report["tokens"]["default"]


def test_malformed_lines_are_refused_with_the_line_and_the_fix(tmp_path):
    release = RELEASES["2.0.0"]
    tokens = load(release, "tokens")
    first, second = tokens[0], tokens[1]
    n = len(second["tokens"])
    good = {"doc_id": first["doc_id"], "tags": first["ner_tags"]}
    cases = [
        ({"doc_id": "001_nope", "tags": []},
         f"doc_id '001_nope' is not in split 'test' of {release}. Predict only documents of the scored split "
         "(or pass --split)."),
        ({"doc_id": second["doc_id"], "tags": ["O"] * (n + 26)},
         f"{n + 26} tags for {n} tokens of {second['doc_id']}. Write one tag per token of the release's tokens config."),
        ({"doc_id": second["doc_id"], "tags": ["O"] * 12 + ["B-PERSON"] + ["O"] * (n - 13)},
         "tag 13 (the string 'B-PERSON') is not one of the release's ner_tags. Use O, B-PER, I-PER, B-ORG, I-ORG, "
         "B-GPE, I-GPE, B-LOC, I-LOC, B-FAC, I-FAC, B-EVENT, I-EVENT, B-WEAPON, I-WEAPON, B-VEHICLE, I-VEHICLE, "
         "B-DATE, I-DATE or their ids 0 to 18."),
        ({"doc_id": second["doc_id"], "tags": [0] * (n - 1) + [19]},
         f"tag {n} (the number 19) is not one of the release's ner_tags. Use O, B-PER"),
        ({"doc_id": second["doc_id"], "tags": [0] * (n - 1) + [True]},
         f"tag {n} (the boolean true) is not one of the release's ner_tags. Use O, B-PER"),
        ({"doc_id": second["doc_id"], "mentions": []},
         "no 'tags' in a file of BIO predictions (its first line has 'tags'). Put BIO tags on every line of a file, "
         "or on none."),
        ({"doc_id": second["doc_id"], "tags": [0] * n, "mentions": []},
         "both 'tags' and 'mentions'. A line holds BIO tags or span predictions, not both: score them as two files."),
    ]  # fmt: skip
    for bad, message in cases:
        path = write(tmp_path / "bad.jsonl", [good, bad])
        result = CliRunner().invoke(cli, ["evaluate", "--gold", str(release), "--predictions", str(path)])
        assert (result.exit_code, result.stdout) == (1, ""), bad
        assert result.stderr.startswith(f"Error: {path} line 2: {message}"), result.stderr
    # Span predictions first, then a line of tags: refused too.
    path = write(
        tmp_path / "mixed.jsonl", [{"doc_id": first["doc_id"], "mentions": []}, good | {"doc_id": second["doc_id"]}]
    )
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(release), "--predictions", str(path)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {path} line 2: 'tags' in a file of span predictions (its first line has no 'tags'). "
        "Put BIO tags on every line of a file, or on none.\n"
    )
