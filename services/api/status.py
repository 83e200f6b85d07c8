"""``GET /v1/status``: the few numbers a dashboard shows at a glance, as JSON.

The same figures are on ``/metrics`` for Prometheus; this is for clients that want one small JSON
object instead of parsing the exposition format (or paging through the review queue to count it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.api.deps import StoreDep
from services.settings import DEFAULT_STREAM

router = APIRouter(prefix="/v1", tags=["pipeline"])


class Status(BaseModel):
    events: int = Field(description="Turns stored.")
    latest_event_ts: datetime | None = Field(description="Event time of the newest stored turn.")
    latest_window_end: datetime | None = Field(description="End of the latest closed window.")
    pipeline_lag_seconds: float = Field(
        description="Event time between the newest turn and the end of the latest closed window "
        "(as lookout_pipeline_lag_seconds); 0 before any window closes.")
    review_pending: int = Field(description="Turns in the review queue waiting for a label.")


@router.get("/status", response_model=Status)
def get_status(store: StoreDep, stream: Annotated[str, Query(max_length=64)] = DEFAULT_STREAM) -> Status:
    """Stored turns, the pipeline's lag behind them, and the review backlog."""
    _, newest, _ = store.event_bounds()
    latest = store.list_windows(stream, limit=1)
    closed_until = latest[-1]["window_end"] if latest else None
    lag = (newest - closed_until).total_seconds() if newest and closed_until else 0.0
    return Status(events=store.count_events(), latest_event_ts=newest, latest_window_end=closed_until,
                  pipeline_lag_seconds=max(0.0, lag), review_pending=store.review_pending_count())
