"""The ``tokens`` config's tokenizer and BIO tags, one documented rule, versioned.

Tokenizer (:func:`tokenize`): a token is either

* a **word**: a maximal run of Unicode letters (L*), combining marks (M*: Arabic harakat,
  shadda, Indic vowel signs...), numbers (N*), the underscore and the zero-width (non-)joiners
  U+200C/U+200D, where an apostrophe (``'`` or ``’``) between two such characters stays inside the word
  (Swahili *ng'ombe*, English *O'Brien*); or
* any other single non-space character (punctuation, symbols, emoji code points), alone.

Whitespace separates tokens and is never part of one. The rule needs no language model and
treats English, Arabic (tatweel is a letter, diacritics are marks, so a word is never split
by its vowelling) and Swahili alike, with one exception since rule 2:

* **the English clitic** ``'s``: in a document whose ``language`` is ``en``, a word (as above)
  whose last two characters are an apostrophe (``'`` or ``’``) and ``s`` or ``S`` is cut before
  that apostrophe into the stem and the clitic, as the Penn Treebank and CoNLL-2003 cut it:
  ``Kim’s`` -> ``Kim``, ``’s``; ``Korea's`` -> ``Korea``, ``'s``; ``it's`` -> ``it``, ``'s``;
  ``O'Brien's`` -> ``O'Brien``, ``'s`` (one cut per word, at its end). The stem is never empty,
  since the apostrophe is inside the word. A plural possessive needs no rule: an apostrophe
  ending a word is not between two word characters, so ``leaders’`` is already ``leaders``,
  ``’``. The other clitics (``n't``, ``'ll``, ``'re``, ``'ve``, ``'d``, ``'m``) stay in their word;
  so do every apostrophe of a non-English document (Swahili *ng'ombe*) and the Arabic
  proclitics (``وروسيا`` "and Russia" is one token: splitting و, ف, ب, ل or ك by rule would also cut
  words that merely begin with those letters).

A release records the rule it was built with (:data:`TOKENIZERS`, ``tokenizer`` in its
``source/build.json``): rule 1, the rule above without the English clitic, for releases cut
before it (their ``build.json`` has no ``tokenizer``), rule 2 since. :func:`splits_clitic`
says whether a document's words lose their clitic.

BIO tags (:func:`bio_tags`): a token is tagged by the mention it overlaps, ``B-<type>`` on
the mention's first token and ``I-<type>`` on the rest. Nested or overlapping mentions cannot
be expressed in BIO: the longer (then earlier) mention wins and the other is reported in
:class:`TagStats`, as are mentions whose edges fall inside a token, with why
(:func:`inside_token_cause`). :func:`bio_spans` reads the tags back as spans.

The rule is written twice: for Python's ``re`` (:func:`token_pattern`, one document at a time)
and as code point classes (:func:`char_class`, :func:`bmp_classes`), which :mod:`curation.release.tagging`
applies to a whole release with numpy; both read this Python's Unicode database, and
``tests/release/test_tokens.py`` checks they cut every code point and random texts alike (with
and without the clitic), and count the same mentions inside tokens for the same causes
(:func:`inside_token_cause`, :func:`bmp_cases`).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress
from operator import itemgetter, or_

from curation.core.records import Mention

JOINERS = "\u200c\u200d"
APOSTROPHES = "'\u2019"
#: The letters of the English clitic ``'s`` after its apostrophe.
CLITIC_S = "sS"
#: Arabic proclitics written against the next word: and, so, with, for, like.
ARABIC_PROCLITICS = "وفبلك"

#: Tokenizer rules (module docstring): "1" without the English clitic, "2" with it.
TOKENIZERS = ("1", "2")
#: The rule new releases are built with.
TOKENIZER = "2"


def splits_clitic(language: str, tokenizer: str) -> bool:
    """Whether a document in ``language`` loses the English clitic ``'s`` under rule ``tokenizer``."""
    if tokenizer not in TOKENIZERS:
        raise ValueError(f"unknown tokenizer rule {tokenizer!r}: this curation knows rules {', '.join(TOKENIZERS)}")
    return tokenizer != "1" and language == "en"


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

#: Letter cases :func:`inside_token_cause` reads (``str.islower``, ``str.isupper``; no character is both).
NO_CASE, LOWER, UPPER = 0, 1, 2


def char_case(char: str) -> int:
    return LOWER if char.islower() else UPPER if char.isupper() else NO_CASE


@lru_cache(maxsize=1)
def bmp_cases() -> bytes:
    """:func:`char_case` of every code point below U+10000."""
    chars = list(map(chr, range(0x10000)))
    return bytes(map(int.__add__, map(str.islower, chars), map((2).__mul__, map(str.isupper, chars))))


@lru_cache(maxsize=1)
def _word_class() -> str:
    """The word characters as a ``re`` class: ``\\w`` is every Unicode letter and number (and ``_``);
    the combining marks are added as code point ranges read from this Python's Unicode database."""
    initials = "".join(map(itemgetter(0), map(unicodedata.category, map(chr, range(sys.maxunicode + 1)))))
    marks = "".join(f"{re.escape(chr(r.start()))}-{re.escape(chr(r.end() - 1))}" for r in re.finditer("M+", initials))
    return f"[\\w{marks}{JOINERS}]"


@lru_cache(maxsize=2)
def token_pattern(clitic: bool = False) -> re.Pattern[str]:
    """The tokenizer's rule (module docstring) for Python's ``re``, one capturing group (for ``split``);
    ``clitic``: the English clitic ``'s`` is cut off.

    With the clitic, a word is tried first as a stem: the shortest run of apostrophe-joined parts
    followed by an apostrophe, ``s`` and the word's end (neither a word character nor an
    apostrophe before one); the clitic is then a token when a word character precedes it.
    """
    word, apostrophe = _word_class(), f"[{APOSTROPHES}]"
    whole = f"{word}+(?:{apostrophe}{word}+)*"
    if not clitic:
        return re.compile(f"({whole}|\\S)")
    ending = f"{apostrophe}[{CLITIC_S}](?!{apostrophe}?{word})"
    stem = f"{word}+(?:{apostrophe}{word}+)*?(?={ending})"
    return re.compile(f"({stem}|(?<={word}){ending}|{whole}|\\S)")


def split_tokens(text: str, clitic: bool = False) -> tuple[list[str], list[int]]:
    """The tokens of ``text`` and their edges: token ``i`` is ``text[edges[2i]:edges[2i + 1]]``.

    ``edges`` are the cumulative lengths of the text cut into gap, token, gap, ..., token, gap
    (gaps are whitespace, maybe empty), so it is sorted and ends with ``len(text)``: the tokens
    overlapping a span are found by bisection (:func:`bio_tag_ids`) without a tuple per token.
    ``clitic``: the English clitic ``'s`` is cut off (:func:`splits_clitic`).
    """
    parts = split_parts(text, clitic)
    return parts[1::2], list(accumulate(map(len, parts)))


def split_parts(text: str, clitic: bool = False) -> list[str]:
    """The text cut into gap, token, gap, ..., token, gap (``text == "".join(parts)``; gaps may be empty)."""
    return token_pattern(clitic).split(text)


def tokenize(text: str, language: str = "", tokenizer: str = TOKENIZER) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` for every token of a document in ``language``, offsets half-open in code points.

    ``tokenize("Kim's visit, 2023.", "en")`` is ``[("Kim", 0, 3), ("'s", 3, 5), ("visit", 6, 11),
    (",", 11, 12), ("2023", 13, 17), (".", 17, 18)]``; in any other language, or under rule 1,
    ``Kim's`` is one token.
    """
    tokens, edges = split_tokens(text, splits_clitic(language, tokenizer))
    return list(zip(tokens, edges[0::2], edges[1::2]))


def bio_spans(tokens: Sequence[tuple[str, int, int]], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """The spans ``(start, end, type)`` that BIO ``tags`` of ``(token, start, end)`` encode, in text order.

    ``B-X`` starts a span at its token's start, each following ``I-X`` extends it to its token's
    end; ``O``, a ``B-``, or an ``I-`` of another type closes it (such an ``I-``, which
    :func:`bio_tags` never writes, starts a span as conlleval reads it). The spans are
    :func:`bio_chunks`' runs of tokens, at their tokens' offsets.
    """
    return [(tokens[first][1], tokens[end - 1][2], label) for first, end, label in bio_chunks(tags[: len(tokens)])]


def bio_chunks(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """The runs of tokens ``(first, end, type)`` (half-open token positions) that BIO ``tags`` encode,
    read as :func:`bio_spans` says; only the tokens not tagged ``O`` are visited."""
    chunks: list[tuple[int, int, str]] = []
    open_type, last = None, -2  # the type of the run the previous tag belongs to, that tag's position
    for position in compress(range(len(tags)), map("O".__ne__, tags)):
        prefix, _, label = tags[position].partition("-")
        if prefix == "I" and label == open_type and position == last + 1:
            chunks[-1] = (chunks[-1][0], position + 1, label)
        elif prefix in ("B", "I"):
            chunks.append((position, position + 1, label))
            open_type = label
        else:
            open_type = None
        last = position
    return chunks


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
    """What BIO could not express, counted over a release (shown in the card): mentions lost to a
    longer one they overlap, and mentions with an edge inside a token, of which ``proclitic`` and
    ``run_together`` by their cause (:func:`inside_token_cause`)."""

    overlapping: int = 0
    inside_token: int = 0
    proclitic: int = 0
    run_together: int = 0

    def add(self, other: TagStats) -> None:
        for name in ("overlapping", "inside_token", "proclitic", "run_together"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count_inside(self, first: str, head: int, last: str, tail: int) -> None:
        """Count a mention with an edge inside a token (:func:`inside_token_cause`'s arguments)."""
        self.inside_token += 1
        cause = inside_token_cause(first, head, last, tail)
        if cause:
            setattr(self, cause, getattr(self, cause) + 1)


def inside_token_cause(first: str, head: int, last: str, tail: int) -> str:
    """Why a mention starts ``head`` characters into its first token ``first`` or ends ``tail``
    characters before the end of its last token ``last`` (one of them not 0):

    * ``proclitic``: the part of its first token before it is one or two Arabic proclitics
      (و, ف, ب, ل, ك: ``وبوتين`` for the mention ``بوتين``);
    * ``run_together``: an edge falls between a lowercase letter and a capital, two words the text
      runs together without a space (``UrusiPicha`` for the mention ``Urusi``);
    * ``""``: another cause (a mention edge inside a word, or in the whitespace before a token).
    """
    if 0 < head <= 2 and all(char in ARABIC_PROCLITICS for char in first[:head]):
        return "proclitic"
    if 0 < head < len(first) and first[head - 1].islower() and first[head].isupper():
        return "run_together"
    if 0 < tail < len(last) and last[-tail - 1].islower() and last[-tail].isupper():
        return "run_together"
    return ""


def bio_tags(tokens: Sequence[tuple[str, int, int]], mentions: Iterable[Mention]) -> tuple[list[str], TagStats]:
    """One ``O``/``B-X``/``I-X`` tag per ``(token, start, end)`` from the mentions; see the module docstring."""
    mentions = list(mentions)
    names = bio_tag_names(sorted({m.type for m in mentions}))
    edges = [edge for _, start, end in tokens for edge in (start, end)]
    ids, stats = bio_tag_ids([t for t, _, _ in tokens], edges, mentions, {name: i for i, name in enumerate(names)})
    return [names[i] for i in ids], stats


def bio_tag_ids(
    tokens: Sequence[str], edges: Sequence[int], mentions: Iterable[Mention], tag_index: Mapping[str, int]
) -> tuple[list[int], TagStats]:
    """:func:`bio_tags` as ClassLabel integers (``tag_index``, ``O`` = 0) over :func:`split_tokens`' tokens and edges.

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
        head, tail = mention.start - edges[2 * first], edges[2 * last - 1] - mention.end
        if head or tail:
            stats.count_inside(tokens[first], head, tokens[last - 1], tail)
        tags[first] = tag_index[f"B-{mention.type}"]
        if last - first > 1:
            tags[first + 1 : last] = [tag_index[f"I-{mention.type}"]] * (last - first - 1)
    return tags, stats
