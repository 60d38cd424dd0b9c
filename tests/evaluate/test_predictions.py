"""The prediction JSONL format: every malformed line is refused with its line number and the fix."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.core.errors import PredictionsError
from curation.core.records import Mention, Relation
from curation.evaluate.predictions import SystemOutput, Triple, load_predictions, output_line, parse_predictions
from tests.conftest import ROOT

TEXTS = {"d1": "Kim Jong Un met Putin.", "d2": "كيم في روسيا"}
TYPES = {"PER", "GPE"}
RELATIONS = {"met_with", "visited"}
GOOD = json.dumps({
    "doc_id": "d1",
    "mentions": [{"id": "m1", "start": 0, "end": 11, "type": "PER", "text": "Kim Jong Un"},
                 {"id": "m2", "start": 16, "end": 21, "type": "PER"}],
    "relations": [{"head": "m1", "tail": "m2", "type": "met_with"}],
})  # fmt: skip
SCHEMA = json.loads((ROOT / "schemas" / "predictions.schema.json").read_text(encoding="utf-8"))


def parse(*lines: str) -> dict[str, SystemOutput]:
    return parse_predictions(lines, texts=TEXTS, entity_types=TYPES, relation_types=RELATIONS, source="p.jsonl",
                             scope="split 'test' of exports/news/1.0.0")  # fmt: skip


def test_a_good_line_and_a_missing_document():
    outputs = parse(GOOD, "")
    assert list(outputs) == ["d1", "d2"]
    assert outputs["d1"] == SystemOutput(
        "d1",
        (Mention("m1", 0, 11, "Kim Jong Un", "PER"), Mention("m2", 16, 21, "Putin", "PER")),
        (Relation("r1", "met_with", "m1", "m2"),),
        (Triple("Kim Jong Un", "met_with", "Putin"),),  # derived from the relation: no "triples" key
    )
    assert outputs["d2"] == SystemOutput("d2")  # no line: an empty prediction


def test_explicit_triples_replace_derived_ones_and_extra_keys_are_ignored():
    line = json.dumps({"doc_id": "d2", "triples": [{"subject": "كيم", "predicate": "visited", "object": "روسيا"}],
                       "model_version": "gpt-x", "annotator": ""}, ensure_ascii=False)  # fmt: skip
    assert parse(line)["d2"] == SystemOutput("d2", triples=(Triple("كيم", "visited", "روسيا"),))
    assert parse(json.dumps({"doc_id": "d1", "triples": []}) + "\n")["d1"] == SystemOutput("d1")


def test_output_line_round_trips_and_matches_the_json_schema():
    outputs = parse(GOOD)
    line = output_line(outputs["d1"])
    jsonschema.validate(json.loads(line), SCHEMA)
    assert parse(line)["d1"] == outputs["d1"]


def m(**fields):
    return {"id": "m1", "start": 0, "end": 3, "type": "PER"} | fields


def line(**data) -> str:
    return json.dumps({"doc_id": "d1"} | data, ensure_ascii=False)


FIX_OFFSETS = "Offsets are half-open [start, end) in Python code points."
CASES = [
    ('{"doc_id": "d1",', "invalid JSON (Expecting property name enclosed in double quotes at column 17). "
     "Write one JSON object per line."),
    ("[1, 2]", "expected a JSON object, got a list. Write one JSON object per line."),
    ('{"mentions": []}', "missing or non-string doc_id. Every line needs the doc_id of a gold document."),
    ('{"doc_id": 7}', "missing or non-string doc_id. Every line needs the doc_id of a gold document."),
    ('{"doc_id": "d9"}', "doc_id 'd9' is not in split 'test' of exports/news/1.0.0. "
     "Predict only documents of the scored split (or pass --split)."),
    (line(mentions={}), "'mentions' must be a list, got an object."),
    (line(mentions=[{"id": "m1", "start": 0, "end": 3}]), "mention 1 must be an object with id, start, end and type."),
    (line(mentions=["m1"]), "mention 1 must be an object with id, start, end and type."),
    (line(mentions=[m(id=1)]), "mention 1 id must be a string, got the number 1."),
    (line(mentions=[m(type=["PER"])]), "mention 'm1' has unknown type ['PER']. Use one of: GPE, PER."),
    (line(mentions=[m(), m()]), "mention 'm1' appears twice. Mention ids must be unique within a line."),
    (line(mentions=[m(start="0")]), "mention 'm1' start must be an integer offset, got the string '0'."),
    (line(mentions=[m(end=True)]), "mention 'm1' end must be an integer offset, got the boolean true."),
    (line(mentions=[m(start=18, end=23)]), f"mention 'm1' [18, 23) lies outside the text (the text has 22 code points). {FIX_OFFSETS}"),
    (line(mentions=[m(start=-1)]), f"mention 'm1' [-1, 3) lies outside the text (the text has 22 code points). {FIX_OFFSETS}"),
    (line(mentions=[m(start=3)]), f"mention 'm1' [3, 3) is empty or reversed (the text has 22 code points). {FIX_OFFSETS}"),
    (line(mentions=[m(type="PERSON")]), "mention 'm1' has unknown type 'PERSON'. Use one of: GPE, PER."),
    (line(mentions=[m(end=2, text="Kim")]), "mention 'm1' text 'Kim' differs from the gold text at [0, 2) 'Ki'. "
     "Offsets are half-open [start, end) in Python code points (not UTF-16 units, not inclusive ends)."),
    (line(relations=[{"head": "m1", "type": "met_with"}]), "relation 1 must be an object with head, tail and type."),
    (line(mentions=[m()], relations=[{"head": "m1", "tail": "m1", "type": "likes"}]),
     "relation 1 has unknown type 'likes'. Use one of: met_with, visited."),
    (line(mentions=[m()], relations=[{"head": "m1", "tail": "m1", "type": {"x": 1}}]),
     "relation 1 has unknown type {'x': 1}. Use one of: met_with, visited."),
    (line(mentions=[m()], relations=[{"head": "m1", "tail": "m2", "type": "met_with"}]),
     "relation 1 tail 'm2' is not a mention id on this line. Relations link the ids of mentions in the same line's 'mentions'."),
    (line(triples=[{"subject": "Kim", "predicate": "met_with"}]), "triple 1 must be an object with string subject, predicate and object."),
    (line(triples=[{"subject": "Kim", "predicate": "met", "object": "Putin"}]),
     "triple 1 has unknown predicate 'met'. Use one of: met_with, visited."),
]  # fmt: skip


@pytest.mark.parametrize("bad,message", CASES, ids=[c[1][:40] for c in CASES])
def test_every_bad_line_names_its_line_number(bad, message):
    with pytest.raises(PredictionsError) as err:
        parse('{"doc_id": "d2"}', "", bad)  # a good line, a blank line, then the bad one
    assert str(err.value) == f"p.jsonl line 3: {message}"


def test_a_document_twice():
    with pytest.raises(PredictionsError) as err:
        parse(GOOD, line(), GOOD)
    assert (
        str(err.value)
        == "p.jsonl line 2: doc_id 'd1' already appeared on line 1. Write one line per document (merge the two lines)."
    )


def test_the_json_schema_rejects_what_a_schema_can_see():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(json.loads(GOOD), SCHEMA)
    for bad in ('{"mentions": []}', line(mentions=[m(start="0")]), line(relations=[{"head": "m1"}]),
                line(triples=[{"subject": "a", "predicate": "met_with"}]),
                line(tags=["O"], mentions=[]), line(tags=["O", 1.5])):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(json.loads(bad), SCHEMA)
    jsonschema.validate(json.loads(line(tags=["O", "B-PER", 2])), SCHEMA)  # BIO predictions (curation.evaluate.tags)


def test_a_tags_line_among_span_predictions():
    with pytest.raises(PredictionsError) as err:
        parse(GOOD, line(doc_id="d2", tags=["O"]))
    assert str(err.value) == (
        "p.jsonl line 2: 'tags' in a file of span predictions (its first line has no 'tags'). "
        "Put BIO tags on every line of a file, or on none."
    )


def test_file_errors(tmp_path):
    args = {"texts": TEXTS, "entity_types": TYPES, "relation_types": RELATIONS}
    with pytest.raises(PredictionsError) as err:
        load_predictions(tmp_path / "none.jsonl", **args)
    assert (
        str(err.value)
        == f"{tmp_path / 'none.jsonl'}: no such file. Pass --predictions with a JSONL file, one document per line."
    )
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(('{"doc_id": "d2"}\n' + '{"doc_id": "d1", "x": "é"}\n').encode("latin-1"))
    with pytest.raises(PredictionsError) as err:
        load_predictions(latin1, **args)
    assert (
        str(err.value)
        == f"{latin1} line 2: not UTF-8 (invalid continuation byte at byte 23 of the line). Save the file as UTF-8."
    )
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD + "\n\n", encoding="utf-8")
    assert load_predictions(good, **args)["d1"].relations == (Relation("r1", "met_with", "m1", "m2"),)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(GOOD + "\n" + '{"doc_id": "d1"' + "\n", encoding="utf-8")
    with pytest.raises(PredictionsError) as err:
        load_predictions(bad, **args)
    assert str(err.value).startswith(f"{bad} line 2: invalid JSON")


scalar = (st.none() | st.booleans() | st.integers(-3, 30) | st.floats(allow_nan=False) | st.text(max_size=3)
          | st.sampled_from(["PER", "GPE", "m1", "m2", "met_with", "Kim"]))  # fmt: skip
obj = st.dictionaries(st.sampled_from(["id", "start", "end", "type", "text", "head", "tail", "subject", "predicate",
                                       "object"]), scalar)  # fmt: skip
items = st.lists(obj | scalar | st.lists(scalar, max_size=2), max_size=4) | scalar


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries({"doc_id": st.sampled_from(["d1", "d2"])},
                             optional={"mentions": items, "relations": items, "triples": items}))  # fmt: skip
def test_any_line_parses_or_is_refused_with_its_line_number(data):
    try:
        output = parse(json.dumps(data))[data["doc_id"]]
    except PredictionsError as exc:
        assert str(exc).startswith("p.jsonl line 1: ")
    else:
        for mention in output.mentions:
            assert TEXTS[output.doc_id][mention.start : mention.end] == mention.text and mention.type in TYPES
        assert all(r.type in RELATIONS for r in output.relations)
