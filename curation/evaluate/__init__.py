"""Evaluate: a system's predictions scored against a release.

- :mod:`~curation.evaluate.predictions`  the prediction file, checked line by line
- :mod:`~curation.evaluate.tags`         BIO predictions over the release's tokens config, read as spans
- :mod:`~curation.evaluate.chunks`       token-level figures of BIO tags, as seqeval computes them
- :mod:`~curation.evaluate.ner`          mention scores: strict, exact, partial, type (nervaluate's schemes)
- :mod:`~curation.evaluate.relations`    relation scores (Strict, Boundaries) and string triples
- :mod:`~curation.evaluate.score`        ``curation evaluate``: gold from a release, per document, language, type
- :mod:`~curation.evaluate.counts`       each document's counts as the matrices the bootstrap multiplies
- :mod:`~curation.evaluate.bootstrap`    95% intervals from the document-level bootstrap, vectorised
- :mod:`~curation.evaluate.compare`      ``curation compare``: paired bootstrap difference and p-value
- :mod:`~curation.evaluate.provenance`   what a score is of: release, hashes, settings; the prediction header
- :mod:`~curation.evaluate.tables`       the report as text, Markdown and LaTeX tables
"""
