"""``GET /v1/windows/parts``: closed windows with only the parts of their results a client asks for.

A window's full result is about 15 KB (harm by segment and model version, drift explanation with
example texts, alert records); a chart over 500 windows needs a few hundred bytes of each. Parts
are dotted paths into the result, so a page asks for exactly what it draws:

    GET /v1/windows/parts?part=harm.categories&part=harm.any_harm&limit=500

The window's own columns (start, end, counts, drift verdict) always come along.
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
_PART = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*")


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
    """The sub-dict of ``result`` holding just ``paths`` (missing ones are left out).

    >>> pick({"harm": {"n": 5, "categories": {"x": 1}}, "drift": {}}, ["harm.categories"])
    {'harm': {'categories': {'x': 1}}}
    """
    out: dict[str, Any] = {}
    for path in paths:
        keys = path.split(".")
        src: Any = result
        for key in keys:
            if not isinstance(src, dict) or key not in src:
                break
            src = src[key]
        else:
            dst = out
            for key in keys[:-1]:
                dst = dst.setdefault(key, {})
            dst[keys[-1]] = src
    return out


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
        raise ApiError(422, "part", f"{bad[0]!r} is not a dotted path such as harm.categories")
    rows = store.list_windows(stream, since=since, until=until, limit=limit)
    return WindowPartsPage(windows=[WindowPartsOut.model_validate({**r, "result": pick(r["result"], part)}) for r in rows])
