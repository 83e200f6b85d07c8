"""``POST /v1/events`` (ingest a batch) and ``GET /v1/events`` (read stored events, paged)."""

from __future__ import annotations

from typing import Annotated, Any

import pydantic_core
from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from services.api.deps import MetricsDep, SettingsDep, StoreDep, WriteAccess
from services.errors import ApiError, ErrorBody, error_response, errors_from_pydantic
from services.schemas import MAX_BATCH, EventList, EventPage, IngestResult, StoredEvent, UtcTime
from services.store import EventFilter

router = APIRouter(prefix="/v1", tags=["events"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "API key missing or wrong"},
    413: {"model": ErrorBody, "description": f"Body too large or more than {MAX_BATCH} events"},
    422: {"model": ErrorBody, "description": "Invalid JSON or an event breaks the contract; `errors[].path` names the field"},
}


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "body", f"body is {int(declared)} bytes; the limit is {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "body", f"body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _events_array(body: bytes) -> list[Any]:
    try:
        data = pydantic_core.from_json(body)
    except ValueError as exc:
        raise ApiError(422, "body", f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict) or "events" not in data:
        raise ApiError(422, "body", 'expected a JSON object {"events": [...]}')
    extra = sorted(k for k in data if k != "events")
    if extra:
        raise ApiError(422, extra[0], 'unknown field; the body is {"events": [...]}')
    items = data["events"]
    if not isinstance(items, list):
        raise ApiError(422, "events", "expected a JSON array of events")
    return items


@router.post(
    "/events",
    response_model=IngestResult,
    dependencies=[WriteAccess],
    responses=_ERRORS,
    # The body is parsed by hand (size and count limits come before validation), so its schema is
    # declared here; services.app moves the nested definitions into components/schemas.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventBatch"}}},
        }
    },
)
async def post_events(request: Request, store: StoreDep, settings: SettingsDep, metrics: MetricsDep) -> IngestResult:
    """Store a batch of at most 1,000 events; every stored event is committed before the reply.

    The batch is all or nothing: one invalid event refuses the whole batch (422) and stores none,
    so a client can fix it and resend. Re-sending an event_id already stored is acknowledged and
    counted in ``duplicates``, never stored twice.
    """
    try:
        items = _events_array(await _read_body(request, settings.max_body_bytes))
    except ApiError as exc:
        metrics.rejected.labels(reason="too_large" if exc.status == 413 else "malformed").inc()
        raise
    if len(items) > MAX_BATCH:
        metrics.rejected.labels(reason="too_large").inc(len(items))
        raise ApiError(413, "events", f"batch has {len(items)} events; the limit is {MAX_BATCH} per request")
    try:
        batch = EventList.validate_python(items)
    except ValidationError as exc:
        metrics.rejected.labels(reason="invalid").inc(len(items))
        return error_response(422, errors_from_pydantic(exc.errors(), prefix=("events",)))  # type: ignore[return-value]
    outcome = await run_in_threadpool(store.insert_events, batch)
    for ev in outcome.inserted:
        metrics.ingested.labels(model_version=ev.model_version, segment=ev.segment).inc()
    if outcome.duplicates:
        metrics.duplicates.inc(outcome.duplicates)
    return IngestResult(accepted=len(outcome.inserted), duplicates=outcome.duplicates)


@router.get("/events", response_model=EventPage, responses={422: {"model": ErrorBody}})
def get_events(
    store: StoreDep,
    since: Annotated[UtcTime | None, Query(description="Only events with ts >= since (RFC 3339).")] = None,
    until: Annotated[UtcTime | None, Query(description="Only events with ts < until (RFC 3339).")] = None,
    segment: Annotated[str | None, Query(max_length=128)] = None,
    model_version: Annotated[str | None, Query(max_length=128)] = None,
    after: Annotated[int, Query(ge=0, le=2**63 - 1, description="Cursor: return events with seq > after.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventPage:
    """Stored events in ingest order (ground truth is never included)."""
    flt = EventFilter(since=since, until=until, segment=segment, model_version=model_version)
    rows = store.list_events(flt, after=after, limit=limit + 1)
    page = rows[:limit]
    return EventPage(
        events=[StoredEvent.model_validate(r) for r in page],
        next_cursor=page[-1]["seq"] if len(rows) > limit else None,
    )
