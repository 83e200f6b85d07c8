"""Pairwise squared distances shared by the kernel and nearest-neighbour tests.

A pinned reference is the same array window after window, so its own distance matrix (the
largest block of the pooled matrix) is computed once and kept: :func:`reference_sq_distances`
memoises it for a reference that cannot change, i.e. a read-only array (the worker pins its
reference read-only). Any other array is recomputed on every call, as before.
"""

from __future__ import annotations

import weakref

import numpy as np

# Memoised reference blocks, by id of the reference array; an entry leaves with its array.
_REFERENCE_BLOCKS: dict[int, tuple[weakref.ref, np.ndarray]] = {}
# A reference this large costs 4 * rows² bytes (100 MB at 5,000 rows); beyond it, recompute.
MAX_MEMO_ROWS = 5000


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


def is_frozen(x: np.ndarray) -> bool:
    """True when neither ``x`` nor any array it views can be written (so its values cannot change)."""
    node: object = x
    while isinstance(node, np.ndarray):
        if node.flags.writeable:
            return False
        node = node.base
    return True


def memoisable(reference: np.ndarray) -> bool:
    """Whether :func:`reference_sq_distances` keeps this reference's matrix between calls."""
    return (
        isinstance(reference, np.ndarray) and reference.dtype == np.float32 and reference.ndim == 2
        and len(reference) <= MAX_MEMO_ROWS and is_frozen(reference)
    )  # fmt: skip


def reference_sq_distances(reference: np.ndarray) -> np.ndarray:
    """``sq_distances(reference, reference)``, read-only; kept for a :func:`memoisable` reference."""
    if not memoisable(reference):
        return sq_distances(reference, reference)
    key = id(reference)
    entry = _REFERENCE_BLOCKS.get(key)
    if entry is not None and entry[0]() is reference:
        return entry[1]
    block = sq_distances(reference, reference)
    block.flags.writeable = False
    _REFERENCE_BLOCKS[key] = (weakref.ref(reference, lambda _ref, key=key: _REFERENCE_BLOCKS.pop(key, None)), block)
    return block


def pooled_sq_distances(reference: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Squared distances among the rows of ``[reference; current]``, with an exact zero diagonal.

    Built by blocks (reference x reference, reference x current, current x current); the first,
    by far the largest, comes from :func:`reference_sq_distances`. The caller owns the result.
    """
    ref = np.asarray(reference, np.float32)
    cur = np.asarray(current, np.float32)
    n, m = len(ref), len(cur)
    out = np.empty((n + m, n + m), dtype=np.float32)
    out[:n, :n] = reference_sq_distances(ref)
    cross = sq_distances(ref, cur)
    out[:n, n:] = cross
    out[n:, :n] = cross.T
    out[n:, n:] = sq_distances(cur, cur)
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
