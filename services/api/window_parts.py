"""``GET /v1/windows/parts``: closed windows with only the parts of their results a client asks for.

A window's full result is about 15 KB (harm by segment and model version, drift explanation with
example texts, alert records); a chart over 500 windows needs a few hundred bytes of each. Parts
are dotted paths into the result, so a page asks for exactly what it draws:

    GET /v1/windows/parts?part=harm.categories&part=harm.any_harm&limit=500

A ``*`` stands for every key at its level, so a chart can skip what it does not draw (each harm
category also carries a corrected rate with its own interval):

    GET /v1/windows/parts?part=harm.categories.*.rate&part=harm.categories.*.k&limit=500

The database extracts each part's path up to its first ``*`` (SQLite's ``json_extract``,
PostgreSQL's ``#>``); the rest is picked here. A missing part, or one whose value is null, is left
out. The window's own columns (start, end, counts, drift verdict) always come along.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from services.api.deps import StoreDep
from services.errors import ApiError, ErrorBody
from services.settings import DEFAULT_STREAM

router = APIRouter(prefix="/v1", tags=["pipeline"])
_NAME = r"[a-z_][a-z0-9_]*"
_PART = re.compile(rf"{_NAME}(\.({_NAME}|\*))*")
_MISSING = object()


class WindowPartsOut(BaseModel):
    stream: str
    window_start: datetime
    window_end: datetime
    n_events: int
    late_events: int
    drift_p_value: float | None
    drifted: bool | None
    result: dict[str, Any] = Field(description="Only the requested parts of the window's result.")


class WindowPartsPage(BaseModel):
    windows: list[WindowPartsOut]


def pick(result: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """The sub-dict of ``result`` holding just ``paths`` (missing ones are left out; ``*`` is every key).

    >>> pick({"harm": {"n": 5, "categories": {"x": 1}}, "drift": {}}, ["harm.categories"])
    {'harm': {'categories': {'x': 1}}}
    >>> pick({"c": {"a": {"k": 1, "m": 2}, "b": {"k": 3}}}, ["c.*.k"])
    {'c': {'a': {'k': 1}, 'b': {'k': 3}}}
    """
    out: dict[str, Any] = {}
    for path in paths:
        found = _prune(result, path.split("."))
        if found is not _MISSING:
            _merge(out, found)
    return out


def _prune(src: Any, keys: list[str]) -> Any:
    if not keys:
        return src
    if not isinstance(src, dict):
        return _MISSING
    head, rest = keys[0], keys[1:]
    if head == "*":
        return {k: got for k, v in src.items() if (got := _prune(v, rest)) is not _MISSING}
    if head not in src or (got := _prune(src[head], rest)) is _MISSING:
        return _MISSING
    return {head: got}


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _prefix(part: str) -> tuple[str, ...]:
    """The part's keys before its first ``*``: what the database extracts."""
    keys = part.split(".")
    return tuple(keys[:keys.index("*")] if "*" in keys else keys)


@router.get("/windows/parts", response_model=WindowPartsPage, responses={422: {"model": ErrorBody}})
def get_window_parts(
    store: StoreDep,
    part: Annotated[list[str], Query(min_length=1, max_length=30, description="Dotted paths into the result, e.g. harm.categories.")],
    stream: Annotated[str, Query(max_length=64)] = DEFAULT_STREAM,
    since: Annotated[AwareDatetime | None, Query(description="Windows starting at or after this time.")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Windows starting before this time.")] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="The latest this many windows.")] = 500,
) -> WindowPartsPage:
    bad = [p for p in part if not _PART.fullmatch(p)]
    if bad:
        raise ApiError(422, "part", f"{bad[0]!r} is not a dotted path such as harm.categories or harm.categories.*.rate")
    if since is not None and until is not None and until <= since:
        raise ApiError(422, "until", f"until ({until.isoformat()}) must be after since ({since.isoformat()})")
    prefixes = list(dict.fromkeys(_prefix(p) for p in part))
    rows = store.list_window_parts(stream, prefixes, since=since, until=until, limit=limit)
    windows = []
    for r in rows:
        extracted: dict[str, Any] = {}
        for keys, value in zip(prefixes, r.pop("parts")):
            if value is not None:
                _merge(extracted, _nest(keys, value))
        windows.append(WindowPartsOut.model_validate({**r, "result": pick(extracted, part)}))
    return WindowPartsPage(windows=windows)


def _nest(keys: tuple[str, ...], value: Any) -> dict[str, Any]:
    for key in reversed(keys[1:]):
        value = {key: value}
    return {keys[0]: value}
