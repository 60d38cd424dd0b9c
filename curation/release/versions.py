"""Release versions: MAJOR.MINOR.PATCH, what exists already, and the bump a change needs."""

from __future__ import annotations

import re
from pathlib import Path

from curation.core.errors import ReleaseError

_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
LEVEL_WHY = {
    "major": "gold labels of released documents changed or documents were removed",
    "minor": "new documents were added",
    "patch": "only the card, provenance or file encoding changed",
}


def parse_version(version: str) -> tuple[int, int, int]:
    """``"1.2.3"`` -> ``(1, 2, 3)``; anything else is refused."""
    match = _VERSION.match(version)
    if not match:
        raise ReleaseError(f"Version {version!r} is not MAJOR.MINOR.PATCH. Use e.g. --version 1.0.0.")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def released_versions(exports: Path, name: str) -> list[str]:
    """Versions already released under ``exports/<name>/``, oldest first."""
    folder = exports / name
    if not folder.is_dir():
        return []
    return sorted((p.name for p in folder.iterdir() if p.is_dir() and _VERSION.match(p.name)), key=parse_version)


def check_new_version(exports: Path, name: str, version: str) -> str | None:
    """Rules 1 and 2; returns the previous version (the last one released), if any."""
    parse_version(version)
    target = exports / name / version
    versions = released_versions(exports, name)
    last = versions[-1] if versions else None
    if target.exists():
        raise ReleaseError(
            f"{target} already exists: a release is never overwritten. Release a new version (the last one is {last})."
            if last
            else f"{target} already exists: a release is never overwritten."
        )
    if last and parse_version(version) <= parse_version(last):
        raise ReleaseError(
            f"Version {version} is not greater than {last}, the last release of {name}. "
            f"Use a higher version, e.g. {next_version(last, 'patch')}."
        )
    return last


def next_version(version: str, level: str) -> str:
    major, minor, patch = parse_version(version)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[
        level
    ]


def bump_level(old: str, new: str) -> str:
    """Which component ``new`` raises over ``old`` (``major``, ``minor`` or ``patch``)."""
    a, b = parse_version(old), parse_version(new)
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def check_bump(previous: str, version: str, level: str | None, force_reason: str | None) -> None:
    """Rule 4: the version bump must be the one the change needs, unless forced with a reason."""
    if force_reason:
        return
    if level is None:
        raise ReleaseError(
            f"Nothing changed since {previous}: same data and same card. There is nothing to release; "
            f"pass --force-version REASON to cut {version} anyway."
        )
    given = bump_level(previous, version)
    if given != level:
        raise ReleaseError(
            f"Version {version} is a {given} bump of {previous}, but the change needs a {level} bump "
            f"({LEVEL_WHY[level]}). Release it as {next_version(previous, level)}, or pass "
            f"--force-version REASON to keep {version} and say why in the changelog."
        )
