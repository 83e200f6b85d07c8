"""``POST /v1/alertmanager/webhook``: where docker-compose's Alertmanager sends what Prometheus fired.

Lookout's own engine (the worker) stays the one writer of alerts and incidents; this intake only
counts each received alert in ``lookout_alertmanager_alerts_received_total{alertname,status}`` and
logs it, so the two paths can be compared on one dashboard. Alertmanager cannot send custom
headers, so besides ``X-API-Key`` the key is accepted as ``Authorization: Bearer <key>``
(``http_config.authorization`` in alertmanager.yml).
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Header
from pydantic import BaseModel, Field

from services.api.deps import MetricsDep, SettingsDep
from services.errors import ApiError, ErrorBody

log = logging.getLogger("lookout.alertmanager")
router = APIRouter(prefix="/v1/alertmanager", tags=["alerts"])


class AmAlert(BaseModel):
    status: str = Field(max_length=16)
    labels: dict[str, str]
    annotations: dict[str, str] = {}
    startsAt: str | None = None  # noqa: N815 - Alertmanager's field names
    endsAt: str | None = None  # noqa: N815


class AmWebhook(BaseModel):
    """Alertmanager's webhook body (version 4); fields Lookout does not read are ignored."""

    version: str
    status: str = Field(max_length=16)
    receiver: str = ""
    alerts: list[AmAlert] = Field(max_length=10_000)


class Received(BaseModel):
    received: int


def _authorized(settings: Any, api_key: str | None, authorization: str | None) -> None:
    if settings.api_key is None:
        return
    supplied = api_key or (authorization[7:] if authorization and authorization.lower().startswith("bearer ") else None)
    if supplied is None or not secrets.compare_digest(supplied.encode(), settings.api_key.encode()):
        raise ApiError(401, "X-API-Key", "missing or wrong API key: send X-API-Key or Authorization: Bearer <key>")


@router.post("/webhook", response_model=Received, responses={401: {"model": ErrorBody}})
def alertmanager_webhook(
    body: AmWebhook,
    settings: SettingsDep,
    metrics: MetricsDep,
    x_api_key: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Received:
    """Count and log each alert of an Alertmanager notification."""
    _authorized(settings, x_api_key, authorization)
    for a in body.alerts:
        name = a.labels.get("alertname", "")
        metrics.alertmanager_alerts.labels(alertname=name, status=a.status).inc()
        log.info("alertmanager %s: %s %s", a.status, name, {k: v for k, v in sorted(a.labels.items()) if k != "alertname"})
    return Received(received=len(body.alerts))
