"""What an annotator sees: every seed article, as pushed, in Label Studio's labelling view.

The seed corpus is pushed with ``curation push --predictions`` (one pre-annotation per article:
Kim Jong Un and Vladimir Putin, ``met_with``); an annotator who signed up through the web form
opens each article and must see its exact text, every entity label with its hotkey, the
pre-annotated spans on the right characters, the entity id of a selected span, every relation
type, and each paragraph aligned to its own reading direction (Arabic right-to-left). A
screenshot of each article's labelling view is saved under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from curation.core.records import Annotation, Document, Mention, Relation
from curation.core.schema import load_schema
from tests.browser.conftest import ARTIFACTS, SEED, push_documents
from tests.browser.ui import LabellingView

pytestmark = pytest.mark.browser

#: How each seed article spells the two leaders (first occurrence is pre-annotated).
NAMES = {
    "sw": ("Kim Jong Un", "Vladmir Putin"),
    "ar": ("كيم جونغ أون", "فلاديمير بوتين"),
    "en": ("Kim Jong Un", "Vladimir Putin"),
}


def preannotation(doc: Document) -> Annotation:
    kim, putin = NAMES[doc.language]
    mentions = []
    for mid, surface, entity_id in (("m1", kim, "kim_jong_un"), ("m2", putin, "vladimir_putin")):
        start = doc.text.index(surface)
        mentions.append(Mention(mid, start, start + len(surface), surface, "PER", entity_id))
    return Annotation(
        doc_id=doc.doc_id,
        mentions=tuple(mentions),
        relations=(Relation("r1", "met_with", "m1", "m2"),),
        model_version="browser-seed",
    )


@pytest.fixture(scope="module")
def seed_project(label_studio, tmp_path_factory):
    return push_documents(
        label_studio, list(SEED.values()), tmp_path_factory.mktemp("seed"),
        predictions=[preannotation(d) for d in SEED.values()],
    )  # fmt: skip


@pytest.mark.parametrize("doc_id", sorted(SEED))
def test_annotator_sees_the_article_labels_and_preannotation(view: LabellingView, seed_project, doc_id: str):
    doc, schema = SEED[doc_id], load_schema()
    view.open(seed_project.id, seed_project.task_ids[doc_id])

    expect(view.header()).to_have_text(doc.title or "")
    assert view.shown_text() == doc.text
    assert view.label_buttons() == {t.label: t.hotkey for t in schema.entity_types}
    view.wait_for_regions(2)
    kim, putin = NAMES[doc.language]
    in_text_order = sorted((kim, putin), key=doc.text.index)
    assert view.highlights() == in_text_order  # the pre-annotation, drawn on exactly its characters
    assert view.misaligned_lines() == []  # Arabic paragraphs right-aligned, others left-aligned

    view.select_region(kim)
    expect(view.entity_id_shown()).to_have_text("kim_jong_un")
    expect(view.entity_id_control()).to_be_in_viewport()  # no scrolling to the end of a long article
    view.page.screenshot(path=str(ARTIFACTS / f"labelling-{doc.language}-{doc_id}.png"))
    assert view.relation_label_options() == [r.label for r in schema.relation_types]
