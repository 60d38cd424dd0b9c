"""Build ``corpus/seed_annotations.jsonl``, the maintainers' annotations of the seed corpus.

The annotations are written by hand, one data file per article (``corpus/seed/<doc_id>.py``).
A mention is given by its exact surface string and which occurrence of that string in the
article it is (``("Kim Jong Un", 2, "PER", "kim_jong_un")`` is the second place where the
text reads "Kim Jong Un", counting every match, also those inside longer strings), or by an
explicit ``[start, end)`` in code points; a fifth element is a local key that relations use::

    MENTIONS = [("Kim Jong Un", 1, "PER", "kim_jong_un", "kim"), ...]
    RELATIONS = [("met_with", "kim", "putin"), ...]
    GLUED = {("Urusi", 3)}   # mentions the source text glues to a neighbouring word

This script turns them into code-point offsets on the exact text (UTF-8 bytes decoded, never
altered) and refuses, listing every problem, anything that breaks the schema or the seed's
annotation conventions (see ``corpus/seed/NOTES.md``): a span whose text differs from
the text, with edge whitespace or punctuation, starting or ending inside a word, overlapping
another span; an unknown type; a malformed entity id or one id with two types; a relation
whose types the schema does not allow, or that is drawn twice. The output is deterministic:
documents in doc id order, mentions ``m1..`` in offset order, relations ``r1..`` in the order
of their head and tail offsets, one ``Annotation.to_dict()`` per line.

    python corpus/seed/build_annotations.py            # write the JSONL
    python corpus/seed/build_annotations.py --check    # exit 1 if the committed JSONL differs
    python corpus/seed/build_annotations.py --stats    # counts, printed as JSON
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEED_DIR = Path(__file__).resolve().parent
CORPUS_DIR = SEED_DIR.parent
ROOT = CORPUS_DIR.parent
sys.path.insert(0, str(ROOT))

from curation.core.corpus import load_corpus  # noqa: E402
from curation.core.records import Annotation, Document, Mention, Relation  # noqa: E402
from curation.core.schema import Schema, load_schema  # noqa: E402
from curation.core.validate import trim_span  # noqa: E402

OUTPUT = CORPUS_DIR / "seed_annotations.jsonl"
MODEL_VERSION = "seed-maintainers-2026-11"
ANNOTATOR = "maintainers"
#: Arabic proclitics (and, so, with, for, like) that stay outside a span glued to them.
ARABIC_PROCLITICS = frozenset("وفبلك")


class SeedError(Exception):
    """The hand-written seed annotations break a rule; the message lists every problem."""


@dataclass(frozen=True)
class Spec:
    """One mention as written in a data file, resolved to offsets."""

    where: str
    start: int
    end: int
    type: str
    entity_id: str
    key: str | None


def read_documents() -> dict[str, Document]:
    """The seed articles, checked to be exactly the bytes on disk decoded as UTF-8."""
    documents = {d.doc_id: d for d in load_corpus(CORPUS_DIR)}
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        meta = json.loads(path.with_suffix(".json").read_bytes())
        if documents[meta["doc_id"]].text != path.read_bytes().decode("utf-8"):
            raise SeedError(f"{path}: the corpus loader altered the text; offsets would not match the file.")
    return documents


def data_files() -> list[Path]:
    return sorted(p for p in SEED_DIR.glob("*.py") if p.name != Path(__file__).name)


def occurrences(text: str, surface: str) -> list[int]:
    """Start of every match of ``surface`` in ``text``, overlapping ones included."""
    found, at = [], text.find(surface)
    while at != -1:
        found.append(at)
        at = text.find(surface, at + 1)
    return found


def resolve(entry: tuple, text: str, where: str, problems: list[str]) -> Spec | None:
    """``(surface, n | [start, end], type, entity_id[, key])`` -> offsets, or a problem."""
    if not (4 <= len(entry) <= 5):
        problems.append(
            f"{where}: expected (surface, occurrence or [start, end], type, entity id[, key]), got {entry!r}"
        )
        return None
    surface, position, typ, entity_id, *rest = entry
    if isinstance(position, int):
        starts = occurrences(text, surface)
        if not 1 <= position <= len(starts):
            problems.append(f"{where}: {surface!r} occurs {len(starts)} time(s) in the text, not {position}")
            return None
        start = starts[position - 1]
        end = start + len(surface)
    else:
        start, end = position
        if text[start:end] != surface:
            problems.append(f"{where}: [{start}, {end}) is {text[start:end]!r}, not {surface!r}")
            return None
    return Spec(where, start, end, typ, entity_id, rest[0] if rest else None)


def _inside_word(text: str, start: int, end: int, arabic: bool) -> str | None:
    """Why the span cuts a word (or None): it must start and end at word edges, Arabic
    proclitics (و ف ب ل ك, up to two) aside."""
    if start > 0 and text[start - 1].isalnum():
        prefix = start
        while prefix > 0 and start - prefix < 2 and text[prefix - 1] in ARABIC_PROCLITICS:
            prefix -= 1
        if not (arabic and prefix < start and (prefix == 0 or not text[prefix - 1].isalnum())):
            return "starts inside a word"
    if end < len(text) and text[end].isalnum():
        return "ends inside a word"
    return None


def check_spans(
    specs: list[Spec], doc: Document, glued: set[tuple[str, int]], schema: Schema, problems: list[str]
) -> None:
    """Span text, edges, word boundaries, types, ids and overlaps of one document's mentions."""
    text = doc.text
    glued_at = set()
    for surface, n in glued:
        starts = occurrences(text, surface)
        if 1 <= n <= len(starts):
            glued_at.add(starts[n - 1])
        else:
            problems.append(f"{doc.doc_id}: GLUED names {surface!r} occurrence {n}, which does not exist")
    for spec in specs:
        span = text[spec.start : spec.end]
        if trim_span(text, spec.start, spec.end) != (spec.start, spec.end):
            problems.append(f"{spec.where}: {span!r} starts or ends with whitespace or punctuation")
        cut = _inside_word(text, spec.start, spec.end, doc.language == "ar")
        if cut and spec.start not in glued_at:
            problems.append(
                f"{spec.where}: {span!r} {cut} (context {text[max(0, spec.start - 15) : spec.end + 15]!r}); "
                "fix the span, or list it in GLUED if the source text glues the words"
            )
        if spec.type not in schema.entity_labels:
            problems.append(f"{spec.where}: {span!r} has type {spec.type!r}, not one of {sorted(schema.entity_labels)}")
        if not schema.entity_id_regex.fullmatch(spec.entity_id or ""):
            problems.append(
                f"{spec.where}: {span!r} has entity id {spec.entity_id!r}, "
                f"which does not match {schema.entity_id_pattern}"
            )
    ordered = sorted(specs, key=lambda s: (s.start, s.end))
    for before, after in zip(ordered, ordered[1:]):
        if after.start < before.end:
            same = (before.start, before.end) == (after.start, after.end)
            problems.append(
                f"{after.where}: {text[after.start : after.end]!r} {'duplicates' if same else 'overlaps'} "
                f"{text[before.start : before.end]!r} ({before.where}); seed mentions are flat"
            )


def build_document(
    path: Path, documents: dict[str, Document], schema: Schema, problems: list[str]
) -> tuple[Annotation, list[Spec]] | None:
    """One data file -> one annotation record (mentions and relations), or problems."""
    data: dict[str, Any] = runpy.run_path(str(path))
    doc = documents.get(data.get("DOC_ID", ""))
    if doc is None:
        problems.append(f"{path.name}: DOC_ID {data.get('DOC_ID')!r} is not a seed article")
        return None
    entries = list(data["MENTIONS"])
    specs = [s for i, e in enumerate(entries) if (s := resolve(e, doc.text, f"{path.name} mention {i + 1}", problems))]
    check_spans(specs, doc, set(data.get("GLUED", ())), schema, problems)
    ordered = sorted(specs, key=lambda s: (s.start, s.end))
    mention_at = {
        (s.start, s.end): Mention(f"m{n}", s.start, s.end, doc.text[s.start : s.end], s.type, s.entity_id)
        for n, s in enumerate(ordered, start=1)
    }
    by_key: dict[str, Mention] = {}
    for spec in specs:
        if spec.key is not None:
            if spec.key in by_key:
                problems.append(f"{spec.where}: key {spec.key!r} is used twice")
            by_key[spec.key] = mention_at[(spec.start, spec.end)]
    relations = build_relations(list(data["RELATIONS"]), by_key, schema, f"{path.name}", problems)
    annotation = Annotation(
        doc_id=doc.doc_id,
        annotator=ANNOTATOR,
        mentions=tuple(mention_at[(s.start, s.end)] for s in ordered),
        relations=relations,
        model_version=MODEL_VERSION,
    )
    return annotation, specs


def build_relations(
    entries: list[tuple], by_key: dict[str, Mention], schema: Schema, where: str, problems: list[str]
) -> tuple[Relation, ...]:
    """Relations between keyed mentions, checked against the schema, numbered by offsets."""
    found: list[tuple[str, Mention, Mention]] = []
    seen: dict[tuple, int] = {}
    for number, (rtype, head_key, tail_key) in enumerate(entries, start=1):
        here = f"{where} relation {number} {rtype}({head_key}, {tail_key})"
        head, tail = by_key.get(head_key), by_key.get(tail_key)
        rel = schema.relations.get(rtype)
        if rel is None:
            problems.append(f"{here}: unknown relation type")
        if head is None or tail is None:
            problems.append(f"{here}: no mention has key {head_key if head is None else tail_key!r}")
        if rel is None or head is None or tail is None:
            continue
        if head.id == tail.id:
            problems.append(f"{here}: a mention related to itself")
        if not rel.allows(head.type, tail.type):
            problems.append(f"{here}: {rtype} does not allow {head.type} -> {tail.type}")
        ends = (head.entity_id, tail.entity_id)
        fact = (rtype, *sorted(ends)) if rel.symmetric else (rtype, *ends)
        if fact in seen:
            problems.append(f"{here}: the same fact as relation {seen[fact]} (one relation per document per fact)")
        seen.setdefault(fact, number)
        found.append((rtype, head, tail))
    found.sort(key=lambda r: (r[1].start, r[2].start, r[0]))
    return tuple(Relation(f"r{n}", rtype, head.id, tail.id) for n, (rtype, head, tail) in enumerate(found, start=1))


def build(schema: Schema | None = None) -> list[Annotation]:
    """Every seed annotation, in doc id order; raise :class:`SeedError` listing all problems."""
    schema = schema or load_schema()
    documents = read_documents()
    problems: list[str] = []
    annotations: list[Annotation] = []
    types_of: dict[str, dict[str, str]] = defaultdict(dict)
    for path in data_files():
        built = build_document(path, documents, schema, problems)
        if built is None:
            continue
        annotation, specs = built
        annotations.append(annotation)
        for spec in specs:
            types_of[spec.entity_id].setdefault(spec.type, spec.where)
    for entity_id, types in sorted(types_of.items()):
        if len(types) > 1:
            problems.append(f"entity id {entity_id!r} has several types: {types}")
    missing = sorted(set(documents) - {a.doc_id for a in annotations})
    if missing:
        problems.append(f"no data file for {', '.join(missing)}")
    if problems:
        raise SeedError(f"{len(problems)} problem(s) in the seed annotations:\n" + "\n".join(problems))
    return sorted(annotations, key=lambda a: a.doc_id)


def render(annotations: list[Annotation]) -> str:
    """The JSONL text: one ``Annotation.to_dict()`` per line."""
    return "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in annotations)


def stats(annotations: list[Annotation], documents: dict[str, Document]) -> dict[str, Any]:
    """Counts for the closing note: mentions per language and type, relations per type, entities."""
    per_language: dict[str, Counter] = defaultdict(Counter)
    languages_of: dict[str, set[str]] = defaultdict(set)
    relations: Counter = Counter()
    for a in annotations:
        language = documents[a.doc_id].language
        for m in a.mentions:
            per_language[language][m.type] += 1
            languages_of[m.entity_id].add(language)
        relations.update(r.type for r in a.relations)
    return {
        "documents": len(annotations),
        "mentions": sum(len(a.mentions) for a in annotations),
        "mentions_per_language_and_type": {k: dict(sorted(v.items())) for k, v in sorted(per_language.items())},
        "relations": sum(relations.values()),
        "relations_per_type": dict(sorted(relations.items())),
        "entities": len(languages_of),
        "cross_language_entities": sorted(e for e, langs in languages_of.items() if len(langs) >= 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    parser.add_argument("--stats", action="store_true", help="print counts as JSON")
    args = parser.parse_args(argv)
    try:
        annotations = build()
    except SeedError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    text = render(annotations)
    if args.stats:
        print(json.dumps(stats(annotations, read_documents()), indent=2))
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(
                f"Error: {OUTPUT.relative_to(ROOT)} is out of date; run python corpus/seed/build_annotations.py",
                file=sys.stderr,
            )
            return 1
        return 0
    if not args.stats:
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(annotations)} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
