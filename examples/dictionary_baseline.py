"""Reference system 2: a dictionary baseline. Every alias of every entity, found by exact match.

The dictionary is the release's ``entities`` config (every surface form of every entity, all
languages, with the entity's type). In each text, aliases are found by exact, case-sensitive
string match, leftmost first and longest first, without overlaps; no word boundaries are
required (Arabic clitics such as و or ب attach to the next word). It predicts no relations and
hence no triples. With the dictionary taken from the scored split itself it is an optimistic
baseline: every gold surface form is in it, and what it misses is context (an alias that names
another entity here, a common word that is not a mention there). The matcher is the one of
``curation preannotate`` (:mod:`curation.project.dictionary`), without normalization or word
boundaries. ``--alias-language en`` keeps only the English aliases: a weaker variant, for
``curation compare``::

    python examples/dictionary_baseline.py --gold exports/news/1.0.0 --out dictionary.jsonl
    curation evaluate --gold exports/news/1.0.0 --predictions dictionary.jsonl

With ``--bio`` it writes what a token classifier writes instead: one BIO tag per token of the
release's ``tokens`` config (``{"doc_id": ..., "tags": ["O", "B-PER", ...]}``), each token tagged
by the found alias it overlaps (:func:`curation.release.tokens.bio_tags`); ``curation evaluate``
reads such a file too, and adds seqeval's token-level figures.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from curation.core.records import Mention
from curation.evaluate.predictions import SystemOutput, output_line
from curation.project.dictionary import Matcher, Target, alias_targets
from curation.release.tokens import bio_tags


def dictionary_outputs(rows: Iterable[Mapping[str, Any]], targets: Mapping[str, Target]) -> list[SystemOutput]:
    """Mentions wherever an alias occurs, longest alias first at each position."""
    matcher = Matcher(targets)
    return [
        SystemOutput(
            row["doc_id"],
            tuple(Mention(f"m{k}", m.start, m.end, m.text, m.type) for k, m in enumerate(matcher.find(row["text"]), 1)),
        )
        for row in rows
    ]


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
    parser.add_argument("--bio", action="store_true", help="Write BIO tags over the tokens config, not spans.")
    args = parser.parse_args(argv)
    from curation.release.hfdata import load_release_config

    rows = load_release_config(args.gold, "documents", args.split)
    entity_rows = load_release_config(args.gold, "entities", args.lexicon_split or args.split)
    targets = alias_targets(entity_rows, languages=args.alias_language)
    outputs = dictionary_outputs(rows, targets)
    if args.bio:
        lines = bio_lines(args.gold, args.split, rows, outputs)
    else:
        lines = [output_line(o) for o in outputs]
    args.out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def bio_lines(gold: Path, split: str, rows: list[dict[str, Any]], outputs: list[SystemOutput]) -> list[str]:
    """One ``{"doc_id", "tags"}`` line per document: its found mentions as BIO tags over the release's tokens."""
    from curation.evaluate.tags import token_docs, tokenizer_rule
    from curation.release.hfdata import load_release_tokens

    token_rows, tag_names = load_release_tokens(gold, split)
    docs = token_docs(token_rows, rows, tag_names, tokenizer_rule(gold))
    return [
        json.dumps({"doc_id": doc.doc_id, "tags": bio_tags(doc.tokens, output.mentions)[0]}, ensure_ascii=False)
        for doc, output in zip(docs, outputs)
    ]


if __name__ == "__main__":
    main()
