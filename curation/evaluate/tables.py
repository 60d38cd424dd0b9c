"""The report as tables: plain text for the terminal, Markdown and LaTeX for a paper.

:func:`render_report` prints every block (overall, by language, by type) with its counts and,
when the report has bootstrap intervals, the F1's 95% interval. :func:`markdown_report` and
:func:`latex_report` give the table a paper quotes: the headline figures overall and per
language, with a caption saying what they are of (:mod:`~curation.evaluate.provenance`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from curation.evaluate.chunks import token_sections
from curation.evaluate.counts import HEADLINE, Path

_COLUMNS = ("precision", "recall", "f1", "correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")
_CI = "f1 95% CI"
#: Headline figures as a paper names them.
NAMES: dict[Path, str] = {
    ("ner", "strict"): "Mentions, strict",
    ("ner", "exact"): "Mentions, exact boundaries",
    ("ner", "partial"): "Mentions, partial",
    ("ner", "ent_type"): "Mentions, type",
    ("relations", "strict"): "Relations, strict",
    ("relations", "boundaries"): "Relations, boundaries",
    ("triples", "document"): "Triples, per document",
    ("triples", "corpus"): "Triples, corpus graph",
}


def render_report(report: Mapping[str, Any]) -> str:
    """The report as plain-text tables: overall, by language, by type."""
    sections = [("Overall", _rows(report))]
    sections += [(f"Language {lang}", _rows(part)) for lang, part in report["by_language"].items()]
    by_type = report["by_type"]
    for kind, title in (("ner", "Mentions"), ("relations", "Relations"), ("triples", "Triples")):
        rows = [(f"{label} {name}", block) for label, part in by_type[kind].items() for name, block in part.items()]
        if rows:
            sections.append((f"{title} by type", rows))
    sections += token_sections(report.get("tokens"))  # BIO predictions: seqeval's figures, no interval
    intervals = "ci" in report["ner"]["strict"]
    width = max(len(name) for _, rows in sections for name, _ in rows)
    names = [*_COLUMNS[:3], _CI, *_COLUMNS[3:]] if intervals else list(_COLUMNS)
    head = " ".join([" " * width] + [f"{c:>16}" if c == _CI else f"{c:>9}" for c in names])
    out = []
    for title, rows in sections:
        out += [f"== {title} ==", head]
        for name, block in rows:
            cells = [
                f"{block[c]:>9.4f}" if c in ("precision", "recall", "f1") else f"{block.get(c, '-'):>9}"
                for c in _COLUMNS
            ]
            if intervals:
                cells.insert(3, f"{_interval(block['ci']['f1'] if 'ci' in block else None):>16}")
            out.append(" ".join([name.ljust(width)] + cells))
        if intervals and any("ci" in block and block["ci"]["f1"] is None for _, block in rows):
            out.append("(-: no interval, the figure's counts come from fewer than 2 documents)")
        out.append("")
    return "\n".join(out)


def _rows(part: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [(f"{kind} {name}", block) for kind in ("ner", "relations", "triples") for name, block in part[kind].items()]


def _interval(ci: Sequence[float] | None, digits: int = 4) -> str:
    return "-" if ci is None else f"[{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]"


# --- for a paper -----------------------------------------------------------------------------------


def caption(provenance: Mapping[str, Any], *, what: str) -> str:
    """One paragraph: the data, the files and the settings a table is of (plain text)."""
    release = provenance["release"] or provenance["folder"]
    version = f" {provenance['version']}" if provenance["version"] else ""
    files = "; ".join(f"{p['file']} (sha256 {p['sha256']})" for p in provenance["predictions"])
    text = (
        f"{what} on {release}{version}, split {provenance['split']} ({provenance['documents']} documents); "
        f"release manifest sha256 {provenance['manifest_sha256'] or 'none (not a release folder)'}; "
        f"predictions {files}; curation {provenance['tool']['version']}."
    )
    settings = provenance["bootstrap"]
    if settings:
        text += (
            f" In brackets: {round(settings['confidence'] * 100)}% percentile intervals of {settings['resamples']} "
            f"document-level bootstrap resamples (seed {settings['seed']}); a language's documents are resampled "
            "within it, and a slice of fewer than 2 documents has no interval."
        )
    return text


def _table(report: Mapping[str, Any], provenance: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the paper table: P, R, F1 [CI] overall, then F1 [CI] per language."""
    languages = report["by_language"]
    counts = provenance["documents_by_language"]
    header = ["", "P", "R", "F1"] + [f"{lang} F1 ({docs(counts[lang])})" for lang in languages]
    rows = []
    for kind, name in HEADLINE:
        block = report[kind][name]
        cells = [NAMES[(kind, name)], f"{block['precision']:.3f}", f"{block['recall']:.3f}", _f1(block)]
        cells += [_f1(part[kind][name]) for part in languages.values()]
        rows.append(cells)
    return header, rows


def _f1(block: Mapping[str, Any]) -> str:
    ci = block.get("ci", {}).get("f1")
    return f"{block['f1']:.3f}" + ("" if ci is None else f" {_interval(ci, 3)}")


def docs(n: int) -> str:
    """``1 document``, ``5 documents``."""
    return f"{n} document" + ("" if n == 1 else "s")


def markdown_report(report: Mapping[str, Any], provenance: Mapping[str, Any]) -> str:
    """The headline figures as a Markdown table with its caption below."""
    header, rows = _table(report, provenance)
    return markdown(header, rows, caption(provenance, what="Micro-averaged precision (P), recall (R) and F1"))


def latex_report(report: Mapping[str, Any], provenance: Mapping[str, Any]) -> str:
    """The headline figures as a LaTeX table (booktabs) with its caption."""
    header, rows = _table(report, provenance)
    return latex(header, rows, caption(provenance, what="Micro-averaged precision (P), recall (R) and F1"))


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]], text: str) -> str:
    lines = ["| " + " | ".join(header) + " |", "|:--|" + "--:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines) + f"\n\n{text}\n"


def latex(header: Sequence[str], rows: Sequence[Sequence[str]], text: str) -> str:
    lines = [
        "% Needs \\usepackage{booktabs}. Written by curation.",
        "\\begin{table}[t]",
        "\\centering",
        "\\small",
        "\\begin{tabular}{l" + "r" * (len(header) - 1) + "}",
        "\\toprule",
        " & ".join(_tex(c) for c in header) + " \\\\",
        "\\midrule",
        *(" & ".join(_tex(c) for c in cells) + " \\\\" for cells in rows),
        "\\bottomrule",
        "\\end{tabular}",
        f"\\caption{{{_tex(text)}}}",
        "\\end{table}",
    ]
    return "\n".join(lines) + "\n"


_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
        "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "−": "$-$", "Δ": r"$\Delta$"}  # fmt: skip


def _tex(text: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in text)
