"""Crash safety with real processes, on SQLite and PostgreSQL: kill -9 a `lookout worker` mid-run
and restart it, kill -9 `lookout serve --no-worker` while batches stream in and restart it; no
acknowledged event is lost and every window equals a clean single run (none counted twice)."""

from __future__ import annotations

import signal
import threading

import httpx
import pytest

from conftest import comparable_windows, free_port, harm_totals, start_lookout, stop_process, wait_until
from pipeline_helpers import config_dir
from services.config.bundle import load_config
from services.schemas import EventList
from services.store import open_store
from services.worker import PipelineWorker
from simulators.engine import Simulator
from simulators.scenario import load_scenario


@pytest.fixture
def cfg(tmp_path):
    return config_dir(tmp_path, {"reference": {"first_events": 300}})


def _events(n: int) -> list[dict]:
    return list(Simulator(load_scenario("intent-shift"), seed=5).events(limit=n))


def _insert(store, events, size=500):  # noqa: ANN001, ANN202
    for i in range(0, len(events), size):
        store.insert_events(EventList.validate_python(events[i : i + size]))


def _next_window(store):  # noqa: ANN001, ANN202
    return (store.load_state("all") or {}).get("next_window_start")


def _clean_run(tmp_path, cfg, events):  # noqa: ANN001, ANN202
    store = open_store(f"sqlite:///{tmp_path / 'clean.db'}")
    _insert(store, events)
    PipelineWorker(store, load_config(cfg)).step()
    result = (_next_window(store), comparable_windows(store), harm_totals(store))
    store.close()
    return result


def test_a_worker_killed_mid_run_restarts_without_losing_or_recounting_a_window(db_url, tmp_path, cfg):
    events = _events(1800)  # 36 windows
    end_mark, expected_windows, expected_totals = _clean_run(tmp_path, cfg, events)
    store = open_store(db_url)
    _insert(store, events)
    args = ["worker", "--db", db_url, "--config-dir", str(cfg), "--poll", "0.2", "--lease-seconds", "2", "--idle-flush", "3600"]
    proc = start_lookout(args, tmp_path / "worker.log")
    try:
        wait_until(lambda: len(store.list_windows("all")) >= 3, "the worker's first windows", procs=[proc])
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        stop_process(proc)
    assert _next_window(store) != end_mark  # it died with windows left to do
    proc = start_lookout(args, tmp_path / "worker.log")
    try:
        wait_until(lambda: _next_window(store) == end_mark, "the restarted worker to finish", procs=[proc])
    finally:
        stop_process(proc)
    assert comparable_windows(store) == expected_windows
    assert harm_totals(store) == expected_totals and expected_totals[1] == len(expected_windows)
    store.close()


def _send_until_refused(url: str, batches: list[list[dict]], acked: list[int], start: int) -> None:
    """Post batches in order from ``start``, noting each acknowledged one, until the server goes away."""
    with httpx.Client(base_url=url, timeout=30) as client:
        for i in range(start, len(batches)):
            try:
                resp = client.post("/v1/events", json={"events": batches[i]})
            except httpx.TransportError:
                return
            if resp.status_code != 200:
                return
            acked.append(i)


def _serve(db_url: str, port: int, tmp_path):  # noqa: ANN001, ANN202
    proc = start_lookout(["serve", "--no-worker", "--port", str(port), "--db", db_url, "--log-level", "warning"], tmp_path / "serve.log")
    wait_until(lambda: _ready(f"http://127.0.0.1:{port}"), "the API to be ready", timeout=60, procs=[proc])
    return proc


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


def test_an_api_killed_during_a_batch_loses_no_acknowledged_event(db_url, tmp_path, cfg):
    events = _events(3000)
    batches = [events[i : i + 100] for i in range(0, len(events), 100)]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    acked: list[int] = []
    proc = _serve(db_url, port, tmp_path)
    try:
        sender = threading.Thread(target=_send_until_refused, args=(url, batches, acked, 0))
        sender.start()
        wait_until(lambda: len(acked) >= 5, "five acknowledged batches", procs=[proc])
        proc.send_signal(signal.SIGKILL)  # while the sender is in the middle of its next batch
        proc.wait(timeout=10)
        sender.join(timeout=60)
    finally:
        stop_process(proc)
    assert acked == list(range(len(acked))) and len(acked) < len(batches)
    store = open_store(db_url)
    stored = {e["event_id"] for e in store.list_events(limit=len(events))}
    assert {e["event_id"] for i in acked for e in batches[i]} <= stored  # nothing acknowledged is lost

    # The client retries from its first unacknowledged batch, as the sender does after an error.
    proc = _serve(db_url, port, tmp_path)
    try:
        resumed: list[int] = []
        _send_until_refused(url, batches, resumed, len(acked))
    finally:
        stop_process(proc)
    assert resumed == list(range(len(acked), len(batches)))
    assert store.count_events() == len(events)
    PipelineWorker(store, load_config(cfg)).step()
    end_mark, expected_windows, expected_totals = _clean_run(tmp_path, cfg, events)
    assert (_next_window(store), comparable_windows(store), harm_totals(store)) == (end_mark, expected_windows, expected_totals)
    store.close()
