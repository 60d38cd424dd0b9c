"""The gold output of adjudication: a JSONL file with the decision log inside, and its text report.

``curation adjudicate SNAPSHOT --out GOLD.jsonl`` writes one JSON object per gold document, in
doc_id order, UTF-8, one line each::

    {"doc_id": "en-001", "language": "en", "source": ..., "url": ..., "published": ...,
     "title": ..., "text": ..., "status": "adjudicated", "n_annotators": 2,
     "mentions": [{"id": "m1", "start": 0, "end": 11, "text": "Kim Jong Un", "type": "PER",
                   "entity_id": "kim_jong_un"}],
     "relations": [{"id": "r1", "type": "met_with", "head": "m1", "tail": "m2"}],
     "decisions": [{"kind": "mention", "item_id": "m1", "rule": "unanimous",
                    "sources": ["41", "42"]}]}

(``meta`` is added when the document has metadata.) ``status`` is ``ground_truth``,
``adjudicated`` or ``single_annotated``; each decision names the rule (``ground_truth``,
``unanimous``, ``majority``, ``single_annotation``, ``decision``) and the Label Studio annotation
ids the item came from; a ``decision`` also has the decisions file's ``reason``, an ``id_map`` the rename's. Offsets are half-open code points, as everywhere in curation.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from curation.core.errors import SnapshotError
from curation.core.records import Decision, Document, GoldDocument, Mention, Relation
from curation.review.adjudicate import Adjudication
from curation.review.conflicts import Conflict


def gold_record(gold: GoldDocument, decisions: Iterable[Decision]) -> dict[str, Any]:
    """One line of the gold file."""
    return gold.document.to_dict() | {
        "status": gold.status,
        "n_annotators": gold.n_annotators,
        "mentions": [asdict(m) for m in gold.mentions],
        "relations": [asdict(r) for r in gold.relations],
        "decisions": [_decision_dict(d) for d in decisions],
    }


def _decision_dict(d: Decision) -> dict[str, Any]:
    data = {"kind": d.kind, "item_id": d.item_id, "rule": d.rule, "sources": list(d.sources)}
    return data if d.reason is None else {**data, "reason": d.reason}


def gold_records(adjudication: Adjudication) -> list[dict[str, Any]]:
    by_doc: dict[str, list[Decision]] = defaultdict(list)
    for d in adjudication.decisions:
        by_doc[d.doc_id].append(d)
    return [gold_record(g, by_doc[g.doc_id]) for g in sorted(adjudication.gold, key=lambda g: g.doc_id)]


def from_record(record: Mapping[str, Any]) -> tuple[GoldDocument, tuple[Decision, ...]]:
    """A gold line back as records (the inverse of :func:`gold_record`)."""
    document = Document.from_dict(record)
    gold = GoldDocument(
        document=document,
        mentions=tuple(Mention(**m) for m in record["mentions"]),
        relations=tuple(Relation(**r) for r in record["relations"]),
        status=record["status"],
        n_annotators=record["n_annotators"],
    )
    decisions = tuple(
        Decision(document.doc_id, d["kind"], d["item_id"], d["rule"], tuple(d["sources"]), d.get("reason"))
        for d in record["decisions"]
    )
    return gold, decisions


def write_gold(adjudication: Adjudication, path: Path | str) -> Path:
    """Write the gold JSONL atomically (a temporary file renamed over ``path``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for record in gold_records(adjudication):
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_gold(path: Path | str) -> tuple[tuple[GoldDocument, ...], tuple[Decision, ...]]:
    """Gold documents and the decision log from a gold JSONL file."""
    path = Path(path)
    gold: list[GoldDocument] = []
    decisions: list[Decision] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                g, ds = from_record(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise SnapshotError(
                    f"{path} line {number}: not a gold record ({exc}). Write it again with "
                    f"`curation adjudicate SNAPSHOT --out {path}`."
                ) from None
            gold.append(g)
            decisions.extend(ds)
    return tuple(gold), tuple(decisions)


# --- the report -----------------------------------------------------------------------------


def adjudication_dict(adjudication: Adjudication) -> dict[str, Any]:
    """The ``--json`` report: counts, gold per document, conflicts with every version, the rest."""
    return {
        "summary": adjudication.summary(),
        "gold": [
            {
                "doc_id": g.doc_id,
                "status": g.status,
                "n_annotators": g.n_annotators,
                "mentions": len(g.mentions),
                "relations": len(g.relations),
            }
            for g in adjudication.gold
        ],  # fmt: skip
        "conflicts": [c.to_dict() for c in adjudication.conflicts],
        "unannotated": list(adjudication.unannotated),
        "awaiting_second": list(adjudication.awaiting_second),
        "rejected": [r.to_dict() for r in adjudication.rejected],
    }


def adjudication_text(adjudication: Adjudication) -> str:
    """The report for people: a summary line, then every conflict with each annotator's version."""
    s = adjudication.summary()
    statuses = ", ".join(f"{k} {v}" for k, v in s["by_status"].items())
    lines = [
        f"Gold documents: {s['gold']}" + (f" ({statuses})." if statuses else "."),
        f"Documents with open conflicts: {s['conflicts']}. Without any usable annotation: {s['unannotated']}. "
        f"Waiting for a second annotator: {s['awaiting_second']}. Items rejected by a majority: "
        f"{s['rejected_items']}.",
    ]
    for conflict in adjudication.conflicts:
        lines += ["", f"Conflict in {conflict.doc_id} ({conflict.n_annotators} annotators):"]
        lines += _conflict_lines(conflict)
    return "\n".join(lines) + "\n"


def _conflict_lines(conflict: Conflict) -> list[str]:
    lines = []
    for item in conflict.items:
        lines.append(f"  {item.kind} at {item.where}")
        for v in item.versions:
            parts = [f"{m.type} [{m.start}, {m.end}) {m.text!r} id={m.entity_id or '-'}" for m in v.mentions]
            parts += [f"{r.type}: {r.head.text!r} -> {r.tail.text!r}" for r in v.relations]
            lines.append(f"    {v.annotator} (annotation {v.annotation_id}): {'; '.join(parts) or 'nothing'}")
    return lines
