"""FastAPI dependencies as ``Annotated`` aliases, read from ``app.state`` (set by ``create_app``)."""

from __future__ import annotations

import json
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from services.errors import ApiError, field_path
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


NUL_MESSAGE = "contains a NUL character (U+0000), which is not accepted (PostgreSQL text cannot hold it)"


def _nul_at(value: object, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """The path of the first string (or object key) in ``value`` holding a NUL, else None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return (*path, key)
            if (found := _nul_at(item, (*path, key))) is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if (found := _nul_at(item, (*path, i))) is not None:
                return found
    return None


async def reject_nul(request: Request) -> None:
    """Refuse NUL characters anywhere in a request (path, query, JSON body) with a 422 naming the
    field, on every backend alike: SQLite would store them but PostgreSQL cannot, and an input
    that one deployment accepts must not fail with a 500 on another."""
    for where, params in (("path", request.path_params.items()), ("query", request.query_params.multi_items())):
        for name, value in params:
            if "\x00" in str(name) + str(value):
                raise ApiError(422, field_path((where, name)), NUL_MESSAGE)
    body = await request.body()
    if b"\\u0000" in body:  # JSON can only carry a NUL as this escape
        try:
            found = _nul_at(json.loads(body), ("body",))
        except ValueError:
            return  # not JSON: the route's own validation names the problem
        if found is not None:
            raise ApiError(422, field_path(found), NUL_MESSAGE)
