"""The dataset card (``README.md``): Hub YAML front matter plus a datasheet in prose.

Everything in the card is computed from the release's own facts (:class:`CardFacts`), so a
rebuild gives the same bytes and the card cannot drift from the data. It holds no
timestamps and nothing Label Studio assigned (ids, dates): two builds of the same gold from
different Label Studio instances give the same card. The prose tells what the numbers do
not: where the texts come from and who owns them, how the gold was decided, and what is lost
(nested mentions in the ``tokens`` config, left-out documents).

The parts: :mod:`~curation.release.card.facts` (the facts), :mod:`~curation.release.card.front_matter` (the
Hub metadata), :mod:`~curation.release.card.datasheet` (the data: sources, languages, schema, counts,
format, how to use it), :mod:`~curation.release.card.process` (how the labels were made and their
limits), :mod:`~curation.release.card.markdown` (tables and plurals).
"""

from __future__ import annotations

import yaml

from curation.release.card import datasheet, process
from curation.release.card.facts import CardFacts, ConfigInfo
from curation.release.card.front_matter import card_yaml
from curation.release.card.markdown import table

__all__ = ["CardFacts", "ConfigInfo", "card_yaml", "render_card", "table"]


def render_card(facts: CardFacts) -> str:
    """The full ``README.md``: YAML front matter, then the datasheet."""
    front = yaml.safe_dump(card_yaml(facts), sort_keys=False, allow_unicode=True, width=1000)
    parts = [
        f"---\n{front}---\n",
        datasheet.intro(facts),
        datasheet.motivation(facts),
        datasheet.sources(facts),
        datasheet.language_table(facts),
        datasheet.schema(facts),
        datasheet.counts(facts),
        process.process(facts),
        datasheet.data_format(facts),
        process.limitations(facts),
        datasheet.how_to(facts),
    ]
    if facts.notes:
        parts.append("## Notes from the curators\n\n" + facts.notes.strip() + "\n")
    return "\n".join(parts)
