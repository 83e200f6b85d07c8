"""The human review queue (tier 3) and what reviewers' labels say about the automatic tiers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, Literal, get_args

from sqlalchemy import Connection, func, select, update

from services.store.schema import events, review_queue


# How pending items are listed. Flags first: each confirms or refutes a flag that feeds the rates
# and the alerts, and gives the tier's precision; the unsure ones (mostly harmless: 1,123 of the
# demo's 1,465 queued turns) estimate what the tiers miss.
ReviewOrder = Literal["flagged_first", "oldest"]
REVIEW_ORDERS: tuple[str, ...] = get_args(ReviewOrder)


class ReviewStoreMixin:
    engine: Any

    def _enqueue(self, conn: Connection, items: Sequence[dict[str, Any]]) -> None:
        # Called inside the window's transaction: a reprocessed window enqueues nothing twice.
        if not items:
            return
        if self.engine.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        now = datetime.now(timezone.utc)
        stmt = dialect_insert(review_queue).on_conflict_do_nothing(index_elements=["event_id"])
        conn.execute(stmt, [{**item, "enqueued_at": now} for item in items])

    @staticmethod
    def _with_text():  # noqa: ANN205
        return select(
            review_queue, events.c.prompt, events.c.response, events.c.ts, events.c.segment, events.c.model_version
        ).join(events, events.c.event_id == review_queue.c.event_id)

    def review_item(self, event_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(self._with_text().where(review_queue.c.event_id == event_id)).first()
        return dict(row._mapping) if row else None

    def review_items(self, *, status: str = "pending", category: str | None = None, limit: int = 50,
                     order: ReviewOrder = "flagged_first") -> list[dict[str, Any]]:
        """Queue entries with the event's text; labelled ones newest first. Pending ones
        ``flagged_first`` (the turns a tier flagged, then the unsure ones; oldest first within
        each) or ``oldest`` first."""
        if order not in REVIEW_ORDERS:
            raise ValueError(f"order must be one of {', '.join(REVIEW_ORDERS)}, got {order!r}")
        query = self._with_text()
        if status == "pending":
            first = (review_queue.c.flagged.desc(),) if order == "flagged_first" else ()
            query = query.where(review_queue.c.label.is_(None)).order_by(*first, review_queue.c.enqueued_at, review_queue.c.event_id)
        elif status == "labelled":
            query = query.where(review_queue.c.label.is_not(None)).order_by(review_queue.c.labelled_at.desc())
        if category is not None:
            query = query.where(review_queue.c.category == category)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.limit(limit))]

    def review_pending_count(self) -> int:
        """How many queued turns wait for a label (uses the ``(label, enqueued_at)`` index)."""
        query = select(func.count()).select_from(review_queue).where(review_queue.c.label.is_(None))
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def label_review(self, event_id: str, *, label: str, reviewer: str) -> bool:
        """Record a reviewer's label (a later label replaces an earlier one); False if not queued."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(review_queue)
                .where(review_queue.c.event_id == event_id)
                .values(label=label, labelled_by=reviewer, labelled_at=datetime.now(timezone.utc))
            )
        return result.rowcount > 0

    def review_counts(self) -> list[dict[str, Any]]:
        """Labelled entries as (tier, category, flagged, label) rows, for precision estimates."""
        query = select(review_queue.c.tier, review_queue.c.category, review_queue.c.flagged, review_queue.c.label).where(
            review_queue.c.label.is_not(None)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]
