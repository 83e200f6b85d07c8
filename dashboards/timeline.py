"""The alerts-and-incidents timeline: pure shaping of the service's JSON into spans, and one chart
(a Vega-Lite spec, see ``charts.py``).

Alert and incident times are event time in Unix seconds (the clock the worker evaluates rules on);
ground-truth spans arrive as ISO timestamps. Everything becomes ISO UTC text (``...Z``) drawn on a
UTC time axis. Spans still open end at ``now`` (the end of the latest closed window).

    >>> spans = alert_spans([{"alert": "PiiLeak", "labels": {"alertname": "PiiLeak", "severity": "page"},
    ...     "state": "firing", "active_at": 0.0, "fired_at": 300.0, "resolved_at": None}], now=900.0)
    >>> [(s["state"], s["start"], s["end"]) for s in spans]
    [('pending', 0.0, 300.0), ('firing', 300.0, 900.0)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from dashboards.charts import Spec, chart

STATE_COLORS = {"pending": "#ffbf00", "firing": "#d62728", "resolved": "#7f7f7f"}
LEVEL_COLORS = ("#fdae6b", "#f16913", "#d94801", "#8c2d04")  # level 1, 2, 3, 4+
TRUTH_COLOR = "#2ca02c"
HIDDEN_LABELS = ("alertname", "severity", "team")  # shown elsewhere, or the same for every instance


def as_seconds(value: float | str | datetime) -> float:
    """Unix seconds from Unix seconds, an ISO timestamp (``Z`` allowed) or an aware datetime."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.timestamp()


def as_text(seconds: float) -> str:
    """ISO UTC text for the chart's time axis."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def alert_row(alert: Mapping[str, Any]) -> str:
    extra = ", ".join(f"{k}={v}" for k, v in sorted(alert["labels"].items()) if k not in HIDDEN_LABELS)
    return f"alert: {alert['alert']}" + (f" {{{extra}}}" if extra else "")


def alert_spans(alerts: Iterable[Mapping[str, Any]], now: float) -> list[dict[str, Any]]:
    """Each alert instance as a pending span (active → fired) and a firing span (fired → resolved)."""
    spans = []
    for a in alerts:
        row, fired, resolved = alert_row(a), a.get("fired_at"), a.get("resolved_at")
        pending_end = fired if fired is not None else (resolved if resolved is not None else now)
        spans.append({"row": row, "state": "pending", "start": a["active_at"], "end": pending_end})
        if fired is not None:
            spans.append({"row": row, "state": "firing", "start": fired, "end": resolved if resolved is not None else now})
    return spans


def incident_row(incident: Mapping[str, Any]) -> str:
    name = incident["group"].get("alertname") or incident["id"]
    return f"incident: {name} ({incident['severity']})"


def incident_spans(incidents: Iterable[Mapping[str, Any]], now: float) -> list[dict[str, Any]]:
    """Each incident as consecutive spans, one per escalation level it stood at."""
    spans = []
    for inc in incidents:
        end = inc["resolved_at"] if inc.get("resolved_at") is not None else now
        level, since = 1, inc["opened_at"]
        for entry in sorted(inc.get("timeline", []), key=lambda e: e["at"]):
            if entry["event"] in ("notified", "escalated") and entry.get("level") not in (None, level):
                if entry["at"] > since:
                    spans.append({"row": incident_row(inc), "state": f"level {level}", "level": level, "start": since,
                                  "end": entry["at"], "incident": inc["id"]})
                level, since = entry["level"], entry["at"]
        spans.append({"row": incident_row(inc), "state": f"level {level}", "level": level, "start": since,
                      "end": max(end, since), "incident": inc["id"]})
    return spans


def incident_marks(incidents: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Points on an incident's row where people or automation acted (ack, resolve, auto-actions)."""
    marks = []
    for inc in incidents:
        for entry in inc.get("timeline", []):
            if entry["event"] in ("acknowledged", "resolved", "auto_action"):
                what = entry.get("action") or entry["event"]
                who = f" by {entry['by']}" if entry.get("by") else ""
                marks.append({"row": incident_row(inc), "at": entry["at"], "event": entry["event"], "text": f"{what}{who}"})
    return marks


def truth_spans(truth: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"row": f"truth: {t['incident_id']}", "state": "ground truth", "start": as_seconds(t["first_ts"]),
             "end": as_seconds(t["last_ts"]), "n_events": t["n_events"]} for t in truth]


def _span_rows(spans: Sequence[Mapping[str, Any]], name: str) -> list[dict[str, Any]]:
    rows = []
    for s in spans:
        end = s["end"] if s["end"] > s["start"] else s["start"] + 60  # an instant still shows
        rows.append({"row": s["row"], "legend": name, "start": as_text(s["start"]), "end": as_text(end),
                     "what": f"{s['row']} · {s['state']} · {as_text(s['start'])} → {as_text(s['end'])}"})
    return rows


def timeline_chart(alert_rows: Sequence[Mapping[str, Any]], incident_rows: Sequence[Mapping[str, Any]],
                   marks: Sequence[Mapping[str, Any]] = (), truth: Sequence[Mapping[str, Any]] = ()) -> Spec:
    """Alerts by state, incidents by escalation level, people's and automation's actions as markers,
    and (when given) ground-truth incidents as a shaded band plus their own rows."""
    spans: list[dict[str, Any]] = []
    legend: list[tuple[str, str]] = []
    if truth:
        spans += _span_rows(truth, "ground truth")
        legend.append(("ground truth", TRUTH_COLOR))
    for level in sorted({s["level"] for s in incident_rows}):
        name = f"incident level {level}"
        spans += _span_rows([s for s in incident_rows if s["level"] == level], name)
        legend.append((name, LEVEL_COLORS[min(level, len(LEVEL_COLORS)) - 1]))
    for state, color in STATE_COLORS.items():
        mine = [s for s in alert_rows if s["state"] == state]
        if mine:
            spans += _span_rows(mine, f"alert {state}")
            legend.append((f"alert {state}", color))
    symbols = {"acknowledged": "diamond", "resolved": "square", "auto_action": "triangle-up"}
    points = [{"row": m["row"], "at": as_text(m["at"]), "event": m["event"].replace("_", " "), "what": m["text"]}
              for m in marks if m["event"] in symbols]
    rows = list(dict.fromkeys([s["row"] for s in truth] + [s["row"] for s in incident_rows] + [s["row"] for s in alert_rows]))
    # Rows top-down: truth on top, then incidents, alerts at the bottom.
    y = {"field": "row", "type": "nominal", "title": None, "sort": rows, "axis": {"labelLimit": 420}}
    x = {"field": "start", "title": "event time (UTC)", "type": "temporal", "scale": {"type": "utc"},
         "axis": {"format": "%m-%d %H:%M", "labelOverlap": True}}
    layers: list[dict[str, Any]] = []
    if truth:
        layers.append({"data": {"name": "truth"}, "mark": {"type": "rect", "color": TRUTH_COLOR, "opacity": 0.12},
                       "encoding": {"x": x, "x2": {"field": "end"}}})
    layers.append({"data": {"name": "spans"}, "mark": {"type": "bar", "height": 14},
                   "encoding": {"x": x, "x2": {"field": "end"}, "y": y,
                                "color": {"field": "legend", "type": "nominal", "title": None,
                                          "scale": {"domain": [n for n, _ in legend], "range": [c for _, c in legend]}},
                                "tooltip": [{"field": "what", "title": "span"}]}})
    if points:
        layers.append({"data": {"name": "marks"}, "mark": {"type": "point", "filled": True, "size": 120, "color": "black"},
                       "encoding": {"x": {**x, "field": "at"}, "y": y,
                                    "shape": {"field": "event", "type": "nominal", "title": None,
                                              "scale": {"domain": [e.replace("_", " ") for e in symbols], "range": list(symbols.values())}},
                                    "tooltip": [{"field": "what", "title": "action"}, {"field": "at", "title": "at"}]}})
    return chart("Alerts, incidents and escalation", max(260, 120 + 34 * len(rows)),
                 {"spans": spans, "marks": points, "truth": [{"start": as_text(t["start"]), "end": as_text(t["end"])} for t in truth]},
                 layer=layers)
