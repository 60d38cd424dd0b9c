"""The pure release builder, called directly with gold documents built here."""

from __future__ import annotations

import dataclasses
import io
import json

import pyarrow.parquet as pq
import pytest

from curation.core.errors import ReleaseError
from curation.core.records import Annotation, Decision, Document, GoldDocument, Mention, Relation
from curation.core.schema import DEFAULT_SCHEMA_PATH, load_schema
from curation.release.build import BuildInputs, BuildOptions, build_release
from curation.release.diff import _entity_facts
from curation.release.run import read_state, write_release
from curation.release.source import (
    ANNOTATIONS_SCHEMA,
    annotations_parquet,
    documents_parquet,
    read_annotations,
    read_documents,
)
from curation.release.splits import assign_splits, draw, parse_split_config

SCHEMA = load_schema()


def gold(doc_id, language, text, mentions, relations=(), status="single_annotated", n=1, prefix="77/"):
    """mentions: (surface, type, entity id); relations: (type, head index, tail index)."""
    ms, cursor = [], 0
    for i, (surface, label, entity) in enumerate(mentions):
        start = text.index(surface, cursor)
        cursor = start + 1
        ms.append(Mention(f"{prefix}reg{9 - i}", start, start + len(surface), surface, label, entity))
    rels = tuple(Relation(f"{prefix}r{k}", t, ms[h].id, ms[tl].id) for k, (t, h, tl) in enumerate(relations))
    return GoldDocument(Document(doc_id, language, text, source="Outlet"), tuple(reversed(ms)), rels, status, n)


GOLD = (
    gold("en-1", "en", "Putin met Kim Jong Un. Kim spoke. Kim left.",
         [("Putin", "PER", "vladimir_putin"), ("Kim Jong Un", "PER", "kim_jong_un"), ("Kim", "PER", "kim_jong_un"),
          ("Kim", "PER", "kim_jong_un")], [("met_with", 0, 1)]),
    gold("sw-1", "sw", "Kim alikutana na Putin nchini Urusi.",
         [("Kim", "PER", "kim_jong_un"), ("Putin", "PER", "vladimir_putin"), ("Urusi", "GPE", None)],
         [("met_with", 0, 1), ("visited", 0, 2)]),
)  # fmt: skip


def inputs(gold_docs=GOLD, previous=None, **options):
    annotations = tuple(Annotation(g.doc_id, "77", "annotator-1", g.mentions, g.relations) for g in gold_docs)
    decisions = tuple(
        Decision(g.doc_id, "mention", m.id, "single_annotation", ("77",)) for g in gold_docs for m in g.mentions
    )
    return BuildInputs(
        documents={g.doc_id: g.document for g in gold_docs}, annotations=annotations, gold=tuple(gold_docs),
        decisions=decisions, excluded={}, agreement=None, schema=SCHEMA, schema_bytes=DEFAULT_SCHEMA_PATH.read_bytes(),
        previous=previous, options=BuildOptions(name="news", version=options.pop("version", "1.0.0"),
                                                snapshot_sha256="0" * 64, **options),
    )  # fmt: skip


def rows(built, config, split="test"):
    return pq.read_table(io.BytesIO(built.files[f"{config}/{split}-00000-of-00001.parquet"])).to_pylist()


def test_ids_are_renumbered_in_text_order_and_logged_in_the_decisions():
    built = build_release(inputs())
    en = rows(built, "documents")[0]
    assert [(m["id"], m["start"], m["text"]) for m in en["mentions"]] == [
        ("m1", 0, "Putin"),
        ("m2", 10, "Kim Jong Un"),
        ("m3", 23, "Kim"),
        ("m4", 34, "Kim"),
    ]
    assert en["relations"] == [{"id": "r1", "type": "met_with", "head": "vladimir_putin", "tail": "kim_jong_un",
                                "head_mention": "m1", "tail_mention": "m2"}]  # fmt: skip
    decisions = pq.read_table(io.BytesIO(built.files["source/decisions.parquet"])).to_pylist()
    assert [(d["item_id"], d["release_id"]) for d in decisions if d["doc_id"] == "en-1"] == [
        ("77/reg6", "m4"),
        ("77/reg7", "m3"),
        ("77/reg8", "m2"),
        ("77/reg9", "m1"),
    ]
    assert "77/" not in "".join(json.dumps(rows(built, c)) for c in ("documents", "triples", "entities", "tokens"))


def test_mentions_sharing_span_and_type_are_ordered_by_entity_id_a_missing_one_first():
    text = "Kim Jong Un met Putin."
    spans = [("Kim Jong Un", "PER", "kim_jong_un"), ("Kim Jong Un", "PER", None), ("Kim Jong Un", "PER", "jong"),
             ("Putin", "PER", None), ("Putin", "PER", None)]  # fmt: skip
    ms = [Mention(f"9/reg{i}", text.index(t), text.index(t) + len(t), t, label, e)
          for i, (t, label, e) in enumerate(spans)]  # fmt: skip
    doc = GoldDocument(Document("en-9", "en", text), tuple(ms), (), "single_annotated", 1)
    released = rows(build_release(inputs([doc])), "documents")[0]["mentions"]
    assert [(m["id"], m["start"], m["entity_id"]) for m in released] == [
        ("m1", 0, None), ("m2", 0, "jong"), ("m3", 0, "kim_jong_un"), ("m4", 16, None), ("m5", 16, None)
    ]  # fmt: skip
    decisions = pq.read_table(io.BytesIO(build_release(inputs([doc])).files["source/decisions.parquet"])).to_pylist()
    assert [(d["item_id"], d["release_id"]) for d in decisions] == [
        ("9/reg0", "m3"), ("9/reg1", "m1"), ("9/reg2", "m2"), ("9/reg3", "m4"), ("9/reg4", "m5")
    ]  # fmt: skip


def test_entity_names_types_and_aliases_are_release_wide():
    built = build_release(inputs())
    assert rows(built, "entities") == [
        {"id": "kim_jong_un", "type": "PER", "name": "Kim Jong Un", "documents": ["en-1", "sw-1"],
         "aliases": [{"language": "en", "aliases": ["Kim", "Kim Jong Un"]}, {"language": "sw", "aliases": ["Kim"]}]},
        {"id": "vladimir_putin", "type": "PER", "name": "Putin", "documents": ["en-1", "sw-1"],
         "aliases": [{"language": "en", "aliases": ["Putin"]}, {"language": "sw", "aliases": ["Putin"]}]},
    ]  # fmt: skip


def test_symmetric_triples_are_written_once_and_relations_without_ids_are_counted():
    built = build_release(inputs())
    triples = [
        (t["doc_id"], t["subject"], t["subject_id"], t["predicate"], t["object_id"]) for t in rows(built, "triples")
    ]
    assert triples == [("en-1", "Kim Jong Un", "kim_jong_un", "met_with", "vladimir_putin"),
                       ("sw-1", "Kim", "kim_jong_un", "met_with", "vladimir_putin")]  # fmt: skip
    card = built.files["README.md"].decode()
    assert "- 1 relation joins a mention without an entity id and is left out of the `triples` config.\n" in card


def test_the_same_inputs_in_any_order_give_the_same_bytes():
    ordered = inputs()
    shuffled = dataclasses.replace(
        ordered,
        gold=tuple(dataclasses.replace(g, mentions=tuple(reversed(g.mentions))) for g in reversed(GOLD)),
        documents=dict(reversed(ordered.documents.items())),
        annotations=tuple(reversed(ordered.annotations)),
        decisions=tuple(reversed(ordered.decisions)),
    )
    assert build_release(shuffled).files == build_release(ordered).files


def test_bump_level_for_each_kind_of_change():
    first = build_release(inputs())
    previous = first.state
    assert build_release(inputs(previous=previous, version="1.0.1")).level is None
    assert build_release(inputs(previous=previous, version="1.0.1", notes="Read me.")).level == "patch"
    reviewed = (dataclasses.replace(GOLD[0], status="adjudicated", n_annotators=2), GOLD[1])
    assert build_release(inputs(reviewed, previous=previous, version="1.0.1")).level == "patch"
    extra = gold("en-2", "en", "Kim spoke.", [("Kim", "PER", "kim_jong_un")])
    assert build_release(inputs((*GOLD, extra), previous=previous, version="1.1.0")).level == "minor"
    assert build_release(inputs(GOLD[:1], previous=previous, version="2.0.0")).level == "major"
    relabelled = gold("sw-1", "sw", "Kim alikutana na Putin nchini Urusi.",
                      [("Kim", "PER", "kim_jong_un"), ("Putin", "PER", "vladimir_putin"), ("Urusi", "GPE", "russia")],
                      [("met_with", 0, 1), ("visited", 0, 2)])  # fmt: skip
    built = build_release(inputs((GOLD[0], relabelled), previous=previous, version="2.0.0"))
    assert (built.level, built.diff.gold_changed) == ("major", ("sw-1",))
    assert built.diff.counts["sw"]["mentions"] == {"added": 0, "removed": 0, "changed": 1}
    assert built.diff.counts["sw"]["entities"] == {"added": 1, "removed": 0, "changed": 0}


def test_symmetric_relations_drawn_the_other_way_are_no_change():
    previous = build_release(inputs()).state
    flipped = gold("sw-1", "sw", "Kim alikutana na Putin nchini Urusi.",
                   [("Kim", "PER", "kim_jong_un"), ("Putin", "PER", "vladimir_putin"), ("Urusi", "GPE", None)],
                   [("met_with", 1, 0), ("visited", 0, 2)])  # fmt: skip
    built = build_release(inputs((GOLD[0], flipped), previous=previous, version="1.0.1"))
    assert built.diff.gold_changed == ()


def test_split_assignment_is_stable_and_configurable():
    assert parse_split_config("train=0.8, test=0.2") == (("train", 0.8), ("test", 0.2))
    assert draw("alpha", "en-002") == pytest.approx(0.185, abs=1e-3)
    splits = assign_splits(["a", "en-002"], spec="train=0.5,test=0.5", seed="alpha", previous={"a": "test"})
    assert splits == {"a": "test", "en-002": "train"}
    ids = [f"doc-{i}" for i in range(2000)]
    many = assign_splits(ids, spec="train=0.8,test=0.2", seed="s")
    assert 0.77 < sum(v == "train" for v in many.values()) / 2000 < 0.83
    assert assign_splits(ids[:1000], spec="train=0.8,test=0.2", seed="s") == {i: many[i] for i in ids[:1000]}
    previous = build_release(inputs()).state
    built = build_release(inputs(previous=previous, version="1.0.1", split_config="train=1"))
    assert [r["doc_id"] for r in rows(built, "documents")] == ["en-1", "sw-1"]


@pytest.mark.parametrize("spec,message", [
    ("test", "Bad split config 'test' at 'test'. Write name=fraction pairs with fractions in (0, 1], e.g. "
             "--split-config train=0.8,test=0.2."),
    ("Test=1", "Bad split config 'Test=1' at 'Test=1'. Write name=fraction pairs with fractions in (0, 1], e.g. "
               "--split-config train=0.8,test=0.2."),
    ("test=0.5,test=0.5", "Bad split config 'test=0.5,test=0.5': split 'test' appears twice. Name each split once."),
    ("train=0.5", "Bad split config 'train=0.5': fractions add up to 0.5, not 1. Adjust them."),
])  # fmt: skip
def test_bad_split_configs_say_the_fix(spec, message):
    with pytest.raises(ReleaseError) as err:
        parse_split_config(spec)
    assert str(err.value) == message


def test_source_records_read_back_as_they_went_in():
    docs = {g.doc_id: g.document for g in GOLD}
    docs["en-1"] = dataclasses.replace(docs["en-1"], url=None, meta={"variety": "US", "desk": {"id": 3, "x": None}})
    annotations = inputs().annotations + (
        Annotation("sw-1", "90", "annotator-2", cancelled=True, lead_time=12.5, created_at="2024-05-01T10:00:00Z"),
        Annotation("sw-1", "p9", "", GOLD[1].mentions, GOLD[1].relations, model_version="m1", from_prediction=True),
    )
    back = read_documents(documents_parquet(reversed(docs.values())))
    assert list(back) == ["en-1", "sw-1"] and back == docs
    assert [d.meta for d in back.values()] == [{"desk": {"id": 3, "x": None}, "variety": "US"}, {}]
    order = sorted(annotations, key=lambda a: (a.doc_id, a.annotator, a.annotation_id))
    assert read_annotations(annotations_parquet(reversed(annotations))) == tuple(order)
    assert ANNOTATIONS_SCHEMA.names == [f.name for f in dataclasses.fields(Annotation)]


def test_the_state_kept_for_the_next_release_is_the_one_read_back_from_the_files(tmp_path):
    built = build_release(inputs())
    write_release(tmp_path / "news" / "1.0.0", built.files)
    again = read_state(tmp_path / "news" / "1.0.0")
    assert (again.documents, again.entities) == (built.state.documents, built.state.entities)
    assert again.data_sha256 == built.state.data_sha256 and again.card_sha256 == built.state.card_sha256
    # The entity facts taken from the entity table are those the diff reads from the mentions.
    assert again.entity_facts is None and built.state.entity_facts == _entity_facts(again)
    assert built.state.entity_facts == {
        ("kim_jong_un", "en"): ("PER", "Kim Jong Un", ("Kim", "Kim Jong Un")),
        ("kim_jong_un", "sw"): ("PER", "Kim Jong Un", ("Kim",)),
        ("vladimir_putin", "en"): ("PER", "Putin", ("Putin",)),
        ("vladimir_putin", "sw"): ("PER", "Putin", ("Putin",)),
    }


def test_a_first_release_counts_each_distinct_item_once():
    # A duplicated mention and a symmetric relation drawn both ways are one item each, as the next
    # release's diff compares them.
    met = GOLD[1].relations[0]
    doubled = dataclasses.replace(
        GOLD[1],
        mentions=GOLD[1].mentions + GOLD[1].mentions[:1],
        relations=GOLD[1].relations + (Relation("77/back", "met_with", met.tail, met.head),),
    )
    built = build_release(inputs((GOLD[0], doubled)))
    assert built.diff.counts["sw"]["mentions"]["added"] == len(GOLD[1].mentions)
    assert built.diff.counts["sw"]["relations"]["added"] == 2
    assert built.diff.added == ("en-1", "sw-1")
