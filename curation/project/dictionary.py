"""The alias matcher: every alias of every entity of a release, found in a text (pure).

One matcher serves the pre-annotations of ``curation preannotate`` and the dictionary baseline
(``examples/dictionary_baseline.py``); they differ in two switches:

- ``normalized``: aliases and text are compared after the text normalization of triples
  matching (:mod:`curation.core.textnorm`: case, Arabic diacritics and letter variants,
  invisible characters, whitespace runs); offsets are mapped back to the original text, which
  is never altered, so ``text[start:end]`` is the mention. Off: exact, case-sensitive match.
- ``boundaries``: a match may not start or end inside a word (letters, digits, ``_``), except
  after one Arabic proclitic letter (و ف ب ل ك) or the article ال, which attach to the next
  word. Off: any position.

At each position the longest alias wins, scanning left to right without overlaps. An alias
shared by several entities names the type most of them have (ties: alphabetical), and of those
the entity found in most documents (ties: alphabetical id)::

    {"id": "vladimir_putin", "type": "PER", "aliases": [{"language": "en", "aliases": ["Putin"]}],
     "documents": ["d1", "d2"]}
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from curation.core.textnorm import normalize_char, normalize_with_offsets

_PROCLITIC = "(?:(?<!\\w)|(?<=(?<!\\w)[وفبلك])|(?<=(?<!\\w)ال)|(?<=(?<!\\w)[وفبلك]ال))"


@dataclass(frozen=True, slots=True)
class Target:
    """What an alias names: the entity's type and id."""

    type: str
    entity_id: str


@dataclass(frozen=True, slots=True)
class Match:
    """An alias found at ``text[start:end]``."""

    start: int
    end: int
    text: str
    type: str
    entity_id: str


def alias_key(alias: str, *, normalized: bool) -> str:
    """The form an alias is compared in: itself, or its normalized form (stripped)."""
    return normalize_with_offsets(alias)[0].strip() if normalized else alias


def alias_targets(entity_rows: Iterable[Mapping], *, normalized: bool = False) -> dict[str, Target]:
    """Alias (its key) -> the entity it names, from a release's ``entities`` rows (see the module docstring)."""
    by_key: dict[str, list[Mapping]] = defaultdict(list)
    type_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for entity in entity_rows:
        for block in entity["aliases"]:
            for alias in block["aliases"]:
                key = alias_key(alias, normalized=normalized)
                if not key.strip():
                    continue
                type_counts[key][entity["type"]] += 1  # once per language it is an alias in
                if entity not in by_key[key]:
                    by_key[key].append(entity)
    targets = {}
    for key, entities in by_key.items():
        types = type_counts[key]
        etype = min(types, key=lambda t: (-types[t], t))
        best = min((e for e in entities if e["type"] == etype), key=lambda e: (-len(e.get("documents") or ()), e["id"]))
        targets[key] = Target(etype, best["id"])
    return targets


class Matcher:
    """Finds the aliases of a table in texts (build once, call :meth:`find` per text)."""

    def __init__(self, targets: Mapping[str, Target], *, normalized: bool = False, boundaries: bool = False):
        self.targets = dict(targets)
        self.normalized = normalized
        ordered = sorted(self.targets, key=lambda w: (-len(w), w))
        body = "|".join(re.escape(w) for w in ordered)
        if boundaries and body:
            body = f"{_PROCLITIC}(?:{body})(?!\\w)"
        self.pattern = re.compile(body) if ordered else None

    def find(self, text: str) -> list[Match]:
        """Every alias in ``text``, left to right, longest first, without overlaps."""
        if self.pattern is None:
            return []
        if self.normalized:
            searched, origin = normalize_with_offsets(text)
        else:
            searched, origin = text, ()
        out = []
        for hit in self.pattern.finditer(searched):
            target = self.targets[hit.group()]
            if self.normalized:
                start, end = origin[hit.start()], origin[hit.end() - 1] + 1
                while end < len(text) and not normalize_char(text[end]):  # a trailing diacritic stays on
                    end += 1
            else:
                start, end = hit.span()
            out.append(Match(start, end, text[start:end], target.type, target.entity_id))
        return out
