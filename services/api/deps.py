"""FastAPI dependencies as ``Annotated`` aliases, read from ``app.state`` (set by ``create_app``)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from services.errors import ApiError
from services.metrics import ServiceMetrics
from services.settings import Settings
from services.store import Store

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Required for writes when the service has an API key.")


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_metrics(request: Request) -> ServiceMetrics:
    return request.app.state.metrics


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[ServiceMetrics, Depends(get_metrics)]


def require_api_key(
    settings: SettingsDep,
    metrics: MetricsDep,
    supplied: Annotated[str | None, Depends(_api_key_header)],
) -> None:
    """Writes need ``X-API-Key`` when the service was started with an API key."""
    if settings.api_key is None:
        return
    if supplied is None:
        metrics.rejected.labels(reason="unauthorized").inc()
        raise ApiError(401, "X-API-Key", "missing API key: send header X-API-Key")
    if not secrets.compare_digest(supplied.encode(), settings.api_key.encode()):
        metrics.rejected.labels(reason="unauthorized").inc()
        raise ApiError(401, "X-API-Key", "wrong API key")


WriteAccess = Depends(require_api_key)
