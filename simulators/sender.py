"""Send simulated or replayed turns to a Lookout service over HTTP, in batches, paced or not.

Sending is safe to retry: events carry their ``event_id``, and the service stores an id once. So a
transport error or a 5xx is retried with back-off, and a 4xx (bad data, wrong key) stops the run
with the service's own message, since resending would not help.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class SendError(RuntimeError):
    """The service refused a batch (4xx) or stayed unreachable after every retry."""


@dataclass
class SendStats:
    batches: int = 0
    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    retries: int = 0
    last_ts: str | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


def _parse_ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class Sender:
    """Posts batches to ``{target}/v1/events``.

    ``speed`` is simulated seconds per wall second (60: one simulated minute each second); ``None``
    sends as fast as the service accepts.
    """

    def __init__(
        self,
        target: str,
        *,
        api_key: str | None = None,
        batch_size: int = 100,
        speed: float | None = None,
        max_retries: int = 8,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not 1 <= batch_size <= 1000:
            raise ValueError(f"batch_size must be between 1 and 1000, got {batch_size}")
        if speed is not None and speed <= 0:
            raise ValueError(f"speed must be positive (simulated seconds per wall second), got {speed}")
        self.url = target.rstrip("/") + "/v1/events"
        self.batch_size = batch_size
        self.speed = speed
        self.max_retries = max_retries
        self._sleep = sleep
        headers = {"X-API-Key": api_key} if api_key else {}
        self._client = client or httpx.Client(timeout=30.0, headers=headers)
        if client is not None and headers:
            self._client.headers.update(headers)

    def close(self) -> None:
        self._client.close()

    def send(self, events: Iterable[dict[str, Any]], on_batch: Callable[[SendStats], None] | None = None) -> SendStats:
        stats = SendStats()
        batch: list[dict[str, Any]] = []
        sim0: float | None = None
        wall0 = time.monotonic()
        for ev in events:
            if self.speed is not None:
                sim = _parse_ts(ev["ts"])
                sim0 = sim if sim0 is None else sim0
                due = wall0 + (sim - sim0) / self.speed
                wait = due - time.monotonic()
                # Flush what we hold before sleeping, so the service sees events close to "now".
                if wait > 0.2 and batch:
                    self._post(batch, stats, on_batch)
                    batch = []
                    wait = due - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
            batch.append(ev)
            if len(batch) >= self.batch_size:
                self._post(batch, stats, on_batch)
                batch = []
        if batch:
            self._post(batch, stats, on_batch)
        return stats

    def _post(self, batch: list[dict[str, Any]], stats: SendStats, on_batch: Callable[[SendStats], None] | None) -> None:
        delay = 0.2
        for attempt in range(self.max_retries + 1):
            try:
                resp = self._client.post(self.url, json={"events": batch})
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if resp.status_code < 300:
                    body = resp.json()
                    stats.batches += 1
                    stats.sent += len(batch)
                    stats.accepted += body["accepted"]
                    stats.duplicates += body["duplicates"]
                    stats.last_ts = batch[-1]["ts"]
                    if on_batch:
                        on_batch(stats)
                    return
                problem = f"HTTP {resp.status_code}: {_detail(resp)}"
                if resp.status_code not in RETRYABLE_STATUS:
                    raise SendError(f"{self.url} refused a batch of {len(batch)} events: {problem}")
            if attempt == self.max_retries:
                break
            stats.retries += 1
            self._sleep(delay)
            delay = min(delay * 2, 5.0)
        raise SendError(f"{self.url}: gave up after {self.max_retries + 1} attempts: {problem}")


def _detail(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("detail", resp.text))
    except ValueError:
        return resp.text[:500]
