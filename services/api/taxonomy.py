"""``GET /v1/config/harm``: the harm taxonomy the service runs with, as JSON (read-only).

The risk register lives in ``harm_categories.yaml`` beside the service; a dashboard on another
machine reads it here rather than from a file it may not have, and sees the config actually in force.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter(prefix="/v1/config", tags=["config"])


@router.get("/harm")
def harm_config(request: Request) -> dict[str, Any]:
    """Every category with severity, owner, detection tiers, thresholds and cost; the classifier settings."""
    return request.app.state.configs.harm.model_dump(mode="json")
