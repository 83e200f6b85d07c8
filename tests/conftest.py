"""Shared fixtures: a service on a temporary store (SQLite, and PostgreSQL when
``LOOKOUT_TEST_POSTGRES_URL`` is set), and a valid event factory."""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.app import create_app
from services.settings import Settings

REPO = Path(__file__).resolve().parents[1]
# e.g. postgresql+psycopg://postgres:lookout@127.0.0.1/lookout_test (.ci/run sets it up).
POSTGRES_URL = os.environ.get("LOOKOUT_TEST_POSTGRES_URL") or None
NO_POSTGRES = "PostgreSQL tests need LOOKOUT_TEST_POSTGRES_URL (.ci/run sets it); not set here"


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


BACKENDS = ("sqlite", "postgresql")


@contextmanager
def postgres_schemas() -> Iterator[Callable[[], str]]:
    """A factory of URLs, each landing in a fresh, empty PostgreSQL schema; all dropped on exit.

    A schema per store (``search_path`` in the URL) is far cheaper than a database per store,
    and the URL works in child processes (servers, workers) too. Skips without PostgreSQL.
    """
    if POSTGRES_URL is None:
        pytest.skip(NO_POSTGRES)
    admin = create_engine(POSTGRES_URL)
    made: list[str] = []

    def new() -> str:
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    try:
        yield new
    finally:
        gc.collect()  # stores a test left open roll back and let go of their locks
        with admin.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '30s'"))  # a fail naming the lock, never a hang
            for schema in made:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def store_url_factory(backend: str, folder: Path) -> Iterator[Callable[[str], str]]:
    """``new(name)`` gives the URL of a fresh, empty store on ``backend``: a SQLite file named
    ``name`` in ``folder``, or a PostgreSQL schema of its own."""
    if backend == "sqlite":
        yield lambda name="lookout": f"sqlite:///{folder / f'{name}.db'}"
    elif backend == "postgresql":
        with postgres_schemas() as new:
            yield lambda name="lookout": new()
    else:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema's URL (for tests that are about PostgreSQL itself)."""
    with postgres_schemas() as new:
        yield new()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every test that touches a store runs on SQLite and on PostgreSQL (skipped without it)."""
    return request.param


@pytest.fixture
def store_urls(backend: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A factory of fresh, empty store URLs on the test's backend (for tests needing several)."""
    with store_url_factory(backend, tmp_path) as new:
        yield new


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store URL shared by a module's tests (an expensive fill done once), once per backend."""
    with store_url_factory(request.param, tmp_path_factory.mktemp("store")) as new:
        yield new("lookout")


@pytest.fixture
def db_url(store_urls: Callable[[str], str]) -> str:
    """The store's URL: a SQLite file, then a PostgreSQL schema (skipped without PostgreSQL)."""
    return store_urls("lookout")


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def client(db_url: str, registry: CollectorRegistry) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=db_url, run_worker=False), registry=registry)) as c:
        yield c


# -- real processes (crash and multi-worker tests) ----------------------------------------------


def start_lookout(args: list[str], log: Path) -> "subprocess.Popen[bytes]":
    """``lookout ARGS`` as a child in its own process group, its output appended to ``log``."""
    with log.open("ab") as out:  # the child keeps its own copy of the fd
        return subprocess.Popen(
            [sys.executable, "-m", "services", *args],
            cwd=REPO,
            env={**os.environ, "LOOKOUT_API_KEY": "", "HF_HUB_OFFLINE": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process(proc: "subprocess.Popen[bytes]", sig: int = signal.SIGTERM) -> None:
    """Signal the child's whole process group and reap it (SIGKILL if it does not stop)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def wait_until(condition: Callable[[], Any], what: str, *, timeout: float = 120.0, procs: Sequence[Any] = ()) -> Any:
    """Poll ``condition`` until it returns something truthy (bounded); fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for proc in procs:
            if proc.poll() is not None and proc.returncode not in (0, -signal.SIGKILL, -signal.SIGTERM):
                raise AssertionError(f"{proc.args} exited with {proc.returncode} while waiting for {what}")
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what} after {timeout:.0f}s")


def comparable_windows(store: Any, stream: str = "all") -> list[tuple[Any, ...]]:
    """Every closed window's numbers, without wall-clock fields (processing time, processed_at)."""
    out = []
    for w in store.list_windows(stream, limit=100_000):
        result = {k: v for k, v in w["result"].items() if k != "processing_seconds"}
        out.append((w["window_start"], w["n_events"], w["late_events"], w["drift_p_value"], w["drifted"], w["max_seq"] is not None, result))
    return out


def harm_totals(store: Any, stream: str = "all") -> tuple[dict[str, Any], int]:
    """The running harm-flag totals and how many windows were folded into the totals."""
    totals = (store.load_state(stream) or {}).get("totals") or {}
    return totals.get("harm_flags", {}), totals.get("processing", {}).get("count", 0)
