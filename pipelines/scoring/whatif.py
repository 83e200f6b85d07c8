"""What-if: re-evaluate alert rules and escalation over stored window results (pure).

The worker stores each closed window's ``result`` (harm rates with intervals, drift statistic and
p-value per detector, CUSUM, volume, latency) beside the alerting output it produced. Replaying the
alerting engine over those results with a *candidate* ``alerts.yaml``/``escalation.yaml`` shows
what would have fired, without recomputing any detector:

* supported exactly: every threshold and burn-rate rule (thresholds, ``for``, ``keep_firing_for``,
  ``use``, new rules on any stored series), severities, escalation levels, timeouts, actions,
  grouping, inhibition and silences; a drift *threshold* is a rule on the stored ``drift_p_value``;
* not replayable: changes that alter the window results themselves (detectors, ``alpha``, sample
  size or embedder in ``monitor.yaml``; tiers and flag thresholds in ``harm_categories.yaml``).
  Those need the detectors re-run on the events: ``lookout score`` runs the scenario again.

Closed-loop effects are not replayed: the stored traffic already reflects the actions that were
taken (a candidate that would have switched strict mode on earlier cannot remove leaks from it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pipelines.alerting.engine import Alerting, step


def replay(cfg: Alerting, windows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Windows (``window_end`` and ``result``) with ``result.alerts`` recomputed under ``cfg``,
    starting from an empty alerting state at the first window."""
    state: dict[str, Any] = {}
    out = []
    for w in windows:
        end = w["window_end"]
        now = datetime.fromisoformat(end) if isinstance(end, str) else end
        result = {k: v for k, v in (w.get("result") or {}).items() if k != "alerts"}
        state, o = step(cfg, result, now, state)
        alerts = {"firing": [a["labels"] for a in o["firing"]], "transitions": o["transitions"], "records": o["records"]}
        out.append({**w, "result": {**result, "alerts": alerts}})
    return out


def firings(windows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every alert going to firing (any severity): name, severity, labels, event time."""
    return [
        {"alert": t["alert"], "severity": t["labels"].get("severity", ""), "labels": t["labels"], "at": t["at"]}
        for w in windows
        for t in ((w.get("result") or {}).get("alerts") or {}).get("transitions") or ()
        if t.get("to") == "firing"
    ]


def compare_firings(actual: Sequence[Mapping[str, Any]], candidate: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per alert name: how often it fired, and when first, under each config; plus the names that
    fire under only one of them."""
    names = sorted({a["alert"] for a in actual} | {a["alert"] for a in candidate})
    rows = []
    for name in names:
        a = [x["at"] for x in actual if x["alert"] == name]
        c = [x["at"] for x in candidate if x["alert"] == name]
        rows.append({"alert": name, "actual": len(a), "candidate": len(c),
                     "actual_first": min(a, default=None), "candidate_first": min(c, default=None)})  # fmt: skip
    return {
        "by_alert": rows,
        "only_actual": [r["alert"] for r in rows if r["actual"] and not r["candidate"]],
        "only_candidate": [r["alert"] for r in rows if r["candidate"] and not r["actual"]],
    }
