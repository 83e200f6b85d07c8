"""Pairwise squared distances shared by the kernel and nearest-neighbour tests."""

from __future__ import annotations

import numpy as np


def sq_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``float32`` matrix of squared Euclidean distances between the rows of ``a`` and of ``b``.

    Uses ``|a|² + |b|² - 2 a·b`` so the work is one BLAS matrix product; tiny negative values from
    rounding are clipped to 0.
    """
    a32 = np.asarray(a, dtype=np.float32)
    b32 = np.asarray(b, dtype=np.float32)
    out = a32 @ b32.T
    out *= -2.0
    out += np.einsum("ij,ij->i", a32, a32)[:, None]
    out += np.einsum("ij,ij->i", b32, b32)[None, :]
    np.maximum(out, 0.0, out=out)
    return out


def pooled_sq_distances(reference: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Squared distances among the rows of ``[reference; current]``, with an exact zero diagonal."""
    pooled = np.concatenate([np.asarray(reference, np.float32), np.asarray(current, np.float32)])
    out = sq_distances(pooled, pooled)
    np.fill_diagonal(out, 0.0)
    return out


def median_sq_distance(d2: np.ndarray, n_pairs: int, rng: np.random.Generator) -> float:
    """Median squared distance over ``n_pairs`` random distinct pairs of the pooled sample.

    The pairs are drawn without looking at which rows are reference and which are current, so a
    kernel built on this bandwidth keeps the permutation test exact.
    """
    n = d2.shape[0]
    i = rng.integers(0, n, size=n_pairs)
    j = rng.integers(0, n - 1, size=n_pairs)
    j = j + (j >= i)  # a uniform partner different from i
    med = float(np.median(d2[i, j]))
    return med if med > 0 else 1.0
