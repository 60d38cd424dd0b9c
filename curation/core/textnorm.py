"""Alias normalization: when two surface strings name the same thing for triple matching.

``normalize_alias`` maps a string to a key; a predicted subject or object matches a gold
entity when its key equals the key of one of the entity's aliases. The steps, in order:

1. Unicode NFKC (compatibility forms such as Arabic presentation forms, ligatures and
   full-width letters become ordinary letters), then casefold, then NFKC again (the
   ``NFKC_Casefold`` recipe);
2. invisible format characters (Unicode category Cf: zero-width joiners, bidi marks such as
   U+200F and U+061C, the BOM, soft hyphens) are removed;
3. Arabic: diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks) and
   tatweel (U+0640) are removed; alef variants (آ أ إ ٱ) become bare alef ا; alef maqsura
   ى and Persian yeh ی become yaa ي; taa marbuta ة becomes haa ه;
4. every run of whitespace becomes one space, and leading/trailing whitespace goes.

Nothing else changes: Latin accents, hyphens and punctuation are kept ("Kim Jong-un" and
"Kim Jong Un" are different keys), so aliases must list such variants.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

#: Arabic diacritics and Quranic annotation marks (all combining, none carries a letter).
ARABIC_DIACRITICS = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + ["\u06e7", "\u06e8"]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)
TATWEEL = "\u0640"
#: Letter variants written interchangeably in news text, mapped to one form.
ARABIC_LETTER_VARIANTS = {
    "\u0622": "\u0627",  # alef with madda above -> alef
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0649": "\u064a",  # alef maqsura -> yaa
    "\u06cc": "\u064a",  # Persian yeh -> yaa
    "\u0629": "\u0647",  # taa marbuta -> haa
}


@cache
def _table() -> dict[int, str | None]:
    """The translation table of steps 2-3, built on first use (the Cf scan takes ~15 ms)."""
    # Unicode has format characters only in planes 0, 1 and 14.
    planes = [*range(0x20000), *range(0xE0000, 0xF0000)]
    format_characters = [chr(c) for c in planes if unicodedata.category(chr(c)) == "Cf"]
    return str.maketrans(
        {
            **{ch: None for ch in ARABIC_DIACRITICS + [TATWEEL] + format_characters},
            **ARABIC_LETTER_VARIANTS,
        }
    )


@lru_cache(maxsize=1 << 18)
def normalize_alias(text: str) -> str:
    """The matching key of a surface string (see the module docstring for the steps).

    >>> normalize_alias("  Kim\\u00a0JONG   Un ")
    'kim jong un'
    >>> normalize_alias("بُوتِين") == normalize_alias("بوتين")
    True
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.translate(_table()).split())


def normalize_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` normalized character by character, with the offset in ``text`` of every output character.

    The same steps as :func:`normalize_alias` applied to each character on its own (a run of
    whitespace becomes one space, kept at the ends), so a match in the normalized text maps back
    to ``text[origin[start]:origin[end - 1] + 1]``. It differs from :func:`normalize_alias` only
    where NFKC composes across characters (a letter followed by a combining accent).

    >>> normalize_with_offsets("Kim\\u00a0\\u00a0JONG")
    ('kim jong', (0, 1, 2, 3, 5, 6, 7, 8))
    """
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = normalize_char(char)
        for ch in piece:
            if ch.isspace():
                if out and out[-1] == " ":
                    continue
                ch = " "
            out.append(ch)
            origin.append(index)
    return "".join(out), tuple(origin)


@lru_cache(maxsize=1 << 16)
def normalize_char(char: str) -> str:
    """One character normalized on its own: ``""`` for the characters the normalization removes."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold()).translate(_table())
