"""The alias matcher: every alias of every entity of a release, found in a text (pure).

One matcher serves the pre-annotations of ``curation preannotate`` and the dictionary baseline
(``examples/dictionary_baseline.py``); they differ in two switches:

- ``normalized``: aliases and text are compared after the text normalization of triples
  matching (:mod:`curation.core.textnorm`: case, Arabic diacritics and letter variants,
  invisible characters, whitespace runs); offsets are mapped back to the original text, which
  is never altered, so ``text[start:end]`` is the mention. Off: exact, case-sensitive match.
- ``boundaries``: a match may not start or end inside a word (letters, digits, ``_``), except
  after an Arabic proclitic (و ف ب ل ك, the article ال, or one of those letters and ال), which
  is written joined to the next word, and where two words run together because a line break
  was lost (a lower-case letter, then an upper-case one: ``SiasaKorea``). Off: any position.

At each position the longest alias wins, scanning left to right without overlaps. An alias
shared by several entities names the type most of them have (ties: alphabetical), and of those
the entity found in most documents (ties: alphabetical id)::

    {"id": "vladimir_putin", "type": "PER", "aliases": [{"language": "en", "aliases": ["Putin"]}],
     "documents": ["d1", "d2"]}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from curation.core.textnorm import normalize_char, normalize_with_offsets


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


def alias_targets(
    entity_rows: Iterable[Mapping], *, normalized: bool = False, languages: Collection[str] = ()
) -> dict[str, Target]:
    """Alias (its key) -> the entity it names, from a release's ``entities`` rows (see the module
    docstring); with ``languages``, only the aliases of those languages."""
    by_key: dict[str, list[Mapping]] = defaultdict(list)
    type_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for entity in entity_rows:
        for block in entity["aliases"]:
            if languages and block["language"] not in languages:
                continue
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
        self.boundaries = boundaries
        lengths: dict[str, set[int]] = defaultdict(set)
        for key in self.targets:
            lengths[key[0]].add(len(key))
        #: first character -> the lengths of the aliases starting with it, longest first
        self.lengths = {first: sorted(sizes, reverse=True) for first, sizes in lengths.items()}

    def find(self, text: str) -> list[Match]:
        """Every alias in ``text``, left to right, longest first, without overlaps."""
        searched, origin = normalize_with_offsets(text) if self.normalized else (text, range(len(text)))
        out = []
        position = 0
        while position < len(searched):
            hit = None
            if searched[position] in self.lengths and self._starts(searched, origin, text, position):
                hit = self._longest_at(searched, origin, text, position)
            if hit is None:
                position += 1
                continue
            end_n = position + hit
            start, end = origin[position], origin[end_n - 1] + 1
            while self.normalized and end < len(text) and not normalize_char(text[end]):
                end += 1  # a trailing diacritic stays on the mention
            target = self.targets[searched[position:end_n]]
            out.append(Match(start, end, text[start:end], target.type, target.entity_id))
            position = end_n
        return out

    def _longest_at(self, searched: str, origin: Sequence[int], text: str, position: int) -> int | None:
        for length in self.lengths[searched[position]]:
            end = position + length
            if (
                end <= len(searched)
                and searched[position:end] in self.targets
                and self._ends(searched, origin, text, end)
            ):
                return length
        return None

    def _starts(self, searched: str, origin: Sequence[int], text: str, i: int) -> bool:
        """May a match start at ``searched[i]``? (Always without ``boundaries``.)"""
        if not self.boundaries or i == 0 or not _word(searched[i - 1]) or not _word(searched[i]):
            return True
        if _glued(text, origin[i - 1], origin[i]):
            return True
        before = searched[max(0, i - 3) : i]
        return any(before.endswith(p) and (len(before) == len(p) or not _word(before[-len(p) - 1]))
                   for p in _PROCLITICS if len(before) >= len(p))  # fmt: skip

    def _ends(self, searched: str, origin: Sequence[int], text: str, end: int) -> bool:
        """May a match end before ``searched[end]``?"""
        if not self.boundaries or end == len(searched) or not _word(searched[end]) or not _word(searched[end - 1]):
            return True
        return _glued(text, origin[end - 1], origin[end])


#: Arabic proclitics written joined to the next word: a conjunction or preposition, the article, or both.
_PROCLITICS = tuple(["ال"] + list("وفبلك") + [c + "ال" for c in "وفبلك"])


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _glued(text: str, left: int, right: int) -> bool:
    """Two words run together where a line break was lost (``SiasaKorea``): lower case, then upper case."""
    return text[left].islower() and text[right].isupper()
