"""Reference system 2: a dictionary baseline. Every alias of every entity, found by exact match.

The dictionary is the release's ``entities`` config (every surface form of every entity, all
languages, with the entity's type). In each text, aliases are found by exact, case-sensitive
string match, leftmost first and longest first, without overlaps; no word boundaries are
required (Arabic clitics such as و or ب attach to the next word). It predicts no relations and
hence no triples. With the dictionary taken from the scored split itself it is an optimistic
baseline: every gold surface form is in it, and what it misses is context (an alias that names
another entity here, a common word that is not a mention there). ``--alias-language en``
keeps only the English aliases: a weaker variant, for ``curation compare``::

    python examples/dictionary_baseline.py --gold exports/news/1.0.0 --out dictionary.jsonl
    curation evaluate --gold exports/news/1.0.0 --predictions dictionary.jsonl
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from curation.core.records import Mention
from curation.evaluate.predictions import SystemOutput, output_line


def lexicon(entity_rows: Iterable[Mapping[str, Any]], languages: Collection[str] = ()) -> dict[str, str]:
    """Surface form -> entity type (the most common type among entities with that alias; ties alphabetical).

    With ``languages``, only the aliases of those languages.
    """
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for entity in entity_rows:
        for block in entity["aliases"]:
            if languages and block["language"] not in languages:
                continue
            for alias in block["aliases"]:
                if alias.strip():
                    types[alias][entity["type"]] += 1
    return {alias: min(c, key=lambda t: (-c[t], t)) for alias, c in types.items()}


def dictionary_outputs(rows: Iterable[Mapping[str, Any]], words: Mapping[str, str]) -> list[SystemOutput]:
    """Mentions wherever an alias occurs, longest alias first at each position."""
    if not words:
        return [SystemOutput(row["doc_id"]) for row in rows]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))))
    outputs = []
    for row in rows:
        mentions = tuple(
            Mention(f"m{k}", hit.start(), hit.end(), hit.group(), words[hit.group()])
            for k, hit in enumerate(pattern.finditer(row["text"]), start=1)
        )
        outputs.append(SystemOutput(row["doc_id"], mentions))
    return outputs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", required=True, type=Path, help="Release folder.")
    parser.add_argument("--split", default="test", help="Split to annotate (default: test).")
    parser.add_argument(
        "--lexicon-split", default=None, help="Split whose entities form the dictionary (default: --split)."
    )
    parser.add_argument(
        "--alias-language", action="append", default=[], metavar="LANG",
        help="Only aliases of this language (repeatable; default: every language).",
    )  # fmt: skip
    parser.add_argument("--out", required=True, type=Path, help="Prediction JSONL file to write.")
    args = parser.parse_args(argv)
    from curation.release.hfdata import load_release_config

    rows = load_release_config(args.gold, "documents", args.split)
    words = lexicon(load_release_config(args.gold, "entities", args.lexicon_split or args.split), args.alias_language)
    args.out.write_text("".join(output_line(o) + "\n" for o in dictionary_outputs(rows, words)), encoding="utf-8")


if __name__ == "__main__":
    main()
