"""The alerts-and-incidents timeline: pure shaping of the service's JSON into spans, and one figure.

Alert and incident times are event time in Unix seconds (the clock the worker evaluates rules on);
ground-truth spans arrive as ISO timestamps. Everything becomes naive UTC text for plotly, which
ignores time zones anyway. Spans still open end at ``now`` (the end of the latest closed window).

    >>> spans = alert_spans([{"alert": "PiiLeak", "labels": {"alertname": "PiiLeak", "severity": "page"},
    ...     "state": "firing", "active_at": 0.0, "fired_at": 300.0, "resolved_at": None}], now=900.0)
    >>> [(s["state"], s["start"], s["end"]) for s in spans]
    [('pending', 0.0, 300.0), ('firing', 300.0, 900.0)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import plotly.graph_objects as go

from dashboards.charts import _layout, plain

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
    """Naive UTC text plotly puts on a date axis."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


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


def _span_trace(spans: Sequence[Mapping[str, Any]], name: str, color: str) -> go.Scatter:
    # One trace per colour: spans joined by None gaps draw as separate thick segments.
    x: list[str | None] = []
    y: list[str | None] = []
    text: list[str | None] = []
    for s in spans:
        end = s["end"] if s["end"] > s["start"] else s["start"] + 60  # an instant still shows
        label = plain(f"{s['row']} · {s['state']} · {as_text(s['start'])} → {as_text(s['end'])}")
        x += [as_text(s["start"]), as_text(end), None]
        y += [plain(s["row"]), plain(s["row"]), None]
        text += [label, label, None]
    return go.Scatter(x=x, y=y, text=text, name=name, mode="lines", line={"color": color, "width": 14},
                      hovertemplate="%{text}<extra></extra>", connectgaps=False)


def timeline_chart(alert_rows: Sequence[Mapping[str, Any]], incident_rows: Sequence[Mapping[str, Any]],
                   marks: Sequence[Mapping[str, Any]] = (), truth: Sequence[Mapping[str, Any]] = ()) -> go.Figure:
    """Alerts by state, incidents by escalation level, people's and automation's actions as markers,
    and (when given) ground-truth incidents as a shaded band plus their own rows."""
    fig = go.Figure()
    for t in truth:
        fig.add_vrect(x0=as_text(t["start"]), x1=as_text(t["end"]), fillcolor=TRUTH_COLOR, opacity=0.12, line_width=0)
    if truth:
        fig.add_trace(_span_trace(truth, "ground truth", TRUTH_COLOR))
    for level in sorted({s["level"] for s in incident_rows}):
        color = LEVEL_COLORS[min(level, len(LEVEL_COLORS)) - 1]
        fig.add_trace(_span_trace([s for s in incident_rows if s["level"] == level], f"incident level {level}", color))
    for state, color in STATE_COLORS.items():
        mine = [s for s in alert_rows if s["state"] == state]
        if mine:
            fig.add_trace(_span_trace(mine, f"alert {state}", color))
    symbols = {"acknowledged": "diamond", "resolved": "square", "auto_action": "triangle-up"}
    for event, symbol in symbols.items():
        mine = [m for m in marks if m["event"] == event]
        if mine:
            fig.add_trace(go.Scatter(
                x=[as_text(m["at"]) for m in mine], y=[plain(m["row"]) for m in mine], mode="markers",
                name=event.replace("_", " "), marker={"symbol": symbol, "size": 12, "color": "black"},
                text=[plain(m["text"]) for m in mine], hovertemplate="%{text} · %{x}<extra></extra>"))
    rows = list(dict.fromkeys([s["row"] for s in truth] + [s["row"] for s in incident_rows] + [s["row"] for s in alert_rows]))
    # Categories are listed bottom-up: reversed, so truth sits on top and alerts at the bottom.
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=[plain(r) for r in reversed(rows)])
    fig.update_xaxes(type="date", title_text="event time (UTC)")
    return _layout(fig, "Alerts, incidents and escalation", height=max(260, 120 + 34 * len(rows)))
