"""``curation compare``: is system B better than system A on this data, and by how much?

Both prediction files are scored against the same split. For each headline F1 (mentions'
four schemes, relations strict and boundaries, triples per document and over the corpus),
overall and per language, it gives the difference ``delta = B - A`` with

- its 95% interval from the **paired bootstrap** (Koehn 2004): every resample draws the
  documents once and scores both systems on that same draw (:mod:`~curation.evaluate.bootstrap`);
- a two-sided **p-value from the same resamples** (Berg-Kirkpatrick et al. 2012; Dror et al.
  2018): the bootstrap differences, shifted to the null hypothesis of no difference, are as
  far from 0 as the observed one in ``k`` of ``N`` usable resamples, ``|d* - delta| >= |delta|``,
  and ``p = (k + 1) / (N + 1)``. Identical systems give ``delta = 0`` and ``p = 1``.

A language's figures resample that language's documents; with fewer than two documents a
slice has no interval and no p-value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from curation.evaluate.bootstrap import DEFAULT_SEED, Resampled, interval, resample
from curation.evaluate.counts import HEADLINE
from curation.evaluate.provenance import provenance
from curation.evaluate.score import Tally, load_reference, load_system, tally
from curation.evaluate.tables import NAMES, caption, docs, latex, markdown

TEST = "paired bootstrap"
#: ``ner.strict``, ``relations.boundaries``, ``triples.corpus``...
FIGURES = {path: ".".join(path) for path in HEADLINE}


def compare(a: Tally, b: Tally, *, resamples: int, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """``{"test", "n_docs", "figures": {name: {a, b, delta, ci, p}}, "by_language": {lang: {"n_docs", "figures"}}}``.

    ``ci`` and ``p`` are None without resamples or for a slice of fewer than two documents.
    """
    languages = a.documents.languages
    found_a, found_b = resample([a.system, b.system], resamples=resamples, seed=seed) if resamples else ({}, {})
    out: dict[str, Any] = {"test": TEST if resamples else None, "n_docs": len(languages), "figures": {}}
    out["by_language"] = {}
    slices: list[tuple[dict[str, Any], tuple[str, ...], Mapping[str, Any], Mapping[str, Any]]] = [
        (out, (), a.report, b.report)
    ]
    for lang in a.report["by_language"]:
        slice_: dict[str, Any] = {"n_docs": languages.count(lang), "figures": {}}
        out["by_language"][lang] = slice_
        slices.append((slice_, ("by_language", lang), a.report["by_language"][lang], b.report["by_language"][lang]))
    for part, prefix, report_a, report_b in slices:
        for path, name in FIGURES.items():
            f1_a, f1_b = report_a[path[0]][path[1]]["f1"], report_b[path[0]][path[1]]["f1"]
            figure: dict[str, Any] = {"a": f1_a, "b": f1_b, "delta": f1_b - f1_a, "ci": None, "p": None}
            if resamples and part["n_docs"] >= 2:
                figure.update(_paired(found_a[prefix + path], found_b[prefix + path], f1_b - f1_a))
            part["figures"][name] = figure
    return out


def _paired(a: Resampled, b: Resampled, delta: float) -> dict[str, Any]:
    """The interval of the difference and its two-sided p-value (resamples where both F1 are defined)."""
    differences = b.values()["f1"] - a.values()["f1"]
    usable = differences[~np.isnan(differences)]
    beyond = int(np.count_nonzero(np.abs(usable - delta) >= abs(delta)))
    return {"ci": interval(usable, delta), "p": (beyond + 1) / (len(usable) + 1)}


# --- the edge ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Two prediction files compared: the figures, notes for the user, and what they are of."""

    result: dict[str, Any]
    notes: tuple[str, ...]
    provenance: dict[str, Any]


def compare_release(
    *,
    gold: Path | str,
    a: Path | str,
    b: Path | str,
    split: str = "test",
    schema_path: Path | str | None = None,
    resamples: int,
    seed: int = DEFAULT_SEED,
) -> Comparison:
    """Score prediction files ``a`` and ``b`` on split ``split`` of the release ``gold`` and compare them."""
    reference = load_reference(gold, split=split, schema_path=schema_path)
    notes = list(reference.notes)
    tallies = []
    for tag, path in (("A", a), ("B", b)):
        outputs, said, _ = load_system(reference, path)
        notes += [f"{tag} = {path}: {note}" for note in said]
        tallies.append(tally(reference.gold, outputs, symmetric=reference.symmetric))
    if resamples:
        notes.append(
            f"delta = B - A; 95% interval and two-sided p-value from the {TEST} over documents "
            f"({resamples} resamples, seed {seed})."
        )
    where = provenance(
        reference.release, split=split, languages=tallies[0].documents.languages, predictions=[a, b],
        resamples=resamples, seed=seed,
    )  # fmt: skip
    return Comparison(compare(tallies[0], tallies[1], resamples=resamples, seed=seed), tuple(notes), where)


# --- tables -------------------------------------------------------------------------------------


def render_comparison(result: Mapping[str, Any]) -> str:
    """One line per figure: ``ner.strict  A 0.912  B 0.934  Δ +0.022 [−0.010, +0.051]  p=0.19``."""
    out = [f"== All ({docs(result['n_docs'])}) =="] + _lines(result)
    for lang, part in result["by_language"].items():
        out += ["", f"== Language {lang} ({docs(part['n_docs'])}) =="] + _lines(part)
    return "\n".join(out) + "\n"


def _lines(part: Mapping[str, Any]) -> list[str]:
    width = max(len(name) for name in FIGURES.values())
    lines = []
    for name, f in part["figures"].items():
        line = f"{name:<{width}}  A {f['a']:.3f}  B {f['b']:.3f}  Δ {_signed(f['delta'])}"
        if f["ci"] is not None:
            line += f" [{_signed(f['ci'][0])}, {_signed(f['ci'][1])}]  p={_p(f['p'])}"
        elif part["n_docs"] < 2:
            line += f"  (no interval: {docs(part['n_docs'])})"
        lines.append(line)
    return lines


def _signed(x: float) -> str:
    return f"{x:+.3f}".replace("-", "−")


def _p(p: float) -> str:
    return f"{p:.2f}" if p >= 0.01 else f"{p:.3f}"


def _table(result: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    rows = []
    slices = [(f"all ({result['n_docs']})", result)]
    slices += [(f"{lang} ({part['n_docs']})", part) for lang, part in result["by_language"].items()]
    for where, part in slices:
        for path, name in FIGURES.items():
            f = part["figures"][name]
            delta = _signed(f["delta"])
            if f["ci"] is not None:
                delta += f" [{_signed(f['ci'][0])}, {_signed(f['ci'][1])}]"
            p = "" if f["p"] is None else _p(f["p"])
            rows.append([where, NAMES[path], f"{f['a']:.3f}", f"{f['b']:.3f}", delta, p])
    return ["Documents", "F1", "A", "B", "Δ = B − A [95% CI]", "p"], rows


def _caption(result: Mapping[str, Any], where: Mapping[str, Any]) -> str:
    files = where["predictions"]
    text = caption(where, what=f"F1 of A ({files[0]['file']}) and B ({files[1]['file']})")
    if where["bootstrap"]:
        text += f" p: two-sided {TEST} test on the same resamples."
    return text


def markdown_comparison(result: Mapping[str, Any], where: Mapping[str, Any]) -> str:
    header, rows = _table(result)
    return markdown(header, rows, _caption(result, where))


def latex_comparison(result: Mapping[str, Any], where: Mapping[str, Any]) -> str:
    header, rows = _table(result)
    return latex(header, rows, _caption(result, where))
