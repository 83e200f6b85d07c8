"""MMD² permutation test: a kernel two-sample test that sees any change in the distribution.

Gretton et al. (2012), unbiased MMD² with an RBF kernel ``k(x, y) = exp(-|x-y|² / (2 σ²))`` whose
bandwidth σ is the median pairwise distance of the pooled sample (the "median heuristic").

The p-value is a permutation p-value, ``(1 + #{permuted >= observed}) / (1 + n_permutations)``: under
no drift the reference and current rows are exchangeable, so relabelling them at random draws from
the exact null distribution of the statistic.

Speed (2,000 x 500 x 384, 200 permutations, well under 0.5 s on 2 cores): the (n+m)² kernel matrix is
built once with BLAS; a labelling is an indicator vector ``y`` of the current rows, and every sum the
statistic needs follows from ``y·K·y`` and ``y·(K·1)``, so all permutations cost one matrix product
``K @ Y`` with ``Y`` the (n+m) x (1 + n_permutations) matrix of indicator columns.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from pipelines.drift._distances import median_sq_distance, pooled_sq_distances
from pipelines.drift.result import (
    DriftResult,
    check_alpha,
    check_int,
    check_reachable,
    check_rng,
    check_samples,
    permutation_p_value,
)

METHOD = "mmd"


def check_params(alpha: float, *, n_permutations: int = 200, bandwidth: Any = "median", median_pairs: int = 2000) -> None:
    """Raise ValueError naming the first bad parameter."""
    check_alpha(alpha)
    check_int("n_permutations", n_permutations, minimum=1)
    check_reachable(n_permutations, alpha)
    if bandwidth != "median" and (
        isinstance(bandwidth, bool) or not isinstance(bandwidth, numbers.Real) or not bandwidth > 0
    ):
        raise ValueError(f"bandwidth must be 'median' or a positive number (kernel σ), got {bandwidth!r}")
    check_int("median_pairs", median_pairs, minimum=1)


def mmd_test(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    alpha: float,
    rng: np.random.Generator,
    n_permutations: int = 200,
    bandwidth: Any = "median",
    median_pairs: int = 2000,
) -> DriftResult:
    """Unbiased MMD² between ``reference`` and ``current`` rows, with a permutation p-value.

    ``bandwidth`` is the kernel σ, or ``"median"`` for the median pairwise distance estimated from
    ``median_pairs`` random pairs of the pooled sample.
    """
    check_params(alpha, n_permutations=n_permutations, bandwidth=bandwidth, median_pairs=median_pairs)
    check_rng(rng)
    ref, cur = check_samples(reference, current)
    d2 = pooled_sq_distances(ref, cur)
    return mmd_from_sq_distances(
        d2, len(ref), alpha=alpha, rng=rng, n_permutations=n_permutations,
        bandwidth=bandwidth, median_pairs=median_pairs,
    )


def mmd_from_sq_distances(
    d2: np.ndarray,
    n_reference: int,
    *,
    alpha: float,
    rng: np.random.Generator,
    n_permutations: int,
    bandwidth: Any,
    median_pairs: int,
) -> DriftResult:
    """The test on a precomputed pooled squared-distance matrix (reference rows first).

    Overwrites ``d2`` with the kernel matrix to save memory: callers pass a matrix they own.
    """
    big_n = d2.shape[0]
    n, m = n_reference, big_n - n_reference
    sigma2 = median_sq_distance(d2, median_pairs, rng) if bandwidth == "median" else float(bandwidth) ** 2
    kernel = d2
    kernel *= np.float32(-1.0 / (2.0 * sigma2))
    np.exp(kernel, out=kernel)

    # Column 0 is the observed labelling (current = the last m rows); the rest are permutations.
    labels = np.zeros((big_n, n_permutations + 1), dtype=np.float32)
    labels[n:, 0] = 1.0
    for b in range(1, n_permutations + 1):
        labels[rng.permutation(big_n)[:m], b] = 1.0

    row_sums = kernel.sum(axis=1, dtype=np.float64)
    total = row_sums.sum()
    k_y = kernel @ labels
    yky = np.einsum("ij,ij->j", labels, k_y, dtype=np.float64)  # sum over current x current (incl. diagonal)
    y_r = labels.T.astype(np.float64) @ row_sums
    cross = y_r - yky  # sum over reference x current
    within_ref = total - 2.0 * cross - yky - n  # off-diagonal reference x reference (k(x, x) = 1)
    within_cur = yky - m
    stats = within_ref / (n * (n - 1)) + within_cur / (m * (m - 1)) - 2.0 * cross / (n * m)

    observed = float(stats[0])
    p_value = permutation_p_value(observed, stats[1:])
    return DriftResult(
        statistic=observed,
        p_value=p_value,
        threshold=alpha,
        drifted=p_value <= alpha,
        method=METHOD,
        details={"bandwidth": float(np.sqrt(sigma2)), "n_permutations": n_permutations},
    )
