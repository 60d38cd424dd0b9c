"""The dataset card (``README.md``): Hub YAML front matter plus a datasheet in prose.

Everything in the card is computed from the release's own facts (:class:`CardFacts`), so a
rebuild gives the same bytes and the card cannot drift from the data. It holds no
timestamps and nothing Label Studio assigned (ids, dates): two builds of the same gold from
different Label Studio instances give the same card. The prose tells what the numbers do
not: where the texts come from and who owns them, how the gold was decided, and what is lost
(nested mentions in the ``tokens`` config, left-out documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import yaml

from curation.schema import Schema

#: Name, script and direction of languages the card may meet; others show their code.
LANGUAGES = {
    "ar": ("Arabic", "Arabic", "right-to-left"),
    "en": ("English", "Latin", "left-to-right"),
    "sw": ("Swahili", "Latin", "left-to-right"),
    "fr": ("French", "Latin", "left-to-right"),
    "es": ("Spanish", "Latin", "left-to-right"),
    "de": ("German", "Latin", "left-to-right"),
    "pt": ("Portuguese", "Latin", "left-to-right"),
    "ru": ("Russian", "Cyrillic", "left-to-right"),
    "uk": ("Ukrainian", "Cyrillic", "left-to-right"),
    "zh": ("Chinese", "Han", "left-to-right"),
    "ko": ("Korean", "Hangul", "left-to-right"),
    "ja": ("Japanese", "Japanese", "left-to-right"),
    "fa": ("Persian", "Arabic", "right-to-left"),
    "he": ("Hebrew", "Hebrew", "right-to-left"),
    "ur": ("Urdu", "Arabic", "right-to-left"),
    "hi": ("Hindi", "Devanagari", "left-to-right"),
}


@dataclass(frozen=True)
class ConfigInfo:
    """One config as the card's YAML declares it."""

    name: str
    features_yaml: list[dict[str, Any]]
    splits: tuple[tuple[str, int, int, str], ...]  # (split, num_examples, num_bytes, path)
    download_size: int


@dataclass(frozen=True)
class CardFacts:
    """Everything the card says, computed by the release builder."""

    name: str
    version: str
    tool_version: str
    license: str
    schema: Schema
    features_version: str
    configs: tuple[ConfigInfo, ...]
    split_docs: Mapping[str, Mapping[str, int]]  # split -> language -> documents
    sources: Mapping[tuple[str, str], int]  # (source, language) -> documents
    varieties: Mapping[str, tuple[str, ...]]  # language -> varieties recorded in document meta
    mentions: Mapping[str, Mapping[str, int]]  # language -> type -> count
    relations: Mapping[str, Mapping[str, int]]  # language -> type -> count
    entities: Mapping[str, int]  # type -> count
    cross_language_entities: int
    triples: int
    excluded: Mapping[str, int]  # reason -> documents
    process: Mapping[str, Any]
    agreement: Mapping[str, Any] | None
    limits: Mapping[str, int]
    split_config: str
    split_seed: str
    notes: str | None = None
    extra_tags: tuple[str, ...] = field(default_factory=tuple)


def render_card(facts: CardFacts) -> str:
    """The full ``README.md``: YAML front matter, then the datasheet."""
    front = yaml.safe_dump(card_yaml(facts), sort_keys=False, allow_unicode=True, width=1000)
    parts = [
        f"---\n{front}---\n",
        _intro(facts),
        _motivation(facts),
        _sources(facts),
        _languages(facts),
        _schema(facts),
        _counts(facts),
        _process(facts),
        _format(facts),
        _limitations(facts),
        _how_to(facts),
    ]
    if facts.notes:
        parts.append("## Notes from the curators\n\n" + facts.notes.strip() + "\n")
    return "\n".join(parts)


def card_yaml(facts: CardFacts) -> dict[str, Any]:
    """The Hub metadata: configs with data files, features equal to the parquet schema, etc."""
    languages = sorted({lang for by_lang in facts.split_docs.values() for lang in by_lang})
    n_docs = sum(sum(by_lang.values()) for by_lang in facts.split_docs.values())
    annotators = ["expert-generated"] + (["machine-generated"] if facts.process.get("from_prediction") else [])
    return {
        "pretty_name": pretty_name(facts.name),
        "language": languages,
        "license": facts.license,
        "multilinguality": "multilingual" if len(languages) > 1 else "monolingual",
        "size_categories": [size_category(n_docs)],
        "source_datasets": ["original"],
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "annotations_creators": annotators,
        "language_creators": ["found"],
        "tags": ["relation-extraction", "entity-linking", "information-extraction", "news", *facts.extra_tags],
        "configs": [
            {
                "config_name": c.name,
                "data_files": [{"split": s, "path": path} for s, _, _, path in c.splits],
                **({"default": True} if i == 0 else {}),
            }
            for i, c in enumerate(facts.configs)
        ],
        "dataset_info": [
            {
                "config_name": c.name,
                "features": c.features_yaml,
                "splits": [{"name": s, "num_bytes": nb, "num_examples": ne} for s, ne, nb, _ in c.splits],
                "download_size": c.download_size,
                "dataset_size": sum(nb for _, _, nb, _ in c.splits),
            }
            for c in facts.configs
        ],
    }


def pretty_name(name: str) -> str:
    return " ".join(w.capitalize() for w in name.replace("_", "-").split("-") if w)


def size_category(n: int) -> str:
    """The Hub's size bucket for ``n`` examples."""
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A markdown table (cells escaped for ``|``)."""
    cell = lambda v: str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """``1 annotator``, ``2 annotators``."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _language_name(code: str) -> str:
    return LANGUAGES.get(code, (code,))[0]


def _intro(f: CardFacts) -> str:
    n_docs = sum(sum(v.values()) for v in f.split_docs.values())
    langs = sorted({lang for v in f.split_docs.values() for lang in v})
    n_mentions = sum(sum(v.values()) for v in f.mentions.values())
    n_relations = sum(sum(v.values()) for v in f.relations.values())
    return (
        f"# {pretty_name(f.name)}\n\n"
        f"Version **{f.version}** of `{f.name}`: {_n(n_docs, 'news article')} in "
        f"{', '.join(_language_name(lang) for lang in langs)}, with {_n(n_mentions, 'entity mention')} "
        f"({len(f.schema.entity_types)} types in the schema), a canonical entity id on each mention "
        f"({_n(sum(f.entities.values()), 'entity', 'entities')}, {f.cross_language_entities} of them named in more "
        f"than one language) and {_n(n_relations, 'relation')} ({len(f.schema.relation_types)} types in the schema). "
        f"Built by `curation` {f.tool_version} from schema `{f.schema.name}` {f.schema.version}; "
        "see `CHANGELOG.md` for what changed and `release.json` for provenance.\n"
    )


def _motivation(f: CardFacts) -> str:
    return (
        "## Motivation\n\n"
        f"{f.schema.description} The dataset is a benchmark: it exists to measure, the same way for every "
        "approach, how well a system finds the entities a news article names, links each mention to one "
        "canonical entity shared across documents and languages, and extracts the relations the text states. "
        "It is built with `curation`, which runs the annotation in Label Studio, validates every annotation, "
        "adjudicates one gold version and publishes it with its sources, so that every figure below can be "
        "checked against the annotations it rests on (`source/`).\n"
    )


def _sources(f: CardFacts) -> str:
    rows = [
        (src or "(unknown)", lang, n)
        for (src, lang), n in sorted(f.sources.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
    ]
    licence = (
        "The `license: other` above says no single open licence covers this dataset."
        if f.license == "other"
        else f"The licence `{f.license}` declared above applies to the annotations."
    )
    return (
        "## Sources and rights\n\n"
        + table(["source (outlet)", "language", "documents"], rows)
        + "\nThe article texts are quoted as published by the outlets above, byte for byte; their rights stay "
        "with the publishers and are not transferred by this release. They are included so that offsets can be "
        f"checked and systems scored on the same text. {licence} Before redistributing the texts or using them "
        "beyond research on information extraction, check each publisher's terms; the `url` field points to "
        "the original where the article shows it.\n"
    )


def _languages(f: CardFacts) -> str:
    rows = []
    for lang in sorted({lang for v in f.split_docs.values() for lang in v}):
        name, script, direction = LANGUAGES.get(lang, (lang, "?", "?"))
        n = sum(v.get(lang, 0) for v in f.split_docs.values())
        variety = (
            ", ".join(f.varieties.get(lang, ()))
            or "not recorded per document: the written news register of its sources"
        )
        rows.append((lang, name, script, direction, n, variety))
    return (
        "## Languages\n\n"
        + table(["code", "language", "script", "direction", "documents", "variety"], rows)
        + "\nLanguage codes are ISO 639-1 as given in the corpus metadata. Texts are kept exactly as published "
        "(spelling variants, typos and transliterations included); offsets are half-open `[start, end)` in "
        "Unicode code points of `text`, so `text[start:end]` is the mention in Python.\n"
    )


def _schema(f: CardFacts) -> str:
    s = f.schema
    mention_total = {t: sum(v.get(t, 0) for v in f.mentions.values()) for t in s.entity_labels}
    relation_total = {r: sum(v.get(r, 0) for v in f.relations.values()) for r in s.relations}
    ents = table(
        ["label", "name", "definition", "mentions"],
        [(t.label, t.name, t.definition, mention_total[t.label]) for t in s.entity_types],
    )
    rels = table(
        ["relation", "head types", "tail types", "symmetric", "definition", "count"],
        [
            (
                r.label,
                ", ".join(r.head),
                ", ".join(r.tail),
                "yes" if r.symmetric else "no",
                r.definition,
                relation_total[r.label],
            )
            for r in s.relation_types
        ],
    )
    return (
        f"## Schema\n\nSchema `{s.name}` version {s.version} (sha256 `{s.sha256}`, kept in `source/schema.json`).\n\n"
        f"### Entity types\n\n{ents}\n### Relation types\n\n{rels}\n"
        f"### Canonical entity ids\n\n{s.entity_id_help} Ids match `{s.entity_id_pattern}`.\n\n"
        "### Annotation rules\n\n" + "".join(f"- {rule}\n" for rule in (*s.span_rules, *s.relation_rules))
    )


def _counts(f: CardFacts) -> str:
    langs = sorted({lang for v in f.split_docs.values() for lang in v})
    split_rows = [
        (split, *(by.get(lang, 0) for lang in langs), sum(by.values())) for split, by in sorted(f.split_docs.items())
    ]
    labels = [t.label for t in f.schema.entity_types]
    mention_rows = [
        (lang, *(f.mentions.get(lang, {}).get(t, 0) for t in labels), sum(f.mentions.get(lang, {}).values()))
        for lang in langs
    ]
    rel_labels = [
        r.label for r in f.schema.relation_types if any(f.relations.get(lang, {}).get(r.label) for lang in langs)
    ]
    rel_rows = [
        (lang, *(f.relations.get(lang, {}).get(r, 0) for r in rel_labels), sum(f.relations.get(lang, {}).values()))
        for lang in langs
    ]
    excluded = ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in sorted(f.excluded.items())) or "none"
    return (
        "## Counts\n\n### Documents per split and language\n\n"
        + table(["split", *langs, "total"], split_rows)
        + f"\nSplits: `{f.split_config}` (seed `{f.split_seed}`); a document keeps its split in every later release.\n"
        + f"Documents of the snapshot left out of this release: {excluded}.\n\n"
        + "### Mentions per language and type\n\n"
        + table(["language", *labels, "total"], mention_rows)
        + "\n### Relations per language and type\n\n"
        + (table(["language", *rel_labels, "total"], rel_rows) if rel_labels else "No relations.\n")
        + "\n### Entities\n\n"
        + table(["type", "entities"], [(t, f.entities.get(t, 0)) for t in labels])
        + f"\n{sum(f.entities.values())} entities, {f.cross_language_entities} named in two or more languages; "
        f"{f.triples} distinct (document, subject, relation, object) triples.\n"
    )


def _process(f: CardFacts) -> str:
    p = f.process
    status = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(p["status"].items())) or "none"
    rules = ", ".join(f"{n} by {r.replace('_', ' ')}" for r, n in sorted(p["rules"].items())) or "none"
    models = ", ".join(f"`{m}`" for m in p["model_versions"])
    pre = (
        f"{_n(p['from_prediction'], 'annotation')} started from a pre-annotation (a prediction shown to the "
        "annotator, who corrected or accepted it"
        + (f"; model versions in the snapshot: {models}" if models else "")
        + ")."
        if p["from_prediction"]
        else "No annotation started from a pre-annotation."
    )
    return (
        "## Annotation process\n\n"
        + _who(f, pre)
        + "\n\n"
        "Every annotation was validated (offsets, labels, relation argument types, entity ids) and a release is "
        "refused while validation reports errors. One gold version per document was then decided: an annotation "
        "flagged ground truth in Label Studio wins; with two or more annotators, items a majority agrees on are "
        "kept and documents with open conflicts are left out until resolved; a single annotation is accepted as "
        f"is. Gold documents: {status}. Gold items: {rules} (the full decision log is `source/decisions.parquet`).\n\n"
        + _agreement(f.agreement)
    )


def _who(f: CardFacts, pre: str) -> str:
    """Who made the annotations, as far as the snapshot tells: annotators, pre-annotations, and how
    many annotations are a pre-annotation submitted without any change (then the gold is the
    pre-annotations, and the card says so instead of describing annotators at work)."""
    p = f.process
    unchanged = p.get("unchanged_from_prediction") or {}
    n = sum(unchanged.values())
    versions = ", ".join(f"`{v}`" for v in unchanged)
    tally = f"{_n(p['annotators'], 'annotator')} (pseudonyms in `source/`) submitted {_n(p['annotations'], 'annotation')} and skipped {p['skipped']}."
    interface = (
        "an interface and guidelines generated from the schema: spans with an entity type, a canonical entity id "
        "typed on each span, and typed relations between spans"
    )
    if n and n == p["annotations"]:
        origin = "the curators' notes below say how they were made." if f.notes else "this card cannot say how they were made."
        return (
            f"The articles were put into Label Studio, each with a pre-annotation (model version {versions}), with "
            f"{interface}. {tally} Every annotation is a pre-annotation accepted without any change: nobody corrected "
            f"them in Label Studio, so the gold is exactly the pre-annotations and is as good as they are; {origin}"
        )
    same = (
        f" {_n(n, 'of them was', 'of them were')} submitted without any change (model version {versions}), so "
        f"{'its labels are' if n == 1 else 'their labels are'} the pre-annotation's, not a correction of it."
        if n
        else ""
    )
    return f"Annotators labelled the articles in Label Studio with {interface}. {tally} {pre}{same}"


def _agreement(agreement: Mapping[str, Any] | None) -> str:
    if not agreement:
        return (
            "**Agreement.** No document was annotated by two or more annotators, so no inter-annotator agreement "
            "can be reported: every gold annotation rests on one annotator's judgement (or a ground-truth flag). "
            "Treat scores near the top as within the uncertainty of a single annotation pass.\n"
        )
    rows = [(k, "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else v) for k, v in agreement.items()]
    return "**Agreement** between annotators, on the documents two or more of them labelled:\n\n" + table(
        ["measure", "value"], rows
    )


def _format(f: CardFacts) -> str:
    tags = ", ".join(f"`{n}`" for n in ["O"] + [f"{p}-{t.label}" for t in f.schema.entity_types for p in "BI"])
    return (
        f"## Data format\n\nFeatures version {f.features_version}; one parquet folder per config.\n\n"
        "- `documents` (default): `doc_id`, `language`, `source`, `url`, `title`, `published`, `text`; "
        "`mentions` [{`id`, `start`, `end`, `text`, `type`, `entity_id`}]; `entities` [{`id`, `type`, `name`}] "
        "occurring in the document; `relations` [{`id`, `type`, `head`, `tail`, `head_mention`, `tail_mention`}] "
        "where `head`/`tail` are entity ids and `*_mention` mention ids; `n_annotators`; `adjudication` "
        "(`ground_truth`, `adjudicated` or `single_annotated`). Mention ids `m1..` follow text order and relation "
        "ids `r1..` their arguments; they are not Label Studio ids.\n"
        "- `triples`: one row per distinct (document, subject entity, relation, object entity): `doc_id`, "
        "`language`, `subject`, `subject_id`, `subject_type`, `predicate`, `object`, `object_id`, `object_type`, "
        "`subject_aliases`, `object_aliases` (every surface form of the entity in the release, all languages). "
        "`subject`/`object` are the text of the mentions as written in the document; a symmetric relation is "
        "written once, with the smaller entity id as subject.\n"
        "- `entities`: `id`, `type` (most frequent mention type), `name` (longest, then most frequent English "
        "surface form; other languages when it has no English mention), `aliases` [{`language`, `aliases`}], "
        "`documents` (ids of the split's documents it occurs in).\n"
        "- `tokens`: `doc_id`, `language`, `tokens`, `ner_tags` (ClassLabel: " + tags + "). A token is a run "
        "of Unicode letters, combining marks, numbers and underscores (an apostrophe between letters stays "
        "inside, as in "
        "Swahili *ng'ombe*), or any other single non-space character; this works the same for English, Arabic "
        "(diacritics and tatweel stay in the word) and Swahili. A token overlapping a mention is tagged with it.\n\n"
        "Beside the data: `source/` holds what the release was built from (every annotator's normalized, "
        "pseudonymized annotation records, the documents, the decision log, the schema and the build options), "
        "`release.json` the provenance, `MANIFEST.sha256` a checksum of every file.\n"
    )


def _limitations(f: CardFacts) -> str:
    lim = f.limits
    n_docs = sum(sum(v.values()) for v in f.split_docs.values())
    items = [
        "No double annotation yet: the gold has not been checked by a second annotator." if not f.agreement else "",
        (
            f"{_n(lim['overlapping'], 'mention overlaps', 'mentions overlap')} a longer one and "
            f"{'is' if lim['overlapping'] == 1 else 'are'} missing from the `tokens` config (BIO cannot nest); the "
            "`documents` config has every mention."
            if lim["overlapping"]
            else ""
        ),
        (
            f"{_n(lim['inside_token'], 'mention starts or ends', 'mentions start or end')} inside a token (often an Arabic "
            "clitic such as و or ل attached to a name): the `tokens` config tags the whole token."
            if lim["inside_token"]
            else ""
        ),
        (
            f"{_n(lim['relations_without_entity'], 'relation joins', 'relations join')} a mention without an entity id "
            "and is left out of the `triples` config."
            if lim["relations_without_entity"]
            else ""
        ),
        "Entity names and types in the `entities` config are chosen automatically from the mentions "
        "(see Data format); they describe the entity, they are not gold labels.",
        "Relations link the mentions the relation rules (Schema) ask for, not every pair of mentions of two "
        "entities: compare systems on the `triples` config when they pick other mentions.",
        f"{_n(n_docs, 'document')} from {_n(len({s for s, _ in f.sources}), 'source')}: figures on it say little "
        "about other outlets, topics or languages.",
    ]
    return "## Known limitations\n\n" + "".join(f"- {i}\n" for i in items if i)


def _how_to(f: CardFacts) -> str:
    split = sorted(f.split_docs)[0] if "test" not in f.split_docs else "test"
    return (
        "## How to load\n\n```python\nfrom datasets import load_dataset\n\n"
        f'docs = load_dataset("exports/{f.name}/{f.version}", "documents", split="{split}")  # or the Hub repo id\n'
        f'triples = load_dataset("exports/{f.name}/{f.version}", "triples", split="{split}")\n```\n\n'
        "Verify a copy with `sha256sum -c MANIFEST.sha256`, or rebuild it from `source/` and compare with "
        f"`curation release --check exports/{f.name}/{f.version}`.\n\n"
        "## How to score a system\n\n"
        "Write one JSON line per document (`doc_id`, and any of `mentions` [{`id`, `start`, `end`, `type`}], "
        "`relations` [{`head`, `tail`, `type`}], `triples` [{`subject`, `predicate`, `object`}]), then:\n\n"
        f"```\ncuration evaluate --gold exports/{f.name}/{f.version} --predictions predictions.jsonl "
        f"--split {split}\n```\n\n"
        "It reports precision, recall and F1 for mentions (strict, exact, partial, type), relations (strict, "
        "boundaries) and triples (aliases matched after Unicode normalization), overall, per language and per type.\n"
    )
