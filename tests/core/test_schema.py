"""The schema is the one source of truth: generated files must not drift from it."""

from __future__ import annotations

import json

import pytest
import requests
from click.testing import CliRunner

from curation.cli import cli
from curation.core.errors import SchemaError
from curation.core.schema import canonical_xml, guidelines_html, label_config, load_schema, same_config
from tests.conftest import ROOT


def test_committed_label_config_matches_schema():
    committed = (ROOT / "label_config.xml").read_text(encoding="utf-8")
    assert committed == label_config(load_schema()), (
        "label_config.xml drifted: run `curation schema label-config > label_config.xml`"
    )


def test_committed_guidelines_match_schema():
    committed = (ROOT / "schemas" / "guidelines.html").read_text(encoding="utf-8")
    assert committed == guidelines_html(load_schema()), "run `curation schema guidelines > schemas/guidelines.html`"


def test_cli_prints_the_committed_label_config():
    result = CliRunner().invoke(cli, ["schema", "label-config"])
    assert result.exit_code == 0
    assert result.output == (ROOT / "label_config.xml").read_text(encoding="utf-8")


def test_every_type_has_a_unique_hotkey_and_is_in_the_config():
    schema = load_schema()
    config = label_config(schema)
    assert len({t.hotkey for t in schema.entity_types}) == len(schema.entity_types)
    for t in schema.entity_types:
        assert f'value="{t.label}" background="{t.color}" hotkey="{t.hotkey}"' in config
    for r in schema.relation_types:
        assert f'<Relation value="{r.label}"/>' in config
    assert 8 <= len(schema.entity_types) <= 10 and 12 <= len(schema.relation_types) <= 18


def test_symmetric_relations_allow_either_direction():
    schema = load_schema()
    met = schema.relations["met_with"]
    assert met.symmetric and met.allows("PER", "PER")
    leader = schema.relations["leader_of"]
    assert leader.allows("PER", "GPE") and not leader.allows("GPE", "PER")


def test_same_config_ignores_whitespace_and_comments_only():
    config = label_config(load_schema())
    reformatted = config.replace("\n  ", "\n      ").replace("<!--", "<!-- changed ")
    assert same_config(config, reformatted)
    assert not same_config(config, config.replace('hotkey="p"', 'hotkey="q"'))
    assert canonical_xml("<View><Text name='t' value='$x'/></View>") == canonical_xml(
        '<View>\n <Text value="$x" name="t" /></View>'
    )


def test_schema_errors_name_the_problem(tmp_path):
    raw = json.loads((ROOT / "schemas" / "schema.json").read_text())
    raw["relation_types"][0]["tail"] = ["PLANET"]
    bad = tmp_path / "schema.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(SchemaError) as exc:
        load_schema(bad)
    assert (
        str(exc.value)
        == f"{bad}: relation leader_of allows unknown entity type PLANET. Use labels defined under entity_types."
    )


def test_real_label_studio_accepts_the_config(label_studio, unique_title):
    headers = {"Authorization": f"Token {label_studio.token}"}
    config = (ROOT / "label_config.xml").read_text(encoding="utf-8")
    created = requests.post(
        f"{label_studio.url}/api/projects/",
        headers=headers,
        json={"title": unique_title, "label_config": config},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    stored = requests.get(
        f"{label_studio.url}/api/projects/{created.json()['id']}/", headers=headers, timeout=60
    ).json()
    assert same_config(stored["label_config"], config)
    broken = config.replace('toName="text"', 'toName="nope"', 1)
    rejected = requests.post(
        f"{label_studio.url}/api/projects/",
        headers=headers,
        json={"title": unique_title + "-bad", "label_config": broken},
        timeout=60,
    )
    assert rejected.status_code == 400
