"""Score a system's predictions against a release: mentions, relations and triples.

The core (:func:`gold_from_rows`, :func:`score`) is pure: release rows and parsed
predictions in, a report dict out. :func:`evaluate_release` is the edge the CLI calls: it
reads the release (through :mod:`curation.release.hfdata`) and the prediction file, then scores.

Report shape (every leaf block holds precision, recall, f1 and the counts; with bootstrap
resamples also ``ci``, ``{"precision": [low, high], "recall": ..., "f1": ...}`` or None
values, and ``n_docs``: :mod:`~curation.evaluate.bootstrap`)::

    {"ner": {"strict", "exact", "partial", "ent_type"},
     "relations": {"strict", "boundaries"},
     "triples": {"document", "corpus"},
     "by_language": {"<lang>": {"ner", "relations", "triples"}},
     "by_type": {"ner": {"<entity type>": {...}}, "relations": {"<relation type>": {...}},
                 "triples": {"<relation type>": {...}}},
     "tokens": {"default", "strict", "by_type": {"<entity type>": {"default", "strict"}}}}

``tokens`` (BIO predictions only, :mod:`curation.evaluate.tags`) holds the token-level figures
of :func:`curation.evaluate.chunks.token_scores`.

All figures are micro-averaged: counts are summed over documents (and types), then turned
into precision, recall and F1. ``triples.document`` matches each document's predicted triples
against its own gold triples; ``triples.corpus`` first merges each side into one
deduplicated graph (gold: entity ids; predicted: normalized strings) and matches the graphs.
The tables are :mod:`~curation.evaluate.tables`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.core.errors import CurationError
from curation.evaluate.bootstrap import DEFAULT_SEED, METHOD, System, add_intervals, resample
from curation.evaluate.counts import CorpusMatch, DocumentCounts
from curation.evaluate.ner import add_counts, empty_counts, ner_block, score_document
from curation.evaluate.predictions import SystemOutput
from curation.evaluate.provenance import ReleaseId, check_release, provenance, release_id
from curation.evaluate.relations import (
    RELATION_MODES,
    AliasIndex,
    add_set_counts,
    gold_triple_key,
    match_pairs,
    match_triples,
    pair_counts,
    predicted_triple_key,
    prf3,
    relation_keys,
    total,
)  # fmt: skip

Span = tuple[int, int, str]


@dataclass(frozen=True)
class GoldDoc:
    """One gold document, reduced to what scoring compares (plain tuples, sorted spans)."""

    doc_id: str
    language: str
    text: str
    spans: tuple[Span, ...]
    mention_spans: Mapping[str, Span]
    relations: tuple[tuple[str, str, str], ...]  # (type, head mention id, tail mention id)
    triples: tuple[tuple[str, str, str], ...]  # (head entity id, type, tail entity id)


@dataclass(frozen=True)
class Gold:
    """The scored split: its documents in release order and every entity's aliases."""

    documents: tuple[GoldDoc, ...]
    aliases: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def texts(self) -> dict[str, str]:
        return {d.doc_id: d.text for d in self.documents}


def gold_from_rows(rows: Iterable[Mapping[str, Any]], *, aliases: Mapping[str, Iterable[str]] | None = None) -> Gold:
    """The gold from ``documents`` config rows (see the release contract).

    An entity's aliases are its name, the text of each of its mentions in ``rows`` and the
    extra ``aliases`` given (for instance from the release's ``entities`` config).
    """
    all_aliases: dict[str, set[str]] = {k: set(v) for k, v in (aliases or {}).items()}
    documents = []
    for row in rows:
        doc_id, text = row["doc_id"], row["text"]
        spans: dict[str, Span] = {}
        entity_of: dict[str, str] = {}
        for m in row.get("mentions") or ():
            start, end = m["start"], m["end"]
            if not 0 <= start < end <= len(text):
                raise CurationError(
                    f"Gold document {doc_id!r}: mention {m['id']!r} has offsets [{start}, {end}) outside its text "
                    f"({len(text)} code points). The release is damaged: rebuild it with `curation release`."
                )
            spans[m["id"]] = (start, end, m["type"])
            entity = m.get("entity_id") or f"{doc_id}/{m['id']}"
            entity_of[m["id"]] = entity
            all_aliases.setdefault(entity, set()).add(m.get("text") or text[start:end])
        for e in row.get("entities") or ():
            if e.get("name"):
                all_aliases.setdefault(e["id"], set()).add(e["name"])
        relations: list[tuple[str, str, str]] = []
        triples: dict[tuple[str, str, str], None] = {}  # insertion-ordered set
        for r in row.get("relations") or ():
            head, tail = r["head_mention"], r["tail_mention"]
            for end in (head, tail):
                if end not in spans:
                    raise CurationError(
                        f"Gold document {doc_id!r}: relation {r['id']!r} names mention {end!r}, which it does not have. "
                        "The release is damaged: rebuild it with `curation release`."
                    )
            relations.append((r["type"], head, tail))
            triple = (r.get("head") or entity_of[head], r["type"], r.get("tail") or entity_of[tail])
            triples[triple] = None
        documents.append(GoldDoc(
            doc_id=doc_id, language=row["language"], text=text, spans=tuple(sorted(spans.values())),
            mention_spans=spans, relations=tuple(relations), triples=tuple(triples),
        ))  # fmt: skip
    return Gold(tuple(documents), {k: frozenset(v) for k, v in all_aliases.items()})


def score(
    gold: Gold,
    predictions: Mapping[str, SystemOutput],
    *,
    symmetric: Collection[str] = (),
    resamples: int = 0,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The report (shape in the module docstring); documents without predictions score empty.

    With ``resamples`` > 0 every block also gets ``ci`` and ``n_docs``: 95% intervals from
    that many document-level bootstrap resamples drawn with ``seed`` (:mod:`~curation.evaluate.bootstrap`).
    """
    scored = tally(gold, predictions, symmetric=symmetric)
    if resamples > 0:
        add_intervals(scored.report, resample([scored.system], resamples=resamples, seed=seed)[0])
    return scored.report


@dataclass(frozen=True)
class Tally:
    """A report and what it was summed from: each document's counts, each corpus graph's matching."""

    report: dict[str, Any]
    documents: DocumentCounts
    corpus: Mapping[str | None, CorpusMatch]  # None: all languages

    @property
    def system(self) -> System:
        return self.documents, self.corpus


def tally(gold: Gold, predictions: Mapping[str, SystemOutput], *, symmetric: Collection[str] = ()) -> Tally:
    """Score every document once: the report and the per-document counts the bootstrap resamples."""
    symmetric = frozenset(symmetric)
    index = AliasIndex(gold.aliases)
    ner_lang: dict[str, dict[str, list[int]]] = {}
    ner_type: dict[str, dict[str, list[int]]] = {}
    rel_lang: dict[str, dict[str, dict[str, list[int]]]] = {}
    rel_type: dict[str, dict[str, list[int]]] = {mode: {} for mode in RELATION_MODES}
    tri_lang: dict[str, dict[str, list[int]]] = {}
    tri_type: dict[str, list[int]] = {}
    graph_gold: dict[str, set[tuple]] = {}
    graph_pred: dict[str, set[tuple]] = {}
    documents = DocumentCounts()
    empty = SystemOutput("")

    for doc in gold.documents:
        output = predictions.get(doc.doc_id) or empty
        lang = doc.language
        if lang not in ner_lang:
            ner_lang[lang] = empty_counts()
            rel_lang[lang] = {mode: {} for mode in RELATION_MODES}
            tri_lang[lang], graph_gold[lang], graph_pred[lang] = {}, set(), set()

        pred_spans = sorted((m.start, m.end, m.type) for m in output.mentions)
        overall, typed = score_document(doc.spans, pred_spans)
        add_counts(ner_lang[lang], overall)
        for label, counts in typed.items():
            if label not in ner_type:
                ner_type[label] = empty_counts()
            add_counts(ner_type[label], counts)

        gold_keys = relation_keys(doc.relations, doc.mention_spans, symmetric)
        pred_mentions = {m.id: (m.start, m.end, m.type) for m in output.mentions}
        pred_keys = relation_keys(((r.type, r.head, r.tail) for r in output.relations), pred_mentions, symmetric)
        relations: dict[str, dict[str, list[int]]] = {mode: {} for mode in RELATION_MODES}
        for mode, g, p in zip(RELATION_MODES, gold_keys, pred_keys):
            add_set_counts(relations[mode], g, p)
            _merge(rel_lang[lang][mode], relations[mode])

        gold_triples = {gold_triple_key(s, p, o, symmetric) for s, p, o in doc.triples}
        pred_triples = {predicted_triple_key(t.subject, t.predicate, t.object, symmetric) for t in output.triples}
        triples = match_triples(gold_triples, pred_triples, index, symmetric)
        _merge(tri_lang[lang], triples)
        graph_gold[lang] |= gold_triples
        graph_pred[lang] |= pred_triples
        documents.add(lang, overall, typed, relations, triples, (gold_triples, pred_triples))

    for by_mode in rel_lang.values():
        for mode in RELATION_MODES:
            _merge(rel_type[mode], by_mode[mode])
    for counts in tri_lang.values():
        _merge(tri_type, counts)
    corpus: dict[str | None, CorpusMatch] = {
        lang: CorpusMatch(graph_gold[lang], graph_pred[lang], match_pairs(graph_gold[lang], graph_pred[lang], index, symmetric))
        for lang in graph_gold
    }  # fmt: skip
    every_gold, every_pred = set().union(*graph_gold.values()), set().union(*graph_pred.values())
    corpus[None] = CorpusMatch(every_gold, every_pred, match_pairs(every_gold, every_pred, index, symmetric))
    corpus_lang = {lang: pair_counts(m.gold, m.pred, m.pairs) for lang, m in corpus.items() if lang is not None}
    corpus_all = pair_counts(every_gold, every_pred, corpus[None].pairs)

    ner_all = empty_counts()
    for counts in ner_lang.values():
        add_counts(ner_all, counts)
    report: dict[str, Any] = {
        "ner": ner_block(ner_all),
        "relations": {mode: prf3(total(rel_type[mode])) for mode in RELATION_MODES},
        "triples": {"document": prf3(total(tri_type)), "corpus": prf3(total(corpus_all))},
        "by_language": {
            lang: {
                "ner": ner_block(ner_lang[lang]),
                "relations": {mode: prf3(total(rel_lang[lang][mode])) for mode in RELATION_MODES},
                "triples": {"document": prf3(total(tri_lang[lang])), "corpus": prf3(total(corpus_lang[lang]))},
            }
            for lang in sorted(ner_lang)
        },
        "by_type": {
            "ner": {label: ner_block(ner_type[label]) for label in sorted(ner_type)},
            "relations": {
                label: {mode: prf3(rel_type[mode].get(label, (0, 0, 0))) for mode in RELATION_MODES}
                for label in sorted(rel_type["strict"].keys() | rel_type["boundaries"].keys())
            },
            "triples": {
                label: {
                    "document": prf3(tri_type.get(label, (0, 0, 0))),
                    "corpus": prf3(corpus_all.get(label, (0, 0, 0))),
                }
                for label in sorted(tri_type.keys() | corpus_all.keys())
            },
        },
    }
    return Tally(report, documents, corpus)


def _merge(totals: dict[str, list[int]], part: Mapping[str, list[int]]) -> None:
    for label, row in part.items():
        t = totals.setdefault(label, [0, 0, 0])
        for k in range(3):
            t[k] += row[k]


# --- the edge: read a release and a prediction file ---------------------------------------------


@dataclass(frozen=True)
class Reference:
    """The scored split of a release: its gold, the schema's labels, and notes for the user."""

    gold: Gold
    entity_labels: frozenset[str]
    relation_labels: frozenset[str]
    symmetric: frozenset[str]
    release: ReleaseId
    split: str
    notes: tuple[str, ...]
    #: The split's rows of the ``documents`` config (BIO predictions are read against them).
    rows: tuple[Mapping[str, Any], ...] = ()


def load_reference(gold: Path | str, *, split: str = "test", schema_path: Path | str | None = None) -> Reference:
    """Read split ``split`` of the release folder ``gold``.

    Aliases for triple matching come from the release's ``triples`` config (every surface
    form of each entity in the release) plus names and mention texts of the scored split.
    The schema (types, symmetric relations) is ``schema_path``, else the one the release was
    built with (``source/schema.json``), else ``schemas/schema.json``.
    """
    from curation.core.schema import DEFAULT_SCHEMA_PATH, load_schema
    from curation.release.hfdata import load_release_config

    released = Path(gold) / "source" / "schema.json"
    schema = load_schema(schema_path or (released if released.is_file() else DEFAULT_SCHEMA_PATH))
    notes = []
    rows = load_release_config(gold, "documents", split)
    try:
        triple_rows = load_release_config(gold, "triples", split)
    except CurationError as exc:
        triple_rows = []
        notes.append(f"No triples config to take aliases from ({exc}); using the documents' mention texts only.")
    extra: dict[str, set[str]] = {}
    for t in triple_rows:
        extra.setdefault(t["subject_id"], set()).update(t.get("subject_aliases") or (), [t["subject"]])
        extra.setdefault(t["object_id"], set()).update(t.get("object_aliases") or (), [t["object"]])
    return Reference(
        gold_from_rows(rows, aliases=extra), frozenset(schema.entity_labels), frozenset(schema.relations),
        frozenset(r.label for r in schema.relation_types if r.symmetric), release_id(gold), split, tuple(notes),
        tuple(rows),
    )  # fmt: skip


def load_system(
    reference: Reference, predictions: Path | str
) -> tuple[dict[str, SystemOutput], list[str], dict[str, Any] | None]:
    """A prediction file checked against ``reference`` (and its header, if any), with notes for the user,
    and for BIO tag predictions their token-level figures (seqeval's, :mod:`curation.evaluate.chunks`)."""
    from curation.evaluate.predictions import load_predictions
    from curation.evaluate.tags import is_tag_file, load_tag_predictions

    scope = f"split {reference.split!r} of {reference.release.folder}"
    tagged = None
    if is_tag_file(predictions):
        tagged = load_tag_predictions(
            predictions, gold=reference.release.folder, split=reference.split, documents=reference.rows, scope=scope
        )
        outputs = tagged.outputs
    else:
        outputs = load_predictions(
            predictions, texts=reference.gold.texts, entity_types=reference.entity_labels,
            relation_types=reference.relation_labels, scope=scope,
        )  # fmt: skip
    unchecked = check_release(predictions, reference.release)
    predicted = sum(1 for o in outputs.values() if o.mentions or o.relations or o.triples)
    documents = len(reference.gold.documents)
    notes = [] if unchecked is None else [unchecked]
    notes.append(
        f"Scored {documents} gold documents of split {reference.split!r}; "
        f"{documents - predicted} have no predictions and count as empty."
    )
    if tagged is not None:
        notes.append(tagged.note)
    return outputs, notes, (tagged.tokens if tagged is not None else None)


@dataclass(frozen=True)
class Evaluation:
    """A scored prediction file: the report, notes for the user, and what it is a score of."""

    report: dict[str, Any]
    notes: tuple[str, ...]
    provenance: dict[str, Any]


def evaluate_release(
    *,
    gold: Path | str,
    predictions: Path | str,
    split: str = "test",
    schema_path: Path | str | None = None,
    resamples: int = 0,
    seed: int = DEFAULT_SEED,
) -> Evaluation:
    """Score ``predictions`` (JSONL) against split ``split`` of the release folder ``gold``
    (:func:`load_reference`), with bootstrap intervals when ``resamples`` > 0."""
    reference = load_reference(gold, split=split, schema_path=schema_path)
    outputs, notes, tokens = load_system(reference, predictions)
    report = score(reference.gold, outputs, symmetric=reference.symmetric, resamples=resamples, seed=seed)
    if tokens is not None:
        report["tokens"] = tokens
    if resamples > 0:
        notes.append(f"95% intervals: {METHOD} over {resamples} resamples (seed {seed}); --bootstrap 0 turns them off.")
    where = provenance(
        reference.release, split=split, languages=[d.language for d in reference.gold.documents],
        predictions=[predictions], resamples=resamples, seed=seed,
    )  # fmt: skip
    return Evaluation(report, (*reference.notes, *notes), where)
