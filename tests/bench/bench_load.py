"""Load: the simulator's traffic, unpaced, into 2 API replicas and 2 workers on PostgreSQL over
loopback, next to the embedded default (one `lookout serve` with its worker thread, on SQLite).

Reports sustained events/s (acknowledged events over the sending time), p50/p99 latency of a
batch of 100, and the pipeline's catch-up: wall seconds from the last acknowledged batch until
every window the watermark allows is committed, plus windows committed per second over the run.
The workers use the hashing embedder (as the tests do): with MiniLM the pipeline is bound by the
model (~138 texts/s on 2 cores), which `bench_embedding` measures on its own.

PostgreSQL comes from LOOKOUT_TEST_POSTGRES_URL (.ci/run sets it up); without it the PostgreSQL
half is skipped with a message.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from conftest import free_port, start_lookout, stop_process, wait_until  # noqa: E402
from pipeline_helpers import config_dir  # noqa: E402

from services.store import open_store  # noqa: E402
from simulators.engine import Simulator  # noqa: E402
from simulators.scenario import load_scenario  # noqa: E402

TOTAL = 20_000  # 400 five-minute windows of the baseline scenario
BATCH = 100
SENDERS = 2


def _send(urls: list[str], bodies: list[bytes], offset: int, latencies: list[float]) -> None:
    """Post ``bodies`` in order, batch k to replica (offset + k) mod len(urls): round robin."""
    clients = [httpx.Client(base_url=u, timeout=60, headers={"content-type": "application/json"}) for u in urls]
    try:
        for k, body in enumerate(bodies):
            t0 = time.perf_counter()
            clients[(offset + k) % len(clients)].post("/v1/events", content=body).raise_for_status()
            latencies.append(time.perf_counter() - t0)
    finally:
        for c in clients:
            c.close()


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _closable_end(store, window_seconds: int, lateness: int):  # noqa: ANN001, ANN202
    from datetime import timedelta

    from pipelines.windows import window_of

    _, hi, _ = store.event_bounds()
    return window_of(hi - timedelta(seconds=lateness), window_seconds).start


def _measure(label: str, url: str, tmp: Path, cfg: Path, *, replicas: int, workers: int) -> dict[str, float]:
    events = list(Simulator(load_scenario("baseline"), seed=11).events(limit=TOTAL))
    bodies = [json.dumps({"events": events[i : i + BATCH]}).encode() for i in range(0, len(events), BATCH)]
    ports = [free_port() for _ in range(replicas)]
    serve_args = ["--no-worker"] if workers else ["--worker"]
    procs = [
        start_lookout(["serve", *serve_args, "--port", str(p), "--db", url, "--config-dir", str(cfg), "--log-level", "warning"], tmp / f"serve{p}.log")
        for p in ports
    ]
    store = open_store(url)
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for u in urls:
            wait_until(lambda u=u: _ready(u), f"{u} to be ready", timeout=60, procs=procs)
        worker_args = ["worker", "--db", url, "--config-dir", str(cfg), "--poll", "0.2", "--idle-flush", "3600"]
        procs += [start_lookout(worker_args, tmp / f"worker{i}.log") for i in range(workers)]
        latencies: list[float] = []
        t0 = time.perf_counter()
        threads = [threading.Thread(target=_send, args=(urls, bodies[k::SENDERS], k, latencies)) for k in range(SENDERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent = time.perf_counter() - t0
        end = _closable_end(store, 300, 60)
        wait_until(lambda: (store.load_state("all") or {}).get("next_window_start") == end, "the pipeline to catch up", timeout=900, procs=procs)
        caught_up = time.perf_counter() - t0
        n_windows = len(store.list_windows("all", limit=100_000))
    finally:
        for p in procs:
            stop_process(p)
        store.close()
    latencies.sort()
    out = {
        "events_per_s": len(events) / sent,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "catch_up_s": caught_up - sent,
        "windows_per_s": n_windows / caught_up,
    }
    print(
        f"load  {label:<34} {out['events_per_s']:7.0f} events/s  batch p50 {out['p50_ms']:6.1f} ms  p99 {out['p99_ms']:6.1f} ms  "
        f"pipeline: {n_windows} windows, caught up {out['catch_up_s']:5.1f} s after the last batch ({out['windows_per_s']:.1f} windows/s)",
        flush=True,
    )
    return out


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="lookout-load-") as tmp_name:
        tmp = Path(tmp_name)
        cfg = config_dir(tmp, {"reference": {"first_events": 1000}})
        _measure("SQLite, 1 process (API + worker)", f"sqlite:///{tmp / 'load.db'}", tmp, cfg, replicas=1, workers=0)
        pg = os.environ.get("LOOKOUT_TEST_POSTGRES_URL")
        if not pg:
            print("load  PostgreSQL: skipped (set LOOKOUT_TEST_POSTGRES_URL, as .ci/run does)")
            return
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(pg)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
            _measure("PostgreSQL, 2 API replicas + 2 workers", url, tmp, cfg, replicas=2, workers=2)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    run()
