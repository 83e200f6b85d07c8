"""Every rejection path of POST /v1/events, the reads, health and the ingestion metrics."""

from __future__ import annotations

from fastapi.testclient import TestClient

from conftest import make_event
from services.app import create_app
from services.settings import Settings


def _rejected(registry, reason: str) -> float:
    return registry.get_sample_value("lookout_events_rejected_total", {"reason": reason}) or 0.0


def test_more_than_1000_events_is_413_naming_the_limit(client, registry):
    batch = [make_event(i) for i in range(1001)]
    resp = client.post("/v1/events", json={"events": batch})
    assert resp.status_code == 413
    assert resp.json()["errors"] == [{"path": "events", "message": "batch has 1001 events; the limit is 1000 per request"}]
    assert _rejected(registry, "too_large") == 1001
    assert client.get("/v1/events").json()["events"] == []


def test_exactly_1000_events_is_accepted(client):
    resp = client.post("/v1/events", json={"events": [make_event(i) for i in range(1000)]})
    assert resp.json() == {"accepted": 1000, "duplicates": 0}


def test_a_body_over_the_byte_limit_is_413(db_url, registry):
    app = create_app(Settings(database_url=db_url, max_body_bytes=2000, run_worker=False), registry=registry)
    with TestClient(app) as c:
        resp = c.post("/v1/events", json={"events": [make_event(i) for i in range(10)]})
    assert resp.status_code == 413
    assert resp.json()["errors"][0]["path"] == "body"
    assert "the limit is 2000 bytes" in resp.json()["detail"]
    assert _rejected(registry, "too_large") == 1


def test_malformed_json_is_422(client, registry):
    resp = client.post("/v1/events", content=b'{"events": [', headers={"content-type": "application/json"})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["path"] == "body"
    assert resp.json()["detail"].startswith("body: invalid JSON")
    assert _rejected(registry, "malformed") == 1


def test_a_bare_array_is_422_explaining_the_shape(client):
    resp = client.post("/v1/events", json=[make_event(1)])
    assert resp.status_code == 422
    assert resp.json()["detail"] == 'body: expected a JSON object {"events": [...]}'


def test_events_must_be_an_array(client):
    resp = client.post("/v1/events", json={"events": {"a": 1}})
    assert resp.json()["detail"] == "events: expected a JSON array of events"


def test_unknown_top_level_keys_are_422(client):
    resp = client.post("/v1/events", json={"events": [], "extra": 1})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["path"] == "extra"


def test_invalid_events_are_counted_as_rejected(client, registry):
    client.post("/v1/events", json={"events": [make_event(1), make_event(2, ts="nope")]})
    assert _rejected(registry, "invalid") == 2


def test_api_key_is_required_for_writes_when_configured(db_url, registry):
    app = create_app(Settings(database_url=db_url, api_key="s3cret", run_worker=False), registry=registry)
    with TestClient(app) as c:
        missing = c.post("/v1/events", json={"events": [make_event(1)]})
        wrong = c.post("/v1/events", json={"events": [make_event(1)]}, headers={"X-API-Key": "guess"})
        right = c.post("/v1/events", json={"events": [make_event(1)]}, headers={"X-API-Key": "s3cret"})
        read = c.get("/v1/events")
    assert (missing.status_code, missing.json()["detail"]) == (401, "X-API-Key: missing API key: send header X-API-Key")
    assert (wrong.status_code, wrong.json()["detail"]) == (401, "X-API-Key: wrong API key")
    assert right.json() == {"accepted": 1, "duplicates": 0}
    assert read.status_code == 200  # reads stay open
    assert _rejected(registry, "unauthorized") == 2


def test_ingested_counter_is_labelled_by_model_version_and_segment(client, registry):
    batch = [make_event(1), make_event(2, segment="de-app-plus"), make_event(3, model_version="support-bot-v2")]
    client.post("/v1/events", json={"events": batch})
    client.post("/v1/events", json={"events": batch})  # all duplicates: not ingested again
    sample = registry.get_sample_value
    assert sample("lookout_events_ingested_total", {"model_version": "support-bot-v1", "segment": "en-web-free"}) == 1
    assert sample("lookout_events_ingested_total", {"model_version": "support-bot-v1", "segment": "de-app-plus"}) == 1
    assert sample("lookout_events_ingested_total", {"model_version": "support-bot-v2", "segment": "en-web-free"}) == 1
    assert sample("lookout_events_duplicate_total") == 3
    text = client.get("/metrics").text
    assert 'lookout_events_ingested_total{model_version="support-bot-v1",segment="de-app-plus"} 1.0' in text


def test_events_are_paged_with_a_cursor(client):
    client.post("/v1/events", json={"events": [make_event(i) for i in range(25)]})
    seen, after = [], 0
    for _ in range(10):
        page = client.get("/v1/events", params={"limit": 10, "after": after}).json()
        seen += [e["event_id"] for e in page["events"]]
        if page["next_cursor"] is None:
            break
        after = page["next_cursor"]
    assert seen == [f"ev-{i:06d}" for i in range(25)]


def test_events_filter_by_time_segment_and_model_version(client):
    batch = [
        make_event(0, ts="2026-03-02T08:00:00Z"),
        make_event(1, ts="2026-03-02T09:00:00Z", segment="de-app-plus"),
        make_event(2, ts="2026-03-02T10:00:00Z", model_version="support-bot-v2"),
    ]
    client.post("/v1/events", json={"events": batch})

    def ids(**params):
        return [e["event_id"] for e in client.get("/v1/events", params=params).json()["events"]]

    assert ids(since="2026-03-02T08:30:00Z") == ["ev-000001", "ev-000002"]
    assert ids(until="2026-03-02T09:00:00Z") == ["ev-000000"]
    assert ids(segment="de-app-plus") == ["ev-000001"]
    assert ids(model_version="support-bot-v2") == ["ev-000002"]
    assert ids(since="2026-03-02T08:30:00Z", segment="en-web-free") == ["ev-000002"]


def test_bad_query_parameters_name_the_parameter(client):
    resp = client.get("/v1/events", params={"since": "2026-03-02T08:00:00", "limit": 5000})
    assert resp.status_code == 422
    paths = {e["path"] for e in resp.json()["errors"]}
    assert paths == {"query.since", "query.limit"}


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readiness_fails_when_the_database_does_not_answer(client, monkeypatch):
    def unreachable():
        raise ConnectionError("database is down")

    monkeypatch.setattr(client.app.state.store, "ping", unreachable)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json() == {"status": "unavailable", "detail": "database: ConnectionError: database is down"}


def test_openapi_documents_the_event_batch(client):
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/EventBatch"}
    assert "Event" in spec["components"]["schemas"] and "Truth" in spec["components"]["schemas"]


def test_a_nul_character_anywhere_is_422_naming_the_field_on_every_backend(client):
    """SQLite would keep a NUL, PostgreSQL cannot: both refuse it the same way, and nothing is stored."""
    bad = make_event(1, prompt="hi\x00there")
    resp = client.post("/v1/events", json={"events": [make_event(0), bad]})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["path"] == "events[1].prompt" and "NUL" in resp.json()["detail"]
    resp = client.post("/v1/events", json={"events": [make_event(2, metadata={"k\x00": 1})]})
    assert resp.status_code == 422 and resp.json()["errors"][0]["path"] == "events[0].metadata.k\x00"
    resp = client.post("/v1/review/ev-1", json={"label": "benign", "reviewer": "\x00"})
    assert resp.status_code == 422 and resp.json()["errors"][0]["path"] == "reviewer"
    resp = client.get("/v1/events", params={"segment": "a\x00"})
    assert resp.status_code == 422 and resp.json()["errors"][0]["path"] == "query.segment"
    assert client.get("/v1/events").json()["events"] == []
    # A backslash-u sequence that is text, not a NUL, passes.
    assert client.post("/v1/events", json={"events": [make_event(3, prompt="a literal \\u0000 in text")]}).status_code == 200
