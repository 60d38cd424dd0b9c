"""The card's YAML front matter, line by line: display name, annotation creators (declared or
derived from the snapshot, and said the same way in the prose), size bucket; and the release
options that set them, carried over to the next release."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml
from click.testing import CliRunner

from curation.cli import cli
from curation.release.build import build_release
from curation.release.card.front_matter import size_category
from tests.release.test_build import inputs
from tests.release.test_card_process import predicted
from tests.release.test_release import NAME, SNAPSHOT


def front_matter(built) -> str:
    """The YAML before ``configs:`` (the rest is the data files' features, pinned elsewhere)."""
    card = built.files["README.md"].decode("utf-8")
    return card.split("---\n")[1].split("configs:\n")[0]


def metadata(folder) -> dict:
    return yaml.safe_load((folder / "README.md").read_text(encoding="utf-8").split("---\n")[1])


def common(creators: str) -> str:
    return (
        "language:\n- en\n- sw\nlicense: other\nmultilinguality: multilingual\nsize_categories:\n- n<1K\n"
        "source_datasets:\n- original\ntask_categories:\n- token-classification\ntask_ids:\n- named-entity-recognition\n"
        f"annotations_creators:\n{creators}language_creators:\n- found\n"
        "tags:\n- relation-extraction\n- entity-linking\n- information-extraction\n- news\n"
    )


def test_without_declarations_the_name_is_the_release_name_and_people_made_the_labels():
    assert front_matter(build_release(inputs())) == "pretty_name: news\n" + common("- expert-generated\n")


def test_pre_annotations_submitted_unchanged_are_machine_generated_unless_declared():
    base = inputs()
    accepted = tuple(dataclasses.replace(a, from_prediction=True) for a in base.annotations)
    drafts = (predicted(base.annotations[0]),)  # one accepted unchanged, the other one has no such prediction
    built = build_release(dataclasses.replace(base, annotations=accepted, predictions=drafts))
    assert front_matter(built) == "pretty_name: news\n" + common("- expert-generated\n- machine-generated\n")
    everything = tuple(predicted(a) for a in base.annotations)
    built = build_release(dataclasses.replace(base, annotations=accepted, predictions=everything))
    assert front_matter(built) == "pretty_name: news\n" + common("- machine-generated\n")
    declared = dataclasses.replace(base.options, annotations_creators=("expert-generated",))
    built = build_release(dataclasses.replace(base, annotations=accepted, predictions=everything, options=declared))
    assert front_matter(built) == "pretty_name: news\n" + common("- expert-generated\n")


def test_a_declared_pretty_name_titles_the_card_and_is_quoted_when_yaml_needs_it():
    built = build_release(inputs(pretty_name="News: IE"))
    assert front_matter(built) == "pretty_name: 'News: IE'\n" + common("- expert-generated\n")
    card = built.files["README.md"].decode("utf-8")
    assert "\n# News: IE\n\nVersion **1.0.0** of `news`: 2 news articles in English and Swahili, " in card


@pytest.mark.parametrize(
    "n,bucket",
    [(0, "n<1K"), (999, "n<1K"), (1_000, "1K<n<10K"), (99_999, "10K<n<100K"), (999_999, "100K<n<1M"),
     (1_000_000, "1M<n<10M"), (10_000_000, "10M<n<100M"), (999_999_999_999, "100B<n<1T"),
     (1_000_000_000_000, "n>1T")],
)  # fmt: skip
def test_size_category_is_the_hub_bucket(n, bucket):
    assert size_category(n) == bucket


# --- the release options ---------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_pretty_name_and_creators_are_written_and_carried_over(tmp_path):
    first = run("release", SNAPSHOT, "--version", "1.0.0", "--exports", tmp_path, "--pretty-name", "GeoNews-IE",
                "--annotations-creators", "expert-generated", "--annotations-creators", "crowdsourced",
                "--annotations-creators", "expert-generated")  # fmt: skip
    assert first.exit_code == 0, first.output
    folder = tmp_path / NAME / "1.0.0"
    meta = metadata(folder)
    assert (meta["pretty_name"], meta["annotations_creators"]) == ("GeoNews-IE", ["crowdsourced", "expert-generated"])
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "\n# GeoNews-IE\n" in card
    assert (
        "The curators declare the annotations crowdsourced and expert-generated (`annotations_creators` above)." in card
    )
    build = json.loads((folder / "source" / "build.json").read_text(encoding="utf-8"))
    assert (build["pretty_name"], build["annotations_creators"]) == ("GeoNews-IE", ["crowdsourced", "expert-generated"])
    assert run("release", "--check", folder).exit_code == 0

    second = run("release", SNAPSHOT, "--version", "1.0.1", "--exports", tmp_path, "--pretty-name", "GeoNews IE")
    assert second.exit_code == 0, second.output
    meta = metadata(tmp_path / NAME / "1.0.1")
    assert (meta["pretty_name"], meta["annotations_creators"]) == ("GeoNews IE", ["crowdsourced", "expert-generated"])
    assert "Change patch: no gold label changed" in (tmp_path / NAME / "1.0.1" / "CHANGELOG.md").read_text()

    third = run("release", SNAPSHOT, "--version", "1.0.2", "--exports", tmp_path, "--annotations-creators", "other")
    assert third.exit_code == 0, third.output
    meta = metadata(tmp_path / NAME / "1.0.2")
    assert (meta["pretty_name"], meta["annotations_creators"]) == ("GeoNews IE", ["other"])


def test_an_unknown_creator_is_refused_with_the_hub_values(tmp_path):
    result = run("release", SNAPSHOT, "--version", "1.0.0", "--exports", tmp_path, "--annotations-creators", "experts")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: --annotations-creators 'experts' is not one of the Hub's values: crowdsourced, expert-generated, found, "
        "machine-generated, no-annotation, other. Repeat the option to give several, e.g. --annotations-creators "
        "expert-generated.\n"
    )
    assert not (tmp_path / NAME).exists()


@pytest.mark.parametrize("name", ["", "  ", "GeoNews\nIE", " GeoNews-IE", "GeoNews  IE"])
def test_a_pretty_name_must_be_one_clean_line(tmp_path, name):
    result = run("release", SNAPSHOT, "--version", "1.0.0", "--exports", tmp_path, "--pretty-name", name)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: --pretty-name {name!r} is not a one-line name without extra spaces. Pass the dataset's display name, "
        "e.g. --pretty-name GeoNews-IE.\n"
    )
