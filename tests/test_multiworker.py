"""Several `lookout worker` processes on one PostgreSQL database: one holds the stream's lease and
works, the others stand by; killing the holder mid-run hands the stream over and the result equals
a single worker's, window for window; a worker whose lease moved on cannot write."""

from __future__ import annotations

import signal

import pytest

from conftest import comparable_windows, harm_totals, start_lookout, stop_process, wait_until
from pipeline_helpers import config_dir
from services.config.bundle import load_config
from services.leases import StreamLease
from services.schemas import EventList
from services.store import open_store
from services.store.leases import LeaseLost
from services.worker import PipelineWorker
from simulators.engine import Simulator
from simulators.scenario import load_scenario

N_EVENTS = 2400  # 48 five-minute windows of intent-shift


def _batches(store, events, size=400):  # noqa: ANN001, ANN202
    for i in range(0, len(events), size):
        store.insert_events(EventList.validate_python(events[i : i + size]))


def _next_window(store):  # noqa: ANN001, ANN202
    return (store.load_state("all") or {}).get("next_window_start")


@pytest.fixture
def cfg(tmp_path):
    return config_dir(tmp_path, {"reference": {"first_events": 300}})


@pytest.fixture
def scenario_events():
    return list(Simulator(load_scenario("intent-shift"), seed=4).events(limit=N_EVENTS))


def _single_worker_run(tmp_path, cfg, events):  # noqa: ANN001, ANN202
    """The clean reference: one worker in-process, the events in two halves, a step after each."""
    store = open_store(f"sqlite:///{tmp_path / 'single.db'}")
    worker = PipelineWorker(store, load_config(cfg))
    _batches(store, events[: len(events) // 2])
    worker.step()
    half = _next_window(store)
    _batches(store, events[len(events) // 2 :])
    worker.step()
    result = (half, _next_window(store), comparable_windows(store), harm_totals(store))
    store.close()
    return result


def test_three_workers_share_a_stream_and_survive_losing_the_holder(tmp_path, cfg, scenario_events, postgres_url):
    half_mark, end_mark, expected_windows, expected_totals = _single_worker_run(tmp_path, cfg, scenario_events)
    store = open_store(postgres_url)
    _batches(store, scenario_events[: len(scenario_events) // 2])
    args = ["worker", "--db", postgres_url, "--config-dir", str(cfg), "--poll", "0.2", "--lease-seconds", "3", "--idle-flush", "3600"]
    workers = [start_lookout(args, tmp_path / f"worker{i}.log") for i in range(3)]
    try:
        wait_until(lambda: _next_window(store) == half_mark, "the first half's windows", procs=workers)
        first = store.lease("all")
        # The rest arrives; the holder is killed while it works through it.
        _batches(store, scenario_events[len(scenario_events) // 2 :])
        holder_pid = int(first["holder"].split(":")[1])
        victim = next(w for w in workers if w.pid == holder_pid)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        wait_until(lambda: _next_window(store) == end_mark, "a standby to finish the stream", procs=workers)
        second = store.lease("all")
    finally:
        for w in workers:
            stop_process(w)
    assert second["holder"] != first["holder"] and second["token"] > first["token"]
    windows = comparable_windows(store)
    assert windows == expected_windows  # every window, each with the single run's numbers
    flags, folded = harm_totals(store)
    assert (flags, folded) == expected_totals and folded == len(windows)  # none folded twice
    store.close()


def test_a_worker_that_lost_its_lease_cannot_write(db_url, cfg, scenario_events):
    store = open_store(db_url)
    _batches(store, scenario_events[:900])
    configs = load_config(cfg)
    stale = PipelineWorker(store, configs)
    stale.lease = StreamLease(store, "all", ttl_seconds=0.5, holder="stale")
    assert stale.lease.acquire()
    stale.step(max_windows=3)
    wait_until(lambda: StreamLease(store, "all", ttl_seconds=30, holder="successor").acquire(), "the lease to expire", timeout=30)
    before = comparable_windows(store)
    with pytest.raises(LeaseLost):
        stale.step(max_windows=3)  # it still thinks it holds the lease
    assert comparable_windows(store) == before  # nothing it computed was written
    assert not stale.lease.acquire()  # and it cannot take the lease back while the successor holds it
    store.close()
