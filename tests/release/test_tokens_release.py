"""The ``tokens`` config decodes back to the ``documents`` config's mentions, measured on the seed release.

Release 1.0.0 (``exports/geonews-ie/1.0.0``) was tokenized by rule 1; the same gold, rebuilt from
its ``source/`` with rule 2 (the English clitic ``'s`` cut off, :mod:`curation.release.tokens`),
gives back 24 more mentions. Each document's tokens are the tokenizer's on its text, so the tags
decode to character spans (:func:`curation.release.tokens.bio_spans`) that are compared with the
mentions.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections import Counter

import pyarrow.parquet as pq
import pytest

from curation.cli import cli
from curation.core.schema import load_schema
from curation.release.build import BuildOptions, json_bytes
from curation.release.run import build_from
from curation.release.source import read_annotations, read_documents
from curation.release.tokens import TOKENIZER, TOKENIZERS, bio_spans, bio_tag_names, inside_token_cause, tokenize
from curation.review.adjudicate import adjudicate
from tests.conftest import ROOT

RELEASE = ROOT / "exports" / "geonews-ie" / "1.0.0"
SOURCE = RELEASE / "source"
DATA = ("documents", "triples", "entities")


def committed(release=RELEASE) -> dict[str, bytes]:
    return {p.relative_to(release).as_posix(): p.read_bytes() for p in release.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def rule_2() -> dict[str, bytes]:
    """1.0.0 rebuilt from its own source/ with tokenizer rule 2 (everything else as it was built)."""
    options = BuildOptions.from_json(json.loads((SOURCE / "build.json").read_text(encoding="utf-8")))
    assert options.tokenizer == "1"
    return build_from(
        read_documents((SOURCE / "documents.parquet").read_bytes()),
        read_annotations((SOURCE / "annotations.parquet").read_bytes()),
        load_schema(SOURCE / "schema.json"),
        (SOURCE / "schema.json").read_bytes(),
        None,
        dataclasses.replace(options, tokenizer="2"),
        adjudicate=adjudicate,
        predictions=read_annotations((SOURCE / "predictions.parquet").read_bytes()),
    ).files


def table(files: dict[str, bytes], config: str) -> list[dict]:
    return pq.read_table(io.BytesIO(files[f"{config}/test-00000-of-00001.parquet"])).to_pylist()


def leftovers(files: dict[str, bytes], tokenizer: str) -> tuple[int, list[tuple[str, str, list[str], str]]]:
    """(mentions whose span and type the decoded tags give back, the others as (language, mention text,
    tokens it overlaps, cause)); checks that each document's tokens are the tokenizer's."""
    schema = json.loads(files["source/schema.json"])
    names = bio_tag_names([t["label"] for t in schema["entity_types"]])
    tokens = {row["doc_id"]: row for row in table(files, "tokens")}
    exact, others = 0, []
    for doc in table(files, "documents"):
        spans = tokenize(doc["text"], doc["language"], tokenizer)
        assert [t for t, _, _ in spans] == tokens[doc["doc_id"]]["tokens"]
        decoded = Counter(bio_spans(spans, [names[i] for i in tokens[doc["doc_id"]]["ner_tags"]]))
        for m in doc["mentions"]:
            if decoded[(m["start"], m["end"], m["type"])]:
                exact += 1
                continue
            over = [(t, s, e) for t, s, e in spans if s < m["end"] and e > m["start"]]
            cause = inside_token_cause(over[0][0], m["start"] - over[0][1], over[-1][0], over[-1][2] - m["end"])
            others.append((doc["language"], m["text"], [t for t, _, _ in over], cause))
    return exact, others


def test_rule_1_gives_back_444_of_the_485_mentions_of_the_committed_release():
    exact, others = leftovers(committed(), "1")
    assert (exact, len(others)) == (444, 41)
    english = [(text, over) for language, text, over, _ in others if language == "en"]
    assert len(english) == 24 and all(over[-1].endswith(("’s", "'s")) for _, over in english)
    assert ("North Korea", ["North", "Korea’s"]) in english


def test_rule_2_gives_back_468_the_rest_after_an_arabic_proclitic_or_words_run_together(rule_2):
    exact, others = leftovers(rule_2, "2")
    assert (exact, len(others)) == (468, 17)
    assert Counter((language, cause) for language, _, _, cause in others) == {
        ("ar", "proclitic"): 14,
        ("sw", "run_together"): 3,
    }
    assert ("ar", "بوتين", ["وبوتين"], "proclitic") in others
    assert ("sw", "Urusi", ["UrusiPicha"], "run_together") in others
    card = rule_2["README.md"].decode("utf-8")
    assert (
        "- 17 mentions start or end inside a token, and the `tokens` config tags the whole token: 14 after an Arabic "
        "proclitic (و, ف, ب, ل or ك written against the word, which the tokenizer keeps: a rule would also cut words "
        "that merely begin with those letters) and 3 where the text runs two words together without a space (a "
        "lowercase letter, then a capital). Decoding its BIO tags gives every other mention's span back, nested ones "
        "aside.\n"
    ) in card


def test_the_committed_2_0_0_gives_back_466_of_its_482_mentions_and_its_card_says_why_not_the_rest():
    files = committed(RELEASE.parent / "2.0.0")
    assert json.loads(files["source/build.json"])["tokenizer"] == "2"
    exact, others = leftovers(files, "2")
    assert (exact, len(others)) == (466, 16)
    assert Counter((language, cause) for language, _, _, cause in others) == {
        ("ar", "proclitic"): 13,
        ("sw", "run_together"): 3,
    }
    card = files["README.md"].decode("utf-8")
    assert "- 16 mentions start or end inside a token, and the `tokens` config tags the whole token: 13 after " in card


def test_rule_2_changes_only_the_tokens_and_what_describes_them(rule_2):
    old = committed()
    assert [p for p in sorted(old) if old[p] != rule_2[p]] == [
        "MANIFEST.sha256", "README.md", "release.json", "source/build.json", "tokens/test-00000-of-00001.parquet",
    ]  # fmt: skip
    assert json.loads(rule_2["source/build.json"])["tokenizer"] == "2"
    assert json.loads(rule_2["release.json"])["tokenizer"] == "2"
    assert "tokenizer" not in json.loads(old["source/build.json"]) and "tokenizer" not in json.loads(
        old["release.json"]
    )
    card = rule_2["README.md"].decode("utf-8")
    assert (
        "Tokenizer rule 2 (`tokenizer` in `source/build.json`) makes one exception: in English documents it cuts"
        in card
    )
    assert "Tokenizer rule" not in old["README.md"].decode("utf-8")


# --- the rule a release was built with ------------------------------------------------------


def test_a_build_json_without_tokenizer_is_rule_1_and_rule_1_is_written_without_it():
    data = (SOURCE / "build.json").read_bytes()
    options = BuildOptions.from_json(json.loads(data))
    assert options.tokenizer == "1" and json_bytes(options.to_json()) == data
    new = BuildOptions(name="news", version="1.0.0", snapshot_sha256="0" * 64)
    assert (new.tokenizer, new.to_json()["tokenizer"]) == (TOKENIZER, "2")
    assert BuildOptions.from_json(json.loads(json_bytes(new.to_json()))) == new
    with pytest.raises(ValueError, match=r"tokenizer rule '3' is unknown to curation .* \(it knows 1, 2\)"):
        BuildOptions.from_json({**new.to_json(), "tokenizer": "3"})


def test_the_release_command_offers_every_rule():
    option = next(p for p in cli.commands["release"].params if p.name == "tokenizer")
    assert (tuple(option.type.choices), option.default) == (TOKENIZERS, None)
