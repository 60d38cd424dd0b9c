"""Arabic articles read right-to-left in the labelling view (checked in a real Chromium).

The seed corpus is pushed into a fresh project, an Arabic task is opened as the admin, and the
geometry of every rendered text line is measured: a paragraph whose first strong character is
Arabic must start at the right edge and run leftwards, a Latin one at the left edge. Short
one-line Arabic paragraphs (headings such as "لكن لماذا قاعدة الفضاء؟") are the case that a
plain ``unicode-bidi: plaintext`` on inline lines gets wrong, so they are checked too.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from curation import labelstudio as ls
from curation.push import push
from curation.server import read_credentials
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

#: Per rendered text line: its text, the gaps between its last visual row and the container's
#: content box (left, right), and whether its first character is drawn right of its last one.
LINE_GEOMETRY = """() => {
  const c = document.querySelector('.lsf-richtext__container');
  const s = getComputedStyle(c), box = c.getBoundingClientRect();
  const left = box.left + parseFloat(s.paddingLeft), right = box.right - parseFloat(s.paddingRight);
  const charBox = (node, i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                                 return r.getClientRects()[0]; };
  return [...c.querySelectorAll('.lsf-richtext__line')].filter((line) => line.textContent.trim()).map((line) => {
    const range = document.createRange(); range.selectNodeContents(line);
    const rows = [...range.getClientRects()].filter((r) => r.width > 0);
    const last = rows[rows.length - 1], text = line.firstChild;
    const first = charBox(text, 0), end = charBox(text, text.length - 1);
    return {text: line.textContent, gaps: [last.left - left, right - last.right],
            firstRightOfLast: first.left > end.left};
  });
}"""


def paragraph_direction(line: str) -> str | None:
    for ch in line:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


@pytest.mark.browser
def test_arabic_paragraphs_are_laid_out_right_to_left(label_studio_server, unique_title, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    conn, data_dir = label_studio_server
    creds = read_credentials(data_dir)
    push(conn, corpus=ROOT / "corpus", project_title=unique_title, cache_dir=tmp_path / "cache")
    project = ls.get_project(conn, unique_title)
    task_id = next(t.id for t in ls.iter_tasks(conn, project.id) if t.doc_id == "002_dae5d3a25b77d1e6")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{conn.url}/user/login/")
            page.fill("input[name=email]", creds.email)
            page.fill("input[name=password]", creds.password)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/user/login" not in url, timeout=60_000)
            page.goto(f"{conn.url}/projects/{project.id}/data?task={task_id}")
            page.locator(".lsf-richtext__line").first.wait_for(timeout=60_000)
            page.wait_for_function("document.fonts.status === 'loaded'")
            lines = page.evaluate(LINE_GEOMETRY)
            page.screenshot(path=str(tmp_path / "arabic-task.png"))
        finally:
            browser.close()

    assert len(lines) > 10
    heading = next(line for line in lines if line["text"] == "لكن لماذا قاعدة الفضاء؟")
    assert heading["gaps"][0] > 300, "a short Arabic heading must sit at the right, far from the left edge"
    wrong = []
    for line in lines:
        direction = paragraph_direction(line["text"])
        left_gap, right_gap = line["gaps"]
        if direction == "rtl" and not (abs(right_gap) < 2 and line["firstRightOfLast"]):
            wrong.append(("rtl", round(left_gap), round(right_gap), line["text"][:30]))
        if direction == "ltr" and not (abs(left_gap) < 2 and not line["firstRightOfLast"]):
            wrong.append(("ltr", round(left_gap), round(right_gap), line["text"][:30]))
    assert wrong == []
    assert sum(paragraph_direction(line["text"]) == "rtl" for line in lines) >= 10
