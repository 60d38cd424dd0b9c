"""The file edge of validation: read a snapshot and a schema, validate, return the report.

:mod:`curation.core.validate` stays pure (records in, report out); this is what ``curation
validate`` calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from curation.core.normalize import load_snapshot
from curation.core.schema import DEFAULT_SCHEMA_PATH, load_schema
from curation.core.validate import ValidationReport, resolve_severities, validate


def validate_snapshot(
    path: Path | str, *, schema_path: Path | str | None = None, severities: Mapping[str, str] | None = None
) -> ValidationReport:
    """Validate the snapshot file ``path`` against the schema (default: schemas/schema.json)."""
    resolve_severities(severities)  # refuse a bad --severity before reading a large file
    schema = load_schema(schema_path or DEFAULT_SCHEMA_PATH)
    return validate(load_snapshot(path), schema, severities=severities)
