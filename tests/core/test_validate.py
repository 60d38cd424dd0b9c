"""Validation: every code, with its exact message; severities; the table and the CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.core.normalize import Normalized, SkippedItem
from curation.core.records import Annotation, Document, Mention, Relation
from curation.core.schema import load_schema
from curation.core.validate import CODES, SeverityError, issues_table, resolve_severities, trim_span, validate
from tests.conftest import ROOT

SCHEMA = load_schema()
TEXT = "Kim Jong Un met Vladimir Putin in Moscow. "
DOC = Document("d1", "en", TEXT)


def m(region: str, start: int, end: int, etype: str = "PER", eid: str | None = "kim_jong_un", text: str | None = None):
    return Mention(f"5/{region}", start, end, TEXT[start:end] if text is None else text, etype, eid)


KIM = m("k", 0, 11)
PUTIN = m("p", 16, 30, eid="vladimir_putin")
MOSCOW = m("c", 34, 40, "GPE", "moscow")


def rel(number: int, rtype: str, head: Mention | str, tail: Mention | str) -> Relation:
    ident = lambda x: x.id if isinstance(x, Mention) else f"5/{x}"  # noqa: E731
    return Relation(f"5/r{number}", rtype, ident(head), ident(tail))


def snap(*annotations: Annotation, documents=(DOC,), skipped=(), hashes=None) -> Normalized:
    docs = {d.doc_id: d for d in documents}
    pushed = {d.doc_id: d.sha256 for d in documents} if hashes is None else hashes
    return Normalized(docs, tuple(annotations), (), tuple(skipped), pushed)


def ann(mentions=(), relations=(), **kw) -> Annotation:
    fields = {"doc_id": "d1", "annotation_id": "5", "annotator": "annotator-2"} | kw
    return Annotation(mentions=tuple(mentions), relations=tuple(relations), **fields)


def issues(normalized: Normalized, **kw) -> list[tuple[str, str, str]]:
    return [(i.code, i.severity, i.message) for i in validate(normalized, SCHEMA, **kw).issues]


def test_a_clean_annotation_has_no_issue():
    assert (
        issues(snap(ann([KIM, PUTIN, MOSCOW], [rel(1, "met_with", KIM, PUTIN), rel(2, "visited", KIM, MOSCOW)]))) == []
    )


@pytest.mark.parametrize(
    "mention,expected",
    [
        (m("a", 3, 3, text=""), ("V001", "error", "mention 5/a [3, 3) is empty; delete the region in Label Studio.")),
        (m("a", 40, 50, text="Moscow. xx"), ("V001", "error", "mention 5/a [40, 50) 'Moscow. xx' is outside the text "
                                             "of 42 characters; redraw the region in Label Studio.")),
        (m("a", 1, 4, text="Kim"), ("V002", "error", "mention 5/a [1, 4) stores 'Kim' but the text there is 'im '; "
                                    "redraw the region in Label Studio.")),
        (m("a", 0, 12), ("V004", "warning", "mention 5/a 'Kim Jong Un ' starts or ends with whitespace; trim it to "
                         "[0, 11) 'Kim Jong Un'.")),
        (m("a", 34, 41, "GPE", "moscow"), ("V005", "warning", "mention 5/a 'Moscow.' starts or ends with punctuation; "
                                          "trim it to [34, 40) 'Moscow'.")),
        (m("a", 40, 41, "GPE", "moscow"), ("V005", "warning", "mention 5/a '.' starts or ends with punctuation; delete "
                                          "the region (nothing is left after trimming).")),
        (m("a", 0, 11, "PERSON"), ("V006", "error", "mention 5/a 'Kim Jong Un' has label 'PERSON', which is not an "
                                   f"entity type of schema {SCHEMA.version}; use one of PER, ORG, GPE, LOC, FAC, EVENT, WEAPON, "
                                   "VEHICLE, DATE.")),
        (m("a", 0, 11, "PER|ORG"), ("V006", "error", "mention 5/a 'Kim Jong Un' has several labels (PER, ORG); keep one.")),
        (m("a", 0, 11, eid=None), ("V013", "error", "mention 5/a 'Kim Jong Un' has no entity id; select the region and "
                                   "type its id in the Entity id box (e.g. kim_jong_un).")),
        (m("a", 0, 11, eid=""), ("V013", "error", "mention 5/a 'Kim Jong Un' has no entity id; select the region and "
                                 "type its id in the Entity id box (e.g. kim_jong_un).")),
        (m("a", 0, 11, eid="Kim Jong-Un"), ("V014", "error", "mention 5/a 'Kim Jong Un' has entity id 'Kim Jong-Un', "
                                            "which does not match ^[a-z0-9]+(_[a-z0-9]+)*$; write lower-case ASCII "
                                            "words joined by underscores, e.g. kim_jong_un.")),
        (m("a", 0, 11, eid="كيم"), ("V014", "error", "mention 5/a 'Kim Jong Un' has entity id 'كيم', which does not "
                                    "match ^[a-z0-9]+(_[a-z0-9]+)*$; write lower-case ASCII words joined by "
                                    "underscores, e.g. kim_jong_un.")),
    ],
)  # fmt: skip
def test_mention_checks(mention, expected):
    assert issues(snap(ann([mention]))) == [expected]


def test_utf16_offsets_after_an_emoji_are_recognised():
    text = "🎉🎉 Kim met Putin."
    doc = Document("d2", "en", text)
    # Kim is [3, 6) in code points, [5, 8) in UTF-16 code units.
    mention = Mention("5/a", 5, 8, "Kim", "PER", "kim_jong_un")
    assert issues(snap(ann([mention], doc_id="d2"), documents=(doc,))) == [
        ("V003", "error", "mention 5/a [5, 8) counts UTF-16 code units (2 character(s) outside the BMP, such as emoji, "
                          "come before it); in code points it is [3, 6) 'Kim'. Convert the offsets with "
                          "curation.core.convert.OffsetMap.from_utf16 before importing."),
    ]  # fmt: skip
    # Past the end in code points, but exactly the stored text in UTF-16: still V003, not V001.
    end = Mention("5/b", 13, 18, "Putin", "PER", "vladimir_putin")
    assert [c for c, _, _ in issues(snap(ann([end], doc_id="d2"), documents=(doc,)))] == ["V003"]


def test_trim_keeps_balanced_brackets_and_abbreviations():
    text = "the U.S. and North Korea (DPRK), said «Kim»."
    us, dprk, kim = text.index("U.S."), text.index("North"), text.index("«")
    assert trim_span(text, us, us + 4) == (us, us + 4)
    assert trim_span(text, dprk, text.index(")") + 1) == (dprk, text.index(")") + 1)
    assert trim_span(text, dprk, text.index(",") + 1) == (dprk, text.index(")") + 1)
    assert trim_span(text, kim, text.index("»") + 2) == (kim, text.index("»") + 1)
    assert trim_span(text, text.index("said") - 1, text.index("said") + 4) == (
        text.index("said"),
        text.index("said") + 4,
    )


def test_relation_checks():
    a = ann(
        [KIM, PUTIN, MOSCOW],
        [
            rel(1, "friend_of", KIM, PUTIN),
            rel(2, "leader_of", MOSCOW, KIM),
            rel(3, "visited", KIM, "gone"),
            rel(4, "met_with", KIM, KIM),
            rel(5, "met_with", PUTIN, KIM),
            rel(6, "met_with", KIM, PUTIN),
        ],
    )
    assert issues(snap(a)) == [
        ("V007", "error", f"relation 5/r1 has type 'friend_of', which is not in schema {SCHEMA.version}; use one of leader_of, "
                          "member_of, met_with, visited, located_in, part_of, participated_in, took_place_at, "
                          "took_place_on, develops, seeks_support_from, supplies, sanctions, allied_with, "
                          "in_conflict_with."),
        ("V008", "error", "relation 5/r2 leader_of goes from GPE 'Moscow' to PER 'Kim Jong Un'; leader_of allows "
                          "PER -> GPE/ORG. Fix the direction, the type or the labels."),
        ("V009", "error", "relation 5/r3 visited has its tail on region gone, which does not exist in this annotation "
                          "(deleted?); delete the relation or redraw it."),
        ("V010", "error", "relation 5/r4 met_with links mention 'Kim Jong Un' to itself; delete it."),
        ("V012", "error", "relation 5/r6 duplicates relation 5/r5 (met_with 'Kim Jong Un' -> 'Vladimir Putin'); "
                          "delete one."),
    ]  # fmt: skip


def test_symmetric_relations_are_allowed_either_way_and_directed_ones_are_not_duplicates_reversed():
    a = ann([KIM, PUTIN], [rel(1, "seeks_support_from", KIM, PUTIN), rel(2, "seeks_support_from", PUTIN, KIM)])
    assert issues(snap(a)) == []


def test_duplicate_mentions_and_entity_id_type_conflicts():
    twice = m("k2", 0, 11)
    org = m("k3", 0, 11, "ORG")
    moscow_person = m("x", 16, 30, "PER", "moscow")
    assert issues(snap(ann([KIM, twice, org, MOSCOW, moscow_person]))) == [
        ("V011", "error", "mention 5/k2 duplicates mention 5/k ([0, 11) 'Kim Jong Un', PER); delete one."),
        ("V011", "error", "mention 5/k3 duplicates mention 5/k ([0, 11) 'Kim Jong Un', PER and ORG); delete one."),
        ("V015", "error", "entity id 'kim_jong_un' is used for PER (5/k 'Kim Jong Un') and ORG (5/k3 'Kim Jong Un'); "
                          "give each entity one type, or distinct ids to distinct entities."),
        ("V015", "error", "entity id 'moscow' is used for GPE (5/c 'Moscow') and PER (5/x 'Vladimir Putin'); give "
                          "each entity one type, or distinct ids to distinct entities."),
    ]  # fmt: skip


def test_document_and_annotation_level_checks():
    changed = Document("d1", "en", TEXT + "(edited)")
    assert issues(snap(ann([KIM]), documents=(changed,), hashes={"d1": DOC.sha256})) == [
        ("V016", "error", f"the text in Label Studio (sha256 {changed.sha256[:12]}) differs from the pushed text "
                          f"(sha256 {DOC.sha256[:12]}); restore the task's text from the corpus, then check the "
                          "annotations made on the changed text."),
    ]  # fmt: skip
    assert issues(snap(ann([KIM]), hashes={})) == [
        ("V017", "warning", "the task has no text_sha256 (it was not imported by `curation push`); push the corpus "
                            "with `curation push` to tie the text to it."),
    ]  # fmt: skip
    assert issues(snap(ann(annotator=""))) == [
        ("V019", "error", "completed_by holds no Label Studio user id, so the annotation has no annotator pseudonym; "
                          "pull the snapshot again with `curation pull`."),
        ("V018", "error", "the annotation has no result and is not marked skipped; label the task or press Skip in "
                          "Label Studio."),
    ]  # fmt: skip


def test_skipped_annotations_and_predictions_are_not_checked():
    broken = [m("a", 1, 4, text="Kim", eid=None)]
    prediction = ann(broken, annotation_id="prediction-1", annotator="")
    normalized = Normalized({"d1": DOC}, (ann(broken, cancelled=True),), (prediction,), (), {"d1": DOC.sha256})
    report = validate(normalized, SCHEMA)
    assert (report.issues, report.annotations, report.documents) == ((), 0, 1)


def test_leftovers_of_normalization_are_reported():
    skipped = (
        SkippedItem("result", "relation without a type", 1, "d1", "5", "a->b", "annotator-2"),
        SkippedItem("task", "task without a text in its data", 2),
        SkippedItem("duplicate", "task repeats doc_id d1 of task 1 (same text; its annotations are kept)", 3, "d1"),
        SkippedItem("draft", "unsubmitted draft", 1, "d1", None, "9"),
    )
    report = validate(snap(skipped=skipped), SCHEMA)
    assert [(i.code, i.severity, i.doc_id, i.annotation_id, i.annotator, i.message) for i in report.issues] == [
        ("V020", "error", "d1", "5", "annotator-2", "task 1, result a->b: relation without a type; fix it in Label "
                                                    "Studio, or make the label config match the schema."),
        ("V021", "error", None, None, None, "task 2: task without a text in its data; import the task with `curation "
                                            "push` (tasks need doc_id and text), or delete it."),
        ("V022", "warning", "d1", None, None, "task 3: task repeats doc_id d1 of task 1 (same text; its annotations "
                                              "are kept); delete the extra task in Label Studio."),
        ("V023", "warning", "d1", None, None, "task 1, draft 9: unsubmitted draft; submit or discard it in Label "
                                              "Studio."),
    ]  # fmt: skip


def test_an_annotation_whose_results_were_all_unconverted_is_not_also_empty():
    skipped = (SkippedItem("result", "relation without a type", 1, "d1", "5", "a->b", "annotator-2"),)
    assert [c for c, _, _ in issues(snap(ann(), skipped=skipped))] == ["V020"]


def test_every_code_is_exercised_by_a_test():
    assert list(CODES) == [f"V{n:03d}" for n in range(1, len(CODES) + 1)]
    source = Path(__file__).read_text() + (Path(__file__).parent / "test_normalize.py").read_text()
    source += "".join(p.read_text() for p in (ROOT / "tests" / "data" / "normalize").glob("*.expected.json"))
    assert [code for code in CODES if f'("{code}", "' not in source and f'["{code}", "' not in source] == []


def test_the_cli_reference_lists_every_validation_code():
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [c.code for c in CODES.values() if f"| {c.code} | {c.name} | {c.severity} |" not in reference]
    assert missing == [], "docs/cli.md lacks rows of the validation code table (see curation.core.codes.codes_table)"


def test_severities_are_configurable_per_code():
    report = validate(snap(ann([m("a", 0, 12)])), SCHEMA, severities={"V004": "error"})
    assert [(i.code, i.severity) for i in report.issues] == [("V004", "error")]
    assert (len(report.errors), len(report.warnings)) == (1, 0)
    with pytest.raises(SeverityError) as err:
        resolve_severities({"V999": "error"})
    assert str(err.value) == "Unknown validation code V999. Use one of V001-V023."
    with pytest.raises(SeverityError) as err:
        resolve_severities({"V004": "fatal"})
    assert str(err.value) == "Unknown severity 'fatal' for V004. Use error or warning."


# --- output and CLI ------------------------------------------------------------------------------

FLAGS = ROOT / "tests" / "data" / "normalize" / "handmade_flags.json"
TABLE = """\
CODE  SEVERITY  DOCUMENT  ANNOTATION  ANNOTATOR    MESSAGE
V023  warning   en-flags  -           -            task 1, draft 77: unsubmitted draft; submit or discard it in Label Studio.
V012  error     en-flags  101         annotator-7  relation 101/r2 duplicates relation 101/r1 (met_with 'Kim Jong Un' -> 'Vladimir Putin'); delete one.
1 error, 1 warning in 2 annotations of 1 document.
"""  # noqa: E501


def snapshot_file(tmp_path):
    path = tmp_path / "snapshot.json"
    data = FLAGS.read_bytes()
    path.write_bytes(data)
    path.with_name("snapshot.json.sha256").write_text(f"{hashlib.sha256(data).hexdigest()}  snapshot.json\n")
    return path


def test_table():
    assert issues_table(validate(snap(ann([KIM])), SCHEMA)) == "No problems in 1 annotation of 1 document.\n"


def test_cli_validate_prints_the_table_and_exits_1_on_errors(tmp_path):
    path = snapshot_file(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert (result.exit_code, result.stdout) == (1, TABLE)
    assert result.stderr == f"Error: 1 error in {path}. Fix them in Label Studio, then pull and validate again.\n"


def test_cli_validate_severity_override_and_json(tmp_path):
    path = snapshot_file(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path), "--severity", "v012=warning", "--json"])
    assert (result.exit_code, result.stderr) == (0, "")
    body = json.loads(result.stdout)
    assert {k: body[k] for k in ("documents", "annotations", "errors", "warnings", "counts")} == {
        "documents": 1, "annotations": 2, "errors": 0, "warnings": 2, "counts": {"V012": 1, "V023": 1},
    }  # fmt: skip
    assert body["issues"][1] == {
        "code": "V012", "severity": "warning", "doc_id": "en-flags", "annotation_id": "101",
        "annotator": "annotator-7",
        "message": "relation 101/r2 duplicates relation 101/r1 (met_with 'Kim Jong Un' -> 'Vladimir Putin'); delete one.",
    }  # fmt: skip


def test_cli_validate_bad_options(tmp_path):
    path = snapshot_file(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path), "--severity", "V999=error"])
    assert (result.exit_code, result.stderr) == (1, "Error: Unknown validation code V999. Use one of V001-V023.\n")
    result = CliRunner().invoke(cli, ["validate", str(path), "--severity", "V004"])
    assert result.exit_code == 2
    assert "Invalid value for --severity: 'V004' is not CODE=LEVEL (e.g. V005=error)." in result.stderr
    missing = tmp_path / "nope.json"
    result = CliRunner().invoke(cli, ["validate", str(missing)])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: Snapshot {missing} not found. Run `curation pull --out {missing}` first.\n"
    )  # fmt: skip
