"""Stream leases: which worker may write a stream's pipeline state, with a fencing token.

A lease row per stream holds the current holder, a token that grows at every change of holder,
and an expiry. Taking the lease is a compare-and-swap on (holder, token), so two workers can never
both believe they took it; every write of the stream's state then runs ``_check_lease`` as the
first statement of its own transaction, which renews the lease only if the token is unchanged and
otherwise rolls the write back with :class:`LeaseLost`. A worker paused past its expiry (a long GC,
a frozen VM) therefore cannot overwrite the state its successor has advanced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, select, update

from services.store.schema import stream_leases

_NEVER = datetime(1970, 1, 1, tzinfo=timezone.utc)


class LeaseLost(RuntimeError):
    """The stream's lease moved to another worker (or was never held): the write was rolled back."""


@dataclass(frozen=True)
class LeaseGrant:
    stream: str
    holder: str
    token: int
    ttl_seconds: float


def _now() -> datetime:
    return datetime.now(timezone.utc)


class LeaseStoreMixin:
    engine: Any

    def acquire_lease(self, stream: str, holder: str, *, ttl_seconds: float) -> LeaseGrant | None:
        """Take or renew the stream's lease for ``ttl_seconds``; None while another holder has it."""
        postgres = self.engine.dialect.name == "postgresql"
        with self.engine.begin() as conn:
            query = select(stream_leases).where(stream_leases.c.stream == stream)
            if postgres:
                # The holder keeps the row locked while it commits a window: do not queue behind it.
                query = query.with_for_update(skip_locked=True)
            row = conn.execute(query).first()
            if row is None:
                if postgres and conn.execute(select(stream_leases.c.stream).where(stream_leases.c.stream == stream)).first():
                    return None  # the row exists and is locked by the holder's open transaction
                row = self._insert_lease_row(conn, stream)
                if row is None:
                    return None
            now = _now()
            if row.holder == holder:
                token = row.token
            elif row.holder is None or row.expires_at <= now:
                token = row.token + 1
            else:
                return None
            values: dict[str, Any] = {"holder": holder, "token": token, "expires_at": now + timedelta(seconds=ttl_seconds)}
            if token != row.token:
                values["acquired_at"] = now
            # Compare-and-swap: a concurrent taker changed (holder, token) and this updates nothing.
            held_by = stream_leases.c.holder.is_(None) if row.holder is None else stream_leases.c.holder == row.holder
            result = conn.execute(
                update(stream_leases)
                .where(stream_leases.c.stream == stream, stream_leases.c.token == row.token, held_by)
                .values(**values)
            )
            if result.rowcount != 1:
                return None
        return LeaseGrant(stream=stream, holder=holder, token=token, ttl_seconds=ttl_seconds)

    def _insert_lease_row(self, conn: Connection, stream: str) -> Any:
        if self.engine.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        stmt = dialect_insert(stream_leases).values(stream=stream, holder=None, token=0, expires_at=_NEVER)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["stream"]))
        return conn.execute(select(stream_leases).where(stream_leases.c.stream == stream)).first()

    def release_lease(self, grant: LeaseGrant) -> None:
        """Give the lease up now (a clean shutdown), so a standby need not wait for the expiry."""
        with self.engine.begin() as conn:
            conn.execute(
                update(stream_leases)
                .where(stream_leases.c.stream == grant.stream, stream_leases.c.holder == grant.holder,
                       stream_leases.c.token == grant.token)  # fmt: skip
                .values(expires_at=_NEVER)
            )

    def lease(self, stream: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(stream_leases).where(stream_leases.c.stream == stream)).first()
        return dict(row._mapping) if row else None

    def _check_lease(self, conn: Connection, grant: LeaseGrant | None) -> None:
        """First statement of a fenced write: renew the lease if still ours, else raise LeaseLost.

        The UPDATE locks the lease row until the write commits (PostgreSQL; SQLite has one writer),
        so nobody can take the lease between this check and the commit.
        """
        if grant is None:
            return  # a worker stepped directly (tests, `lookout run`): nobody to fence against
        result = conn.execute(
            update(stream_leases)
            .where(stream_leases.c.stream == grant.stream, stream_leases.c.holder == grant.holder,
                   stream_leases.c.token == grant.token)  # fmt: skip
            .values(expires_at=_now() + timedelta(seconds=grant.ttl_seconds))
        )
        if result.rowcount != 1:
            raise LeaseLost(f"lease on stream {grant.stream!r} (token {grant.token}) is no longer held by {grant.holder}")
