"""Tables, in SQLAlchemy Core, shared by SQLite (default) and PostgreSQL.

Events are append-only and idempotent on ``event_id``; ``seq`` is the ingest order, which the
pipeline tails. Ground truth lives in its own table so that nothing reading events can peek at it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no timezone type: values are stored as naive UTC and given back their UTC tzinfo,
    so comparisons and ordering are the same on SQLite and PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: every stored time must carry a timezone")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


metadata = MetaData()

# PostgreSQL numbers events from a BIGINT sequence; SQLite needs INTEGER PRIMARY KEY for its rowid.
SEQ = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=True),
    Column("event_id", String(128), nullable=False, unique=True),
    Column("ts", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("conversation_id", String(128), nullable=False),
    Column("model_version", String(128), nullable=False),
    Column("segment", String(128), nullable=False),
    Column("prompt", Text, nullable=False),
    Column("response", Text, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("metadata", JSON, nullable=False),
    Index("ix_events_ts", "ts"),
    Index("ix_events_segment_ts", "segment", "ts"),
    Index("ix_events_model_version_ts", "model_version", "ts"),
)

truth = Table(
    "truth",
    metadata,
    Column("event_id", String(128), ForeignKey("events.event_id"), primary_key=True),
    Column("harm_category", String(64), nullable=True),
    Column("incident_id", String(128), nullable=True),
    Column("phase", String(128), nullable=False),
    Column("is_canary", Boolean, nullable=False),
    Index("ix_truth_incident", "incident_id"),
)

# One row per (stream, window): the window's results, upserted so reprocessing never double counts.
window_stats = Table(
    "window_stats",
    metadata,
    Column("stream", String(64), primary_key=True),
    Column("window_start", UtcDateTime, primary_key=True),
    Column("window_end", UtcDateTime, nullable=False),
    Column("n_events", Integer, nullable=False),
    Column("late_events", Integer, nullable=False, default=0),
    Column("drift_detector", String(64), nullable=True),
    Column("drift_statistic", Float, nullable=True),
    Column("drift_p_value", Float, nullable=True),
    Column("drifted", Boolean, nullable=True),
    Column("result", JSON, nullable=False),
    Column("max_seq", BigInteger, nullable=False),
    Column("processed_at", UtcDateTime, nullable=False),
)

# Where each stream's pipeline stands; updated in the same transaction as the window it closed.
pipeline_state = Table(
    "pipeline_state",
    metadata,
    Column("stream", String(64), primary_key=True),
    Column("next_window_start", UtcDateTime, nullable=True),
    Column("checked_seq", BigInteger, nullable=False, default=0),
    Column("sequential", JSON, nullable=False),
    # Running totals behind Prometheus counters: harm flags by category and tier, and the
    # histogram of window processing time (so every API replica reports the same values).
    Column("totals", JSON, nullable=False, default=dict),
    # The alerting engine's state: rule states, burn-rate history, incidents and their timelines.
    Column("alerting", JSON, nullable=False, default=dict),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Drift references and their log: every re-baseline is a row with who asked, why and when.
references = Table(
    "drift_references",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("stream", String(64), nullable=False),
    # pending (asked for, not built yet) -> active -> superseded; or failed with a reason.
    Column("status", String(16), nullable=False),
    Column("requested_by", String(128), nullable=False),
    Column("reason", Text, nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("source", JSON, nullable=False),
    Column("activated_at", UtcDateTime, nullable=True),
    Column("n_events", Integer, nullable=True),
    Column("first_ts", UtcDateTime, nullable=True),
    Column("last_ts", UtcDateTime, nullable=True),
    Column("embedder", String(128), nullable=True),
    Column("embeddings", LargeBinary, nullable=True),
    Column("texts", JSON, nullable=True),
    Column("topics", JSON, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_references_stream_status", "stream", "status"),
)

# Tier 3: turns a person should look at (uncertain scores, every high-severity flag), and their labels.
review_queue = Table(
    "review_queue",
    metadata,
    Column("event_id", String(128), ForeignKey("events.event_id"), primary_key=True),
    Column("stream", String(64), nullable=False),
    Column("window_start", UtcDateTime, nullable=False),
    # The category the automatic tiers proposed and how sure they were.
    Column("category", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("tier", String(32), nullable=False),
    Column("flagged", Boolean, nullable=False),
    # uncertain (score inside the category's review band) or high_severity (a flag of severity >= 3).
    Column("reason", String(32), nullable=False),
    Column("enqueued_at", UtcDateTime, nullable=False),
    # A reviewer's verdict: one of the categories, or "benign".
    Column("label", String(64), nullable=True),
    Column("labelled_by", String(128), nullable=True),
    Column("labelled_at", UtcDateTime, nullable=True),
    Index("ix_review_pending", "label", "enqueued_at"),
)

# People's actions on incidents (ack, resolve). The API records them; the worker, the only writer
# of the alerting state, applies them in order at its next step and notes the outcome.
incident_commands = Table(
    "incident_commands",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("stream", String(64), nullable=False),
    Column("incident_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),  # ack | resolve
    Column("requested_by", String(128), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("applied_at", UtcDateTime, nullable=True),
    Column("outcome", Text, nullable=True),
    Index("ix_incident_commands_pending", "stream", "applied_at"),
)

# Silences set by people through the API (escalation.yaml holds the planned ones). Times are event
# time, the clock the worker evaluates alerts on; the worker merges the unexpired rows with the
# config's silences at every step. DELETE sets expired_at (wall clock) and the row stops applying.
silences = Table(
    "silences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("stream", String(64), nullable=False),
    # Label name -> exact value, all of which an alert's labels must carry (Alertmanager's `=`).
    Column("matchers", JSON, nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("comment", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expired_at", UtcDateTime, nullable=True),
    Column("expired_by", String(128), nullable=True),
    Index("ix_silences_stream_expired", "stream", "expired_at"),
)

# Which worker may advance a stream: one holder at a time, until ``expires_at`` unless it renews.
# ``token`` grows by one at every change of holder (a fencing token): every write of the stream's
# state checks, in its own transaction, that the token is still the one the writer acquired.
stream_leases = Table(
    "stream_leases",
    metadata,
    Column("stream", String(64), primary_key=True),
    Column("holder", String(256), nullable=True),
    Column("token", Integer, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("acquired_at", UtcDateTime, nullable=True),
)
