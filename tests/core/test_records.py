"""The record format: JSON round trip and the JSON Schema in schemas/ describe the same thing."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from curation.core.records import Annotation, Document, Mention, Relation, document_of
from tests.conftest import ROOT

RECORD_SCHEMA = json.loads((ROOT / "schemas" / "record.schema.json").read_text())

DOC = Document("d1", "en", "Kim met Putin.\r\n", source="AP", meta={"section": "world"})
RECORD = Annotation(
    doc_id="d1",
    annotation_id="a7",
    annotator="annotator-2",
    mentions=(
        Mention("a7/m1", 0, 3, "Kim", "PER", "kim_jong_un"),
        Mention("a7/m2", 8, 13, "Putin", "PER", "vladimir_putin"),
    ),
    relations=(Relation("a7/r1", "met_with", "a7/m1", "a7/m2"),),
    cancelled=False,
    created_at="2026-11-22T04:00:00Z",
    lead_time=12.5,
)


def test_record_json_round_trip_keeps_everything():
    data = json.loads(json.dumps(RECORD.to_dict(DOC)))
    assert Annotation.from_dict(data) == RECORD
    assert document_of(data) == DOC and document_of(data).meta == {"section": "world"}
    assert document_of(data).text.endswith("\r\n")


def test_records_follow_the_json_schema():
    jsonschema.validate(RECORD.to_dict(DOC), RECORD_SCHEMA)
    jsonschema.validate(RECORD.to_dict(), RECORD_SCHEMA)


def test_the_json_schema_rejects_what_records_cannot_hold():
    bad = RECORD.to_dict()
    bad["mentions"][0]["start"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, RECORD_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**RECORD.to_dict(), "email": "a@b.c"}, RECORD_SCHEMA)


def test_every_annotation_field_is_in_the_json_schema():
    from dataclasses import fields

    assert {f.name for f in fields(Annotation)} | {"document"} == set(RECORD_SCHEMA["properties"])


def test_seed_preannotations_follow_the_json_schema():
    lines = (ROOT / "corpus" / "seed_annotations.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    for line in lines:
        jsonschema.validate(json.loads(line), RECORD_SCHEMA)


@given(st.text(min_size=1, max_size=30), st.integers(0, 5), st.integers(0, 5))
def test_mentions_are_hashable_values(text, start, length):
    a = Mention("m", start, start + length, text, "PER", None)
    b = Mention("m", start, start + length, text, "PER", None)
    assert a == b and len({a, b}) == 1
