"""Drift tests by name: what ``monitor.yaml`` and ``lookout eval-drift`` refer to.

Every entry has the same call shape, ``(reference, current, *, alpha, rng, **params) ->
DriftResult``, and a ``check_params(alpha, **params)`` that raises ValueError naming a bad
parameter, so a config can be validated when it is loaded, before any data arrives.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> ref, cur = rng.normal(size=(200, 8)), rng.normal(size=(100, 8)) + 0.5
>>> run_detector("mmd", ref, cur, alpha=0.01, rng=rng, params={"n_permutations": 200}).drifted
True
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipelines.drift import centroid, classifier, evidently_methods, knn_novelty, mmd, mmd_knn
from pipelines.drift.result import DriftResult, DriftTest

DEFAULT_DETECTOR = mmd_knn.METHOD


@dataclass(frozen=True)
class Detector:
    """A registered drift test and its parameter check."""

    name: str
    test: DriftTest
    check_params: Callable[..., None]
    summary: str

    @property
    def defaults(self) -> dict[str, Any]:
        """The test's own parameters (besides alpha and rng) with their default values."""
        return {
            p.name: p.default
            for p in inspect.signature(self.test).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in ("alpha", "rng")
        }


def _entries() -> dict[str, Detector]:
    e = evidently_methods
    rows = [
        (mmd.METHOD, mmd.mmd_test, mmd.check_params, "MMD² (RBF, median bandwidth), permutation p-value"),
        (classifier.METHOD, classifier.classifier_test, classifier.check_params,
         "out-of-fold AUC of a ridge domain classifier, permutation p-value"),
        (centroid.METHOD, centroid.centroid_test, centroid.check_params,
         "cosine distance of the mean embeddings, null from reference splits"),
        (knn_novelty.METHOD, knn_novelty.knn_novelty_test, knn_novelty.check_params,
         "share of current points far from the reference (k-NN), Beta-binomial p-value"),
        (mmd_knn.METHOD, mmd_knn.mmd_knn_test, mmd_knn.check_params, "mmd and knn_novelty, Bonferroni at alpha/2 each"),
        ("evidently_model", e.evidently_model_test, e.check_model_params, "Evidently's classifier method (no p-value)"),
        ("evidently_distance", e.evidently_distance_test, e.check_distance_params, "Evidently's mean-distance method"),
        ("evidently_ratio", e.evidently_ratio_test, e.check_ratio_params, "Evidently's share-of-drifted-components method"),
        ("evidently_mmd", e.evidently_mmd_test, e.check_mmd_params, "Evidently's MMD² with a fixed threshold"),
    ]
    return {name: Detector(name, test, check, summary) for name, test, check, summary in rows}


REGISTRY: Mapping[str, Detector] = _entries()


def get_detector(name: str) -> Detector:
    """The detector called ``name``; ValueError listing the valid names otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown drift detector {name!r}; valid detectors: {', '.join(REGISTRY)}") from None


def validate_params(name: str, alpha: float, params: Mapping[str, Any] | None = None) -> None:
    """ValueError if ``name`` is unknown, a parameter is not one of its own, or a value is bad."""
    detector = get_detector(name)
    params = dict(params or {})
    unknown = sorted(set(params) - set(detector.defaults))
    if unknown:
        raise ValueError(
            f"{name}: unknown parameter {unknown[0]!r}; valid parameters: {', '.join(detector.defaults) or '(none)'}"
        )
    try:
        detector.check_params(alpha, **params)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from exc


def run_detector(
    name: str,
    reference: np.ndarray,
    current: np.ndarray,
    *,
    alpha: float,
    rng: np.random.Generator,
    params: Mapping[str, Any] | None = None,
) -> DriftResult:
    """Validate ``params`` for ``name`` and run that test."""
    validate_params(name, alpha, params)
    return get_detector(name).test(reference, current, alpha=alpha, rng=rng, **dict(params or {}))
