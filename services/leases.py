"""One writer per stream among any number of workers: a lease with expiry and a fencing token.

Every ``lookout worker`` (and the worker thread of ``lookout serve``) runs the same loop: take or
renew the stream's lease, and step only while holding it. The others are hot standbys: when the
holder stops cleanly it releases the lease; when it dies, the lease expires after ``ttl_seconds``
and the next standby to ask takes it over, with a new token. Each write of the stream's state
checks the token in its own transaction (``Store._check_lease``), so a holder that stalled past
its expiry has its next write refused instead of overwriting its successor's progress.

    lease = StreamLease(store, "all", ttl_seconds=30)
    if lease.acquire():          # True while this process holds (and has just renewed) it
        worker.step(...)         # writes pass ``lease.grant``
    lease.release()              # on shutdown

Time comes from each worker's clock: hosts need synchronised clocks (NTP), with skew far below
the TTL. A window's commit renews the lease, so the TTL must exceed the slowest window.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from services.store import Store
from services.store.leases import LeaseGrant

log = logging.getLogger("lookout.lease")

DEFAULT_TTL_SECONDS = 30.0


def worker_identity() -> str:
    """Host, process and a random part: unique even when a pid is reused after a restart."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class StreamLease:
    def __init__(self, store: Store, stream: str, *, ttl_seconds: float = DEFAULT_TTL_SECONDS, holder: str | None = None):
        if ttl_seconds <= 0:
            raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds!r}")
        self.store = store
        self.stream = stream
        self.ttl_seconds = ttl_seconds
        self.holder = holder or worker_identity()
        self.grant: LeaseGrant | None = None

    def acquire(self) -> bool:
        """Take the lease or renew it; False (and no grant) while another worker holds it."""
        grant = self.store.acquire_lease(self.stream, self.holder, ttl_seconds=self.ttl_seconds)
        if grant is not None and (self.grant is None or grant.token != self.grant.token):
            log.info("%s holds stream %r (token %d)", self.holder, self.stream, grant.token)
        elif grant is None and self.grant is not None:
            log.warning("%s lost stream %r to another worker", self.holder, self.stream)
        self.grant = grant
        return grant is not None

    def lost(self) -> None:
        """Forget the grant after a write was refused (the next ``acquire`` says who holds it)."""
        if self.grant is not None:
            log.warning("%s: lease on stream %r lost (token %d)", self.holder, self.stream, self.grant.token)
        self.grant = None

    def release(self) -> None:
        if self.grant is not None:
            self.store.release_lease(self.grant)
            self.grant = None
