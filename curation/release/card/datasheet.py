"""The card's datasheet sections about the data: what it is, where the texts come from, its
languages, schema, counts and format, and how to load and score it.

How the labels were made, and what that means for their quality, is
:mod:`curation.release.card.process`.
"""

from __future__ import annotations

from curation.release.card.facts import LANGUAGES, CardFacts, document_count, language_name, languages, title
from curation.release.card.markdown import enumeration, plural, table


def intro(f: CardFacts) -> str:
    n_mentions = sum(sum(v.values()) for v in f.mentions.values())
    n_relations = sum(sum(v.values()) for v in f.relations.values())
    return (
        f"# {title(f)}\n\n"
        f"Version **{f.version}** of `{f.name}`: {plural(document_count(f), 'news article')} in "
        f"{enumeration([language_name(lang) for lang in languages(f)])}, with {plural(n_mentions, 'entity mention')} "
        f"({len(f.schema.entity_types)} types in the schema), a canonical entity id on each mention "
        f"({plural(sum(f.entities.values()), 'entity', 'entities')}, {f.cross_language_entities} of them named in more "
        f"than one language) and {plural(n_relations, 'relation')} ({len(f.schema.relation_types)} types in the "
        f"schema). Built by `curation` {f.tool_version} from schema `{f.schema.name}` {f.schema.version}; "
        "see `CHANGELOG.md` for what changed and `release.json` for provenance.\n"
    )


def motivation(f: CardFacts) -> str:
    return (
        "## Motivation\n\n"
        f"{f.schema.description} The dataset is a benchmark: it exists to measure, the same way for every "
        "approach, how well a system finds the entities a news article names, links each mention to one "
        "canonical entity shared across documents and languages, and extracts the relations the text states. "
        "It is built with `curation`, which runs the annotation in Label Studio, validates every annotation, "
        "adjudicates one gold version and publishes it with its sources, so that every figure below can be "
        "checked against the annotations it rests on (`source/`).\n"
    )


def sources(f: CardFacts) -> str:
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


def language_table(f: CardFacts) -> str:
    rows = []
    for lang in languages(f):
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


def schema(f: CardFacts) -> str:
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
            (r.label, ", ".join(r.head), ", ".join(r.tail), "yes" if r.symmetric else "no", r.definition,
             relation_total[r.label])
            for r in s.relation_types
        ],
    )  # fmt: skip
    return (
        f"## Schema\n\nSchema `{s.name}` version {s.version} (sha256 `{s.sha256}`, kept in `source/schema.json`).\n\n"
        f"### Entity types\n\n{ents}\n### Relation types\n\n{rels}\n"
        f"### Canonical entity ids\n\n{s.entity_id_help} Ids match `{s.entity_id_pattern}`.\n\n"
        "### Annotation rules\n\n" + "".join(f"- {rule}\n" for rule in (*s.span_rules, *s.relation_rules))
    )


def counts(f: CardFacts) -> str:
    langs = languages(f)
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


def data_format(f: CardFacts) -> str:
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
        "inside, as in Swahili *ng'ombe*), or any other single non-space character; this works the same for "
        "English, Arabic (diacritics and tatweel stay in the word) and Swahili. A token overlapping a mention is "
        "tagged with it." + clitic_rule(f) + "\n\n"
        "Beside the data: `source/` holds what the release was built from (every annotator's normalized, "
        "pseudonymized annotation records, the documents, the decision log, the schema and the build options), "
        "`release.json` the provenance, `MANIFEST.sha256` a checksum of every file.\n"
    )


def clitic_rule(f: CardFacts) -> str:
    """The one sentence on the English clitic, for releases tokenized by rule 2 (releases before have none)."""
    if f.tokenizer == "1":
        return ""
    return (
        f" Tokenizer rule {f.tokenizer} (`tokenizer` in `source/build.json`) makes one exception: in English "
        "documents it cuts the clitic `'s` off a word, as the Penn Treebank and CoNLL-2003 do (`Kim’s` gives `Kim` "
        "and `’s`, `it's` gives `it` and `'s`); Swahili *ng'ombe* and Arabic words with a proclitic stay one token."
    )


def how_to(f: CardFacts) -> str:
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
