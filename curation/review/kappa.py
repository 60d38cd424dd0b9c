"""Chance-corrected agreement on labels: Cohen's kappa (two raters) and Fleiss' kappa (more).

Computed with exact fractions so hand-computed figures can be asserted exactly; the result
holds floats. See :mod:`curation.review.agreement` for how relation labels become kappa items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Kappa:
    """A chance-corrected agreement figure on relation labels (see the module docstring)."""

    method: str  # "cohen" or "fleiss"
    items: int
    observed: float | None
    expected: float | None
    value: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "items": self.items, "observed": self.observed,
                "expected": self.expected, "value": self.value}  # fmt: skip


def cohen_kappa(labels: Iterable[tuple[str, str]]) -> Kappa:
    """Cohen's kappa of paired labels ``(label_a, label_b)``, computed exactly."""
    pairs = list(labels)
    if not pairs:
        return Kappa("cohen", 0, None, None, None)
    n = len(pairs)
    observed = Fraction(sum(a == b for a, b in pairs), n)
    count_a, count_b = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum((Fraction(count_a[k] * count_b[k], n * n) for k in count_a), Fraction(0))
    return _kappa("cohen", n, observed, expected)


def fleiss_kappa(items: Iterable[Mapping[str, int]]) -> Kappa:
    """Fleiss' kappa of items given as ``{label: number of raters}``, raters per item may vary."""
    rows = [row for row in items if sum(row.values()) >= 2]
    if not rows:
        return Kappa("fleiss", 0, None, None, None)
    per_item = []
    totals: Counter[str] = Counter()
    for row in rows:
        n_i = sum(row.values())
        per_item.append(Fraction(sum(c * c for c in row.values()) - n_i, n_i * (n_i - 1)))
        totals.update(row)
    observed = sum(per_item, Fraction(0)) / len(rows)
    grand = sum(totals.values())
    expected = sum((Fraction(c, grand) ** 2 for c in totals.values()), Fraction(0))
    return _kappa("fleiss", len(rows), observed, expected)


def _kappa(method: str, n: int, observed: Fraction, expected: Fraction) -> Kappa:
    value = None if expected == 1 else float((observed - expected) / (1 - expected))
    return Kappa(method, n, float(observed), float(expected), value)
