"""Stable split assignment: a document keeps its split in every later release.

A split config is ``name=fraction`` pairs (``test=1``, the default, or
``train=0.8,validation=0.1,test=0.1``). A document already released keeps the split it had.
A new document goes to the split whose cumulative fraction first exceeds
``u = int(sha256("<seed>\\0<doc_id>")[:16], 16) / 16**16``: the draw depends only on the seed
and the doc id, never on the other documents, so adding articles moves nobody.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping

from curation.core.errors import ReleaseError

DEFAULT_SPLIT_CONFIG = "test=1"
DEFAULT_SPLIT_SEED = "curation"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_split_config(spec: str) -> tuple[tuple[str, float], ...]:
    """``"train=0.8,test=0.2"`` -> ``(("train", 0.8), ("test", 0.2))``; fractions must sum to 1."""
    pairs: list[tuple[str, float]] = []
    for part in spec.split(","):
        name, sep, value = part.strip().partition("=")
        try:
            fraction = float(value)
        except ValueError:
            fraction = -1.0
        if not sep or not _NAME.match(name) or not (0 < fraction <= 1):
            raise ReleaseError(
                f"Bad split config {spec!r} at {part.strip()!r}. "
                "Write name=fraction pairs with fractions in (0, 1], e.g. --split-config train=0.8,test=0.2."
            )
        if name in dict(pairs):
            raise ReleaseError(f"Bad split config {spec!r}: split {name!r} appears twice. Name each split once.")
        pairs.append((name, fraction))
    total = sum(f for _, f in pairs)
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        raise ReleaseError(f"Bad split config {spec!r}: fractions add up to {total:g}, not 1. Adjust them.")
    return tuple(pairs)


def draw(seed: str, doc_id: str) -> float:
    """The document's fixed uniform number in [0, 1)."""
    digest = hashlib.sha256(f"{seed}\0{doc_id}".encode()).hexdigest()
    return int(digest[:16], 16) / float(16**16)


def assign_splits(
    doc_ids: Iterable[str], *, spec: str, seed: str, previous: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Split of every document: the previous release's split if it had one, else its draw."""
    pairs = parse_split_config(spec)
    previous = previous or {}
    out: dict[str, str] = {}
    for doc_id in doc_ids:
        if doc_id in previous:
            out[doc_id] = previous[doc_id]
            continue
        u, cumulative = draw(seed, doc_id), 0.0
        out[doc_id] = pairs[-1][0]
        for name, fraction in pairs:
            cumulative += fraction
            if u < cumulative:
                out[doc_id] = name
                break
    return out
