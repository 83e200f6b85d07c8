"""The Alertmanager webhook body (version 4) for one incident, as a plain dict (pure).

Receivers written for Alertmanager (PagerDuty bridges, Slack relays, ``amtool``-style tools)
accept it unchanged: ``status``, ``groupLabels``, ``commonLabels``, ``commonAnnotations`` and one
entry per alert with ``startsAt``/``endsAt`` in RFC 3339 and a stable ``fingerprint``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def fingerprint(labels: Mapping[str, str]) -> str:
    """A stable id for a label set (the same labels give the same id across processes)."""
    return hashlib.sha256(repr(sorted(labels.items())).encode()).hexdigest()[:16]


def _iso(t: float | None) -> str:
    if t is None:
        return "0001-01-01T00:00:00Z"
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def payload(inc: Any, receiver: str, status: str) -> dict[str, Any]:
    """The Alertmanager webhook body (version 4) for one incident."""
    alerts = [
        {"status": a["status"], "labels": a["labels"], "annotations": a["annotations"], "startsAt": _iso(a["starts_at"]),
         "endsAt": _iso(a.get("ends_at")), "generatorURL": "", "fingerprint": fingerprint(a["labels"])}
        for _, a in sorted(inc.alerts.items())
    ]
    label_sets = [a["labels"] for a in alerts] or [{}]
    common = {k: v for k, v in label_sets[0].items() if all(ls.get(k) == v for ls in label_sets)}
    ann_sets = [a["annotations"] for a in alerts] or [{}]
    common_ann = {k: v for k, v in ann_sets[0].items() if all(s.get(k) == v for s in ann_sets)}
    return {"version": "4", "groupKey": inc.id, "truncatedAlerts": 0, "status": status, "receiver": receiver,
            "groupLabels": dict(inc.group), "commonLabels": common, "commonAnnotations": common_ann,
            "externalURL": "", "alerts": alerts}
