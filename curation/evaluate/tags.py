"""BIO predictions: one tag per token of the release's ``tokens`` config, scored as spans and as seqeval does.

One JSON object per line, one line per document, every line of the file in this format::

    {"doc_id": "d1", "tags": ["B-PER", "I-PER", "I-PER", "O", "B-PER", "O"]}
    {"doc_id": "d2", "tags": [1, 2, 2, 0, 1, 0]}

``tags`` holds one tag per token of the document in the release's ``tokens`` config, as names
(``O``, ``B-PER``, ``I-PER``...) or as the ids of its ``ner_tags`` ClassLabel; other keys but
``mentions``, ``relations`` and ``triples`` (span predictions: another file) are ignored.
Documents with no line count as all ``O``.

The released tokens carry no offsets: each document's tokens are cut again from its text with
the release's tokenizer rule (``tokenizer`` in ``source/build.json``, absent = rule 1;
:func:`curation.release.tokens.tokenize`, vectorised) and must equal the released ones. The tags become
spans with those offsets (:func:`curation.release.tokens.bio_spans`: IOB2, an ``I-X`` that
continues no ``X`` starts a span, as seqeval's default mode reads it) and are scored like span
predictions; the token-level figures (:mod:`curation.evaluate.chunks`) compare the tags with
the gold ``ner_tags`` as seqeval does, in its default and strict IOB2 modes.

Nothing is scored silently wrong: any problem raises :class:`PredictionsError` naming the
line and the fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from curation.core.errors import CurationError, PredictionsError
from curation.core.records import Mention
from curation.evaluate.chunks import token_scores
from curation.evaluate.predictions import SystemOutput, decoded_lines, kind
from curation.release.tagging import chunks_of, tokenize_all
from curation.release.tokens import TOKENIZER, TOKENIZERS, bio_spans, splits_clitic

#: Keys of span predictions, refused on a line of BIO tags.
SPAN_KEYS = ("mentions", "relations", "triples")


@dataclass(frozen=True)
class TokenDoc:
    """One document of the ``tokens`` config: its text, ``(token, start, end)`` and gold tag names."""

    doc_id: str
    text: str
    tokens: list[tuple[str, int, int]]
    gold_tags: list[str]


def token_docs(
    rows: Iterable[Mapping[str, Any]],
    documents: Sequence[Mapping[str, Any]],
    tag_names: Sequence[str],
    tokenizer: str,
) -> list[TokenDoc]:
    """The ``tokens`` config ``rows`` with offsets, in the order of the ``documents`` config rows.

    Each document's tokens are cut from its text by rule ``tokenizer``
    (:func:`curation.release.tokens.tokenize`, vectorised over many documents by
    :func:`curation.release.tagging.tokenize_all`) and checked against the released ones; a
    mismatch or a missing document is a damaged release.
    """
    by_id = {row["doc_id"]: row for row in rows}
    texts = [doc["text"] for doc in documents]
    clitic = [splits_clitic(doc["language"], tokenizer) for doc in documents]
    out = []
    for part in chunks_of(texts):
        cut = tokenize_all(texts[part], clitic[part])
        base = np.repeat(cut.char_base[:-1], cut.counts)
        strings, starts, ends = cut.tokens.to_pylist(), (cut.starts - base).tolist(), (cut.ends - base).tolist()
        first = 0
        for doc, count in zip(documents[part], cut.counts.tolist()):
            doc_id, last = doc["doc_id"], first + count
            row = by_id.get(doc_id)
            if row is None:
                raise CurationError(
                    f"Gold document {doc_id!r} has no row in the tokens config. "
                    "The release is damaged: rebuild it with `curation release`."
                )
            if row["tokens"] != strings[first:last]:
                released = row["tokens"]
                at = next(
                    (k for k, (t, r) in enumerate(zip(strings[first:last], released)) if t != r),
                    min(count, len(released)),
                )
                raise CurationError(
                    f"Gold document {doc_id!r}: its released tokens differ from tokenizer rule {tokenizer}'s cut of its "
                    f"text from token {at + 1} on. The release is damaged: rebuild it with `curation release`."
                )
            tokens = list(zip(strings[first:last], starts[first:last], ends[first:last]))
            out.append(TokenDoc(doc_id, doc["text"], tokens, list(map(tag_names.__getitem__, row["ner_tags"]))))
            first = last
    return out


def is_tag_file(path: Path | str) -> bool:
    """Whether the first non-blank line of ``path`` is a JSON object with ``tags`` (a BIO prediction file)."""
    try:
        with Path(path).open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    try:
                        data = json.loads(raw)
                    except ValueError:
                        return False
                    return isinstance(data, dict) and "tags" in data
    except OSError:
        return False
    return False


def parse_tag_predictions(
    lines: Iterable[str], *, docs: Sequence[TokenDoc], tag_names: Sequence[str], source: str = "predictions",
    scope: str = "the gold",
) -> dict[str, list[str]]:  # fmt: skip
    """Tag names per gold document, in gold order (all ``O`` for documents with no line).

    Checks every line: a JSON object with a known ``doc_id`` once, ``tags`` a list of as many
    tags as the document has tokens, each a name or an id of ``tag_names``, no span keys.
    """
    by_id = {doc.doc_id: doc for doc in docs}
    index: dict[Any, int] = {name: i for i, name in enumerate(tag_names)}
    index.update({i: i for i in range(len(tag_names))})
    hint = f"{', '.join(tag_names)} or their ids 0 to {len(tag_names) - 1}"
    tags: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PredictionsError(
                f"{where}: invalid JSON ({exc.msg} at column {exc.colno}). Write one JSON object per line."
            )
        if not isinstance(data, dict):
            raise PredictionsError(
                f"{where}: expected a JSON object, got {kind(data)}. Write one JSON object per line."
            )
        doc_id = data.get("doc_id")
        if not isinstance(doc_id, str):
            raise PredictionsError(
                f"{where}: missing or non-string doc_id. Every line needs the doc_id of a gold document."
            )
        if "tags" not in data:
            raise PredictionsError(
                f"{where}: no 'tags' in a file of BIO predictions (its first line has 'tags'). "
                "Put BIO tags on every line of a file, or on none."
            )
        mixed = [key for key in SPAN_KEYS if key in data]
        if mixed:
            raise PredictionsError(
                f"{where}: both 'tags' and {mixed[0]!r}. A line holds BIO tags or span predictions, "
                "not both: score them as two files."
            )
        doc = by_id.get(doc_id)
        if doc is None:
            raise PredictionsError(
                f"{where}: doc_id {doc_id!r} is not in {scope}. Predict only documents of the scored split (or pass --split)."
            )
        if doc_id in first_line:
            raise PredictionsError(
                f"{where}: doc_id {doc_id!r} already appeared on line {first_line[doc_id]}. "
                "Write one line per document (merge the two lines)."
            )
        values = data["tags"]
        if not isinstance(values, list):
            raise PredictionsError(f"{where}: 'tags' must be a list, got {kind(values)}.")
        if len(values) != len(doc.tokens):
            raise PredictionsError(
                f"{where}: {len(values)} tags for {len(doc.tokens)} tokens of {doc_id}. "
                "Write one tag per token of the release's tokens config."
            )
        ids = None
        if set(map(type, values)) <= {str, int}:  # bool and float would pass as 0/1 in the lookup
            try:
                ids = list(map(index.__getitem__, values))
            except KeyError:
                pass
        if ids is None:
            bad = next(k for k, v in enumerate(values) if type(v) not in (str, int) or v not in index)
            raise PredictionsError(
                f"{where}: tag {bad + 1} ({kind(values[bad])}) is not one of the release's ner_tags. Use {hint}."
            )
        tags[doc_id] = [tag_names[i] for i in ids]
        first_line[doc_id] = number
    return {doc.doc_id: tags.get(doc.doc_id) or ["O"] * len(doc.tokens) for doc in docs}


def tag_outputs(docs: Sequence[TokenDoc], tags: Mapping[str, Sequence[str]]) -> dict[str, SystemOutput]:
    """The spans each document's tags encode, as span predictions (ids ``t1``, ``t2``...)."""
    outputs = {}
    for doc in docs:
        spans = bio_spans(doc.tokens, tags[doc.doc_id])
        mentions = tuple(
            Mention(f"t{k}", start, end, doc.text[start:end], label) for k, (start, end, label) in enumerate(spans, 1)
        )
        outputs[doc.doc_id] = SystemOutput(doc.doc_id, mentions)
    return outputs


@dataclass(frozen=True)
class TagPredictions:
    """A BIO prediction file read against a release: its spans, its token-level scores, what to tell."""

    outputs: dict[str, SystemOutput]
    tokens: dict[str, Any]
    note: str


def tokenizer_rule(gold: Path | str) -> str:
    """The tokenizer rule a release was built with: ``tokenizer`` in ``source/build.json`` (absent: rule 1;
    no ``build.json``: the current rule)."""
    build = Path(gold) / "source" / "build.json"
    if not build.is_file():
        return TOKENIZER
    rule = str(json.loads(build.read_text(encoding="utf-8")).get("tokenizer", "1"))
    if rule not in TOKENIZERS:
        raise CurationError(
            f"{build}: tokenizer rule {rule!r} is unknown to this curation (it knows {', '.join(TOKENIZERS)}). "
            "Upgrade curation to score BIO tags against this release."
        )
    return rule


def load_tag_predictions(
    path: Path | str, *, gold: Path | str, split: str, documents: Sequence[Mapping[str, Any]], scope: str
) -> TagPredictions:
    """Read the BIO prediction file ``path`` against split ``split`` of release ``gold`` (its
    ``documents`` rows given): spans for :func:`curation.evaluate.score.score` and seqeval's figures."""
    from curation.release.hfdata import load_release_tokens

    rows, tag_names = load_release_tokens(gold, split)
    rule = tokenizer_rule(gold)
    docs = token_docs(rows, documents, tag_names, rule)
    path = Path(path)
    try:
        with path.open("rb") as handle:
            tags = parse_tag_predictions(
                decoded_lines(handle, path), docs=docs, tag_names=tag_names, source=str(path), scope=scope
            )
    except (FileNotFoundError, IsADirectoryError):
        raise PredictionsError(f"{path}: no such file. Pass --predictions with a JSONL file, one document per line.")
    scores = token_scores((d.gold_tags for d in docs), (tags[d.doc_id] for d in docs))
    note = (
        f"Read BIO tags over the tokens config (tokenizer rule {rule}, {sum(len(d.tokens) for d in docs)} tokens), "
        "scored as the spans they encode; token-level figures against the gold ner_tags as seqeval computes them."
    )
    return TagPredictions(tag_outputs(docs, tags), scores, note)
