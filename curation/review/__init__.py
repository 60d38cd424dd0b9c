"""Review: how far annotators agree, and one adjudicated gold version per document.

The figures and decisions are pure functions over core records; :mod:`~curation.review.run`
is the edge that reads a snapshot, writes the plot and sends review drafts to Label Studio.

- :mod:`~curation.review.pairwise`    strict and partial mention matches between two annotators
- :mod:`~curation.review.kappa`       Cohen's and Fleiss' kappa
- :mod:`~curation.review.agreement`   the agreement report (per pair, type, language)
- :mod:`~curation.review.conflicts`   where annotators disagree, with every version
- :mod:`~curation.review.adjudicate`  ground truth, then majority: the gold and its decision log
- :mod:`~curation.review.registry`    the entity registry across documents and its checks R001-R005
- :mod:`~curation.review.idmap`       reviewed id maps: rename or merge ids in the gold (rule ``id_map``)
- :mod:`~curation.review.gold`        the gold file and the adjudication report
- :mod:`~curation.review.plots`       the agreement heatmap (matplotlib)
- :mod:`~curation.review.run`         ``curation agreement`` and ``curation adjudicate`` on a snapshot file
"""
