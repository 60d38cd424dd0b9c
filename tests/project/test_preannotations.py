"""Pre-annotation files for `curation push --predictions`: read in order, every problem named
with its file and line, before anything is sent to Label Studio."""

from __future__ import annotations

import json

import pytest

from curation.core.errors import PredictionsError
from curation.core.records import Annotation, Document, Mention, Relation
from curation.core.schema import load_schema
from curation.project.preannotations import load_preannotations

SCHEMA = load_schema()
DOC = Document("d1", "ar", "التقى كيم جونغ أون ببوتين.")
DOCS = {DOC.doc_id: DOC}
KIM = Mention("m1", 6, 18, "كيم جونغ أون", "PER", "kim_jong_un")
PUTIN = Mention("m2", 20, 25, "بوتين", "PER", "vladimir_putin")
GOOD = Annotation("d1", mentions=(KIM, PUTIN), relations=(Relation("r1", "met_with", "m1", "m2"),), model_version="v1")


def write(tmp_path, *lines) -> str:
    path = tmp_path / "pre.jsonl"
    raw = b""
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line, ensure_ascii=False)
        raw += (line if isinstance(line, bytes) else line.encode()) + b"\n"
    path.write_bytes(raw)
    return str(path)


def test_records_come_back_in_file_order(tmp_path):
    other = Annotation("d1", mentions=(KIM,), model_version="v2")
    path = write(tmp_path, GOOD.to_dict(), "", {**other.to_dict(), "document": DOC.to_dict(), "annotator": "x"})
    loaded = load_preannotations(path, DOCS, SCHEMA)
    assert loaded == (GOOD, Annotation("d1", annotator="x", mentions=(KIM,), model_version="v2"))


def bad(**change) -> dict:
    return {**GOOD.to_dict(), **change}


def mention(**change) -> dict:
    return {"id": "m1", "start": 6, "end": 18, "text": "كيم جونغ أون", "type": "PER", "entity_id": None, **change}


CASES = [
    (
        '{"doc_id": "d1",',
        "invalid JSON (Expecting property name enclosed in double quotes). "
        "Write one annotation record (a JSON object) per line.",
    ),
    ("[1, 2]", "expected a JSON object (an annotation record), got list."),
    (bad(doc_id=""), 'missing doc_id. Every prediction needs "doc_id" and "model_version" (e.g. "ner-v1").'),
    (
        bad(model_version=None),
        'missing model_version. Every prediction needs "doc_id" and "model_version" (e.g. "ner-v1").',
    ),
    (bad(doc_id="d9"), "doc_id 'd9' is not in the corpus. Push its article too, or remove the line."),
    (
        bad(mentions=[{"id": "m1", "start": 6}]),
        "malformed record (Mention.__init__() missing 3 required positional arguments: 'end', 'text', and 'type'). "
        "Mentions need id, start, end, text, type (and entity_id); relations need id, type, head, tail.",
    ),
    (
        bad(mentions=[mention(), mention()], relations=[]),
        "mention id 'm1' is used twice. Give each mention its own id.",
    ),
    (
        bad(mentions=[mention(end=99)], relations=[]),
        "mention 'm1' has offsets [6, 99) outside the text of 'd1' (length 26). Offsets are half-open code points.",
    ),
    (
        bad(mentions=[mention(start=7)], relations=[]),
        "mention 'm1' [7, 18) is 'يم جونغ أون' in the text of 'd1', not 'كيم جونغ أون'. Offsets are half-open code points.",
    ),
    (
        bad(mentions=[mention(type="PERSON")], relations=[]),
        "mention 'm1' has type 'PERSON', which the schema does not define. "
        f"Use one of {', '.join(t.label for t in SCHEMA.entity_types)}.",
    ),
    (
        bad(relations=[{"id": "r1", "type": "likes", "head": "m1", "tail": "m2"}]),
        f"relation 'r1' has type 'likes', which the schema does not define. Use one of {', '.join(SCHEMA.relations)}.",
    ),
    (
        bad(relations=[{"id": "r1", "type": "met_with", "head": "m1", "tail": "m7"}]),
        "relation 'r1' points to mention 'm7', which this record does not have.",
    ),
]


@pytest.mark.parametrize("line, message", CASES, ids=[m[:30] for _, m in CASES])
def test_bad_lines_are_named(tmp_path, line, message):
    path = write(tmp_path, GOOD.to_dict(), line)
    with pytest.raises(PredictionsError) as exc:
        load_preannotations(path, DOCS, SCHEMA)
    assert str(exc.value) == f"{path} line 2: {message}"


def test_invalid_utf8_and_second_prediction_by_the_same_model(tmp_path):
    path = write(tmp_path, GOOD.to_dict(), b'{"doc_id": "\xff"}')
    with pytest.raises(PredictionsError) as exc:
        load_preannotations(path, DOCS, SCHEMA)
    assert str(exc.value) == f"{path} line 2: invalid UTF-8 at byte 12. Re-encode the file as UTF-8."
    path = write(tmp_path, GOOD.to_dict(), "", GOOD.to_dict())
    with pytest.raises(PredictionsError) as exc:
        load_preannotations(path, DOCS, SCHEMA)
    assert str(exc.value) == (
        f"{path} line 3: a second prediction for 'd1' by model 'v1' (first on line 1). "
        "Keep one prediction per document and model."
    )


def test_missing_file(tmp_path):
    with pytest.raises(PredictionsError) as exc:
        load_preannotations(tmp_path / "none.jsonl", DOCS, SCHEMA)
    assert str(exc.value) == (
        f"{tmp_path / 'none.jsonl'}: no such predictions file. Pass --predictions with a JSONL file of annotation records."
    )
