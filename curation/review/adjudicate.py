"""Adjudication: one gold annotation per document, and the reason for every gold item.

Pure core: a normalized snapshot in, an :class:`Adjudication` out; no files, no server, no
clock (the date that names review drafts is passed in).

Which annotations count
    Skipped (cancelled) annotations and predictions never count. Each annotator counts once per
    document, with their most recently updated annotation (as in :mod:`curation.review.agreement`).
    ``n`` is the number of annotators of the document.

Rules, in order, per document
    1. ``ground_truth``: an annotation flagged ground truth in Label Studio is the gold, whole.
       Several flagged annotations with the same content are one; with different content the
       document is a conflict (``ground_truth`` item) until all but one are unflagged.
    2. ``n >= 2``, majority vote. A mention is the item ``(start, end, type)``; a relation is
       ``(type, head (start, end, type), tail (start, end, type))``, arguments in offset order
       for a symmetric type. An item marked by more than half of the ``n`` annotators is
       accepted (rule ``unanimous`` when all ``n`` marked it and agree on its entity id,
       ``majority`` otherwise); by fewer than half, rejected (a majority says it is not
       there; listed in ``rejected``); by exactly half, a conflict. An accepted mention's
       entity id is the one more than half of the annotators who marked it gave; without such
       an id the mention is an ``entity_id`` conflict. A document with any conflict is left
       out of the gold and listed in ``conflicts`` with every annotator's version of each
       disputed place (overlapping disputed spans are one place).
    3. ``n == 1``: with ``accept_single`` the annotation is the gold (rule
       ``single_annotation``, status ``single_annotated``); without, the document waits for a
       second annotator (``awaiting_second``).
    Documents with no usable annotation are listed in ``unannotated``.

Gold ids are reproducible: mentions ``m1, m2...`` in offset order (start, end, type, entity
id), relations ``r1, r2...`` in (head, tail, type) order; a symmetric relation's head is its
earlier argument. Every gold item has a :class:`~curation.core.records.Decision` naming the rule and
the ids of the source annotations that have it.

Review drafts: a conflicted document gets a merged draft (model version
``adjudication-<date>``): the accepted items plus one candidate for each disputed mention
version (span, type, entity id) and each disputed relation; rejected items are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from curation.core.records import Annotation, Decision, Document, GoldDocument, Mention
from curation.core.schema import Schema
from curation.review.agreement import Snapshot, annotator_of, voters_by_document
from curation.review.conflicts import (
    ENTITY_ID,
    MENTION,
    Conflict,
    ConflictItem,
    draft_relations,
    mention_item,
    relation_item,
    span_clusters,
    where_span,
    whole_item,
)
from curation.review.decisions import Decisions, DecisionsError, Entry, coverage_problems, resolve
from curation.review.pairwise import oriented

MentionKey = tuple[int, int, str]
RelationKey = tuple[str, MentionKey, MentionKey]


@dataclass(frozen=True)
class Rejected:
    """A candidate item left out of the gold, and why."""

    doc_id: str
    kind: str
    item: str
    sources: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "kind": self.kind, "item": self.item, "sources": list(self.sources),
                "reason": self.reason}  # fmt: skip


@dataclass(frozen=True)
class Adjudication:
    """The outcome over a snapshot; documents with open conflicts are not in ``gold``."""

    gold: tuple[GoldDocument, ...]
    decisions: tuple[Decision, ...]
    conflicts: tuple[Conflict, ...]
    unannotated: tuple[str, ...]
    awaiting_second: tuple[str, ...] = ()
    rejected: tuple[Rejected, ...] = ()

    def summary(self) -> dict[str, Any]:
        return {
            "gold": len(self.gold),
            "by_status": dict(sorted(Counter(g.status for g in self.gold).items())),
            "conflicts": len(self.conflicts),
            "unannotated": len(self.unannotated),
            "awaiting_second": len(self.awaiting_second),
            "rejected_items": len(self.rejected),
        }


@dataclass
class _Outcome:
    gold: GoldDocument | None = None
    conflict: Conflict | None = None
    decisions: tuple[Decision, ...] = ()
    rejected: tuple[Rejected, ...] = ()


def adjudicate(
    normalized: Snapshot,
    schema: Schema,
    *,
    accept_single: bool = True,
    date: str | None = None,
    decisions: Decisions | None = None,
) -> Adjudication:
    """Decide the gold of every document of ``normalized`` by the rules of the module docstring.

    ``date`` (e.g. ``2024-05-01``) names the review drafts' model version
    ``adjudication-<date>``; without it, the drafts are ``adjudication``. With ``decisions``,
    every open conflict must have its entry (:mod:`curation.review.decisions`), and documents
    are resolved by them, also where a reviewer already flagged the same resolution as ground
    truth in Label Studio.
    """
    draft_version = f"adjudication-{date}" if date else "adjudication"
    voters, _, _ = voters_by_document(normalized)
    usable: dict[str, list[Annotation]] = defaultdict(list)
    for a in normalized.annotations:
        if not a.cancelled:
            usable[a.doc_id].append(a)
    gold: list[GoldDocument] = []
    log: list[Decision] = []
    conflicts: list[Conflict] = []
    rejected: list[Rejected] = []
    unannotated, awaiting = [], []
    pending: list[tuple[Document, list[Annotation], list[Annotation], _Outcome]] = []
    for doc_id in sorted(normalized.documents):
        document, mine = normalized.documents[doc_id], voters.get(doc_id, [])
        if not mine:
            unannotated.append(doc_id)
            continue
        truths = [a for a in usable[doc_id] if a.ground_truth]
        decided = decisions is not None and bool(decisions.for_document(doc_id)) and len(mine) >= 2
        if truths and not decided:
            outcome = _ground_truth(document, truths, len(mine), schema)
        elif len(mine) >= 2:
            outcome = _majority(document, mine, schema, draft_version)
            if decisions is not None and outcome.conflict is not None:
                pending.append((document, mine, truths, outcome))
                continue
        elif accept_single:
            outcome = _from_one(document, mine[0], "single_annotation", "single_annotated", 1, schema)
        else:
            awaiting.append(doc_id)
            continue
        _collect(outcome, gold, log, conflicts, rejected)
    if decisions is not None:
        problems = coverage_problems([o.conflict for *_, o in pending if o.conflict], decisions)
        for document, mine, truths, outcome in pending:
            try:
                decided_outcome = _decided(document, mine, truths, outcome, decisions, schema)
            except DecisionsError as exc:
                problems += exc.problems
                continue
            _collect(decided_outcome, gold, log, conflicts, rejected)
        if problems:
            raise DecisionsError(problems)
        gold.sort(key=lambda g: g.doc_id)
        log.sort(key=lambda d: d.doc_id)  # stable: each document's own order is kept
        rejected.sort(key=lambda r: r.doc_id)
    return Adjudication(tuple(gold), tuple(log), tuple(conflicts), tuple(unannotated), tuple(awaiting),
                        tuple(rejected))  # fmt: skip


def _collect(outcome: _Outcome, gold: list, log: list, conflicts: list, rejected: list) -> None:
    if outcome.gold is not None:
        gold.append(outcome.gold)
        log.extend(outcome.decisions)
    if outcome.conflict is not None:
        conflicts.append(outcome.conflict)
    rejected.extend(outcome.rejected)


def _decided(document: Document, voters: Sequence[Annotation], truths: Sequence[Annotation], outcome: _Outcome,
             decisions: Decisions, schema: Schema) -> _Outcome:  # fmt: skip
    """A conflicted document resolved by its decisions file entries (rule ``decision``, with reasons)."""
    assert outcome.conflict is not None
    resolution = resolve(outcome.conflict, document, decisions.for_document(document.doc_id), schema)
    resolved = resolution.annotation
    doc_id = document.doc_id
    if truths and {_content(a, schema) for a in truths} != {_content(resolved, schema)}:
        raise DecisionsError([f"{decisions.source}: document {doc_id} has a ground truth in Label Studio that differs "
                              "from what the decisions give. Apply the decisions again (`curation adjudicate "
                              "SNAPSHOT --decisions FILE --push`) or fix the file, then pull again."])  # fmt: skip
    # What each voter marked, computed once: (mention keys, relation keys) as _content gives them.
    marked: list[tuple[str, set[tuple], set[tuple]]] = []
    for a in voters:
        mentions, relations = _content(a, schema)
        marked.append((a.annotation_id, set(mentions), set(relations)))
    review_ids = tuple(sorted(a.annotation_id for a in truths))
    by_id = resolved.mention_by_id()
    items: list[tuple[str, str, tuple, Entry | None]] = [
        (
            "mention",
            m.id,
            (m.start, m.end, m.type, m.entity_id or ""),
            resolution.mention_entries.get((m.start, m.end, m.type, m.entity_id)),
        )
        for m in resolved.mentions
    ]
    for r in resolved.relations:
        rkey = (r.type, *oriented(r.type, _key(by_id[r.head]), _key(by_id[r.tail]), schema))
        items.append(("relation", r.id, rkey, resolution.relation_entries.get(rkey)))
    decisions_log = []
    for kind, item_id, key, entry in items:
        have = tuple(sorted(aid for aid, mentions, relations in marked
                            if key in (mentions if kind == "mention" else relations)))  # fmt: skip
        if entry is None:
            decisions_log.append(Decision(doc_id, kind, item_id, "unanimous", have))
        else:
            decisions_log.append(Decision(doc_id, kind, item_id, "decision", have or review_ids, entry.reason))
    gold = GoldDocument(document, resolved.mentions, resolved.relations, "adjudicated", len(voters))
    return _Outcome(gold=gold, decisions=tuple(decisions_log), rejected=outcome.rejected)


def _content(a: Annotation, schema: Schema) -> tuple:
    """What an annotation says, independent of its ids."""
    by_id = a.mention_by_id()
    mentions = sorted((m.start, m.end, m.type, m.entity_id or "") for m in a.mentions)
    relations = sorted(
        (r.type, *oriented(r.type, _key(by_id[r.head]), _key(by_id[r.tail]), schema))
        for r in a.relations
        if r.head in by_id and r.tail in by_id
    )
    return tuple(mentions), tuple(relations)


def _ground_truth(document: Document, truths: list[Annotation], n: int, schema: Schema) -> _Outcome:
    if len({_content(a, schema) for a in truths}) > 1:
        ordered = sorted(truths, key=lambda a: a.annotation_id)
        item = whole_item(ordered, [annotator_of(a) for a in ordered])
        return _Outcome(conflict=Conflict(document.doc_id, n, (item,), None))
    sources = tuple(sorted(a.annotation_id for a in truths))
    chosen = max(truths, key=lambda a: (a.updated_at or a.created_at or "", a.annotation_id))
    return _from_one(document, chosen, "ground_truth", "ground_truth", n, schema, sources)


def _key(m: Mention) -> MentionKey:
    return (m.start, m.end, m.type)


def _gold_mentions(document: Document, chosen: Sequence[tuple[MentionKey, str | None]]) -> list[Mention]:
    ordered = sorted(set(chosen), key=lambda c: (c[0], c[1] or ""))
    return [Mention(f"m{i}", s, e, document.text[s:e], t, eid) for i, ((s, e, t), eid) in enumerate(ordered, 1)]


def _from_one(document: Document, annotation: Annotation, rule: str, status: str, n: int, schema: Schema,
              sources: tuple[str, ...] | None = None) -> _Outcome:  # fmt: skip
    """The gold taken whole from one annotation (ground truth or single annotation)."""
    sources = sources or (annotation.annotation_id,)
    mentions = _gold_mentions(document, [(_key(m), m.entity_id) for m in annotation.mentions])
    gold_id = {(_key(m), m.entity_id): m.id for m in mentions}
    source_to_gold = {m.id: gold_id[(_key(m), m.entity_id)] for m in annotation.mentions}
    triples, rejected = [], []
    for r in annotation.relations:
        head, tail = source_to_gold.get(r.head), source_to_gold.get(r.tail)
        if head is None or tail is None:
            rejected.append(Rejected(document.doc_id, "relation", f"{r.type} {r.head} -> {r.tail}", sources,
                                     "an endpoint mention does not exist"))  # fmt: skip
            continue
        if schema.is_symmetric(r.type) and int(tail[1:]) < int(head[1:]):
            head, tail = tail, head
        triples.append((r.type, head, tail))
    relations = draft_relations(triples)
    decisions = [Decision(document.doc_id, "mention", m.id, rule, sources) for m in mentions]
    decisions += [Decision(document.doc_id, "relation", r.id, rule, sources) for r in relations]
    gold = GoldDocument(document, tuple(mentions), relations, status, n)
    return _Outcome(gold=gold, decisions=tuple(decisions), rejected=tuple(rejected))


def _majority(document: Document, voters: Sequence[Annotation], schema: Schema, draft_version: str) -> _Outcome:
    """Rule 2: vote on every mention and relation of the document's ``n >= 2`` annotators."""
    n, doc_id = len(voters), document.doc_id
    who = [annotator_of(a) for a in voters]
    mention_votes: dict[MentionKey, dict[int, set[str | None]]] = defaultdict(dict)
    relation_votes: dict[RelationKey, set[int]] = defaultdict(set)
    rejected: list[Rejected] = []
    for i, a in enumerate(voters):
        by_id = a.mention_by_id()
        for m in a.mentions:
            mention_votes[_key(m)].setdefault(i, set()).add(m.entity_id)
        for r in a.relations:
            head, tail = by_id.get(r.head), by_id.get(r.tail)
            if head is None or tail is None:
                rejected.append(Rejected(doc_id, "relation", f"{r.type} {r.head} -> {r.tail}", (a.annotation_id,),
                                         "an endpoint mention does not exist"))  # fmt: skip
                continue
            # Named first: mypy 2.4's parser takes a starred tuple inside [] for 3.11-only syntax.
            relation_key = (r.type, *oriented(r.type, _key(head), _key(tail), schema))
            relation_votes[relation_key].add(i)

    def sources(indexes) -> tuple[str, ...]:
        return tuple(sorted(voters[i].annotation_id for i in indexes))

    accepted: list[tuple[MentionKey, str | None, str, tuple[str, ...]]] = []
    id_disputes: list[tuple[MentionKey, list[str | None]]] = []
    mention_ties: list[MentionKey] = []
    for key in sorted(mention_votes):
        support = mention_votes[key]
        if 2 * len(support) > n:
            id_votes = Counter(eid for ids in support.values() for eid in ids)
            winners = [eid for eid, count in id_votes.items() if 2 * count > len(support)]
            if len(winners) == 1:
                eid = winners[0]
                rule = "unanimous" if id_votes[eid] == n else "majority"
                accepted.append((key, eid, rule, sources(i for i, ids in support.items() if eid in ids)))
            else:
                id_disputes.append((key, sorted(id_votes, key=lambda e: (e is not None, e or ""))))
        elif 2 * len(support) == n:
            mention_ties.append(key)
        else:
            rejected.append(Rejected(doc_id, "mention", f"{key[2]} {where_span(document, key[:2])}",
                                     sources(support), f"marked by {len(support)} of {n} annotators"))  # fmt: skip
    accepted_relations: list[tuple[RelationKey, str, tuple[str, ...]]] = []
    relation_ties: list[RelationKey] = []
    for rkey in sorted(relation_votes):
        support_r = relation_votes[rkey]
        if 2 * len(support_r) > n:
            accepted_relations.append((rkey, "unanimous" if len(support_r) == n else "majority", sources(support_r)))
        elif 2 * len(support_r) == n:
            relation_ties.append(rkey)
        else:
            rejected.append(Rejected(doc_id, "relation", _describe(document, rkey), sources(support_r),
                                     f"marked by {len(support_r)} of {n} annotators"))  # fmt: skip

    if not (id_disputes or mention_ties or relation_ties):
        mentions = _gold_mentions(document, [(key, eid) for key, eid, _, _ in accepted])
        gold_id = {_key(m): m.id for m in mentions}
        relations = draft_relations((k[0], gold_id[k[1]], gold_id[k[2]]) for k, _, _ in accepted_relations)
        relation_id = {(r.type, r.head, r.tail): r.id for r in relations}
        decisions = [Decision(doc_id, "mention", gold_id[key], rule, src) for key, _, rule, src in accepted]
        decisions.sort(key=lambda d: int(d.item_id[1:]))
        relation_decisions = [
            Decision(doc_id, "relation", relation_id[(k[0], gold_id[k[1]], gold_id[k[2]])], rule, src)
            for k, rule, src in accepted_relations
        ]
        decisions += sorted(relation_decisions, key=lambda d: int(d.item_id[1:]))
        gold = GoldDocument(document, tuple(mentions), relations, "adjudicated", n)
        return _Outcome(gold=gold, decisions=tuple(decisions), rejected=tuple(rejected))

    items: list[ConflictItem] = [
        mention_item(MENTION, document, span, voters, who) for span in span_clusters(k[:2] for k in mention_ties)
    ]
    items += [mention_item(ENTITY_ID, document, key[:2], voters, who, exact=True) for key, _ in id_disputes]
    pairs = sorted({tuple(sorted((k[1][:2], k[2][:2]))) for k in relation_ties})
    items += [relation_item(document, pair, voters, who) for pair in pairs]  # type: ignore[arg-type]
    candidates = [(key, eid) for key, eid, _, _ in accepted]
    candidates += [(key, eid) for key, ids in id_disputes for eid in ids]
    candidates += [(key, eid) for key in mention_ties for ids in mention_votes[key].values() for eid in ids]
    draft_mentions = _gold_mentions(document, candidates)
    first: dict[MentionKey, str] = {}
    for m in draft_mentions:
        first.setdefault(_key(m), m.id)
    triples = [(k[0], first[k[1]], first[k[2]]) for k, _, _ in accepted_relations]
    triples += [(k[0], first[k[1]], first[k[2]]) for k in relation_ties]
    draft = Annotation(doc_id, mentions=tuple(draft_mentions), relations=draft_relations(triples),
                       model_version=draft_version)  # fmt: skip
    accepted_only = (tuple((*key, eid) for key, eid, _, _ in accepted), tuple(k for k, _, _ in accepted_relations))
    return _Outcome(conflict=Conflict(doc_id, n, tuple(items), draft, accepted_only), rejected=tuple(rejected))


def _describe(document: Document, key: RelationKey) -> str:
    rtype, head, tail = key
    return f"{rtype} {head[2]} {where_span(document, head[:2])} -> {tail[2]} {where_span(document, tail[:2])}"
