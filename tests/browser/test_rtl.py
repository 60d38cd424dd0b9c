"""Arabic articles read right-to-left in the labelling view (checked in a real Chromium).

The seed's Arabic article is pushed into a fresh project, an annotator opens it, and the
geometry of every rendered text line is measured: a paragraph whose first strong character is
Arabic must start at the right edge and run leftwards, a Latin one at the left edge. Short
one-line Arabic paragraphs (headings such as "لكن لماذا قاعدة الفضاء؟") are the case that a
plain ``unicode-bidi: plaintext`` on inline lines gets wrong, so they are checked too.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import SEED, push_documents
from tests.browser.ui import LabellingView, paragraph_direction

pytestmark = pytest.mark.browser

ARABIC = SEED["002_dae5d3a25b77d1e6"]
HEADING = "لكن لماذا قاعدة الفضاء؟"


def test_arabic_paragraphs_are_laid_out_right_to_left(view: LabellingView, label_studio, tmp_path):
    project = push_documents(label_studio, [ARABIC], tmp_path)
    view.open(project.id, project.task_ids[ARABIC.doc_id])

    assert view.misaligned_lines() == []
    gaps = view.line_gaps()
    ((left, right),) = gaps[HEADING]  # one visual line
    assert abs(right) <= 3 and left > 300, "a short Arabic heading must sit at the right, far from the left edge"
    assert sum(paragraph_direction(line) == "rtl" for line in gaps) >= 10
