"""Release: the adjudicated gold as a versioned Hugging Face dataset folder.

Only :mod:`~curation.release.hfdata` imports ``datasets``. :mod:`~curation.release.run` is the
entry point (version rules, writing the folder, ``--check``); the rest builds its bytes.

- :mod:`~curation.release.run`        ``curation release``: build from a snapshot, write, check
- :mod:`~curation.release.versions`   MAJOR.MINOR.PATCH: what exists, and the bump a change needs
- :mod:`~curation.release.build`      every file of a release from the gold, in memory
- :mod:`~curation.release.options`    the build options (``source/build.json``)
- :mod:`~curation.release.entities`   release ids (``m1``, ``r1``) and the cross-document entity table
- :mod:`~curation.release.rows`       the ``documents``, ``entities`` and ``tokens`` configs as columns
- :mod:`~curation.release.triples`    the ``triples`` config
- :mod:`~curation.release.source`     ``source/``: what ``--check`` rebuilds the release from
- :mod:`~curation.release.diff`       the state of a release and the difference of two
- :mod:`~curation.release.changelog`  ``CHANGELOG.md`` from that difference
- :mod:`~curation.release.splits`     stable splits by hash
- :mod:`~curation.release.tokens`     the tokenizer and BIO tags, one document at a time
- :mod:`~curation.release.tagging`    the same rule over a whole release at once, in numpy
- :mod:`~curation.release.hfdata`     ``datasets.Features``, parquet bytes, loading a release
- :mod:`~curation.release.lookup`     ``curation entities`` and ``curation preannotate``: their files
- :mod:`~curation.release.hub`        ``--push-to-hub``
- :mod:`~curation.release.card`       the dataset card

Why two tokenizers: :mod:`~curation.release.tokens` states the rule once, readably, and tags one
document (what a person checks a span against, and what evaluation uses); tagging a release of
10,000 documents that way costs more than writing its parquet files, so
:mod:`~curation.release.tagging` applies the same code point classes to many documents at once.
``tests/release/test_tokens.py`` keeps them equal on random texts and on every code point.
"""
