"""The project workflow: articles into a Label Studio project, annotations back out.

Built on the :mod:`curation.labelstudio` adapter and the core.

- :mod:`~curation.project.push`            ``curation push``: plan, import, record
- :mod:`~curation.project.plan`            what a push would create, skip or refuse (by content hash)
- :mod:`~curation.project.chunks`          imports in chunks, looked up before a retry (no duplicates)
- :mod:`~curation.project.lanes`           several imports in flight, and a quiet moment to look (``--jobs``)
- :mod:`~curation.project.cache`           the push cache: task ids and hashes, never text
- :mod:`~curation.project.index`           the corpus index: an unchanged corpus is not read again
- :mod:`~curation.project.preannotations`  the pre-annotation file, checked against the schema
- :mod:`~curation.project.dictionary`      the alias matcher: a release's entities found in texts (pure)
- :mod:`~curation.project.pull`            ``curation pull``: an export snapshot, written atomically
- :mod:`~curation.project.shards`          the snapshot built in task-id shards at once (``pull --jobs``)
- :mod:`~curation.project.accept`          ``curation accept-predictions``
"""
