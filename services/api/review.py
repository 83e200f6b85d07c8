"""Tier 3, human review: the queue, labelling, and the precision the labels imply per tier."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pipelines.harm import CATEGORIES
from pipelines.harm_rates import tier_precision
from services.api.deps import StoreDep, WriteAccess
from services.errors import ApiError, ErrorBody
from services.store.review import ReviewOrder

router = APIRouter(prefix="/v1/review", tags=["review"])

Label = Literal[(*CATEGORIES, "benign")]  # type: ignore[valid-type]


class ReviewItem(BaseModel):
    event_id: str
    stream: str
    window_start: datetime
    category: str = Field(description="What the automatic tiers proposed.")
    score: float
    tier: str
    flagged: bool
    reason: Literal["uncertain", "high_severity"]
    enqueued_at: datetime
    label: str | None
    labelled_by: str | None
    labelled_at: datetime | None
    ts: datetime
    segment: str
    model_version: str
    prompt: str = Field(description="Untrusted text: show it as plain text.")
    response: str = Field(description="Untrusted text: show it as plain text.")


class ReviewPage(BaseModel):
    items: list[ReviewItem]


class LabelIn(BaseModel):
    model_config = {"extra": "forbid"}

    label: Label = Field(description="The reviewer's verdict: a harm category, or benign.")
    reviewer: str = Field(min_length=1, max_length=128)


class PrecisionOut(BaseModel):
    tiers: dict[str, dict[str, dict[str, Any]]] = Field(
        description="tier -> category -> {precision, missed_share}, each a rate with its interval."
    )
    labelled: int


@router.get("", response_model=ReviewPage)
def list_review(
    store: StoreDep,
    status: Annotated[Literal["pending", "labelled"], Query()] = "pending",
    category: Annotated[Label | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    order: Annotated[ReviewOrder, Query(
        description="Pending turns: flagged_first (turns a tier flagged, then the unsure ones, oldest first within "
        "each) or oldest first. Labelled turns are always newest first.")] = "flagged_first",
) -> ReviewPage:
    """Turns waiting for a person (flagged ones first, by default), or the latest labelled ones."""
    items = store.review_items(status=status, category=category, limit=limit, order=order)
    return ReviewPage(items=[ReviewItem.model_validate(r) for r in items])


@router.get("/precision", response_model=PrecisionOut)
def precision(store: StoreDep) -> PrecisionOut:
    rows = store.review_counts()
    return PrecisionOut(tiers=tier_precision(rows), labelled=len(rows))


@router.post("/{event_id}", response_model=ReviewItem, dependencies=[WriteAccess], responses={401: {"model": ErrorBody}, 404: {"model": ErrorBody}, 422: {"model": ErrorBody}})
def label(event_id: str, body: LabelIn, store: StoreDep) -> ReviewItem:
    """Record a reviewer's label for a queued turn (a new label replaces an older one)."""
    if not store.label_review(event_id, label=body.label, reviewer=body.reviewer):
        raise ApiError(404, "event_id", f"event {event_id!r} is not in the review queue")
    return ReviewItem.model_validate(store.review_item(event_id))
