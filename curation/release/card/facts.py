"""What a dataset card says, as plain data: :class:`CardFacts`, computed by the release builder.

The card modules only read these facts, so a rebuild from the same facts gives the same bytes.
This module also holds the few things every part of the card needs: language names, the
languages and the document count of a release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from curation.core.schema import Schema

#: Name, script and direction of languages the card may meet; others show their code.
LANGUAGES = {
    "ar": ("Arabic", "Arabic", "right-to-left"),
    "en": ("English", "Latin", "left-to-right"),
    "sw": ("Swahili", "Latin", "left-to-right"),
    "fr": ("French", "Latin", "left-to-right"),
    "es": ("Spanish", "Latin", "left-to-right"),
    "de": ("German", "Latin", "left-to-right"),
    "pt": ("Portuguese", "Latin", "left-to-right"),
    "ru": ("Russian", "Cyrillic", "left-to-right"),
    "uk": ("Ukrainian", "Cyrillic", "left-to-right"),
    "zh": ("Chinese", "Han", "left-to-right"),
    "ko": ("Korean", "Hangul", "left-to-right"),
    "ja": ("Japanese", "Kanji and kana", "left-to-right"),
    "fa": ("Persian", "Arabic", "right-to-left"),
    "he": ("Hebrew", "Hebrew", "right-to-left"),
    "ur": ("Urdu", "Arabic", "right-to-left"),
    "hi": ("Hindi", "Devanagari", "left-to-right"),
}


@dataclass(frozen=True)
class ConfigInfo:
    """One config as the card's YAML declares it."""

    name: str
    features_yaml: list[dict[str, Any]]
    splits: tuple[tuple[str, int, int, str], ...]  # (split, num_examples, num_bytes, path)
    download_size: int


@dataclass(frozen=True)
class CardFacts:
    """Everything the card says, computed by the release builder.

    ``pretty_name`` and ``annotations_creators`` are what the curators declared; empty, the card
    falls back to the release name and derives the creators from ``process``
    (:func:`curation.release.card.front_matter.annotations_creators`).
    """

    name: str
    version: str
    tool_version: str
    license: str
    schema: Schema
    features_version: str
    configs: tuple[ConfigInfo, ...]
    split_docs: Mapping[str, Mapping[str, int]]  # split -> language -> documents
    sources: Mapping[tuple[str, str], int]  # (source, language) -> documents
    varieties: Mapping[str, tuple[str, ...]]  # language -> varieties recorded in document meta
    mentions: Mapping[str, Mapping[str, int]]  # language -> type -> count
    relations: Mapping[str, Mapping[str, int]]  # language -> type -> count
    entities: Mapping[str, int]  # type -> count
    cross_language_entities: int
    triples: int
    excluded: Mapping[str, int]  # reason -> documents
    process: Mapping[str, Any]
    agreement: Mapping[str, Any] | None
    limits: Mapping[str, int]
    split_config: str
    split_seed: str
    notes: str | None = None
    extra_tags: tuple[str, ...] = field(default_factory=tuple)
    pretty_name: str | None = None
    annotations_creators: tuple[str, ...] = ()
    tokenizer: str = "1"  # the tokens config's rule (curation.release.tokens.TOKENIZERS)


def language_name(code: str) -> str:
    """``"sw"`` -> ``"Swahili"``; a code the card does not know stays a code."""
    return LANGUAGES.get(code, (code,))[0]


def languages(facts: CardFacts) -> list[str]:
    """The language codes of the release's documents, sorted."""
    return sorted({lang for by_lang in facts.split_docs.values() for lang in by_lang})


def document_count(facts: CardFacts) -> int:
    """Documents in the release, all splits."""
    return sum(sum(by_lang.values()) for by_lang in facts.split_docs.values())


def title(facts: CardFacts) -> str:
    """The dataset's display name: the curators' pretty name, else the release name as it is."""
    return facts.pretty_name or facts.name
