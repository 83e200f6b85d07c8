"""``POST /v1/silences``, ``GET /v1/silences``, ``DELETE /v1/silences/{id}``: people's silences.

A silence mutes the *notifications* of every alert whose labels carry all its matchers (alert state
and automatic actions are unchanged), like an Alertmanager silence. Its times are **event time**,
the clock the worker evaluates alerts on (the end of the last closed window): in a simulation at
120x, ``"duration": "2h"`` covers two simulated hours, about a minute of wall time. Without
``starts_at`` a silence starts at that clock's "now". The worker merges the unexpired silences
with ``escalation.yaml``'s at every step.

    POST /v1/silences
    {"matchers": {"alertname": "PiiLeak"}, "duration": "2h", "created_by": "dana", "comment": "fix deploying"}
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, field_validator

from services.api.deps import StoreDep, WriteAccess
from services.config.base import parse_duration
from services.errors import ApiError, ErrorBody
from services.schemas import UtcTime
from services.settings import DEFAULT_STREAM

router = APIRouter(prefix="/v1", tags=["alerts"])

_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


class SilenceIn(BaseModel):
    model_config = {"extra": "forbid"}

    matchers: dict[str, str] = Field(
        min_length=1, max_length=20, description="Label name -> exact value; an alert must carry all of them.",
        examples=[{"alertname": "PiiLeak"}],
    )  # fmt: skip
    duration: str | None = Field(default=None, description="How long from starts_at, such as '2h' (event time).")
    starts_at: UtcTime | None = Field(default=None, description="Event time; default: the worker's clock now.")
    ends_at: UtcTime | None = Field(default=None, description="Event time; give this or duration.")
    created_by: str = Field(min_length=1, max_length=128)
    comment: str = Field(default="", max_length=2000)

    @field_validator("matchers")
    @classmethod
    def _labels(cls, matchers: dict[str, str]) -> dict[str, str]:
        for name, value in matchers.items():
            if not _LABEL.fullmatch(name):
                raise ValueError(f"label name {name!r} must match [a-zA-Z_][a-zA-Z0-9_]*")
            if not value:
                raise ValueError(f"label {name!r} needs a non-empty value")
        return matchers

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value) <= 0:
            raise ValueError(f"duration must be positive, got {value!r}")
        return value


class SilenceOut(BaseModel):
    id: int
    matchers: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    comment: str
    created_at: datetime = Field(description="Wall-clock time the silence was set.")
    expired_at: datetime | None = Field(description="Wall-clock time it was expired by DELETE, if it was.")
    expired_by: str | None
    state: Literal["pending", "active", "expired"] = Field(description="Against the worker's event-time clock.")
    active: bool


class SilenceList(BaseModel):
    now: datetime = Field(description="The worker's event-time clock the states are judged against.")
    silences: list[SilenceOut]


def _out(row: dict[str, Any], now: datetime) -> SilenceOut:
    if row["expired_at"] is not None or now >= row["ends_at"]:
        state = "expired"
    elif now < row["starts_at"]:
        state = "pending"
    else:
        state = "active"
    return SilenceOut.model_validate({**row, "state": state, "active": state == "active"})


_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorBody}, 404: {"model": ErrorBody}}
StreamQuery = Annotated[str, Query(max_length=64)]


@router.post("/silences", response_model=SilenceOut, status_code=201, dependencies=[WriteAccess], responses=_ERRORS)
def create_silence(body: SilenceIn, store: StoreDep, stream: StreamQuery = DEFAULT_STREAM) -> SilenceOut:
    """Mute matching alerts' notifications from ``starts_at`` for ``duration`` (or until ``ends_at``)."""
    if (body.duration is None) == (body.ends_at is None):
        raise ApiError(422, "duration", "give exactly one of duration and ends_at")
    now = store.event_clock(stream)
    starts = body.starts_at or now
    ends = body.ends_at or starts + timedelta(seconds=parse_duration(body.duration))  # type: ignore[arg-type]
    if ends <= starts:
        raise ApiError(422, "ends_at", f"{ends.isoformat()} is not after the start {starts.isoformat()}")
    row = store.add_silence(stream, matchers=body.matchers, starts_at=starts, ends_at=ends,
                            created_by=body.created_by, comment=body.comment)  # fmt: skip
    return _out(row, now)


@router.get("/silences", response_model=SilenceList)
def list_silences(
    store: StoreDep,
    active: Annotated[bool | None, Query(description="true: only silences in force now; false: only the others.")] = None,
    stream: StreamQuery = DEFAULT_STREAM,
) -> SilenceList:
    """Every silence set through the API, newest first (escalation.yaml's are in the config)."""
    now = store.event_clock(stream)
    found = [_out(row, now) for row in store.list_silences(stream)]
    return SilenceList(now=now, silences=[s for s in found if active is None or s.active == active])


@router.delete("/silences/{silence_id}", response_model=SilenceOut, dependencies=[WriteAccess], responses=_ERRORS)
def expire_silence(
    silence_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="A silence id (a 32-bit integer column on every backend).")],
    store: StoreDep,
    by: Annotated[str | None, Query(max_length=128, description="Who expires it.")] = None,
    stream: StreamQuery = DEFAULT_STREAM,
) -> SilenceOut:
    """Expire a silence now: matching alerts notify again at the worker's next step."""
    row = store.silence(silence_id)
    if row is None or row["stream"] != stream:
        raise ApiError(404, "silence_id", f"no silence {silence_id}")
    return _out(store.expire_silence(silence_id, by=by), store.event_clock(stream))  # type: ignore[arg-type]
