"""Decisions files: every conflict answered with a reason, refused when they do not fit."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.core.records import Decision, Mention, Relation
from curation.core.schema import load_schema
from curation.review.adjudicate import adjudicate
from curation.review.decisions import DecisionsError, parse_decisions
from tests.annotations import KIM, MET, PUTIN, VISITED, VOSTOCHNY, ann, doc, snap

SCHEMA = load_schema()
D1 = doc()
# annotator-1 types Vostochny FAC and draws visited; annotator-2 types it LOC, calls Putin "putin".
A = ann(D1, "annotator-1", "11", mentions=[KIM, PUTIN, VOSTOCHNY], relations=[MET, VISITED])
B = ann(D1, "annotator-2", "12", mentions=[KIM, ("putin", "Vladimir Putin", "PER", "putin"),
                                           ("vost", "Vostochny Cosmodrome", "LOC", "vostochny_cosmodrome")],
        relations=[MET])  # fmt: skip
WHERE_PUTIN = "[16, 30) 'Vladimir Putin'"
WHERE_VOST = "[34, 54) 'Vostochny Cosmodrome'"
WHERE_VISIT = "[0, 11) 'Kim Jong Un' -- [34, 54) 'Vostochny Cosmodrome'"


def entry(kind, where, choice, reason="why", **items):
    return {"doc_id": "d1", "kind": kind, "where": where, "choice": choice, "rule": "span_rules.1",
            "category": "entity type", "reason": reason, **items}  # fmt: skip


def decide(*entries):
    return adjudicate(snap([D1], [A, B]), SCHEMA, decisions=parse_decisions({"format": 1, "decisions": list(entries)},
                                                                               "d.json"))  # fmt: skip


def test_the_conflicts_are_the_ones_a_decisions_file_answers():
    (conflict,) = adjudicate(snap([D1], [A, B]), SCHEMA).conflicts
    assert [(i.kind, i.where) for i in conflict.items] == [
        ("mention", WHERE_VOST), ("entity_id", WHERE_PUTIN), ("relation", WHERE_VISIT)]  # fmt: skip


def test_each_choice_gives_its_items_and_the_reason_reaches_the_log():
    result = decide(
        entry("mention", WHERE_VOST, "annotator-1", "A cosmodrome is a facility: entity_types.FAC."),
        entry("entity_id", WHERE_PUTIN, "corrected", "Ids come from the usual English name.",
              mentions=[{"start": 16, "end": 30, "type": "PER", "entity_id": "vladimir_putin"}]),
        entry("relation", WHERE_VISIT, "neither", "Meeting somewhere is not stated as a visit here."),
    )  # fmt: skip
    (gold,) = result.gold
    assert gold.status == "adjudicated" and gold.n_annotators == 2 and result.conflicts == ()
    assert gold.mentions == (
        Mention("m1", 0, 11, "Kim Jong Un", "PER", "kim_jong_un"),
        Mention("m2", 16, 30, "Vladimir Putin", "PER", "vladimir_putin"),
        Mention("m3", 34, 54, "Vostochny Cosmodrome", "FAC", "vostochny_cosmodrome"),
    )
    assert gold.relations == (Relation("r1", "met_with", "m1", "m2"),)
    assert result.decisions == (
        Decision("d1", "mention", "m1", "unanimous", ("11", "12")),
        Decision("d1", "mention", "m2", "decision", ("11",), "Ids come from the usual English name."),
        Decision("d1", "mention", "m3", "decision", ("11",), "A cosmodrome is a facility: entity_types.FAC."),
        Decision("d1", "relation", "r1", "unanimous", ("11", "12")),
    )


def test_a_relation_kept_on_a_mention_decided_away_is_refused():
    with pytest.raises(DecisionsError) as caught:
        decide(entry("mention", WHERE_VOST, "annotator-2"), entry("entity_id", WHERE_PUTIN, "annotator-1"),
               entry("relation", WHERE_VISIT, "annotator-1"))  # fmt: skip
    assert caught.value.problems == (
        "decision 3 (d1 relation [0, 11) 'Kim Jong Un' -- [34, 54) 'Vostochny Cosmodrome'): relation visited "
        "[0, 11] -> [34, 54] joins a mention the resolved document does not have. Decide its mentions alike, or "
        "choose 'neither'.",
    )


def test_a_missing_an_unknown_and_a_schema_breaking_entry_are_three_errors(tmp_path):
    """The issue's three refusals, through the CLI: one `Error:` line each, exit 1, nothing written."""
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(json.dumps(ls_export([A, B])), encoding="utf-8")
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps({"format": 1, "decisions": [
        # missing: nothing for the Putin entity id conflict
        entry("mention", WHERE_VOST, "corrected", mentions=[{"start": 34, "end": 54, "type": "PLACE",
                                                             "entity_id": "vostochny_cosmodrome"}]),
        entry("relation", WHERE_VISIT, "annotator-1"),
        entry("mention", "[0, 3) 'Kim'", "neither"),  # unknown: no such conflict
    ]}), encoding="utf-8")  # fmt: skip
    out = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(cli, ["adjudicate", str(snapshot), "--decisions", str(decisions), "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr == (
        f"Error: {decisions}: no decision for the conflict d1 entity_id [16, 30) 'Vladimir Putin'. Add an entry with "
        "its choice, rule, category and reason.\n"
        f"Error: {decisions} decision 3 (d1 mention [0, 3) 'Kim'): no such open conflict. Remove the entry, or "
        "adjudicate the snapshot it was written for.\n"
        "Error: decision 1 (d1 mention [34, 54) 'Vostochny Cosmodrome'): entity type 'PLACE' is not in the schema "
        "(DATE, EVENT, FAC, GPE, LOC, ORG, PER, VEHICLE, WEAPON).\n"
    )


def test_every_decision_needs_its_conflict_a_rule_and_a_reason():
    with pytest.raises(DecisionsError) as caught:
        parse_decisions({"format": 1, "decisions": [
            {**entry("mention", WHERE_VOST, "annotator-1"), "reason": " "},
            {**entry("relation", WHERE_VISIT, "neither"), "rule": "common sense"},
            entry("relation", WHERE_VISIT, "annotator-1"),
        ]}, "d.json")  # fmt: skip
    assert caught.value.problems == (
        "d.json decision 1: missing reason. Every decision names its conflict (doc_id, kind, where), the choice, "
        "the guideline rule, a category and a reason.",
        "decision 2 (d1 relation [0, 11) 'Kim Jong Un' -- [34, 54) 'Vostochny Cosmodrome'): rule 'common sense' "
        "cites no guideline. Use span_rules.N, relation_rules.N, entity_id, entity_types.TYPE or relation_types.TYPE.",
        "decision 3 (d1 relation [0, 11) 'Kim Jong Un' -- [34, 54) 'Vostochny Cosmodrome'): the same conflict as "
        "decision 2. Keep one decision per conflict.",
    )


def test_a_ground_truth_that_differs_from_the_decisions_is_refused():
    review = ann(D1, "annotator-3", "13", mentions=[KIM, PUTIN], relations=[MET], ground_truth=True)
    decisions = parse_decisions({"format": 1, "decisions": [
        entry("mention", WHERE_VOST, "annotator-1"), entry("entity_id", WHERE_PUTIN, "annotator-1"),
        entry("relation", WHERE_VISIT, "annotator-1")]}, "d.json")  # fmt: skip
    with pytest.raises(DecisionsError, match="document d1 has a ground truth in Label Studio that differs"):
        adjudicate(snap([D1], [A, B, review]), SCHEMA, decisions=decisions)
    same = ann(D1, "annotator-3", "13", mentions=[KIM, PUTIN, VOSTOCHNY], relations=[MET, VISITED], ground_truth=True)
    result = adjudicate(snap([D1], [A, B, same]), SCHEMA, decisions=decisions)
    assert [d.rule for d in result.decisions] == ["unanimous", "decision", "decision", "unanimous", "decision"]
    assert result.gold[0].n_annotators == 2  # the reviewer decides, and is not counted


def ls_export(annotations):
    """A minimal Label Studio JSON export of D1 with these annotations (user id from the pseudonym)."""
    from curation.core.convert import to_ls_results

    return [{"id": 1, "data": D1.to_dict(), "predictions": [], "annotations": [
        {"id": int(a.annotation_id), "completed_by": int(a.annotator.split("-")[1]), "was_cancelled": False,
         "ground_truth": a.ground_truth, "result": to_ls_results(D1.text, a.mentions, a.relations)}
        for a in annotations]}]  # fmt: skip
