"""Pure chart builders: plain data in (the service's JSON), a Vega-Lite spec (a dict for
``st.vega_lite_chart``), plain rows or a line of text out.

Vega-Lite rather than plotly: Streamlit loads plotly.js (4.7 MB of script) in the browser for the
first plotly chart of every page visit, which alone took 1-5 s per page on two busy cores; its
Vega bundle is a fraction of that, and a spec is a plain dict that costs nothing to build (plotly's
figure validation took 0.5 s for the harm chart over 300 windows). Each chart's data travels in
named ``datasets`` (Streamlit sends them as Arrow), so tests read a chart's data by name.

Event-derived text (segment names, topic terms, ids) reaches Vega as data; Vega draws labels as
text and its tooltips escape HTML, so nothing in it is read as markup.

Nothing here does I/O or touches Streamlit, so every builder is tested directly:

    >>> rows = drift_rows([{"window_start": "2026-03-02T10:00:00Z", "result": {"drift": {
    ...     "status": "ok", "detectors": {"mmd": {"statistic": 0.1, "p_value": 0.002, "drifted": True}}}}}])
    >>> rows[0]["detector"], rows[0]["drifted"]
    ('mmd', True)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
P_FLOOR = 1e-6  # p-values are drawn on a log axis; a permutation p of 0 cannot be drawn there
MARKERS_UP_TO = 600  # points on a line chart; beyond that, the line alone


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


def harm_rows(windows: Iterable[Mapping[str, Any]], key: str = "categories",
              only: Collection[str] | None = None) -> list[dict[str, Any]]:
    """One row per (window, category) with k, n, rate, low, high; ``key`` may be ``any_harm``;
    ``only`` keeps those categories (in the windows' order)."""
    rows = []
    for w in windows:
        harm = w["result"].get("harm") or {}
        items = {"any_harm": harm["any_harm"]}.items() if key == "any_harm" and "any_harm" in harm else harm.get(key, {}).items()
        for category, r in items:
            if only is not None and category not in only:
                continue
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


def corrected_text(corrected: Mapping[str, Any] | None) -> str:
    """A category's corrected rate (``harm.categories.<c>.corrected``) as text: the true rate the
    tiers' measured false positives and misses imply (Rogan-Gladen), with its interval.

    >>> corrected_text({"rate": 0.004, "low": 0.0, "high": 0.03, "method": "rogan-gladen"})
    '0.4% (0.0% – 3.0%)'
    >>> corrected_text({"low": 0.0, "high": 1.0, "method": "bounds"})
    'too few caught to tell (0.0% – 100.0%)'
    """
    if not corrected:
        return "not measured (lookout measure-tiers)"
    span = f"({corrected['low']:.1%} – {corrected['high']:.1%})"
    if corrected.get("rate") is None:  # Rogan-Gladen is undefined when the tiers catch too little
        return f"too few caught to tell {span}"
    return f"{corrected['rate']:.1%} {span}"


def corrected_caption(corrected: Mapping[str, Any] | None) -> str:
    """:func:`corrected_text` as a line under a raw flag rate."""
    return f"corrected for the tiers' measured errors: {corrected_text(corrected)}"


# ---- figures (Vega-Lite specs) ---------------------------------------------------------------------

Spec = dict[str, Any]
UTC_TIME = {"type": "temporal", "scale": {"type": "utc"}, "axis": {"format": "%m-%d %H:%M", "labelOverlap": True}}


# No ARIA description per mark: Vega builds one text per point through its (CSP-safe, interpreted)
# expression evaluator, a few hundred ms of the browser's time for a chart over 300 windows. The
# chart keeps its title, and axes and legends keep theirs; Streamlit does the same past 5,000 points.
MARK_CONFIG = {"mark": {"aria": False}}


def chart(title: str, height: int, datasets: Mapping[str, Sequence[Mapping[str, Any]]], **spec: Any) -> Spec:
    """A Vega-Lite spec with a title, a fixed height, the container's width and named datasets."""
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": title, "height": height,
            "width": "container", "datasets": {k: list(v) for k, v in datasets.items()}, "config": MARK_CONFIG, **spec}


def time_x(field: str = "window_start", title: str | None = None) -> dict[str, Any]:
    return {"field": field, "title": title, **UTC_TIME}


def layer_named(spec: Spec, name: str) -> Spec:
    """The layer of ``spec`` that draws dataset ``name`` (tests and readers look charts up by data)."""
    return next(layer for layer in spec.get("layer", [spec]) if layer.get("data", {}).get("name") == name)


def traffic_chart(windows: Sequence[Mapping[str, Any]]) -> Spec:
    """Turns per window, late events stacked on top (each bar spans its window)."""
    rows = []
    for w in windows:
        n, late = w["n_events"], w.get("late_events", 0)
        rows.append({"window_start": w["window_start"], "window_end": w["window_end"], "kind": "turns", "y0": 0, "y1": n})
        if late:
            rows.append({"window_start": w["window_start"], "window_end": w["window_end"], "kind": "late", "y0": n, "y1": n + late})
    return chart("Traffic per window", 260, {"traffic": rows}, data={"name": "traffic"}, mark={"type": "bar"},
                 encoding={"x": time_x(), "x2": {"field": "window_end"},
                           "y": {"field": "y0", "type": "quantitative", "title": "turns"}, "y2": {"field": "y1"},
                           "color": {"field": "kind", "type": "nominal", "title": None,
                                     "scale": {"domain": ["turns", "late"], "range": [PALETTE[0], PALETTE[3]]}},
                           "tooltip": [{"field": "window_start", "title": "window"},
                                       {"field": "kind"}, {"field": "y1", "title": "up to", "type": "quantitative"}]})


def drift_chart(rows: Sequence[Mapping[str, Any]], alpha: float) -> Spec:
    """p-value per detector and window on a log axis, α as a dashed line; a drifted window is a cross."""
    points = [{**r, "p_value": None if r["p_value"] is None else max(r["p_value"], P_FLOOR)} for r in rows]
    xs = sorted({r["window_start"] for r in rows})
    alpha_rows = [{"window_start": xs[0], "alpha": alpha}, {"window_start": xs[-1], "alpha": alpha}] if xs else []
    detector = {"field": "detector", "type": "nominal", "title": None, "scale": {"range": list(PALETTE)}}
    return chart("Drift p-value per window and detector (× = drifted)", 300, {"p_values": points, "alpha": alpha_rows}, layer=[
        {"data": {"name": "p_values"}, "mark": {"type": "line", "point": False},
         "encoding": {"x": time_x(), "y": {"field": "p_value", "type": "quantitative", "title": "p-value", "scale": {"type": "log"}},
                      "color": detector}},
        {"data": {"name": "p_values"}, "mark": {"type": "point", "filled": True, "size": 40},
         "encoding": {"x": time_x(), "y": {"field": "p_value", "type": "quantitative", "scale": {"type": "log"}},
                      "color": detector,
                      "shape": {"field": "drifted", "type": "nominal", "title": "drifted",
                                "scale": {"domain": [False, True], "range": ["circle", "cross"]}},
                      "tooltip": [{"field": "window_start", "title": "window"},
                                  {"field": "detector"}, {"field": "p_value", "format": ".2g"}, {"field": "statistic", "format": ".3g"},
                                  {"field": "drifted"}]}},
        {"data": {"name": "alpha"}, "mark": {"type": "line", "strokeDash": [6, 4], "color": "red"},
         "encoding": {"x": time_x(), "y": {"field": "alpha", "type": "quantitative", "scale": {"type": "log"}},
                      "tooltip": [{"field": "alpha", "title": "α"}]}},
    ])


def statistic_chart(rows: Sequence[Mapping[str, Any]], detector: str) -> Spec:
    """One detector's statistic per window (detectors' statistics share no scale, so one at a time)."""
    mine = [{"window_start": r["window_start"], "statistic": r["statistic"]} for r in rows if r["detector"] == detector]
    return chart(f"{detector} statistic", 180, {"statistic": mine}, data={"name": "statistic"},
                 mark={"type": "line", "color": PALETTE[0]},
                 encoding={"x": time_x(), "y": {"field": "statistic", "type": "quantitative", "title": "statistic"},
                           "tooltip": [{"field": "statistic", "format": ".3g"}]})


def harm_rate_chart(rows: Sequence[Mapping[str, Any]]) -> Spec:
    """Flag rate per category over windows, each with its confidence band (low..high)."""
    categories = list(dict.fromkeys(r["category"] for r in rows))
    color = {"field": "category", "type": "nominal", "title": None,
             "scale": {"domain": categories, "range": [PALETTE[i % len(PALETTE)] for i in range(len(categories))]}}
    y = {"type": "quantitative", "axis": {"format": ".0%"}, "title": "flag rate"}
    # The legend comes from the lines alone (independent legends; the bands have none).
    return chart("Flag rate per window, with confidence band", 380, {"rates": [dict(r) for r in rows]},
                 resolve={"legend": {"color": "independent"}}, layer=[
        {"data": {"name": "rates"}, "mark": {"type": "area", "opacity": 0.15},
         "encoding": {"x": time_x(), "y": {"field": "low", **y}, "y2": {"field": "high"}, "color": {**color, "legend": None}}},
        # A marker per window only while they are few: 2,400 SVG symbols (8 categories over 300
        # windows) took the browser longer to draw than the rest of the page.
        {"data": {"name": "rates"}, "mark": {"type": "line", "point": {"size": 20} if len(rows) <= MARKERS_UP_TO else False},
         "encoding": {"x": time_x(), "y": {"field": "rate", **y}, "color": color,
                      "tooltip": [{"field": "window_start", "title": "window"},
                                  {"field": "category"}, {"field": "rate", "format": ".2%"}, {"field": "k", "title": "flags"},
                                  {"field": "n", "title": "turns"}, {"field": "low", "format": ".2%"}, {"field": "high", "format": ".2%"}]}},
    ])


def interval_bars(rows: Sequence[Mapping[str, Any]], label: str, title: str) -> Spec:
    """Bars of ``rate`` per ``rows[i][label]`` with asymmetric error bars from ``low``/``high``."""
    data = [{"label": r[label], "rate": r["rate"], "low": r["low"], "high": r["high"]} for r in rows]
    x = {"field": "label", "type": "nominal", "title": None, "sort": None, "axis": {"labelAngle": -30}}
    return chart(title, 320, {"bars": data}, layer=[
        {"data": {"name": "bars"}, "mark": {"type": "bar", "color": PALETTE[0]},
         "encoding": {"x": x, "y": {"field": "rate", "type": "quantitative", "axis": {"format": ".0%"}},
                      "tooltip": [{"field": "label", "title": label}, {"field": "rate", "format": ".1%"},
                                  {"field": "low", "format": ".1%"}, {"field": "high", "format": ".1%"}]}},
        {"data": {"name": "bars"}, "mark": {"type": "rule", "color": "black"},
         "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}}},
    ])


def breakdown_chart(rows: Sequence[Mapping[str, Any]], title: str) -> Spec:
    """Pooled flag rate per group (segment or model version), labelled with k/n."""
    data = [{"group": r["group"], "rate": r["rate"], "k": r["k"], "n": r["n"], "label": f"{r['k']}/{r['n']}"} for r in rows]
    x = {"field": "group", "type": "nominal", "title": None, "sort": None, "axis": {"labelAngle": -30}}
    y = {"field": "rate", "type": "quantitative", "axis": {"format": ".1%"}, "title": "pooled flag rate"}
    return chart(title, 320, {"groups": data}, layer=[
        {"data": {"name": "groups"}, "mark": {"type": "bar", "color": PALETTE[1]},
         "encoding": {"x": x, "y": y, "tooltip": [{"field": "group"}, {"field": "rate", "format": ".2%"},
                                                  {"field": "k", "title": "flags"}, {"field": "n", "title": "turns"}]}},
        {"data": {"name": "groups"}, "mark": {"type": "text", "dy": -6, "baseline": "bottom"},
         "encoding": {"x": x, "y": y, "text": {"field": "label"}}},
    ])


def topic_change_chart(topics: Sequence[Mapping[str, Any]]) -> Spec:
    """Share change per topic (current minus reference), largest movers at the top."""
    ordered = sorted(topics, key=lambda t: -abs(t["change"]))
    data = [{"topic": ", ".join(t["terms"][:4]) or f"topic {t['id']}", "change": t["change"],
             "reference_share": t["reference_share"], "current_share": t["current_share"],
             "direction": "rising" if t["change"] > 0 else "falling"} for t in ordered]
    return chart("Topic share change vs the reference", max(240, 40 * len(ordered)), {"topics": data},
                 data={"name": "topics"}, mark={"type": "bar"},
                 encoding={"y": {"field": "topic", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 360}},
                           "x": {"field": "change", "type": "quantitative", "axis": {"format": "+.0%"}, "title": "share change"},
                           "color": {"field": "direction", "type": "nominal", "legend": None,
                                     "scale": {"domain": ["rising", "falling"], "range": [PALETTE[3], PALETTE[0]]}},
                           "tooltip": [{"field": "topic"}, {"field": "reference_share", "title": "reference", "format": ".1%"},
                                       {"field": "current_share", "title": "now", "format": ".1%"}]})
