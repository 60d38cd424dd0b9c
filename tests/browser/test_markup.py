"""Article text that contains HTML is shown as literal text, and none of it runs.

News text scraped from the web can carry ``<script>`` tags and markup. The labelling view must
show them as characters (so offsets still count them) and never execute them: a script that
set a global, an ``onerror`` handler and a ``javascript:`` frame must all stay inert, and no
JavaScript dialog may open (``page.on("dialog")`` records every one; the test proves the hook
works by opening one itself at the end).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from curation.core.records import Document
from tests.browser.conftest import pull_normalized, push_documents, the_annotation
from tests.browser.ui import LabellingView

pytestmark = pytest.mark.browser

HOSTILE = Document(
    doc_id="markup-001",
    language="en",
    title=(
        "<b>Bold title</b><script>window.__xss = 'title'; alert('title')</script><img src=x onerror=\"alert('title')\">"
    ),
    source="<script>alert('source')</script>",
    text=(
        "<script>window.__xss = 'text'; alert('text')</script>\n"
        "<b>Kim Jong Un</b> met <i>Vladimir Putin</i> <img src=x onerror=\"alert('img')\">"
        "<iframe src=\"javascript:alert('frame')\"></iframe> &amp; &lt;escaped&gt; at Vostochny."
    ),
)


def test_html_in_the_article_is_literal_text_and_never_runs(view: LabellingView, watched, label_studio, tmp_path):
    page, watch = watched
    project = push_documents(label_studio, [HOSTILE], tmp_path)
    view.open(project.id, project.task_ids[HOSTILE.doc_id])

    assert view.shown_text() == HOSTILE.text
    expect(view.header()).to_have_text(HOSTILE.title)
    for tag in ("script", "b", "i", "img", "iframe"):
        expect(page.locator(f".lsf-main-view {tag}")).to_have_count(0)
    view.label_span("Vladimir Putin", "p")  # markup before the span counts as characters
    view.set_entity_id("Vladimir Putin", "vladimir_putin")
    view.submit()

    assert page.evaluate("() => window.__xss") is None
    assert watch.dialogs == [] and watch.page_errors == []
    page.evaluate("() => alert('the dialog hook works')")
    assert watch.dialogs == ["alert: the dialog hook works"]
    watch.dialogs.clear()

    annotation = the_annotation(pull_normalized(label_studio, project, tmp_path).annotations, HOSTILE.doc_id)
    start = HOSTILE.text.index("Vladimir Putin")
    assert [(m.start, m.end, m.text) for m in annotation.mentions] == [(start, start + 14, "Vladimir Putin")]
