"""Liveness, readiness and Prometheus exposition."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.api.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (no dependency is checked)."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(store: StoreDep) -> JSONResponse:
    """The store answers; 503 otherwise, so a load balancer stops routing here."""
    try:
        store.ping()
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready"
        return JSONResponse({"status": "unavailable", "detail": f"database: {type(exc).__name__}: {exc}"}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
