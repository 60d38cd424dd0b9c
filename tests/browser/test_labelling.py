"""Label in the browser, pull, normalize: what the annotator did comes back exactly.

An annotator selects spans with the mouse in an English article, an Arabic one (dragged right
to left) and a text with emoji before the spans, gives each a type (hotkey) and an entity id,
draws a relation, and submits; another task is skipped. ``curation pull`` and normalization
must then give exactly those mentions, with offsets in code points that slice the document
text to the span, that relation, and a cancelled (skipped) annotation.

This is also where the team learns how Label Studio counts offsets: the emoji text has four
characters outside the Basic Multilingual Plane (one of them a two-code-point flag) before
its second span, so UTF-16 offsets would be 4 more than code points there.
"""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from curation.core.normalize import pseudonym
from curation.core.records import Document
from curation.core.schema import load_schema
from tests.browser.conftest import SEED, pull_normalized, push_documents, the_annotation
from tests.browser.ui import LabellingView

pytestmark = pytest.mark.browser

EMOJI = Document(
    doc_id="emoji-001",
    language="en",
    title="Emoji before the spans",
    text="🚀 Kim Jong Un 🇷🇺 arrived at Vostochny Cosmodrome 👋 to meet Vladimir Putin.",
)
ENGLISH, ARABIC = SEED["003_37c1237100320103"], SEED["002_dae5d3a25b77d1e6"]

#: What the annotator labels in each document: (span text, hotkey, type, entity id).
LABELS = {
    ENGLISH.doc_id: [("Kim Jong Un", "p", "PER", "kim_jong_un"), ("Vladimir Putin", "p", "PER", "vladimir_putin"),
                     ("Siberia", "l", "LOC", "siberia"),
                     ("Hwasong-18", "w", "WEAPON", "hwasong_18")],  # near the end: scrolled to
    ARABIC.doc_id: [("فلاديمير بوتين", "p", "PER", "vladimir_putin"),
                    ("قاعدة فوستوتشني الفضائية", "f", "FAC", "vostochny_cosmodrome")],
    EMOJI.doc_id: [("Vostochny Cosmodrome", "f", "FAC", "vostochny_cosmodrome"),
                   ("Vladimir Putin", "p", "PER", "vladimir_putin")],
}  # fmt: skip
#: The relation drawn in the English article: (type, head span, tail span).
RELATION = ("met_with", "Kim Jong Un", "Vladimir Putin")


def user_id(conn) -> int:
    headers = {"Authorization": f"Token {conn.token}"}
    response = requests.get(f"{conn.url}/api/current-user/whoami", headers=headers, timeout=30)
    response.raise_for_status()
    return int(response.json()["id"])


def test_spans_labelled_with_the_mouse_come_back_exactly(view: LabellingView, label_studio, annotator, tmp_path):
    documents = [ENGLISH, ARABIC, EMOJI]
    project = push_documents(label_studio, documents, tmp_path)
    for doc in documents:
        view.open(project.id, project.task_ids[doc.doc_id])
        for span, hotkey, _, entity_id in LABELS[doc.doc_id]:
            view.label_span(span, hotkey)
            view.set_entity_id(span, entity_id)
        if doc is ENGLISH:
            view.draw_relation(RELATION[1], RELATION[2], RELATION[0])
        assert view.region_texts() == [span for span, *_ in LABELS[doc.doc_id]]
        saved = view.submit()
        assert saved["was_cancelled"] is False

    normalized = pull_normalized(label_studio, project, tmp_path)
    assert normalized.documents == {d.doc_id: d for d in documents}
    for doc in documents:
        annotation = the_annotation(normalized.annotations, doc.doc_id)
        assert annotation.annotator == pseudonym(user_id(annotator.connection))
        assert (annotation.cancelled, annotation.from_prediction) == (False, False)
        got = sorted((m.start, m.end, m.text, m.type, m.entity_id) for m in annotation.mentions)
        expected = sorted(
            (doc.text.index(span), doc.text.index(span) + len(span), span, etype, eid)
            for span, _, etype, eid in LABELS[doc.doc_id]
        )
        assert got == expected, f"{doc.doc_id}: mentions differ"
        for m in annotation.mentions:
            assert doc.text[m.start : m.end] == m.text
        by_text = {m.text: m.id for m in annotation.mentions}
        relations = [(r.type, r.head, r.tail) for r in annotation.relations]
        if doc is ENGLISH:
            assert relations == [(RELATION[0], by_text[RELATION[1]], by_text[RELATION[2]])]
        else:
            assert relations == []
    emoji = the_annotation(normalized.annotations, EMOJI.doc_id)
    putin = next(m for m in emoji.mentions if m.type == "PER")
    assert (putin.start, len(EMOJI.text[: putin.start].encode("utf-16-le")) // 2) == (59, 63)  # code points, not UTF-16


def test_with_select_region_after_creating_the_entity_id_box_opens_at_once(view: LabellingView, label_studio, tmp_path):
    """The guidelines' tip: with this setting, hotkey, drag, type the id, Enter; no click in between."""
    project = push_documents(label_studio, [EMOJI], tmp_path)
    view.open(project.id, project.task_ids[EMOJI.doc_id])
    view.switch_setting("Select region after creating it")
    view.label_span("Vladimir Putin", "p")
    box = view.entity_id_box()
    expect(box).to_be_visible()
    box.fill("vladimir_putin")
    box.press("Enter")
    expect(view.entity_id_shown()).to_have_text("vladimir_putin")
    result = view.submit()["result"]
    start = EMOJI.text.index("Vladimir Putin")
    assert sorted((r["type"], r["value"]["start"], r["value"]["end"]) for r in result) == [
        ("labels", start, start + 14),
        ("textarea", start, start + 14),
    ]


def test_a_skipped_task_comes_back_cancelled(view: LabellingView, label_studio, annotator, tmp_path):
    doc, schema = SEED["000_4a139d2d5ec5e102"], load_schema()
    project = push_documents(label_studio, [doc], tmp_path)
    view.open_stream(project.id)
    expect(view.instructions().locator("h2")).to_have_text(f"Annotation guidelines: {schema.name} {schema.version}")
    view.close_instructions()
    assert view.shown_text() == doc.text
    saved = view.skip()
    assert saved["was_cancelled"] is True

    normalized = pull_normalized(label_studio, project, tmp_path)
    annotation = the_annotation(normalized.annotations, doc.doc_id)
    assert annotation.cancelled is True
    assert (annotation.mentions, annotation.relations) == ((), ())
    assert annotation.annotator == pseudonym(user_id(annotator.connection))
