"""Inter-annotator agreement: how far two people labelling the same article agree.

Pure core: plain functions over a normalized snapshot (documents and annotations); nothing
here reads files, talks to Label Studio or prints. The definitions below are the product.

Units
    Skipped (cancelled) annotations and predictions are left out. An annotator counts once per
    document: when one annotator has several annotations of a document, the most recently
    updated one is used (``superseded`` counts the others). Only documents with two or more
    annotators are compared. Every unordered pair of annotators ``(a, b)``, ordered by
    pseudonym, is compared on the documents both annotated; every figure is also broken down
    by entity/relation type and document language, and summed over all pairs (micro average).

Mentions (``SpanCounts``)
    For one pair, one document and one entity type, ``A`` and ``B`` are the two annotators'
    mentions of that type (as multisets of half-open ``[start, end)`` spans).
    ``exact`` is the size of the largest one-to-one matching of mentions with the same span;
    ``overlap`` is the size of the largest one-to-one matching, among the mentions left, of
    mentions whose spans overlap (share at least one code point). Counts add up over documents,
    types, languages and pairs before any ratio is taken (micro average).

    - strict F1  = 2·exact / (|A| + |B|)
    - partial F1 = (2·exact + overlap) / (|A| + |B|)

    Strict F1 is the Dice coefficient of the two annotations: it equals the F1 of either one
    scored against the other. Partial F1 is SemEval-2013 task 9.1 ``partial`` within one type
    (an exact match scores 1, an overlap 0.5), the same as ``nervaluate``'s per-type
    ``partial`` figures for flat annotations. Both are ``None`` when ``|A| + |B| = 0``.

Relations (``RelationCounts``)
    A relation is keyed by its type and its two arguments' spans (Boundaries) or spans and
    entity types (Strict), after Taille et al. (2020). For a symmetric relation type (schema)
    the two arguments are put in offset order first, so the direction drawn does not matter.
    ``strict``/``boundaries`` are the multiset intersections of the two annotators' keys;
    F1 = 2·matched / (|A| + |B|), ``None`` when both are empty. Relations whose head or tail
    mention does not exist are left out and counted in ``dangling_relations``.

Relation label kappa (``Kappa``)
    Items are the ordered argument pairs ``(head span, tail span)`` (in offset order for a
    symmetric type) between which at least one annotator drew a relation, and whose two spans
    both annotators marked as mentions (of any type). Each annotator's label for an item is the
    type of the relation they drew there (several types joined by ``|``) or ``no_relation``.
    Cohen's kappa per pair: κ = (p_o − p_e) / (1 − p_e), with p_o the share of items with the
    same label and p_e = Σ_k p_a(k)·p_b(k). With more than two annotators in the snapshot the
    overall figure is Fleiss' kappa over each document's annotators (items: argument pairs
    whose spans every annotator of the document marked), generalised to a varying number of
    raters n_i: P_i = (Σ_k n_ik² − n_i) / (n_i(n_i − 1)), P̄ = mean P_i,
    p_k = Σ_i n_ik / Σ_i n_i, P_e = Σ_k p_k²; with exactly two annotators it is their Cohen's
    kappa. κ is ``None`` when there is no item or when p_e = 1 (a single label throughout).

Canonical entity ids (``IdCounts``)
    On the mentions both annotators marked with the same span (type not compared), the
    multisets of entity ids at each span are compared: ``compared`` = Σ min(|ids_a|, |ids_b|),
    ``agreed`` = size of their intersection; a missing id is a value like any other.
    agreement = agreed / compared (``None`` when nothing was compared).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from curation.core.records import Annotation, Document
from curation.core.schema import Schema
from curation.review.kappa import Kappa, cohen_kappa, fleiss_kappa
from curation.review.pairwise import (
    NO_RELATION,
    IdCounts,
    RelationCounts,
    SpanCounts,
    id_counts,
    items_of,
    label_items,
    relation_counts,
    span_counts,
)

__all__ = ["NO_RELATION", "AgreementReport", "Kappa", "IdCounts", "RelationCounts", "SpanCounts", "agreement"]

Pair = tuple[str, str]


class Snapshot(Protocol):
    """What agreement and adjudication read from :class:`curation.core.normalize.Normalized`."""

    # Read-only: the snapshots are frozen dataclasses.
    @property
    def documents(self) -> Mapping[str, Document]: ...
    @property
    def annotations(self) -> Sequence[Annotation]: ...


# --- the report -----------------------------------------------------------------------------


def _sort_key(annotation: Annotation) -> tuple:
    aid = annotation.annotation_id
    return (annotation.updated_at or annotation.created_at or "", len(aid), aid)


def natural(value: Any) -> Any:
    """Sort key putting ``annotator-2`` before ``annotator-10``, also inside tuples."""
    if isinstance(value, tuple):
        return tuple(natural(v) for v in value)
    if isinstance(value, str):
        return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", value))
    return value


def annotator_of(annotation: Annotation) -> str:
    return annotation.annotator or f"annotation-{annotation.annotation_id}"


def reviewers_of(annotations: Iterable[Annotation]) -> set[str]:
    """The annotators all of whose non-skipped annotations are flagged ground truth: reviewers."""
    flags: dict[str, set[bool]] = defaultdict(set)
    for annotation in annotations:
        if not annotation.cancelled:
            flags[annotator_of(annotation)].add(annotation.ground_truth)
    return {who for who, seen in flags.items() if seen == {True}}


def voters_by_document(snapshot: Snapshot) -> tuple[dict[str, list[Annotation]], int, int]:
    """Per document, the latest non-skipped annotation of each annotator (ordered by annotator).

    Reviewers are not voters: an annotator whose every non-skipped annotation is flagged ground
    truth (a reviewer's resolution) is left out of a document that other annotators labelled.

    Also returns how many skipped annotations were left out and how many were superseded by a
    later annotation of the same annotator.
    """
    latest: dict[str, dict[str, Annotation]] = defaultdict(dict)
    skipped = superseded = 0
    for annotation in snapshot.annotations:
        if annotation.cancelled:
            skipped += 1
            continue
        mine = latest[annotation.doc_id]
        who = annotator_of(annotation)
        if who in mine:
            superseded += 1
            if _sort_key(annotation) < _sort_key(mine[who]):
                continue
        mine[who] = annotation
    # A reviewer (an annotator all of whose annotations are flagged ground truth) decides, and does
    # not vote: their annotation is left out wherever other annotators labelled the document.
    reviewers = reviewers_of(snapshot.annotations)
    voters = {}
    for doc, mine in latest.items():
        names = sorted(mine, key=natural)
        if any(n not in reviewers for n in names):
            names = [n for n in names if n not in reviewers]
        voters[doc] = [mine[n] for n in names]
    return voters, skipped, superseded


def _rollup(cells: Mapping[tuple, Any], names: Sequence[str], by: Sequence[str], zero: Any) -> dict:
    """Sum cells keyed by ``names`` into groups keyed by the ``by`` subset (a tuple, or one value)."""
    index = [names.index(b) for b in by]
    out: dict = {}
    for key, value in cells.items():
        group = tuple(key[i] for i in index)
        group = group[0] if len(group) == 1 else group
        out[group] = out.get(group, zero) + value
    return dict(sorted(out.items(), key=lambda kv: natural(kv[0])))


@dataclass(frozen=True)
class AgreementReport:
    """Every agreement figure of a snapshot, kept as additive cells and rolled up on demand.

    ``mention_cells`` is keyed by ``(pair, language, entity type)``, ``relation_cells`` by
    ``(pair, language, relation type)``, ``id_cells`` by ``(pair, language)``.
    """

    annotators: tuple[str, ...]
    documents: int
    skipped_annotations: int
    superseded_annotations: int
    dangling_relations: int
    mention_cells: Mapping[tuple[Pair, str, str], SpanCounts]
    relation_cells: Mapping[tuple[Pair, str, str], RelationCounts]
    id_cells: Mapping[tuple[Pair, str], IdCounts]
    kappa_by_pair: Mapping[Pair, Kappa]
    kappa: Kappa
    documents_by_language: Mapping[str, int] = field(default_factory=dict)

    def mentions(self, *by: str) -> Any:
        """Mention counts summed by any of ``pair``, ``language``, ``type`` (none: micro)."""
        if not by:
            return sum(self.mention_cells.values(), SpanCounts())
        return _rollup(self.mention_cells, ("pair", "language", "type"), by, SpanCounts())

    def relations(self, *by: str) -> Any:
        if not by:
            return sum(self.relation_cells.values(), RelationCounts())
        return _rollup(self.relation_cells, ("pair", "language", "type"), by, RelationCounts())

    def entity_ids(self, *by: str) -> Any:
        if not by:
            return sum(self.id_cells.values(), IdCounts())
        return _rollup(self.id_cells, ("pair", "language"), by, IdCounts())

    @property
    def entity_types(self) -> list[str]:
        return sorted({key[2] for key in self.mention_cells})

    def to_dict(self) -> dict[str, Any]:
        def per_pair(groups: Mapping[Pair, Any]) -> list[dict[str, Any]]:
            return [{"annotators": list(p), **v.to_dict()} for p, v in groups.items()]

        def per_key(groups: Mapping[str, Any]) -> dict[str, Any]:
            return {k: v.to_dict() for k, v in groups.items()}

        def nested(groups: Mapping[tuple, Any]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for (outer, inner), value in groups.items():
                out.setdefault(outer, {})[inner] = value.to_dict()
            return out

        by_pair_type = self.mentions("pair", "type")
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "documents_by_language": dict(self.documents_by_language),
            "skipped_annotations": self.skipped_annotations,
            "superseded_annotations": self.superseded_annotations,
            "mentions": {
                "micro": self.mentions().to_dict(),
                "by_pair": per_pair(self.mentions("pair")),
                "by_type": per_key(self.mentions("type")),
                "by_language": per_key(self.mentions("language")),
                "by_language_type": nested(self.mentions("language", "type")),
                "by_pair_type": [
                    {
                        "annotators": list(p),
                        "by_type": {t: by_pair_type[(p, t)].to_dict() for (q, t) in by_pair_type if q == p},
                    }
                    for p in self.mentions("pair")
                ],  # fmt: skip
            },
            "relations": {
                "micro": self.relations().to_dict(),
                "by_pair": per_pair(self.relations("pair")),
                "by_type": per_key(self.relations("type")),
                "by_language": per_key(self.relations("language")),
                "dangling": self.dangling_relations,
                "kappa": self.kappa.to_dict(),
                "kappa_by_pair": [{"annotators": list(p), **k.to_dict()} for p, k in self.kappa_by_pair.items()],
            },
            "entity_ids": {
                "micro": self.entity_ids().to_dict(),
                "by_pair": per_pair(self.entity_ids("pair")),
                "by_language": per_key(self.entity_ids("language")),
            },
        }


def agreement(snapshot: Snapshot, schema: Schema | None = None) -> AgreementReport:
    """Agreement between every pair of annotators of ``snapshot`` (see the module docstring).

    ``schema`` says which relation types are symmetric; without it every relation is directed.
    """
    voters, skipped, superseded = voters_by_document(snapshot)
    mention_cells: dict[tuple[Pair, str, str], SpanCounts] = defaultdict(SpanCounts)
    relation_cells: dict[tuple[Pair, str, str], RelationCounts] = defaultdict(RelationCounts)
    id_cells: dict[tuple[Pair, str], IdCounts] = defaultdict(IdCounts)
    pair_labels: dict[Pair, list[tuple[str, str]]] = defaultdict(list)
    fleiss_rows: list[Counter] = []
    annotators: set[str] = set()
    languages: Counter[str] = Counter()
    dangling = 0
    for doc_id in sorted(voters):
        annotations = voters[doc_id]
        if len(annotations) < 2:
            continue
        document = snapshot.documents.get(doc_id)
        language = document.language if document is not None else "unknown"
        languages[language] += 1
        who = [annotator_of(a) for a in annotations]
        annotators.update(who)
        items = [items_of(a, schema) for a in annotations]
        dangling += sum(i.dangling for i in items)
        fleiss_rows.extend(Counter(labels) for labels in label_items(items))
        for (i, x), (j, y) in itertools.combinations(enumerate(items), 2):
            pair = (who[i], who[j])
            for etype in sorted(set(x.spans_by_type) | set(y.spans_by_type)):
                cell = span_counts(x.spans_by_type.get(etype, ()), y.spans_by_type.get(etype, ()))
                mention_cells[(pair, language, etype)] += cell
            for rtype, rcell in relation_counts(x, y).items():
                relation_cells[(pair, language, rtype)] += rcell
            id_cells[(pair, language)] += id_counts(x, y)
            pair_labels[pair].extend(label_items([x, y]))  # type: ignore[arg-type]
    kappa_by_pair = {p: cohen_kappa(pair_labels[p]) for p in sorted({key[0] for key in id_cells}, key=natural)}
    if len(annotators) > 2:
        overall = fleiss_kappa(fleiss_rows)
    else:
        overall = next(iter(kappa_by_pair.values()), Kappa("cohen", 0, None, None, None))
    return AgreementReport(
        annotators=tuple(sorted(annotators, key=natural)),
        documents=sum(languages.values()),
        skipped_annotations=skipped,
        superseded_annotations=superseded,
        dangling_relations=dangling,
        mention_cells=dict(sorted(mention_cells.items(), key=lambda kv: natural(kv[0]))),
        relation_cells=dict(sorted(relation_cells.items(), key=lambda kv: natural(kv[0]))),
        id_cells=dict(sorted(id_cells.items(), key=lambda kv: natural(kv[0]))),
        kappa_by_pair=kappa_by_pair,
        kappa=overall,
        documents_by_language=dict(sorted(languages.items())),
    )


# --- the table ------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _aligned(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(  # noqa: E731
        str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))
    )
    return [line(header), *(line(r) for r in rows)]


def _rows(rollup: Callable[..., Any], columns: Callable[[Any], list]) -> list[list]:
    """Rows per language x type, a total per language, per type over all languages, and overall."""
    rows = []
    by_language_type = rollup("language", "type")
    for language, total in rollup("language").items():
        rows += [[lang, kind, *columns(c)] for (lang, kind), c in by_language_type.items() if lang == language]
        rows.append([language, "all", *columns(total)])
    if len(rollup("language")) > 1:
        rows += [["all", kind, *columns(c)] for kind, c in rollup("type").items()]
    return rows + [["all", "all", *columns(rollup())]]


def agreement_table(report: AgreementReport) -> str:
    """The report as plain-text tables, per language x type, for people."""
    languages = ", ".join(f"{k} {v}" for k, v in report.documents_by_language.items())
    lines = [
        f"Annotators: {', '.join(report.annotators) or '-'}.",
        f"Documents with two or more annotators: {report.documents}" + (f" ({languages})." if languages else "."),
        f"Skipped annotations left out: {report.skipped_annotations}.",
        "",
        "Mentions (pairwise, summed over annotator pairs)",
    ]
    lines += _aligned(["language", "type", "n_a", "n_b", "exact", "overlap", "strict_f1", "partial_f1"],
                      _rows(report.mentions, lambda c: [c.n_a, c.n_b, c.exact, c.overlap, _fmt(c.strict_f1),
                                                        _fmt(c.partial_f1)]))  # fmt: skip
    lines += ["", "Relations (pairwise, summed over annotator pairs)"]
    lines += _aligned(["language", "type", "n_a", "n_b", "strict", "boundaries", "strict_f1", "boundaries_f1"],
                      _rows(report.relations, lambda c: [c.n_a, c.n_b, c.strict, c.boundaries, _fmt(c.strict_f1),
                                                         _fmt(c.boundaries_f1)]))  # fmt: skip
    k, ids = report.kappa, report.entity_ids()
    lines += [
        "",
        f"Relation label kappa ({'Cohen' if k.method == 'cohen' else 'Fleiss'}): {_fmt(k.value)} over {k.items} "
        f"argument pairs (observed {_fmt(k.observed)}, expected {_fmt(k.expected)}).",
        f"Entity ids on mentions both annotators marked: {ids.agreed}/{ids.compared} agree ({_fmt(ids.agreement)}).",
    ]
    if report.dangling_relations:
        lines.append(f"Relations left out because an endpoint mention is missing: {report.dangling_relations}.")
    return "\n".join(lines) + "\n"
