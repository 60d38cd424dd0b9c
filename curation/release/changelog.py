"""``CHANGELOG.md``: this release's entry (a diff against the previous release) above the old ones.

Entries carry no dates or Label Studio ids, only versions, counts and document ids, so the
same gold always gives the same changelog.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from curation.release.card.markdown import table
from curation.release.diff import KINDS, Diff

HEADER = "# Changelog\n\nEach entry compares a release with the previous release of the same name.\n"
MAX_IDS = 50


def render_changelog(
    *,
    version: str,
    level: str | None,
    previous_version: str | None,
    diff: Diff,
    force_reason: str | None,
    previous_changelog: str = "",
    id_merges: Mapping[tuple[str, str], int] | None = None,
    id_map_file: str = "source/id-map.json",
) -> str:
    """The new changelog: header, this release's entry, then the previous entries unchanged.

    ``id_merges`` (from id, to id) -> gold mentions renamed, when a reviewed id map was applied."""
    entry = [f"## {version}\n"]
    if previous_version is None:
        entry.append("First release.\n")
    else:
        what = {
            "major": "major: gold labels of released documents changed, or documents were removed",
            "minor": "minor: new documents, released ones unchanged",
            "patch": "patch: no gold label changed and no document was added (card, provenance or file changes)",
            None: "none: nothing changed",
        }[level]
        entry.append(f"Compared with {previous_version}. Change {what}.\n")
    if force_reason:
        entry.append(f"Version chosen with --force-version: {force_reason}\n")
    if id_merges is not None:
        renames = ", ".join(f"`{a}` → `{b}` ({n} mention{'s' * (n != 1)})" for (a, b), n in sorted(id_merges.items()))
        entry.append(
            f"Entity ids renamed by the reviewed id map `{id_map_file}`: {renames or 'none of its ids occur'}.\n"
        )
    rows = [
        (lang, kind, c["added"], c["removed"], c["changed"])
        for lang, by_kind in diff.counts.items()
        for kind in KINDS
        for c in [by_kind[kind]]
        if any(c.values())
    ]
    entry.append(
        table(["language", "kind", "added", "removed", "changed"], rows) if rows else "No differences in the data.\n"
    )
    for label, ids in (("added", diff.added), ("removed", diff.removed), ("changed", diff.changed)):
        if ids and previous_version is not None:
            entry.append(f"Documents {label}: {_ids(ids)}.\n")
    older = previous_changelog.split("\n## ", 1)[1] if "\n## " in previous_changelog else ""
    return HEADER + "\n" + "\n".join(entry) + ("\n## " + older if older else "")


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(f"`{i}`" for i in ids[:MAX_IDS])
    return shown + (f" and {len(ids) - MAX_IDS} more" if len(ids) > MAX_IDS else "")
