"""The annotation schema (``schemas/schema.json``) and what is generated from it.

The schema is the single source of truth: ``label_config.xml`` (the Label Studio labelling
interface) and the annotator guidelines (the project's instructions) are rendered here and a
test fails when the committed copies drift.

Label Studio mechanism for canonical entity ids: a per-region ``TextArea`` named
``entity_id``. Selecting a region shows one text box; the annotator types the id
(``kim_jong_un``), Enter saves it. Typing is faster than scrolling a Taxonomy of hundreds of
entities, and the set of entities is open (new articles bring new ones).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from curation.core.errors import SchemaError

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
DEFAULT_SCHEMA_PATH = SCHEMA_DIR / "schema.json"

#: Names of the controls in the generated label config; the converters rely on them.
LABELS_NAME = "label"
ENTITY_ID_NAME = "entity_id"
TEXT_NAME = "text"


@dataclass(frozen=True)
class EntityType:
    label: str
    name: str
    definition: str
    positive_examples: tuple[str, ...]
    negative_examples: tuple[str, ...]
    color: str
    hotkey: str


@dataclass(frozen=True)
class RelationType:
    label: str
    definition: str
    head: tuple[str, ...]
    tail: tuple[str, ...]
    symmetric: bool
    example: str

    def allows(self, head_type: str, tail_type: str) -> bool:
        if head_type in self.head and tail_type in self.tail:
            return True
        return self.symmetric and tail_type in self.head and head_type in self.tail


@dataclass(frozen=True)
class Schema:
    name: str
    version: str
    description: str
    entity_id_pattern: str
    entity_id_help: str
    entity_id_examples: tuple[str, ...]
    span_rules: tuple[str, ...]
    relation_rules: tuple[str, ...]
    entity_types: tuple[EntityType, ...]
    relation_types: tuple[RelationType, ...]
    sha256: str

    @cached_property
    def entity_labels(self) -> frozenset[str]:
        return frozenset(t.label for t in self.entity_types)

    @cached_property
    def relations(self) -> dict[str, RelationType]:
        return {r.label: r for r in self.relation_types}

    @cached_property
    def entity_id_regex(self) -> re.Pattern[str]:
        return re.compile(self.entity_id_pattern)

    def is_symmetric(self, relation_type: str) -> bool:
        rel = self.relations.get(relation_type)
        return bool(rel and rel.symmetric)


def load_schema(path: Path | str = DEFAULT_SCHEMA_PATH) -> Schema:
    """Read and check a schema file; raise :class:`SchemaError` naming the problem."""
    path = Path(path)
    try:
        raw_bytes = path.read_bytes()
        raw = json.loads(raw_bytes)
    except FileNotFoundError:
        raise SchemaError(f"Schema file {path} not found. Pass --schema with the path of a schema.json.")
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path} line {exc.lineno}: invalid JSON ({exc.msg}). Fix the file and run again.")
    try:
        schema = _parse(raw, hashlib.sha256(raw_bytes).hexdigest())
    except (KeyError, TypeError) as exc:
        raise SchemaError(f"{path}: missing or malformed field {exc}. Compare it with schemas/schema.json.")
    _check(schema, path)
    return schema


def _parse(raw: dict[str, Any], sha: str) -> Schema:
    return Schema(
        name=raw["name"],
        version=raw["schema_version"],
        description=raw["description"],
        entity_id_pattern=raw["entity_id"]["pattern"],
        entity_id_help=raw["entity_id"]["description"],
        entity_id_examples=tuple(raw["entity_id"]["examples"]),
        span_rules=tuple(raw["span_rules"]),
        relation_rules=tuple(raw["relation_rules"]),
        entity_types=tuple(
            EntityType(
                label=t["label"],
                name=t["name"],
                definition=t["definition"],
                positive_examples=tuple(t["positive_examples"]),
                negative_examples=tuple(t["negative_examples"]),
                color=t["color"],
                hotkey=t["hotkey"],
            )
            for t in raw["entity_types"]
        ),
        relation_types=tuple(
            RelationType(
                label=r["label"],
                definition=r["definition"],
                head=tuple(r["head"]),
                tail=tuple(r["tail"]),
                symmetric=bool(r["symmetric"]),
                example=r["example"],
            )
            for r in raw["relation_types"]
        ),
        sha256=sha,
    )


def _check(schema: Schema, path: Path) -> None:
    def duplicates(values: list[str]) -> list[str]:
        return sorted({v for v in values if values.count(v) > 1})

    for what, values in (
        ("entity label", [t.label for t in schema.entity_types]),
        ("hotkey", [t.hotkey for t in schema.entity_types]),
        ("relation label", [r.label for r in schema.relation_types]),
    ):
        if dup := duplicates(values):
            raise SchemaError(f"{path}: duplicate {what} {', '.join(dup)}. Each must be unique.")
    for rel in schema.relation_types:
        unknown = sorted(set(rel.head + rel.tail) - schema.entity_labels)
        if unknown:
            raise SchemaError(
                f"{path}: relation {rel.label} allows unknown entity type {', '.join(unknown)}. "
                "Use labels defined under entity_types."
            )
    for example in schema.entity_id_examples:
        if not schema.entity_id_regex.fullmatch(example):
            raise SchemaError(f"{path}: entity id example {example!r} does not match the entity id pattern.")


# --- Label Studio label config -------------------------------------------------------------

#: Each paragraph takes its direction from its first strong character, so Arabic paragraphs
#: read right-to-left and English ones left-to-right, in one project for every language.
#: Label Studio 1.23 renders each text line as an inline ``span.lsf-richtext__line`` between
#: ``<br>``s; inline, a one-line Arabic paragraph is laid out right-to-left but still aligned
#: left. As an inline block of full width each line is its own paragraph box, so
#: ``text-align: start`` follows its direction (checked in Chromium by tests/browser/test_rtl.py).
_TEXT_STYLE = (
    ".curation-text { unicode-bidi: plaintext; text-align: start; }\n"
    "    .curation-text .lsf-richtext__line { display: inline-block; width: 100%; "
    "unicode-bidi: plaintext; text-align: start; }\n"
    # The entity id box sits below the text; sticky, it stays on screen in long articles.
    "    .curation-entity-id { position: sticky; bottom: 0; z-index: 10; padding-bottom: 8px; "
    "background: var(--color-neutral-background, #fff); }"
)


def label_config(schema: Schema) -> str:
    """The Label Studio XML for the schema (what ``label_config.xml`` holds)."""

    def esc(s: str) -> str:
        return html.escape(s, quote=True)

    labels = "\n".join(
        f'    <Label value="{esc(t.label)}" background="{esc(t.color)}" hotkey="{esc(t.hotkey)}" '
        f'hint="{esc(t.name)}: {esc(t.definition)}"/>'
        for t in schema.entity_types
    )
    relations = "\n".join(f'    <Relation value="{esc(r.label)}"/>' for r in schema.relation_types)
    return f"""<View>
  <!-- Generated from schemas/schema.json (schema {esc(schema.name)} {esc(schema.version)}) by
       `curation schema label-config`. Edit the schema, not this file. -->
  <Style>
    {_TEXT_STYLE}
  </Style>
  <Header value="$title"/>
  <Labels name="{LABELS_NAME}" toName="{TEXT_NAME}">
{labels}
  </Labels>
  <Relations>
{relations}
  </Relations>
  <View className="curation-text">
    <Text name="{TEXT_NAME}" value="$text" granularity="symbol"/>
  </View>
  <View className="curation-entity-id" visibleWhen="region-selected">
    <Header value="Entity id (e.g. {esc(schema.entity_id_examples[0])})" size="6"/>
    <TextArea name="{ENTITY_ID_NAME}" toName="{TEXT_NAME}" perRegion="true" editable="true" \
maxSubmissions="1" required="true" placeholder="{esc(schema.entity_id_examples[0])}"/>
  </View>
</View>
"""


def canonical_xml(config: str) -> str:
    """A form of a label config that ignores comments, whitespace and attribute order."""
    try:
        root = ElementTree.fromstring(config)
    except ElementTree.ParseError as exc:
        raise SchemaError(f"Label config is not valid XML ({exc}).")

    def walk(el: ElementTree.Element) -> str:
        attrs = " ".join(f"{k}={v!r}" for k, v in sorted(el.attrib.items()))
        text = " ".join((el.text or "").split())
        children = "".join(walk(c) for c in el if isinstance(c.tag, str))
        return f"<{el.tag} {attrs}>{text}{children}</{el.tag}>"

    return walk(root)


def same_config(a: str, b: str) -> bool:
    return canonical_xml(a) == canonical_xml(b)


# --- Annotator guidelines (the project's instructions in Label Studio) ----------------------


def guidelines_html(schema: Schema) -> str:
    """The annotator guidelines as HTML, shown by Label Studio as project instructions."""
    e = html.escape
    out = [
        f"<h2>Annotation guidelines: {e(schema.name)} {e(schema.version)}</h2>",
        f"<p>{e(schema.description)}</p>",
        "<h3>How to label</h3>",
        "<ol>",
        "<li>Press an entity type's hotkey (or click the label), then drag the mouse over the span.</li>",
        "<li>Click the new span (in the text or in the Regions list) to select it, type its canonical entity id "
        "in the <b>Entity id</b> box at the bottom of the text and press Enter. (Settings, the gear in the bottom "
        "bar: <i>Select region after creating it</i> saves this click.)</li>",
        "<li>Press <b>Esc</b> before the next span: a hotkey pressed while a region is selected changes its type.</li>",
        "<li>To relate two mentions, select the first region, press <b>Alt+R</b> (or the relation button in its "
        "details), click the second span; then, in the <b>Relations</b> tab, hover the new relation, click its "
        "label button and pick the relation type.</li>",
        "<li>Submit. If the article cannot be annotated (not news, wrong language, broken text), press Skip "
        "(shown when you work through <b>Label All Tasks</b>).</li>",
        "</ol>",
        "<h3>Spans</h3>",
        "<ul>" + "".join(f"<li>{e(rule)}</li>" for rule in schema.span_rules) + "</ul>",
        "<h3>Entity ids</h3>",
        f"<p>{e(schema.entity_id_help)} Examples: "
        + ", ".join(f"<code>{e(x)}</code>" for x in schema.entity_id_examples)
        + ".</p>",
        "<h3>Entity types</h3>",
        "<table><tr><th>Label</th><th>Key</th><th>Definition</th><th>Examples</th><th>Not this</th></tr>",
    ]
    for t in schema.entity_types:
        out.append(
            f'<tr><td><b style="color:{e(t.color)}">{e(t.label)}</b> {e(t.name)}</td>'
            f"<td><kbd>{e(t.hotkey)}</kbd></td><td>{e(t.definition)}</td>"
            f"<td>{e('; '.join(t.positive_examples))}</td><td>{e('; '.join(t.negative_examples))}</td></tr>"
        )
    out += [
        "</table>",
        "<h3>Relations</h3>",
        "<ul>" + "".join(f"<li>{e(rule)}</li>" for rule in schema.relation_rules) + "</ul>",
        "<table><tr><th>Relation</th><th>Head</th><th>Tail</th><th>Definition</th><th>Example</th></tr>",
    ]
    for r in schema.relation_types:
        arrow = " (symmetric)" if r.symmetric else ""
        out.append(
            f"<tr><td><b>{e(r.label)}</b>{arrow}</td><td>{e(', '.join(r.head))}</td>"
            f"<td>{e(', '.join(r.tail))}</td><td>{e(r.definition)}</td><td>{e(r.example)}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out) + "\n"
