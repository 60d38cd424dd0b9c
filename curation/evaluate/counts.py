"""Each document's counts, laid out as the matrices the bootstrap multiplies.

:func:`curation.evaluate.score.tally` scores every document once and keeps its counts
(:class:`DocumentCounts`) and each corpus graph's matching (:class:`CorpusMatch`). Here they become:

- :class:`CountTable`: documents x figures, three columns per figure, ``hits`` (correct, plus
  half the partial matches for ``partial`` and ``ent_type``), ``actual`` (predicted) and
  ``possible`` (gold). A resample's totals are its draw multiplicities times this matrix.
- :class:`CorpusDesign`: for corpus triples, which drawn documents make each gold triple,
  predicted triple and match present. An item held by one document is a column of that
  document's row; an item held by several is a "feature" present when any of them is drawn
  (a match: when its gold triple and its predicted triple both are).

Built with numpy from flat lists (one Python step per document and type, not per figure).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

import numpy as np

from curation.evaluate.ner import STRATEGIES
from curation.evaluate.relations import RELATION_MODES

Path = tuple[str, ...]  # where a figure's block sits in the report: ("by_language", "en", "ner", "strict")
Key = tuple[str, str, str]

#: The overall figures of a report (and of each language), in order.
HEADLINE: tuple[Path, ...] = (
    *(("ner", name) for name in STRATEGIES),
    *(("relations", mode) for mode in RELATION_MODES),
    ("triples", "document"),
    ("triples", "corpus"),
)
#: Strategies where a partial match counts half.
_HALF = np.array([name in ("partial", "ent_type") for name in STRATEGIES])


class _Entries:
    """Per-type rows of one kind: parallel lists of document, type (and mode), then the counts, flat."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.docs: list[int] = []
        self.labels: list[str] = []
        self.modes: list[int] = []
        self.counts: list[int] = []


class DocumentCounts:
    """Every scored document's counts, recorded flat as :func:`curation.evaluate.score.tally` goes.

    A few long lists of numbers rather than objects per document: nothing for the garbage
    collector to walk, and numpy reads them in one step.
    """

    def __init__(self) -> None:
        self.languages: list[str] = []
        self.ner: list[int] = []  # per document and strategy: correct, incorrect, partial, missed, spurious
        self.ner_types = _Entries(5 * len(STRATEGIES))
        self.relations = _Entries(3)  # correct, missed, spurious; ``modes`` says strict or boundaries
        self.triples = _Entries(3)  # triples matched within the document
        self.key_ids: tuple[dict[Key, int], dict[Key, int]] = ({}, {})  # gold, predicted corpus-graph keys
        self.keys: tuple[list[int], list[int]] = ([], [])  # per occurrence: key id ...
        self.key_docs: tuple[list[int], list[int]] = ([], [])  # ... and its document

    def __len__(self) -> int:
        return len(self.languages)

    def add(
        self,
        language: str,
        ner: Mapping[str, Sequence[int]],
        ner_types: Mapping[str, Mapping[str, Sequence[int]]],
        relations: Mapping[str, Mapping[str, Sequence[int]]],
        triples: Mapping[str, Sequence[int]],
        keys: tuple[Iterable[Key], Iterable[Key]],
    ) -> None:
        """One document: counts per strategy, per type and strategy, per mode and type, per
        predicate ([correct, missed, spurious]), and the keys it adds to the (gold, predicted) graphs."""
        d = len(self.languages)
        self.languages.append(language)
        for name in STRATEGIES:
            self.ner.extend(ner[name])
        rows = self.ner_types
        for label, by_name in ner_types.items():
            rows.docs.append(d)
            rows.labels.append(label)
            for name in STRATEGIES:
                rows.counts.extend(by_name[name])
        rows = self.relations
        for m, mode in enumerate(RELATION_MODES):
            for label, counts in relations[mode].items():
                rows.docs.append(d)
                rows.labels.append(label)
                rows.modes.append(m)
                rows.counts.extend(counts)
        rows = self.triples
        for label, counts in triples.items():
            rows.docs.append(d)
            rows.labels.append(label)
            rows.counts.extend(counts)
        for side in (0, 1):
            ids, found, docs = self.key_ids[side], self.keys[side], self.key_docs[side]
            for key in keys[side]:
                found.append(ids.setdefault(key, len(ids)))
                docs.append(d)


@dataclass(frozen=True)
class CorpusMatch:
    """A corpus graph pair and its matching (gold key -> predicted key)."""

    gold: Set[Key]
    pred: Set[Key]
    pairs: Mapping[Key, Key]


def _hap5(counts: np.ndarray) -> np.ndarray:
    """``[c, i, p, m, s]`` x 4 strategies per row -> ``[hits, actual, possible]`` x 4."""
    a = counts.reshape(len(counts), len(STRATEGIES), 5).astype(np.float64)
    c, i, p, m, s = (a[:, :, k] for k in range(5))
    hits = c + np.where(_HALF, 0.5 * p, 0.0)
    return np.stack([hits, c + i + p + s, c + i + p + m], axis=2).reshape(len(counts), -1)


def _hap3(counts: np.ndarray) -> np.ndarray:
    """``[c, m, s]`` per row -> ``[hits, actual, possible]``."""
    a = counts.reshape(len(counts), 3).astype(np.float64)
    return np.stack([a[:, 0], a[:, 0] + a[:, 2], a[:, 0] + a[:, 1]], axis=1)


class CountTable:
    """Documents x 3 columns per additive figure (every figure but corpus triples).

    ``columns`` gives each figure's first column; ``n_docs`` the documents holding each
    per-type figure; ``headline`` the columns of :data:`HEADLINE` but corpus triples.
    """

    def __init__(self, counts: DocumentCounts) -> None:
        n = len(counts)
        k, modes = 3 * len(STRATEGIES), 3 * len(RELATION_MODES)
        self.columns: dict[Path, int] = {("ner", name): 3 * s for s, name in enumerate(STRATEGIES)}
        self.columns.update({("relations", mode): k + 3 * m for m, mode in enumerate(RELATION_MODES)})
        self.columns[("triples", "document")] = k + modes
        self.n_docs: dict[Path, int] = {}
        blocks = [_hap5(np.array(counts.ner, dtype=np.int64).reshape(n, -1)) if n else np.zeros((0, k))]
        base = k + modes + 3
        per_type = []
        for kind, rows, convert, names in (
            ("ner", counts.ner_types, _hap5, STRATEGIES),
            ("relations", counts.relations, _hap3, RELATION_MODES),
            ("triples", counts.triples, _hap3, ("document",)),
        ):
            labels, block, n_docs = _per_type(n, rows, convert, len(names))
            per_type.append(block)
            for t, label in enumerate(labels):
                for j, name in enumerate(names):
                    path = ("by_type", kind, label, name)
                    self.columns[path] = base + 3 * (len(names) * t + j)
                    self.n_docs[path] = int(n_docs[t, 0 if kind == "ner" else j])
            base += block.shape[1]
        # relations and triples overall: each document's per-type columns summed over types
        rel, tri = per_type[1], per_type[2]
        blocks.append(rel.reshape(n, -1, modes).sum(axis=1) if rel.shape[1] else np.zeros((n, modes)))
        blocks.append(tri.reshape(n, -1, 3).sum(axis=1) if tri.shape[1] else np.zeros((n, 3)))
        self.matrix = np.hstack(blocks + per_type)
        self.headline = [self.columns[path] + j for path in HEADLINE[:-1] for j in range(3)]


def _per_type(
    n: int, rows: _Entries, convert: Callable[[np.ndarray], np.ndarray], names: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(types in order, documents x (types x names x 3) block, documents holding each (type, name))."""
    if not rows.docs:
        return [], np.zeros((n, 0)), np.zeros((0, names), dtype=np.int64)
    labels, index = np.unique(np.array(rows.labels), return_inverse=True)
    docs = np.array(rows.docs, dtype=np.int64)
    values = convert(np.array(rows.counts, dtype=np.int64).reshape(len(docs), rows.width))
    slot = index * names + (np.array(rows.modes, dtype=np.int64) if rows.modes else 0)
    block = np.zeros((n, 3 * names * len(labels)))
    block[docs[:, None], (3 * slot)[:, None] + np.arange(values.shape[1])] = values
    n_docs = np.bincount(slot, minlength=names * len(labels)).reshape(len(labels), names)
    return [str(x) for x in labels], block, n_docs


# --- corpus triples ----------------------------------------------------------------------------


class Graphs:
    """Where each corpus-graph key occurs: parallel arrays (key id, document) for each side."""

    def __init__(self, counts: DocumentCounts) -> None:
        self.n = len(counts)
        self.ids = counts.key_ids
        self.labels = tuple(sorted({key[1] for ids in self.ids for key in ids}))
        column = {label: 3 * t for t, label in enumerate(self.labels)}
        self.key = [np.array(k, dtype=np.int64) for k in counts.keys]
        self.doc = [np.array(d, dtype=np.int64) for d in counts.key_docs]
        self.label_column = [np.array([column[key[1]] for key in ids], dtype=np.int64) for ids in self.ids]


@dataclass(frozen=True)
class CorpusDesign:
    """Corpus triples of one slice: 3 columns (hits, actual, possible) per predicate of ``labels``."""

    labels: tuple[str, ...]
    single: np.ndarray  # slice documents x columns: items present when that one document is drawn
    features: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # (documents of one side, of the other or ())
    weights: np.ndarray  # features x columns
    n_docs: dict[str, int]  # predicate -> slice documents holding it (gold or predicted)

    def totals(self, drawn: np.ndarray) -> np.ndarray:
        """Resamples x columns: the counts of the drawn documents (``drawn``: resamples x documents, bool)."""
        totals = drawn.astype(np.float64) @ self.single
        if self.features:
            present = np.empty((drawn.shape[0], len(self.features)))
            for k, (first, second) in enumerate(self.features):
                hit = drawn[:, list(first)].any(axis=1)
                if second:
                    hit &= drawn[:, list(second)].any(axis=1)
                present[:, k] = hit
            totals += present @ self.weights
        return totals


def corpus_design(graphs: Graphs, match: CorpusMatch, rows: Sequence[int]) -> CorpusDesign:
    """The design of the slice ``rows`` (document indexes) whose graphs were matched as ``match``."""
    local = np.full(graphs.n, -1, dtype=np.int64)
    local[np.asarray(rows, dtype=np.int64)] = np.arange(len(rows))
    width = 3 * len(graphs.labels)
    single = np.zeros((len(rows), width))
    features: dict[tuple[tuple[int, ...], tuple[int, ...]], np.ndarray] = {}
    where: list[dict[int, tuple[int, ...]]] = []  # per side: key id -> its slice documents, for keys in several
    only: list[np.ndarray] = []  # per side: key id -> its one slice document, or -1
    held: list[np.ndarray] = []  # label index x slice size + document, per occurrence
    for side, slot in ((0, 2), (1, 1)):  # gold triples are possible, predicted ones actual
        key, doc = graphs.key[side], local[graphs.doc[side]]
        inside = doc >= 0
        key, doc = key[inside], doc[inside]
        size = len(graphs.ids[side])
        count = np.bincount(key, minlength=size)
        one = np.full(size, -1, dtype=np.int64)
        one[key] = doc
        one[count != 1] = -1
        several: dict[int, list[int]] = {}
        for k, d in zip(key[count[key] > 1].tolist(), doc[count[key] > 1].tolist()):
            several.setdefault(k, []).append(d)
        where.append({k: tuple(sorted(v)) for k, v in several.items()})
        only.append(one)
        columns = graphs.label_column[side]
        singles = np.flatnonzero(one >= 0)
        np.add.at(single, (one[singles], columns[singles] + slot), 1)
        for k, docs in where[side].items():
            _feature(features, (docs, ()), width)[columns[k] + slot] += 1
        held.append(columns[key] // 3 * len(rows) + doc)
    if match.pairs:
        gold_ids, pred_ids = graphs.ids
        g = np.array([gold_ids[k] for k in match.pairs], dtype=np.int64)
        p = np.array([pred_ids[k] for k in match.pairs.values()], dtype=np.int64)
        columns = graphs.label_column[0][g]
        same = (only[0][g] >= 0) & (only[0][g] == only[1][p])
        np.add.at(single, (only[0][g][same], columns[same]), 1)
        for k, j, c in zip(g[~same].tolist(), p[~same].tolist(), columns[~same].tolist()):
            first = where[0].get(k) or (int(only[0][k]),)
            second = where[1].get(j) or (int(only[1][j]),)
            _feature(features, (first, () if second == first else second), width)[c] += 1
    weights = np.array(list(features.values())) if features else np.zeros((0, width))
    label_docs = np.unique(np.concatenate(held)) // max(len(rows), 1)
    holders = np.bincount(label_docs, minlength=len(graphs.labels))
    n_docs = {label: int(holders[t]) for t, label in enumerate(graphs.labels) if holders[t]}
    return CorpusDesign(graphs.labels, single, tuple(features), weights, n_docs)


def _feature(features: dict[Any, np.ndarray], key: tuple[tuple[int, ...], tuple[int, ...]], width: int) -> np.ndarray:
    found = features.get(key)
    if found is None:
        found = features[key] = np.zeros(width)
    return found
