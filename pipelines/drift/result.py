"""The one result shape every batch drift test returns, and the argument checks they share."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class DriftResult:
    """Outcome of comparing one window's embeddings with the reference.

    statistic: the test's own measure (MMD², AUC, cosine distance, ...), larger = more drift.
    p_value:   probability, if nothing drifted, of a statistic at least this large; ``None`` for
               Evidently's methods, which give a verdict without one.
    threshold: the false-alarm rate α per window the verdict was made at (``drifted`` means
               ``p_value <= threshold``); for Evidently's methods, Evidently's own threshold on
               ``statistic``.
    drifted:   the verdict.
    method:    registry name of the test.
    details:   read-only extras (bandwidth, per-part results of a combined test, ...).
    """

    statistic: float
    p_value: float | None
    threshold: float
    drifted: bool
    method: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def as_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready dict (``dataclasses.asdict`` cannot copy the read-only ``details``)."""

        def plain(value: Any) -> Any:
            if isinstance(value, DriftResult):
                return value.as_dict()
            if isinstance(value, Mapping):
                return {str(k): plain(v) for k, v in value.items()}
            if isinstance(value, (tuple, list)):
                return [plain(v) for v in value]
            return value.item() if isinstance(value, np.generic) else value

        return {
            "statistic": self.statistic,
            "p_value": self.p_value,
            "threshold": self.threshold,
            "drifted": self.drifted,
            "method": self.method,
            "details": plain(self.details),
        }


class DriftTest(Protocol):
    """``(reference, current, *, alpha, rng, **params) -> DriftResult``; inputs are not modified."""

    def __call__(
        self, reference: np.ndarray, current: np.ndarray, *, alpha: float, rng: np.random.Generator, **params: Any
    ) -> DriftResult: ...


def check_samples(reference: Any, current: Any, *, min_rows: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Both samples as 2-D float arrays with the same width (views where possible, never modified)."""
    ref = np.asarray(reference)
    cur = np.asarray(current)
    for name, arr in (("reference", ref), ("current", cur)):
        if arr.ndim != 2:
            raise ValueError(f"{name} must be a 2-D array (rows x dims), got shape {arr.shape}")
        if arr.shape[0] < min_rows:
            raise ValueError(f"{name} needs at least {min_rows} rows, got {arr.shape[0]}")
        if not np.issubdtype(arr.dtype, np.number) or not np.isfinite(arr).all():
            raise ValueError(f"{name} must hold finite numbers")
    if ref.shape[1] != cur.shape[1]:
        raise ValueError(f"reference and current differ in width: {ref.shape[1]} != {cur.shape[1]}")
    return ref, cur


def check_alpha(alpha: Any) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a false-alarm rate in (0, 1), got {alpha!r}")
    return float(alpha)


def check_rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    return rng


def check_int(name: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_fraction(name: str, value: Any, *, low: float = 0.0, high: float = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low < value < high:
        raise ValueError(f"{name} must be a number in ({low:g}, {high:g}), got {value!r}")
    return float(value)


def check_reachable(n_permutations: int, alpha: float) -> None:
    """A permutation p-value is at least 1/(n_permutations+1): refuse settings that can never alarm."""
    if 1.0 / (n_permutations + 1) > alpha:
        need = math.ceil(1.0 / alpha) - 1
        raise ValueError(
            f"n_permutations={n_permutations} cannot give a p-value <= alpha={alpha:g}; use n_permutations >= {need}"
        )


def permutation_p_value(observed: float, null: np.ndarray) -> float:
    """(1 + #{null >= observed}) / (1 + len(null)): valid (never below the true tail probability)."""
    return float((1 + np.count_nonzero(null >= observed)) / (1 + len(null)))
