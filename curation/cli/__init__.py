"""The ``curation`` command line: options in, one library call, output out.

The group and what commands share live in :mod:`curation.cli.base`; the commands, grouped by
what they work on, in :mod:`~curation.cli.project` (schema, server, push, pull,
accept-predictions), :mod:`~curation.cli.review` (validate, agreement, adjudicate) and
:mod:`~curation.cli.publish` (release, evaluate, compare) and :mod:`~curation.cli.entities` (entities, preannotate).
Importing this package registers them all.
"""

from __future__ import annotations

from curation.cli import entities, project, publish, review  # noqa: F401  (register the commands)
from curation.cli.base import ProgressBars, cli, echo_json, reports_errors, say

__all__ = ["ProgressBars", "cli", "echo_json", "main", "reports_errors", "say"]


def main() -> None:
    cli()
