"""The card's datasheet sections about how the labels were made and what that means: the
annotation process (who made the labels, from which pre-annotations, how the gold was
decided), agreement, and known limitations.

The process paragraph and the YAML's ``annotations_creators`` come from the same facts
(:func:`curation.release.card.front_matter.annotations_creators`), so the prose cannot contradict
the metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from curation.release.card.facts import CardFacts, document_count
from curation.release.card.front_matter import annotations_creators, creator_counts
from curation.release.card.markdown import enumeration, plural, table

INTERFACE = (
    "an interface and guidelines generated from the schema: spans with an entity type, a canonical entity id "
    "typed on each span, and typed relations between spans"
)


def process(f: CardFacts) -> str:
    p = f.process
    status = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(p["status"].items())) or "none"
    rules = ", ".join(f"{n} by {r.replace('_', ' ')}" for r, n in sorted(p["rules"].items())) or "none"
    return (
        "## Annotation process\n\n" + who(f) + " " + creators(f) + "\n\n"
        "Every annotation was validated (offsets, labels, relation argument types, entity ids) and a release is "
        "refused while validation reports errors. One gold version per document was then decided: an annotation "
        "flagged ground truth in Label Studio wins; with two or more annotators, items a majority agrees on are "
        "kept and documents with open conflicts are left out until resolved; a single annotation is accepted as "
        f"is. Gold documents: {status}. Gold items: {rules} (the full decision log is `source/decisions.parquet`).\n\n"
        + agreement(f.agreement)
        + heatmap(p.get("heatmap"))
        + review(p.get("review"))
    )


def heatmap(path: str | None) -> str:
    if not path:
        return ""
    return (
        f"\n![Strict mention F1 per annotator pair and entity type, before adjudication]({path})\n\n"
        f"`{path}`: strict mention F1 per annotator pair and entity type before adjudication (grey: not compared).\n"
    )


def review(r: dict[str, Any] | None) -> str:
    """How the conflicts were decided, when a decisions file decided them."""
    if not r:
        return ""

    def counts(c: dict[str, int]) -> str:
        return ", ".join(f"{k} {n}" for k, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    who = "; ".join(f"`{k}` is {v}" for k, v in sorted(r["annotators"].items()))
    return (
        f"\n**Adjudication.** The annotators disagreed at {plural(r['conflicts'], 'place')} (by kind: "
        f"{counts(r['by_kind'])}). A reviewer decided each one in a decisions file kept as `{r['file']}`, with "
        "the guideline rule it applies and a one-line reason, which `source/decisions.parquet` carries for every "
        "item it decided (column `reason`), and submitted the resolved documents to Label Studio as ground truth. "
        f"Versions kept: {counts(r['by_choice'])}" + (f" ({who})" if who else "") + ". "
        f"By reason category: {counts(r['by_category'])}. By guideline rule cited: {counts(r['by_rule'])}.\n"
    )


def review_tally(p: Mapping[str, Any]) -> str:
    r = p["review"]
    return (
        f"{plural(r['reviewers'], 'reviewer')} submitted {plural(r['resolutions'], 'resolved annotation')} flagged "
        f"ground truth, made from the decisions file's resolutions (model version `{r['model_version']}`); a "
        "reviewer decides and is not counted among the annotators"
    )


def who(f: CardFacts) -> str:
    """Who made the annotations, as far as the snapshot tells: annotators, pre-annotations, and how
    many annotations are a pre-annotation submitted without any change (then the gold is the
    pre-annotations, and the card says so instead of describing annotators at work)."""
    p = f.process
    unchanged = p.get("unchanged_from_prediction") or {}
    n = sum(unchanged.values())
    versions = ", ".join(f"`{v}`" for v in unchanged)
    pseudonyms = "pseudonym" if p["annotators"] == 1 else "pseudonyms"
    tally = (
        f"{plural(p['annotators'], 'annotator')} ({pseudonyms} in `source/`) submitted "
        f"{plural(p['annotations'], 'annotation')} and skipped {p['skipped']}."
    )
    if p.get("review") and n and n == p["annotations"]:
        passes = ", ".join(f"`{v}`" for v in unchanged if v in p.get("passes", ()))
        return (
            f"The articles were put into Label Studio with {INTERFACE}, and each annotation pass entered it as a "
            f"pre-annotation (model version {passes}). {tally} Each annotation is one of those passes submitted "
            "without any change by its own user; the curators' notes below say how the passes were made. Where "
            f"the passes differ, a reviewer decided ({review_tally(p)}); the gold is the passes' agreement plus those "
            "decisions."
        )
    if n and n == p["annotations"]:
        origin = (
            "the curators' notes below say how they were made."
            if f.notes
            else "this card cannot say how they were made."
        )
        return (
            f"The articles were put into Label Studio, each with a pre-annotation (model version {versions}), with "
            f"{INTERFACE}. {tally} Every annotation is a pre-annotation accepted without any change: nobody corrected "
            f"them in Label Studio, so the gold is exactly the pre-annotations and is as good as they are; {origin}"
        )
    same = (
        f" {plural(n, 'of them was', 'of them were')} submitted without any change (model version {versions}), so "
        f"{'its labels are' if n == 1 else 'their labels are'} the pre-annotation's, not a correction of it."
        if n
        else ""
    )
    return f"Annotators labelled the articles in Label Studio with {INTERFACE}. {tally} {pre_annotations(p)}{same}"


def pre_annotations(p: Mapping[str, Any]) -> str:
    """How many annotations started from a pre-annotation, and of which model versions."""
    if not p["from_prediction"]:
        return "No annotation started from a pre-annotation."
    models = ", ".join(f"`{m}`" for m in p["model_versions"])
    return (
        f"{plural(p['from_prediction'], 'annotation')} started from a pre-annotation (a prediction shown to the "
        "annotator, who corrected or accepted it"
        + (f"; model versions in the snapshot: {models}" if models else "")
        + ")."
    )


def creators(f: CardFacts) -> str:
    """The sentence behind the YAML's ``annotations_creators``: declared by the curators, or derived."""
    listed = enumeration(annotations_creators(f))
    if f.annotations_creators:
        return f"The curators declare the annotations {listed} (`annotations_creators` above)."
    machine, human = creator_counts(f.process)
    parts = [
        f"{plural(human, 'annotation was', 'annotations were')} made or corrected by people in Label Studio" if human else "",
        f"{plural(machine, 'annotation is a pre-annotation', 'annotations are pre-annotations')} submitted unchanged, "
        "which Label Studio records as a model's output" if machine else "",
    ]  # fmt: skip
    found = " and ".join(part for part in parts if part) or "no annotation was submitted"
    unsaid = "; the curators did not declare who made the pre-annotations" if machine else ""
    return f"`annotations_creators` above ({listed}) follows the snapshot: {found}{unsaid}."


def agreement(figures: Mapping[str, Any] | None) -> str:
    if not figures:
        return (
            "**Agreement.** No document was annotated by two or more annotators, so no inter-annotator agreement "
            "can be reported: every gold annotation rests on one annotator's judgement (or a ground-truth flag). "
            "Treat scores near the top as within the uncertainty of a single annotation pass.\n"
        )
    rows = [(k, "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else v) for k, v in figures.items()]
    return "**Agreement** between annotators, on the documents two or more of them labelled:\n\n" + table(
        ["measure", "value"], rows
    )


def inside_token(f: CardFacts) -> str:
    """Mentions with an edge inside a token, and why (by cause from tokenizer rule 2 on)."""
    lim = f.limits
    if not lim["inside_token"]:
        return ""
    edges = plural(lim["inside_token"], "mention starts or ends", "mentions start or end")
    if f.tokenizer == "1":
        return (
            f"{edges} inside a token (often an Arabic clitic such as و or ل attached to a name): the `tokens` config "
            "tags the whole token."
        )
    others = lim["inside_token"] - lim["proclitic"] - lim["run_together"]
    causes = [
        f"{lim['proclitic']} after an Arabic proclitic (و, ف, ب, ل or ك written against the word, which the tokenizer "
        "keeps: a rule would also cut words that merely begin with those letters)"
        if lim["proclitic"]
        else "",
        f"{lim['run_together']} where the text runs two words together without a space (a lowercase letter, then a "
        "capital)"
        if lim["run_together"]
        else "",
        f"{others} elsewhere inside a word" if others else "",
    ]
    return (
        f"{edges} inside a token, and the `tokens` config tags the whole token: {enumeration([c for c in causes if c])}. "
        "Decoding its BIO tags gives every other mention's span back, nested ones aside."
    )


def limitations(f: CardFacts) -> str:
    lim = f.limits
    items = [
        "No double annotation yet: the gold has not been checked by a second annotator." if not f.agreement else "",
        (
            f"{plural(lim['overlapping'], 'mention overlaps', 'mentions overlap')} a longer one and "
            f"{'is' if lim['overlapping'] == 1 else 'are'} missing from the `tokens` config (BIO cannot nest); the "
            "`documents` config has every mention."
            if lim["overlapping"]
            else ""
        ),
        inside_token(f),
        (
            f"{plural(lim['relations_without_entity'], 'relation joins', 'relations join')} a mention without an "
            "entity id and is left out of the `triples` config."
            if lim["relations_without_entity"]
            else ""
        ),
        "Entity names and types in the `entities` config are chosen automatically from the mentions "
        "(see Data format); they describe the entity, they are not gold labels.",
        "Relations link the mentions the relation rules (Schema) ask for, not every pair of mentions of two "
        "entities: compare systems on the `triples` config when they pick other mentions.",
        f"{plural(document_count(f), 'document')} from {plural(len({s for s, _ in f.sources}), 'source')}: figures "
        "on them say little about other outlets, topics or languages.",
    ]
    return "## Known limitations\n\n" + "".join(f"- {i}\n" for i in items if i)
