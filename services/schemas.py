"""The event contract (DESIGN.md "Contracts") and the API's response shapes.

An event is one chatbot turn. ``truth`` is filled only by the simulator; the store keeps it in its
own table and the pipeline never sees it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from pipelines.harm import CATEGORIES

MAX_BATCH = 1000
MAX_TEXT_BYTES = 32 * 1024
MAX_ID_CHARS = 128
MAX_LABEL_CHARS = 128

HARM_CATEGORIES = CATEGORIES


def _text_limit(value: str) -> str:
    # The limit is on UTF-8 bytes (what is stored and sent), not on characters.
    size = len(value.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise ValueError(f"text is {size} bytes; the limit is {MAX_TEXT_BYTES} bytes (32 KiB) UTF-8")
    return value


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise ValueError(f"{value.isoformat()} is out of range once converted to UTC") from None


Text = Annotated[str, AfterValidator(_text_limit)]
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS, pattern=r"^[^\s]+$")]
Label = Annotated[str, Field(min_length=1, max_length=MAX_LABEL_CHARS)]
UtcTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


def _scalar(value: Any) -> Any:
    # Flat metadata keeps the store and the dashboard simple: no nested objects or arrays.
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    kind = "array" if isinstance(value, list) else "object" if isinstance(value, dict) else type(value).__name__
    raise ValueError(f"metadata values must be a string, number, boolean or null, got {kind}")


MetaValue = Annotated[Any, AfterValidator(_scalar)]


class Truth(BaseModel):
    """What the simulator knows about a turn; only scoring may read it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    harm_category: Literal[HARM_CATEGORIES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Harm category of the turn, or null when benign."
    )
    incident_id: Label | None = Field(default=None, description="Incident the turn belongs to, if any.")
    phase: Label = Field(description="Scenario phase that produced the turn.")
    is_canary: bool = Field(default=False, description="A known-bad red-team probe.")


class Event(BaseModel):
    """One chatbot turn as sent to ``POST /v1/events``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: Id = Field(description="Idempotency key: re-sending the same id stores nothing new.")
    ts: UtcTime = Field(description="Event time, RFC 3339 with a UTC offset.")
    conversation_id: Id
    model_version: Label
    segment: Label = Field(description="User segment: locale/channel/tier.")
    prompt: Text
    response: Text
    latency_ms: float = Field(ge=0, le=3_600_000, allow_inf_nan=False)
    metadata: dict[Annotated[str, Field(max_length=MAX_LABEL_CHARS)], MetaValue] = Field(
        default_factory=dict, max_length=64, description="Flat JSON object: string keys, scalar values."
    )
    truth: Truth | None = None


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[Event] = Field(max_length=MAX_BATCH)


EventList = TypeAdapter(list[Event])


class IngestResult(BaseModel):
    accepted: int = Field(description="Events stored by this request.")
    duplicates: int = Field(description="Events whose event_id was already stored (acknowledged, not stored again).")


class StoredEvent(BaseModel):
    """An event as returned by ``GET /v1/events`` (without ground truth)."""

    seq: int
    event_id: str
    ts: datetime
    received_at: datetime
    conversation_id: str
    model_version: str
    segment: str
    prompt: str
    response: str
    latency_ms: float
    metadata: dict[str, Any]


class EventPage(BaseModel):
    events: list[StoredEvent]
    next_cursor: int | None = Field(description="Pass as `after` to get the next page; null on the last page.")
