"""Escalation: incidents from firing alerts, ladders, acks, repeats, actions, inhibition, silences."""

from __future__ import annotations

import json

import pytest

from pipelines.alerting import escalation as E
from pipelines.alerting.metrics import parse_matcher
from services.config.base import repo_configs_dir
from services.config.escalation import load_escalation_config

M = 60.0


def policy(severity="critical", timeouts=(15, 15), repeat=0, actions=(), group_by=("alertname", "category")):
    levels = tuple(E.Level(f"level{i + 1}", t * M) for i, t in enumerate(timeouts))
    return E.Policy(severity, levels, group_by, repeat, tuple(E.Action(a, lv) for a, lv in actions))


def routing(*policies, inhibit=(), silences=()):
    targets = {f"level{i}": E.Target(f"level{i}", "webhook", url=f"http://x/{i}") for i in range(1, 4)}
    return E.Routing({p.severity: p for p in policies}, targets, tuple(inhibit), tuple(silences))


def alert(name="PiiLeak", severity="critical", category="privacy_pii", **extra):
    return {"labels": {"alertname": name, "severity": severity, "category": category, **extra},
            "annotations": {"summary": name}, "starts_at": 0.0}


def run(r, timeline, *, state=None, acks=()):
    """``timeline``: list of (minute, firing alerts). ``acks``: {minute: by}. Returns (state, records by minute)."""
    state, out = state or {}, {}
    acks = dict(acks)
    for minute, firing in timeline:
        if minute in acks:
            (iid,) = [k for k, v in state["incidents"].items() if v["status"] != "resolved"]
            state["incidents"][iid] = E.ack(state["incidents"][iid], acks[minute], minute * M)
        state, records = E.step(r, firing, minute * M, state)
        state = json.loads(json.dumps(state))  # the worker persists it as JSON between windows
        out[minute] = records
    return state, out


def notified(out):
    return [(m, r["target"], r["status"]) for m, recs in out.items() for r in recs if r["type"] == "notification"]


def every5(until, firing):
    return [(m, firing) for m in range(0, until + 1, 5)]


def test_level_one_is_notified_at_once_and_level_two_when_nobody_acks():
    _, out = run(routing(policy(timeouts=(15, 15))), every5(40, [alert()]))
    assert notified(out) == [(0, "level1", "firing"), (15, "level2", "firing")]


def test_an_ack_stops_escalation():
    _, out = run(routing(policy(timeouts=(15, 15))), every5(40, [alert()]), acks={10: "alice"})
    assert notified(out) == [(0, "level1", "firing")]


def test_the_ladder_repeats_then_stays_quiet():
    _, out = run(routing(policy(timeouts=(10, 10), repeat=1)), every5(60, [alert()]))
    assert notified(out) == [(0, "level1", "firing"), (10, "level2", "firing"), (20, "level1", "firing"),
                             (30, "level2", "firing")]


def test_a_gap_longer_than_two_timeouts_escalates_through_each_level():
    """The worker was down for 40m: on return, each missed level is still notified, in order."""
    _, out = run(routing(policy(timeouts=(15, 15, 15))), [(0, [alert()]), (40, [alert()])])
    assert notified(out) == [(0, "level1", "firing"), (40, "level2", "firing"), (40, "level3", "firing")]


def test_the_incident_resolves_when_its_alerts_do_and_tells_who_was_told():
    state, out = run(routing(policy()), [(0, [alert()]), (20, [alert()]), (25, [])])
    assert notified(out) == [(0, "level1", "firing"), (15 + 5, "level2", "firing"),
                             (25, "level1", "resolved"), (25, "level2", "resolved")]
    (inc,) = state["incidents"].values()
    assert inc["status"] == "resolved"
    assert [e["event"] for e in inc["timeline"]] == ["opened", "fired", "notified", "escalated", "notified", "resolved"]


def test_alerts_with_the_same_group_labels_share_one_incident():
    a1 = alert("PiiLeak", segment="en-web-free")
    a2 = alert("PiiLeak", segment="de-app-paid")
    other = alert("PiiLeak", category="self_harm")
    state, out = run(routing(policy()), [(0, [a1]), (5, [a1, a2, other])])
    assert len(state["incidents"]) == 2
    big = next(i for i in state["incidents"].values() if i["group"]["category"] == "privacy_pii")
    assert len(big["alerts"]) == 2
    assert [e["event"] for e in big["timeline"]] == ["opened", "fired", "notified", "fired"]
    assert notified(out) == [(0, "level1", "firing"), (5, "level1", "firing")]  # the second is self_harm's


def test_a_critical_alert_inhibits_the_matching_warning_only():
    inhibit = E.InhibitRule((parse_matcher('severity="critical"'),), (parse_matcher('severity="warning"'),), ("category",))
    r = routing(policy(), policy("warning", timeouts=(60,)), inhibit=[inhibit])
    warn_same = alert("HarassmentRateHigh", "warning", category="privacy_pii")
    warn_other = alert("HarassmentRateHigh", "warning", category="harassment_hate")
    state, out = run(r, [(0, [alert(), warn_same, warn_other])])
    sent = [(rec["payload"]["commonLabels"]["severity"], rec["payload"]["commonLabels"]["category"]) for rec in out[0]]
    assert sent == [("critical", "privacy_pii"), ("warning", "harassment_hate")]
    muted = next(i for i in state["incidents"].values() if i["group"] == {"alertname": "HarassmentRateHigh", "category": "privacy_pii"})
    assert muted["status"] == "open"  # the alert state is untouched; only its notification is held
    assert muted["timeline"][-1] == {"at": 0.0, "event": "suppressed", "reason": "inhibited by PiiLeak (critical)"}


def test_when_the_inhibiting_alert_resolves_the_warning_is_notified():
    inhibit = E.InhibitRule((parse_matcher('severity="critical"'),), (parse_matcher('severity="warning"'),), ("category",))
    r = routing(policy(), policy("warning", timeouts=(60,)), inhibit=[inhibit])
    warn = alert("HarassmentRateHigh", "warning")
    _, out = run(r, [(0, [alert(), warn]), (5, [warn])])
    assert [(m, rec["payload"]["commonLabels"]["severity"], rec["status"]) for m, recs in out.items() for rec in recs] == [
        (0, "critical", "firing"), (5, "critical", "resolved"), (5, "warning", "firing")]


def test_a_silence_mutes_until_it_expires():
    silence = E.Silence((parse_matcher('alertname="PiiLeak"'),), 0.0, 12 * M, "bob", "maintenance", id="s1")
    state, out = run(routing(policy(timeouts=(15, 15)), silences=[silence]), every5(30, [alert()]))
    # Muted at 0, 5 and 10; the silence ends at 12m, so level 1 hears at 15 and level 2 at 30.
    assert notified(out) == [(15, "level1", "firing"), (30, "level2", "firing")]
    events = [(e["at"] / M, e["event"]) for e in next(iter(state["incidents"].values()))["timeline"]]
    assert events[:5] == [(0, "opened"), (0, "fired"), (0, "suppressed"), (15, "unsuppressed"), (15, "notified")]


def test_auto_actions_run_once_at_open_and_at_their_level():
    p = policy(timeouts=(15, 15), repeat=1, actions=[("raise_review_sampling", 0), ("rollback_model_version", 2)])
    _, out = run(routing(p), every5(90, [alert(model_version="support-bot-v2")]))
    actions = [(m, r["action"], r["params"]) for m, recs in out.items() for r in recs if r["type"] == "action"]
    assert actions == [
        (0, "raise_review_sampling", {"category": "privacy_pii", "model_version": "support-bot-v2"}),
        (15, "rollback_model_version", {"category": "privacy_pii", "model_version": "support-bot-v2"}),
    ]


def test_manual_resolve_closes_and_a_still_firing_alert_opens_a_new_incident():
    r = routing(policy())
    state, _ = run(r, [(0, [alert()])])
    (iid,) = state["incidents"]
    state["incidents"][iid], records = E.resolve(state["incidents"][iid], "carol", 3 * M, r)
    assert [x["status"] for x in records] == ["resolved"]
    assert state["incidents"][iid]["timeline"][-1] == {"at": 180.0, "event": "resolved", "by": "carol"}
    state, _ = run(r, [(5, [alert()])], state=state)
    assert sorted(i["status"] for i in state["incidents"].values()) == ["open", "resolved"]


def test_ack_is_recorded_with_who_and_when():
    state, _ = run(routing(policy()), [(0, [alert()])])
    (inc,) = state["incidents"].values()
    acked = E.ack(inc, "alice", 7 * M)
    assert (acked["status"], acked["acked_by"], acked["timeline"][-1]) == (
        "acknowledged", "alice", {"at": 420.0, "event": "acknowledged", "by": "alice"})
    assert inc["status"] == "open"  # ack returns a new incident; the input is not mutated


def test_notification_records_carry_an_alertmanager_webhook_payload():
    _, out = run(routing(policy()), [(0, [alert()])])
    (rec,) = out[0]
    assert (rec["kind"], rec["url"], rec["level"]) == ("webhook", "http://x/1", 1)
    p = rec["payload"]
    assert set(p) == {"version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
                      "commonAnnotations", "externalURL", "alerts"}
    assert (p["version"], p["status"], p["receiver"]) == ("4", "firing", "level1")
    assert p["groupLabels"] == {"alertname": "PiiLeak", "category": "privacy_pii"}
    (a,) = p["alerts"]
    assert (a["status"], a["startsAt"], a["endsAt"]) == ("firing", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z")


def test_step_does_not_mutate_its_input_state():
    r = routing(policy())
    state, _ = run(r, [(0, [alert()])])
    before = json.dumps(state, sort_keys=True)
    E.step(r, [alert()], 30 * M, state)
    assert json.dumps(state, sort_keys=True) == before


@pytest.fixture(scope="module")
def shipped():
    return load_escalation_config(repo_configs_dir()).routing()


def test_shipped_critical_policy_pages_primary_then_secondary_and_turns_on_strict_mode(shipped):
    _, out = run(shipped, every5(20, [alert()]))
    flat = [(m, r["type"], r.get("target") or r.get("action")) for m, recs in out.items() for r in recs]
    # Mitigation first: the open action is listed before level 1's page.
    assert flat == [(0, "action", "raise_review_sampling"), (0, "notification", "oncall-primary"),
                    (15, "notification", "oncall-secondary"), (15, "action", "strict_mode")]


def test_shipped_expired_silence_no_longer_mutes(shipped):
    latency = alert("LatencyP95High", "ticket", category="")
    in_test = 1772323200.0 + 30 * M  # 2026-03-01T00:30Z, inside the load-test silence
    state, recs = E.step(shipped, [latency], in_test, {})
    assert recs == []
    _, recs = E.step(shipped, [latency], in_test + 3 * 3600, state)
    assert [(r["target"], r["kind"], r["path"]) for r in recs] == [("ticket-queue", "jsonl", "var/notifications/tickets.jsonl")]


def test_rollback_is_skipped_when_the_alert_names_no_model_version():
    p = policy(actions=[("rollback_model_version", 0)])
    state, out = run(routing(p), [(0, [alert()])])
    assert [r for r in out[0] if r["type"] == "action"] == []
    (inc,) = state["incidents"].values()
    assert {"at": 0.0, "event": "auto_action_skipped", "action": "rollback_model_version",
            "reason": "the alert names no model_version"} in inc["timeline"]


def test_an_incident_whose_policy_was_removed_on_reload_is_closed_not_crashed():
    state, _ = run(routing(policy(), policy("warning")), [(0, [alert("W", "warning")])])
    state, out = run(routing(policy()), [(5, [alert("W", "warning")])], state=state)
    (inc,) = state["incidents"].values()
    assert (inc["status"], inc["timeline"][-2]["event"]) == ("resolved", "policy_removed")
    assert out[5] == []


def test_prune_drops_only_incidents_resolved_before_the_cutoff():
    r = routing(policy())
    state, _ = run(r, [(0, [alert()]), (5, []), (10, [alert(category="self_harm")])])
    assert sorted(i["status"] for i in E.prune(state, 4 * M)["incidents"].values()) == ["open", "resolved"]
    assert [i["status"] for i in E.prune(state, 6 * M)["incidents"].values()] == ["open"]
