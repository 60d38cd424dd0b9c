"""The ``tokens`` config's tokenizer and BIO tags, one documented rule for every language.

Tokenizer (:func:`tokenize`): a token is either

* a **word**: a maximal run of Unicode letters (L*), combining marks (M*: Arabic harakat,
  shadda, Indic vowel signs...), numbers (N*), the underscore and the zero-width (non-)joiners
  U+200C/U+200D, where an apostrophe (``'`` or ``’``) between two such characters stays inside the word
  (Swahili *ng'ombe*, English *Kim’s*); or
* any other single non-space character (punctuation, symbols, emoji code points), alone.

Whitespace separates tokens and is never part of one. The rule needs no language model and
treats English, Arabic (tatweel is a letter, diacritics are marks, so a word is never split
by its vowelling) and Swahili alike. It does not split Arabic clitics (``وروسيا`` "and
Russia" is one token): when a mention covers part of a token, the whole token is tagged.

BIO tags (:func:`bio_tags`): a token is tagged by the mention it overlaps, ``B-<type>`` on
the mention's first token and ``I-<type>`` on the rest. Nested or overlapping mentions cannot
be expressed in BIO: the longer (then earlier) mention wins and the other is reported in
:class:`TagStats`, as are mentions whose edges fall inside a token.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from curation.records import Mention


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern[str]:
    # \w is every Unicode letter and number (and "_"); the combining marks and the joiners are
    # added as code point ranges, read from this Python's Unicode database.
    marks, start = [], None
    for code in range(sys.maxunicode + 2):
        is_mark = code <= sys.maxunicode and unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            marks.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    word = f"[\\w{''.join(marks)}\u200c\u200d]"
    return re.compile(f"{word}+(?:['\u2019]{word}+)*|\\S")


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` for every token, offsets half-open in code points.

    ``tokenize("Kim's visit, 2023.")`` is ``[("Kim's", 0, 5), ("visit", 6, 11), (",", 11, 12),
    ("2023", 13, 17), (".", 17, 18)]``.
    """
    return [(m.group(), m.start(), m.end()) for m in _token_pattern().finditer(text)]


def bio_tag_names(entity_labels: Sequence[str]) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for each entity type in schema order (the ClassLabel names)."""
    names = ["O"]
    for label in entity_labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def bio_tag_names_index(entity_labels: Sequence[str]) -> dict[str, int]:
    """Tag name -> its ClassLabel integer."""
    return {name: i for i, name in enumerate(bio_tag_names(entity_labels))}


@dataclass
class TagStats:
    """What BIO could not express, counted over a release (shown in the card)."""

    overlapping: int = 0
    inside_token: int = 0

    def add(self, other: "TagStats") -> None:
        self.overlapping += other.overlapping
        self.inside_token += other.inside_token


def bio_tags(tokens: Sequence[tuple[str, int, int]], mentions: Iterable[Mention]) -> tuple[list[str], TagStats]:
    """One ``O``/``B-X``/``I-X`` tag per token from the mentions; see the module docstring."""
    tags = ["O"] * len(tokens)
    starts = [start for _, start, _ in tokens]
    ends = [end for _, _, end in tokens]
    stats = TagStats()
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start, m.end, m.type)):
        covered = _overlapping(starts, ends, mention.start, mention.end)
        if not covered:
            continue
        if any(tags[i] != "O" for i in covered):
            stats.overlapping += 1
            continue
        if starts[covered[0]] != mention.start or ends[covered[-1]] != mention.end:
            stats.inside_token += 1
        tags[covered[0]] = f"B-{mention.type}"
        for i in covered[1:]:
            tags[i] = f"I-{mention.type}"
    return tags, stats


def _overlapping(starts: Sequence[int], ends: Sequence[int], start: int, end: int) -> list[int]:
    """Indexes of the tokens that share at least one character with ``[start, end)``."""
    first = bisect.bisect_right(ends, start)
    last = bisect.bisect_left(starts, end)
    return list(range(first, last))
