"""``lookout export-prometheus-rules``: ``alerts.yaml`` as a Prometheus rules file over ``/metrics``.

Threshold rules become alerting rules on the gauges that carry each series' last closed window
(``services.metrics.WINDOW_GAUGES``)::

    PiiLeak: harm_rate{category="privacy_pii"}, use ci_lower, > 0.1 %
      -> expr: lookout_harm_rate_ci_lower{category="privacy_pii"} > 0.001

Burn-rate rules become one recording rule per (category, window span), the SRE workbook's
``sum(increase(flagged[1h])) / sum(increase(turns[1h]))`` over the counters
``lookout_harm_flags_total`` and ``lookout_window_events_total``, and one alerting rule per row of
the burn-rate table (``long_window``/``short_window`` labels, as in Lookout's own alerts).

Time: alerts.yaml's durations are event time. Prometheus measures ``for``, ``keep_firing_for``
and range selectors in wall time, so they are divided by ``time_scale`` (simulated seconds per
wall second): 1 for live traffic, the simulator's ``--speed`` when replaying a scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from pipelines.alerting.burn_rate import BurnRateRule
from pipelines.alerting.metrics import Selector
from pipelines.alerting.rules import Rule

FLAGS = "lookout_harm_flags_total"
TURNS = "lookout_window_events_total"


def promql_duration(seconds: float) -> str:
    """A Prometheus duration, in whole milliseconds at least: 3600 -> '1h', 2.5 -> '2500ms'."""
    ms = round(seconds * 1000)
    if ms <= 0:
        return "0s"
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def _number(x: float) -> str:
    return f"{x:.10g}"


def series_expr(selector: Selector, use: str, default_detector: str) -> tuple[str, float]:
    """The PromQL selector for an alerts.yaml series, and the factor its threshold is scaled by."""
    from services.metrics import WINDOW_GAUGES

    matchers = [f'{m.label}{m.op}"{m.value}"' for m in selector.matchers]
    labels = selector.label_names
    if selector.name.startswith("drift_") and not labels:  # the default detector's series
        labels = frozenset({"detector"})
        matchers.append(f'detector="{default_detector}"')
    name = WINDOW_GAUGES.get((selector.name, labels))
    if name is None:
        raise ValueError(f"no /metrics gauge carries {selector.name} with labels {sorted(labels)}")
    if use != "value":
        name = f"{name}_{use}"
    scale = 1 / 1000 if name.endswith("_seconds") else 1.0  # latency: alerts.yaml in ms, /metrics in s
    return name + ("{" + ",".join(matchers) + "}" if matchers else ""), scale


def threshold_rule(rule: Rule, *, default_detector: str, time_scale: float) -> dict[str, Any]:
    selector, scale = series_expr(rule.selector, rule.use, default_detector)
    out: dict[str, Any] = {"alert": rule.alert, "expr": f"{selector} {rule.op} {_number(rule.threshold * scale)}"}
    if rule.for_s:
        out["for"] = promql_duration(rule.for_s / time_scale)
    if rule.keep_firing_for_s:
        out["keep_firing_for"] = promql_duration(rule.keep_firing_for_s / time_scale)
    out["labels"] = {"severity": rule.severity, **rule.labels}
    out["annotations"] = _annotations(rule.annotations)
    return out


def _annotations(notes: dict[str, str]) -> dict[str, str]:
    return {"summary": notes["summary"], "runbook_url": notes["runbook"]}


def _record_name(span_s: float) -> str:
    return f"category:lookout_harm_rate:ratio_rate{promql_duration(span_s)}"


def recording_rule(span_s: float, *, time_scale: float) -> dict[str, Any]:
    """Every category's harm rate over one span: sum of flagged turns / sum of turns."""
    rng = promql_duration(span_s / time_scale)
    return {
        "record": _record_name(span_s),
        "expr": f"sum by (category) (increase({FLAGS}[{rng}])) / on () group_left () sum(increase({TURNS}[{rng}]))",
    }


def burn_rate_alerts(rule: BurnRateRule, *, time_scale: float) -> list[dict[str, Any]]:
    """One alerting rule per row of the rule's burn-rate table (over :func:`recording_rule`'s series).

    ``min_coverage`` becomes ``and on () count(lookout_window_events_total offset X)``: the counter
    (published once the first window closed) must have existed ``min_coverage`` of the long window ago.
    """
    cat = f'{{category="{rule.category}"}}'
    alerts = []
    for w in rule.windows:
        limit = f"({_number(w.factor)} * {_number(rule.objective)})"
        long_name, short_name = promql_duration(w.long_s), promql_duration(w.short_s)
        expr = f"{_record_name(w.long_s)}{cat} > {limit} and {_record_name(w.short_s)}{cat} > {limit}"
        if rule.min_coverage > 0:
            expr += f" and on () count({TURNS} offset {promql_duration(rule.min_coverage * w.long_s / time_scale)})"
        alerts.append({
            "alert": rule.alert,
            "expr": expr,
            "labels": {"severity": w.severity, "long_window": long_name, "short_window": short_name, **rule.labels},
            "annotations": _annotations(rule.annotations),
        })  # fmt: skip
    return alerts


def export_rules(configs: Any, *, time_scale: float = 1.0) -> dict[str, Any]:
    """The rules file as a dict (``configs``: a loaded :class:`services.config.bundle.LookoutConfig`)."""
    if time_scale <= 0:
        raise ValueError(f"time_scale must be positive, got {time_scale!r}")
    detector = configs.monitor.drift.default_detector
    threshold = [threshold_rule(r, default_detector=detector, time_scale=time_scale) for r in configs.alerts.threshold_rules()]
    burn_rules = configs.alerts.burn_rules()
    spans = sorted({s for r in burn_rules for w in r.windows for s in (w.long_s, w.short_s)})
    groups = [{"name": "lookout-threshold", "rules": threshold}]
    if burn_rules:
        records = [recording_rule(span, time_scale=time_scale) for span in spans]
        groups.append({"name": "lookout-burn-rate", "rules": records + [a for r in burn_rules for a in burn_rate_alerts(r, time_scale=time_scale)]})
    return {"groups": groups}


def render(configs: Any, *, time_scale: float = 1.0) -> str:
    """The rules file's text: a header saying where it comes from and how time maps, then YAML."""
    import yaml

    body = yaml.safe_dump(export_rules(configs, time_scale=time_scale), sort_keys=False, width=200, allow_unicode=True)
    scale = "1 (live traffic: event time runs at wall-clock speed)" if time_scale == 1 else (
        f"{_number(time_scale)} (a replay at {_number(time_scale)} simulated seconds per wall second)")
    header = f"""\
# Prometheus rules generated by `lookout export-prometheus-rules` from alerts.yaml. Do not edit:
# change alerts.yaml and export again (a test checks the checked-in copy is a fresh export).
#
# Time. alerts.yaml's `for`, `keep_firing_for` and burn-rate windows are event time, measured on
# the turns' timestamps and evaluated once per closed window. Prometheus measures them in wall
# time, so each is divided by the time scale, here {scale}.
# Recording-rule names keep the event-time span (ratio_rate1h is one hour of event time).
#
# Series. Each threshold rule reads the gauge holding its series' value in the last closed window
# (lookout_harm_rate*, lookout_window_volume*, lookout_window_latency_p95_seconds, ...); the gauge
# changes once per window, so `for: 10m` holds over the same three window ends as in Lookout, give
# or take one evaluation interval. Burn rates are sum(flagged) / sum(turns) over the counters
# {FLAGS} and {TURNS}.
"""
    return header + body


def export_prometheus_rules(
    out: Annotated[Optional[Path], typer.Option("--out", help="Rules file to write (default: standard output).")] = None,
    config_dir: Annotated[Optional[Path], typer.Option("--config-dir", help="Config folder (default: bundled configs/).")] = None,
    time_scale: Annotated[float, typer.Option("--time-scale", min=0.001,
                                              help="Simulated seconds per wall second: 1 for live traffic, the simulator's --speed for a replay.")] = 1.0,
) -> None:
    """Write alerts.yaml's rules as Prometheus alerting and recording rules over /metrics."""
    from services.config.base import repo_configs_dir
    from services.config.bundle import load_config

    text = render(load_config(config_dir or repo_configs_dir()), time_scale=time_scale)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(f"wrote {out}")
