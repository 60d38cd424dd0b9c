"""`curation release --id-map`: a reviewed id map renames ids in the release, is kept in source/
so `--check` rebuilds it, and the changelog states the merge."""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from curation.release.hfdata import load_release_config
from curation.release.options import BuildOptions
from tests.release.test_release import NAME, SNAPSHOT, release, run


def test_a_release_with_an_id_map_states_the_merge_and_rebuilds(tmp_path):
    exports = tmp_path / "exports"
    assert release(SNAPSHOT, exports, "1.0.0").exit_code == 0
    id_map = tmp_path / "reviewed.json"
    id_map.write_text('{"russia": "russian_federation"}\n', encoding="utf-8")
    result = release(SNAPSHOT, exports, "2.0.0", "--id-map", id_map)
    folder = exports / NAME / "2.0.0"
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Released 2.0.0 (major change since 1.0.0): 3 documents, 11 mentions, 7 relations, 17 files.\n"
        f"Entity registry: 0 findings in the released gold; `curation entities {folder}` lists every id and "
        "finding.\n"
    )
    changelog = (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (
        "Entity ids renamed by the reviewed id map `source/id-map.json`: `russia` → `russian_federation` "
        "(3 mentions).\n" in changelog.split("## 1.0.0")[0]
    )
    assert (folder / "source" / "id-map.json").read_bytes() == id_map.read_bytes()
    build = json.loads((folder / "source" / "build.json").read_text(encoding="utf-8"))
    assert BuildOptions.from_json(build).id_map_sha256 == build["id_map_sha256"]
    before = {m["entity_id"] for r in load_release_config(exports / NAME / "1.0.0", "documents", "test")
              for m in r["mentions"]}  # fmt: skip
    after = {m["entity_id"] for r in load_release_config(folder, "documents", "test") for m in r["mentions"]}
    assert after == before - {"russia"} | {"russian_federation"}
    log = pq.read_table(folder / "source" / "decisions.parquet").to_pylist()
    assert sorted((d["doc_id"], d["release_id"], d["reason"]) for d in log if d["rule"] == "id_map") == [
        (doc, mid, "renamed russia to russian_federation by the reviewed id map source/id-map.json")
        for doc, mid in sorted((r["doc_id"], m["id"]) for r in load_release_config(folder, "documents", "test")
                               for m in r["mentions"] if m["entity_id"] == "russian_federation")
    ]  # fmt: skip
    check = run("release", "--check", folder)
    assert check.exit_code == 0, check.output
    assert check.stderr == f"{folder}: all 17 files match a rebuild from source/ and MANIFEST.sha256.\n"


def test_a_release_without_an_id_map_writes_no_id_map_field(tmp_path):
    assert release(SNAPSHOT, tmp_path, "1.0.0").exit_code == 0
    build = json.loads((tmp_path / NAME / "1.0.0" / "source" / "build.json").read_text(encoding="utf-8"))
    assert "id_map_sha256" not in build
