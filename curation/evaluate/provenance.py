"""What a score is of, so that it can be cited: the release, the prediction files, the settings.

A score means something only with the data it was computed on: the release's name and
version (from its ``release.json``), the sha256 of its ``MANIFEST.sha256`` (which pins every
file of the release), the split, the sha256 of each prediction file, the tool's version and
the bootstrap settings. :func:`provenance` gathers them for ``--format json|markdown|latex``.

A prediction file may say which release it was made for in an optional first line,
``{"release": "geonews-ie", "version": "2.0.0"}``; :func:`check_release` refuses to score it
against another one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation import __version__
from curation.core.errors import PredictionsError
from curation.evaluate.bootstrap import CONFIDENCE, METHOD
from curation.evaluate.predictions import read_header


@dataclass(frozen=True)
class ReleaseId:
    """A release folder's name, version and manifest hash (None for a folder that is no release)."""

    folder: Path
    name: str | None
    version: str | None
    manifest_sha256: str | None

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}" if self.name and self.version else str(self.folder)


def release_id(folder: Path | str) -> ReleaseId:
    """Read ``release.json`` and hash ``MANIFEST.sha256`` of ``folder`` (each only when present)."""
    folder = Path(folder)
    name = version = None
    try:
        meta = json.loads((folder / "release.json").read_text(encoding="utf-8"))
        name, version = meta.get("name"), meta.get("version")
    except (OSError, ValueError):
        pass
    manifest = folder / "MANIFEST.sha256"
    digest = file_sha256(manifest) if manifest.is_file() else None
    return ReleaseId(
        folder, name if isinstance(name, str) else None, version if isinstance(version, str) else None, digest
    )


def file_sha256(path: Path | str) -> str:
    sha = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def check_release(predictions: Path | str, release: ReleaseId) -> str | None:
    """Refuse ``predictions`` whose header names another release; a note when it cannot be checked."""
    header = read_header(predictions)
    if header is None:
        return None
    made_for = f"{header['release']} {header['version']}"
    if release.name is None or release.version is None:
        return f"{predictions} was made for {made_for}; {release.folder} has no release.json to check that against."
    if (header["release"], header["version"]) != (release.name, release.version):
        raise PredictionsError(
            f"{predictions} was made for {made_for} (its line 1), but {release.folder} is {release.label}. "
            f"Score it against {made_for}, or predict again on {release.label}."
        )
    return None


def provenance(
    release: ReleaseId,
    *,
    split: str,
    languages: Sequence[str],
    predictions: Sequence[Path | str],
    resamples: int,
    seed: int,
) -> dict[str, Any]:
    """Everything a reader needs to know which data and settings a score is of.

    ``languages``: the language of each scored document.
    """
    by_language = {lang: sum(1 for x in languages if x == lang) for lang in sorted(set(languages))}
    return {
        "release": release.name,
        "version": release.version,
        "folder": str(release.folder),
        "split": split,
        "documents": len(languages),
        "documents_by_language": by_language,
        "manifest_sha256": release.manifest_sha256,
        "predictions": [{"file": str(p), "sha256": file_sha256(p)} for p in predictions],
        "tool": {"name": "curation", "version": __version__},
        "bootstrap": (
            {"method": METHOD, "resamples": resamples, "seed": seed, "confidence": CONFIDENCE} if resamples else None
        ),
    }
