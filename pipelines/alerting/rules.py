"""Threshold alert rules and the Prometheus alert state machine, in event time (pure).

Each rule is evaluated once per closed window, with ``now`` the window's end (event time). For
every series its selector picks, the condition ``value op threshold`` either holds or not:

* holds, no alert yet          -> ``pending`` (``active_at = now``), or ``firing`` at once if ``for`` is 0
* holds, pending for ``for``   -> ``firing`` (``fired_at = now``)
* stops holding while pending  -> dropped (back to inactive; nobody was told)
* stops holding while firing   -> ``resolved``, unless it held within the last ``keep_firing_for``

Missing data (no sample: no window, a rate over n = 0) counts as "does not hold", as in
Prometheus: it never fires, and ``keep_firing_for`` bridges short gaps. A resolved alert is
reported once, in the evaluation that resolved it, then forgotten.

State is a plain ``dict[str, dict]`` (alert key -> :class:`AlertState` as a dict) so the worker
can store it as JSON between windows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pipelines.alerting.metrics import Sample, Selector, compare, series_key

USES = ("value", "ci_lower", "ci_upper")


def ts(now: datetime | float | int) -> float:
    """Event time as epoch seconds (a datetime must carry its time zone)."""
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError(f"now must be time-zone aware, got {now!r}")
        return now.timestamp()
    return float(now)


@dataclass(frozen=True)
class Rule:
    """One threshold rule, ready to evaluate (``services.config.alerts`` builds these from YAML)."""

    alert: str
    selector: Selector
    op: str
    threshold: float
    severity: str
    for_s: float = 0.0
    keep_firing_for_s: float = 0.0
    use: str = "value"
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.use not in USES:
            raise ValueError(f"use must be one of {', '.join(USES)}, got {self.use!r}")


@dataclass
class AlertState:
    """One alert instance (rule x series). Times are event-time epoch seconds."""

    alert: str
    labels: dict[str, str]
    annotations: dict[str, str]
    state: str  # pending | firing | resolved
    active_at: float
    last_held_at: float
    value: float | None = None
    fired_at: float | None = None
    resolved_at: float | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AlertState:
        return cls(**d)


def alert_key(alert: str, labels: Mapping[str, str]) -> str:
    return series_key(alert, {k: v for k, v in labels.items() if k != "alertname"})


def step_condition(
    prev: AlertState | None,
    holds: bool,
    now: float,
    *,
    alert: str,
    labels: dict[str, str],
    annotations: dict[str, str],
    value: float | None,
    for_s: float,
    keep_firing_for_s: float,
) -> AlertState | None:
    """One evaluation of one alert instance; ``None`` means inactive. Shared by burn-rate rules."""
    if prev is not None and prev.state == "resolved":
        prev = None
    if holds:
        if prev is None:
            a = AlertState(alert, labels, annotations, "pending", active_at=now, last_held_at=now, value=value)
        else:
            a = AlertState(**{**asdict(prev), "last_held_at": now, "value": value, "annotations": annotations})
        if a.state == "pending" and now - a.active_at >= for_s:
            a.state, a.fired_at = "firing", now
        return a
    if prev is None or prev.state == "pending":
        return None
    if now - prev.last_held_at < keep_firing_for_s:
        return AlertState(**asdict(prev))  # still firing, bridged by keep_firing_for
    return AlertState(**{**asdict(prev), "state": "resolved", "resolved_at": now})


def _pick(sample: Sample, use: str) -> float | None:
    return sample.value if use == "value" else getattr(sample, use)


def evaluate(
    rules: Iterable[Rule], samples: Iterable[Sample], now: datetime | float, state: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Evaluate every rule on one window's samples; returns (new state, transitions).

    A transition is ``{"alert", "labels", "from", "to", "at", "value"}`` with states among
    ``inactive``/``pending``/``firing``/``resolved``; only changes are listed.
    """
    t = ts(now)
    samples = list(samples)
    prev = {k: AlertState.from_dict(v) for k, v in state.items()}
    new: dict[str, AlertState] = {}
    seen: set[str] = set()
    for rule in rules:
        base = {"alertname": rule.alert, "severity": rule.severity, **rule.labels}
        for s in samples:
            if not rule.selector.matches(s):
                continue
            x = _pick(s, rule.use)
            labels = {**s.labels, **base}
            key = alert_key(rule.alert, labels)
            seen.add(key)
            holds = x is not None and compare(x, rule.op, rule.threshold)
            a = step_condition(prev.get(key), holds, t, alert=rule.alert, labels=labels, annotations=dict(rule.annotations),
                               value=x, for_s=rule.for_s, keep_firing_for_s=rule.keep_firing_for_s)
            if a is not None:
                new[key] = a
        # Series of this rule that produced no sample this window: missing data does not hold.
        for key, p in prev.items():
            if p.alert == rule.alert and key not in seen:
                seen.add(key)
                a = step_condition(p, False, t, alert=p.alert, labels=p.labels, annotations=p.annotations,
                                   value=None, for_s=rule.for_s, keep_firing_for_s=rule.keep_firing_for_s)
                if a is not None:
                    new[key] = a
    return {k: asdict(v) for k, v in new.items()}, transitions(prev, new, t)


def transitions(prev: Mapping[str, AlertState], new: Mapping[str, AlertState], t: float) -> list[dict[str, Any]]:
    """What changed between two states (dropped pending alerts go back to ``inactive``)."""
    out = []
    for key in sorted(set(prev) | set(new)):
        before = prev[key].state if key in prev and prev[key].state != "resolved" else "inactive"
        a = new.get(key)
        after = a.state if a is not None else "inactive"
        if before != after:
            src = a or prev[key]
            out.append({"alert": src.alert, "labels": dict(src.labels), "from": before, "to": after, "at": t,
                        "value": a.value if a else None})
    return out


def firing(state: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The firing alerts of a state, in the shape :func:`pipelines.alerting.escalation.step` takes."""
    return [
        {"labels": dict(a["labels"]), "annotations": dict(a["annotations"]), "starts_at": a["fired_at"], "value": a["value"]}
        for _, a in sorted(state.items())
        if a["state"] == "firing"
    ]
