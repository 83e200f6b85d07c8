"""Whole-engine scenarios on the shipped alerts.yaml and escalation.yaml, promtool style: per-window
results in, then what must be firing, who was told and what ran, at given event times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.alerting import engine
from pipelines.harm import CATEGORIES
from pipelines.harm_rates import window_harm
from pipelines.monitor import volume
from pipelines.rates import ErrorRates
from services.config.alerts import load_alerts_config
from services.config.base import repo_configs_dir
from services.config.escalation import alerting_config, load_escalation_config

T0 = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def cfg() -> engine.Alerting:
    d = repo_configs_dir()
    return alerting_config(load_alerts_config(d), load_escalation_config(d))


def window(n=50, **flagged: int) -> dict:
    """A worker-shaped window result: ``n`` turns, ``category=k`` of them flagged in that category."""
    turns = [{"segment": "en-web-free", "model_version": "support-bot-v1", "latency_ms": 900.0, "response": "ok"}] * n
    flags: list[dict] = [{} for _ in range(n)]
    i = 0
    for category, k in flagged.items():
        for _ in range(k):
            flags[i] = {category: "rules"}
            i += 1
    return {"volume": volume(turns), "harm": window_harm(turns, flags, categories=CATEGORIES, error_rates=ERRORS)}


# The tiers' measured errors on privacy_pii (PiiLeak pages on the corrected rate): every leak
# caught, 0.3 % of clean turns misread.
ERRORS = {"privacy_pii": ErrorRates(tp=200, fn=0, fp=150, tn=50_000)}


def replay(cfg, windows):
    """Run every window (the i-th ends at T0 + 5(i+1) min); per minute: firing alert names and records."""
    state, log = {}, {}
    for i, result in enumerate(windows):
        minute = 5 * (i + 1)
        state, out = engine.step(cfg, result, T0 + timedelta(minutes=minute), state)
        state = json.loads(json.dumps(state))
        log[minute] = (sorted({a["labels"]["alertname"] for a in out["firing"]}),
                       sorted({(a["labels"]["alertname"], a["labels"]["severity"]) for a in out["firing"]}),
                       [(r.get("target") or r["action"], r.get("status", "run")) for r in out["records"]])
    return state, log


def test_a_pii_leak_pages_escalates_mitigates_and_resolves(cfg):
    windows = [window()] * 6 + [window(privacy_pii=3)] * 4 + [window()] * 5
    state, log = replay(cfg, windows)
    both = ["PiiLeak", "PiiLeakSingle"]
    assert (log[30][0], log[30][2]) == ([], [])
    # Both rules fire; the warning's incident opens too (its action runs) but the page inhibits its notification.
    assert (log[35][0], log[35][2]) == (both, [("raise_review_sampling", "run"), ("raise_review_sampling", "run"),
                                              ("oncall-primary", "firing")])
    assert (log[50][0], log[50][2]) == (both, [("oncall-secondary", "firing"), ("strict_mode", "run")])
    assert log[60][0] == both  # keep_firing_for 15m after the last leak at 50m
    assert (log[65][0], log[65][2]) == ([], [("oncall-primary", "resolved"), ("oncall-secondary", "resolved")])
    inc = next(i for i in state["escalation"]["incidents"].values() if i["severity"] == "critical")
    assert [e["event"] for e in inc["timeline"]] == [
        "opened", "fired", "auto_action", "notified", "escalated", "notified", "auto_action", "resolved"]


def test_a_budget_burn_page_mutes_the_category_warning_it_explains(cfg):
    """Harassment at 10 %: the warning tells the team at 15m; once the hour burns 14.4x the page
    goes out, and the warning's escalation to on-call is inhibited instead of paging twice."""
    windows = [window()] * 72 + [window(harassment_hate=5)] * 14  # a clean 6 h first, so every window is full
    state, log = replay(cfg, windows)
    warned = next(m for m, (names, _, _) in log.items() if "HarassmentRateHigh" in names)
    paged = next(m for m, (_, sev, _) in log.items() if ("HarassmentBudgetBurn", "critical") in sev)
    # Harassment starts in the window ending at 365m: 3 windows hold `for: 10m`; the hour passes
    # 14.4x after 9 windows (10 % * 9 / 12 = 7.5 % > 7.2 %), long before the 6 h passes 6x.
    assert (warned, paged) == (375, 405)
    assert ("team-channel", "firing") in log[warned][2]
    assert ("oncall-primary", "firing") in log[paged][2]
    warning = next(i for i in state["escalation"]["incidents"].values()
                   if i["group"]["alertname"] == "HarassmentRateHigh")
    assert warning["status"] == "open" and warning["suppressed"]
    assert warning["timeline"][-1]["reason"] == "inhibited by HarassmentBudgetBurn (critical)"
