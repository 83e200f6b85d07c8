"""``alerts.yaml``: threshold rules (Prometheus-shaped) and multi-window burn-rate rules.

Mistakes are named by file, key path and value::

    alerts.yaml: rules[0].metric: unknown series 'harm_rat'; valid: harm_rate, ...
    alerts.yaml: rules[1].alert: "PiiLeak" is already the name of rules[0]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from pipelines.alerting import SEVERITIES
from pipelines.alerting.burn_rate import DEFAULT_MIN_COVERAGE, DEFAULT_WINDOWS, BurnRateRule, BurnWindow
from pipelines.alerting.metrics import RATE_SERIES, parse_selector
from pipelines.alerting.rules import Rule
from pipelines.harm import CATEGORIES
from services.config.base import Strict, load_model, one_of, parse_duration

ALERTS_FILE = "alerts.yaml"
_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
_LABEL = re.compile(r"[a-z_][a-z0-9_]*")
_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(%|ms|s)?$")
RESERVED_LABELS = ("alertname", "severity", "category", "long_window", "short_window")


def _duration(value: str) -> str:
    parse_duration(value)
    return value


Duration = Annotated[str | int, AfterValidator(_duration)]
Severity = Annotated[str, one_of("severity", SEVERITIES)]
Category = Annotated[str, one_of("category", CATEGORIES)]


def _labels(labels: dict[str, str]) -> dict[str, str]:
    for key in labels:
        if not _LABEL.fullmatch(key):
            raise ValueError(f"label name {key!r} must be lowercase letters, digits and underscores")
        if key in RESERVED_LABELS:
            raise ValueError(f"label {key!r} is set by the engine; choose another name")
    return labels


def _alert_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"alert names are CamelCase such as PiiLeak, got {name!r}")
    return name


def parse_quantity(value: str | float | int, metric: str) -> float:
    """A threshold in the metric's unit: ``"0.5%"`` for rates, ``"2500ms"``/``"2.5s"`` for latency."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    m = _NUMBER.match(str(value).strip())
    if not m:
        raise ValueError(f"expected a number, a percentage such as '0.5%' or a latency such as '2500ms', got {value!r}")
    x, unit = float(m.group(1)), m.group(2)
    if unit == "%":
        if metric not in RATE_SERIES:
            raise ValueError(f"a percentage suits a rate, not {metric} (got {value!r})")
        return x / 100
    if unit in ("ms", "s"):
        if not metric.startswith("latency_"):
            raise ValueError(f"a time suits a latency, not {metric} (got {value!r})")
        return x * (1000 if unit == "s" else 1)
    return x


class ThresholdRule(Strict):
    """``metric op threshold`` held for ``for`` of event time -> firing at ``severity``."""

    alert: Annotated[str, AfterValidator(_alert_name)]
    metric: str
    op: Literal[">", ">=", "<", "<="]
    threshold: float | str
    for_: Duration = Field("0s", alias="for")
    keep_firing_for: Duration = "0s"
    use: Literal["value", "ci_lower", "ci_upper"] = "value"
    severity: Severity
    summary: str = Field(min_length=1)
    runbook: str = Field(min_length=1)
    labels: Annotated[dict[str, str], AfterValidator(_labels)] = {}

    @field_validator("metric")
    @classmethod
    def _selector(cls, metric: str) -> str:
        parse_selector(metric)
        return metric

    def to_rule(self) -> Rule:
        selector = parse_selector(self.metric)
        return Rule(
            alert=self.alert, selector=selector, op=self.op, threshold=parse_quantity(self.threshold, selector.name),
            severity=self.severity, for_s=parse_duration(self.for_), keep_firing_for_s=parse_duration(self.keep_firing_for),
            use=self.use, labels=dict(self.labels), annotations={"summary": self.summary, "runbook": self.runbook},
        )


class Window(Strict):
    """One row of a burn-rate table: both windows must burn faster than ``burn_rate``."""

    long: Duration
    short: Duration
    burn_rate: float = Field(strict=False, gt=0)
    severity: Severity


def _objective(value: str | float) -> str | float:
    x = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            x = float(value.strip()[:-1]) / 100
        except ValueError:
            x = None
    if x is None or not 0 < x < 1:
        raise ValueError(f"objective is the harmful-response rate the SLO allows, such as '0.5%' (between 0 and 100 %), got {value!r}")
    return value


class BurnRule(Strict):
    """Error-budget burn on one harm category; ``windows`` defaults to the SRE workbook table."""

    alert: Annotated[str, AfterValidator(_alert_name)]
    category: Category
    objective: Annotated[str | float, AfterValidator(_objective)]
    windows: tuple[Window, ...] | None = None
    # Share of a long window the history must cover before that window can fire.
    min_coverage: float = Field(DEFAULT_MIN_COVERAGE, strict=False, ge=0, le=1)
    summary: str = Field(min_length=1)
    runbook: str = Field(min_length=1)
    labels: Annotated[dict[str, str], AfterValidator(_labels)] = {}

    def to_rule(self) -> BurnRateRule:
        obj = self.objective
        objective = float(obj.strip()[:-1]) / 100 if isinstance(obj, str) else float(obj)
        windows = DEFAULT_WINDOWS if self.windows is None else tuple(
            BurnWindow(parse_duration(w.long), parse_duration(w.short), w.burn_rate, w.severity) for w in self.windows
        )
        return BurnRateRule(self.alert, self.category, objective, windows, dict(self.labels),
                            {"summary": self.summary, "runbook": self.runbook}, min_coverage=self.min_coverage)


class AlertsConfig(Strict):
    rules: tuple[ThresholdRule, ...] = ()
    burn_rate_rules: tuple[BurnRule, ...] = ()

    def cross_check(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        seen: dict[str, str] = {}
        for kind, rules in (("rules", self.rules), ("burn_rate_rules", self.burn_rate_rules)):
            for i, rule in enumerate(rules):
                where = f"{kind}[{i}]"
                if rule.alert in seen:
                    problems.append((f"{where}.alert", f'"{rule.alert}" is already the name of {seen[rule.alert]}'))
                seen.setdefault(rule.alert, where)
        for i, rule in enumerate(self.rules):
            selector = parse_selector(rule.metric)
            try:
                parse_quantity(rule.threshold, selector.name)
            except ValueError as exc:
                problems.append((f"rules[{i}].threshold", str(exc)))
            if rule.use != "value" and selector.name not in RATE_SERIES:
                problems.append((f"rules[{i}].use", f"{rule.use} exists only for rates ({', '.join(sorted(RATE_SERIES))}), not {selector.name}"))
            for m in selector.matchers:
                if m.label == "category" and m.op == "=" and m.value not in CATEGORIES:
                    problems.append((f"rules[{i}].metric", f"unknown category {m.value!r}; valid: {', '.join(CATEGORIES)}"))
        for i, rule in enumerate(self.burn_rate_rules):
            for j, w in enumerate(rule.windows or ()):
                if parse_duration(w.short) >= parse_duration(w.long):
                    problems.append((f"burn_rate_rules[{i}].windows[{j}]", f"short ({w.short}) must be shorter than long ({w.long})"))
        return problems

    def threshold_rules(self) -> list[Rule]:
        return [r.to_rule() for r in self.rules]

    def burn_rules(self) -> list[BurnRateRule]:
        return [r.to_rule() for r in self.burn_rate_rules]

    def severities(self) -> set[str]:
        out = {r.severity for r in self.rules}
        for r in self.burn_rate_rules:
            out |= {w.severity for w in r.to_rule().windows}
        return out


def load_alerts_config(config_dir: Path) -> AlertsConfig:
    """Load and validate ``config_dir / "alerts.yaml"``; raises ConfigError naming file, key and value."""
    return load_model(AlertsConfig, Path(config_dir) / ALERTS_FILE)
