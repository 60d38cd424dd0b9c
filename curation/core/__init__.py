"""The pure core: the records every stage shares and the rules they obey.

No network, no ``sys.exit``, no printing; files only at its edges (``corpus``, ``schema``'s
loader, ``normalize.load_snapshot``, ``check``). It imports nothing from the stage packages.

- :mod:`~curation.core.errors`     the ``CurationError`` hierarchy the CLI turns into ``Error:`` lines
- :mod:`~curation.core.records`    frozen dataclasses: documents, mentions, relations, annotations
- :mod:`~curation.core.schema`     ``schemas/schema.json``, the label config and guidelines made from it
- :mod:`~curation.core.corpus`     the article folder or JSONL, checked line by line
- :mod:`~curation.core.convert`    records <-> Label Studio results
- :mod:`~curation.core.normalize`  a raw export snapshot -> records (pseudonymized annotators)
- :mod:`~curation.core.codes`      the validation codes V001-V023: name, severity, meaning
- :mod:`~curation.core.validate`   those checks over records
- :mod:`~curation.core.check`      the file edge of validation (read, validate, report)
- :mod:`~curation.core.textnorm`   the normalization surface forms are compared after (triples, registry, matcher)
"""
