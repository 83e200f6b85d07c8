"""The event contract (DESIGN.md): what POST /v1/events accepts and how it names what is wrong."""

from __future__ import annotations

import pytest

from conftest import make_event
from services.schemas import MAX_TEXT_BYTES


def test_a_valid_event_is_stored_and_read_back_without_truth(client):
    resp = client.post("/v1/events", json={"events": [make_event(1)]})
    assert resp.status_code == 200
    assert resp.json() == {"accepted": 1, "duplicates": 0}
    stored = client.get("/v1/events").json()["events"]
    assert len(stored) == 1
    ev = stored[0]
    assert ev["event_id"] == "ev-000001"
    assert ev["ts"] == "2026-03-02T08:00:01Z"
    assert ev["prompt"] == "Where is my order BW-10001?"
    assert ev["metadata"] == {"turn": 1}
    assert "truth" not in ev


def test_optional_fields_may_be_left_out(client):
    resp = client.post("/v1/events", json={"events": [make_event(2, metadata=None, truth=None)]})
    assert resp.json() == {"accepted": 1, "duplicates": 0}


def test_timestamps_with_an_offset_are_stored_in_utc(client):
    client.post("/v1/events", json={"events": [make_event(3, ts="2026-03-02T10:30:00+02:00")]})
    assert client.get("/v1/events").json()["events"][0]["ts"] == "2026-03-02T08:30:00Z"


def test_text_limit_counts_utf8_bytes_not_characters(client):
    # 'é' is two bytes: 16,384 of them are exactly 32 KiB and allowed; one more is refused.
    ok = make_event(4, prompt="é" * (MAX_TEXT_BYTES // 2))
    assert client.post("/v1/events", json={"events": [ok]}).status_code == 200
    too_long = make_event(5, response="é" * (MAX_TEXT_BYTES // 2 + 1))
    resp = client.post("/v1/events", json={"events": [too_long]})
    assert resp.status_code == 422
    assert resp.json()["errors"] == [
        {"path": "events[0].response", "message": "text is 32770 bytes; the limit is 32768 bytes (32 KiB) UTF-8"}
    ]


@pytest.mark.parametrize(
    ("overrides", "path", "message_part"),
    [
        ({"event_id": None}, "events[0].event_id", "Field required"),
        ({"event_id": ""}, "events[0].event_id", "at least 1 character"),
        ({"event_id": "has space"}, "events[0].event_id", "should match pattern"),
        ({"event_id": "x" * 129}, "events[0].event_id", "at most 128 characters"),
        ({"ts": "2026-03-02T08:00:00"}, "events[0].ts", "timezone info"),
        ({"ts": "yesterday"}, "events[0].ts", "valid datetime"),
        ({"conversation_id": None}, "events[0].conversation_id", "Field required"),
        ({"model_version": None}, "events[0].model_version", "Field required"),
        ({"segment": ""}, "events[0].segment", "at least 1 character"),
        ({"prompt": None}, "events[0].prompt", "Field required"),
        ({"prompt": 42}, "events[0].prompt", "valid string"),
        ({"response": None}, "events[0].response", "Field required"),
        ({"latency_ms": -1}, "events[0].latency_ms", "greater than or equal to 0"),
        ({"latency_ms": "fast"}, "events[0].latency_ms", "valid number"),
        ({"metadata": {"nested": {"a": 1}}}, "events[0].metadata.nested", "must be a string, number, boolean or null, got object"),
        ({"metadata": [1, 2]}, "events[0].metadata", "valid dictionary"),
        ({"truth": {"phase": "p", "harm_category": "spam"}}, "events[0].truth.harm_category", "Input should be"),
        ({"truth": {"harm_category": None}}, "events[0].truth.phase", "Field required"),
        ({"surprise": 1}, "events[0].surprise", "unknown field (not part of the event contract)"),
    ],
)
def test_invalid_events_are_refused_with_the_field_path(client, overrides, path, message_part):
    resp = client.post("/v1/events", json={"events": [make_event(9, **overrides)]})
    assert resp.status_code == 422
    body = resp.json()
    paths = [e["path"] for e in body["errors"]]
    assert path in paths, body
    message = body["errors"][paths.index(path)]["message"]
    assert message_part in message
    assert body["detail"].startswith(f"{path}: ") or f"; {path}: " in body["detail"]


def test_one_invalid_event_refuses_the_whole_batch(client):
    batch = [make_event(1), make_event(2, latency_ms=-5), make_event(3)]
    resp = client.post("/v1/events", json={"events": batch})
    assert resp.status_code == 422
    assert [e["path"] for e in resp.json()["errors"]] == ["events[1].latency_ms"]
    assert client.get("/v1/events").json()["events"] == []
