"""People's silences: POST/GET/DELETE /v1/silences, and the worker muting notifications while a
silence is in force (event time) and notifying again once it expires or is deleted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pipeline_helpers import config_dir
from services.app import create_app
from services.config.bundle import load_config
from services.schemas import EventList
from services.settings import Settings
from services.store import open_store
from services.worker import PipelineWorker
from simulators.engine import Simulator
from simulators.scenario import load_scenario

KEY = {"X-API-Key": "k"}
START = "2026-03-02T08:00:00Z"  # injection-campaign's start; the attack begins two hours in


@pytest.fixture
def cfg(tmp_path):
    return config_dir(tmp_path)


@pytest.fixture
def attack(cfg, db_url):
    """A store holding the first 1,500 turns of injection-campaign (half an hour of attack), the
    rest of the turns to add later, a worker and an API client on that store."""
    store = open_store(db_url)
    events = list(Simulator(load_scenario("injection-campaign"), seed=1).events(limit=1800))
    store.insert_events(EventList.validate_python(events[:1500]))
    app = create_app(Settings(database_url="sqlite://", config_dir=cfg, api_key="k", run_worker=False), store=store)
    with TestClient(app) as client:
        yield store, events[1500:], PipelineWorker(store, load_config(cfg)), client


def _notified(report, alertname):
    return [
        r for w in report.windows for r in w["result"]["alerts"]["records"]
        if r["type"] == "notification" and any(a["labels"]["alertname"] == alertname for a in r["payload"]["alerts"])
    ]  # fmt: skip


def test_without_a_silence_the_injection_page_is_notified(attack):
    _, _, worker, _ = attack
    assert _notified(worker.step(), "PromptInjectionSurge")


def test_a_silenced_alert_sends_nothing_and_deleting_the_silence_restores_it(attack):
    store, rest, worker, client = attack
    body = {"matchers": {"alertname": "PromptInjectionSurge"}, "starts_at": START, "duration": "1d",
            "created_by": "dana", "comment": "red-team exercise"}  # fmt: skip
    created = client.post("/v1/silences", json=body, headers=KEY)
    assert created.status_code == 201, created.text
    silence = created.json()
    assert (silence["created_by"], silence["ends_at"][:19], silence["state"]) == ("dana", "2026-03-03T08:00:00", "active")

    report = worker.step()
    assert _notified(report, "PromptInjectionSurge") == []
    firing = [a["alert"] for a in client.get("/v1/alerts", params={"state": "firing"}).json()["alerts"]]
    assert "PromptInjectionSurge" in firing  # the alert still fires: a silence mutes only its notifications
    incident = next(i for i in client.get("/v1/incidents").json()["incidents"] if i["group"].get("alertname") == "PromptInjectionSurge")
    assert incident["suppressed"] is True
    assert [s["id"] for s in client.get("/v1/silences", params={"active": True}).json()["silences"]] == [silence["id"]]

    expired = client.delete(f"/v1/silences/{silence['id']}", params={"by": "dana"}, headers=KEY)
    assert expired.status_code == 200 and (expired.json()["state"], expired.json()["expired_by"]) == ("expired", "dana")
    assert client.get("/v1/silences", params={"active": True}).json()["silences"] == []
    store.insert_events(EventList.validate_python(rest))
    again = _notified(worker.step(), "PromptInjectionSurge")
    assert again and again[0]["incident"] == incident["id"]


def test_a_silence_stops_muting_when_its_event_time_ends(attack):
    store, rest, worker, client = attack
    # Covers the first hour of the attack only (event time); the worker's clock passes its end.
    body = {"matchers": {"alertname": "PromptInjectionSurge", "team": "security"}, "starts_at": START,
            "ends_at": "2026-03-02T10:40:00Z", "created_by": "dana"}  # fmt: skip
    assert client.post("/v1/silences", json=body, headers=KEY).status_code == 201
    assert _notified(worker.step(), "PromptInjectionSurge") == []
    store.insert_events(EventList.validate_python(rest))
    assert _notified(worker.step(), "PromptInjectionSurge")
    assert client.get("/v1/silences").json()["silences"][0]["state"] == "expired"


def test_a_silence_for_other_labels_mutes_nothing(attack):
    _, _, worker, client = attack
    body = {"matchers": {"alertname": "PromptInjectionSurge", "team": "privacy-office"}, "starts_at": START,
            "duration": "1d", "created_by": "dana"}  # fmt: skip
    assert client.post("/v1/silences", json=body, headers=KEY).status_code == 201
    assert _notified(worker.step(), "PromptInjectionSurge")


def test_without_starts_at_a_silence_starts_at_the_workers_clock(attack):
    _, _, worker, client = attack
    worker.step()
    now = client.get("/v1/silences").json()["now"]
    made = client.post("/v1/silences", json={"matchers": {"alertname": "PiiLeak"}, "duration": "2h", "created_by": "d"}, headers=KEY)
    assert made.json()["starts_at"] == now
    assert made.json()["active"] is True


GOOD = {"matchers": {"alertname": "PiiLeak"}, "duration": "2h", "created_by": "dana", "comment": "deploying a fix"}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"matchers": None}, "matchers"),
        ({"matchers": {}}, "matchers"),
        ({"matchers": {"alert-name": "PiiLeak"}}, "matchers"),
        ({"matchers": {"alertname": ""}}, "matchers"),
        ({"duration": "two hours"}, "duration"),
        ({"duration": "0m"}, "duration"),
        ({"duration": None}, "duration"),  # neither duration nor ends_at
        ({"ends_at": "2026-03-02T12:00:00Z"}, "duration"),  # both
        ({"duration": None, "ends_at": "2026-03-02T12:00:00"}, "ends_at"),  # no timezone
        ({"duration": None, "starts_at": "2026-03-02T12:00:00Z", "ends_at": "2026-03-02T11:00:00Z"}, "ends_at"),
        ({"created_by": None}, "created_by"),
        ({"created_by": ""}, "created_by"),
        ({"severity": "critical"}, "severity"),
    ],
)
def test_bad_silences_are_rejected_with_the_field_path(cfg, change, path, db_url):
    body = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    app = create_app(Settings(database_url=db_url, config_dir=cfg, run_worker=False))
    with TestClient(app) as client:
        resp = client.post("/v1/silences", json=body)
    assert resp.status_code == 422, resp.text
    assert [e["path"] for e in resp.json()["errors"]] == [path]


def test_writes_need_the_key_and_unknown_ids_are_404(attack):
    _, _, _, client = attack
    assert client.post("/v1/silences", json=GOOD).status_code == 401
    assert client.delete("/v1/silences/1").status_code == 401
    missing = client.delete("/v1/silences/999", headers=KEY)
    assert (missing.status_code, missing.json()["detail"]) == (404, "silence_id: no silence 999")
    too_big = client.delete(f"/v1/silences/{2**31}", headers=KEY)  # past the id column on PostgreSQL
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["path"] == "path.silence_id"
