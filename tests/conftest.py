"""Shared fixtures: a service on a temporary SQLite store, and a valid event factory."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from services.app import create_app
from services.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def make_event(i: int = 0, **overrides: Any) -> dict[str, Any]:
    """A valid event; ``overrides`` replace fields (``None`` drops the field)."""
    event: dict[str, Any] = {
        "event_id": f"ev-{i:06d}",
        "ts": f"2026-03-02T08:{i // 60 % 60:02d}:{i % 60:02d}Z",
        "conversation_id": f"conv-{i // 3}",
        "model_version": "support-bot-v1",
        "segment": "en-web-free",
        "prompt": f"Where is my order BW-{10000 + i}?",
        "response": "It left our warehouse yesterday and should arrive on Friday.",
        "latency_ms": 812.5,
        "metadata": {"turn": 1},
        "truth": {"harm_category": None, "incident_id": None, "phase": "steady", "is_canary": False},
    }
    for key, value in overrides.items():
        if value is None:
            event.pop(key, None)
        else:
            event[key] = value
    return event


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lookout.db'}"


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def client(db_url: str, registry: CollectorRegistry) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=db_url, run_worker=False), registry=registry)) as c:
        yield c
