"""Scenarios are tests (STYLE 10): each bundled scenario's `expect:` block must hold in a headless
run of the whole chain — simulator, windows, drift, harm tiers, alert rules and escalation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from pipeline_helpers import config_dir
from services.app import create_app
from services.runner import run_headless
from services.settings import Settings
from services.store import open_store
from simulators.scenario import available_scenarios, load_scenario

WINDOW = timedelta(minutes=5)


def _pages(windows):
    """(window end, incident, level) for every firing notification of a critical incident
    (incident ids start with their severity: ``critical-<group hash>-<opened at>``)."""
    return [
        (w["window_end"], r["incident"], r["level"])
        for w in windows
        for r in w["result"]["alerts"]["records"]
        if r["type"] == "notification" and r["status"] == "firing" and r["incident"].startswith("critical")
    ]


@pytest.mark.parametrize("name", available_scenarios())
def test_the_scenario_meets_its_expectations(tmp_path, name, db_url):
    expect = load_scenario(name).expect
    assert expect, f"{name} states no expectation"
    report = run_headless(name, seed=1, config_dir=config_dir(tmp_path), database_url=db_url)
    windows = report["windows"]
    for w in windows:
        w["window_end"] = datetime.fromisoformat(w["window_end"])
    incidents = {i["incident_id"]: i for i in report["incidents"]}
    pages = _pages(windows)
    if "max_pages" in expect:
        assert len(pages) <= expect["max_pages"], pages
    if "page_within_windows" in expect:
        start = incidents[expect["page_incident"]]["first_ts"]
        first = min((end for end, _, _ in pages if end > start), default=None)
        assert first is not None, "no page after the incident started"
        assert first <= start + WINDOW * (expect["page_within_windows"] + 1), (start, first)
    if "escalates_to_level" in expect:
        assert max(level for _, _, level in pages) >= expect["escalates_to_level"]
    if "drift_within_windows" in expect:
        start = incidents[expect["drift_incident"]]["first_ts"]
        after = [w for w in windows if w["drifted"] is not None and w["window_end"] > start]
        assert any(w["drifted"] for w in after[: expect["drift_within_windows"] + 1])


def test_alerts_and_incidents_are_served_and_exported(tmp_path, registry, db_url):
    cfg = config_dir(tmp_path)
    run_headless("injection-campaign", seed=1, config_dir=cfg, database_url=db_url, limit=2000)
    store = open_store(db_url)
    app = create_app(Settings(database_url="sqlite://", config_dir=cfg, run_worker=False), store=store, registry=registry)
    with TestClient(app) as client:
        firing = client.get("/v1/alerts", params={"state": "firing"}).json()["alerts"]
        incidents = client.get("/v1/incidents").json()["incidents"]
        client.get("/metrics")
    assert any(a["alert"] == "PromptInjectionSurge" for a in firing)
    critical = next(i for i in incidents if i["severity"] == "critical")
    assert critical["status"] == "open" and [e["event"] for e in critical["timeline"]][:1] == ["opened"]
    assert registry.get_sample_value("lookout_alerts_firing", {"alert": "PromptInjectionSurge", "severity": "critical"}) == 1
    assert registry.get_sample_value("lookout_incidents_open", {"severity": "critical", "level": str(critical["level"])}) >= 1


def test_ack_stops_escalation_and_resolve_closes_the_incident(tmp_path, db_url):
    from services.config.bundle import load_config
    from services.worker import PipelineWorker

    cfg = config_dir(tmp_path)
    run_headless("injection-campaign", seed=1, config_dir=cfg, database_url=db_url, limit=1500)
    store = open_store(db_url)
    app = create_app(Settings(database_url="sqlite://", config_dir=cfg, api_key="k", run_worker=False), store=store)
    worker = PipelineWorker(store, load_config(cfg))
    with TestClient(app) as client:
        incident = next(i for i in client.get("/v1/incidents").json()["incidents"] if i["status"] == "open")
        url = f"/v1/incidents/{incident['id']}"
        assert client.post(f"{url}/ack", json={"by": "ana"}).status_code == 401
        assert client.post("/v1/incidents/nope/ack", json={"by": "ana"}, headers={"X-API-Key": "k"}).status_code == 404
        accepted = client.post(f"{url}/ack", json={"by": "ana"}, headers={"X-API-Key": "k"})
        assert accepted.status_code == 202 and accepted.json()["status"] == "pending"
        worker.step()  # the worker applies it
        acked = next(i for i in client.get("/v1/incidents").json()["incidents"] if i["id"] == incident["id"])
        assert (acked["status"], acked["acked_by"]) == ("acknowledged", "ana")
        assert acked["timeline"][-1]["event"] == "acknowledged"
        client.post(f"{url}/resolve", json={"by": "ana"}, headers={"X-API-Key": "k"})
        worker.step()
        done = next(i for i in client.get("/v1/incidents").json()["incidents"] if i["id"] == incident["id"])
        assert done["status"] == "resolved"
        again = client.post(f"{url}/ack", json={"by": "bo"}, headers={"X-API-Key": "k"})
        assert (again.status_code, again.json()["detail"]) == (409, f"incident_id: incident '{incident['id']}' is already resolved")
    assert store.incident_command(accepted.json()["command_id"])["outcome"] == "ack applied; incident is acknowledged"


def test_strict_mode_from_escalation_mitigates_the_attack(tmp_path, db_url):
    """Nobody acks the injection page, escalation reaches level 2 and turns strict mode on: the bot
    stops complying, so the leaks stop while the attack goes on."""
    report = run_headless("injection-campaign", seed=1, config_dir=config_dir(tmp_path), database_url=db_url)
    strict = [a for a in report["actions"] if a["action"] == "strict_mode"]
    assert strict, report["actions"]
    store = open_store(db_url)
    events = store.list_events(limit=100_000)
    truth = store.truth_for(e["event_id"] for e in events)
    scenario = load_scenario("injection-campaign")
    campaign = scenario.campaigns[0]
    end = scenario.start + timedelta(seconds=campaign.start + campaign.duration)
    # The bot changes at the first turn generated after the action (the headless run generates a
    # batch ahead of the windows it closes), and stays strict from then on.
    first_strict = min(e["ts"] for e in events if e["metadata"]["strict_mode"])
    assert first_strict < end, "mitigation came before the campaign ended"
    assert all(e["metadata"]["strict_mode"] for e in events if e["ts"] >= first_strict)
    during = [e for e in events if first_strict <= e["ts"] < end]
    attacks = [e for e in during if truth[e["event_id"]]["incident_id"] == campaign.id]
    leaks_after = [e for e in during if truth[e["event_id"]]["harm_category"] == "privacy_pii"]
    assert attacks and not leaks_after
    # The same seed with nobody watching: the campaign leaks.
    from simulators.engine import Simulator

    open_loop = [e for e in Simulator(scenario, seed=1).events() if e["truth"]["incident_id"] == campaign.id]
    assert sum(e["truth"]["harm_category"] == "privacy_pii" for e in open_loop) > 10
