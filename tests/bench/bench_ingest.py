"""Ingestion throughput: batches of 100 over loopback into SQLite, `lookout serve` as a real process.

Prints events/s for one sending connection and for two in parallel (the target is >= 5,000/s).
The service runs without its pipeline worker (`--no-worker`), so the figure is the ingestion path
alone; the worker's cost is measured by the drift and embedding benches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from conftest import free_port  # noqa: E402


def _events(prefix: str, n: int) -> list[dict]:
    return [
        {
            "event_id": f"{prefix}-{i:07d}",
            "ts": f"2026-03-02T{8 + i // 3600 % 12:02d}:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
            "conversation_id": f"{prefix}-c{i // 3}",
            "model_version": "support-bot-v1",
            "segment": ("en-web-free", "en-app-plus", "de-web-free")[i % 3],
            "prompt": f"Hi, my order BW-{10000 + i} still says processing after 5 days, can you check it?",
            "response": "Thanks for waiting! I checked order BW-%d: it shipped this morning with ParcelNow, "
            "tracking 1Z%08d, and should arrive by Friday. Anything else I can help with?" % (10000 + i, i),
            "latency_ms": 850.0 + i % 200,
            "metadata": {"turn": 1 + i % 3},
            "truth": {"harm_category": None, "incident_id": None, "phase": "steady", "is_canary": False},
        }
        for i in range(n)
    ]


def _post_all(url: str, bodies: list[bytes]) -> None:
    with httpx.Client(timeout=30, headers={"content-type": "application/json"}) as client:
        for body in bodies:
            resp = client.post(url, content=body)
            resp.raise_for_status()


def run(total: int = 20_000, batch: int = 100) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "services", "serve", "--port", str(port), "--db", f"{tmp}/bench.db", "--log-level", "warning", "--no-worker"],
            cwd=REPO,
            env={**os.environ, "LOOKOUT_API_KEY": ""},
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            url = f"{base}/v1/events"
            for label, conns in (("1 connection", 1), ("2 connections", 2)):
                events = _events(f"b{conns}", total)
                bodies = [json.dumps({"events": events[i : i + batch]}).encode() for i in range(0, total, batch)]
                _post_all(url, bodies[:10])  # warm up (these ids are then duplicates, so skip them below)
                bodies = bodies[10:]
                n = (len(bodies)) * batch
                t0 = time.perf_counter()
                threads = [threading.Thread(target=_post_all, args=(url, bodies[k::conns])) for k in range(conns)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                dt = time.perf_counter() - t0
                results[label] = n / dt
                print(f"ingest  {label:<14} {n:>6} events in batches of {batch}: {n / dt:8.0f} events/s  (target >= 5000)")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    return results


if __name__ == "__main__":
    run()
