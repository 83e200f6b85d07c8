"""One error shape for every 4xx: a readable ``detail`` plus ``errors`` with the field path.

    {"detail": "events[3].prompt: text is 40000 bytes; the limit is 32768 bytes (32 KiB) UTF-8",
     "errors": [{"path": "events[3].prompt", "message": "text is 40000 bytes; ..."}]}
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class FieldError(BaseModel):
    path: str
    message: str


class ErrorBody(BaseModel):
    detail: str
    errors: list[FieldError]


class ApiError(Exception):
    """Raise from a handler or dependency to answer ``status`` with one field error."""

    def __init__(self, status: int, path: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(f"{path}: {message}")
        self.status = status
        self.errors = [FieldError(path=path, message=message)]
        self.headers = headers


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """``('body', 'events', 3, 'prompt')`` -> ``events[3].prompt``."""
    out = ""
    for part in loc:
        if part == "body" and not out:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"


def errors_from_pydantic(errors: list[dict[str, Any]], prefix: tuple[Any, ...] = ()) -> list[FieldError]:
    out = []
    for err in errors:
        # Pydantic puts the tag of a union/validator in loc; a person wants the field path only.
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (not part of the event contract)"
        out.append(FieldError(path=field_path(prefix + loc), message=msg))
    return out


def error_response(status: int, errors: list[FieldError], headers: dict[str, str] | None = None) -> JSONResponse:
    shown = "; ".join(f"{e.path}: {e.message}" for e in errors[:5])
    if len(errors) > 5:
        shown += f"; and {len(errors) - 5} more"
    body = ErrorBody(detail=shown, errors=errors)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.errors, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _request_validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, errors_from_pydantic(list(exc.errors())))
