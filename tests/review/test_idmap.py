"""`curation adjudicate --id-map`: a reviewed map renames exactly the mapped ids of the gold, logged as rule id_map."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.review.gold import read_gold
from tests.review.test_cli import snapshot  # noqa: F401  (the fixture)


def adjudicate(path: Path, out: Path, *args: object):
    return CliRunner().invoke(cli, ["adjudicate", str(path), "--out", str(out), *map(str, args)])


def test_the_map_changes_exactly_the_mapped_ids(snapshot: Path, tmp_path: Path):  # noqa: F811
    plain, mapped = tmp_path / "plain.jsonl", tmp_path / "mapped.jsonl"
    id_map = tmp_path / "ids.json"
    id_map.write_text(json.dumps({"kim_jong_un": "kim_jong_un_dprk", "nobody_here": "someone"}), encoding="utf-8")
    assert adjudicate(snapshot, plain).exit_code == 0
    result = adjudicate(snapshot, mapped, "--id-map", id_map)
    assert result.exit_code == 0, result.output
    assert (
        f"Applied the id map {id_map}: 2 gold mentions renamed (kim_jong_un -> kim_jong_un_dprk (2)).\n"
        in result.output
    )
    gold_before, log_before = read_gold(plain)
    gold_after, log_after = read_gold(mapped)
    expected = tuple(
        replace(g, mentions=tuple(replace(m, entity_id="kim_jong_un_dprk") if m.entity_id == "kim_jong_un" else m
                                  for m in g.mentions))
        for g in gold_before
    )  # fmt: skip
    assert gold_after == expected
    changed = [(a, b) for a, b in zip(log_before, log_after) if a != b]
    assert [(b.doc_id, b.item_id, a.rule, b.rule, b.reason) for a, b in changed] == [
        ("en-2", "m1", "single_annotation", "id_map", f"renamed kim_jong_un to kim_jong_un_dprk by the reviewed id map {id_map}"),
        ("sw-1", "m1", "unanimous", "id_map", f"renamed kim_jong_un to kim_jong_un_dprk by the reviewed id map {id_map}"),
    ]  # fmt: skip
    assert all(a.sources == b.sources for a, b in changed)


@pytest.mark.parametrize(
    "content,message",
    [
        ('["a"]', 'not an id map. Write a JSON object {"from_id": "to_id", ...}.'),
        ('{"Kim": "kim"}', "'Kim' not an entity id (lower-case ASCII words joined by underscores). Fix the map."),
        ('{"kim": "kim"}', "kim renamed to itself. Remove those entries."),
        ('{"a": "b", "b": "c"}', "b is both renamed and a new name. Map every id straight to its final id."),
    ],
)
def test_a_bad_map_is_refused_with_the_fix(snapshot: Path, tmp_path: Path, content: str, message: str):  # noqa: F811
    id_map = tmp_path / "ids.json"
    id_map.write_text(content, encoding="utf-8")
    result = adjudicate(snapshot, tmp_path / "gold.jsonl", "--id-map", id_map)
    assert result.exit_code == 1
    assert result.output == f"Error: {id_map}: {message}\n"
