"""`curation entities`: the registry across documents and annotators, on planted mistakes and on the seed releases."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.review.registry import CODES, Use, findings, suggested_merges
from tests.conftest import ROOT
from tests.review.test_cli import mention, raw_annotation, task

SEED = ROOT / "exports" / "geonews-ie"
T1 = "Kim Jong Un met Putin at Vostochny Cosmodrome."
T2 = "Kim Jong Un told Putin that North Korea admires Vostochny."
T3 = "North Korea and Kim Jong Un."


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """d1 (annotator-1) is clean; d2 (annotator-2) has a typo'd id, a variant, a second id for
    'Putin' and Vostochny typed LOC; d3 (annotator-1) uses the right ids again."""
    d1 = [
        mention("a", T1, "Kim Jong Un", "PER", "kim_jong_un"),
        mention("b", T1, "Putin", "PER", "vladimir_putin"),
        mention("c", T1, "Vostochny Cosmodrome", "FAC", "vostochny_cosmodrome"),
    ]
    d2 = [
        mention("a", T2, "Kim Jong Un", "PER", "kim_jong_um"),
        mention("b", T2, "Putin", "PER", "putin"),
        mention("c", T2, "North Korea", "GPE", "north_korean"),
        mention("d", T2, "Vostochny", "LOC", "vostochny_cosmodrome"),
    ]
    d3 = [mention("a", T3, "North Korea", "GPE", "north_korea"), mention("b", T3, "Kim Jong Un", "PER", "kim_jong_un")]
    tasks = [task(1, "d1", "en", T1, [raw_annotation(11, 1, T1, d1)]), task(2, "d2", "en", T2, [raw_annotation(12, 2, T2, d2)]),
             task(3, "d3", "en", T3, [raw_annotation(13, 1, T3, d3)])]  # fmt: skip
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def entities(*args: object):
    return CliRunner().invoke(cli, ["entities", *map(str, args)])


def test_every_planted_mistake_is_found_with_its_document_and_annotator(planted):
    result = entities(planted, "--json")
    assert result.exit_code == 0, result.output
    found = [(f["code"], f["subject"], [(p["doc_id"], p["annotators"], p["detail"]) for p in f["places"]])
             for f in json.loads(result.output)["findings"]]  # fmt: skip
    assert found == [
        ("R001", "vostochny_cosmodrome", [("d1", ["annotator-1"], "FAC"), ("d2", ["annotator-2"], "LOC")]),
        ("R002", "en:Kim Jong Un", [("d1", ["annotator-1"], "kim_jong_un"), ("d2", ["annotator-2"], "kim_jong_um"),
                                    ("d3", ["annotator-1"], "kim_jong_un")]),
        ("R002", "en:North Korea", [("d2", ["annotator-2"], "north_korean"), ("d3", ["annotator-1"], "north_korea")]),
        ("R002", "en:Putin", [("d1", ["annotator-1"], "vladimir_putin"), ("d2", ["annotator-2"], "putin")]),
        ("R003", "kim_jong_um ~ kim_jong_un", [("d1", ["annotator-1"], "kim_jong_un 'Kim Jong Un'"),
                                               ("d2", ["annotator-2"], "kim_jong_um 'Kim Jong Un'"),
                                               ("d3", ["annotator-1"], "kim_jong_un 'Kim Jong Un'")]),
        ("R003", "north_korea ~ north_korean", [("d2", ["annotator-2"], "north_korean 'North Korea'"),
                                                ("d3", ["annotator-1"], "north_korea 'North Korea'")]),
        ("R003", "putin ~ vladimir_putin", [("d1", ["annotator-1"], "vladimir_putin 'Putin'"),
                                            ("d2", ["annotator-2"], "putin 'Putin'")]),
    ]  # fmt: skip


def test_the_text_report_names_places_and_fixes(planted):
    out = entities(planted).output
    assert out.startswith(
        "ID                    TYPES    MENTIONS  DOCS  ANNOTATORS               SURFACE FORMS\n"
        "kim_jong_um           PER      1         1     annotator-2              en: Kim Jong Un (1)\n"
    )
    assert (
        "R003 ids kim_jong_um (1 mentions) and kim_jong_un (2) look like one: edit distance 1.\n"
        "  d1 (annotator-1): kim_jong_un 'Kim Jong Un'\n"
        "  d2 (annotator-2): kim_jong_um 'Kim Jong Un'\n"
        "  d3 (annotator-1): kim_jong_un 'Kim Jong Un'\n"
        "  Fix: If they name one entity, rename kim_jong_um to kim_jong_un (the more frequent) with an id map "
        "(--suggest-merges, then `curation adjudicate --id-map`).\n"
    ) in out
    assert (
        "R001 id vostochny_cosmodrome has types FAC in 1 document, LOC in 1 document.\n"
        "  d1 (annotator-1): FAC\n  d2 (annotator-2): LOC\n"
        "  Fix: Give every mention of vostochny_cosmodrome one type (FAC is the most frequent), or split the id if "
        "they are different entities.\n"
    ) in out
    assert out.endswith(f"\n7 ids, 7 findings in {planted}.\n")


def test_against_a_release_lists_new_ids_and_changed_types(planted):
    report = json.loads(entities(planted, "--against", SEED / "2.0.0", "--json").output)
    assert [(f["code"], f["subject"], f["message"]) for f in report["findings"] if f["code"] in ("R004", "R005")] == [
        ("R004", "kim_jong_um", "id kim_jong_um (PER, 1 mentions) is not in the release: a new entity."),
        ("R004", "north_korean", "id north_korean (GPE, 1 mentions) is not in the release: a new entity."),
        ("R004", "putin", "id putin (PER, 1 mentions) is not in the release: a new entity."),
        ("R005", "vostochny_cosmodrome", "id vostochny_cosmodrome is LOC here and FAC in the release."),
    ]
    assert report["findings"][-1]["places"] == [{"doc_id": "d2", "annotators": ["annotator-2"], "detail": "LOC"}]


def test_suggest_merges_writes_the_r003_map(planted, tmp_path):
    out = tmp_path / "merges.json"
    result = entities(planted, "--suggest-merges", out)
    assert result.exit_code == 0
    assert json.loads(out.read_text()) == {
        "kim_jong_um": "kim_jong_un",
        "north_korean": "north_korea",
        "putin": "vladimir_putin",
    }
    assert f"Wrote 3 suggested id merges to {out}. Review them, then apply with `curation adjudicate SNAPSHOT " \
           f"--id-map {out}`.\n" in result.output  # fmt: skip


@pytest.mark.parametrize("version,ids", [("1.0.0", 115), ("2.0.0", 114)])
def test_the_seed_releases_have_no_finding(version, ids):
    result = entities(SEED / version)
    assert result.exit_code == 0
    assert result.output.endswith(f"\n{ids} ids, 0 findings in {SEED / version}.\n")


def test_the_seed_source_shows_the_second_annotators_ids():
    """2.0.0's source/: annotator-2's blind pass named 31 surface forms differently (all decided
    by the reviewer) and spelled three ids as variants of the maintainers' ones."""
    report = json.loads(entities(SEED / "2.0.0" / "source", "--against", SEED / "1.0.0", "--json").output)
    codes = Counter(f["code"] for f in report["findings"])
    assert codes == {"R002": 31, "R003": 3, "R004": 26}
    assert all("annotator-2" in p["annotators"] for f in report["findings"] for p in f["places"] if f["code"] == "R004")
    assert [(f["subject"], f["suggestion"]) for f in report["findings"] if f["code"] == "R003"] == [
        ("deutsche_presse_agentur ~ dpa", {"from": "deutsche_presse_agentur", "to": "dpa"}),
        ("north_korea_missile_launch_2023_09_13 ~ north_korea_missile_launches_2023_09_13",
         {"from": "north_korea_missile_launch_2023_09_13", "to": "north_korea_missile_launches_2023_09_13"}),
        ("outer_space ~ space", {"from": "space", "to": "outer_space"}),
    ]  # fmt: skip


def test_unreadable_input_exits_1(tmp_path):
    result = entities(tmp_path)
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path}: neither a release folder (no MANIFEST.sha256) nor a release's "
                             "source/ folder. Pass a snapshot file, exports/<name>/<version> or its source/.\n")  # fmt: skip


def use(eid: str, text: str, doc: str = "d1", etype: str = "PER", who: str = "annotator-1", lang: str = "en") -> Use:
    return Use(eid, etype, text, doc, lang, who)


def test_ids_that_differ_in_numbers_or_a_short_word_are_not_variants():
    uses = [use("2023_09_13", "13 Sep", etype="DATE"), use("2023_09_12", "12 Sep", "d2", "DATE"),
            use("north_korea", "North Korea", etype="GPE"), use("south_korea", "South Korea", "d2", "GPE")]  # fmt: skip
    assert findings(uses) == []


def test_an_id_spelling_another_entitys_name_is_a_variant():
    uses = [use("north_korea", "Korea Kaskazini", lang="sw", etype="GPE"),
            use("north_korea", "Korea Kaskazini", "d2", lang="sw", etype="GPE"),
            use("korea_kaskazini", "Korea ya Kaskazini", "d3", lang="sw", etype="GPE")]  # fmt: skip
    found = findings(uses)
    assert [(f.code, f.message) for f in found] == [
        ("R003", "ids korea_kaskazini (1 mentions) and north_korea (2) look like one: korea_kaskazini spells "
         "north_korea's sw name 'Korea Kaskazini'."),
    ]  # fmt: skip
    assert suggested_merges(found) == {"korea_kaskazini": "north_korea"}


def test_arabic_surface_forms_are_compared_normalized():
    uses = [use("vladimir_putin", "بُوتِين", lang="ar"), use("putin", "بوتين", "d2", lang="ar")]
    assert [(f.code, f.subject, f.ids) for f in findings(uses)] == [("R002", "ar:بُوتِين", ("putin", "vladimir_putin"))]


def test_one_annotator_giving_one_surface_two_ids_in_one_document_is_not_reported():
    assert findings([use("north_korea", "Korea", etype="GPE"), use("south_korea", "Korea", etype="GPE")]) == []


def test_every_code_is_documented():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for code in CODES.values():
        assert f"| {code.code} | {code.name} | {code.meaning} |" in doc
