"""Pure chart builders: plain data in (the service's JSON), a plotly figure or plain rows out.

Nothing here does I/O or touches Streamlit, so every builder is tested directly:

    >>> rows = drift_rows([{"window_start": "2026-03-02T10:00:00Z", "result": {"drift": {
    ...     "status": "ok", "detectors": {"mmd": {"statistic": 0.1, "p_value": 0.002, "drifted": True}}}}}])
    >>> rows[0]["detector"], rows[0]["drifted"]
    ('mmd', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
P_FLOOR = 1e-6  # p-values are drawn on a log axis; a permutation p of 0 cannot be drawn there


def _layout(fig: go.Figure, title: str, height: int = 320) -> go.Figure:
    fig.update_layout(title=title, height=height, margin={"l": 10, "r": 10, "t": 70, "b": 10},
                      legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"})
    return fig


def plain(text: str) -> str:
    """Event-derived text (segment names, topic terms) for a plotly label, shown literally.

    Plotly reads a few HTML tags in labels (``<b>``, ``<a href>``); escaping ``&`` and ``<``
    turns any such tag back into the characters it was made of.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# ---- shaping: windows JSON -> flat rows ---------------------------------------------------------

def drift_rows(windows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per (window, detector) for windows whose drift was tested (status ``ok``)."""
    rows = []
    for w in windows:
        drift = w["result"].get("drift") or {}
        if drift.get("status") != "ok":
            continue
        for name, d in drift.get("detectors", {}).items():
            rows.append({"window_start": w["window_start"], "detector": name, "statistic": d["statistic"],
                         "p_value": d["p_value"], "drifted": bool(d["drifted"])})
    return rows


def harm_rows(windows: Iterable[Mapping[str, Any]], key: str = "categories") -> list[dict[str, Any]]:
    """One row per (window, category) with k, n, rate, low, high; ``key`` may be ``any_harm``."""
    rows = []
    for w in windows:
        harm = w["result"].get("harm") or {}
        items = {"any_harm": harm["any_harm"]}.items() if key == "any_harm" and "any_harm" in harm else harm.get(key, {}).items()
        for category, r in items:
            rows.append({"window_start": w["window_start"], "category": category,
                         **{f: r[f] for f in ("k", "n", "rate", "low", "high")}})
    return rows


def pooled_breakdown(windows: Iterable[Mapping[str, Any]], key: str, category: str) -> list[dict[str, Any]]:
    """Flags and turns per group (``by_segment`` or ``by_model_version``) summed over windows.

    Only counts are pooled; the interval is not (the page shows counts and the pooled rate, and
    per-window intervals live in each window's result).
    """
    totals: dict[str, list[int]] = {}
    for w in windows:
        for group, r in ((w["result"].get("harm") or {}).get(key, {}).get(category, {})).items():
            kn = totals.setdefault(group, [0, 0])
            kn[0] += r["k"]
            kn[1] += r["n"]
    return [{"group": g, "k": k, "n": n, "rate": k / n if n else 0.0} for g, (k, n) in sorted(totals.items())]


# ---- figures --------------------------------------------------------------------------------------

def traffic_chart(windows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Turns per window, late events stacked on top."""
    x = [w["window_start"] for w in windows]
    fig = go.Figure([go.Bar(x=x, y=[w["n_events"] for w in windows], name="turns", marker_color=PALETTE[0]),
                     go.Bar(x=x, y=[w.get("late_events", 0) for w in windows], name="late", marker_color=PALETTE[3])])
    fig.update_layout(barmode="stack")
    return _layout(fig, "Traffic per window", height=260)


def drift_chart(rows: Sequence[Mapping[str, Any]], alpha: float, statistic_of: str | None = None) -> go.Figure:
    """p-value per detector (log axis, α as a dashed line) above; below, the statistic of
    ``statistic_of`` (default: the first detector), since detectors' statistics share no scale.
    Drifted windows are marked with a cross.
    """
    detectors = list(dict.fromkeys(r["detector"] for r in rows))
    statistic_of = statistic_of or (detectors[0] if detectors else None)
    # α is a trace rather than a shape, so it sits in the legend and hover like the detectors.
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[0.6, 0.4])
    for i, name in enumerate(detectors):
        mine = [r for r in rows if r["detector"] == name]
        color = PALETTE[i % len(PALETTE)]
        x = [r["window_start"] for r in mine]
        p = [None if r["p_value"] is None else max(r["p_value"], P_FLOOR) for r in mine]
        fig.add_trace(go.Scatter(x=x, y=p, name=name, legendgroup=name, mode="lines+markers", line={"color": color},
                                 marker={"symbol": ["x" if r["drifted"] else "circle" for r in mine], "size": 8}), 1, 1)
        if name == statistic_of:
            fig.add_trace(go.Scatter(x=x, y=[r["statistic"] for r in mine], name=f"{name} statistic",
                                     legendgroup=name, showlegend=False, mode="lines", line={"color": color}), 2, 1)
    xs = sorted({r["window_start"] for r in rows})
    if xs:
        fig.add_trace(go.Scatter(x=[xs[0], xs[-1]], y=[alpha, alpha], name=f"α = {alpha:g}", mode="lines",
                                 line={"color": "red", "dash": "dash"}, hoverinfo="skip"), 1, 1)
    fig.update_yaxes(type="log", title_text="p-value", row=1, col=1)
    fig.update_yaxes(title_text=f"{statistic_of} statistic", row=2, col=1)
    return _layout(fig, "Drift per window and detector (× = drifted)", height=480)


def harm_rate_chart(rows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Flag rate per category over windows, each with its confidence band (low..high)."""
    fig = go.Figure()
    for i, category in enumerate(dict.fromkeys(r["category"] for r in rows)):
        mine = [r for r in rows if r["category"] == category]
        color = PALETTE[i % len(PALETTE)]
        x = [r["window_start"] for r in mine]
        # The band is drawn as one closed polygon: upper bounds forward, lower bounds back.
        fig.add_trace(go.Scatter(x=x + x[::-1], y=[r["high"] for r in mine] + [r["low"] for r in mine][::-1],
                                 fill="toself", fillcolor=_rgba(color, 0.15), line={"width": 0},
                                 hoverinfo="skip", legendgroup=category, showlegend=False, name=f"{category} band"))
        fig.add_trace(go.Scatter(x=x, y=[r["rate"] for r in mine], name=category, legendgroup=category,
                                 mode="lines+markers", line={"color": color},
                                 customdata=[[r["k"], r["n"]] for r in mine],
                                 hovertemplate="%{y:.2%} (%{customdata[0]} of %{customdata[1]})"))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return _layout(fig, "Flag rate per window, with confidence band", height=380)


def interval_bars(rows: Sequence[Mapping[str, Any]], label: str, title: str) -> go.Figure:
    """Bars of ``rate`` per ``rows[i][label]`` with asymmetric error bars from ``low``/``high``."""
    fig = go.Figure(go.Bar(
        x=[r[label] for r in rows], y=[r["rate"] for r in rows], marker_color=PALETTE[0],
        error_y={"type": "data", "symmetric": False, "array": [r["high"] - r["rate"] for r in rows],
                 "arrayminus": [r["rate"] - r["low"] for r in rows]}))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return _layout(fig, title)


def breakdown_chart(rows: Sequence[Mapping[str, Any]], title: str) -> go.Figure:
    """Pooled flag rate per group (segment or model version), labelled with k/n."""
    fig = go.Figure(go.Bar(x=[plain(r["group"]) for r in rows], y=[r["rate"] for r in rows], marker_color=PALETTE[1],
                           text=[f"{r['k']}/{r['n']}" for r in rows], textposition="outside"))
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    return _layout(fig, title)


def topic_change_chart(topics: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Share change per topic (current minus reference), largest movers at the top."""
    ordered = sorted(topics, key=lambda t: abs(t["change"]))
    labels = [plain(", ".join(t["terms"][:4])) or f"topic {t['id']}" for t in ordered]
    fig = go.Figure(go.Bar(
        y=labels, x=[t["change"] for t in ordered], orientation="h",
        marker_color=[PALETTE[3] if t["change"] > 0 else PALETTE[0] for t in ordered],
        customdata=[[t["reference_share"], t["current_share"]] for t in ordered],
        hovertemplate="reference %{customdata[0]:.1%} → now %{customdata[1]:.1%}<extra></extra>"))
    fig.update_xaxes(tickformat="+.0%")
    return _layout(fig, "Topic share change vs the reference", height=max(240, 40 * len(ordered)))
