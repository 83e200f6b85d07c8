"""Events survive a restart of the service: in-process, and as a real `lookout serve` process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from conftest import REPO, free_port, make_event
from services.app import create_app
from services.settings import Settings


def test_events_survive_an_app_restart(db_url):
    with TestClient(create_app(Settings(database_url=db_url, run_worker=False))) as c:
        assert c.post("/v1/events", json={"events": [make_event(i) for i in range(50)]}).json()["accepted"] == 50
    with TestClient(create_app(Settings(database_url=db_url, run_worker=False))) as c:
        assert c.app.state.store.count_events() == 50
        # Idempotency holds across restarts too.
        assert c.post("/v1/events", json={"events": [make_event(i) for i in range(60)]}).json() == {"accepted": 10, "duplicates": 50}


def _start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "LOOKOUT_API_KEY": ""}
    with (db.parent / "server.log").open("ab") as log:  # the child keeps its own copy of the fd
        return subprocess.Popen(
            [sys.executable, "-m", "services", "serve", "--port", str(port), "--db", str(db), "--log-level", "warning"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"server at {url} not ready after {timeout}s")


def test_a_killed_server_loses_no_acknowledged_event(tmp_path):
    db = tmp_path / "lookout.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start_server(db, port)
    try:
        _wait_ready(url, proc)
        for start in range(0, 300, 100):
            batch = [make_event(i) for i in range(start, start + 100)]
            assert httpx.post(f"{url}/v1/events", json={"events": batch}, timeout=10).json()["accepted"] == 100
    finally:
        proc.send_signal(signal.SIGKILL)  # no graceful shutdown: only committed data survives
        proc.wait(timeout=10)

    proc = _start_server(db, port)
    try:
        _wait_ready(url, proc)
        page = httpx.get(f"{url}/v1/events", params={"limit": 1000}, timeout=10).json()
        assert [e["event_id"] for e in page["events"]] == [f"ev-{i:06d}" for i in range(300)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
