"""``GET /v1/alerts`` and ``GET /v1/incidents``: the alerting engine's state as the worker left it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.api.deps import StoreDep, WriteAccess
from services.errors import ApiError, ErrorBody
from services.settings import DEFAULT_STREAM

router = APIRouter(prefix="/v1", tags=["alerts"])


class AlertOut(BaseModel):
    alert: str
    labels: dict[str, str]
    annotations: dict[str, str]
    state: Literal["pending", "firing", "resolved"]
    active_at: float = Field(description="Event time (Unix seconds) the condition started holding.")
    fired_at: float | None
    resolved_at: float | None
    value: float | None


class AlertList(BaseModel):
    alerts: list[AlertOut]


class IncidentOut(BaseModel):
    id: str
    severity: str
    group: dict[str, str]
    status: Literal["open", "acknowledged", "resolved"]
    level: int = Field(description="Escalation level reached (1 = first target).")
    opened_at: float
    resolved_at: float | None
    acked_by: str | None
    suppressed: bool
    alerts: dict[str, dict[str, Any]]
    actions_taken: list[str]
    timeline: list[dict[str, Any]]


class IncidentList(BaseModel):
    incidents: list[IncidentOut]


def _alerting(store: Any, stream: str) -> dict[str, Any]:
    return (store.load_state(stream) or {}).get("alerting") or {}


@router.get("/alerts", response_model=AlertList)
def get_alerts(
    store: StoreDep,
    state: Annotated[Literal["pending", "firing", "resolved"] | None, Query(description="Only alerts in this state.")] = None,
    stream: Annotated[str, Query(max_length=64)] = DEFAULT_STREAM,
) -> AlertList:
    """Every alert instance the rules know (threshold and burn-rate), newest activity first."""
    engine = _alerting(store, stream)
    found = list((engine.get("rules") or {}).values()) + list(((engine.get("burn") or {}).get("alerts") or {}).values())
    alerts = [AlertOut.model_validate(a) for a in found if state is None or a["state"] == state]
    return AlertList(alerts=sorted(alerts, key=lambda a: a.active_at, reverse=True))


@router.get("/incidents", response_model=IncidentList)
def get_incidents(
    store: StoreDep,
    status: Annotated[Literal["open", "acknowledged", "resolved"] | None, Query()] = None,
    stream: Annotated[str, Query(max_length=64)] = DEFAULT_STREAM,
) -> IncidentList:
    """Incidents with their timelines (fired, notified, escalated, auto-actions, resolved)."""
    found = ((_alerting(store, stream).get("escalation") or {}).get("incidents") or {}).values()
    incidents = [IncidentOut.model_validate(i) for i in found if status is None or i["status"] == status]
    return IncidentList(incidents=sorted(incidents, key=lambda i: i.opened_at, reverse=True))


class IncidentAction(BaseModel):
    model_config = {"extra": "forbid"}

    by: str = Field(min_length=1, max_length=128, description="Who acts (kept in the incident's timeline).")


class CommandAccepted(BaseModel):
    command_id: int
    incident_id: str
    kind: Literal["ack", "resolve"]
    status: Literal["pending"] = Field(default="pending", description="The worker applies it at its next step (within about a second).")


def _command(store: Any, incident_id: str, kind: str, body: IncidentAction, stream: str) -> CommandAccepted:
    incidents = (_alerting(store, stream).get("escalation") or {}).get("incidents") or {}
    if incident_id not in incidents:
        raise ApiError(404, "incident_id", f"no incident {incident_id!r}")
    if incidents[incident_id]["status"] == "resolved":
        raise ApiError(409, "incident_id", f"incident {incident_id!r} is already resolved")
    command_id = store.request_incident_command(stream, incident_id, kind=kind, requested_by=body.by)
    return CommandAccepted(command_id=command_id, incident_id=incident_id, kind=kind)  # type: ignore[arg-type]


_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorBody}, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}}


@router.post("/incidents/{incident_id}/ack", response_model=CommandAccepted, status_code=202, dependencies=[WriteAccess], responses=_WRITE_ERRORS)
def ack_incident(incident_id: str, body: IncidentAction, store: StoreDep, stream: Annotated[str, Query(max_length=64)] = DEFAULT_STREAM) -> CommandAccepted:
    """Acknowledge: escalation stops; the incident stays open until its alerts resolve or someone resolves it."""
    return _command(store, incident_id, "ack", body, stream)


@router.post("/incidents/{incident_id}/resolve", response_model=CommandAccepted, status_code=202, dependencies=[WriteAccess], responses=_WRITE_ERRORS)
def resolve_incident(incident_id: str, body: IncidentAction, store: StoreDep, stream: Annotated[str, Query(max_length=64)] = DEFAULT_STREAM) -> CommandAccepted:
    """Resolve by hand (resolved notifications go out)."""
    return _command(store, incident_id, "resolve", body, stream)
