"""Evidently 0.7's embedding drift methods behind our function shape, for side-by-side comparison.

They live in ``evidently.legacy.metrics.data_drift.embedding_drift_methods``; Evidently's own
``EmbeddingsDrift`` metric calls the same classes. Differences from our tests, all documented in the
results rather than hidden:

- ``p_value`` is always ``None``: the methods return a score and a verdict, no p-value.
- ``threshold`` is Evidently's threshold *on the score* (AUC 0.55, distance 0.2, share of drifted
  components 0.2, MMD² 0.015 by default), not α; ``alpha`` is accepted and checked but unused, so
  these verdicts have no stated false-alarm rate.
- ``rng`` is unused: Evidently seeds itself (``random_state=42``, ``np.random.seed(i)`` in its
  bootstrap). We restore NumPy's global random state afterwards so that seeding leaks nowhere.
- Evidently's ``ModelDriftMethod`` writes a ``target`` column into the frames it is given and its
  call takes (current, reference); we hand it fresh frames in its order, so our inputs stay untouched.

Parameters are passed through to Evidently with its defaults (``bootstrap=None`` means off).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from pipelines.drift.result import DriftResult, check_alpha, check_rng, check_samples

_DISTANCES = ("euclidean", "cosine", "cityblock", "chebyshev")


def _check_common(alpha: float, threshold: Any, pca_components: Any) -> None:
    check_alpha(alpha)
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise ValueError(f"threshold must be a number, got {threshold!r}")
    if pca_components is not None and (isinstance(pca_components, bool) or not isinstance(pca_components, int) or pca_components < 1):
        raise ValueError(f"pca_components must be null or an integer >= 1, got {pca_components!r}")


def _check_bootstrap(bootstrap: Any, quantile_probability: Any) -> None:
    if bootstrap is not None and not isinstance(bootstrap, bool):
        raise ValueError(f"bootstrap must be true, false or null, got {bootstrap!r}")
    if isinstance(quantile_probability, bool) or not isinstance(quantile_probability, numbers.Real) or not 0 < quantile_probability < 1:
        raise ValueError(f"quantile_probability must be in (0, 1), got {quantile_probability!r}")


def _run(name: str, cls_name: str, reference: Any, current: Any, rng: Any, params: dict[str, Any]) -> DriftResult:
    check_rng(rng)
    ref, cur = check_samples(reference, current)
    import pandas as pd

    state = np.random.get_state()
    with warnings.catch_warnings():
        # Evidently 0.7 and its dependencies raise DeprecationWarnings (numpy.core, litestar) that are
        # not ours to fix; under strict warning settings they would turn into errors.
        warnings.simplefilter("ignore", DeprecationWarning)
        from evidently.legacy.metrics.data_drift import embedding_drift_methods

        method = getattr(embedding_drift_methods, cls_name)(**params)
        try:
            score, drifted, _ = method(pd.DataFrame(np.array(cur, dtype=np.float64)), pd.DataFrame(np.array(ref, dtype=np.float64)))
        finally:
            np.random.set_state(state)
    return DriftResult(
        statistic=float(score),
        p_value=None,
        threshold=float(method.threshold),
        drifted=bool(drifted),
        method=name,
        details={"evidently_method": cls_name, **params},
    )


def check_model_params(alpha, *, threshold=0.55, bootstrap=None, quantile_probability=0.95, pca_components=None) -> None:
    _check_common(alpha, threshold, pca_components)
    _check_bootstrap(bootstrap, quantile_probability)


def evidently_model_test(reference, current, *, alpha, rng, threshold=0.55, bootstrap=None, quantile_probability=0.95,
                         pca_components=None) -> DriftResult:
    """Evidently ``ModelDriftMethod``: SGD logistic classifier on a 50 % split; statistic = ROC AUC."""
    params = dict(threshold=threshold, bootstrap=bootstrap, quantile_probability=quantile_probability, pca_components=pca_components)
    check_model_params(alpha, **params)
    return _run("evidently_model", "ModelDriftMethod", reference, current, rng, params)


def check_distance_params(alpha, *, dist="euclidean", threshold=0.2, bootstrap=None, quantile_probability=0.95,
                          pca_components=None) -> None:
    if dist not in _DISTANCES:
        raise ValueError(f"dist must be one of {', '.join(_DISTANCES)}, got {dist!r}")
    _check_common(alpha, threshold, pca_components)
    _check_bootstrap(bootstrap, quantile_probability)


def evidently_distance_test(reference, current, *, alpha, rng, dist="euclidean", threshold=0.2, bootstrap=None,
                            quantile_probability=0.95, pca_components=None) -> DriftResult:
    """Evidently ``DistanceDriftMethod``: distance between the mean embeddings."""
    params = dict(dist=dist, threshold=threshold, bootstrap=bootstrap, quantile_probability=quantile_probability,
                  pca_components=pca_components)
    check_distance_params(alpha, **params)
    return _run("evidently_distance", "DistanceDriftMethod", reference, current, rng, params)


def check_ratio_params(alpha, *, component_stattest="wasserstein", component_stattest_threshold=0.1, threshold=0.2,
                       pca_components=None) -> None:
    if not isinstance(component_stattest, str):
        raise ValueError(f"component_stattest must be the name of an Evidently stattest, got {component_stattest!r}")
    if isinstance(component_stattest_threshold, bool) or not isinstance(component_stattest_threshold, numbers.Real):
        raise ValueError(f"component_stattest_threshold must be a number, got {component_stattest_threshold!r}")
    _check_common(alpha, threshold, pca_components)


def evidently_ratio_test(reference, current, *, alpha, rng, component_stattest="wasserstein",
                         component_stattest_threshold=0.1, threshold=0.2, pca_components=None) -> DriftResult:
    """Evidently ``RatioDriftMethod``: share of embedding components a per-component test calls drifted."""
    params = dict(component_stattest=component_stattest, component_stattest_threshold=component_stattest_threshold,
                  threshold=threshold, pca_components=pca_components)
    check_ratio_params(alpha, **params)
    return _run("evidently_ratio", "RatioDriftMethod", reference, current, rng, params)


def check_mmd_params(alpha, *, threshold=0.015, bootstrap=None, quantile_probability=0.05, pca_components=None) -> None:
    _check_common(alpha, threshold, pca_components)
    _check_bootstrap(bootstrap, quantile_probability)


def evidently_mmd_test(reference, current, *, alpha, rng, threshold=0.015, bootstrap=None, quantile_probability=0.05,
                       pca_components=None) -> DriftResult:
    """Evidently ``MMDDriftMethod``: MMD² with a fixed threshold (no permutation test by default)."""
    params = dict(threshold=threshold, bootstrap=bootstrap, quantile_probability=quantile_probability, pca_components=pca_components)
    check_mmd_params(alpha, **params)
    return _run("evidently_mmd", "MMDDriftMethod", reference, current, rng, params)
