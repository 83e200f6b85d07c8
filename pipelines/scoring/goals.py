"""Exercise goals: checks on scorecards, each stated in a scenario's ``goal:`` list (pure).

A goal is one check key, optionally with ``incident:`` naming the ground-truth incident it is
about (default: every incident of the run). It passes only if it holds on **every** seed::

    goal:
      - page_within_windows: 3          # each incident paged by start + (3 + 1) windows
        incident: INC-injection-wave
      - max_false_pages_per_day: 1

"Within N windows" allows N + 1 window lengths after the incident's first turn, because the turn
can fall anywhere inside the window that holds it (the scenario tests use the same rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

INCIDENT_CHECKS = ("page_within_windows", "detect_within_windows", "max_harmful_turns", "max_harmful_before_detection",
                   "action_within_windows", "alert_within_windows", "not_paged")  # fmt: skip
RUN_CHECKS = ("max_false_pages_per_day", "max_pages_per_day", "min_recall", "min_alert_precision", "max_cost",
              "forbid_action_outside_incidents", "forbid_alert", "page_alert_within_windows")  # fmt: skip
CHECKS = INCIDENT_CHECKS + RUN_CHECKS


def validate_goals(goals: Sequence[Mapping[str, Any]]) -> list[str]:
    """Problems with a ``goal:`` list as ``goal[i]: message`` lines (empty when valid)."""
    problems = []
    for i, goal in enumerate(goals):
        keys = [k for k in goal if k != "incident"]
        if len(keys) != 1 or keys[0] not in CHECKS:
            problems.append(f"goal[{i}]: expected exactly one of {', '.join(CHECKS)} (plus optional incident), got {sorted(goal)}")
        elif "incident" in goal and keys[0] not in INCIDENT_CHECKS:
            problems.append(f"goal[{i}].incident: {keys[0]} is about the whole run, not one incident")
    return problems


def describe(goal: Mapping[str, Any]) -> str:
    key = next(k for k in goal if k != "incident")
    where = f" ({goal['incident']})" if "incident" in goal else ""
    return f"{key}: {goal[key]}{where}"


def _incident_rows(run: Mapping[str, Any], goal: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = [r for r in run["incidents"] if "incident" not in goal or r["incident"] == goal["incident"]]
    if "incident" in goal and not rows:
        raise ValueError(f"goal names incident {goal['incident']!r}, which never happened in this run")
    return rows


def _check_run(goal: Mapping[str, Any], run: Mapping[str, Any], window_s: float) -> tuple[bool, Any]:
    key = next(k for k in goal if k != "incident")
    want = goal[key]
    within = lambda minutes, n: minutes is not None and minutes * 60 <= (n + 1) * window_s  # noqa: E731
    if key in INCIDENT_CHECKS:
        rows = _incident_rows(run, goal)
        if key == "page_within_windows":
            seen = [r["time_to_page_min"] for r in rows]
            return all(within(m, want) for m in seen), seen
        if key == "detect_within_windows":
            seen = [r["detection_delay_min"] for r in rows]
            return all(within(m, want) for m in seen), seen
        if key == "max_harmful_turns":  # a number, or a bound per harm category
            if isinstance(want, Mapping):
                seen = [{c: r["harm_by_category"].get(c, 0) for c in want} for r in rows]
                return all(x[c] <= n for x in seen for c, n in want.items()), seen
            seen = [r["harmful_turns"] for r in rows]
            return all(x <= want for x in seen), seen
        if key == "max_harmful_before_detection":
            seen = [r["harmful_before_detection"] for r in rows]
            return all(x <= want for x in seen), seen
        if key == "not_paged":
            seen = [r["paged"] for r in rows]
            return (not any(seen)) == bool(want), seen
        if key in ("action_within_windows", "alert_within_windows"):
            kind = "action" if key == "action_within_windows" else "alert"
            ok, seen = True, {}
            for name, n in want.items():
                for r in rows:
                    delays = [(t - r["start"]) / 60 for t in _times(run, kind, name) if r["start"] < t <= r["end"] + (n + 1) * window_s]
                    first = min(delays, default=None)
                    seen[f"{name}@{r['incident']}"] = None if first is None else round(first, 1)
                    ok &= within(first, n)
            return ok, seen
    if key == "max_false_pages_per_day":
        return run["false_pages_per_day"] <= want, run["false_pages_per_day"]
    if key == "max_pages_per_day":
        return run["pages_per_day"] <= want, run["pages_per_day"]
    if key == "min_recall":
        return run["recall"] is not None and run["recall"] >= want, run["recall"]
    if key == "min_alert_precision":
        # No alert at all is vacuously precise; recall goals catch a silent monitor.
        precision = run["alert_precision"]
        return precision is None or precision >= want, precision
    if key == "max_cost":
        return run["cost"]["total"] <= want, run["cost"]["total"]
    if key == "forbid_action_outside_incidents":
        names = [want] if isinstance(want, str) else list(want)
        bad = [a for a in run["actions"] if a["action"] in names and not _in_any_incident(run, a["at"], window_s)]
        return not bad, len(bad)
    if key == "page_alert_within_windows":  # the named alert pages, counted from the run's start
        ok, seen = True, {}
        for name, n in want.items():
            at = [a["at"] for a in run.get("alert_times", []) if a["alert"] == name and a["severity"] == "critical"]
            first = None if not at else round((min(at) - run["start"]) / 60, 1)
            seen[name] = first
            ok &= within(first, n)
        return ok, seen
    if key == "forbid_alert":
        fired = [a for a in run.get("alert_times", []) if a["alert"] == want]
        return not fired, len(fired)
    raise ValueError(f"unknown goal {key!r}; valid: {', '.join(CHECKS)}")


def _times(run: Mapping[str, Any], kind: str, name: str) -> list[float]:
    if kind == "action":
        return [a["at"] for a in run["actions"] if a["action"] == name]
    return [a["at"] for a in run.get("alert_times", []) if a["alert"] == name]


def _in_any_incident(run: Mapping[str, Any], t: float, window_s: float) -> bool:
    tol = run.get("tolerance_windows", 3) * window_s
    return any(r["start"] < t <= r["end"] + tol for r in run["incidents"])


def check_goals(goals: Sequence[Mapping[str, Any]], runs: Sequence[Mapping[str, Any]], *, window_s: float) -> list[dict[str, Any]]:
    """One row per goal: passed on every seed, and what each seed showed."""
    problems = validate_goals(goals)
    if problems:
        raise ValueError("; ".join(problems))
    out = []
    for goal in goals:
        results = [_check_run(goal, run, window_s) for run in runs]
        out.append({"goal": describe(goal), "passed": all(ok for ok, _ in results), "observed": [seen for _, seen in results]})
    return out
