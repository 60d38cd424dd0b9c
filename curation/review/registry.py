"""The entity registry: every canonical id across documents, languages and annotators, and its checks (pure).

Validation looks inside one annotation (V014, V015); the registry looks across all of them, so
an id typo, a variant spelling or one name given two ids in two articles is found before it
reaches a release as two entities. Input is a flat list of :class:`Use` (one mention of an id,
with its document, language and annotator); :func:`registry` groups them per id and
:func:`findings` reports, each with a stable code (:data:`CODES`), the places and the fix:

- ``R001`` one id with different types in different documents;
- ``R002`` one surface form (normalized per language by :mod:`curation.core.textnorm`) given
  different ids in different documents or by different annotators;
- ``R003`` two ids that look like variants of one (edit distance 1-2 on ids of 8+ characters,
  numbers aside; equal without underscores; or one id spelling another entity's alias in
  another language): the more frequent id is suggested;
- ``R004`` (against a release) an id the release does not have: a new entity to confirm;
- ``R005`` (against a release) an id whose type differs from the release's.

Findings are for a person to judge: none of them stops anything.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from curation.core.records import Annotation, Document
from curation.core.textnorm import normalize_alias


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    meaning: str


#: The registry codes: stable, documented (docs/cli.md), used by --json and the tests.
CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("R001", "id-type-differs", "one entity id is used with different types in different documents"),
        Code(
            "R002",
            "surface-several-ids",
            "one normalized surface form is given different ids in different documents or by different annotators",
        ),  # fmt: skip
        Code(
            "R003",
            "id-variant",
            "two ids look like variants of one (edit distance 1-2 on ids of 8+ characters, "
            "equal without underscores, or one id spells the other's alias in another language)",
        ),  # fmt: skip
        Code("R004", "id-new", "with --against: an id the release does not have (a new entity to confirm)"),
        Code("R005", "id-type-changed", "with --against: an id whose type differs from the release's"),
    )
}


@dataclass(frozen=True, slots=True)
class Use:
    """One mention of an entity id: where, in which language, by whom, as which surface form."""

    entity_id: str
    type: str
    text: str
    doc_id: str
    language: str
    annotator: str


@dataclass(frozen=True)
class Entry:
    """One id of the registry."""

    id: str
    types: Mapping[str, int]  # type -> mentions
    surfaces: Mapping[str, Mapping[str, int]]  # language -> surface form -> mentions
    documents: tuple[str, ...]
    annotators: tuple[str, ...]
    mentions: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "types": dict(self.types), "mentions": self.mentions,
                "surfaces": {lang: dict(s) for lang, s in self.surfaces.items()},
                "documents": list(self.documents), "annotators": list(self.annotators)}  # fmt: skip


@dataclass(frozen=True)
class Place:
    """Where a finding occurs: a document, the annotators there, and what they wrote."""

    doc_id: str
    annotators: tuple[str, ...]
    detail: str

    def __str__(self) -> str:
        return f"{self.doc_id} ({', '.join(self.annotators)}): {self.detail}"


@dataclass(frozen=True)
class Finding:
    code: str
    subject: str
    message: str
    fix: str
    places: tuple[Place, ...]
    ids: tuple[str, ...]
    suggestion: tuple[str, str] | None = None  # (from, to) for R003

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "name": CODES[self.code].name, "subject": self.subject,
                                "ids": list(self.ids), "message": self.message, "fix": self.fix,
                                "places": [{"doc_id": p.doc_id, "annotators": list(p.annotators), "detail": p.detail}
                                           for p in self.places]}  # fmt: skip
        if self.suggestion is not None:
            data["suggestion"] = {"from": self.suggestion[0], "to": self.suggestion[1]}
        return data


@dataclass(frozen=True)
class Released:
    """What a release says of its entities: id -> type, and id -> aliases per language."""

    types: Mapping[str, str]
    aliases: Mapping[str, Mapping[str, tuple[str, ...]]]


def annotation_uses(documents: Mapping[str, Document], annotations: Iterable[Annotation]) -> list[Use]:
    """The mentions with an entity id of every submitted (not skipped) annotation."""
    return [Use(m.entity_id, m.type, m.text, a.doc_id, documents[a.doc_id].language, a.annotator)
            for a in annotations if not a.cancelled and a.doc_id in documents
            for m in a.mentions if m.entity_id]  # fmt: skip


def registry(uses: Iterable[Use]) -> dict[str, Entry]:
    """Id -> its entry, sorted by id."""
    grouped: dict[str, list[Use]] = defaultdict(list)
    for use in uses:
        grouped[use.entity_id].append(use)
    out = {}
    for eid in sorted(grouped):
        group = grouped[eid]
        surfaces: dict[str, Counter[str]] = defaultdict(Counter)
        for u in group:
            surfaces[u.language][u.text] += 1
        out[eid] = Entry(
            eid,
            dict(sorted(Counter(u.type for u in group).items())),
            {lang: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for lang, c in sorted(surfaces.items())},
            tuple(sorted({u.doc_id for u in group})),
            tuple(sorted({u.annotator for u in group})),
            len(group),
        )
    return out


def findings(uses: Sequence[Use], *, against: Released | None = None) -> list[Finding]:
    """Every finding over ``uses`` (see the module docstring), in code order."""
    entries = registry(uses)
    by_id: dict[str, list[Use]] = defaultdict(list)
    for u in uses:
        by_id[u.entity_id].append(u)
    out = _type_differs(by_id) + _surface_several_ids(uses) + _variants(by_id, entries)
    if against is not None:
        out += _against(by_id, entries, against)
    return out


def suggested_merges(found: Iterable[Finding]) -> dict[str, str]:
    """The ``{from: to}`` id map the R003 findings propose (for ``--suggest-merges``)."""
    return {f.suggestion[0]: f.suggestion[1] for f in found if f.suggestion is not None}


def _places(uses: Iterable[Use], detail: Any) -> tuple[Place, ...]:
    """One place per document and detail, naming the annotators there."""
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u in uses:
        who[(u.doc_id, detail(u))].add(u.annotator)
    return tuple(Place(doc, tuple(sorted(names)), d) for (doc, d), names in sorted(who.items()))


def _type_differs(by_id: Mapping[str, list[Use]]) -> list[Finding]:
    out = []
    for eid in sorted(by_id):
        by_type: dict[str, set[str]] = defaultdict(set)
        for u in by_id[eid]:
            by_type[u.type].add(u.doc_id)
        if not any(len(by_type[a] | by_type[b]) > 1 for a, b in combinations(sorted(by_type), 2)):
            continue  # one type, or two types inside one document only (V015 and adjudication see those)
        tally = Counter(u.type for u in by_id[eid])
        counts = {t: tally[t] for t in sorted(by_type)}
        best = min(counts, key=lambda t: (-counts[t], t))
        listed = ", ".join(f"{t} in {len(by_type[t])} document{'s' * (len(by_type[t]) != 1)}" for t in counts)
        out.append(Finding("R001", eid, f"id {eid} has types {listed}.",
                           f"Give every mention of {eid} one type ({best} is the most frequent), or split the id "
                           "if they are different entities.",
                           _places(by_id[eid], lambda u: u.type), (eid,)))  # fmt: skip
    return out


def _surface_several_ids(uses: Sequence[Use]) -> list[Finding]:
    groups: dict[tuple[str, str], list[Use]] = defaultdict(list)
    for u in uses:
        key = normalize_alias(u.text)
        if key:
            groups[(u.language, key)].append(u)
    out = []
    for (language, _key), group in sorted(groups.items()):
        ids = sorted({u.entity_id for u in group})
        if len(ids) < 2:
            continue
        # One annotator giving one surface two ids in one document is a choice made in context.
        if len({(u.doc_id, u.annotator) for u in group}) < 2:
            continue
        counts = Counter(u.entity_id for u in group)
        best = min(ids, key=lambda i: (-counts[i], i))
        surface = Counter(u.text for u in group).most_common(1)[0][0]
        listed = ", ".join(f"{i} ({counts[i]})" for i in ids)
        out.append(Finding("R002", f"{language}:{surface}", f"{language} surface form {surface!r} is given "
                           f"{len(ids)} ids: {listed}.",
                           f"If they name one entity, give every mention the id {best} (the most frequent); "
                           "otherwise leave them.", _places(group, lambda u: u.entity_id), tuple(ids)))  # fmt: skip
    return out


def _candidates(entries: Mapping[str, Entry]) -> list[tuple[str, str]]:
    """The pairs of ids that may be variants: equal without underscores, sharing a string two
    deletions away (every pair within edit distance 2 does), or one spelling the other's name.
    Only these are compared, so the check does not grow with the square of the ids."""
    groups: dict[str, set[str]] = defaultdict(set)
    for eid in entries:
        groups["bare:" + eid.replace("_", "")].add(eid)
        if len(eid) >= 8:
            for key in _deletions(eid, 2):
                groups["del:" + key].add(eid)
    pairs = {tuple(sorted(p)) for group in groups.values() if len(group) > 1 for p in combinations(group, 2)}
    for entry in entries.values():
        for forms in entry.surfaces.values():
            spelled = _slug(next(iter(forms)))
            if spelled in entries and spelled != entry.id:
                pairs.add(tuple(sorted((entry.id, spelled))))
    return sorted(pairs)  # type: ignore[arg-type]


def _deletions(word: str, depth: int) -> set[str]:
    """``word`` and every string made from it by deleting up to ``depth`` characters."""
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _variants(by_id: Mapping[str, list[Use]], entries: Mapping[str, Entry]) -> list[Finding]:
    out = []
    seen: set[tuple[str, str]] = set()
    for a, b in _candidates(entries):
        why, spelling = _variant_reason(a, b), ""
        if why is None:
            for x, y in ((a, b), (b, a)):
                why, spelling = _alias_reason(entries[x], entries[y]), y
                if why is not None:
                    break
        if why is None or (a, b) in seen:
            continue
        seen.add((a, b))
        # The more frequent id stays; on a tie, the id spelled from a name yields to the entity named.
        keep, drop = sorted((a, b), key=lambda i: (-entries[i].mentions, i == spelling, i))
        out.append(Finding("R003", f"{a} ~ {b}", f"ids {a} ({entries[a].mentions} mentions) and {b} "
                           f"({entries[b].mentions}) look like one: {why}.",
                           f"If they name one entity, rename {drop} to {keep} (the more frequent) with an id map "
                           "(--suggest-merges, then `curation adjudicate --id-map`).",
                           _places(by_id[a] + by_id[b], lambda u: f"{u.entity_id} {u.text!r}"),
                           (a, b), (drop, keep)))  # fmt: skip
    return out


def _variant_reason(a: str, b: str) -> str | None:
    if a.replace("_", "") == b.replace("_", ""):
        return "equal without underscores"
    if len(a) < 8 or len(b) < 8 or re.sub(r"\d", "", a) == re.sub(r"\d", "", b):
        return None  # short ids, and ids that differ in numbers only (dates, years), are distinct
    distance = _edit_distance(a, b, limit=2)
    if distance == 1 or distance == 2 and min(len(w) for w in _differing_words(a, b)) >= 6:
        return f"edit distance {distance}"
    return None


def _differing_words(a: str, b: str) -> tuple[str, str]:
    """The parts of two ids left once their common leading and trailing words are removed."""
    wa, wb = a.split("_"), b.split("_")
    while wa and wb and wa[0] == wb[0]:
        wa, wb = wa[1:], wb[1:]
    while wa and wb and wa[-1] == wb[-1]:
        wa, wb = wa[:-1], wb[:-1]
    return "_".join(wa), "_".join(wb)


def _alias_reason(a: Entry, b: Entry) -> str | None:
    """``b``'s id spells ``a``'s name in some language, its most frequent surface form there
    (``korea_kaskazini`` for ``north_korea``, named Korea Kaskazini in Swahili)."""
    for language, forms in a.surfaces.items():
        name = next(iter(forms))
        if _slug(name) == b.id:
            return f"{b.id} spells {a.id}'s {language} name {name!r}"
    return None


def _slug(text: str) -> str:
    """The id a name spells: its ASCII words joined by underscores, or "" if it has other letters or no letter."""
    key = normalize_alias(text)
    if not re.fullmatch(r"[a-z0-9]+(?:[ '.-]+[a-z0-9]+)*", key) or not re.search(r"[a-z]", key):
        return ""
    return "_".join(re.findall(r"[a-z0-9]+", key))


def _edit_distance(a: str, b: str, *, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` once it is certainly above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _against(by_id: Mapping[str, list[Use]], entries: Mapping[str, Entry], released: Released) -> list[Finding]:
    out = []
    for eid, entry in entries.items():
        mine = by_id[eid]
        if eid not in released.types:
            out.append(Finding("R004", eid, f"id {eid} ({', '.join(entry.types)}, {entry.mentions} mentions) is not "
                               "in the release: a new entity.",
                               "Confirm it is a new entity; if it names a released one, rename it to that id.",
                               _places(mine, lambda u: f"{u.type} {u.text!r}"), (eid,)))  # fmt: skip
        elif set(entry.types) != {released.types[eid]}:
            other = [t for t in entry.types if t != released.types[eid]]
            out.append(Finding("R005", eid, f"id {eid} is {', '.join(other)} here and {released.types[eid]} in the "
                               "release.",
                               f"Use the release's type {released.types[eid]}, or change it deliberately and say so "
                               "in the release notes.",
                               _places((u for u in mine if u.type != released.types[eid]), lambda u: u.type),
                               (eid,)))  # fmt: skip
    return sorted(out, key=lambda f: (f.code, f.subject))
