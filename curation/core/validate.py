"""Check normalized annotations against the text and the schema; report every problem.

Every check has a stable code (``V001``...), listed with its default severity and a one-line
meaning in :data:`CODES`; the CLI, docs/cli.md and the tests use the same table. Validation
never stops at the first problem: it returns a :class:`ValidationReport` with all of them,
each naming the document, the annotation and the annotator pseudonym. Severities can be
changed per code. Skipped (cancelled) annotations are not checked: their content is never
used. Predictions are not checked either (they are validated when pushed).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from curation.core.codes import CODES, SEVERITIES, Check, codes_table  # noqa: F401  (re-exported)
from curation.core.convert import OffsetMap
from curation.core.errors import CurationError
from curation.core.normalize import Normalized, SkippedItem
from curation.core.records import Annotation, Document, Mention
from curation.core.schema import Schema

_SKIP_CODES = {"result": "V020", "task": "V021", "duplicate": "V022", "draft": "V023"}


class SeverityError(CurationError):
    """A severity override names an unknown code or level."""


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    doc_id: str | None
    annotation_id: str | None
    annotator: str | None
    message: str


@dataclass(frozen=True)
class ValidationReport:
    issues: tuple[Issue, ...]
    documents: int
    annotations: int

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == "warning")

    def counts(self) -> dict[str, int]:
        """Issues per code, in code order."""
        return dict(sorted(Counter(i.code for i in self.issues).items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "annotations": self.annotations,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": self.counts(),
            "issues": [asdict(i) for i in self.issues],
        }


def resolve_severities(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Default severity per code, with ``overrides`` applied; unknown codes or levels raise."""
    severities = {code: check.severity for code, check in CODES.items()}
    for code, level in (overrides or {}).items():
        if code not in CODES:
            raise SeverityError(f"Unknown validation code {code}. Use one of V001-V{len(CODES):03d}.")
        if level not in SEVERITIES:
            raise SeverityError(f"Unknown severity {level!r} for {code}. Use error or warning.")
        severities[code] = level
    return severities


def validate(
    normalized: Normalized, schema: Schema, *, severities: Mapping[str, str] | None = None
) -> ValidationReport:
    """Run every check on every non-skipped annotation; return all issues found."""
    report = _Reporter(resolve_severities(severities))
    for item in normalized.skipped:
        _check_skipped(item, report)
    for doc_id, document in normalized.documents.items():
        pushed = normalized.pushed_hashes.get(doc_id)
        if pushed is None:
            report.add("V017", doc_id, None, None, "the task has no text_sha256 (it was not imported by `curation push`); "
                       "push the corpus with `curation push` to tie the text to it.")  # fmt: skip
        elif pushed != document.sha256:
            report.add("V016", doc_id, None, None, f"the text in Label Studio (sha256 {document.sha256[:12]}) differs from "
                       f"the pushed text (sha256 {pushed[:12]}); restore the task's text from the corpus, then check "
                       "the annotations made on the changed text.")  # fmt: skip
    unconverted = {(s.doc_id, s.annotation_id) for s in normalized.skipped if s.kind == "result"}
    checked = 0
    for annotation in normalized.annotations:
        if annotation.cancelled:
            continue
        doc = normalized.documents.get(annotation.doc_id)
        if doc is None:
            continue
        checked += 1
        _AnnotationChecks(annotation, doc, schema, report).run(
            had_results=(annotation.doc_id, annotation.annotation_id) in unconverted
        )
    return ValidationReport(tuple(report.issues), len(normalized.documents), checked)


class _Reporter:
    def __init__(self, severities: dict[str, str]) -> None:
        self.severities = severities
        self.issues: list[Issue] = []

    def add(
        self, code: str, doc_id: str | None, annotation_id: str | None, annotator: str | None, message: str
    ) -> None:
        self.issues.append(Issue(code, self.severities[code], doc_id, annotation_id, annotator, message))


def _check_skipped(item: SkippedItem, report: _Reporter) -> None:
    where = f"task {item.task_id}"
    if item.item:
        where += f", {item.kind} {item.item}"
    fixes = {
        "result": "fix it in Label Studio, or make the label config match the schema.",
        "task": "import the task with `curation push` (tasks need doc_id and text), or delete it.",
        "duplicate": "delete the extra task in Label Studio.",
        "draft": "submit or discard it in Label Studio.",
    }
    message = f"{where}: {item.reason}; {fixes[item.kind]}"
    report.add(_SKIP_CODES[item.kind], item.doc_id, item.annotation_id, item.annotator, message)


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P"


_CLOSERS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "‘": "’", "„": "“"}
_OPENERS = {v: k for k, v in _CLOSERS.items()}


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without edge whitespace or punctuation. Balanced brackets and quotes stay
    (``Korea (DPRK)``), and so does a final period after an inner one (``U.S.``)."""
    while start < end:
        ch = text[start]
        if ch.isspace() or (_is_punct(ch) and not (ch in _CLOSERS and _CLOSERS[ch] in text[start + 1 : end])):
            start += 1
        else:
            break
    while end > start:
        ch = text[end - 1]
        keep = (ch in _OPENERS and _OPENERS[ch] in text[start : end - 1]) or (
            ch == "." and "." in text[start : end - 1]
        )
        if ch.isspace() or (_is_punct(ch) and not keep):
            end -= 1
        else:
            break
    return start, end


def suggest_entity_id(value: str, fallback: str) -> str:
    """A pattern-shaped version of a malformed id: ``Kim Jong-Un`` -> ``kim_jong_un``."""
    ascii_form = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    slug = "_".join(re.findall(r"[a-z0-9]+", ascii_form))
    return slug or fallback


class _AnnotationChecks:
    """All checks of one annotation against its document and the schema."""

    def __init__(self, annotation: Annotation, document: Document, schema: Schema, report: _Reporter) -> None:
        self.a, self.doc, self.schema, self.report = annotation, document, schema, report
        self._offsets: OffsetMap | None = None

    def add(self, code: str, message: str) -> None:
        self.report.add(code, self.a.doc_id, self.a.annotation_id, self.a.annotator, message)

    def run(self, *, had_results: bool) -> None:
        a = self.a
        if not a.annotator:
            self.add("V019", "completed_by holds no Label Studio user id, so the annotation has no annotator pseudonym; "
                     "pull the snapshot again with `curation pull`.")  # fmt: skip
        if not a.mentions and not a.relations and not had_results:
            self.add("V018", "the annotation has no result and is not marked skipped; label the task or press Skip "
                     "in Label Studio.")  # fmt: skip
        for mention in a.mentions:
            self.check_mention(mention)
        self.check_duplicate_mentions()
        self.check_entity_types()
        self.check_relations()

    # -- mentions --------------------------------------------------------------------------

    def check_mention(self, m: Mention) -> None:
        self.check_span(m)
        self.check_type_and_id(m)

    def check_span(self, m: Mention) -> None:
        text, n = self.doc.text, len(self.doc.text)
        start, end = m.start, m.end
        in_text = 0 <= start < end <= n
        if in_text and text[start:end] == m.text:
            self.check_edges(m)
        elif not in_text and start >= end:
            self.add("V001", f"mention {m.id} [{start}, {end}) is empty; delete the region in Label Studio.")
        elif self._utf16(m):
            return
        elif not in_text:
            self.add("V001", f"mention {m.id} [{start}, {end}) {m.text!r} is outside the text of {n} "
                     "characters; redraw the region in Label Studio.")  # fmt: skip
        else:
            self.add("V002", f"mention {m.id} [{start}, {end}) stores {m.text!r} but the text there is "
                     f"{text[start:end]!r}; redraw the region in Label Studio.")  # fmt: skip

    def _utf16(self, m: Mention) -> bool:
        """Report (and return True) when the offsets match the stored text as UTF-16 code units."""
        if self._offsets is None:
            self._offsets = OffsetMap(self.doc.text)
        offsets = self._offsets
        if offsets.identity:
            return False
        start, end = offsets.from_utf16(m.start), offsets.from_utf16(m.end)
        if not (0 <= start < end <= len(self.doc.text) and self.doc.text[start:end] == m.text):
            return False
        astral = sum(1 for ch in self.doc.text[:start] if ord(ch) > 0xFFFF)
        self.add("V003", f"mention {m.id} [{m.start}, {m.end}) counts UTF-16 code units ({astral} character(s) "
                 f"outside the BMP, such as emoji, come before it); in code points it is [{start}, {end}) {m.text!r}. "
                 "Convert the offsets with curation.core.convert.OffsetMap.from_utf16 before importing.")  # fmt: skip
        return True

    def check_edges(self, m: Mention) -> None:
        first, last = m.text[0], m.text[-1]
        if not (first.isspace() or last.isspace() or _is_punct(first) or _is_punct(last)):
            return
        start, end = trim_span(self.doc.text, m.start, m.end)
        if (start, end) == (m.start, m.end):
            return
        fix = (f"trim it to [{start}, {end}) {self.doc.text[start:end]!r}" if start < end
               else "delete the region (nothing is left after trimming)")  # fmt: skip
        edge_text = self.doc.text[m.start : start] + self.doc.text[end : m.end]
        if any(ch.isspace() for ch in edge_text):
            self.add("V004", f"mention {m.id} {m.text!r} starts or ends with whitespace; {fix}.")
        if any(_is_punct(ch) for ch in edge_text):
            self.add("V005", f"mention {m.id} {m.text!r} starts or ends with punctuation; {fix}.")

    def check_type_and_id(self, m: Mention) -> None:
        if m.type not in self.schema.entity_labels:
            if "|" in m.type:
                self.add(
                    "V006", f"mention {m.id} {m.text!r} has several labels ({', '.join(m.type.split('|'))}); keep one."
                )
            else:
                self.add("V006", f"mention {m.id} {m.text!r} has label {m.type!r}, which is not an entity type of "
                         f"schema {self.schema.version}; use one of {', '.join(t.label for t in self.schema.entity_types)}.")  # fmt: skip  # noqa: E501
        if not m.entity_id:
            self.add("V013", f"mention {m.id} {m.text!r} has no entity id; select the region and type its id in the "
                     f"Entity id box (e.g. {self.schema.entity_id_examples[0]}).")  # fmt: skip
        elif not self.schema.entity_id_regex.fullmatch(m.entity_id):
            suggestion = suggest_entity_id(m.entity_id, self.schema.entity_id_examples[0])
            self.add("V014", f"mention {m.id} {m.text!r} has entity id {m.entity_id!r}, which does not match "
                     f"{self.schema.entity_id_pattern}; write lower-case ASCII words joined by underscores, "
                     f"e.g. {suggestion}.")  # fmt: skip

    def check_duplicate_mentions(self) -> None:
        seen: dict[tuple[int, int], Mention] = {}
        for m in self.a.mentions:
            first = seen.setdefault((m.start, m.end), m)
            if first is not m:
                types = m.type if m.type == first.type else f"{first.type} and {m.type}"
                self.add("V011", f"mention {m.id} duplicates mention {first.id} ([{m.start}, {m.end}) {m.text!r}, "
                         f"{types}); delete one.")  # fmt: skip

    def check_entity_types(self) -> None:
        by_id: dict[str, dict[str, Mention]] = {}
        for m in self.a.mentions:
            if m.entity_id and m.type in self.schema.entity_labels:
                by_id.setdefault(m.entity_id, {}).setdefault(m.type, m)
        for entity_id, types in by_id.items():
            if len(types) > 1:
                uses = " and ".join(f"{t} ({m.id} {m.text!r})" for t, m in types.items())
                self.add("V015", f"entity id {entity_id!r} is used for {uses}; give each entity one type, "
                         "or distinct ids to distinct entities.")  # fmt: skip

    # -- relations -------------------------------------------------------------------------

    def check_relations(self) -> None:
        mentions = self.a.mention_by_id()
        seen: dict[tuple[str, tuple[int, int], tuple[int, int]], str] = {}
        for r in self.a.relations:
            head, tail = mentions.get(r.head), mentions.get(r.tail)
            rtype = self.schema.relations.get(r.type)
            if rtype is None:
                self.add("V007", f"relation {r.id} has type {r.type!r}, which is not in schema {self.schema.version}; "
                         f"use one of {', '.join(self.schema.relations)}.")  # fmt: skip
            for end, mention in (("head", head), ("tail", tail)):
                if mention is None:
                    region = (r.head if end == "head" else r.tail).split("/", 1)[-1]
                    self.add("V009", f"relation {r.id} {r.type} has its {end} on region {region}, which does not exist "
                             "in this annotation (deleted?); delete the relation or redraw it.")  # fmt: skip
            if head is None or tail is None:
                continue
            if r.head == r.tail or head.span == tail.span:
                what = "mention" if r.head == r.tail else "span"
                self.add("V010", f"relation {r.id} {r.type} links {what} {head.text!r} to itself; delete it.")
                continue
            if rtype is not None and head.type in self.schema.entity_labels and tail.type in self.schema.entity_labels:
                if not rtype.allows(head.type, tail.type):
                    either = " (either direction)" if rtype.symmetric else ""
                    self.add("V008", f"relation {r.id} {r.type} goes from {head.type} {head.text!r} to {tail.type} "
                             f"{tail.text!r}; {r.type} allows {'/'.join(rtype.head)} -> {'/'.join(rtype.tail)}"
                             f"{either}. Fix the direction, the type or the labels.")  # fmt: skip
            key = (r.type, head.span, tail.span)
            if rtype is not None and rtype.symmetric:
                low, high = sorted((head.span, tail.span))
                key = (r.type, low, high)
            first = seen.setdefault(key, r.id)
            if first != r.id:
                self.add("V012", f"relation {r.id} duplicates relation {first} ({r.type} {head.text!r} -> "
                         f"{tail.text!r}); delete one.")  # fmt: skip


# --- presentation -------------------------------------------------------------------------


def issues_table(report: ValidationReport) -> str:
    """The report as an aligned text table (one issue per line) and a summary line."""
    rows = [("CODE", "SEVERITY", "DOCUMENT", "ANNOTATION", "ANNOTATOR", "MESSAGE")]
    rows += [(i.code, i.severity, i.doc_id or "-", i.annotation_id or "-", i.annotator or "-", i.message)
             for i in report.issues]  # fmt: skip
    widths = [max(len(row[k]) for row in rows) for k in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    errors, warnings = len(report.errors), len(report.warnings)
    scope = f"{report.annotations} annotation{'s' * (report.annotations != 1)} of {report.documents} document" + (
        "s" * (report.documents != 1)
    )
    if not report.issues:
        return f"No problems in {scope}.\n"
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} in {scope}."
    return "\n".join(lines) + "\n" + summary + "\n"
