"""Confidence intervals by the document-level bootstrap, vectorised over resamples.

A resample draws the scored documents with replacement (as many as there are); its figures
are those of the drawn documents. Every micro-averaged figure is a ratio of counts summed over
documents, so instead of scoring each resample again, each document's counts are scored once
(:class:`~curation.evaluate.counts.DocumentCounts`) and a resample's totals are its draw multiplicities times those counts:
one matrix product ``W @ M`` for all resamples (``W``: resamples x documents, how often each
document was drawn; ``M``: documents x counts). This is exact for the micro figures.

Every figure is kept as three counts (:mod:`~curation.evaluate.counts`), ``hits``,
``actual`` and ``possible``, so that ``P = hits / actual``, ``R = hits / possible`` and
``F1 = 2 hits / (actual + possible)``.

Slices: overall and per-type figures resample all documents; a language's figures resample
that language's documents only (stratified), so each language's interval is about its own
documents. A figure's ``n_docs`` is the number of documents its counts can come from (all, the
language's, or those where the type occurs in the gold or the predictions); with fewer than
two there is nothing to resample and the interval is ``None``.

Corpus triples are not a sum over documents (each side is merged into one deduplicated graph
first): a resample's graphs hold the triples of the documents it drew, and its matching is the
full corpus's matching restricted to them (a gold triple counts as found when it and the
predicted triple matched to it are both drawn). That is exact whenever each predicted triple
has a single candidate gold triple, as is usual; otherwise a resample's count of correct
triples may be lower than a fresh maximum matching would find.

Resamples in which a figure is undefined (0/0: no gold and no prediction of it drawn) are left
out of its interval; a figure undefined on the whole split (precision of a system that predicts
nothing) is 0 by convention on every resample, so its interval is [0, 0].
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from curation.evaluate.counts import (
    HEADLINE,
    CorpusDesign,
    CorpusMatch,
    CountTable,
    DocumentCounts,
    Graphs,
    Path,
    corpus_design,
)

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
CONFIDENCE = 0.95
METHOD = "document-level percentile bootstrap"
FIGURES = ("precision", "recall", "f1")
#: Draws per chunk of resamples (bounds the memory of the multiplicity matrix).
_CHUNK = 2_000_000

System = tuple[DocumentCounts, Mapping[str | None, CorpusMatch]]  # corpus graphs: None = all languages


@dataclass(frozen=True)
class Resampled:
    """One figure's counts in every resample (arrays of the same length) and its ``n_docs``."""

    hits: np.ndarray
    actual: np.ndarray
    possible: np.ndarray
    n_docs: int

    def values(self) -> dict[str, np.ndarray]:
        """Precision, recall and F1 per resample; NaN where undefined."""
        h, a, p = self.hits, self.actual, self.possible
        with np.errstate(divide="ignore", invalid="ignore"):
            return {
                "precision": np.where(a > 0, h / a, np.nan),
                "recall": np.where(p > 0, h / p, np.nan),
                "f1": np.where(a + p > 0, 2 * h / (a + p), np.nan),
            }


def resample(systems: Sequence[System], *, resamples: int, seed: int) -> list[dict[Path, Resampled]]:
    """Every figure of each system in ``resamples`` resamples; all systems see the same draws (paired).

    The systems were scored on the same documents, in the same order. Draws: first all the
    documents, then each language's, in sorted order, from ``numpy.random.default_rng(seed)``.
    The matrix products run on one thread: they are small, and a threaded BLAS on a busy
    machine spends more time waiting than multiplying.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _resample(systems, resamples=resamples, seed=seed)


def _resample(systems: Sequence[System], *, resamples: int, seed: int) -> list[dict[Path, Resampled]]:
    languages = systems[0][0].languages
    n = len(languages)
    out: list[dict[Path, Resampled]] = [{} for _ in systems]
    if not n:
        return out
    rng = np.random.default_rng(seed)
    tables = [CountTable(docs) for docs, _ in systems]
    graphs = [Graphs(docs) for docs, _ in systems]
    everyone = list(range(n))
    designs = [corpus_design(g, corpus[None], everyone) for g, (_, corpus) in zip(graphs, systems)]
    matrix = np.hstack([t.matrix for t in tables])
    _collect(out, tables, designs, list(_chunks(rng, n, resamples, matrix, designs)), (), n)
    for lang in sorted(set(languages)):
        rows = [k for k, language in enumerate(languages) if language == lang]
        sub = np.hstack([t.matrix[np.ix_(rows, t.headline)] for t in tables])
        designs = [corpus_design(g, corpus[lang], rows) for g, (_, corpus) in zip(graphs, systems)]
        chunks = list(_chunks(rng, len(rows), resamples, sub, designs))
        _collect(out, tables, designs, chunks, ("by_language", lang), len(rows))
    return out


def interval(values: np.ndarray, point: float) -> list[float]:
    """The percentile interval of ``values`` (NaN left out); ``[point, point]`` when all are NaN."""
    valid = values[~np.isnan(values)]
    if not valid.size:
        return [point, point]
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(valid, [tail, 100 - tail])
    return [float(low), float(high)]


def add_intervals(report: dict[str, Any], resampled: Mapping[Path, Resampled]) -> None:
    """Put ``ci`` ({figure: [low, high] or None}) and ``n_docs`` into every block of ``report``."""
    for path, block in report_blocks(report):
        found = resampled.get(path)
        n_docs = found.n_docs if found is not None else 0
        if found is None or n_docs < 2:
            block["ci"] = dict.fromkeys(FIGURES)
        else:
            values = found.values()
            block["ci"] = {name: interval(values[name], block[name]) for name in FIGURES}
        block["n_docs"] = n_docs


def report_blocks(report: Mapping[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every (path, block) of a report (shape in :mod:`curation.evaluate.score`)."""
    for kind in ("ner", "relations", "triples"):
        for name, block in report[kind].items():
            yield (kind, name), block
    for lang, part in report["by_language"].items():
        for kind in ("ner", "relations", "triples"):
            for name, block in part[kind].items():
                yield ("by_language", lang, kind, name), block
    for kind, by_label in report["by_type"].items():
        for label, part in by_label.items():
            for name, block in part.items():
                yield ("by_type", kind, label, name), block


def _chunks(
    rng: np.random.Generator, n: int, resamples: int, matrix: np.ndarray, designs: Sequence[CorpusDesign]
) -> Iterator[tuple[np.ndarray, list[np.ndarray]]]:
    """Per chunk of resamples: (``W @ matrix``, each design's corpus totals)."""
    step = max(1, min(resamples, _CHUNK // n))
    for first in range(0, resamples, step):
        size = min(step, resamples - first)
        draws = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
        weights = np.bincount(draws.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)
        drawn = weights > 0
        yield weights @ matrix, [d.totals(drawn) for d in designs]


def _collect(
    out: list[dict[Path, Resampled]],
    tables: Sequence[CountTable],
    designs: Sequence[CorpusDesign],
    chunks: list[tuple[np.ndarray, list[np.ndarray]]],
    prefix: Path,
    n: int,
) -> None:
    """Turn the chunks of one slice (overall when ``prefix`` is empty) into each system's figures."""
    additive = np.vstack([c[0] for c in chunks])
    offset = 0
    for k, (table, design) in enumerate(zip(tables, designs)):
        if not prefix:
            width = table.matrix.shape[1]
            figures = [(path, j, table.n_docs.get(path, n)) for path, j in table.columns.items()]
        else:
            width = len(table.headline)
            figures = [(prefix + path, 3 * i, n) for i, path in enumerate(HEADLINE[:-1])]
        block = additive[:, offset : offset + width]
        offset += width
        for path, j, docs in figures:
            out[k][path] = Resampled(block[:, j], block[:, j + 1], block[:, j + 2], docs)
        corpus = np.vstack([c[1][k] for c in chunks])
        whole = corpus.reshape(len(corpus), -1, 3).sum(axis=1) if corpus.shape[1] else np.zeros((len(corpus), 3))
        out[k][prefix + ("triples", "corpus")] = Resampled(whole[:, 0], whole[:, 1], whole[:, 2], n)
        if not prefix:
            for label, docs in design.n_docs.items():
                j = 3 * design.labels.index(label)
                out[k][("by_type", "triples", label, "corpus")] = Resampled(
                    corpus[:, j], corpus[:, j + 1], corpus[:, j + 2], docs
                )
