"""One window's monitoring results, computed from its turns (pure: no I/O, no clock).

The worker (``services.worker``) reads a closed window's events, calls :func:`window_result`
and stores what it returns. Randomness comes from a generator seeded by the window, so reprocessing
a window after a crash gives the very same result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipelines.drift.cusum import evidence
from pipelines.drift.registry import run_detector
from pipelines.embedding import Embedder, sample_for_drift, texts_for_embedding
from pipelines.topics import TopicModel, explain

# Fewer current points than this and a two-sample test says nothing useful.
MIN_DRIFT_SAMPLE = 20


@dataclass(frozen=True)
class DriftSettings:
    """What the drift step needs from ``monitor.yaml`` (built by the service, passed in)."""

    default_detector: str
    alpha: float
    sample_size: int
    input_mode: str = "response"
    # Detectors to run side by side besides the default (reported, never alerting on their own).
    compare: tuple[str, ...] = ()
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def detectors(self) -> tuple[str, ...]:
        return (self.default_detector, *[d for d in self.compare if d != self.default_detector])


@dataclass(frozen=True)
class Reference:
    """A pinned drift reference: embeddings of its texts, and its topics for explanations."""

    id: int
    embeddings: np.ndarray
    texts: Sequence[str]
    topics: TopicModel | None = None


def single_threaded_blas() -> AbstractContextManager[Any]:
    """BLAS limited to one thread while a window's detectors run.

    Their matrices are small (a reference of about a thousand rows against one window's sample),
    so BLAS threads cost more to wake and join than they save; on a busy 2-core machine they made
    a window's tests 3-4 times slower (bench_score). The limit is lifted on exit. threadpoolctl
    comes with scikit-learn; without it nothing is limited.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def window_rng(seed: int, window_start_epoch: float) -> np.random.Generator:
    """The generator for one window: the same window always draws the same numbers."""
    return np.random.default_rng([seed, int(window_start_epoch)])


def volume(turns: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Traffic, its breakdown by segment and model version, and latency and length summaries."""
    if not turns:
        return {"n_events": 0, "by_segment": {}, "by_model_version": {}, "latency_ms": None, "response_chars_mean": None}
    latency = np.array([t["latency_ms"] for t in turns], dtype=float)
    return {
        "n_events": len(turns),
        "by_segment": dict(sorted(Counter(t["segment"] for t in turns).items())),
        "by_model_version": dict(sorted(Counter(t["model_version"] for t in turns).items())),
        "latency_ms": {
            "p50": round(float(np.percentile(latency, 50)), 1),
            "p95": round(float(np.percentile(latency, 95)), 1),
            "mean": round(float(latency.mean()), 1),
        },
        "response_chars_mean": round(float(np.mean([len(t["response"]) for t in turns])), 1),
    }


def drift(
    reference: Reference,
    turns: Sequence[Mapping[str, Any]],
    embedder: Embedder,
    settings: DriftSettings,
    rng: np.random.Generator,
) -> dict[str, Any]:
    """Each configured detector's verdict on the window's (sampled) embeddings vs the reference.

    The default detector decides ``drifted``; when it does, ``explanation`` says which reference
    topics grew or shrank and what new kind of text appeared.
    """
    sample = sample_for_drift(len(turns), settings.sample_size, rng)
    out: dict[str, Any] = {
        "status": "ok",
        "reference_id": reference.id,
        "sample_size": int(len(sample.indices)),
        "sampled_fraction": round(sample.fraction, 4),
        "default_detector": settings.default_detector,
        "alpha": settings.alpha,
    }
    if len(sample.indices) < MIN_DRIFT_SAMPLE:
        return {**out, "status": "too_few_events", "drifted": None, "detectors": {}}
    chosen = [turns[i] for i in sample.indices]
    texts = texts_for_embedding([t["prompt"] for t in chosen], [t["response"] for t in chosen], settings.input_mode)
    current = embedder.encode(texts)
    results = {}
    with single_threaded_blas():
        for name in settings.detectors:
            res = run_detector(
                name, reference.embeddings, current, alpha=settings.alpha, rng=rng, params=settings.params.get(name, {})
            )
            results[name] = {
                "statistic": float(res.statistic),
                "p_value": None if res.p_value is None else float(res.p_value),
                "drifted": bool(res.drifted),
            }
    verdict = results[settings.default_detector]
    out.update(detectors=results, drifted=verdict["drifted"], statistic=verdict["statistic"], p_value=verdict["p_value"])
    if verdict["p_value"] is not None:
        out["evidence"] = evidence(max(verdict["p_value"], 1e-300))
    if verdict["drifted"] and reference.topics is not None:
        out["explanation"] = explain(reference.topics, current, texts, reference.texts).to_json()
    return out
