"""Alias normalization for triple matching, Arabic first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curation.core.textnorm import normalize_alias


@pytest.mark.parametrize(
    "variant,plain",
    [
        ("بُوتِين", "بوتين"),  # damma, kasra
        ("كِيمْ جُونْغ أُونّ", "كيم جونغ اون"),  # sukun, shadda, alef with hamza above
        ("إيران", "ايران"),  # alef with hamza below
        ("آسيا", "اسيا"),  # alef with madda
        ("ٱلقاهرة", "القاهره"),  # alef wasla; taa marbuta -> haa
        ("كوريا الشمالية", "كوريا الشماليه"),  # taa marbuta
        ("موسكـــو", "موسكو"),  # tatweel
        ("مصطفى", "مصطفي"),  # alef maqsura -> yaa
        ("روسیا", "روسيا"),  # Persian yeh -> yaa
        ("روسيًا", "روسيا"),  # tanwin fath
        ("\ufefb", "لا"),  # lam-alef presentation form (NFKC)
        ("\u200fروسيا\u200e", "روسيا"),  # right-to-left / left-to-right marks
        ("كيم\u00a0جونغ\n أون", "كيم جونغ اون"),  # no-break space, newline, double space
    ],
)
def test_arabic_variants_share_one_key(variant, plain):
    assert normalize_alias(variant) == normalize_alias(plain) == plain


def test_latin_scripts_fold_case_width_and_space():
    assert normalize_alias("  Kim\tJONG  Un ") == "kim jong un"
    assert normalize_alias("ＫＩＭ") == "kim"  # full-width letters
    assert normalize_alias("Straße") == normalize_alias("STRASSE") == "strasse"
    assert normalize_alias("ПУТИН") == "путин"
    assert normalize_alias("Kim\u200bJong") == "kimjong"  # zero-width space removed, not turned into a space


def test_what_is_kept():
    assert normalize_alias("Kim Jong-un") != normalize_alias("Kim Jong Un")  # punctuation is kept
    assert normalize_alias("Zelenskyy") != normalize_alias("Zelensky")
    assert normalize_alias("México") == "méxico"  # Latin accents are kept
    assert normalize_alias("أسد") != normalize_alias("سد")  # letters are never dropped


@given(st.text())
def test_normalization_is_idempotent(text):
    key = normalize_alias(text)
    assert normalize_alias(key) == key
    assert key == key.strip() and "  " not in key


_MIXED = st.text(alphabet="Kim JONG un\u00a0\t\nبُوتِينآأإىةـ\u200f\u200dÉé", max_size=40)


@given(_MIXED)
def test_normalizing_with_offsets_gives_the_alias_key_and_points_into_the_text(text):
    """Character by character, the matcher's normalization equals normalize_alias (up to the ends'
    single space), and every output character comes from a character of the text, in order."""
    from curation.core.textnorm import normalize_char, normalize_with_offsets

    normalized, origin = normalize_with_offsets(text)
    assert normalized.strip() == normalize_alias(text)
    assert list(origin) == sorted(origin) and len(origin) == len(normalized)
    for char, index in zip(normalized, origin):
        assert char == " " and text[index].isspace() or char in normalize_char(text[index])


def test_offsets_skip_removed_characters():
    from curation.core.textnorm import normalize_with_offsets

    assert normalize_with_offsets("بُوتِين") == ("بوتين", (0, 2, 3, 5, 6))
    assert normalize_with_offsets(" Kim\u00a0\u00a0JONG ") == (" kim jong ", (0, 1, 2, 3, 4, 6, 7, 8, 9, 10))
