"""Event storage: idempotent batch insert, paged reads, ground truth kept apart."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select, text, type_coerce
from sqlalchemy.pool import StaticPool
from sqlalchemy.engine import make_url

from services.schemas import Event
from services.store.leases import LeaseStoreMixin
from services.store.migrations import migrate
from services.store.pipeline import SEQ_BARRIER_LOCK, PipelineStoreMixin
from services.store.review import ReviewStoreMixin
from services.store.schema import UtcDateTime, events, truth


@dataclass(frozen=True)
class EventFilter:
    """Which stored events to read: all fields optional, combined with AND."""

    since: datetime | None = None  # ts >= since
    until: datetime | None = None  # ts < until
    segment: str | None = None
    model_version: str | None = None


@dataclass(frozen=True)
class InsertOutcome:
    """What one batch did: the events newly stored and how many were already there."""

    inserted: list[Event]
    duplicates: int


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers (dashboard, pipeline) run while the API writes. synchronous=NORMAL in WAL
    # mode keeps every committed transaction across a crash of the process; only a power cut can
    # lose the last few commits. busy_timeout makes concurrent writers wait instead of failing.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite files get their folder created and WAL mode."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": 30}
        if parsed.database in (None, "", ":memory:"):
            # One shared connection, or every pooled connection would see its own empty database.
            engine = create_engine(url, connect_args=connect_args, poolclass=StaticPool)
        else:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args=connect_args)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _dialect_insert(engine: Engine, table):  # noqa: ANN001, ANN202
    name = engine.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        raise ValueError(f"database backend {name!r} is not supported; use sqlite or postgresql")
    return dialect_insert(table)


_EVENT_COLUMNS = (
    "event_id", "ts", "received_at", "conversation_id", "model_version",
    "segment", "prompt", "response", "latency_ms", "metadata",
)  # fmt: skip


def _sqlite_time(value: datetime) -> str:
    # The text format SQLAlchemy's SQLite DateTime reads back (naive UTC, microseconds).
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class Store(PipelineStoreMixin, ReviewStoreMixin, LeaseStoreMixin):
    """All reads and writes of Lookout's state go through here."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._insert_events = (
            _dialect_insert(engine, events)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(events.c.event_id)
        )

    def create_schema(self) -> None:
        """Create or upgrade the schema (``services.store.migrations``); safe from many processes at once."""
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # -- writes ---------------------------------------------------------------------------------

    def insert_events(self, batch: Sequence[Event], *, received_at: datetime | None = None) -> InsertOutcome:
        """Store new events (and their truth) in one transaction; ids already stored are skipped.

        The transaction commits before this returns, so a caller that acknowledges afterwards never
        acknowledges an event that is not on disk.
        """
        if not batch:
            return InsertOutcome(inserted=[], duplicates=0)
        now = received_at or datetime.now(timezone.utc)
        # The same id twice in one batch: the first one wins, as if sent in two requests.
        unique: dict[str, Event] = {}
        for ev in batch:
            unique.setdefault(ev.event_id, ev)
        with self.engine.begin() as conn:
            if self._sqlite:
                new_ids = self._insert_sqlite(conn, list(unique.values()), now)
            else:
                # Held until commit, so the pipeline never reads past a seq still in flight.
                conn.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": SEQ_BARRIER_LOCK})
                new_ids = self._insert_core(conn, list(unique.values()), now)
            inserted = [ev for ev in unique.values() if ev.event_id in new_ids]
            truth_rows = [
                (ev.event_id, ev.truth.harm_category, ev.truth.incident_id, ev.truth.phase, ev.truth.is_canary)
                for ev in inserted
                if ev.truth is not None
            ]
            if truth_rows:
                if self._sqlite:
                    conn.exec_driver_sql(
                        "INSERT INTO truth (event_id, harm_category, incident_id, phase, is_canary) VALUES (?,?,?,?,?)",
                        truth_rows,
                    )
                else:
                    keys = ("event_id", "harm_category", "incident_id", "phase", "is_canary")
                    conn.execute(insert(truth), [dict(zip(keys, r)) for r in truth_rows])
        return InsertOutcome(inserted=inserted, duplicates=len(batch) - len(inserted))

    def _insert_core(self, conn: Connection, batch: list[Event], now: datetime) -> set[str]:
        rows = [
            {
                "event_id": ev.event_id,
                "ts": ev.ts,
                "received_at": now,
                "conversation_id": ev.conversation_id,
                "model_version": ev.model_version,
                "segment": ev.segment,
                "prompt": ev.prompt,
                "response": ev.response,
                "latency_ms": ev.latency_ms,
                "metadata": ev.metadata,
            }
            for ev in batch
        ]
        return set(conn.execute(self._insert_events, rows).scalars())

    @staticmethod
    def _insert_sqlite(conn: Connection, batch: list[Event], now: datetime) -> set[str]:
        # The same statement as _insert_core, built by hand: SQLAlchemy's per-row parameter
        # processing costs more than SQLite's insert itself (about 2x ingest throughput).
        received = _sqlite_time(now)
        params: list[Any] = []
        for ev in batch:
            params += (
                ev.event_id, _sqlite_time(ev.ts), received, ev.conversation_id, ev.model_version,
                ev.segment, ev.prompt, ev.response, ev.latency_ms, json.dumps(ev.metadata),
            )  # fmt: skip
        row = "(" + ",".join("?" * len(_EVENT_COLUMNS)) + ")"
        sql = (
            f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) VALUES {','.join([row] * len(batch))} "
            "ON CONFLICT(event_id) DO NOTHING RETURNING event_id"
        )
        return {r[0] for r in conn.exec_driver_sql(sql, tuple(params))}

    # -- reads ----------------------------------------------------------------------------------

    def count_events(self, flt: EventFilter = EventFilter()) -> int:
        query = select(func.count()).select_from(events)
        with self.engine.connect() as conn:
            return conn.execute(query.where(*self._conditions(flt))).scalar_one()

    def list_events(self, flt: EventFilter = EventFilter(), *, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Events in ingest order with ``seq > after``: page with the last ``seq`` seen."""
        query = (
            select(events)
            .where(events.c.seq > after, *self._conditions(flt))
            .order_by(events.c.seq)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def truth_for(self, event_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Ground truth by event id; only scoring code may call this."""
        ids = list(event_ids)
        if not ids:
            return {}
        out: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for row in conn.execute(select(truth).where(truth.c.event_id.in_(chunk))):
                    out[row.event_id] = dict(row._mapping)
        return out

    def incident_spans(self) -> list[dict[str, Any]]:
        """Ground truth per incident: its first and last turn and how many turns it has."""
        query = (
            select(
                truth.c.incident_id,
                type_coerce(func.min(events.c.ts), UtcDateTime()).label("first_ts"),
                type_coerce(func.max(events.c.ts), UtcDateTime()).label("last_ts"),
                func.count().label("n_events"),
            )
            .join(events, events.c.event_id == truth.c.event_id)
            .where(truth.c.incident_id.is_not(None))
            .group_by(truth.c.incident_id)
            .order_by("first_ts")
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    @staticmethod
    def _conditions(flt: EventFilter) -> list[Any]:
        conds = []
        if flt.since is not None:
            conds.append(events.c.ts >= flt.since)
        if flt.until is not None:
            conds.append(events.c.ts < flt.until)
        if flt.segment is not None:
            conds.append(events.c.segment == flt.segment)
        if flt.model_version is not None:
            conds.append(events.c.model_version == flt.model_version)
        return conds


def open_store(url: str, *, create: bool = True) -> Store:
    """A store on ``url`` (any SQLAlchemy URL), with its schema created unless ``create`` is false."""
    store = Store(make_engine(url))
    if create:
        store.create_schema()
    return store
