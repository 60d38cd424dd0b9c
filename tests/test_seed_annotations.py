"""The maintainers' seed annotations: the committed JSONL is what the hand-written data files
build, it is a valid pre-annotation file, and it passes validation with no issue at all."""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import replace

import pytest

from curation.core.corpus import load_corpus
from curation.core.normalize import Normalized
from curation.core.records import Annotation, Document
from curation.core.schema import load_schema
from curation.core.validate import trim_span, validate
from curation.project.preannotations import load_preannotations
from tests.conftest import ROOT

SEED_FILE = ROOT / "corpus" / "seed_annotations.jsonl"


def _load_builder():
    path = ROOT / "corpus" / "seed" / "build_annotations.py"
    spec = importlib.util.spec_from_file_location("build_annotations", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


@pytest.fixture(scope="module")
def schema():
    return load_schema()


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {d.doc_id: d for d in load_corpus(ROOT / "corpus")}


@pytest.fixture(scope="module")
def seed() -> list[Annotation]:
    return [Annotation.from_dict(json.loads(line)) for line in SEED_FILE.read_text(encoding="utf-8").splitlines()]


def test_committed_file_is_what_the_data_files_build():
    assert SEED_FILE.read_text(encoding="utf-8") == builder.render(builder.build()), (
        "corpus/seed_annotations.jsonl is out of date: run python corpus/seed/build_annotations.py"
    )


def test_every_article_has_one_record_from_the_maintainers(seed, documents):
    assert [a.doc_id for a in seed] == sorted(documents)
    for a in seed:
        assert (a.annotator, a.model_version) == ("maintainers", "seed-maintainers-2026-11")
        assert a.mentions and a.relations


def test_spans_are_exact_trimmed_flat_and_numbered_in_offset_order(seed, documents):
    for a in seed:
        text = documents[a.doc_id].text
        assert [m.id for m in a.mentions] == [f"m{i}" for i in range(1, len(a.mentions) + 1)]
        assert [(m.start, m.end) for m in a.mentions] == sorted((m.start, m.end) for m in a.mentions)
        for m in a.mentions:
            assert text[m.start : m.end] == m.text
            assert trim_span(text, m.start, m.end) == (m.start, m.end), m
        for before, after in zip(a.mentions, a.mentions[1:]):
            assert before.end <= after.start, (before, after)


def test_types_ids_and_relations_follow_the_schema(seed, schema):
    types_of: dict[str, set[str]] = {}
    for a in seed:
        by_id = a.mention_by_id()
        for m in a.mentions:
            assert m.type in schema.entity_labels
            assert schema.entity_id_regex.fullmatch(m.entity_id), m
            types_of.setdefault(m.entity_id, set()).add(m.type)
        assert [r.id for r in a.relations] == [f"r{i}" for i in range(1, len(a.relations) + 1)]
        facts = set()
        for r in a.relations:
            head, tail = by_id[r.head], by_id[r.tail]
            assert schema.relations[r.type].allows(head.type, tail.type), r
            ends = (head.entity_id, tail.entity_id)
            fact = (r.type, *sorted(ends)) if schema.is_symmetric(r.type) else (r.type, *ends)
            assert fact not in facts, f"{a.doc_id}: {fact} drawn twice"
            facts.add(fact)
    assert {e: t for e, t in types_of.items() if len(t) > 1} == {}


def test_push_accepts_it_as_a_predictions_file(documents, schema, seed):
    assert list(load_preannotations(SEED_FILE, documents, schema)) == seed


def test_validation_reports_no_error_and_no_warning(seed, documents, schema):
    annotations = tuple(replace(a, annotation_id=f"seed-{a.doc_id}") for a in seed)
    normalized = Normalized(
        documents=documents,
        annotations=annotations,
        predictions=(),
        skipped=(),
        pushed_hashes={doc_id: d.sha256 for doc_id, d in documents.items()},
    )
    report = validate(normalized, schema)
    assert report.annotations == 5
    assert report.issues == ()


def _mentions(seed, doc_id):
    return {(m.text, m.type, m.entity_id) for a in seed if a.doc_id == doc_id for m in a.mentions}


def _facts(seed, doc_id):
    a = next(a for a in seed if a.doc_id == doc_id)
    by_id = a.mention_by_id()
    return {(by_id[r.head].entity_id, r.type, by_id[r.tail].entity_id) for r in a.relations}


def test_hand_checked_mentions(seed):
    swahili = _mentions(seed, "000_4a139d2d5ec5e102")
    assert ("Vladmir Putin", "PER", "vladimir_putin") in swahili  # typo in the source
    assert ("Kim John Un", "PER", "kim_jong_un") in swahili  # typo in the source
    assert ("Wladimir Putin", "PER", "vladimir_putin") in swahili  # German photo alt text
    assert ("Kremlin", "ORG", "kremlin") in swahili  # "Kremlin Pool Photo", per part
    arabic = _mentions(seed, "001_d3ab50d0e16a8aaf") | _mentions(seed, "002_dae5d3a25b77d1e6")
    assert ("قاعدة فوستوشني الفضائية", "FAC", "vostochny_cosmodrome") in arabic
    assert ("مركز فوستوشني الفضائي", "FAC", "vostochny_cosmodrome") in arabic
    assert ("الكوري الشمالي", "GPE", "north_korea") in arabic  # adjectival form
    assert ("بوتين", "PER", "vladimir_putin") in arabic  # written "وبوتين": the proclitic stays out
    english = _mentions(seed, "003_37c1237100320103") | _mentions(seed, "004_943f27995bdec5c1")
    assert ("the North", "GPE", "north_korea") in english
    assert ("Hwasong-18", "WEAPON", "hwasong_18") in english
    assert ("Wednesday", "DATE", "2023_09_13") in english


def test_hand_checked_relations(seed):
    assert {
        ("kim_jong_un", "met_with", "vladimir_putin"),
        ("kim_jong_un", "leader_of", "north_korea"),
        ("vladimir_putin", "leader_of", "russia"),
    } <= _facts(seed, "000_4a139d2d5ec5e102")
    assert ("un_security_council", "sanctions", "north_korea") in _facts(seed, "003_37c1237100320103")
    assert ("north_korea", "supplies", "russia") in _facts(seed, "002_dae5d3a25b77d1e6")  # reported speculation
    assert ("pyongyang", "seeks_support_from", "russia") in _facts(seed, "004_943f27995bdec5c1")


def test_one_entity_id_across_languages(seed, documents):
    languages: dict[str, set[str]] = {}
    for a in seed:
        for m in a.mentions:
            languages.setdefault(m.entity_id, set()).add(documents[a.doc_id].language)
    everywhere = ("kim_jong_un", "vladimir_putin", "north_korea", "russia", "vostochny_cosmodrome", "spy_satellite")
    for entity_id in everywhere:
        assert languages[entity_id] == {"sw", "ar", "en"}, entity_id


# --- the builder's own checks -----------------------------------------------------------------


def _check(text: str, entries: list[tuple], language: str = "en", glued=()) -> list[str]:
    schema, doc, problems = load_schema(), Document("d", language, text), []
    specs = [s for i, e in enumerate(entries) if (s := builder.resolve(e, text, f"m{i + 1}", problems))]
    builder.check_spans(specs, doc, set(glued), schema, problems)
    return problems


def test_builder_refuses_missing_occurrences_and_bad_edges():
    assert _check("Kim met Putin.", [("Kim", 2, "PER", "kim_jong_un"), ("Putin.", 1, "PER", "vladimir_putin")]) == [
        "m1: 'Kim' occurs 1 time(s) in the text, not 2",
        "m2: 'Putin.' starts or ends with whitespace or punctuation",
    ]


def test_builder_refuses_cut_words_unless_glued_or_an_arabic_proclitic():
    text = "in UrusiPicha: x"
    assert _check(text, [("Urusi", 1, "GPE", "russia")]) == [
        "m1: 'Urusi' ends inside a word (context 'in UrusiPicha: x'); "
        "fix the span, or list it in GLUED if the source text glues the words"
    ]
    assert _check(text, [("Urusi", 1, "GPE", "russia")], glued={("Urusi", 1)}) == []
    arabic = [("كيم", 1, "PER", "kim_jong_un"), ("بوتين", 1, "PER", "vladimir_putin")]
    assert _check("صورا لكيم وبوتين", arabic, language="ar") == []
    assert _check("Kimchi", [("Kim", 1, "PER", "kim_jong_un")]) == [
        "m1: 'Kim' ends inside a word (context 'Kimchi'); fix the span, or list it in GLUED if the source text "
        "glues the words"
    ]


def test_builder_refuses_overlaps_bad_types_and_ids():
    problems = _check(
        "North Korea",
        [("North Korea", 1, "GPE", "north_korea"), ("Korea", 1, "GPE", "Korea"), ("North", 1, "NORP", "north")],
    )
    assert problems == [
        "m2: 'Korea' has entity id 'Korea', which does not match ^[a-z0-9]+(_[a-z0-9]+)*$",
        "m3: 'North' has type 'NORP', not one of ['DATE', 'EVENT', 'FAC', 'GPE', 'LOC', 'ORG', 'PER', 'VEHICLE', "
        "'WEAPON']",
        "m1: 'North Korea' overlaps 'North' (m3); seed mentions are flat",
        "m2: 'Korea' overlaps 'North Korea' (m1); seed mentions are flat",
    ]


def test_builder_refuses_disallowed_and_repeated_relations():
    from curation.core.records import Mention

    kim = Mention("m1", 0, 3, "Kim", "PER", "kim_jong_un")
    putin = Mention("m2", 8, 13, "Putin", "PER", "vladimir_putin")
    putin_again = Mention("m3", 20, 25, "Putin", "PER", "vladimir_putin")
    problems: list[str] = []
    relations = builder.build_relations(
        [
            ("met_with", "k", "p"),
            ("met_with", "p2", "k"),
            ("leader_of", "k", "p"),
            ("likes", "k", "p"),
            ("visited", "k", "nobody"),
        ],
        {"k": kim, "p": putin, "p2": putin_again},
        load_schema(),
        "d.py",
        problems,
    )
    assert problems == [
        "d.py relation 2 met_with(p2, k): the same fact as relation 1 (one relation per document per fact)",
        "d.py relation 3 leader_of(k, p): leader_of does not allow PER -> PER",
        "d.py relation 4 likes(k, p): unknown relation type",
        "d.py relation 5 visited(k, nobody): no mention has key 'nobody'",
    ]
    assert [(r.id, r.type, r.head, r.tail) for r in relations] == [
        ("r1", "leader_of", "m1", "m2"),
        ("r2", "met_with", "m1", "m2"),
        ("r3", "met_with", "m3", "m1"),
    ]
