"""Multi-window, multi-burn-rate alerts on harm rates against an error budget (pure).

The objective is the harmful-response rate the service accepts (an SLO such as 0.5 %); the burn
rate of a window is its observed rate divided by that objective (1x spends the budget exactly over
the SLO period). Following the Google SRE workbook ("Alerting on SLOs", approach 6), an alert
fires only when both a long and a short window burn faster than the factor: the long window makes
it significant, the short one makes it stop soon after the problem does.

Windows are measured in event time from the per-window ``k``/``n`` of each closed window, so the
rate of a long window is ``sum k / sum n`` (weighted by traffic), never a mean of rates.

A long window is only trusted once the category's history covers ``min_coverage`` of it (default
0.5: a 1 h window needs 30 minutes since the first recorded window), so a fresh start or a new
stream does not page on ten minutes of data labelled "1 h". Set ``min_coverage: 0`` to evaluate
partial windows as they are.

>>> rule = BurnRateRule("HarmBudgetBurn", "privacy_pii", objective=0.005)
>>> [(w.long_s / 3600, w.short_s / 60, w.factor, w.severity) for w in rule.windows]
[(1.0, 5.0, 14.4, 'critical'), (6.0, 30.0, 6.0, 'critical'), (72.0, 360.0, 1.0, 'ticket')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pipelines.alerting.rules import AlertState, alert_key, step_condition, transitions, ts


@dataclass(frozen=True)
class BurnWindow:
    """Fire at ``severity`` when both the ``long_s`` and ``short_s`` windows burn faster than ``factor``."""

    long_s: float
    short_s: float
    factor: float
    severity: str

    @property
    def name(self) -> str:
        return _fmt(self.long_s)


def _fmt(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


# Share of a long window the history must cover before the window can fire (see the module doc).
DEFAULT_MIN_COVERAGE = 0.5

# The SRE workbook's table for a 30-day SLO: 2 % of the budget in 1 h, 5 % in 6 h -> page;
# 10 % in 3 d -> ticket.
DEFAULT_WINDOWS: tuple[BurnWindow, ...] = (
    BurnWindow(3600, 300, 14.4, "critical"),
    BurnWindow(6 * 3600, 1800, 6.0, "critical"),
    BurnWindow(3 * 86400, 6 * 3600, 1.0, "ticket"),
)


@dataclass(frozen=True)
class BurnRateRule:
    alert: str
    category: str
    objective: float
    windows: tuple[BurnWindow, ...] = DEFAULT_WINDOWS
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    min_coverage: float = DEFAULT_MIN_COVERAGE

    def __post_init__(self) -> None:
        if not 0 < self.objective < 1:
            raise ValueError(f"objective must be a rate in (0, 1), got {self.objective!r}")
        if not 0 <= self.min_coverage <= 1:
            raise ValueError(f"min_coverage must be a share in [0, 1], got {self.min_coverage!r}")

    @property
    def horizon_s(self) -> float:
        return max(w.long_s for w in self.windows)


def record(history: list[list[float]], now: float, k: int, n: int, horizon_s: float) -> list[list[float]]:
    """History ``[[window_end, k, n], ...]`` with this window added (replacing a reprocessed one)."""
    if history and history[-1][0] < now:  # the usual case: the next window, in order
        start = 0
        while start < len(history) and history[start][0] <= now - horizon_s:
            start += 1
        return [*history[start:], [now, int(k), int(n)]]
    out = [h for h in history if h[0] != now and h[0] > now - horizon_s]
    out.append([now, int(k), int(n)])
    out.sort(key=lambda h: h[0])
    return out


def window_sums(history: list[list[float]], now: float, spans: Iterable[float]) -> dict[float, tuple[int, int]]:
    """``span -> (sum k, sum n)`` over windows ending in ``(now - span, now]``, in one backward pass."""
    spans = sorted(set(spans))
    sums: dict[float, tuple[int, int]] = {}
    k = n = 0
    i = 0
    for end, kk, nn in reversed(history):
        if end > now:
            continue
        while i < len(spans) and end <= now - spans[i]:
            sums[spans[i]] = (k, n)
            i += 1
        if i == len(spans):
            break
        k, n = k + int(kk), n + int(nn)
    for span in spans[i:]:
        sums[span] = (k, n)
    return sums


def covered(history: list[list[float]], now: float) -> float:
    """Event time from the first recorded window's end to ``now`` (0 with no history)."""
    return max(0.0, now - history[0][0]) if history else 0.0


def burn_rates(rule: BurnRateRule, history: list[list[float]], now: float) -> dict[float, float | None]:
    """``span -> burn rate`` (None when the span holds no events: missing data)."""
    spans = [s for w in rule.windows for s in (w.long_s, w.short_s)]
    return {span: (k / n / rule.objective if n else None) for span, (k, n) in window_sums(history, now, spans).items()}


def evaluate(
    rules: Iterable[BurnRateRule],
    result: Mapping[str, Any],
    now: datetime | float,
    state: Mapping[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Add one closed window (``result`` from the worker, ending at ``now``) and evaluate.

    ``state`` is ``{"history": {category: [[end, k, n], ...]}, "alerts": {key: AlertState dict}}``
    (``{}`` to start). Returns (new state, transitions) like :func:`pipelines.alerting.rules.evaluate`.
    """
    t = ts(now)
    rules = list(rules)
    history = {c: [list(h) for h in hs] for c, hs in (state.get("history") or {}).items()}
    cats = (result.get("harm") or {}).get("categories") or {}
    for category in sorted({r.category for r in rules}):
        horizon = max(r.horizon_s for r in rules if r.category == category)
        c = cats.get(category)
        if c is not None:
            history[category] = record(history.get(category, []), t, c["k"], c["n"], horizon)
    prev = {k: AlertState.from_dict(v) for k, v in (state.get("alerts") or {}).items()}
    new: dict[str, AlertState] = {}
    for rule in rules:
        burns = burn_rates(rule, history.get(rule.category, []), t)
        span = covered(history.get(rule.category, []), t)
        for w in rule.windows:
            long_b, short_b = burns[w.long_s], burns[w.short_s]
            enough = span >= rule.min_coverage * w.long_s
            holds = enough and long_b is not None and short_b is not None and long_b > w.factor and short_b > w.factor
            labels = {"category": rule.category, "long_window": _fmt(w.long_s), "short_window": _fmt(w.short_s),
                      "alertname": rule.alert, "severity": w.severity, **rule.labels}
            key = alert_key(rule.alert, labels)
            notes = {**rule.annotations, "burn_rate": f"{long_b:.2f}x over {_fmt(w.long_s)}, "
                     f"{short_b:.2f}x over {_fmt(w.short_s)} (threshold {w.factor:g}x)"} if long_b is not None and short_b is not None else dict(rule.annotations)
            a = step_condition(prev.get(key), holds, t, alert=rule.alert, labels=labels, annotations=notes,
                               value=long_b, for_s=0.0, keep_firing_for_s=0.0)
            if a is not None:
                new[key] = a
    new_state = {"history": history, "alerts": {k: asdict(v) for k, v in new.items()}}
    return new_state, transitions(prev, new, t)
