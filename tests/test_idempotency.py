"""Re-sending is always safe: the stored count equals the number of distinct event ids."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from conftest import make_event
from services.app import create_app
from services.settings import Settings

# A send is a batch of event numbers drawn from a small pool, so re-sends and in-batch repeats are common.
sends = st.lists(st.lists(st.integers(min_value=0, max_value=30), min_size=0, max_size=12), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sends)
def test_any_sequence_of_resends_stores_each_distinct_id_once(store_urls, batches):
    # store_urls makes a fresh store (a SQLite file or a PostgreSQL schema) per example.
    registry = CollectorRegistry()
    app = create_app(Settings(database_url=store_urls(f"db-{uuid.uuid4().hex[:8]}"), run_worker=False), registry=registry)
    with TestClient(app) as client:
        acknowledged = 0
        for numbers in batches:
            resp = client.post("/v1/events", json={"events": [make_event(n) for n in numbers]})
            assert resp.status_code == 200
            body = resp.json()
            assert body["accepted"] + body["duplicates"] == len(numbers)
            acknowledged += len(numbers)
        distinct = {n for numbers in batches for n in numbers}
        assert client.app.state.store.count_events() == len(distinct)
        stored = registry.get_sample_value(
            "lookout_events_ingested_total", {"model_version": "support-bot-v1", "segment": "en-web-free"}
        ) or 0.0
        duplicates = registry.get_sample_value("lookout_events_duplicate_total") or 0.0
        assert stored == len(distinct)
        assert stored + duplicates == acknowledged


def test_a_duplicate_keeps_the_first_version(client):
    client.post("/v1/events", json={"events": [make_event(1, prompt="first")]})
    resp = client.post("/v1/events", json={"events": [make_event(1, prompt="second")]})
    assert resp.json() == {"accepted": 0, "duplicates": 1}
    assert [e["prompt"] for e in client.get("/v1/events").json()["events"]] == ["first"]


def test_truth_is_stored_once_in_its_own_table(client):
    truth = {"harm_category": "privacy_pii", "incident_id": "INC-1", "phase": "attack", "is_canary": False}
    client.post("/v1/events", json={"events": [make_event(1, truth=truth)] * 2})
    client.post("/v1/events", json={"events": [make_event(1, truth=truth)]})
    assert client.app.state.store.truth_for(["ev-000001"]) == {"ev-000001": {"event_id": "ev-000001", **truth}}
