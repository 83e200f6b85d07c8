"""Incidents from firing alerts: grouping, escalation ladders, actions, inhibition, silences (pure).

Once per closed window the worker calls :func:`step` with the alerts now firing and the stored
state; it gets back the new state and the *records* to carry out (notifications to send,
automatic actions to run). This module does no I/O: a notification record holds the target's kind
(``log``, ``jsonl`` file, ``webhook`` URL) and an Alertmanager-compatible webhook payload.

Lifecycle of an incident (one per policy and ``group_by`` label values):

* opens when an alert of its group fires: level 1 is notified at once, ``when: open`` actions run;
* not acknowledged within a level's ``ack_timeout`` -> escalates to the next level; after the last
  level the ladder restarts from level 1, ``repeat`` more times;
* :func:`ack` stops escalation; :func:`resolve` (or all its alerts resolving) closes it.

Silences and inhibitions suppress *notifications*, never alert state: while every alert of an
incident is suppressed, nothing is sent and the ladder waits; when suppression ends (a silence
expires), the current level is notified. Automatic actions are mitigations and still run.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pipelines.alerting.metrics import Matcher
from pipelines.alerting.payload import fingerprint, payload
from pipelines.alerting.rules import ts

ACTIONS = ("raise_review_sampling", "strict_mode", "rollback_model_version")
TARGET_KINDS = ("log", "jsonl", "webhook")


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # log | jsonl | webhook
    path: str | None = None  # jsonl
    url: str | None = None  # webhook


@dataclass(frozen=True)
class Level:
    target: str
    ack_timeout_s: float


@dataclass(frozen=True)
class Action:
    action: str
    at_level: int  # 0 = when the incident opens


@dataclass(frozen=True)
class Policy:
    severity: str
    levels: tuple[Level, ...]
    group_by: tuple[str, ...] = ("alertname",)
    repeat: int = 0
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class InhibitRule:
    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...] = ()


@dataclass(frozen=True)
class Silence:
    matchers: tuple[Matcher, ...]
    starts_s: float
    ends_s: float
    created_by: str
    comment: str
    id: str = ""

    def active(self, now: float) -> bool:
        return self.starts_s <= now < self.ends_s


@dataclass(frozen=True)
class Routing:
    """Everything :func:`step` needs from ``escalation.yaml``."""

    policies: dict[str, Policy]  # by severity
    targets: dict[str, Target]
    inhibit_rules: tuple[InhibitRule, ...] = ()
    silences: tuple[Silence, ...] = ()


@dataclass
class Incident:
    id: str
    severity: str
    group: dict[str, str]
    opened_at: float
    status: str = "open"  # open | acknowledged | resolved
    level: int = 1
    cycle: int = 0  # how many times the ladder restarted
    level_since: float = 0.0
    notified: list[int] = field(default_factory=list)  # [level, cycle] last notified, [] if none
    suppressed: bool = False
    alerts: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions_taken: list[str] = field(default_factory=list)
    acked_by: str | None = None
    resolved_at: float | None = None
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def note(self, at: float, event: str, **detail: Any) -> None:
        self.timeline.append({"at": at, "event": event, **detail})


def _all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels) for m in matchers)


def suppressed_by(labels: Mapping[str, str], firing: list[dict[str, Any]], routing: Routing, now: float) -> str | None:
    """Why notifications for an alert are held back (``silence ...``/``inhibited by ...``), or None."""
    for s in routing.silences:
        if s.active(now) and _all(s.matchers, labels):
            return f"silence {s.id or '(unnamed)'} by {s.created_by}: {s.comment}"
    for rule in routing.inhibit_rules:
        if not _all(rule.target, labels):
            continue
        for src in firing:
            sl = src["labels"]
            if sl != labels and _all(rule.source, sl) and all(sl.get(e) == labels.get(e) for e in rule.equal):
                return f"inhibited by {sl.get('alertname')} ({sl.get('severity')})"
    return None


def _notify(inc: Incident, routing: Routing, target_name: str, now: float, status: str, level: int) -> dict[str, Any]:
    t = routing.targets[target_name]
    rec = {"type": "notification", "at": now, "incident": inc.id, "level": level, "target": t.name, "kind": t.kind,
           "status": status, "payload": payload(inc, t.name, status)}
    if t.path is not None:
        rec["path"] = t.path
    if t.url is not None:
        rec["url"] = t.url
    return rec


def _run_actions(inc: Incident, policy: Policy, at_level: int, now: float) -> list[dict[str, Any]]:
    out = []
    for a in policy.actions:
        if a.at_level != at_level or a.action in inc.actions_taken:
            continue
        inc.actions_taken.append(a.action)
        labels = next(iter(inc.alerts.values()))["labels"] if inc.alerts else {}
        params = {k: labels[k] for k in ("category", "model_version", "segment") if k in labels}
        if a.action == "rollback_model_version" and "model_version" not in params:
            # Only an alert about one model version says which version to roll back.
            inc.note(now, "auto_action_skipped", action=a.action, reason="the alert names no model_version")
            continue
        inc.note(now, "auto_action", action=a.action, **params)
        out.append({"type": "action", "at": now, "incident": inc.id, "action": a.action, "params": params})
    return out


def group_of(labels: Mapping[str, str], policy: Policy) -> dict[str, str]:
    return {k: labels.get(k, "") for k in policy.group_by}


def incident_id(severity: str, group: Mapping[str, str], opened_at: float) -> str:
    """URL-safe and stable: ``critical-3f2a9c1d-1772409600`` (severity, group hash, opened at)."""
    return f"{severity}-{fingerprint(group)[:8]}-{int(opened_at)}"


def step(
    routing: Routing, firing: Iterable[Mapping[str, Any]], now: datetime | float, state: Mapping[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One evaluation: ``firing`` from :func:`pipelines.alerting.rules.firing` (both rule kinds).

    ``state`` is ``{"incidents": {id: Incident dict}}`` (``{}`` to start; resolved incidents are
    kept so the API can show their timelines; the caller may prune them). Returns (new state,
    records); a record is ``{"type": "notification"|"action", ...}``.
    """
    t = ts(now)
    firing = [dict(a) for a in firing]
    incidents = {k: Incident(**copy.deepcopy(v)) for k, v in (state.get("incidents") or {}).items()}
    records: list[dict[str, Any]] = []
    open_by_group = {(i.severity, tuple(sorted(i.group.items()))): i for i in incidents.values() if i.status != "resolved"}
    firing_keys: dict[str, set[str]] = {}
    for a in firing:
        labels = a["labels"]
        policy = routing.policies.get(labels.get("severity", ""))
        if policy is None:
            continue  # config validation guarantees every rule severity has a policy
        group = group_of(labels, policy)
        key = (policy.severity, tuple(sorted(group.items())))
        inc = open_by_group.get(key)
        if inc is None:
            inc = Incident(id=incident_id(policy.severity, group, t), severity=policy.severity, group=group,
                           opened_at=t, level_since=t)
            incidents[inc.id] = open_by_group[key] = inc
            inc.note(t, "opened")
        fp = fingerprint(labels)
        firing_keys.setdefault(inc.id, set()).add(fp)
        if fp not in inc.alerts:
            inc.alerts[fp] = {"status": "firing", "labels": dict(labels), "annotations": dict(a.get("annotations") or {}),
                              "starts_at": a.get("starts_at", t), "ends_at": None}
            inc.note(t, "fired", alert=labels.get("alertname"), labels=dict(labels))
        else:
            inc.alerts[fp].update(status="firing", ends_at=None, annotations=dict(a.get("annotations") or {}))
    for inc in sorted(incidents.values(), key=lambda i: i.opened_at):
        if inc.status == "resolved":
            continue
        policy = routing.policies.get(inc.severity)
        live = firing_keys.get(inc.id, set())
        if policy is None:  # the config no longer has this severity: nobody is left to tell
            inc.note(t, "policy_removed")
            records += _close(inc, None, t, by=None)
            continue
        inc.level = min(inc.level, len(policy.levels))  # a reloaded policy may have fewer levels
        for fp, a in inc.alerts.items():
            if fp not in live and a["status"] == "firing":
                a.update(status="resolved", ends_at=t)
        if not live:
            records += _close(inc, routing, t, by=None)
            continue
        records += _run_actions(inc, policy, 0, t)
        if inc.status == "acknowledged":
            continue
        reasons = [suppressed_by(a["labels"], firing, routing, t) for fp, a in inc.alerts.items() if fp in live]
        if all(reasons):
            if not inc.suppressed:
                inc.note(t, "suppressed", reason=reasons[0])
            inc.suppressed, inc.level_since = True, t  # the ladder waits while nobody could be told
            continue
        if inc.suppressed:
            inc.note(t, "unsuppressed")
            inc.suppressed, inc.level_since = False, t  # the ack timeout starts when someone is told
        records += _advance(inc, routing, policy, t)
    return {"incidents": {k: asdict(v) for k, v in incidents.items()}}, records


def _advance(inc: Incident, routing: Routing, policy: Policy, t: float) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while True:
        if inc.notified != [inc.level, inc.cycle]:
            level = policy.levels[inc.level - 1]
            inc.notified = [inc.level, inc.cycle]
            inc.note(t, "notified", level=inc.level, target=level.target)
            records.append(_notify(inc, routing, level.target, t, "firing", inc.level))
            records += _run_actions(inc, policy, inc.level, t)
        timeout = policy.levels[inc.level - 1].ack_timeout_s
        if t - inc.level_since < timeout:
            return records
        due = inc.level_since + timeout
        if inc.level < len(policy.levels):
            inc.level += 1
        elif inc.cycle < policy.repeat:
            inc.level, inc.cycle = 1, inc.cycle + 1
        else:
            return records  # ladder exhausted: stays at the last level, already told
        inc.level_since = due
        inc.note(t, "escalated", level=inc.level, cycle=inc.cycle)


def _close(inc: Incident, routing: Routing | None, t: float, by: str | None) -> list[dict[str, Any]]:
    inc.status, inc.resolved_at = "resolved", t
    inc.note(t, "resolved", **({"by": by} if by else {}))
    for a in inc.alerts.values():
        if a["status"] == "firing":
            a.update(status="resolved", ends_at=t)
    told = sorted({e["target"]: e["level"] for e in inc.timeline if e["event"] == "notified"}.items(), key=lambda x: x[1])
    if routing is None:
        return []
    return [_notify(inc, routing, target, t, "resolved", level) for target, level in told]


def prune(state: Mapping[str, Any], resolved_before: datetime | float) -> dict[str, Any]:
    """The state without incidents resolved before ``resolved_before`` (the store keeps history)."""
    cut = ts(resolved_before)
    incidents = state.get("incidents") or {}
    return {**state, "incidents": {k: v for k, v in incidents.items()
                                   if v["status"] != "resolved" or v["resolved_at"] >= cut}}


def ack(incident: Mapping[str, Any], by: str, now: datetime | float) -> dict[str, Any]:
    """The incident (a state dict) acknowledged by ``by``: escalation stops, it stays open."""
    inc = Incident(**copy.deepcopy(dict(incident)))
    if inc.status == "open":
        inc.status, inc.acked_by = "acknowledged", by
        inc.note(ts(now), "acknowledged", by=by)
    return asdict(inc)


def resolve(
    incident: Mapping[str, Any], by: str, now: datetime | float, routing: Routing | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The incident resolved by hand, with the resolved notifications to send (none without ``routing``)."""
    inc = Incident(**copy.deepcopy(dict(incident)))
    if inc.status == "resolved":
        return asdict(inc), []
    records = _close(inc, routing, ts(now), by=by)
    return asdict(inc), (records if routing is not None else [])
