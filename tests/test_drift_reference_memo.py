"""A pinned (read-only) reference keeps its own distance matrix between windows, and nothing changes.

The worker pins its reference read-only; the drift tests then reuse the reference x reference
distances instead of recomputing them per window. The results must be those of a writable copy
of the same reference (recomputed every call), up to float32 rounding in the distances.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.drift import run_detector
from pipelines.drift import _distances
from pipelines.drift._distances import memoisable, pooled_sq_distances, reference_sq_distances, sq_distances

PARAMS = {
    "mmd": {"n_permutations": 99},
    "centroid": {"n_permutations": 99},
    "knn_novelty": {"k": 3, "quantile": 0.1},
    "mmd+knn": {"n_permutations": 199, "k": 3, "quantile": 0.1},
}


def unit_rows(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def pinned(x: np.ndarray) -> np.ndarray:
    out = np.array(x, dtype=np.float32, copy=True)
    out.flags.writeable = False
    return out


@pytest.mark.parametrize("detector", sorted(PARAMS))
@pytest.mark.parametrize("shift", [0.0, 0.15])
def test_pinned_reference_gives_the_same_verdicts_as_a_writable_one(detector, shift):
    rng = np.random.default_rng(7)
    ref = unit_rows(rng.normal(size=(300, 16)))
    frozen = pinned(ref)
    for window in range(3):  # the memoised matrix serves several windows
        cur = unit_rows(rng.normal(size=(40, 16)) + shift)
        fresh = run_detector(detector, ref, cur, alpha=0.01, rng=np.random.default_rng(window), params=PARAMS[detector])
        memo = run_detector(detector, frozen, cur, alpha=0.01, rng=np.random.default_rng(window), params=PARAMS[detector])
        assert memo.drifted == fresh.drifted
        assert memo.p_value == pytest.approx(fresh.p_value, rel=1e-6)
        assert memo.statistic == pytest.approx(fresh.statistic, rel=1e-4, abs=1e-6)
    assert memoisable(frozen) and not memoisable(ref)


def test_memo_is_kept_for_read_only_arrays_only_and_leaves_with_its_array():
    rng = np.random.default_rng(1)
    ref = unit_rows(rng.normal(size=(50, 8)))
    writable_view = ref[:]
    read_only_view = ref.view()
    read_only_view.flags.writeable = False
    assert not memoisable(writable_view)
    assert not memoisable(read_only_view)  # its base can still change underneath it
    frozen = pinned(ref)
    first = reference_sq_distances(frozen)
    assert reference_sq_distances(frozen) is first
    assert not first.flags.writeable
    np.testing.assert_allclose(first, sq_distances(ref, ref), atol=1e-6)
    key = id(frozen)
    del frozen
    assert key not in _distances._REFERENCE_BLOCKS


def test_pooled_matrix_by_blocks_matches_the_whole_product():
    rng = np.random.default_rng(2)
    ref, cur = unit_rows(rng.normal(size=(120, 12))), unit_rows(rng.normal(size=(30, 12)))
    pooled = np.concatenate([ref, cur])
    whole = sq_distances(pooled, pooled)
    np.fill_diagonal(whole, 0.0)
    for reference in (ref, pinned(ref)):
        d2 = pooled_sq_distances(reference, cur)
        assert d2.flags.writeable  # the caller owns it (the MMD step overwrites it)
        np.testing.assert_allclose(d2, whole, atol=1e-6)
        assert (np.diag(d2) == 0).all()
