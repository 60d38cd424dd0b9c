"""The tokens config's tokenizer and BIO tags, for English, Arabic and Swahili, by rules 1 and 2."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curation.core.records import Mention
from curation.release.tagging import CHUNK_CHARS, split_all, tag_documents
from curation.release.tokens import (
    TOKENIZER,
    TOKENIZERS,
    TagStats,
    bio_spans,
    bio_tag_ids,
    bio_tag_names,
    bio_tag_names_index,
    bio_tags,
    inside_token_cause,
    split_tokens,
    splits_clitic,
    tokenize,
)


def words(text, language="", tokenizer=TOKENIZER):
    return [t for t, _, _ in tokenize(text, language, tokenizer)]


def test_english_punctuation_apostrophes_and_numbers():
    assert tokenize("Kim's visit, 2023.", "en") == [("Kim", 0, 3), ("'s", 3, 5), ("visit", 6, 11), (",", 11, 12),
                                                     ("2023", 13, 17), (".", 17, 18)]  # fmt: skip
    assert words("Hwasong-18 (ICBM) “tested”", "en") == ["Hwasong", "-", "18", "(", "ICBM", ")", "“", "tested", "”"]
    assert words("Kim’s 'spy satellite'", "en") == ["Kim", "’s", "'", "spy", "satellite", "'"]


def test_the_english_clitic_s_is_cut_off_its_word_by_rule_2_in_english_only():
    text = "North Korea’s leader, Kim's ally: it's O'Brien's; the leaders’ SUMMIT'S rock'n'roll Kim's's don't ng'ombe"
    rule_2 = ["North", "Korea", "’s", "leader", ",", "Kim", "'s", "ally", ":", "it", "'s", "O'Brien", "'s", ";",
              "the", "leaders", "’", "SUMMIT", "'S", "rock'n'roll", "Kim's", "'s", "don't", "ng'ombe"]  # fmt: skip
    assert words(text, "en") == rule_2
    rule_1 = ["North", "Korea’s", "leader", ",", "Kim's", "ally", ":", "it's", "O'Brien's", ";", "the", "leaders",
              "’", "SUMMIT'S", "rock'n'roll", "Kim's's", "don't", "ng'ombe"]  # fmt: skip
    assert words(text, "en", "1") == words(text, "sw") == words(text, "ar") == words(text) == rule_1
    # Only a word's end: not 's inside a word, not an apostrophe without a word before it, not a longer ending.
    assert words("Kim'sa 's Kim''s Kim'ss Kim's\u0301", "en") == ["Kim'sa", "'", "s", "Kim", "'", "'", "s",
                                                                   "Kim'ss", "Kim's\u0301"]  # fmt: skip


def test_the_rule_of_a_document_follows_its_language_and_the_release_rule():
    assert TOKENIZERS == ("1", "2") and TOKENIZER == "2"
    assert [splits_clitic(lang, rule) for lang in ("en", "sw", "ar") for rule in TOKENIZERS] == [
        False, True, False, False, False, False,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown tokenizer rule '3': this curation knows rules 1, 2"):
        splits_clitic("en", "3")


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
    assert bio_spans(tokens, tags) == [(8, 13, "GPE"), (14, 28, "PER"), (42, 45, "PER")]


def test_mentions_inside_a_token_are_counted_by_cause():
    text = "وبوتين ولكيم picha UrusiPicha SiasaKorea Kimchi"
    mentions = [
        Mention("m1", 1, 6, "بوتين", "PER"),  # after the proclitic و
        Mention("m2", 9, 12, "كيم", "PER"),  # after two: و and ل
        Mention("m3", 19, 24, "Urusi", "GPE"),  # a lowercase letter, then a capital
        Mention("m4", 35, 40, "Korea", "GPE"),
        Mention("m5", 41, 44, "Kim", "PER"),  # elsewhere inside a word
    ]
    _, stats = bio_tags(tokenize(text), mentions)
    assert stats == TagStats(overlapping=0, inside_token=5, proclitic=2, run_together=2)
    assert inside_token_cause("والكيم", 3, "والكيم", 0) == ""  # three letters before it: not a proclitic
    assert inside_token_cause("Kim", -1, "Kim", 0) == ""  # starts in the space before its first token


def test_bio_spans_read_b_then_i_of_the_same_type_as_one_span():
    tokens = [("a", 0, 1), ("b", 2, 3), ("c", 4, 5), ("d", 6, 7), ("e", 8, 9)]
    assert bio_spans(tokens, ["B-PER", "I-PER", "B-PER", "I-GPE", "O"]) == [(0, 3, "PER"), (4, 5, "PER"),
                                                                          (6, 7, "GPE")]  # fmt: skip
    assert bio_spans(tokens, ["I-PER", "O", "I-PER", "I-PER", "B-GPE"]) == [(0, 1, "PER"), (4, 7, "PER"),
                                                                          (8, 9, "GPE")]  # fmt: skip


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
    # Every mention BIO keeps whole (no overlap, edges on tokens) decodes back to its span; a mention of
    # spaces alone covers no token and is not tagged.
    tagged = {(m.start, m.end, m.type) for m in mentions if text[m.start : m.end].strip()}
    exact = tagged & set(bio_spans(tokenize(text), tags))
    assert len(exact) >= len(tagged) - stats.overlapping - stats.inside_token


# --- the release's vectorised path (curation.release.tagging) must give exactly the per-document results ---

TRICKY = list("ab Z9_ 'ـِكيم,.\n\t🙂1٢-’\u00a0\u2003\u3000\x1c\u200c\u200d\u0301\x00\x01sS''’’وA") + [
    "\U0001d400",
    "\U00011038",
    "\U0001d167",
]


def per_document(texts, mentions, tag_index, clitic=None):
    out = [split_tokens(text, bool(clitic and clitic[k])) for k, text in enumerate(texts)]
    tags = [bio_tag_ids(tokens, edges, ms, tag_index) for (tokens, edges), ms in zip(out, mentions)]
    stats = TagStats()
    for _, s in tags:
        stats.add(s)
    return [t for tokens, _ in out for t in tokens], [len(t) for t, _ in out], [i for ts, _ in tags for i in ts], stats


def assert_tagged_like_per_document(texts, mentions, clitic=None):
    """``tag_documents`` over all texts equals tokenizing and tagging each text on its own."""
    index = bio_tag_names_index(["PER", "GPE"])
    tagged = tag_documents(texts, mentions, index, clitic)
    tokens, counts, tags, stats = per_document(texts, mentions, index, clitic)
    assert (tagged.tokens.to_pylist(), tagged.counts.tolist(), tagged.tags.tolist(), tagged.stats) == (
        tokens, counts, tags, stats,
    )  # fmt: skip
    return tagged


def test_every_code_point_is_a_word_character_or_not_alike_in_both_engines():
    # "a<c>a" is one token exactly when <c> is a word character; a space keeps the probes apart.
    codes = [code for code in range(0, sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]
    text = " ".join(f"a{chr(code)}a" for code in codes)
    assert split_all([text]) == [split_tokens(text)]


def test_the_clitic_is_cut_alike_next_to_every_code_point_of_the_latin_greek_cyrillic_and_arabic_blocks():
    # "<c>'s" loses its clitic exactly when <c> is a word character; "a's<c>" when <c> does not continue the word.
    text = " ".join(f"{chr(code)}'s a's{chr(code)} a's'{chr(code)}" for code in [*range(0x800), 0x1D400, 0x11038])
    assert split_all([text], [True]) == [split_tokens(text, True)]
    assert split_tokens("é's a'sé a'sـ a's\u0301 a's'b a's' a's.", True)[0] == [
        "é", "'s", "a'sé", "a'sـ", "a's\u0301", "a's'b", "a", "'s", "'", "a", "'s", ".",
    ]  # fmt: skip


@given(st.lists(st.text(alphabet=st.sampled_from(TRICKY), max_size=30) | st.text(max_size=12), max_size=6))
def test_arrow_splits_texts_like_python(texts):
    assert split_all(texts) == [split_tokens(text) for text in texts]


CLITICS = ["Kim’s", "Korea's", "it's", "O'Brien's", "leaders’", "Kim's's", "Kim'S", "ng'ombe", "'s", "s", "'", "’"]


@given(st.lists(st.tuples(st.lists(st.sampled_from(CLITICS) | st.text(alphabet=st.sampled_from(TRICKY), max_size=4),
                                   max_size=8).map("".join), st.booleans()), max_size=6))  # fmt: skip
def test_arrow_cuts_the_english_clitic_like_python(docs):
    texts, clitic = [text for text, _ in docs], [english for _, english in docs]
    assert split_all(texts, clitic) == [split_tokens(text, english) for text, english in docs]
    for text, english in docs:
        # Rule 2 only adds cuts to rule 1's, before an apostrophe followed by s or S that ends the token.
        (rule_1, edges_1), (rule_2, edges_2) = split_tokens(text), split_tokens(text, english)
        assert set(edges_1) <= set(edges_2)
        assert (
            rule_2 == rule_1
            if not english
            else all(
                t in rule_1 or (t[0] in "'’" and t[1:] in ("s", "S")) or t + text[e : e + 2] in rule_1
                for t, e in zip(rule_2, edges_2[1::2])
            )
        )


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
    assert_tagged_like_per_document(texts, mentions, [k % 2 == 0 for k in range(len(texts))])


def test_apostrophes_join_words_within_a_text_only():
    texts = ["Kim'", "s ng'ombe '", "a", "'b", "x''y"]
    assert split_all(texts) == [split_tokens(text) for text in texts]
    assert [tokens for tokens, _ in split_all(texts)] == [["Kim", "'"], ["s", "ng'ombe", "'"], ["a"], ["'", "b"],
                                                           ["x", "'", "'", "y"]]  # fmt: skip
    english = ["Kim's", "Kim'", "s", "Kim's", "Kim'sa", "x's"]  # the clitic never reaches across texts
    assert [tokens for tokens, _ in split_all(english, [True] * 6)] == [["Kim", "'s"], ["Kim", "'"], ["s"],
                                                                        ["Kim", "'s"], ["Kim'sa"], ["x", "'s"]]  # fmt: skip
    assert split_all(english, [True] * 6) == [split_tokens(text, True) for text in english]


def test_documents_longer_than_a_chunk_are_tagged_like_short_ones():
    texts = ["Rais Putin na Kim. " * (CHUNK_CHARS // 40), "Kim Jong Un", "", "ng'ombe " * (CHUNK_CHARS // 8 + 1)]
    mentions = [[Mention("m1", 5, 10, "Putin", "PER")], [Mention("m1", 0, 11, "Kim Jong Un", "PER")], [],
                [Mention("m1", 8, 15, "ng'ombe", "GPE")]]  # fmt: skip
    tagged = assert_tagged_like_per_document(texts, mentions)
    assert tagged.tokens.null_count == 0 and tagged.tokens.buffers()[0] is None
    texts[0] = "Kim’s visit. " * (CHUNK_CHARS // 13 + 1)
    mentions[0] = [Mention("m1", 0, 3, "Kim", "PER"), Mention("m2", 13 * 100, 13 * 100 + 3, "Kim", "PER")]
    assert_tagged_like_per_document(texts, mentions, [True, True, False, True])
