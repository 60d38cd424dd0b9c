"""The card's YAML front matter: the Hub's metadata about the dataset.

Every field says something true of this release or is left to the curators: the configs and
features are the data files'; ``pretty_name`` and ``annotations_creators`` are what the
curators declared (``curation release --pretty-name``, ``--annotations-creators``), and
without a declaration the name is the release name and the creators are derived from what the
snapshot records (:func:`annotations_creators`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from curation.core.errors import ReleaseError
from curation.release.card.facts import CardFacts, document_count, languages, title

#: The values the Hub accepts in ``annotations_creators``.
ANNOTATIONS_CREATORS = ("crowdsourced", "expert-generated", "found", "machine-generated", "no-annotation", "other")
#: Pre-annotations of this model version prefix are adjudication drafts, merged from human annotations.
DRAFT_PREFIX = "adjudication"
#: The Hub's size buckets, by the exclusive upper bound of their number of examples.
SIZE_CATEGORIES = (
    (1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
    (10_000_000_000, "1B<n<10B"), (100_000_000_000, "10B<n<100B"), (1_000_000_000_000, "100B<n<1T"),
)  # fmt: skip


def card_yaml(facts: CardFacts) -> dict[str, Any]:
    """The Hub metadata: configs with data files, features equal to the parquet schema, etc."""
    langs = languages(facts)
    return {
        "pretty_name": title(facts),
        "language": langs,
        "license": facts.license,
        "multilinguality": "multilingual" if len(langs) > 1 else "monolingual",
        "size_categories": [size_category(document_count(facts))],
        "source_datasets": ["original"],
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "annotations_creators": list(annotations_creators(facts)),
        "language_creators": ["found"],
        "tags": ["relation-extraction", "entity-linking", "information-extraction", "news", *facts.extra_tags],
        "configs": [
            {
                "config_name": c.name,
                "data_files": [{"split": s, "path": path} for s, _, _, path in c.splits],
                **({"default": True} if i == 0 else {}),
            }
            for i, c in enumerate(facts.configs)
        ],
        "dataset_info": [
            {
                "config_name": c.name,
                "features": c.features_yaml,
                "splits": [{"name": s, "num_bytes": nb, "num_examples": ne} for s, ne, nb, _ in c.splits],
                "download_size": c.download_size,
                "dataset_size": sum(nb for _, _, nb, _ in c.splits),
            }
            for c in facts.configs
        ],
    }


def size_category(n: int) -> str:
    """The Hub's size bucket for ``n`` examples."""
    for limit, label in SIZE_CATEGORIES:
        if n < limit:
            return label
    return "n>1T"


def annotations_creators(facts: CardFacts) -> tuple[str, ...]:
    """The declared creators, else the ones the snapshot shows (:func:`derived_creators`)."""
    return facts.annotations_creators or derived_creators(facts.process)


def derived_creators(process: Mapping[str, Any]) -> tuple[str, ...]:
    """Who made the labels, as far as the snapshot records it.

    An annotation a person made or changed in Label Studio is ``expert-generated`` (annotators
    working to the schema's guidelines); an annotation submitted exactly as a pre-annotation
    carries the pre-annotation's labels, which Label Studio records as a model's prediction, so
    it is ``machine-generated`` (an unchanged adjudication draft is a merge of human annotations
    and stays ``expert-generated``). The snapshot cannot tell who really made a pre-annotation:
    curators who know declare it with ``--annotations-creators``.
    """
    machine, human = creator_counts(process)
    found = (["expert-generated"] if human else []) + (["machine-generated"] if machine else [])
    return tuple(found) or ("no-annotation",)


def creator_counts(process: Mapping[str, Any]) -> tuple[int, int]:
    """(annotations submitted as an unchanged model pre-annotation, the other submitted annotations)."""
    unchanged = process.get("unchanged_from_prediction") or {}
    machine = sum(n for version, n in unchanged.items() if not version.startswith(DRAFT_PREFIX))
    return machine, process["annotations"] - machine


def check_annotations_creators(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The declared creators, sorted and without repeats; a value the Hub does not know is refused."""
    for value in values:
        if value not in ANNOTATIONS_CREATORS:
            raise ReleaseError(
                f"--annotations-creators {value!r} is not one of the Hub's values: {', '.join(ANNOTATIONS_CREATORS)}. "
                "Repeat the option to give several, e.g. --annotations-creators expert-generated."
            )
    return tuple(sorted(set(values)))
