"""The seed's double annotation and its adjudication, checked offline against the committed 2.0.0.

The two passes (the maintainers', annotator-2's blind one) are read as two annotators' records;
their conflicts are the ones ``corpus/seed/decisions-2.0.0.json`` answers, and the gold those
decisions give is the gold released as ``exports/geonews-ie/2.0.0``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import replace

import pyarrow.parquet as pq
import pytest

from curation.core.corpus import load_corpus
from curation.core.schema import load_schema
from curation.project.preannotations import load_preannotations
from curation.review.adjudicate import adjudicate
from curation.review.decisions import parse_decisions
from tests.annotations import Snap
from tests.conftest import ROOT

SEED = ROOT / "corpus" / "seed"
DECISIONS = SEED / "decisions-2.0.0.json"
RELEASE = ROOT / "exports" / "geonews-ie" / "2.0.0"
SCHEMA = load_schema()
#: annotator-2's files as received (../shared/annotations/): never edited.
RECEIVED = {
    "annotator-2.jsonl": "b9be0c7e29fc160a0097ce72f4492408667017f12d135df60e187a9019ec7788",
    "NOTES.md": "428c42d19d16046c3dc697abb18426ed163f000c6f6022319faa89976b4dc14a",
}


def table(path) -> list[dict]:
    return pq.read_table(io.BytesIO(path.read_bytes())).to_pylist()


@pytest.fixture(scope="module")
def passes() -> Snap:
    documents = {d.doc_id: d for d in load_corpus(ROOT / "corpus")}
    annotations = []
    for n, path in enumerate(
        [ROOT / "corpus" / "seed_annotations.jsonl", SEED / "annotator-2" / "annotator-2.jsonl"], 1
    ):
        for a in load_preannotations(path, documents, SCHEMA):
            annotations.append(replace(a, annotation_id=f"{a.doc_id}/{n}", annotator=f"annotator-{n}"))
    return Snap(documents, tuple(annotations))


def test_annotator_2_is_kept_as_received():
    for name, digest in RECEIVED.items():
        assert hashlib.sha256((SEED / "annotator-2" / name).read_bytes()).hexdigest() == digest, name
    shared = ROOT.parent / "shared" / "annotations"
    for name in RECEIVED if shared.is_dir() else ():
        assert (SEED / "annotator-2" / name).read_bytes() == (shared / name).read_bytes(), name


def test_every_decision_has_a_reason_and_cites_a_rule_the_schema_has():
    data = json.loads(DECISIONS.read_text(encoding="utf-8"))
    entries = data["decisions"]
    assert len(entries) == 127
    for e in entries:
        assert e["reason"].strip() and "\n" not in e["reason"], e
        kind, _, number = e["rule"].partition(".")
        if kind in ("span_rules", "relation_rules"):
            assert 1 <= int(number) <= len(getattr(SCHEMA, kind)), e["rule"]
        elif kind == "entity_types":
            assert number in SCHEMA.entity_labels
        elif kind == "relation_types":
            assert number in SCHEMA.relations
        else:
            assert e["rule"] == "entity_id"
        # a reason that names a rule names the one the entry cites
        cited = re.match(r"^(span_rules|relation_rules)\.([\d/]+)", e["reason"])
        assert cited is None or e["rule"] in {f"{cited.group(1)}.{n}" for n in cited.group(2).split("/")}, e


def test_the_decisions_answer_exactly_the_conflicts_of_the_two_passes(passes):
    conflicts = adjudicate(passes, SCHEMA).conflicts
    items = Counter(i.kind for c in conflicts for i in c.items)
    assert items == {"relation": 75, "entity_id": 33, "mention": 19}
    decided = adjudicate(passes, SCHEMA, decisions=parse_decisions(json.loads(DECISIONS.read_bytes()), "d"))
    assert decided.conflicts == ()
    assert Counter(d.rule for d in decided.decisions) == {"unanimous": 611, "decision": 90}
    released = {row["doc_id"]: row for row in table(RELEASE / "documents" / "test-00000-of-00001.parquet")}
    for gold in decided.gold:
        row = released[gold.doc_id]
        assert sorted((m.start, m.end, m.type, m.entity_id) for m in gold.mentions) == sorted(
            (m["start"], m["end"], m["type"], m["entity_id"]) for m in row["mentions"]
        )
        assert len(gold.relations) == len(row["relations"])
        assert gold.n_annotators == row["n_annotators"] == 2


def test_the_release_keeps_the_decisions_file_and_every_reason():
    assert (RELEASE / "source" / "review-decisions.json").read_bytes() == DECISIONS.read_bytes()
    reasons = {e["reason"] for e in json.loads(DECISIONS.read_bytes())["decisions"]}
    log = table(RELEASE / "source" / "decisions.parquet")
    assert Counter(r["rule"] for r in log) == {"unanimous": 611, "decision": 90}
    assert all((r["reason"] in reasons) if r["rule"] == "decision" else r["reason"] is None for r in log)
