"""Ground-truth incidents and the monitor's signals, both as plain records (pure).

**A ground-truth incident** is an ``incident_id`` that the simulator put in the ``truth`` of at
least one turn: a phase with ``incident:`` (every turn of the phase carries it) or a campaign
(its attack or harmful turns carry it). It *starts* at the event time of its first turn and *ends*
at the event time of its last turn. Its *windows* are the tumbling windows from the one holding
the start through the one holding the end. Harmful turns outside every incident (the background
rate of a normal day) belong to no incident: a monitor that pages on them pages on noise.

**A signal** of the monitor is read from the closed windows' alerting output:

* an *alert* is a threshold or burn-rate alert going to ``firing`` (severity ``critical`` or
  ``warning``: someone is told now; ``ticket`` alerts are queued work and count for neither
  detection nor precision), at the end of the window that made it fire;
* a *page* is the first notification of a newly opened ``critical`` incident (escalating the same
  incident to more people is not another page);
* an *action* is an automatic mitigation the escalation ran (``strict_mode``, ``rollback_...``).

A signal *overlaps* an incident when its time ``t`` satisfies ``start < t <= end + tolerance``;
the tolerance (3 windows by default) covers alerts that keep firing a little after the cause
stops and the window that closes after the last turn.

>>> from datetime import datetime, timezone
>>> t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
>>> turns = [{"ts": t0, "incident_id": "INC-1", "harm_category": "privacy_pii", "is_canary": False}]
>>> [i.id for i in incidents_from_truth(turns)]
['INC-1']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DETECTING_SEVERITIES = ("critical", "warning")


@dataclass(frozen=True)
class Incident:
    """One ground-truth incident (see the module docstring for the definition)."""

    id: str
    start: float  # epoch seconds, event time of its first turn
    end: float  # event time of its last turn
    n_turns: int
    harmful: dict[str, int] = field(default_factory=dict)  # harm category -> turns of the incident

    def overlaps(self, t: float, tolerance_s: float) -> bool:
        return self.start < t <= self.end + tolerance_s


@dataclass(frozen=True)
class Signal:
    """An alert firing, a page or an automatic action, at event time ``at`` (epoch seconds)."""

    kind: str  # alert | page | action
    name: str  # alert name, incident id (pages) or action name
    severity: str
    at: float
    labels: dict[str, str] = field(default_factory=dict)


def epoch(value: datetime | str | float) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        raise ValueError(f"time must carry a time zone, got {value!r}")
    return value.timestamp()


def incidents_from_truth(turns: Iterable[Mapping[str, Any]]) -> list[Incident]:
    """Incidents from turns carrying ``ts`` and their truth (``incident_id``, ``harm_category``)."""
    spans: dict[str, list[float]] = {}
    counts: Counter[str] = Counter()
    harmful: dict[str, Counter[str]] = {}
    for turn in turns:
        inc = turn.get("incident_id")
        if not inc:
            continue
        t = epoch(turn["ts"])
        lo_hi = spans.setdefault(inc, [t, t])
        lo_hi[0], lo_hi[1] = min(lo_hi[0], t), max(lo_hi[1], t)
        counts[inc] += 1
        if turn.get("harm_category"):
            harmful.setdefault(inc, Counter())[turn["harm_category"]] += 1
    return sorted(
        (Incident(i, s[0], s[1], counts[i], dict(harmful.get(i, {}))) for i, s in spans.items()),
        key=lambda x: (x.start, x.id),
    )


def signals_from_windows(windows: Sequence[Mapping[str, Any]]) -> list[Signal]:
    """Alerts firing, pages and actions from closed windows' ``result.alerts``, in time order."""
    out: list[Signal] = []
    paged: set[str] = set()
    for w in windows:
        alerts = (w.get("result") or {}).get("alerts") or {}
        for tr in alerts.get("transitions") or ():
            labels = dict(tr.get("labels") or {})
            severity = labels.get("severity", "")
            if tr.get("to") == "firing" and severity in DETECTING_SEVERITIES:
                out.append(Signal("alert", tr["alert"], severity, float(tr["at"]), labels))
        for rec in alerts.get("records") or ():
            if rec.get("type") == "action":
                out.append(Signal("action", rec["action"], rec["incident"].split("-", 1)[0], float(rec["at"]),
                                  {k: str(v) for k, v in (rec.get("params") or {}).items()}))  # fmt: skip
            elif rec.get("type") == "notification" and rec.get("status") == "firing":
                incident = rec["incident"]
                if incident.startswith("critical-") and incident not in paged:
                    paged.add(incident)
                    labels = ((rec.get("payload") or {}).get("commonLabels")) or {}
                    out.append(Signal("page", incident, "critical", float(rec["at"]), dict(labels)))
    return sorted(out, key=lambda s: (s.at, s.kind, s.name))
