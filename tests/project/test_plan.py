"""The pure half of push: deciding what is new, unchanged or changed, payloads, chunks, report."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curation.core.errors import PushError
from curation.core.records import Annotation, Document, Mention
from curation.labelstudio import ExistingTask
from curation.project.chunks import serialize_chunks
from curation.project.plan import plan_push, refuse_changed, task_payload
from curation.project.push import PushReport, visible_text

A = Document("a", "en", "Kim met Putin.", title="A")
B = Document("b", "ar", "التقى كيم ببوتين.")
C = Document("c", "sw", "Kim na Putin.")
PRED = Annotation("a", mentions=(Mention("m1", 0, 3, "Kim", "PER", "kim_jong_un"),), model_version="v1")


def test_new_unchanged_and_changed_articles():
    existing = [
        ExistingTask(1, "a", A.sha256),
        ExistingTask(2, "b", "0" * 64),
        ExistingTask(3, None, None),
        ExistingTask(4, "a", A.sha256),
    ]
    plan = plan_push([A, B, C], existing)
    assert plan.new == (C,)
    assert plan.unchanged == ("a",)
    assert plan.changed == (("b", 2),)
    assert plan.duplicates == (("a", (1, 4)),)
    assert plan.foreign_tasks == 1
    with pytest.raises(PushError) as exc:
        refuse_changed(plan, "p")
    assert str(exc.value) == (
        "Article 'b' changed since it was pushed to project 'p' (task 2). Text is never replaced: give the changed "
        "article a new doc_id, or delete task 2 in Label Studio and push again."
    )


def test_several_changed_articles_are_listed_in_one_line():
    docs = [Document(f"d{i}", "en", f"text {i}") for i in range(7)]
    plan = plan_push(docs, [ExistingTask(10 + i, d.doc_id, "x") for i, d in enumerate(docs)])
    with pytest.raises(PushError) as exc:
        refuse_changed(plan, "p")
    assert str(exc.value) == (
        "7 articles changed since they were pushed to project 'p': 'd0' (task 10), 'd1' (task 11), 'd2' (task 12), "
        "'d3' (task 13), 'd4' (task 14) and 2 more. Text is never replaced: give each changed article a new doc_id, "
        "or delete its task in Label Studio and push again."
    )


def test_predictions_go_inline_for_new_tasks_and_once_per_task_and_version():
    again = Annotation("a", model_version="v2")
    plan = plan_push([A, C], [], predictions=[PRED, Annotation("c", model_version="v1")])
    assert plan.inline_predictions == {"a": (PRED,), "c": (Annotation("c", model_version="v1"),)}
    existing = [ExistingTask(5, "a", A.sha256)]
    plan = plan_push([A], existing, predictions=[PRED, again], existing_predictions={(5, "v1")})
    assert plan.task_predictions == ((5, again),) and plan.predictions_present == 1


def test_task_payload_follows_the_contract():
    payload = task_payload(A, A.sha256, [PRED])
    assert payload["data"] == {**A.to_dict(), "text_sha256": A.sha256}
    assert Document.from_dict(payload["data"]) == A
    assert payload["predictions"] == [{
        "model_version": "v1",
        "result": [
            {"id": "m1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PER"]}},
            {"id": "m1", "from_name": "entity_id", "to_name": "text", "type": "textarea",
             "value": {"start": 0, "end": 3, "text": ["kim_jong_un"]}},
        ],
    }]  # fmt: skip


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=40),
    max_tasks=st.integers(min_value=1, max_value=7),
    max_bytes=st.integers(min_value=50, max_value=1500),
)
def test_chunks_keep_order_and_limits(sizes, max_tasks, max_bytes):
    payloads = [(f"d{i}", {"data": {"text": "é" * n}}) for i, n in enumerate(sizes)]
    chunks = list(serialize_chunks(payloads, max_tasks=max_tasks, max_bytes=max_bytes))
    assert [d for c in chunks for d in c.doc_ids] == [d for d, _ in payloads]
    assert [t for c in chunks for t in json.loads(c.body())] == [p for _, p in payloads]
    for chunk in chunks:
        assert len(chunk.doc_ids) <= max_tasks
        assert len(chunk.body()) <= max_bytes or len(chunk.doc_ids) == 1
    assert json.loads(chunks[0].body([0])) == [payloads[0][1]]


def test_report_lines():
    report = PushReport("p", 3, "http://h/projects/3", dry_run=False, created_project=False, imported=("a",),
                        unchanged=("b", "c"), predictions_given=True, predictions_imported=1, predictions_present=2)  # fmt: skip
    assert report.lines() == [
        "Imported 1 task (2 unchanged) into project 'p' (id 3): http://h/projects/3",
        "Imported 1 prediction (2 already there).",
    ]


def test_guidelines_compare_by_visible_text():
    ours = '<table><tr><td><b style="color:#e6194b">PER</b> Person</td></tr></table>'
    stored = "<table><tbody><tr><td><b>PER</b> Person</td></tr></tbody></table>"
    assert visible_text(ours) == visible_text(stored) == "PER Person"
    assert visible_text(ours) != visible_text(stored.replace("Person", "People"))
