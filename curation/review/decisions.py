"""Decisions as data: a reviewer's answer to every open conflict, with a reason each (pure).

A decisions file (JSON) resolves the conflicts ``curation adjudicate`` lists, so an
adjudication can be reviewed in a pull request and replayed on a fresh Label Studio::

    {"format": 1,
     "annotators": {"annotator-1": "the maintainers' pass", "annotator-2": "a second annotator"},
     "decisions": [
       {"doc_id": "000_4a139d2d5ec5e102", "kind": "mention", "where": "[2624, 2633) 'Satelaiti'",
        "choice": "annotator-2", "rule": "span_rules.10", "category": "entity type",
        "reason": "A satellite whose stated goal is military surveillance is WEAPON (span rule 10)."},
       {"doc_id": "...", "kind": "relation", "where": "[194, 209) 'Korea Kaskazini' -- [233, 238) 'Urusi'",
        "choice": "corrected", "relations": [{"type": "allied_with", "head": [194, 209], "tail": [233, 238]}],
        "rule": "relation_rules.1", "category": "relation type", "reason": "..."}]}

An entry names its conflict by the key the listing prints: ``doc_id``, ``kind`` (``mention``,
``entity_id`` or ``relation``) and ``where``. ``choice`` is the pseudonym of the annotator
whose version is kept, ``both`` (every version's items), ``neither`` (none), or ``corrected``
with the items written out: ``mentions`` (``start``, ``end``, ``type``, ``entity_id``; the
text is taken from the document) or ``relations`` (``type``, ``head`` and ``tail`` as
``[start, end]`` spans of mentions the resolved document has). ``rule`` cites the guideline
(``span_rules.N``, ``relation_rules.N``, ``entity_id``, ``entity_types.TYPE``,
``relation_types.TYPE``; N counts from 1 in ``schemas/schema.json``), ``category`` groups the
reasons, and ``reason`` says in one line why.

:func:`resolve` turns a conflicted document into one annotation: the items every annotator
agreed on, plus what each entry chose. It refuses a file that misses an open conflict, names
one that does not exist, or yields an item the schema forbids, naming every such entry at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from curation.core.errors import CurationError
from curation.core.records import Annotation, Document, Mention
from curation.core.schema import Schema
from curation.review.conflicts import ENTITY_ID, MENTION, RELATION, Conflict, ConflictItem, draft_relations

KINDS = (MENTION, ENTITY_ID, RELATION)
SPECIAL_CHOICES = ("both", "neither", "corrected")
_RULE = re.compile(r"^(span_rules\.\d+|relation_rules\.\d+|entity_id|entity_types\.\w+|relation_types\.\w+)$")

MentionKey = tuple[int, int, str]


class DecisionsError(CurationError):
    """A decisions file does not fit the open conflicts or the schema.

    Every problem is its own ``Error:`` line: the CLI prints ``Error: <message>``, and the
    message joins the problems with a newline and ``Error: ``.
    """

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("\nError: ".join(self.problems))


@dataclass(frozen=True)
class Entry:
    """One decision: the conflict it answers, the choice and why."""

    number: int
    doc_id: str
    kind: str
    where: str
    choice: str
    rule: str
    category: str
    reason: str
    mentions: tuple[Mapping[str, Any], ...] = ()
    relations: tuple[Mapping[str, Any], ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.doc_id, self.kind, self.where)

    @property
    def label(self) -> str:
        return f"decision {self.number} ({self.doc_id} {self.kind} {self.where})"


@dataclass(frozen=True)
class Decisions:
    """A parsed decisions file: its entries in file order, and its source's name for messages."""

    source: str
    entries: tuple[Entry, ...]
    annotators: Mapping[str, str] = field(default_factory=dict)

    def for_document(self, doc_id: str) -> list[Entry]:
        return [e for e in self.entries if e.doc_id == doc_id]


def parse_decisions(data: Any, source: str) -> Decisions:
    """Check the shape of a decisions file's JSON; every problem is reported at once."""
    if not isinstance(data, dict) or data.get("format") != 1 or not isinstance(data.get("decisions"), list):
        raise DecisionsError(
            [f'{source}: not a decisions file. Write {{"format": 1, "decisions": [...]}} (see docs/formats.md).']
        )
    problems, entries = [], []
    for number, raw in enumerate(data["decisions"], start=1):
        where = f"{source} decision {number}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: expected a JSON object.")
            continue
        missing = [k for k in ("doc_id", "kind", "where", "choice", "rule", "category", "reason")
                   if not isinstance(raw.get(k), str) or not raw[k].strip()]  # fmt: skip
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}. Every decision names its conflict "
                            "(doc_id, kind, where), the choice, the guideline rule, a category and a reason.")  # fmt: skip
            continue
        entry = Entry(number, raw["doc_id"], raw["kind"], raw["where"], raw["choice"], raw["rule"], raw["category"],
                      raw["reason"], tuple(raw.get("mentions") or ()), tuple(raw.get("relations") or ()))  # fmt: skip
        if entry.kind not in KINDS:
            problems.append(f"{entry.label}: kind must be one of {', '.join(KINDS)}.")
        if not _RULE.match(entry.rule):
            problems.append(f"{entry.label}: rule {entry.rule!r} cites no guideline. Use span_rules.N, "
                            "relation_rules.N, entity_id, entity_types.TYPE or relation_types.TYPE.")  # fmt: skip
        if (entry.mentions or entry.relations) and entry.choice != "corrected":
            problems.append(f"{entry.label}: items are given only with choice 'corrected'.")
        entries.append(entry)
    seen: dict[tuple[str, str, str], int] = {}
    for e in entries:
        if e.key in seen:
            problems.append(f"{e.label}: the same conflict as decision {seen[e.key]}. Keep one decision per conflict.")
        seen.setdefault(e.key, e.number)
    if problems:
        raise DecisionsError(problems)
    named = data.get("annotators")
    annotators = {str(k): str(v) for k, v in named.items()} if isinstance(named, dict) else {}
    return Decisions(source, tuple(entries), annotators)


@dataclass(frozen=True)
class Resolution:
    """A conflicted document resolved: one annotation, and the entry behind each decided item."""

    annotation: Annotation
    #: (start, end, type, entity id) of a decided mention -> its entry; agreed mentions are absent.
    mention_entries: Mapping[tuple[int, int, str, str | None], Entry]
    #: (type, head key, tail key) of a decided relation -> its entry.
    relation_entries: Mapping[tuple[str, MentionKey, MentionKey], Entry]


def coverage_problems(conflicts: Iterable[Conflict], decisions: Decisions) -> list[str]:
    """Every open conflict needs an entry, and every entry an open conflict."""
    open_keys = {(c.doc_id, i.kind, i.where) for c in conflicts for i in c.items}
    problems = [
        f"{decisions.source}: no decision for the conflict {doc} {kind} {where}. Add an entry with its choice, "
        "rule, category and reason."
        for doc, kind, where in sorted(open_keys - {e.key for e in decisions.entries})
    ]
    problems += [
        f"{decisions.source} {e.label}: no such open conflict. Remove the entry, or adjudicate the snapshot "
        "it was written for."
        for e in decisions.entries
        if e.key not in open_keys
    ]
    return problems


def resolve(conflict: Conflict, document: Document, entries: Sequence[Entry], schema: Schema) -> Resolution:
    """The one annotation of a conflicted document once every entry is applied."""
    if conflict.accepted is None:
        raise DecisionsError([f"{document.doc_id}: differing ground-truth annotations cannot be decided by file. "
                              "Unflag all but one in Label Studio."])  # fmt: skip
    by_key = {e.key: e for e in entries}
    problems: list[str] = []
    mentions: dict[tuple[int, int, str, str | None], Entry | None] = dict.fromkeys(conflict.accepted[0])
    relations: dict[tuple[str, MentionKey, MentionKey], Entry | None] = dict.fromkeys(conflict.accepted[1])
    chosen_relations: list[tuple[tuple[str, tuple, tuple], Entry]] = []
    incomplete = False
    for item in conflict.items:
        entry = by_key.get((conflict.doc_id, item.kind, item.where))
        if entry is None:  # reported by coverage_problems; the relations cannot be checked
            incomplete = True
            continue
        chosen = _chosen(item, entry, problems)
        if chosen is None:
            continue
        for m in chosen[0]:
            problems += _mention_problems(m, document, schema, entry)
            mentions.setdefault((m.start, m.end, m.type, m.entity_id), entry)
        chosen_relations += [(r, entry) for r in chosen[1]]
    spans = _flat(mentions, problems, document.doc_id)
    if incomplete or problems:
        # Relations are checked against a complete, valid set of mentions only: otherwise every
        # relation on a missing or broken mention would repeat the problem already reported.
        raise DecisionsError(problems)
    for (rtype, head, tail), entry in chosen_relations:
        # A corrected relation names spans only: its ends take the types of the mentions there.
        head = head if head[2] else spans.get(head[:2], head)
        tail = tail if tail[2] else spans.get(tail[:2], tail)
        if schema.is_symmetric(rtype) and tail < head:
            head, tail = tail, head
        relations.setdefault((rtype, head, tail), entry)
    for (rtype, head, tail), rel_entry in sorted(relations.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
        who = rel_entry.label if rel_entry else f"{document.doc_id} agreed relation {rtype}"
        if spans.get(head[:2]) != head or spans.get(tail[:2]) != tail:
            problems.append(f"{who}: relation {rtype} {list(head[:2])} -> {list(tail[:2])} joins a mention the "
                            "resolved document does not have. Decide its mentions alike, or choose 'neither'.")  # fmt: skip
            continue
        relation = schema.relations.get(rtype)
        if relation is None:
            problems.append(f"{who}: relation type {rtype!r} is not in the schema.")
        elif not relation.allows(head[2], tail[2]):
            problems.append(f"{who}: {rtype} does not allow a {head[2]} head and a {tail[2]} tail "
                            f"(head {', '.join(relation.head)}; tail {', '.join(relation.tail)}).")  # fmt: skip
    if problems:
        raise DecisionsError(problems)
    ordered = sorted(mentions, key=lambda k: (k[0], k[1], k[2], k[3] or ""))
    gold_mentions = tuple(Mention(f"m{i}", s, e, document.text[s:e], t, eid) for i, (s, e, t, eid) in
                          enumerate(ordered, 1))  # fmt: skip
    id_of = {(m.start, m.end, m.type): m.id for m in gold_mentions}
    rels = draft_relations((t, id_of[h], id_of[x]) for t, h, x in relations)
    annotation = Annotation(document.doc_id, mentions=gold_mentions, relations=rels, model_version="decisions")
    return Resolution(
        annotation,
        {k: e for k, e in mentions.items() if e is not None},
        {k: e for k, e in relations.items() if e is not None},
    )


def _key(m: Mention) -> MentionKey:
    return (m.start, m.end, m.type)


def _chosen(item: ConflictItem, entry: Entry, problems: list[str]) -> tuple[list[Mention], list[tuple]] | None:
    """The mentions and relations (type, head key, tail key) an entry keeps at its place."""
    names = [v.annotator for v in item.versions]
    if entry.choice in names:
        versions = [v for v in item.versions if v.annotator == entry.choice]
    elif entry.choice == "both":
        versions = list(item.versions)
    elif entry.choice == "neither":
        versions = []
    elif entry.choice == "corrected":
        return _corrected(entry, problems)
    else:
        problems.append(
            f"{entry.label}: choice {entry.choice!r} is none of {', '.join(names + list(SPECIAL_CHOICES))}."
        )
        return None
    mentions = [m for v in versions for m in v.mentions]
    relations = [(r.type, _key(r.head), _key(r.tail)) for v in versions for r in v.relations]
    return mentions, relations


def _corrected(entry: Entry, problems: list[str]) -> tuple[list[Mention], list[tuple]] | None:
    mentions, relations = [], []
    try:
        for m in entry.mentions:
            mentions.append(Mention("c", int(m["start"]), int(m["end"]), "", str(m["type"]), m.get("entity_id")))
        for r in entry.relations:
            relations.append((str(r["type"]), (int(r["head"][0]), int(r["head"][1])),
                              (int(r["tail"][0]), int(r["tail"][1]))))  # fmt: skip
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        problems.append(f"{entry.label}: malformed corrected item ({exc!r}). Mentions need start, end, type, "
                        "entity_id; relations need type, head [start, end], tail [start, end].")  # fmt: skip
        return None
    if not mentions and not relations:
        problems.append(f"{entry.label}: choice 'corrected' with no mentions or relations. Use 'neither' to keep none.")
        return None
    if entry.kind == RELATION and mentions or entry.kind != RELATION and relations:
        problems.append(f"{entry.label}: a {entry.kind} decision corrects "
                        f"{'relations' if entry.kind == RELATION else 'mentions'} only.")  # fmt: skip
        return None
    # A corrected relation names spans; the type of each end is read from the resolved mentions.
    return mentions, [(t, (*h, ""), (*x, "")) for t, h, x in relations]


def _mention_problems(m: Mention, document: Document, schema: Schema, entry: Entry) -> list[str]:
    out = []
    if not (0 <= m.start < m.end <= len(document.text)):
        out.append(f"{entry.label}: mention [{m.start}, {m.end}) is outside the text (length {len(document.text)}).")
    if m.type not in schema.entity_labels:
        out.append(f"{entry.label}: entity type {m.type!r} is not in the schema "
                   f"({', '.join(sorted(schema.entity_labels))}).")  # fmt: skip
    if not (isinstance(m.entity_id, str) and schema.entity_id_regex.match(m.entity_id)):
        out.append(f"{entry.label}: entity id {m.entity_id!r} does not match the schema's id pattern "
                   "(lower-case ASCII words joined by underscores).")  # fmt: skip
    return out


def _flat(mentions: Mapping[tuple[int, int, str, str | None], Entry | None], problems: list[str],
          doc_id: str) -> dict[tuple[int, int], MentionKey]:  # fmt: skip
    """Span -> the one mention key there; overlapping or doubled spans are problems (span rule 7)."""
    spans: dict[tuple[int, int], MentionKey] = {}
    ordered = sorted(mentions.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    for (s, e, t, eid), entry in ordered:
        who = entry.label if entry else f"{doc_id} agreed mention [{s}, {e})"
        if (s, e) in spans:
            problems.append(f"{who}: a second mention on [{s}, {e}) ({t} {eid}). Keep one type and one id per span.")
            continue
        clash = next((o for o in spans if o[0] < e and s < o[1]), None)
        if clash is not None:
            problems.append(f"{who}: mention [{s}, {e}) overlaps [{clash[0]}, {clash[1]}); mentions never overlap "
                            "(span rule 7).")  # fmt: skip
            continue
        spans[(s, e)] = (s, e, t)
    return spans
