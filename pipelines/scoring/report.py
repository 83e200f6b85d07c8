"""Scorecards as text tables and as one self-contained HTML page (pure string building).

The HTML has no script and fetches nothing: inline CSS and plain tables, so it opens offline and
can be attached to a ticket. Every value from a config or scenario is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

COLUMNS = (
    ("recall", "recall"),
    ("missed", "missed"),
    ("alert_precision", "precision"),
    ("pages_per_day", "pages/day"),
    ("false_pages_per_day", "false pages/day"),
    ("cost", "cost"),
)


def fmt(s: Mapping[str, Any] | None, digits: int = 2) -> str:
    """``mean [min–max]`` of a spread (``mean`` alone when all seeds agree); ``–`` for none."""
    if not s:
        return "–"
    if abs(s["mean"]) >= 100:
        digits = 0
    if s["min"] == s["max"]:
        return f"{s['mean']:.{digits}f}"
    return f"{s['mean']:.{digits}f} [{s['min']:.{digits}f}–{s['max']:.{digits}f}]"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def summary_rows(card: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for name, entry in card["scenarios"].items():
        s = entry["summary"]
        rows.append([name, str(s["seeds"])] + [fmt(s[key]) for key, _ in COLUMNS])
    return rows


def incident_rows(card: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for name, entry in card["scenarios"].items():
        for inc, s in entry["summary"]["incidents"].items():
            rows.append([name, inc, f"{s['caught']}/{s['runs']}", fmt(s["detection_delay_min"], 1),
                         fmt(s["detection_delay_events"], 0), fmt(s["time_to_page_min"], 1),
                         fmt(s["harmful_before_detection"], 0), fmt(s["harmful_turns"], 0)])  # fmt: skip
    return rows


SUMMARY_HEADER = ["scenario", "seeds"] + [label for _, label in COLUMNS]
INCIDENT_HEADER = ["scenario", "incident", "caught", "delay (min)", "delay (turns)", "to page (min)", "harm before alert", "harm served"]


def render_text(card: Mapping[str, Any]) -> str:
    """The scorecard as plain text: a summary table, an incident table, then any goals."""
    parts = [f"Scorecard for {card['config_dir']} ({card['seeds']} seed(s); mean [min–max] over seeds)", "",
             _table(SUMMARY_HEADER, summary_rows(card))]  # fmt: skip
    incidents = incident_rows(card)
    if incidents:
        parts += ["", _table(INCIDENT_HEADER, incidents)]
    for name, entry in card["scenarios"].items():
        if "goals" in entry:
            parts += ["", f"Goals of {name}: {'PASS' if entry['passed'] else 'FAIL'}"]
            for g in entry["goals"]:
                parts.append(f"  [{'pass' if g['passed'] else 'FAIL'}] {g['goal']}   seen: {g['observed']}")
    return "\n".join(parts)


def _diff(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> str:
    if not a or not b:
        return "–"
    d = b["mean"] - a["mean"]
    return "0" if abs(d) < 1e-9 else f"{d:+.3g}"


def render_compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """Both scorecards, then B − A per scenario and figure (means over seeds)."""
    rows = []
    for name in a["scenarios"]:
        if name not in b["scenarios"]:
            continue
        sa, sb = a["scenarios"][name]["summary"], b["scenarios"][name]["summary"]
        rows.append([name] + [_diff(sa[key], sb[key]) for key, _ in COLUMNS])
    return "\n".join([
        "A: " + render_text(a), "", "B: " + render_text(b), "",
        "Difference B − A (means; lower cost, missed and false pages are better)", "",
        _table(["scenario"] + [label for _, label in COLUMNS], rows),
    ])  # fmt: skip


def compare_json(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    diff = {}
    for name in a["scenarios"]:
        if name in b["scenarios"]:
            sa, sb = a["scenarios"][name]["summary"], b["scenarios"][name]["summary"]
            diff[name] = {key: None if not (sa[key] and sb[key]) else round(sb[key]["mean"] - sa[key]["mean"], 4) for key, _ in COLUMNS}
    return {"a": a, "b": b, "difference_b_minus_a": diff}


# -- HTML ----------------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}th{background:#f3f3f3}.pass{color:#176b2c}
.fail{color:#a31515;font-weight:600}.bar{display:inline-block;height:.7rem;background:#4a78c2}
.page{background:#c23b3b}.truth{background:#e8b04a}.lane{position:relative;height:1rem;background:#f7f7f7;margin:2px 0}
.lane span{position:absolute;top:0;height:1rem}small{color:#666}"""


def _h(x: Any) -> str:
    return html.escape(str(x))


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_h(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_h(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _timeline(run: Mapping[str, Any], hours: float) -> str:
    """Truth incidents (amber) beside alerts (blue) and pages (red) for one seed, as CSS bars."""
    if not run["incidents"] and not run["alert_times"]:
        return ""
    t0 = min([r["start"] for r in run["incidents"]] + [a["at"] for a in run["alert_times"]])
    span = max(hours * 3600, 1.0)
    pos = lambda t: max(0.0, min(100.0, 100 * (t - t0) / span))  # noqa: E731
    truth = "".join(f'<span class="truth" style="left:{pos(r["start"]):.2f}%;width:{max(pos(r["end"]) - pos(r["start"]), .4):.2f}%" '
                    f'title="{_h(r["incident"])}"></span>' for r in run["incidents"])  # fmt: skip
    alerts = "".join(f'<span class="bar{" page" if a["severity"] == "critical" else ""}" style="left:{pos(a["at"]):.2f}%;width:.4%" '
                     f'title="{_h(a["alert"])}"></span>' for a in run["alert_times"])  # fmt: skip
    return (f'<div><small>seed {run["seed"]}: truth (amber) vs alerts (blue: warning, red: critical)</small>'
            f'<div class="lane">{truth}</div><div class="lane">{alerts}</div></div>')  # fmt: skip


def render_html(card: Mapping[str, Any], title: str = "Lookout scorecard") -> str:
    """One self-contained page: summary, incidents, goals and a truth-vs-alerts timeline per seed."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{_h(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{_h(title)}</h1><p>Config <code>{_h(card['config_dir'])}</code>, {card['seeds']} seed(s); "
             "figures are mean [min–max] over seeds. Cost in harm_categories.yaml units (see pipelines/scoring/scorecard.py).</p>",
             _html_table(SUMMARY_HEADER, summary_rows(card))]  # fmt: skip
    incidents = incident_rows(card)
    if incidents:
        parts += ["<h2>Incidents</h2>", _html_table(INCIDENT_HEADER, incidents)]
    for name, entry in card["scenarios"].items():
        parts.append(f"<h2>{_h(name)}</h2>")
        if "goals" in entry:
            cls = "pass" if entry["passed"] else "fail"
            parts.append(f"<p class='{cls}'>Goals: {'PASS' if entry['passed'] else 'FAIL'}</p><ul>")
            parts += [f"<li class='{'pass' if g['passed'] else 'fail'}'>{_h(g['goal'])} <small>seen {_h(g['observed'])}</small></li>"
                      for g in entry["goals"]]  # fmt: skip
            parts.append("</ul>")
        parts += [_timeline(run, entry["simulated_hours"]) for run in entry["runs"]]
    parts.append("</body></html>")
    return "\n".join(parts)
