"""Nearest-neighbour novelty test: is more of the current traffic far from everything seen before?

Aimed at out-of-scope or brand-new traffic mixed into normal traffic (say 5-10 % of a window),
which moves the mean embedding too little for MMD or centroid tests to notice.

Split conformal construction (exact under no drift, no asymptotics):

1. Split the reference at random into a *fit* part A and a *calibration* part B.
2. Score every point of B and of the current window by the squared distance to its k-th nearest
   neighbour in A.
3. Take τ, the r-th largest calibration score, with r = floor(quantile · (|B| + 1)), and count the
   current points whose score exceeds τ.

With no drift, B and the current window are i.i.d. given A, so the chance U that a fresh point
scores above τ follows Beta(r, |B| + 1 - r) exactly, and the count is Beta-binomial(m, r, |B|+1-r).
The p-value is that distribution's upper tail at the observed count. (A plain binomial test would
ignore the randomness of τ and alarm too often.) Ties make it conservative.
"""

from __future__ import annotations

import math

import numpy as np

from pipelines.drift._distances import memoisable, reference_sq_distances, sq_distances
from pipelines.drift.result import (
    DriftResult,
    check_alpha,
    check_fraction,
    check_int,
    check_rng,
    check_samples,
)

METHOD = "knn_novelty"


def check_params(alpha: float, *, k: int = 5, quantile: float = 0.05, calibration_fraction: float = 0.5) -> None:
    """Raise ValueError naming the first bad parameter."""
    check_alpha(alpha)
    check_int("k", k, minimum=1)
    check_fraction("quantile", quantile, high=0.5)
    check_fraction("calibration_fraction", calibration_fraction)


def kth_neighbour_sq_distance(points: np.ndarray, fit: np.ndarray, k: int) -> np.ndarray:
    """Squared distance from each row of ``points`` to its k-th nearest row of ``fit``."""
    d2 = sq_distances(points, fit)
    return np.partition(d2, k - 1, axis=1)[:, k - 1]


def knn_novelty_test(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    alpha: float,
    rng: np.random.Generator,
    k: int = 5,
    quantile: float = 0.05,
    calibration_fraction: float = 0.5,
) -> DriftResult:
    """Fraction of current points farther from the reference than the (1 - quantile) calibration level.

    ``statistic`` is that fraction (about ``quantile`` when nothing changed); ``details`` carries the
    expected fraction, the count and the distance threshold.
    """
    check_params(alpha, k=k, quantile=quantile, calibration_fraction=calibration_fraction)
    check_rng(rng)
    ref, cur = check_samples(reference, current)
    n_cal = calibration_size(len(ref), k=k, quantile=quantile, calibration_fraction=calibration_fraction)
    order = rng.permutation(len(ref))
    fit = ref[order[n_cal:]]
    if memoisable(ref):  # a pinned reference: its calibration x fit distances are already known
        cal_d2 = reference_sq_distances(ref)[np.ix_(order[:n_cal], order[n_cal:])]
        cal_scores = np.partition(cal_d2, k - 1, axis=1)[:, k - 1]
    else:
        cal_scores = kth_neighbour_sq_distance(ref[order[:n_cal]], fit, k)
    return novelty_result(cal_scores, kth_neighbour_sq_distance(cur, fit, k), alpha=alpha, quantile=quantile, k=k)


def calibration_size(n: int, *, k: int, quantile: float, calibration_fraction: float) -> int:
    """Rows of an ``n``-row reference used for calibration; ValueError if the split cannot work."""
    n_cal = int(round(calibration_fraction * n))
    if math.floor(quantile * (n_cal + 1)) < 1 or n - n_cal < k:
        raise ValueError(
            f"reference of {n} rows is too small for k={k}, quantile={quantile:g}, "
            f"calibration_fraction={calibration_fraction:g}: need >= {k} fit rows "
            f"and >= {math.ceil(1 / quantile) - 1} calibration rows"
        )
    return n_cal


def novelty_result(
    cal_scores: np.ndarray, cur_scores: np.ndarray, *, alpha: float, quantile: float, k: int
) -> DriftResult:
    """The Beta-binomial count test on calibration and current k-NN scores."""
    from scipy.stats import betabinom

    n_cal, m = len(cal_scores), len(cur_scores)
    rank = math.floor(quantile * (n_cal + 1))
    tau = float(np.partition(cal_scores, n_cal - rank)[n_cal - rank])  # the rank-th largest
    count = int(np.count_nonzero(cur_scores > tau))
    a, b = rank, n_cal + 1 - rank
    # The tail can underflow to 0 for a large count; a p-value stays in (0, 1].
    p_value = float(np.clip(betabinom.sf(count - 1, m, a, b), np.finfo(float).tiny, 1.0))
    return DriftResult(
        statistic=count / m,
        p_value=p_value,
        threshold=alpha,
        drifted=p_value <= alpha,
        method=METHOD,
        details={"count": count, "expected_fraction": a / (a + b), "distance_threshold": math.sqrt(tau), "k": k},
    )
