"""Centroid test: has the mean embedding turned? Cheap, interpretable, blind to mix changes that keep the mean.

Statistic: the cosine distance between the reference mean and the current mean.

Null, calibrated from random splits of the reference: draw ``n_permutations`` subsets S of the
reference with the current's size m and take the difference Δ between mean(S) and the mean of the
rest. Under no drift, and in the large-sample (Gaussian) limit, the observed difference of means
Δ = mean(current) - mean(reference) is independent of the pooled mean and has covariance
Σ (1/n + 1/m), while a split difference has covariance Σ (1/m + 1/(n - m)); so each null draw
rescales Δ by sqrt((1/n + 1/m) / (1/m + 1/(n - m))), rebuilds the two means around the observed
pooled mean, and takes their cosine distance. The p-value is ``(1 + #{null >= observed}) /
(1 + n_permutations)``. It is asymptotically (CLT) valid, not exact, and holds whether the mean
embedding is far from zero (the usual case for sentence embeddings) or near it; the false-alarm
tests check both.
"""

from __future__ import annotations

import numpy as np

from pipelines.drift.result import (
    DriftResult,
    check_alpha,
    check_int,
    check_reachable,
    check_rng,
    check_samples,
    permutation_p_value,
)

METHOD = "centroid"


def check_params(alpha: float, *, n_permutations: int = 200) -> None:
    """Raise ValueError naming the first bad parameter."""
    check_alpha(alpha)
    check_int("n_permutations", n_permutations, minimum=1)
    check_reachable(n_permutations, alpha)


def _cosine_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    num = np.einsum("...i,...i->...", a, b)
    den = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    return 1.0 - num / np.where(den > 0, den, 1.0)


def centroid_test(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    alpha: float,
    rng: np.random.Generator,
    n_permutations: int = 200,
) -> DriftResult:
    """Cosine distance between the mean embeddings, against a null from reference sub-samples."""
    check_params(alpha, n_permutations=n_permutations)
    check_rng(rng)
    ref, cur = check_samples(reference, current)
    n, m = len(ref), len(cur)
    if n < m + 2:
        raise ValueError(f"centroid needs a reference larger than the current sample: {n} rows vs {m}")
    sum_ref = ref.sum(axis=0, dtype=np.float64)
    sum_cur = cur.sum(axis=0, dtype=np.float64)
    observed = float(_cosine_distance(sum_ref / n, sum_cur / m))
    pooled = (sum_ref + sum_cur) / (n + m)

    pick = np.zeros((n_permutations, n))
    for b in range(n_permutations):
        pick[b, rng.permutation(n)[:m]] = 1.0
    split_sums = pick @ ref.astype(np.float64)
    delta = split_sums / m - (sum_ref - split_sums) / (n - m)
    delta *= np.sqrt((1 / n + 1 / m) / (1 / m + 1 / (n - m)))
    null = _cosine_distance(pooled - delta * (m / (n + m)), pooled + delta * (n / (n + m)))

    p_value = permutation_p_value(observed, null)
    return DriftResult(
        statistic=observed,
        p_value=p_value,
        threshold=alpha,
        drifted=p_value <= alpha,
        method=METHOD,
        details={"n_permutations": n_permutations, "null_median": float(np.median(null))},
    )
