"""Tokens and BIO tags of many documents at once: :mod:`curation.release.tokens`, vectorised.

A release tags some 300,000 mentions over 3,000,000 tokens; Python's ``re`` and a loop per
mention with a bisection into each document's edges cost more than writing the parquet
files. Here, a chunk of documents at a time:

1. The texts become one array of code points, and every code point its class
   (:func:`~curation.release.tokens.bmp_classes`: word, space, apostrophe, other). An apostrophe between
   two word characters of the same document counts as a word character; a token starts at
   every non-space code point that does not continue a run of word characters, and ends
   likewise. In the documents that lose the English clitic ``'s``
   (:func:`~curation.release.tokens.splits_clitic`), a run is also cut before such an apostrophe
   when an ``s`` or ``S`` after it ends the run. Token strings are the UTF-8 bytes of the
   non-space code points, cut at the tokens' starts: they stay arrow strings, never Python objects.
2. One ``searchsorted`` of the mentions' spans into the tokens' starts and ends finds the first
   and last token of every mention.
3. Tags follow directly when a document's mentions cover disjoint runs of tokens, which is
   almost always: then no mention can take a token from another, so the order
   :func:`~curation.release.tokens.bio_tag_ids` takes them in does not matter. The few documents where
   two mentions share a token (nested, overlapping, or within one token) are tagged by
   :func:`~curation.release.tokens.bio_tag_ids` itself. Mentions with an edge inside a token are
   counted by cause from the code points around their edges
   (:func:`~curation.release.tokens.inside_token_cause`, vectorised).

``tests/release/test_tokens.py`` checks the result equals the per-document functions on random texts
and that every code point is cut as Python's ``re`` cuts it.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import pyarrow as pa

from curation.core.records import Mention
from curation.release.tokens import (
    APOSTROPHE,
    ARABIC_PROCLITICS,
    CLITIC_S,
    LOWER,
    SPACE,
    UPPER,
    WORD,
    TagStats,
    bio_tag_ids,
    bmp_cases,
    bmp_classes,
    char_case,
    char_class,
)

#: About how many characters :func:`tag_documents` tokenizes at once: the arrays of a chunk are
#: some 20 bytes per character, and stay in the processor's cache at this size (at 10,000
#: documents: 0.40 s against 0.46 s for chunks of 1,000,000 and 1.2 s for all at once).
CHUNK_CHARS = 250_000


@dataclass
class Tokenized:
    """Tokens of consecutive texts: token ``i`` spans ``[starts[i], ends[i])`` of the texts joined,
    text ``k`` starts at ``char_base[k]`` there and holds ``counts[k]`` tokens."""

    tokens: pa.Array
    starts: np.ndarray
    ends: np.ndarray
    counts: np.ndarray
    char_base: np.ndarray
    codes: np.ndarray  # the texts joined, as code points

    def split(self, k: int) -> tuple[list[str], list[int]]:
        """Text ``k``'s tokens and edges as :func:`curation.release.tokens.split_tokens` gives them."""
        first = int(self.counts[:k].sum())
        tokens = slice(first, first + int(self.counts[k]))
        pairs = np.stack((self.starts[tokens], self.ends[tokens]), axis=1).ravel()
        edges = (pairs - self.char_base[k]).tolist() + [int(self.char_base[k + 1] - self.char_base[k])]
        return self.tokens.slice(first, int(self.counts[k])).to_pylist(), edges


def tokenize_all(texts: Sequence[str], clitic: Sequence[bool] | np.ndarray | None = None) -> Tokenized:
    """Every text's tokens, as :func:`curation.release.tokens.split_tokens` cuts them (see the module docstring);
    ``clitic[k]``: text ``k`` loses the English clitic ``'s`` (default: no text does)."""
    char_base = np.zeros(len(texts) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)), out=char_base[1:])
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), np.uint32)
    classes = _classes(codes)
    word = classes == WORD
    # An apostrophe between two word characters of one text is inside a word.
    apostrophes = np.flatnonzero(classes[1:-1] == APOSTROPHE) + 1
    if len(apostrophes):
        inside = (classes[apostrophes - 1] == WORD) & (classes[apostrophes + 1] == WORD)
        text_start = np.isin(apostrophes, char_base) | np.isin(apostrophes + 1, char_base)
        apostrophes = apostrophes[inside & ~text_start]
        word[apostrophes] = True
    joined = word[:-1] & word[1:]  # code points i and i + 1 are in one word
    inner = char_base[1:-1]
    joined[inner[(inner > 0) & (inner < len(codes))] - 1] = False  # never across texts
    if clitic is not None and len(apostrophes):
        joined[_clitics(codes, joined, apostrophes, char_base, np.asarray(clitic, bool)) - 1] = False
    keep = classes != SPACE
    first, last = keep.copy(), keep.copy()
    first[1:] &= ~joined
    last[:-1] &= ~joined
    starts, ends = np.flatnonzero(first), np.flatnonzero(last) + 1
    counts = np.diff(np.searchsorted(starts, char_base))
    return Tokenized(_token_strings(np.compress(keep, codes), ends - starts), starts, ends, counts, char_base, codes)


def _clitics(
    codes: np.ndarray, joined: np.ndarray, apostrophes: np.ndarray, char_base: np.ndarray, clitic: np.ndarray
) -> np.ndarray:
    """The apostrophes inside words (``apostrophes``) that start an English clitic ``'s``: an ``s``
    or ``S`` follows, which ends its word (no code point joined after it), in a ``clitic`` text."""
    after = apostrophes + 1  # a word character of the same text
    last = after == len(codes) - 1  # the last code point of all, where ``joined`` has no entry
    closes = last.copy()
    closes[~last] = ~joined[after[~last]]
    found = np.isin(codes[after], np.array([ord(c) for c in CLITIC_S], np.uint32)) & closes
    found &= clitic[np.searchsorted(char_base, apostrophes, "right") - 1]
    return apostrophes[found]


def _classes(codes: np.ndarray) -> np.ndarray:
    """:func:`curation.release.tokens.char_class` of every code point."""
    table = np.frombuffer(bmp_classes(), np.uint8)
    # np.take rather than table[codes]: the same lookup, twice as fast on numpy 2.
    if not len(codes) or codes.max() <= 0xFFFF:
        return np.take(table, codes)
    astral = codes > 0xFFFF
    classes = np.take(table, np.where(astral, 0, codes))
    where = np.flatnonzero(astral)
    classes[where] = [char_class(chr(code)) for code in codes[where].tolist()]
    return classes


def _cases(codes: np.ndarray) -> np.ndarray:
    """:func:`curation.release.tokens.char_case` of every code point."""
    cases = np.take(np.frombuffer(bmp_cases(), np.uint8), np.minimum(codes, 0xFFFF))
    astral = np.flatnonzero(codes > 0xFFFF)
    cases[astral] = [char_case(chr(code)) for code in codes[astral].tolist()]
    return cases


def _token_strings(kept: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """The non-space code points ``kept`` cut into strings of ``lengths`` code points (they add up to all).

    Laid out as ``pa.array(list_of_str)`` lays it out (no validity bitmap): the card reports the
    tables' in-memory size, which must not depend on how a column was made.
    """
    # numpy's stubs give ndarray the buffer protocol (__buffer__) only for Python >= 3.12.
    data = codecs.utf_32_le_decode(kept)[0].encode("utf-8")  # type: ignore[arg-type]
    offsets = np.zeros(len(lengths) + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])  # in code points; then in bytes, where any is beyond ASCII
    if len(data) != len(kept) and len(lengths):
        # Each code point starts at a byte that is not a UTF-8 continuation byte (10xxxxxx).
        code_point_at = np.flatnonzero((np.frombuffer(data, np.uint8) & 0xC0) != 0x80)
        offsets[:-1] = code_point_at[offsets[:-1]]
        offsets[-1] = len(data)
    return pa.StringArray.from_buffers(len(lengths), pa.py_buffer(offsets), pa.py_buffer(data))


def split_all(
    texts: Sequence[str], clitic: Sequence[bool] | np.ndarray | None = None
) -> list[tuple[list[str], list[int]]]:
    """Each text's tokens and edges through :func:`tokenize_all`, as :func:`curation.release.tokens.split_tokens` gives them."""
    tokenized = tokenize_all(texts, clitic)
    return [tokenized.split(k) for k in range(len(texts))]


def chunks_of(texts: Sequence[str]) -> Iterator[slice]:
    """Consecutive slices of ``texts`` holding about :data:`CHUNK_CHARS` characters each (at least one text)."""
    start, size = 0, 0
    for end, text in enumerate(texts, start=1):
        size += len(text)
        if size >= CHUNK_CHARS or end == len(texts):
            yield slice(start, end)
            start, size = end, 0


@dataclass
class TaggedTokens:
    """Every document's tokens one after the other, how many each has, and their tag ids (in the smallest
    integer type that holds them; arrow widens them to the ClassLabel's int64)."""

    tokens: pa.Array
    counts: np.ndarray
    tags: np.ndarray
    stats: TagStats


def tag_documents(
    texts: Sequence[str],
    mentions: Sequence[Sequence[Mention]],
    tag_index: Mapping[str, int],
    clitic: Sequence[bool] | np.ndarray | None = None,
) -> TaggedTokens:
    """Tokens and ``tag_index`` ids (``O`` = 0) of each text with its mentions, as ``bio_tag_ids`` gives them;
    ``clitic[k]``: text ``k`` loses the English clitic ``'s`` (default: no text does).

    Documents go through in chunks of about :data:`CHUNK_CHARS` characters, whose memory the
    next chunk reuses; each chunk's tokens and tags are copied into arrays sized for the most
    the texts can hold (a token per code point, four UTF-8 bytes each), of which only the part
    written is ever touched.
    """
    most = sum(map(len, texts))
    data, offsets = np.empty(4 * most, np.uint8), np.zeros(most + 1, np.int32)
    tags = np.empty(most, np.min_scalar_type(-max(tag_index.values(), default=0)))
    counts, stats, n, size = [], TagStats(), 0, 0
    clitic = np.zeros(len(texts), bool) if clitic is None else np.asarray(clitic, bool)
    for part in chunks_of(texts):
        chunk = _tag_chunk(texts[part], mentions[part], tag_index, clitic[part])
        k = len(chunk.tags)
        chunk_offsets, chunk_data = chunk.tokens.buffers()[1:]
        data[size : size + chunk_data.size] = np.frombuffer(chunk_data, np.uint8)
        offsets[n + 1 : n + k + 1] = np.frombuffer(chunk_offsets, np.int32)[1 : k + 1] + size
        tags[n : n + k] = chunk.tags
        counts.append(chunk.counts)
        stats.add(chunk.stats)
        n, size = n + k, size + chunk_data.size
    tokens = pa.StringArray.from_buffers(n, pa.py_buffer(offsets[: n + 1]), pa.py_buffer(data[:size]))
    return TaggedTokens(tokens, np.concatenate(counts) if counts else np.zeros(0, np.int64), tags[:n], stats)


def _tag_chunk(
    texts: Sequence[str], mentions: Sequence[Sequence[Mention]], tag_index: Mapping[str, int], clitic: np.ndarray
) -> TaggedTokens:
    tokenized = tokenize_all(texts, clitic)
    starts, ends, counts, char_base = tokenized.starts, tokenized.ends, tokenized.counts, tokenized.char_base
    token_base = _starts(counts)
    tags = np.zeros(len(starts), np.min_scalar_type(-max(tag_index.values(), default=0)))
    stats = TagStats()

    flat = [m for ms in mentions for m in ms]
    doc = np.repeat(np.arange(len(texts)), [len(ms) for ms in mentions])
    start = np.fromiter(map(attrgetter("start"), flat), np.int64, len(flat))
    end = np.fromiter(map(attrgetter("end"), flat), np.int64, len(flat))
    # The first token ending after the start, up to the last one starting before the end (exclusive).
    first = np.clip(np.searchsorted(ends, start + char_base[doc], "right") - token_base[doc], 0, counts[doc])
    last = np.clip(np.searchsorted(starts, end + char_base[doc], "left") - token_base[doc], 0, counts[doc])

    # Documents where two mentions' token runs meet: taken in order of first token, a run that
    # starts before the previous one (same document) ends shares a token with an earlier run.
    order = np.lexsort((first, doc))
    meets = (doc[order][1:] == doc[order][:-1]) & (first[order][1:] < last[order][:-1])
    shared = np.zeros(len(texts), bool)
    shared[doc[order][1:][meets]] = True
    for k in np.flatnonzero(shared).tolist():
        doc_tags, doc_stats = bio_tag_ids(*tokenized.split(k), mentions[k], tag_index)
        tags[token_base[k] : token_base[k] + counts[k]] = doc_tags
        stats.add(doc_stats)

    take = (first < last) & ~shared[doc]
    types = list(map(attrgetter("type"), flat))
    begin, inside = ({t: tag_index[f"{tag}-{t}"] for t in set(types)} for tag in "BI")
    begin_code = np.fromiter(map(begin.__getitem__, types), np.int64, len(types))[take]
    inside_code = np.fromiter(map(inside.__getitem__, types), np.int64, len(types))[take]
    doc, first, last, start, end = doc[take], first[take], last[take], start[take], end[take]
    tags[token_base[doc] + first] = begin_code
    width = last - first - 1  # tokens after the first
    run_start = np.repeat(token_base[doc] + first + 1 - _starts(width), width)
    tags[run_start + np.arange(width.sum())] = np.repeat(inside_code, width)
    # A mention starts or ends inside a token when that token's edge is not the mention's.
    start, end = start + char_base[doc], end + char_base[doc]
    head, tail = start - starts[token_base[doc] + first], ends[token_base[doc] + last - 1] - end
    inside = (head != 0) | (tail != 0)
    _count_inside(stats, tokenized.codes, start[inside], end[inside], head[inside], tail[inside])
    return TaggedTokens(tokenized.tokens, counts, tags, stats)


def _count_inside(
    stats: TagStats, codes: np.ndarray, start: np.ndarray, end: np.ndarray, head: np.ndarray, tail: np.ndarray
) -> None:
    """:meth:`~curation.release.tokens.TagStats.count_inside` for many mentions: ``start`` and ``end`` in ``codes``,
    ``head`` and ``tail`` as :func:`~curation.release.tokens.inside_token_cause` takes them."""
    stats.inside_token += len(start)
    if not len(start):
        return

    def code(at: np.ndarray, where: np.ndarray) -> np.ndarray:  # codes[at] where ``where`` (else a dummy)
        return codes[np.where(where, at, 0)]

    def proclitic(at: np.ndarray, where: np.ndarray) -> np.ndarray:
        return where & np.isin(code(at, where), np.array(list(map(ord, ARABIC_PROCLITICS)), np.uint32))

    def case_change(at: np.ndarray, where: np.ndarray) -> np.ndarray:  # a lowercase letter, then a capital at ``at``
        return where & (_cases(code(at - 1, where)) == LOWER) & (_cases(code(at, where)) == UPPER)

    found = proclitic(start - 1, (head == 1) | (head == 2)) & ((head == 1) | proclitic(start - 2, head == 2))
    stats.proclitic += int(np.count_nonzero(found))
    stats.run_together += int(np.count_nonzero(~found & (case_change(start, head > 0) | case_change(end, tail > 0))))


def _starts(lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    """Exclusive cumulative sums: where each of consecutive runs of these lengths begins."""
    lengths = np.asarray(lengths, np.int64)
    return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64) if len(lengths) else lengths
