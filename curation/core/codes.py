"""The validation codes V001...: one table of code, name, default severity and meaning.

Stable: ``--json``, the docs (``docs/cli.md``) and the tests use the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    severity: str
    meaning: str


#: The validation codes: stable, documented, used by --json, the docs and the tests.
CODES: dict[str, Check] = {
    c.code: c
    for c in (
        Check("V001", "span-outside-text", "error", "span offsets are outside the text, or the span is empty"),
        Check("V002", "span-text-mismatch", "error", "text[start:end] differs from the span text Label Studio stored"),
        Check(
            "V003",
            "span-utf16-offsets",
            "error",
            "offsets count UTF-16 code units (they match the stored text only after converting, e.g. after an emoji)",
        ),  # noqa: E501
        Check(
            "V004",
            "span-edge-whitespace",
            "warning",
            "span starts or ends with whitespace (the message gives the trimmed span)",
        ),  # noqa: E501
        Check(
            "V005",
            "span-edge-punctuation",
            "warning",
            "span starts or ends with punctuation (the message gives the trimmed span)",
        ),  # noqa: E501
        Check(
            "V006",
            "unknown-entity-type",
            "error",
            "mention label is not an entity type of the schema (or a region has several labels)",
        ),  # noqa: E501
        Check("V007", "unknown-relation-type", "error", "relation type is not in the schema"),
        Check(
            "V008", "relation-types-not-allowed", "error", "the relation does not allow its head and tail entity types"
        ),
        Check(
            "V009",
            "relation-endpoint-missing",
            "error",
            "a relation endpoint region does not exist in the annotation (deleted region)",
        ),  # noqa: E501
        Check("V010", "self-relation", "error", "a relation links a mention (or a span) to itself"),
        Check("V011", "duplicate-mention", "error", "two mentions of one annotation cover the same span"),
        Check(
            "V012", "duplicate-relation", "error", "two relations of one annotation have the same type and endpoints"
        ),
        Check("V013", "entity-id-missing", "error", "a mention has no canonical entity id"),
        Check("V014", "entity-id-malformed", "error", "an entity id does not match the schema's entity id pattern"),
        Check(
            "V015",
            "entity-id-type-conflict",
            "error",
            "one entity id is used with two entity types in the same annotation",
        ),  # noqa: E501
        Check(
            "V016",
            "text-hash-mismatch",
            "error",
            "the document text in Label Studio differs from the pushed text (sha256)",
        ),  # noqa: E501
        Check(
            "V017",
            "text-hash-missing",
            "warning",
            "the task carries no text_sha256 (it was not imported by curation push)",
        ),  # noqa: E501
        Check("V018", "empty-annotation", "error", "an annotation has no result at all and is not marked skipped"),
        Check(
            "V019",
            "annotator-unknown",
            "error",
            "an annotation has no Label Studio user id, so it has no annotator pseudonym",
        ),  # noqa: E501
        Check(
            "V020",
            "result-not-converted",
            "error",
            "a Label Studio result or prediction could not become a mention or relation",
        ),  # noqa: E501
        Check(
            "V021",
            "task-not-converted",
            "error",
            "a task has no usable document (no doc_id or text), so its annotations are unused",
        ),  # noqa: E501
        Check(
            "V022",
            "duplicate-task",
            "warning",
            "a second task holds the same document (same text; its annotations are kept)",
        ),  # noqa: E501
        Check("V023", "unsubmitted-draft", "warning", "a task has an unsubmitted draft, which is not an annotation"),
    )
}


def codes_table() -> list[tuple[str, str, str, str]]:
    """``(code, name, default severity, meaning)`` rows, for docs and ``--help``."""
    return [(c.code, c.name, c.severity, c.meaning) for c in CODES.values()]
