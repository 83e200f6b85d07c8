"""Rates with confidence intervals, error-rate correction and a segment-disparity test (pure).

A harm rate of 3 flags in 400 turns is not "0.75 %": it is somewhere between about 0.15 % and
2.2 %. Everything downstream (alerts on the interval's lower bound, the dashboard's bands) needs
the interval, so every rate here comes with one:

- :func:`wilson` — the Wilson score interval with continuity correction: coverage at or above
  the nominal level for moderate counts, never outside [0, 1], never empty.
- :func:`clopper_pearson` — the exact interval from the binomial, conservative; used when the
  count or its complement is tiny (fewer than 5), where Wilson's coverage dips.
- :func:`rogan_gladen` — a flag rate from a detector with known sensitivity and specificity is
  biased; this gives the corrected prevalence (and corrects interval bounds the same way).
- :func:`disparity` — is one segment's rate significantly above the rest? One-sided Fisher exact
  tests, with Benjamini–Hochberg control of the false discovery rate across all
  categories × segments tested together.

>>> r = rate(3, 400)
>>> round(r.rate, 4), round(r.low, 4), round(r.high, 4), r.method
(0.0075, 0.0015, 0.0218, 'clopper-pearson')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Below this many successes (or failures) the exact interval replaces Wilson's.
SMALL_COUNT = 5


@dataclass(frozen=True)
class Rate:
    k: int
    n: int
    rate: float  # k / n (0 when n == 0)
    low: float
    high: float
    confidence: float
    method: str


def _check(k: int, n: int, confidence: float) -> None:
    if isinstance(k, bool) or isinstance(n, bool) or not isinstance(k, int) or not isinstance(n, int):
        raise ValueError(f"k and n must be integers, got k={k!r}, n={n!r}")
    if n < 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval with continuity correction (Newcombe 1998, method 4).

    The correction costs a little width and keeps coverage at or above the nominal level where
    the plain Wilson interval dips to about 93 % (around n·p ≈ 4). ``(0, 1)`` when ``n == 0``.
    """
    _check(k, n, confidence)
    if n == 0:
        return 0.0, 1.0
    z = _z(confidence)
    p = k / n
    z2, denom = z * z, 2 * (n + z * z)
    low = 0.0 if k == 0 else (2 * n * p + z2 - 1 - z * math.sqrt(z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))) / denom
    high = 1.0 if k == n else (2 * n * p + z2 + 1 + z * math.sqrt(z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))) / denom
    return max(0.0, low), min(1.0, high)


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper–Pearson) interval from Beta quantiles."""
    from scipy.stats import beta

    _check(k, n, confidence)
    if n == 0:
        return 0.0, 1.0
    a = 1 - confidence
    low = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    return low, high


def rate(k: int, n: int, confidence: float = 0.95) -> Rate:
    """The rate ``k/n`` with Wilson's interval, or the exact one when counts are tiny."""
    _check(k, n, confidence)
    small = min(k, n - k) < SMALL_COUNT
    low, high = (clopper_pearson if small else wilson)(k, n, confidence)
    return Rate(k, n, k / n if n else 0.0, low, high, confidence, "clopper-pearson" if small else "wilson")


def rogan_gladen(observed: float, sensitivity: float, specificity: float) -> float:
    """Prevalence corrected for a detector's error rates: ``(p + sp - 1) / (se + sp - 1)``, clipped.

    A detector that flags 2 % of traffic, catches 90 % of harm and wrongly flags 1 % of benign
    turns implies a true harm rate of (0.02 + 0.99 - 1) / (0.9 + 0.99 - 1) ≈ 1.1 %.
    """
    for name, value in (("observed", observed), ("sensitivity", sensitivity), ("specificity", specificity)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    youden = sensitivity + specificity - 1
    if youden <= 0:
        raise ValueError(
            f"sensitivity + specificity must exceed 1 to correct (got {sensitivity:g} + {specificity:g}): "
            "the detector is no better than chance"
        )
    return min(1.0, max(0.0, (observed + specificity - 1) / youden))


@dataclass(frozen=True)
class ErrorRates:
    """A detector's confusion counts on labelled traffic: the evidence for its error rates."""

    tp: int
    fn: int
    fp: int
    tn: int
    # False positives come in bursts (a phase of traffic the classifier misreads), so one window's
    # false-positive rate varies more than a binomial around the pooled rate: this is a high
    # quantile of the per-window rate, measured alongside the counts (None: not measured).
    window_fpr_high: float | None = None

    def __post_init__(self):
        for name in ("tp", "fn", "fp", "tn"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
        if self.window_fpr_high is not None and not 0 <= self.window_fpr_high < 1:
            raise ValueError(f"window_fpr_high must be in [0, 1), got {self.window_fpr_high!r}")

    @property
    def sensitivity(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def specificity(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else 0.0


def corrected_rate(k: int, n: int, errors: ErrorRates, confidence: float = 0.95) -> Rate:
    """The harm rate corrected for the detector's errors (Rogan–Gladen), with an interval that
    also carries the uncertainty of the measured sensitivity and specificity.

    The point estimate is :func:`rogan_gladen` of ``k/n``. The interval combines three intervals
    at ``1 - (1 - confidence) / 3`` each (Bonferroni): the flag rate ``q``, the sensitivity ``se``
    and the false-positive rate ``fpr``; since ``p = (q - fpr) / (se - fpr)`` rises with ``q`` and
    falls with ``se``, its extremes sit at the corners, so the joint coverage is at least
    ``confidence``. When :attr:`ErrorRates.window_fpr_high` is known, the lower bound also
    allows for a window whose false-positive rate is that high (bursty false positives).

    When the measured sensitivity cannot be told apart from the false-positive rate (a tier that
    rarely catches the category, or too few labelled positives), no point estimate is possible;
    the interval then only uses what is known: at least ``(q_low - fpr_high) / (1 - fpr_high)``
    (as if every harmful turn were caught), at most 1. ``rate`` is then NaN and ``method``
    ``"bounds"``.
    """
    _check(k, n, confidence)
    each = 1 - (1 - confidence) / 3
    pos, neg = errors.tp + errors.fn, errors.fp + errors.tn
    q, se, fpr = rate(k, n, each), rate(errors.tp, pos, each), rate(errors.fp, neg, each)
    q_low, q_high, se_low, se_high, fpr_low, fpr_high = q.low, q.high, se.low, se.high, fpr.low, fpr.high
    if errors.window_fpr_high is not None:  # a bad window's false positives, not the average's
        fpr_high = max(fpr_high, errors.window_fpr_high)
    if se_low <= fpr_high:
        low = max(0.0, (q_low - fpr_high) / (1 - fpr_high)) if fpr_high < 1 else 0.0
        return Rate(k, n, math.nan, low, 1.0, confidence, "bounds")
    point = rogan_gladen(k / n if n else 0.0, errors.sensitivity, errors.specificity)  # se >= se_low > fpr_high >= fpr
    low = max(0.0, (q_low - fpr_high) / (se_high - fpr_high))
    high = min(1.0, (q_high - fpr_low) / (se_low - fpr_low))
    return Rate(k, n, point, min(low, point), max(high, point), confidence, "rogan-gladen")


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """BH-adjusted q-values in input order: reject where ``q <= FDR level``."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        q[i] = running
    return q


@dataclass(frozen=True)
class Disparity:
    category: str
    segment: str
    segment_rate: float
    rest_rate: float
    p_value: float  # one-sided Fisher exact: segment's rate > the rest's
    q_value: float  # Benjamini–Hochberg over every (category, segment) tested together
    flagged: bool


def disparity(
    counts: Mapping[str, Mapping[str, tuple[int, int]]], *, fdr: float = 0.05, min_n: int = 20
) -> list[Disparity]:
    """Segments whose harm rate is significantly above the rest of traffic, per category.

    ``counts[category][segment] = (flagged, total)``. Segments with fewer than ``min_n`` turns
    are not tested (too little data to say anything). Returns every test, flagged or not.
    """
    from scipy.stats import fisher_exact

    if not 0 < fdr < 1:
        raise ValueError(f"fdr must be in (0, 1), got {fdr!r}")
    rows: list[tuple[str, str, float, float, float]] = []
    for category, by_segment in counts.items():
        total_k = sum(k for k, _ in by_segment.values())
        total_n = sum(n for _, n in by_segment.values())
        for segment, (k, n) in by_segment.items():
            rest_k, rest_n = total_k - k, total_n - n
            if n < min_n or rest_n < min_n:
                continue
            p = float(fisher_exact([[k, n - k], [rest_k, rest_n - rest_k]], alternative="greater")[1])
            rows.append((category, segment, k / n, rest_k / rest_n, p))
    q = benjamini_hochberg([r[4] for r in rows])
    return [
        Disparity(c, s, round(sr, 6), round(rr, 6), p, qv, qv <= fdr and sr > rr)
        for (c, s, sr, rr, p), qv in zip(rows, q, strict=True)
    ]
