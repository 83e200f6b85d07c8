"""Evidently's embedding drift methods, wrapped in our result shape for side-by-side comparison."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.drift import run_detector

EVIDENTLY_DEFAULT_THRESHOLDS = {
    "evidently_model": 0.55,
    "evidently_distance": 0.2,
    "evidently_ratio": 0.2,
    "evidently_mmd": 0.015,
}


@pytest.fixture(scope="module")
def shifted():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(200, 12))
    current = rng.normal(size=(80, 12)) + 1.0
    return reference, current


@pytest.mark.parametrize("detector", list(EVIDENTLY_DEFAULT_THRESHOLDS))
def test_evidently_methods_flag_a_clear_shift_without_a_p_value_or_side_effects(detector, shifted):
    reference, current = shifted
    before = reference.copy(), current.copy()
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    result = run_detector(detector, reference, current, alpha=0.01, rng=np.random.default_rng(0))
    assert np.random.random() == expected_next  # Evidently's np.random.seed calls do not leak out
    np.testing.assert_array_equal(reference, before[0])
    np.testing.assert_array_equal(current, before[1])
    assert result.drifted and result.p_value is None and result.method == detector
    assert result.threshold == EVIDENTLY_DEFAULT_THRESHOLDS[detector]


def test_evidently_parameters_pass_through():
    rng = np.random.default_rng(1)
    reference, current = rng.normal(size=(100, 6)), rng.normal(size=(50, 6))
    result = run_detector(
        "evidently_distance", reference, current, alpha=0.01, rng=rng, params={"dist": "cosine", "threshold": 5.0}
    )
    assert result.threshold == 5.0 and not result.drifted and result.details["dist"] == "cosine"
