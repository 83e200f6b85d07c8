"""``GET /v1/windows``: closed windows with their monitoring results; the drift reference and its log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, model_validator

from services.api.deps import StoreDep, WriteAccess
from services.errors import ApiError, ErrorBody
from services.schemas import UtcTime
from services.settings import DEFAULT_STREAM

router = APIRouter(prefix="/v1", tags=["pipeline"])


class WindowOut(BaseModel):
    stream: str
    window_start: datetime
    window_end: datetime
    n_events: int
    late_events: int
    drift_detector: str | None
    drift_statistic: float | None
    drift_p_value: float | None
    drifted: bool | None
    result: dict[str, Any] = Field(description="Everything computed for the window: volume, drift, sequential, ...")
    processed_at: datetime


class WindowPage(BaseModel):
    windows: list[WindowOut]


@router.get("/windows", response_model=WindowPage, responses={422: {"model": ErrorBody}})
def get_windows(
    store: StoreDep,
    stream: Annotated[str, Query(max_length=64)] = DEFAULT_STREAM,
    since: Annotated[UtcTime | None, Query(description="Windows starting at or after this time.")] = None,
    until: Annotated[UtcTime | None, Query(description="Windows starting before this time.")] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="The latest this many windows.")] = 500,
) -> WindowPage:
    rows = store.list_windows(stream, since=since, until=until, limit=limit)
    return WindowPage(windows=[WindowOut.model_validate(r) for r in rows])


class ReferenceEntry(BaseModel):
    id: int
    stream: str
    status: Literal["pending", "active", "superseded", "failed"]
    requested_by: str
    reason: str
    requested_at: datetime
    source: dict[str, Any]
    activated_at: datetime | None
    n_events: int | None
    first_ts: datetime | None
    last_ts: datetime | None
    embedder: str | None
    error: str | None


class ReferenceLog(BaseModel):
    active: ReferenceEntry | None
    log: list[ReferenceEntry] = Field(description="Every reference and re-baseline request, newest first.")


@router.get("/reference", response_model=ReferenceLog)
def get_reference(store: StoreDep, stream: Annotated[str, Query(max_length=64)] = DEFAULT_STREAM) -> ReferenceLog:
    log = [ReferenceEntry.model_validate(r) for r in store.reference_log(stream)]
    return ReferenceLog(active=next((r for r in log if r.status == "active"), None), log=log)


class TimeRange(BaseModel):
    start: UtcTime
    end: UtcTime

    @model_validator(mode="after")
    def _ordered(self) -> "TimeRange":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class RebaselineRequest(BaseModel):
    """Pin a new reference: the last N closed windows, or an explicit event-time range."""

    model_config = {"extra": "forbid"}

    requested_by: str = Field(min_length=1, max_length=128, description="Who asks (kept in the log).")
    reason: str = Field(min_length=3, max_length=2000, description="Why (kept in the log).")
    last_windows: int | None = Field(default=None, ge=1, le=10_000)
    window_range: TimeRange | None = None
    stream: str = Field(default=DEFAULT_STREAM, max_length=64)

    @model_validator(mode="after")
    def _one_source(self) -> "RebaselineRequest":
        if (self.last_windows is None) == (self.window_range is None):
            raise ValueError("give exactly one of last_windows or window_range")
        return self


class RebaselineAccepted(BaseModel):
    reference_id: int
    status: str
    source: dict[str, Any]


@router.post(
    "/reference/rebaseline",
    response_model=RebaselineAccepted,
    status_code=202,
    dependencies=[WriteAccess],
    responses={401: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
)
def rebaseline(body: RebaselineRequest, store: StoreDep, request: Request) -> RebaselineAccepted:
    """Ask for a new drift reference; the worker builds it and logs who asked and why (202)."""
    source = _resolve_source(body, store, window_seconds=request.app.state.monitor.window)
    ref_id = store.request_reference(body.stream, requested_by=body.requested_by, reason=body.reason, source=source)
    return RebaselineAccepted(reference_id=ref_id, status="pending", source=source)


def _resolve_source(body: RebaselineRequest, store: Any, *, window_seconds: float) -> dict[str, Any]:
    # "The last N windows" is fixed to times now, so the log says exactly what was pinned.
    if body.window_range is not None:
        start, end = body.window_range.start, body.window_range.end
    else:
        latest = store.list_windows(body.stream, limit=1)
        if not latest:
            raise ApiError(409, "last_windows", "no window has been closed yet; give window_range instead")
        end = latest[-1]["window_end"]
        start = end - timedelta(seconds=window_seconds * body.last_windows)
    as_text = lambda t: t.astimezone(timezone.utc).isoformat()  # noqa: E731
    return {"window_range": {"start": as_text(start), "end": as_text(end)}}
