"""Label Studio's labelling view, driven the way an annotator drives it.

Every action goes through the mouse and keyboard of a real Chromium: spans are selected by
dragging from the first to the last character (their on-screen boxes are measured with a DOM
``Range``, so right-to-left lines are dragged right to left), labels are given by hotkey,
entity ids are typed into the per-region box, relations are drawn with Alt+R and a click on
the second span. Nothing is written into Label Studio's state from JavaScript: scripts only
read the page (text shown, element geometry).

Selectors are Label Studio 1.23's class names (``lsf-*``, ``htx-highlight``); they live here
only, so a Label Studio upgrade that renames them breaks one file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Locator, Page, expect

TEXT_LINES = ".lsf-richtext__container .lsf-richtext__line"
HIGHLIGHT = ".htx-highlight"

#: Screen boxes of the characters that start and end the ``nth`` occurrence of ``needle`` in
#: the text, and the drag that selects it (reading order: right to left on RTL lines).
_SPAN_DRAG = """([needle, nth]) => {
  const container = document.querySelector('.lsf-richtext__container');
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const box = (node, a, b) => { const r = document.createRange(); r.setStart(node, a); r.setEnd(node, b);
                                return r.getClientRects()[0]; };
  let node, seen = 0;
  while ((node = walker.nextNode())) {
    for (let i = node.data.indexOf(needle); i >= 0; i = node.data.indexOf(needle, i + 1)) {
      if (seen++ < nth) continue;
      const chars = Array.from(needle);
      const first = box(node, i, i + chars[0].length);
      const last = box(node, i + needle.length - chars[chars.length - 1].length, i + needle.length);
      const middle = (r) => (r.top + r.bottom) / 2;
      let scroller = node.parentElement;
      const scrolls = (e) => e.scrollHeight > e.clientHeight && /(auto|scroll)/.test(getComputedStyle(e).overflowY);
      while (scroller && !scrolls(scroller)) scroller = scroller.parentElement;
      const shown = scroller ? scroller.getBoundingClientRect() : {top: 0, bottom: innerHeight};
      const drag = first.left > last.left
        ? {from: [first.right - 1, middle(first)], to: [last.left + 1, middle(last)]}
        : {from: [first.left + 1, middle(first)], to: [last.right - 1, middle(last)]};
      return {...drag, shown: [Math.max(shown.top, 0), Math.min(shown.bottom, innerHeight)]};
    }
  }
  return null;
}"""

#: For each text line: ``rows``, the screen lines it wraps into as [left gap, right gap] between
#: the text and the column it may fill (the container's content box less the line's own
#: padding, which Label Studio uses as a gutter), boxes of one visual line merged; and
#: ``reversed``, whether its first visible character is drawn right of its last (null if blank).
_LINE_GEOMETRY = r"""() => {
  const container = document.querySelector('.lsf-richtext__container');
  const px = (style, name) => parseFloat(style[name]) || 0;
  const box = getComputedStyle(container), outer = container.getBoundingClientRect();
  return [...container.querySelectorAll('.lsf-richtext__line')].map((line) => {
    const own = getComputedStyle(line);
    const left = outer.left + px(box, 'paddingLeft') + px(box, 'borderLeftWidth') + px(own, 'paddingLeft');
    const right = outer.right - px(box, 'paddingRight') - px(box, 'borderRightWidth') - px(own, 'paddingRight');
    const rows = [], texts = [];  // [middle, left, right] per visual line; text nodes
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      if (node.data.trim()) texts.push(node);
      const range = document.createRange(); range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width === 0) continue;
        const middle = (r.top + r.bottom) / 2;
        const row = rows.find((row) => Math.abs(row[0] - middle) < r.height / 2);
        if (row) { row[1] = Math.min(row[1], r.left); row[2] = Math.max(row[2], r.right); }
        else rows.push([middle, r.left, r.right]);
      }
    }
    const charBox = (node, i) => {  // i: a UTF-16 index; a surrogate pair is one character
      const from = /[\uDC00-\uDFFF]/.test(node.data[i]) ? i - 1 : i;
      const to = /[\uD800-\uDBFF]/.test(node.data[from]) ? from + 2 : from + 1;
      const r = document.createRange(); r.setStart(node, from); r.setEnd(node, to);
      return r.getClientRects()[0];
    };
    let reversed = null;
    if (texts.length) {
      const head = texts[0], tail = texts[texts.length - 1];
      const first = charBox(head, head.data.search(/\S/)), last = charBox(tail, tail.data.trimEnd().length - 1);
      reversed = first.left > last.left;
    }
    return {rows: rows.map(([, l, r]) => [l - left, right - r]), reversed};
  });
}"""


def paragraph_direction(line: str) -> str | None:
    """``"rtl"``/``"ltr"`` from the first strong character (what ``unicode-bidi: plaintext`` uses)."""
    for ch in line:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


@dataclass(frozen=True)
class Misaligned:
    """A text line drawn against its reading direction: ``drawn`` is the order its characters
    run on screen, ``gaps`` the [left, right] gaps of its first wrong visual line."""

    line: int
    direction: str
    drawn: str
    gaps: tuple[float, float]
    text: str


class LabellingView:
    """One task open in Label Studio's labelling view, for one logged-in annotator."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    # --- opening and reading -----------------------------------------------------------

    def open(self, project_id: int, task_id: int) -> LabellingView:
        """Open the project's task list and click the task's row, as a person does; wait for its text.

        (Loading ``/projects/<id>/data?task=<id>`` directly races the task list against the
        task in Label Studio 1.23: 6 of 14 such loads here showed no pre-annotation at all.)
        """
        self.page.goto(f"{self.base_url}/projects/{project_id}/data")
        row = self.page.locator("[data-testid=table-row]").filter(
            has=self.page.get_by_label(f"Select Task {task_id}", exact=True)
        )
        row.locator(".lsf-table__cell:not(.lsf-select-row)").first.click()
        self.page.locator(TEXT_LINES).first.wait_for(state="attached")
        expect(self.page.locator(".lsf-current-task__task-id")).to_have_text(str(task_id))
        self._settle()
        return self

    def _settle(self) -> None:
        """Wait until the task has loaded (hotkeys are bound then) and fonts are in (no glyph moves)."""
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("() => document.fonts.ready.then(() => true)")

    def wait_for_regions(self, count: int) -> None:
        """Wait until the Regions list shows ``count`` regions (pre-annotations load after the text)."""
        expect(self.regions()).to_have_count(count)

    def shown_text(self) -> str:
        """The article text exactly as rendered (one DOM line per text line)."""
        return self.page.evaluate(
            f"() => [...document.querySelectorAll('{TEXT_LINES}')].map(e => e.textContent).join('\\n')"
        )

    def header(self) -> Locator:
        return self.page.locator(".lsf-main-view h3").first

    def label_buttons(self) -> dict[str, str]:
        """Entity label -> hotkey, as shown above the text."""
        labels = self.page.locator(".lsf-labels .lsf-label:visible")
        return {
            label.locator(".lsf-label__text").inner_text(): label.locator(".lsf-label__hotkey").inner_text()
            for label in labels.all()
        }

    def highlights(self) -> list[str]:
        """Texts of the labelled spans, in document order (a span split by markup counts once)."""
        return self.page.evaluate(
            f"""() => {{ const seen = new Map();
              for (const e of document.querySelectorAll('{HIGHLIGHT}')) {{
                const key = [...e.classList].find(c => /^htx-highlight-/.test(c)) || e;
                seen.set(key, (seen.get(key) || '') + e.textContent); }}
              return [...seen.values()]; }}"""
        )

    def misaligned_lines(self) -> list[Misaligned]:
        """Lines not laid out in their own direction (RTL: from the right edge, leftwards; LTR:
        from the left edge, rightwards).

        Only the last visual line of each wrapped paragraph is informative (the others fill the
        width), but every visual line is checked: all must touch the start edge within 3 px.
        Short one-line RTL paragraphs (headings) are the case a plain ``unicode-bidi:
        plaintext`` on inline lines gets wrong.
        """
        lines = self.shown_text().split("\n")
        geometry = self.page.evaluate(_LINE_GEOMETRY)
        assert len(geometry) == len(lines)
        bad = []
        for number, (line, shape) in enumerate(zip(lines, geometry), start=1):
            direction = paragraph_direction(line)
            if direction is None:
                continue
            drawn = "rtl" if shape["reversed"] else "ltr"
            start_gap = 1 if direction == "rtl" else 0
            for gaps in shape["rows"]:
                if abs(gaps[start_gap]) > 3 or drawn != direction:
                    bad.append(Misaligned(number, direction, drawn, (round(gaps[0]), round(gaps[1])), line[:40]))
                    break
        return bad

    def line_gaps(self) -> dict[str, list[list[float]]]:
        """Each non-blank text line -> the [left, right] gaps of its visual lines (see :meth:`misaligned_lines`)."""
        lines = self.shown_text().split("\n")
        geometry = self.page.evaluate(_LINE_GEOMETRY)
        return {line: shape["rows"] for line, shape in zip(lines, geometry) if line.strip()}

    # --- labelling ---------------------------------------------------------------------

    def _span_drag(self, needle: str, nth: int) -> dict[str, Any]:
        drag: dict[str, Any] | None = self.page.evaluate(_SPAN_DRAG, [needle, nth])
        assert drag is not None, f"{needle!r} (occurrence {nth}) is not in the text shown"
        return drag

    def scroll_to_span(self, needle: str, nth: int = 0) -> dict[str, Any]:
        """Scroll the text with the mouse wheel until the span is well inside the visible area."""
        for _ in range(20):
            drag = self._span_drag(needle, nth)
            (top, bottom), ys = drag["shown"], (drag["from"][1], drag["to"][1])
            if top + 60 <= min(ys) and max(ys) <= bottom - 60:
                return drag
            self.page.mouse.move(drag["from"][0], (top + bottom) / 2)
            self.page.mouse.wheel(0, min(ys) - (top + bottom) / 2)
            # The wheel scrolls asynchronously: wait until the span has moved, then measure again.
            self.page.wait_for_function(
                f"([needle, nth, y]) => Math.abs(({_SPAN_DRAG})([needle, nth]).from[1] - y) > 1",
                arg=[needle, nth, drag["from"][1]],
            )
        raise AssertionError(f"could not scroll {needle!r} into view")

    def activate_label(self, hotkey: str) -> None:
        """Press a label's hotkey until the label shows as selected (a key pressed while the
        view is still loading is lost, as it would be for a person)."""
        key = self.page.locator(".lsf-label__hotkey").filter(has_text=re.compile(f"^{re.escape(hotkey)}$"))
        label = self.page.locator(".lsf-labels .lsf-label:visible").filter(has=key)
        selected = re.compile(r"\blsf-label_selected\b")
        for _ in range(3):
            if selected.search(label.get_attribute("class") or ""):
                return
            self.page.keyboard.press(hotkey)
            try:
                expect(label).to_have_class(selected, timeout=2000)
                return
            except AssertionError:
                continue
        raise AssertionError(f"hotkey {hotkey!r} did not select its label")

    def select_span(self, needle: str, nth: int = 0) -> None:
        """Drag the mouse over the ``nth`` occurrence of ``needle`` in the text (scrolling to it first)."""
        drag = self.scroll_to_span(needle, nth)
        mouse = self.page.mouse
        mouse.move(*drag["from"])
        mouse.down()
        mouse.move(*drag["to"], steps=8)
        mouse.up()

    def label_span(self, needle: str, hotkey: str, nth: int = 0) -> None:
        """Press the label's hotkey, drag over the span; wait for its new region in the list."""
        before = self.regions().count()
        self.page.keyboard.press("Escape")  # with a region selected, the hotkey would relabel it
        self.activate_label(hotkey)
        self.select_span(needle, nth)
        expect(self.regions(), f"dragging over {needle!r} made no region").to_have_count(before + 1)

    def regions(self) -> Locator:
        return self.page.locator(".lsf-outliner-item:visible")

    def region_texts(self) -> list[str]:
        """The span texts listed in the Regions panel, in its order."""
        return self.page.locator(".lsf-outliner-item:visible .lsf-outliner-item__text").all_inner_texts()

    def select_region(self, text: str) -> None:
        """Select a region by clicking it in the Regions list; wait for its entity id control."""
        self.page.keyboard.press("Escape")
        exact = self.page.locator(".lsf-outliner-item__text").filter(has_text=re.compile(f"^{re.escape(text)}$"))
        self.regions().filter(has=exact).first.click()
        expect(self.entity_id_control()).to_be_visible()

    def entity_id_control(self) -> Locator:
        """The entity id part of the view (box or stored value), shown while a region is selected."""
        return self.page.locator("[data-testid=textarea-control]:visible")

    def entity_id_box(self) -> Locator:
        return self.page.locator("input[name=entity_id], textarea[name=entity_id]")

    def set_entity_id(self, region_text: str, entity_id: str) -> None:
        """Select the region, type its canonical entity id, press Enter."""
        self.select_region(region_text)
        expect(self.entity_id_control()).to_be_in_viewport()  # where the annotator is looking
        box = self.entity_id_box()
        box.fill(entity_id)
        box.press("Enter")
        expect(self.entity_id_shown()).to_have_text(entity_id)

    def entity_id_shown(self) -> Locator:
        """The entity id stored on the selected region (shown in place of the box once typed)."""
        return self.page.locator("[data-testid=htx-textbox-content]:visible")

    def draw_relation(self, head_text: str, tail_text: str, relation: str) -> None:
        """Select the head region, Alt+R, click the tail span; give the new relation its type."""
        relations = self.page.locator(".lsf-relations__item:visible")
        self.open_panel("Relations")
        before = relations.count()
        self.open_panel("Regions")
        self.select_region(head_text)
        self.page.keyboard.press("Alt+r")
        self.page.locator(HIGHLIGHT, has_text=tail_text).first.click()
        self.open_panel("Relations")
        expect(relations).to_have_count(before + 1)
        item = relations.nth(before)
        item.hover()
        item.get_by_label("Show Relation Labels").click()
        self.page.locator(".lsf-relation-meta:visible button").last.click()
        self.page.locator(f"[data-testid=select-option-{relation}]").click()
        self.page.keyboard.press("Escape")
        self.open_panel("Regions")

    def relation_label_options(self) -> list[str]:
        """The relation types offered for the first relation in the Relations panel."""
        self.open_panel("Relations")
        item = self.page.locator(".lsf-relations__item:visible").first
        item.hover()
        item.get_by_label("Show Relation Labels").click()
        self.page.locator(".lsf-relation-meta:visible button").first.click()
        options = self.page.locator("[data-testid=select-option-label]:visible")
        expect(options.first).to_be_visible()
        texts = options.all_inner_texts()
        self.page.keyboard.press("Escape")
        return texts

    def switch_setting(self, title: str) -> None:
        """Flip one toggle in the labelling interface settings (the gear in the bottom bar)."""
        self.page.locator("[data-testid=bottombar-settings-button]").click()
        name = self.page.locator(".lsf-settings__label__title", has_text=re.compile(f"^{re.escape(title)}$"))
        field = self.page.locator(".lsf-settings__field").filter(has=name)
        toggle = field.locator("input[type=checkbox]")
        was = toggle.is_checked()
        name.click()  # the whole row is the toggle's <label>
        expect(toggle).to_be_checked(checked=not was)
        self.page.locator(".ant-modal-close:visible").click()
        expect(field).to_be_hidden()

    def open_panel(self, name: str) -> None:
        self.page.locator(".lsf-panel-tabs__tab:visible", has_text=name).click()

    # --- finishing ---------------------------------------------------------------------

    def open_stream(self, project_id: int) -> LabellingView:
        """Open the project's task list and click "Label All Tasks" (the labelling stream)."""
        self.page.goto(f"{self.base_url}/projects/{project_id}/data")
        self.page.get_by_role("button", name=re.compile("Label All Tasks", re.IGNORECASE)).click()
        self.page.locator(TEXT_LINES).first.wait_for(state="attached")
        self._settle()
        return self

    def instructions(self) -> Locator:
        """The project's instructions (our guidelines), shown in a dialog when labelling starts."""
        return self.page.locator(".lsf-modal-ls_visible .lsf-modal-ls__body")

    def close_instructions(self) -> None:
        self.page.locator(".lsf-modal-ls_visible").get_by_label("Close modal").click()
        expect(self.instructions()).to_have_count(0)

    def _save(self, testid: str) -> dict[str, Any]:
        with self.page.expect_response(
            lambda r: re.search(r"/api/tasks/\d+/annotations", r.url) is not None and r.request.method == "POST"
        ) as response:
            self.page.locator(f"[data-testid={testid}]").click()
        assert response.value.status == 201, response.value.text()
        return response.value.json()

    def submit(self) -> dict[str, Any]:
        """Click Submit; return the annotation Label Studio saved."""
        return self._save("bottombar-submit-button")

    def skip(self) -> dict[str, Any]:
        """Click Skip (shown in the labelling stream); return the cancelled annotation saved."""
        return self._save("bottombar-skip-button")
