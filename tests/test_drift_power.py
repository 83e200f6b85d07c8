"""Every detector sees the drift it is built for, at α = 0.01 with its default settings."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipelines.drift import Cusum, evidence, run_detector

ALPHA = 0.01


def around(direction: np.ndarray, rng: np.random.Generator, n: int, spread: float = 0.3) -> np.ndarray:
    """Unit vectors scattered around ``direction``."""
    x = rng.standard_normal((n, len(direction))) * spread + 3.0 * direction
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def topics():
    rng = np.random.default_rng(11)
    a, b = np.eye(16)[0], np.eye(16)[1]
    return rng, a, b


@pytest.mark.parametrize("detector", ["mmd", "classifier", "centroid", "knn_novelty", "mmd+knn"])
def test_a_change_of_topic_is_flagged(detector, topics):
    rng, a, b = topics
    reference = around(a, rng, 400)
    current = around((a + b) / np.sqrt(2), rng, 150)
    result = run_detector(detector, reference, current, alpha=ALPHA, rng=np.random.default_rng(0))
    assert result.drifted and result.p_value <= ALPHA


@pytest.mark.parametrize("detector", ["knn_novelty", "mmd+knn"])
def test_ten_percent_of_novel_traffic_is_flagged(detector, topics):
    rng, a, _ = topics
    reference = around(a, rng, 1000)
    novel = rng.standard_normal((30, 16))
    current = np.concatenate([around(a, rng, 270), novel / np.linalg.norm(novel, axis=1, keepdims=True)])
    assert run_detector(detector, reference, current, alpha=ALPHA, rng=np.random.default_rng(0)).drifted


def test_default_detector_reports_both_parts():
    rng, a, b = np.random.default_rng(2), np.eye(8)[0], np.eye(8)[1]
    result = run_detector("mmd+knn", around(a, rng, 300), around(b, rng, 100), alpha=ALPHA, rng=rng)
    assert set(result.details) == {"mmd", "knn_novelty"}
    parts = result.details.values()
    assert result.p_value == pytest.approx(min(1.0, 2 * min(p.p_value for p in parts)))
    assert all(p.threshold == ALPHA / 2 for p in parts)
    assert result.statistic == pytest.approx(-np.log10(result.p_value))
    assert json.loads(json.dumps(result.as_dict()))["details"]["mmd"]["method"] == "mmd"


def test_cusum_catches_slow_drift_that_no_single_window_shows():
    detector = Cusum.calibrated(ALPHA, horizon=288, rng=np.random.default_rng(0))  # a day of 5-minute windows
    seen = []
    for p in [0.6, 0.3, 0.8] + [0.03] * 12:  # never below alpha, but persistently small
        assert detector.update(evidence(p)) is None
        seen.append(detector.drift_detected)
    assert True in seen and seen.index(True) >= 4


def test_cusum_starts_afresh_after_a_detection():
    detector = Cusum(threshold=1.5, allowance=1.0)
    for x in [2.0, 2.0]:
        detector.update(x)
    assert detector.drift_detected and detector.statistic == pytest.approx(2.0)
    detector.update(1.2)
    assert not detector.drift_detected and detector.statistic == pytest.approx(0.2) and detector.n_seen == 1


def test_cusum_stays_at_zero_on_uninformative_windows():
    detector = Cusum(threshold=3.0)
    for _ in range(100):
        detector.update(np.float32(evidence(0.9)))
    assert detector.statistic == 0.0 and not detector.drift_detected
