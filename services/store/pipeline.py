"""Pipeline state: windows, the watermark's progress, late events and drift references."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Table, func, select, text, type_coerce, update

from services.store.leases import LeaseGrant
from services.store.schema import UtcDateTime, events, incident_commands, pipeline_state, references, silences, window_stats

_WINDOW_EVENT_COLUMNS = (
    events.c.seq, events.c.event_id, events.c.ts, events.c.segment, events.c.model_version,
    events.c.prompt, events.c.response, events.c.latency_ms,
)  # fmt: skip


# PostgreSQL hands out ``seq`` values before the inserting transactions commit, so a reader could
# see seq 101 while 100 is still uncommitted and later skip it. Every event insert holds this
# advisory lock shared until it commits; ``event_bounds`` takes it exclusively for an instant, so
# the highest ``seq`` it returns has no uncommitted event below it. (SQLite has one writer.)
SEQ_BARRIER_LOCK = 0x4C4F4F4C


def _now() -> datetime:
    return datetime.now(timezone.utc)


class PipelineStoreMixin:
    """Methods of :class:`services.store.Store` used by the pipeline worker and the windows API."""

    engine: Any

    def _upsert(self, conn: Connection, table: Table, row: Mapping[str, Any], keys: tuple[str, ...]) -> None:
        name = self.engine.dialect.name
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        stmt = dialect_insert(table).values(**row)
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={k: stmt.excluded[k] for k in row if k not in keys})
        conn.execute(stmt)

    # -- events as the pipeline sees them (never truth) -----------------------------------------

    def event_bounds(self) -> tuple[datetime | None, datetime | None, int]:
        """Earliest and latest event time, and the highest ``seq``, over all stored events.

        Every event with a smaller ``seq`` is committed (see ``SEQ_BARRIER_LOCK``).
        """
        # One scalar subquery per aggregate: SQLite answers a lone min() or max() from the index,
        # but scans the whole table for several in one SELECT (10 ms per step at 20,000 events).
        query = select(
            type_coerce(select(func.min(events.c.ts)).scalar_subquery(), UtcDateTime()),
            type_coerce(select(func.max(events.c.ts)).scalar_subquery(), UtcDateTime()),
            select(func.max(events.c.seq)).scalar_subquery(),
        )
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SEQ_BARRIER_LOCK})
            lo, hi, seq = conn.execute(query).one()
        return lo, hi, seq or 0

    def window_events(self, start: datetime, end: datetime, *, max_seq: int) -> list[dict[str, Any]]:
        """Events with ``start <= ts < end`` ingested up to ``max_seq``, in event-time order."""
        query = (
            select(*_WINDOW_EVENT_COLUMNS)
            .where(events.c.ts >= start, events.c.ts < end, events.c.seq <= max_seq)
            .order_by(events.c.ts, events.c.seq)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def first_events(self, n: int, *, max_ts: datetime | None = None) -> list[dict[str, Any]]:
        """The ``n`` earliest events by event time (optionally only those before ``max_ts``)."""
        query = select(*_WINDOW_EVENT_COLUMNS).order_by(events.c.ts, events.c.seq).limit(n)
        if max_ts is not None:
            query = query.where(events.c.ts < max_ts)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def late_event_times(self, *, after_seq: int, upto_seq: int, before: datetime) -> list[datetime]:
        """Event times of events ingested in ``(after_seq, upto_seq]`` for windows before ``before``."""
        query = select(events.c.ts).where(events.c.seq > after_seq, events.c.seq <= upto_seq, events.c.ts < before)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    # -- windows and the worker's progress ------------------------------------------------------

    def load_state(self, stream: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(pipeline_state).where(pipeline_state.c.stream == stream)).first()
        return dict(row._mapping) if row else None

    def save_state(self, stream: str, state: Mapping[str, Any]) -> None:
        with self.engine.begin() as conn:
            self._upsert(conn, pipeline_state, {**state, "stream": stream, "updated_at": _now()}, ("stream",))

    def commit_window(
        self,
        stream: str,
        window: Mapping[str, Any],
        state: Mapping[str, Any],
        review: Sequence[dict[str, Any]] = (),
        *,
        lease: LeaseGrant | None = None,
    ) -> None:
        """Upsert a window's results, queue its review items and advance the stream's state, in one transaction.

        A crash before the commit leaves the window unprocessed; a crash after it leaves the state
        past it. Either way a restart neither loses the window nor counts it twice. With a
        ``lease``, the transaction first checks it is still held (else :class:`LeaseLost`).
        """
        with self.engine.begin() as conn:
            self._check_lease(conn, lease)
            self._upsert(conn, window_stats, {**window, "stream": stream, "processed_at": _now()}, ("stream", "window_start"))
            self._enqueue(conn, [{**item, "stream": stream, "window_start": window["window_start"]} for item in review])
            self._upsert(conn, pipeline_state, {**state, "stream": stream, "updated_at": _now()}, ("stream",))

    def add_late_events(
        self, stream: str, counts: Mapping[datetime, int], state: Mapping[str, Any], *, lease: LeaseGrant | None = None
    ) -> None:
        """Add late-event counts to closed windows (creating none) and save the state, atomically."""
        with self.engine.begin() as conn:
            self._check_lease(conn, lease)
            for start, n in counts.items():
                conn.execute(
                    update(window_stats)
                    .where(window_stats.c.stream == stream, window_stats.c.window_start == start)
                    .values(late_events=window_stats.c.late_events + n)
                )
            self._upsert(conn, pipeline_state, {**state, "stream": stream, "updated_at": _now()}, ("stream",))

    def list_windows(
        self, stream: str, *, since: datetime | None = None, until: datetime | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        """Closed windows in time order (the latest ``limit`` of them)."""
        return self._latest_windows(window_stats.c, stream, since=since, until=until, limit=limit)

    def _latest_windows(
        self, columns: Any, stream: str, *, since: datetime | None, until: datetime | None, limit: int
    ) -> list[dict[str, Any]]:
        query = select(*columns).where(window_stats.c.stream == stream)
        if since is not None:
            query = query.where(window_stats.c.window_start >= since)
        if until is not None:
            query = query.where(window_stats.c.window_start < until)
        query = query.order_by(window_stats.c.window_start.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        return rows[::-1]

    def list_window_parts(
        self, stream: str, paths: Sequence[Sequence[str]], *, since: datetime | None = None,
        until: datetime | None = None, limit: int = 500,
    ) -> list[dict[str, Any]]:
        """Closed windows in time order (the latest ``limit``) with the window's own columns and, in
        ``parts``, the value at each of ``paths`` (key sequences into the result; ``None`` where a
        path is missing). The database extracts them, so a window's whole result (about 15 KB of
        JSON) is neither sent to Python nor parsed there.
        """
        if not paths:
            raise ValueError("paths must name at least one path into the result")
        result = window_stats.c.result
        if self.engine.dialect.name == "sqlite":
            # With two or more paths json_extract returns a JSON array, which keeps true/false
            # (alone it would give a bare 1/0); one path is asked for twice.
            json_paths = ["$" + "".join(f'."{key}"' for key in path) for path in paths]
            parts = func.json_extract(result, *(json_paths * 2 if len(json_paths) == 1 else json_paths))
        else:
            parts = func.json_build_array(*(result[tuple(path)] for path in paths))
        c = window_stats.c
        columns = (c.stream, c.window_start, c.window_end, c.n_events, c.late_events, c.drift_p_value, c.drifted,
                   parts.label("parts"))
        rows = self._latest_windows(columns, stream, since=since, until=until, limit=limit)
        for row in rows:
            values = json.loads(row["parts"]) if isinstance(row["parts"], (str, bytes)) else row["parts"]
            row["parts"] = values[:len(paths)]
        return rows

    # -- drift references -----------------------------------------------------------------------

    def request_reference(self, stream: str, *, requested_by: str, reason: str, source: Mapping[str, Any]) -> int:
        """Log a re-baseline request; the worker builds it and makes it active."""
        with self.engine.begin() as conn:
            result = conn.execute(
                references.insert().values(
                    stream=stream, status="pending", requested_by=requested_by, reason=reason,
                    requested_at=_now(), source=dict(source),
                )  # fmt: skip
            )
            return int(result.inserted_primary_key[0])

    def pending_reference(self, stream: str) -> dict[str, Any] | None:
        query = (
            select(references.c.id, references.c.source, references.c.requested_by, references.c.reason)
            .where(references.c.stream == stream, references.c.status == "pending")
            .order_by(references.c.id)
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row else None

    def activate_reference(self, ref_id: int, stream: str, *, lease: LeaseGrant | None = None, **built: Any) -> None:
        """Make reference ``ref_id`` the active one (the previous one becomes superseded)."""
        with self.engine.begin() as conn:
            self._check_lease(conn, lease)
            conn.execute(
                update(references)
                .where(references.c.stream == stream, references.c.status == "active")
                .values(status="superseded")
            )
            conn.execute(
                update(references).where(references.c.id == ref_id).values(status="active", activated_at=_now(), **built)
            )

    def fail_reference(self, ref_id: int, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(references).where(references.c.id == ref_id).values(status="failed", error=error))

    def active_reference_id(self, stream: str) -> int | None:
        """Id of the active reference (a cheap check before loading its embeddings)."""
        query = select(references.c.id).where(references.c.stream == stream, references.c.status == "active")
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def active_reference(self, stream: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(references).where(references.c.stream == stream, references.c.status == "active")
            ).first()
        return dict(row._mapping) if row else None

    def reference_log(self, stream: str) -> list[dict[str, Any]]:
        """Every reference and re-baseline request of the stream, newest first (no embeddings)."""
        cols = [c for c in references.c if c.name not in ("embeddings", "texts", "topics")]
        query = select(*cols).where(references.c.stream == stream).order_by(references.c.id.desc())
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # -- people's commands on incidents ---------------------------------------------------------

    def request_incident_command(self, stream: str, incident_id: str, *, kind: str, requested_by: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                incident_commands.insert().values(
                    stream=stream, incident_id=incident_id, kind=kind, requested_by=requested_by, requested_at=_now()
                )
            )
            return int(result.inserted_primary_key[0])

    def pending_incident_commands(self, stream: str) -> list[dict[str, Any]]:
        query = (
            select(incident_commands)
            .where(incident_commands.c.stream == stream, incident_commands.c.applied_at.is_(None))
            .order_by(incident_commands.c.id)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def apply_incident_commands(
        self, stream: str, outcomes: Mapping[int, str], state: Mapping[str, Any], *, lease: LeaseGrant | None = None
    ) -> None:
        """Mark commands applied and save the state they changed, in one transaction."""
        with self.engine.begin() as conn:
            self._check_lease(conn, lease)
            for command_id, outcome in outcomes.items():
                conn.execute(
                    update(incident_commands)
                    .where(incident_commands.c.id == command_id)
                    .values(applied_at=_now(), outcome=outcome)
                )
            self._upsert(conn, pipeline_state, {**state, "stream": stream, "updated_at": _now()}, ("stream",))

    def incident_command(self, command_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(incident_commands).where(incident_commands.c.id == command_id)).first()
        return dict(row._mapping) if row else None

    def closed_window_events(self, stream: str) -> int:
        """Turns counted in the stream's closed windows so far (the denominators of its harm rates)."""
        query = select(func.coalesce(func.sum(window_stats.c.n_events), 0)).where(window_stats.c.stream == stream)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- people's silences (event time) ---------------------------------------------------------

    def event_clock(self, stream: str) -> datetime:
        """The worker's "now": the end of the last closed window; else the latest event; else wall time."""
        state = self.load_state(stream)
        if state and state.get("next_window_start") is not None:
            return state["next_window_start"]
        _, hi, _ = self.event_bounds()
        return hi if hi is not None else _now()

    def add_silence(
        self, stream: str, *, matchers: Mapping[str, str], starts_at: datetime, ends_at: datetime, created_by: str, comment: str
    ) -> dict[str, Any]:
        row = {"stream": stream, "matchers": dict(matchers), "starts_at": starts_at, "ends_at": ends_at,
               "created_by": created_by, "comment": comment, "created_at": _now()}  # fmt: skip
        with self.engine.begin() as conn:
            silence_id = int(conn.execute(silences.insert().values(**row)).inserted_primary_key[0])
        return self.silence(silence_id)  # type: ignore[return-value]

    def silence(self, silence_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(silences).where(silences.c.id == silence_id)).first()
        return dict(row._mapping) if row else None

    def list_silences(self, stream: str, *, include_expired: bool = True) -> list[dict[str, Any]]:
        query = select(silences).where(silences.c.stream == stream).order_by(silences.c.id.desc())
        if not include_expired:
            query = query.where(silences.c.expired_at.is_(None))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def expire_silence(self, silence_id: int, *, by: str | None) -> dict[str, Any] | None:
        """Expire a silence now (idempotent: an expired one keeps its first expiry); None if unknown."""
        with self.engine.begin() as conn:
            conn.execute(
                update(silences)
                .where(silences.c.id == silence_id, silences.c.expired_at.is_(None))
                .values(expired_at=_now(), expired_by=by)
            )
        return self.silence(silence_id)
