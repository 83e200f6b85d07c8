"""Embedding drift detection: batch two-sample tests by name, plus a sequential CUSUM for slow drift.

One test per module, all ``(reference, current, *, alpha, rng, **params) -> DriftResult``:
``mmd``, ``classifier``, ``centroid``, ``knn_novelty``, the default ``mmd+knn``, and Evidently's
four methods for comparison. ``evaluation`` scores them on labelled real text.
"""

from pipelines.drift.cusum import Cusum, evidence, threshold_for_alpha
from pipelines.drift.registry import DEFAULT_DETECTOR, REGISTRY, Detector, get_detector, run_detector, validate_params
from pipelines.drift.result import DriftResult

__all__ = [
    "DEFAULT_DETECTOR",
    "REGISTRY",
    "Cusum",
    "Detector",
    "DriftResult",
    "evidence",
    "get_detector",
    "run_detector",
    "threshold_for_alpha",
    "validate_params",
]
