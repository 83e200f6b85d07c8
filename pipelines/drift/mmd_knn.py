"""The default detector: MMD² for changes in the mix of traffic, k-NN novelty for new kinds of traffic.

The two parts answer different questions. MMD² sees any change in the distribution, but a few
percent of out-of-scope traffic barely moves it; the novelty test counts points far from
everything in the reference, but is blind to a shift *between* known intents. Running both and
flagging drift when either part's p-value is at most α/2 (Bonferroni) keeps the false-alarm rate per
window at most α whatever the dependence between the parts.

``p_value`` is the Bonferroni-adjusted ``min(1, 2 · min(p_mmd, p_knn))``, so ``drifted`` is
``p_value <= alpha`` as for every other test; ``statistic`` is ``-log10(p_value)`` (0 = no evidence,
larger = more), and ``details`` holds each part's own :class:`DriftResult`.

Both parts use one pooled distance matrix, so the pair costs little more than MMD² alone. With 200
permutations the smallest MMD² p-value is 1/201, just below α/2 = 0.005 at α = 0.01.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from pipelines.drift import knn_novelty, mmd
from pipelines.drift._distances import pooled_sq_distances
from pipelines.drift.result import DriftResult, check_alpha, check_rng, check_samples

METHOD = "mmd+knn"
N_PARTS = 2


def check_params(
    alpha: float,
    *,
    n_permutations: int = 200,
    bandwidth: Any = "median",
    median_pairs: int = 2000,
    k: int = 5,
    quantile: float = 0.05,
    calibration_fraction: float = 0.5,
) -> None:
    """Raise ValueError naming the first bad parameter (each part runs at alpha / 2)."""
    check_alpha(alpha)
    mmd.check_params(alpha / N_PARTS, n_permutations=n_permutations, bandwidth=bandwidth, median_pairs=median_pairs)
    knn_novelty.check_params(alpha / N_PARTS, k=k, quantile=quantile, calibration_fraction=calibration_fraction)


def mmd_knn_test(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    alpha: float,
    rng: np.random.Generator,
    n_permutations: int = 200,
    bandwidth: Any = "median",
    median_pairs: int = 2000,
    k: int = 5,
    quantile: float = 0.05,
    calibration_fraction: float = 0.5,
) -> DriftResult:
    """MMD² permutation test and k-NN novelty test, each at alpha / 2; drifted if either fires."""
    check_params(
        alpha, n_permutations=n_permutations, bandwidth=bandwidth, median_pairs=median_pairs,
        k=k, quantile=quantile, calibration_fraction=calibration_fraction,
    )
    check_rng(rng)
    ref, cur = check_samples(reference, current)
    n = len(ref)
    n_cal = knn_novelty.calibration_size(n, k=k, quantile=quantile, calibration_fraction=calibration_fraction)
    d2 = pooled_sq_distances(ref, cur)

    # Novelty first: the MMD² step overwrites d2 with the kernel matrix.
    order = rng.permutation(n)
    fit, cal = order[n_cal:], order[:n_cal]
    cal_scores = np.partition(d2[np.ix_(cal, fit)], k - 1, axis=1)[:, k - 1]
    cur_scores = np.partition(d2[n:][:, fit], k - 1, axis=1)[:, k - 1]
    part_alpha = alpha / N_PARTS
    novelty = knn_novelty.novelty_result(cal_scores, cur_scores, alpha=part_alpha, quantile=quantile, k=k)
    kernel = mmd.mmd_from_sq_distances(
        d2, n, alpha=part_alpha, rng=rng, n_permutations=n_permutations, bandwidth=bandwidth, median_pairs=median_pairs
    )

    p_value = min(1.0, N_PARTS * min(kernel.p_value, novelty.p_value))
    return DriftResult(
        statistic=-math.log10(p_value),
        p_value=p_value,
        threshold=alpha,
        drifted=kernel.drifted or novelty.drifted,
        method=METHOD,
        details={mmd.METHOD: kernel, knn_novelty.METHOD: novelty},
    )
