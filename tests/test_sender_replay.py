"""Sending batches (retries, pacing, refusals) and replaying real logs onto the event contract."""

from __future__ import annotations

import json

import httpx
import pytest

from conftest import make_event
from services.schemas import Event
from simulators.replay import ReplayError, read_events
from simulators.sender import Sender, SendError


def test_sender_delivers_everything_in_batches(client):
    sender = Sender("http://testserver", client=client, batch_size=40)
    stats = sender.send(make_event(i) for i in range(100))
    assert (stats.batches, stats.sent, stats.accepted, stats.duplicates) == (3, 100, 100, 0)
    assert client.app.state.store.count_events() == 100
    again = sender.send(make_event(i) for i in range(100))
    assert (again.accepted, again.duplicates) == (0, 100)


def test_sender_retries_transient_failures_then_succeeds():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("refused")
        if len(calls) == 2:
            return httpx.Response(503, json={"detail": "busy"})
        n = len(json.loads(request.content)["events"])
        return httpx.Response(200, json={"accepted": n, "duplicates": 0})

    sleeps: list[float] = []
    sender = Sender("http://svc", client=httpx.Client(transport=httpx.MockTransport(handler)), sleep=sleeps.append)
    stats = sender.send([make_event(1)])
    assert (stats.accepted, stats.retries) == (1, 2)
    assert sleeps == [0.2, 0.4]


def test_sender_stops_on_a_refusal_with_the_services_message():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"detail": "events[0].ts: Input should have timezone info"})

    sender = Sender("http://svc", client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(SendError, match=r"HTTP 422: events\[0\].ts: Input should have timezone info"):
        sender.send([make_event(1)])


def test_sender_gives_up_after_its_retries():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    sender = Sender("http://svc", client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=2, sleep=lambda s: None)
    with pytest.raises(SendError, match="gave up after 3 attempts: ConnectError: refused"):
        sender.send([make_event(1)])


def test_pacing_follows_simulated_time_at_the_given_speed(client):
    sleeps: list[float] = []
    sender = Sender("http://testserver", client=client, speed=60.0, sleep=sleeps.append)
    # Two events one simulated minute apart, at 60x: about one wall second between them.
    sender.send([make_event(0, ts="2026-03-02T08:00:00Z"), make_event(1, ts="2026-03-02T08:01:00Z")])
    assert len(sleeps) == 1 and 0.8 < sleeps[0] <= 1.0


@pytest.mark.parametrize(("kwargs", "message"), [({"batch_size": 0}, "batch_size must be between 1 and 1000"), ({"speed": -1.0}, "speed must be positive")])
def test_sender_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Sender("http://svc", **kwargs)


def test_replay_csv_maps_common_column_names(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "timestamp,question,answer,session_id,model,channel,latency,intent\n"
        "2026-05-01T10:00:00Z,Where is my parcel?,It ships today.,s1,bot-3,web,640,shipping\n"
        "2026-05-01 10:00:05,Cancel my plan,Done.,s1,bot-3,web,700,cancel\n"
    )
    events = list(read_events(path))
    for ev in events:
        Event.model_validate(ev)
    first = events[0]
    assert (first["prompt"], first["response"], first["conversation_id"]) == ("Where is my parcel?", "It ships today.", "s1")
    assert (first["model_version"], first["segment"], first["latency_ms"]) == ("bot-3", "web", 640.0)
    assert first["metadata"] == {"intent": "shipping"}
    assert events[1]["ts"] == "2026-05-01T10:00:05.000Z"  # naive times are read as UTC
    assert list(read_events(path)) == events  # stable ids: replaying twice is idempotent


def test_replay_jsonl_keeps_simulator_truth_and_fills_missing_times(tmp_path):
    path = tmp_path / "log.jsonl"
    rows = [{"text": "hello"}, {"prompt": "hi", "response": "hey", "truth": {"phase": "p", "harm_category": None}}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    events = list(read_events(path))
    assert [e["ts"] for e in events] == ["2026-03-02T08:00:00.000Z", "2026-03-02T08:00:05.000Z"]
    assert events[0]["response"] == "" and events[1]["truth"] == rows[1]["truth"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "foo,bar\n1,2\n", "a.csv:2: no prompt or response column"),
        ("b.jsonl", '{"prompt": "x"}\nnot json\n', "b.jsonl:2: invalid JSON"),
        ("c.jsonl", "[1, 2]\n", "c.jsonl:1: expected a JSON object per line"),
        ("d.csv", "prompt,ts\nhi,last tuesday\n", "d.csv:2: cannot read time 'last tuesday'"),
        ("e.txt", "hello\n", "e.txt: unsupported file type '.txt'; use .jsonl or .csv"),
    ],
)
def test_replay_errors_name_file_and_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ReplayError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(read_events(path))
