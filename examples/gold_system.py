"""Reference system 1: the gold itself, written as a prediction file (scores 1.0 everywhere).

It shows the prediction format with every block filled: mentions with offsets and types,
relations between mention ids, and triples whose subject and object are the canonical names
of the entities (the release's ``entities[].name``)::

    python examples/gold_system.py --gold exports/news/1.0.0 --out gold.jsonl
    curation evaluate --gold exports/news/1.0.0 --predictions gold.jsonl
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from curation.core.records import Mention, Relation
from curation.evaluate.predictions import SystemOutput, Triple, output_line


def gold_outputs(rows: Iterable[Mapping[str, Any]]) -> list[SystemOutput]:
    """One prediction per gold document: exactly its gold mentions, relations and triples."""
    outputs = []
    for row in rows:
        names = {e["id"]: e["name"] for e in row["entities"]}
        text = row["text"]
        mentions = tuple(
            Mention(m["id"], m["start"], m["end"], text[m["start"] : m["end"]], m["type"]) for m in row["mentions"]
        )
        relations = tuple(Relation(r["id"], r["type"], r["head_mention"], r["tail_mention"]) for r in row["relations"])
        triples = tuple(Triple(names[r["head"]], r["type"], names[r["tail"]]) for r in row["relations"])
        outputs.append(SystemOutput(row["doc_id"], mentions, relations, triples))
    return outputs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", required=True, type=Path, help="Release folder.")
    parser.add_argument("--split", default="test", help="Split to write (default: test).")
    parser.add_argument("--out", required=True, type=Path, help="Prediction JSONL file to write.")
    args = parser.parse_args(argv)
    from curation.release.hfdata import load_release_config

    rows = load_release_config(args.gold, "documents", args.split)
    args.out.write_text("".join(output_line(o) + "\n" for o in gold_outputs(rows)), encoding="utf-8")


if __name__ == "__main__":
    main()
