"""Evaluate: a system's predictions scored against a release.

- :mod:`~curation.evaluate.predictions`  the prediction file, checked line by line
- :mod:`~curation.evaluate.tags`         BIO predictions over the release's tokens config, read as spans
- :mod:`~curation.evaluate.chunks`       token-level figures of BIO tags, as seqeval computes them
- :mod:`~curation.evaluate.ner`          mention scores: strict, exact, partial, type (nervaluate's schemes)
- :mod:`~curation.evaluate.relations`    relation scores (Strict, Boundaries) and string triples
- :mod:`~curation.evaluate.score`        ``curation evaluate``: gold from a release, per document, language, type
"""
