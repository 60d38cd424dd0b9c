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

The rule is written twice: for Python's ``re`` (:func:`token_pattern`, one document at a time)
and as code point classes (:func:`char_class`, :func:`bmp_classes`), which :mod:`curation.release.tagging`
applies to a whole release with numpy; both read this Python's Unicode database, and
``tests/release/test_tokens.py`` checks they cut every code point and random texts alike.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter, or_

from curation.core.records import Mention

JOINERS = "\u200c\u200d"
APOSTROPHES = "'\u2019"


#: Code point classes of the rule: a word character, whitespace, an apostrophe, anything else.
OTHER, WORD, SPACE, APOSTROPHE = 0, 1, 2, 3


def char_class(char: str) -> int:
    """The class of one character: :data:`WORD` is what the word pattern's class holds
    (``str.isalnum``, which is what ``\\w`` tests besides ``_``; ``_``; combining marks; the
    joiners), :data:`SPACE` is ``str.isspace`` (what ``\\s`` tests), then the apostrophes."""
    if char.isalnum() or char in "_" + JOINERS or unicodedata.category(char)[0] == "M":
        return WORD
    if char.isspace():
        return SPACE
    return APOSTROPHE if char in APOSTROPHES else OTHER


@lru_cache(maxsize=1)
def bmp_classes() -> bytes:
    """:func:`char_class` of every code point below U+10000, read from this Python's Unicode database
    (all of Unicode would take 0.3 s; the few code points above are classified one by one)."""
    chars = list(map(chr, range(0x10000)))
    marks = "".join(map(itemgetter(0), map(unicodedata.category, chars))).encode("latin-1")
    classes = bytearray(map(or_, bytes(map(str.isalnum, chars)), marks.translate(_MARK_FLAGS)))
    for code, space in enumerate(map(str.isspace, chars)):
        if space:
            classes[code] = SPACE
    for char in "_" + JOINERS:
        classes[ord(char)] = WORD
    for char in APOSTROPHES:
        classes[ord(char)] = APOSTROPHE
    return bytes(classes)


_MARK_FLAGS = bytes(int(code == ord("M")) for code in range(256))


@lru_cache(maxsize=1)
def token_pattern() -> re.Pattern[str]:
    """The tokenizer's rule (module docstring) for Python's ``re``, one capturing group (for ``split``).

    ``\\w`` is every Unicode letter and number (and ``_``); the combining marks are added as
    code point ranges read from this Python's Unicode database.
    """
    initials = "".join(map(itemgetter(0), map(unicodedata.category, map(chr, range(sys.maxunicode + 1)))))
    marks = "".join(f"{re.escape(chr(r.start()))}-{re.escape(chr(r.end() - 1))}" for r in re.finditer("M+", initials))
    word = f"[\\w{marks}{JOINERS}]"
    return re.compile(f"({word}+(?:[{APOSTROPHES}]{word}+)*|\\S)")


def split_tokens(text: str) -> tuple[list[str], list[int]]:
    """The tokens of ``text`` and their edges: token ``i`` is ``text[edges[2i]:edges[2i + 1]]``.

    ``edges`` are the cumulative lengths of the text cut into gap, token, gap, ..., token, gap
    (gaps are whitespace, maybe empty), so it is sorted and ends with ``len(text)``: the tokens
    overlapping a span are found by bisection (:func:`bio_tag_ids`) without a tuple per token.
    """
    parts = split_parts(text)
    return parts[1::2], list(accumulate(map(len, parts)))


def split_parts(text: str) -> list[str]:
    """The text cut into gap, token, gap, ..., token, gap (``text == "".join(parts)``; gaps may be empty)."""
    return token_pattern().split(text)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` for every token, offsets half-open in code points.

    ``tokenize("Kim's visit, 2023.")`` is ``[("Kim's", 0, 5), ("visit", 6, 11), (",", 11, 12),
    ("2023", 13, 17), (".", 17, 18)]``.
    """
    tokens, edges = split_tokens(text)
    return list(zip(tokens, edges[0::2], edges[1::2]))


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

    def add(self, other: TagStats) -> None:
        self.overlapping += other.overlapping
        self.inside_token += other.inside_token


def bio_tags(tokens: Sequence[tuple[str, int, int]], mentions: Iterable[Mention]) -> tuple[list[str], TagStats]:
    """One ``O``/``B-X``/``I-X`` tag per ``(token, start, end)`` from the mentions; see the module docstring."""
    mentions = list(mentions)
    names = bio_tag_names(sorted({m.type for m in mentions}))
    edges = [edge for _, start, end in tokens for edge in (start, end)]
    ids, stats = bio_tag_ids(edges, mentions, {name: i for i, name in enumerate(names)})
    return [names[i] for i in ids], stats


def bio_tag_ids(
    edges: Sequence[int], mentions: Iterable[Mention], tag_index: Mapping[str, int]
) -> tuple[list[int], TagStats]:
    """:func:`bio_tags` as ClassLabel integers (``tag_index``, ``O`` = 0) over the edges of :func:`split_tokens`.

    The tokens overlapping ``[start, end)`` are ``first = bisect_right(edges, start) // 2`` up to
    ``(bisect_left(edges, end) + 1) // 2`` (exclusive): the first token ending after ``start``,
    up to the last one starting before ``end``.
    """
    tags = [0] * (len(edges) // 2)
    stats = TagStats()
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start, m.end, m.type)):
        first = bisect_right(edges, mention.start) // 2
        last = min((bisect_left(edges, mention.end) + 1) // 2, len(tags))
        if first >= last:
            continue
        if any(tags[first:last]):
            stats.overlapping += 1
            continue
        if edges[2 * first] != mention.start or edges[2 * last - 1] != mention.end:
            stats.inside_token += 1
        tags[first] = tag_index[f"B-{mention.type}"]
        if last - first > 1:
            tags[first + 1 : last] = [tag_index[f"I-{mention.type}"]] * (last - first - 1)
    return tags, stats
