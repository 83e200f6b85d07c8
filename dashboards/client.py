"""The dashboard's one door to the service: every HTTP call goes through here.

Reads are cached with a short TTL so a page rerun (every widget click) does not hit the service
again; writes clear the cache so the next read shows their effect. The data source is injectable:
tests call :func:`use_source` with a fake, so no page needs a running service.

    from dashboards import client
    windows = client.windows(limit=100)        # GET /v1/windows, cached for READ_TTL seconds

Configuration (environment): ``LOOKOUT_API_URL`` (default http://127.0.0.1:8000),
``LOOKOUT_API_KEY`` (sent as X-API-Key on writes).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx
import streamlit as st

READ_TTL = 5  # seconds: DESIGN.md wants an alert visible within 5 s of its window closing
TIMEOUT = 5.0
DEFAULT_URL = "http://127.0.0.1:8000"


class ServiceError(Exception):
    """The service could not be reached or refused a request; the message is shown as is."""


class Source(Protocol):
    """Where the data comes from: the HTTP service, or a fake in tests."""

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any: ...
    def post(self, path: str, body: dict[str, Any]) -> Any: ...


class HttpSource:
    """The real service over HTTP: one ``httpx.Client`` (its connections kept alive) per source.

    ``httpx.request`` would build a client, an SSL context and a TCP connection for every call:
    20-60 ms each on two busy cores, paid several times per page.
    """

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        url = f"{self.base_url}{path}"
        try:
            resp = self._client.request(method, url, **kw)
        except httpx.HTTPError as exc:
            raise ServiceError(f"cannot reach the Lookout service at {self.base_url} ({type(exc).__name__}: {exc}). "
                               "Start it with `lookout serve`, or set LOOKOUT_API_URL.") from exc
        if resp.status_code >= 400:
            raise ServiceError(f"{method} {path} → {resp.status_code}: {_error_detail(resp)}")
        return resp

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._send("GET", path, params={k: v for k, v in (params or {}).items() if v is not None}).json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        headers = {"X-API-Key": self.api_key} if self.api_key else {}
        return self._send("POST", path, json=body, headers=headers).json()


def _error_detail(resp: httpx.Response) -> str:
    try:
        return str(resp.json())
    except ValueError:
        return resp.text[:500]


_source: Source | None = None


def use_source(source: Source | None) -> None:
    """Replace the data source (tests); ``None`` goes back to the HTTP service from the environment."""
    global _source
    _source = source
    st.cache_data.clear()


def source() -> Source:
    if _source is None:
        return _http_source(api_url(), os.environ.get("LOOKOUT_API_KEY") or None)
    return _source


@functools.lru_cache(maxsize=4)
def _http_source(base_url: str, api_key: str | None) -> HttpSource:
    # One per service and key, shared by every session: httpx.Client is safe across threads.
    return HttpSource(base_url, api_key)


def api_url() -> str:
    return os.environ.get("LOOKOUT_API_URL", DEFAULT_URL)


T = TypeVar("T")


def read_or_report(read: Callable[..., T], *args: Any, **kw: Any) -> T | None:
    """``read(*args, **kw)``, or ``None`` once the service's refusal is shown on the page, so a
    section can stop drawing without raising:

        if (incidents := client.read_or_report(client.incidents)) is None:
            return
    """
    try:
        return read(*args, **kw)
    except ServiceError as exc:
        st.error(str(exc))
        return None


# ---- reads (cached) ---------------------------------------------------------------------------

def rate_parts(path: str) -> tuple[str, ...]:
    """The parts a rate chart draws at ``path`` (``*`` for every key there): count, turns, rate and
    interval, without the corrected rate each result also carries.

    >>> rate_parts("harm.categories.*")
    ('harm.categories.*.k', 'harm.categories.*.n', 'harm.categories.*.rate', 'harm.categories.*.low', 'harm.categories.*.high')
    """
    return tuple(f"{path}.{field}" for field in ("k", "n", "rate", "low", "high"))


def corrected_parts(path: str) -> tuple[str, ...]:
    """The parts of the corrected rate at ``path`` (the true rate the tiers' measured errors
    imply), as :func:`dashboards.charts.corrected_text` reads them.

    >>> corrected_parts("harm.categories.*")[0]
    'harm.categories.*.corrected.rate'
    """
    return tuple(f"{path}.corrected.{field}" for field in ("rate", "low", "high", "method"))


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def windows(limit: int = 200, parts: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Closed windows, oldest first, each with its ``result`` (volume, drift, harm, ...).

    A whole result is about 15 KB; with ``parts`` (dotted paths such as ``harm.categories``, ``*``
    for every key at a level) the service sends only those, which is what keeps a page over 500
    windows quick.
    """
    if parts:
        return source().get("/v1/windows/parts", {"limit": limit, "part": list(parts)})["windows"]
    return source().get("/v1/windows", {"limit": limit})["windows"]


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def windows_between(first_start: str, last_start: str, parts: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Windows whose start lies in [first_start, last_start] (ISO times from the service): whole,
    or only ``parts`` of their results."""
    until = (datetime.fromisoformat(last_start.replace("Z", "+00:00")) + timedelta(seconds=1)).isoformat()
    if parts:
        return source().get("/v1/windows/parts", {"since": first_start, "until": until, "limit": 5000,
                                                  "part": list(parts)})["windows"]
    return source().get("/v1/windows", {"since": first_start, "until": until, "limit": 5000})["windows"]


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def reference() -> dict[str, Any]:
    """``{"active": entry | None, "log": [entry, ...]}``, newest first."""
    return source().get("/v1/reference")


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def review_items(status: str = "pending", limit: int = 50) -> list[dict[str, Any]]:
    return source().get("/v1/review", {"status": status, "limit": limit})["items"]


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def precision() -> dict[str, Any]:
    return source().get("/v1/review/precision")


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def alerts() -> list[dict[str, Any]]:
    """Alert instances (pending, firing, resolved), newest activity first; times in event-time Unix seconds."""
    return source().get("/v1/alerts")["alerts"]


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def incidents() -> list[dict[str, Any]]:
    """Incidents with escalation level and timeline, newest first."""
    return source().get("/v1/incidents")["incidents"]


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def truth_incidents() -> list[dict[str, Any]]:
    """Ground-truth incident spans from the simulator (empty for real traffic)."""
    return source().get("/v1/truth/incidents")["incidents"]


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def silences() -> dict[str, Any]:
    """``{"now": event time, "silences": [...]}``, newest first."""
    return source().get("/v1/silences")


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def status() -> dict[str, Any]:
    """Stored turns, pipeline lag (event-time seconds) and the review backlog (``GET /v1/status``)."""
    return source().get("/v1/status")


# ---- writes (clear the cache so the next read shows them) ---------------------------------------

def label_review(event_id: str, *, label: str, reviewer: str) -> dict[str, Any]:
    out = source().post(f"/v1/review/{event_id}", {"label": label, "reviewer": reviewer})
    st.cache_data.clear()
    return out


def rebaseline(*, requested_by: str, reason: str, last_windows: int) -> dict[str, Any]:
    out = source().post("/v1/reference/rebaseline",
                        {"requested_by": requested_by, "reason": reason, "last_windows": last_windows})
    st.cache_data.clear()
    return out


def incident_action(incident_id: str, action: str, *, by: str) -> dict[str, Any]:
    """``action`` is ``ack`` or ``resolve``; the worker applies it at its next step (202)."""
    if action not in ("ack", "resolve"):
        raise ValueError(f"action must be 'ack' or 'resolve', got {action!r}")
    out = source().post(f"/v1/incidents/{quote(incident_id, safe='')}/{action}", {"by": by})
    st.cache_data.clear()
    return out


def create_silence(*, matchers: dict[str, str], duration: str, created_by: str, comment: str) -> dict[str, Any]:
    out = source().post("/v1/silences", {"matchers": matchers, "duration": duration,
                                          "created_by": created_by, "comment": comment})
    st.cache_data.clear()
    return out


@st.cache_data(ttl=60, show_spinner=False)
def risk_register() -> dict[str, dict[str, Any]]:
    """The harm taxonomy the service runs with (``GET /v1/config/harm``), by category name."""
    return source().get("/v1/config/harm")["categories"]


# ---- what-if (computations on the service; nothing is written) -----------------------------------

SCORE_TIMEOUT = 180.0  # seconds: a headless run of up to 5,000 turns, twice


def whatif(overrides: dict[str, Any]) -> dict[str, Any]:
    """Alerts a candidate (``{"alerts.yaml": {...}, "escalation.yaml": {...}}`` merged onto the
    service's config) would have fired over the stored windows, beside those that did."""
    return source().post("/v1/whatif", {"overrides": overrides})


def whatif_score(scenario: str, overrides: dict[str, Any], *, events: int = 2000, seed: int = 1) -> dict[str, Any]:
    """Run ``scenario`` headless under the current and the candidate config and score both."""
    src = source()
    if isinstance(src, HttpSource):
        src = HttpSource(src.base_url, src.api_key, timeout=SCORE_TIMEOUT)
    return src.post("/v1/whatif/score", {"scenario": scenario, "overrides": overrides, "events": events, "seed": seed})
