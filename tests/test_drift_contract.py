"""What every batch drift test promises: one result shape, valid p-values, no side effects, clear errors."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from pipelines.drift import DEFAULT_DETECTOR, REGISTRY, Cusum, DriftResult, run_detector, threshold_for_alpha
from pipelines.drift.mmd import mmd_test

# Parameters that let each of our tests run on a few dozen rows.
TINY = {
    "mmd": {"n_permutations": 39},
    "classifier": {"n_permutations": 39, "n_folds": 3},
    "centroid": {"n_permutations": 39},
    "knn_novelty": {"k": 2, "quantile": 0.2},
    "mmd+knn": {"n_permutations": 39, "k": 2, "quantile": 0.2},
}


def test_registry_holds_our_tests_evidentlys_and_the_default():
    assert set(REGISTRY) == {
        "mmd", "classifier", "centroid", "knn_novelty", "mmd+knn",
        "evidently_model", "evidently_distance", "evidently_ratio", "evidently_mmd",
    }
    assert DEFAULT_DETECTOR == "mmd+knn"


def samples(seed: int, n: int, m: int, dim: int, ties: bool):
    rng = np.random.default_rng(seed)
    ref, cur = rng.normal(size=(n, dim)), rng.normal(size=(m, dim)) + 0.3
    return (ref.round(0), cur.round(0)) if ties else (ref, cur)


@settings(max_examples=25, deadline=None)
@given(
    detector=st.sampled_from(sorted(TINY)),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(30, 60),
    m=st.integers(6, 25),
    dim=st.integers(1, 6),
    ties=st.booleans(),
)
def test_p_value_is_valid_inputs_untouched_and_seed_reproduces(detector, seed, n, m, dim, ties):
    ref, cur = samples(seed, n, m, dim, ties)
    ref.flags.writeable = False  # any write into the caller's arrays would raise
    cur.flags.writeable = False
    before = ref.copy(), cur.copy()
    first = run_detector(detector, ref, cur, alpha=0.05, rng=np.random.default_rng(seed), params=TINY[detector])
    again = run_detector(detector, ref, cur, alpha=0.05, rng=np.random.default_rng(seed), params=TINY[detector])
    np.testing.assert_array_equal(ref, before[0])
    np.testing.assert_array_equal(cur, before[1])
    assert 0 < first.p_value <= 1 and np.isfinite(first.statistic)
    assert first.drifted == (first.p_value <= 0.05) and first.threshold == 0.05 and first.method == detector
    assert first == again


def test_result_is_frozen_and_its_details_read_only():
    result = run_detector("mmd", *samples(0, 40, 20, 3, False), alpha=0.05, rng=np.random.default_rng(0), params=TINY["mmd"])
    assert isinstance(result, DriftResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.drifted = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.details["bandwidth"] = 1.0  # type: ignore[index]


def test_mmd_statistic_is_the_unbiased_estimate_and_p_a_permutation_p_value():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(30, 5)), rng.normal(size=(20, 5)) + 0.3
    result = mmd_test(x, y, alpha=0.05, rng=rng, bandwidth=2.0, n_permutations=99)
    k = np.exp(-cdist(np.vstack([x, y]), np.vstack([x, y]), "sqeuclidean") / (2 * 2.0**2))
    kxx, kyy, kxy = k[:30, :30], k[30:, 30:], k[:30, 30:]
    expected = (kxx.sum() - 30) / (30 * 29) + (kyy.sum() - 20) / (20 * 19) - 2 * kxy.mean()
    assert result.statistic == pytest.approx(expected, rel=1e-4)
    assert result.p_value * 100 == pytest.approx(round(result.p_value * 100))  # (1 + b) / (1 + 99)


def test_knn_novelty_counts_current_points_beyond_the_calibrated_distance():
    rng = np.random.default_rng(8)
    ref = rng.normal(size=(400, 4))
    cur = np.concatenate([rng.normal(size=(90, 4)), rng.normal(size=(10, 4)) + 20.0])
    result = run_detector("knn_novelty", ref, cur, alpha=0.01, rng=rng)
    assert result.details["count"] >= 10 and result.statistic == result.details["count"] / 100
    assert result.details["expected_fraction"] == pytest.approx(0.05, abs=0.005)
    assert result.drifted


@pytest.mark.parametrize(
    ("detector", "params", "message"),
    [
        ("mmd", {"n_permutations": 0}, "n_permutations must be an integer >= 1, got 0"),
        ("mmd", {"n_permutations": 50}, "n_permutations=50 cannot give a p-value <= alpha=0.01; use n_permutations >= 99"),
        ("mmd", {"bandwidth": "auto"}, "bandwidth must be 'median' or a positive number (kernel σ), got 'auto'"),
        ("mmd", {"kernel": "rbf"}, "unknown parameter 'kernel'; valid parameters: n_permutations, bandwidth, median_pairs"),
        ("knn_novelty", {"k": 0}, "k must be an integer >= 1, got 0"),
        ("knn_novelty", {"quantile": 0.7}, "quantile must be a number in (0, 0.5), got 0.7"),
        ("knn_novelty", {"calibration_fraction": 1}, "calibration_fraction must be a number in (0, 1), got 1"),
        ("classifier", {"n_folds": 1}, "n_folds must be an integer >= 2, got 1"),
        ("classifier", {"ridge": -1}, "ridge (regularisation relative to the feature variance) must be a positive number"),
        ("centroid", {"n_permutations": 10}, "n_permutations=10 cannot give a p-value <= alpha=0.01"),
        ("mmd+knn", {"n_permutations": 150}, "n_permutations=150 cannot give a p-value <= alpha=0.005; use n_permutations >= 199"),
        ("evidently_distance", {"dist": "manhattan"}, "dist must be one of euclidean, cosine, cityblock, chebyshev, got 'manhattan'"),
        ("evidently_model", {"bootstrap": "yes"}, "bootstrap must be true, false or null, got 'yes'"),
    ],
)
def test_a_bad_parameter_is_refused_naming_it_and_the_valid_values(detector, params, message):
    ref, cur = samples(0, 40, 20, 3, False)
    with pytest.raises(ValueError) as err:
        run_detector(detector, ref, cur, alpha=0.01, rng=np.random.default_rng(0), params=params)
    assert str(err.value).startswith(f"{detector}: ") and message in str(err.value)


def test_an_unknown_detector_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown drift detector 'mdd'; valid detectors: mmd, classifier, centroid"):
        run_detector("mdd", np.zeros((5, 2)), np.zeros((5, 2)), alpha=0.01, rng=np.random.default_rng(0))


@pytest.mark.parametrize(
    ("reference", "current", "alpha", "message"),
    [
        (np.zeros((10, 3)), np.zeros((10, 4)), 0.05, "reference and current differ in width: 3 != 4"),
        (np.zeros(10), np.zeros((10, 1)), 0.05, "reference must be a 2-D array (rows x dims), got shape (10,)"),
        (np.zeros((10, 2)), np.full((10, 2), np.nan), 0.05, "current must hold finite numbers"),
        (np.zeros((10, 2)), np.zeros((1, 2)), 0.05, "current needs at least 2 rows, got 1"),
        (np.zeros((10, 2)), np.zeros((5, 2)), 1.5, "alpha must be a false-alarm rate in (0, 1), got 1.5"),
    ],
)
def test_bad_inputs_are_refused_with_what_was_wrong(reference, current, alpha, message):
    with pytest.raises(ValueError) as err:
        run_detector("mmd", reference, current, alpha=alpha, rng=np.random.default_rng(0), params={"n_permutations": 99})
    assert message in str(err.value)


def test_a_seed_instead_of_a_generator_is_refused():
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        run_detector("centroid", np.zeros((10, 2)), np.zeros((5, 2)), alpha=0.05, rng=42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0}, "threshold must be a positive finite number, got 0"),
        ({"threshold": 3, "allowance": float("inf")}, "allowance must be a positive finite number, got inf"),
    ],
)
def test_cusum_refuses_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Cusum(**kwargs)


def test_cusum_threshold_is_reproducible_and_grows_with_the_horizon():
    short = threshold_for_alpha(0.01, horizon=12, rng=np.random.default_rng(0))
    assert short == threshold_for_alpha(0.01, horizon=12, rng=np.random.default_rng(0))
    assert threshold_for_alpha(0.01, horizon=288, rng=np.random.default_rng(0)) > short
    with pytest.raises(ValueError, match="n_sim must be an integer >= 1000"):
        threshold_for_alpha(0.01, horizon=12, rng=np.random.default_rng(0), n_sim=100)


@pytest.mark.parametrize("module", ["pipelines.embedding", "pipelines.drift.cusum", "pipelines.drift.registry"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
