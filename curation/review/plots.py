"""Pictures of agreement for people: a heatmap of strict mention F1, annotator pair x entity type.

matplotlib runs on its file-only ``Agg`` backend (no display needed). Each cell shows its F1
with two decimals and the number of mentions behind it; cells where neither annotator of the
pair used the type are grey and marked "n/a".
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402

from curation.review.agreement import AgreementReport  # noqa: E402

#: Red (no agreement) through amber to green (full agreement).
_CMAP = LinearSegmentedColormap.from_list("agreement", ["#c0392b", "#f1c40f", "#27ae60"])


def heatmap_matrix(report: AgreementReport) -> tuple[list[str], list[str], list[list[float | None]], list[list[int]]]:
    """Row labels (pairs), column labels (types, then "all"), strict F1 and mention counts."""
    by_pair_type = report.mentions("pair", "type")
    by_pair = report.mentions("pair")
    pairs = list(by_pair)
    types = report.entity_types + ["all"]
    values: list[list[float | None]] = []
    counts: list[list[int]] = []
    for pair in pairs:
        cells = [by_pair_type.get((pair, t)) for t in report.entity_types] + [by_pair[pair]]
        values.append([c.strict_f1 if c is not None else None for c in cells])
        counts.append([c.n_a + c.n_b if c is not None else 0 for c in cells])
    return [f"{a} / {b}" for a, b in pairs], types, values, counts


def plot_agreement(report: AgreementReport, path: Path | str) -> Path:
    """Write the heatmap PNG to ``path`` and return it."""
    path = Path(path)
    path.write_bytes(agreement_png(report))
    return path


def agreement_png(report: AgreementReport) -> bytes:
    """The heatmap as PNG bytes; the same report gives the same bytes with one matplotlib
    (no timestamp or software name in the file), so a release can hold it and rebuild it."""
    rows, columns, values, counts = heatmap_matrix(report)
    longest = max((len(r) for r in rows), default=32)
    width = max(7.5, 0.9 * len(columns) + 0.08 * longest + 2.5)
    height = max(3.5, 0.6 * len(rows) + 2.3)
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    try:
        grid = [[math.nan if v is None else v for v in row] for row in values] or [[math.nan]]
        image = ax.imshow(grid, cmap=_CMAP.with_extremes(bad="#d9d9d9"), vmin=0.0, vmax=1.0, aspect="auto")
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                label = "n/a" if value is None else f"{value:.2f}\n({counts[i][j]})"
                ax.text(j, i, label, ha="center", va="center", fontsize=9,
                        color="black" if value is None or value > 0.35 else "white")  # fmt: skip
        ax.set_xticks(range(len(columns)), labels=columns)
        ax.set_yticks(range(max(1, len(rows))), labels=rows or ["(no document with two annotators)"])
        ax.set_xlabel("Entity type (all = micro average)")
        ax.set_ylabel("Annotator pair")
        ax.set_title(
            f"Inter-annotator agreement: strict mention F1\n{report.documents} documents with two or more "
            "annotators; in brackets: mentions compared",
            fontsize=10,
        )
        ax.tick_params(top=False, bottom=True)
        fig.colorbar(image, ax=ax, label="strict F1")
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Software": None})
    finally:
        plt.close(fig)
    return out.getvalue()
