"""The tokens config's tokenizer and BIO tags, for English, Arabic and Swahili."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from curation.core.records import Mention
from curation.release.tagging import CHUNK_CHARS, split_all, tag_documents
from curation.release.tokens import (
    TagStats,
    bio_tag_ids,
    bio_tag_names,
    bio_tag_names_index,
    bio_tags,
    split_tokens,
    tokenize,
)


def words(text):
    return [t for t, _, _ in tokenize(text)]


def test_english_punctuation_apostrophes_and_numbers():
    assert tokenize("Kim's visit, 2023.") == [("Kim's", 0, 5), ("visit", 6, 11), (",", 11, 12), ("2023", 13, 17),
                                               (".", 17, 18)]  # fmt: skip
    assert words("Hwasong-18 (ICBM) “tested”") == ["Hwasong", "-", "18", "(", "ICBM", ")", "“", "tested", "”"]
    assert words("Kim’s 'spy satellite'") == ["Kim’s", "'", "spy", "satellite", "'"]


def test_swahili_keeps_apostrophes_inside_words():
    assert words("ng'ombe wa Korea Kaskazini, alisema.") == ["ng'ombe", "wa", "Korea", "Kaskazini", ",", "alisema", "."]


def test_arabic_diacritics_and_tatweel_stay_in_the_word():
    text = "قالَ كِيم جونغ أون ـ لروسيا: ١٣ سبتمبر، ٢٠٢٣."
    assert words(text) == ["قالَ", "كِيم", "جونغ", "أون", "ـ", "لروسيا", ":", "١٣", "سبتمبر", "،", "٢٠٢٣", "."]
    assert words("الـــروسية") == ["الـــروسية"]


def test_underscores_join_like_letters():
    assert words("id kim_jong_un_ ok") == ["id", "kim_jong_un_", "ok"]


def test_symbols_and_emoji_are_tokens_of_their_own():
    assert tokenize("Kim🙂Putin $5") == [("Kim", 0, 3), ("🙂", 3, 4), ("Putin", 4, 9), ("$", 10, 11), ("5", 11, 12)]


def test_bio_tags_with_a_partial_token_and_an_overlap():
    text = "Rais wa Urusi Vladimir Putin alikutana na Kim."
    tokens = tokenize(text)
    mentions = [
        Mention("m1", 8, 13, "Urusi", "GPE", "russia"),
        Mention("m2", 14, 28, "Vladimir Putin", "PER", "vladimir_putin"),
        Mention("m3", 23, 28, "Putin", "PER", "vladimir_putin"),  # nested in m2: lost in BIO
        Mention("m4", 43, 45, "im", "PER", "kim_jong_un"),  # inside the token "Kim": the token is tagged
    ]
    tags, stats = bio_tags(tokens, mentions)
    assert list(zip(words(text), tags)) == [
        ("Rais", "O"), ("wa", "O"), ("Urusi", "B-GPE"), ("Vladimir", "B-PER"), ("Putin", "I-PER"),
        ("alikutana", "O"), ("na", "O"), ("Kim", "B-PER"), (".", "O"),
    ]  # fmt: skip
    assert stats == TagStats(overlapping=1, inside_token=1)


def test_tag_names_are_o_then_b_i_per_type_in_schema_order():
    assert bio_tag_names(["PER", "GPE"]) == ["O", "B-PER", "I-PER", "B-GPE", "I-GPE"]
    assert bio_tag_names_index(["PER"]) == {"O": 0, "B-PER": 1, "I-PER": 2}


@given(st.text(alphabet=st.sampled_from(list("ab 'ـِكيم,.\n🙂1٢-’")), max_size=40))
def test_tokens_cover_every_non_space_character_exactly_once(text):
    tokens = tokenize(text)
    covered = []
    for token, start, end in tokens:
        assert text[start:end] == token and token and not any(ch.isspace() for ch in token)
        covered.extend(range(start, end))
    assert covered == sorted(set(covered))
    assert covered == [i for i, ch in enumerate(text) if not ch.isspace()]


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8)), max_size=6))
def test_bio_tags_are_well_formed(spans):
    text = "Kim Jong Un na Vladimir Putin nchini Urusi leo."
    mentions = [Mention(f"m{i}", s, min(s + n, len(text)), "x", "PER") for i, (s, n) in enumerate(spans)]
    tags, stats = bio_tags(tokenize(text), mentions)
    for previous, tag in zip(["O", *tags], tags):
        assert tag in ("O", "B-PER", "I-PER")
        assert tag != "I-PER" or previous in ("B-PER", "I-PER")
    assert stats.overlapping <= len(mentions)


# --- the release's vectorised path (curation.release.tagging) must give exactly the per-document results ---

TRICKY = list("ab Z9_ 'ـِكيم,.\n\t🙂1٢-’\u00a0\u2003\u3000\x1c\u200c\u200d\u0301\x00\x01") + [
    "\U0001d400",
    "\U00011038",
    "\U0001d167",
]


def per_document(texts, mentions, tag_index):
    out = [split_tokens(text) for text in texts]
    tags = [bio_tag_ids(edges, ms, tag_index) for (_, edges), ms in zip(out, mentions)]
    stats = TagStats()
    for _, s in tags:
        stats.add(s)
    return [t for tokens, _ in out for t in tokens], [len(t) for t, _ in out], [i for ts, _ in tags for i in ts], stats


def assert_tagged_like_per_document(texts, mentions):
    """``tag_documents`` over all texts equals tokenizing and tagging each text on its own."""
    index = bio_tag_names_index(["PER", "GPE"])
    tagged = tag_documents(texts, mentions, index)
    tokens, counts, tags, stats = per_document(texts, mentions, index)
    assert (tagged.tokens.to_pylist(), tagged.counts.tolist(), tagged.tags.tolist(), tagged.stats) == (
        tokens, counts, tags, stats,
    )  # fmt: skip
    return tagged


def test_every_code_point_is_a_word_character_or_not_alike_in_both_engines():
    # "a<c>a" is one token exactly when <c> is a word character; a space keeps the probes apart.
    codes = [code for code in range(0, sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]
    text = " ".join(f"a{chr(code)}a" for code in codes)
    assert split_all([text]) == [split_tokens(text)]


@given(st.lists(st.text(alphabet=st.sampled_from(TRICKY), max_size=30) | st.text(max_size=12), max_size=6))
def test_arrow_splits_texts_like_python(texts):
    assert split_all(texts) == [split_tokens(text) for text in texts]


@given(st.lists(st.tuples(st.text(alphabet=st.sampled_from(TRICKY), max_size=30),
                          st.lists(st.tuples(st.integers(0, 31), st.integers(0, 9), st.sampled_from(["PER", "GPE"])),
                                   max_size=5)), max_size=6))  # fmt: skip
def test_tag_documents_equals_bio_tag_ids_per_document(docs):
    texts = [text for text, _ in docs]
    mentions = [
        [Mention(f"m{i}", s, min(s + n, len(text)), "x", t) for i, (s, n, t) in enumerate(spans) if s <= len(text)]
        for text, spans in docs
    ]
    assert_tagged_like_per_document(texts, mentions)


def test_apostrophes_join_words_within_a_text_only():
    texts = ["Kim'", "s ng'ombe '", "a", "'b", "x''y"]
    assert split_all(texts) == [split_tokens(text) for text in texts]
    assert [tokens for tokens, _ in split_all(texts)] == [["Kim", "'"], ["s", "ng'ombe", "'"], ["a"], ["'", "b"],
                                                           ["x", "'", "'", "y"]]  # fmt: skip


def test_documents_longer_than_a_chunk_are_tagged_like_short_ones():
    texts = ["Rais Putin na Kim. " * (CHUNK_CHARS // 40), "Kim Jong Un", "", "ng'ombe " * (CHUNK_CHARS // 8 + 1)]
    mentions = [[Mention("m1", 5, 10, "Putin", "PER")], [Mention("m1", 0, 11, "Kim Jong Un", "PER")], [],
                [Mention("m1", 8, 15, "ng'ombe", "GPE")]]  # fmt: skip
    tagged = assert_tagged_like_per_document(texts, mentions)
    assert tagged.tokens.null_count == 0 and tagged.tokens.buffers()[0] is None
