"""Sequential detector for slow drift: a one-sided CUSUM over per-window evidence.

A batch test looks at one window; drift that creeps in can leave every window just short of α.
:class:`Cusum` accumulates the per-window evidence ``x = -log10(p)`` (see :func:`evidence`)::

    S_t = max(0, S_{t-1} + x_t - allowance)        drift when S_t > threshold

With no drift a valid p-value is uniform or larger, so ``x`` averages at most 1/ln(10) ≈ 0.43;
an ``allowance`` above that makes S drift down, and a run of windows with p-values around 0.1
(x ≈ 1) or below pushes it up. After a detection the next ``update`` starts afresh, as in river.

Calibration (:func:`threshold_for_alpha`): the threshold is set so that a stream of ``horizon``
windows with no drift raises a false alarm with probability at most ``alpha``. It is found by
simulating many such streams with exactly uniform p-values from a seeded generator and taking the
(1 - alpha) quantile of the largest S each reaches. Because S only grows when an ``x`` grows, and
permutation p-values are never smaller in distribution than uniform ones, the bound carries over
to any valid test feeding the detector.

>>> import numpy as np
>>> h = threshold_for_alpha(0.01, horizon=288, allowance=1.0, rng=np.random.default_rng(0))
>>> detector = Cusum(threshold=h, allowance=1.0)
>>> for p in [0.5, 0.03, 0.02, 0.04, 0.02, 0.02, 0.03, 0.02]:  # none below 0.01
...     detector.update(evidence(p))
>>> detector.drift_detected, round(h, 1)
(True, 4.0)
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from pipelines.drift.result import check_alpha, check_int, check_rng

MIN_P = 1e-300


def evidence(p_value: float) -> float:
    """``-log10(p)``: 0 for p = 1, 2 for p = 0.01; the input :class:`Cusum` expects."""
    if not 0 < p_value <= 1:
        raise ValueError(f"p_value must be in (0, 1], got {p_value!r}")
    return -math.log10(max(p_value, MIN_P))


def _check_positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


class Cusum:
    """One-sided CUSUM: ``update(x)`` per window; read ``drift_detected`` and ``statistic``."""

    def __init__(self, threshold: float, allowance: float = 1.0):
        self.threshold = _check_positive("threshold", threshold)
        self.allowance = _check_positive("allowance", allowance)
        self._reset()

    @classmethod
    def calibrated(
        cls, false_alarm_rate: float, *, horizon: int, allowance: float = 1.0, rng: np.random.Generator
    ) -> Cusum:
        """A detector whose threshold gives at most ``false_alarm_rate`` false alarms per ``horizon`` windows."""
        threshold = threshold_for_alpha(false_alarm_rate, horizon=horizon, allowance=allowance, rng=rng)
        return cls(threshold=threshold, allowance=allowance)

    def _reset(self) -> None:
        self._statistic = 0.0
        self._drift_detected = False
        self._n_seen = 0

    @property
    def statistic(self) -> float:
        """The cumulative sum S after the last update."""
        return self._statistic

    @property
    def drift_detected(self) -> bool:
        """Whether the last update pushed S over the threshold."""
        return self._drift_detected

    @property
    def n_seen(self) -> int:
        """Windows seen since the last reset."""
        return self._n_seen

    def update(self, x: float) -> None:
        if isinstance(x, bool) or not isinstance(x, numbers.Real) or math.isnan(x):
            raise ValueError(f"x must be a number (per-window evidence such as -log10 p), got {x!r}")
        if self._drift_detected:
            self._reset()
        self._statistic = max(0.0, self._statistic + float(x) - self.allowance)
        self._n_seen += 1
        self._drift_detected = self._statistic > self.threshold

    def state(self) -> dict[str, float | int | bool]:
        """What to persist between windows, so a restarted worker continues the same sum."""
        return {"statistic": self._statistic, "n_seen": self._n_seen, "drift_detected": self._drift_detected}

    @classmethod
    def from_state(cls, state: dict, threshold: float, allowance: float = 1.0) -> "Cusum":
        """A detector continuing from :meth:`state` (an empty dict starts afresh)."""
        detector = cls(threshold=threshold, allowance=allowance)
        detector._statistic = float(state.get("statistic", 0.0))
        detector._n_seen = int(state.get("n_seen", 0))
        detector._drift_detected = bool(state.get("drift_detected", False))
        return detector


def threshold_for_alpha(
    alpha: float,
    *,
    horizon: int,
    allowance: float = 1.0,
    rng: np.random.Generator,
    n_sim: int = 20_000,
) -> float:
    """Threshold giving probability <= ``alpha`` of any false alarm within ``horizon`` windows.

    Monte Carlo over ``n_sim`` null streams (relative error of the achieved rate about
    ``1 / sqrt(n_sim * alpha)``, 7 % at the defaults and alpha = 0.01).
    """
    check_alpha(alpha)
    check_int("horizon", horizon, minimum=1)
    _check_positive("allowance", allowance)
    check_int("n_sim", n_sim, minimum=math.ceil(10 / alpha))
    check_rng(rng)
    s = np.zeros(n_sim)
    peak = np.zeros(n_sim)
    for _ in range(horizon):
        x = -np.log10(1.0 - rng.random(n_sim))  # 1 - U lies in (0, 1]
        np.maximum(s + x - allowance, 0.0, out=s)
        np.maximum(peak, s, out=peak)
    return max(float(np.quantile(peak, 1.0 - alpha, method="higher")), 1e-9)
