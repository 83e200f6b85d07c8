"""With no drift, every detector alarms in at most a fraction α of windows.

Each test runs 400 seeded windows whose reference and current samples come from the same
distribution, at α = 0.05. A detector that really alarms at rate α exceeds ``LIMIT`` (the 0.999
binomial quantile, 35 of 400) with probability below 0.001; one that alarms at 2α almost always
does, so the bound can fail.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from pipelines.drift import Cusum, evidence, run_detector, threshold_for_alpha
from pipelines.embedding import HashingEmbedder

WINDOWS = 400
ALPHA = 0.05
LIMIT = int(binom.isf(0.001, WINDOWS, ALPHA))

# Small samples keep 400 windows fast; permutation counts must allow p <= alpha (or alpha/2).
SMALL = {
    "mmd": {"n_permutations": 99},
    "mmd+knn": {"n_permutations": 99},
    "knn_novelty": {},
    "centroid": {"n_permutations": 99},
    "classifier": {"n_permutations": 99, "n_folds": 3},
}


def gaussian(rng: np.random.Generator, n: int, dim: int = 8) -> np.ndarray:
    """Isotropic, mean at the origin: the hard case for a cosine-of-means test."""
    return rng.standard_normal((n, dim))


def hypersphere(rng: np.random.Generator, n: int, dim: int = 8) -> np.ndarray:
    """Unit vectors around a common direction, like sentence embeddings."""
    x = rng.standard_normal((n, dim)) + 1.5 * np.eye(dim)[0]
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def false_alarms(detector: str, draw, params: dict) -> int:
    alarms = 0
    for window in range(WINDOWS):
        rng = np.random.default_rng([17, window])
        result = run_detector(detector, draw(rng, 120), draw(rng, 60), alpha=ALPHA, rng=rng, params=params)
        alarms += result.drifted
    return alarms


@pytest.mark.parametrize("draw", [gaussian, hypersphere], ids=["gaussian", "hypersphere"])
@pytest.mark.parametrize("detector", list(SMALL))
def test_no_drift_alarms_stay_within_alpha(detector, draw):
    assert false_alarms(detector, draw, SMALL[detector]) <= LIMIT


def test_default_detector_stays_within_alpha_on_embedded_text():
    rng = np.random.default_rng(3)
    issues = ["card", "PIN", "transfer", "refund", "top-up", "account", "statement", "app login"]
    states = ["is blocked", "failed", "is pending", "was declined", "looks wrong", "is missing", "is slow"]
    extras = ["today", "again", "since Monday", "abroad", "on my phone", "for the second time", "please help"]
    texts = [f"my {i} {s} {e} #{k}" for i in issues for s in states for e in extras for k in range(4)]
    pool = HashingEmbedder(dim=64).encode(texts)
    alarms = 0
    for window in range(WINDOWS):
        idx = rng.choice(len(pool), size=180, replace=False)
        result = run_detector(
            "mmd+knn", pool[idx[:120]], pool[idx[120:]], alpha=ALPHA, rng=np.random.default_rng([5, window]),
            params={"n_permutations": 99},
        )
        alarms += result.drifted
    assert alarms <= LIMIT


def test_cusum_threshold_keeps_false_alarms_per_horizon_within_its_target():
    horizon, streams = 48, 2000
    threshold = threshold_for_alpha(ALPHA, horizon=horizon, rng=np.random.default_rng(0), n_sim=4000)
    rng = np.random.default_rng(1)  # fresh streams, not the calibration ones
    alarmed = 0
    for _ in range(streams):
        detector = Cusum(threshold=threshold)
        hits = 0
        for p in 1.0 - rng.random(horizon):
            detector.update(evidence(p))
            hits += detector.drift_detected
        alarmed += hits > 0
    assert alarmed <= binom.isf(0.001, streams, ALPHA)
