"""One JSON error shape for every error the server returns.

Every 4xx and 5xx response has the body::

    {"error": {"status": 422, "code": "invalid_request", "message": "…", "details": [...]}}

``status`` repeats the HTTP status, ``code`` is a stable machine-readable word, ``message`` a
sentence for people, ``details`` a list (empty unless there is more to say, e.g. which query
parameter was invalid). Nothing else: no stack traces, no SQL.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventcoder.errors import ConfigError, EventcoderError, InputError, StoreError

_LOG = logging.getLogger("eventcoder.server")

CODES: dict[int, str] = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests",
    500: "internal_error", 503: "unavailable",
}


class ApiError(Exception):
    """An error the API reports on purpose: status, code, message and optional details."""

    def __init__(self, status: int, message: str, *, code: str | None = None,
                 details: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details or []
        self.headers = headers


def error_body(status: int, message: str, *, code: str | None = None,
               details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code or CODES.get(status, "error"), "message": message,
                      "details": details or []}}


def error_response(status: int, message: str, *, code: str | None = None,
                   details: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, code=code, details=details), status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        details.append({"location": loc[0] if loc else "", "field": ".".join(loc[1:]),
                        "problem": str(err.get("msg", "invalid"))})
    return details


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, code=exc.code, details=exc.details, headers=exc.headers)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error").replace("_", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such resource: {request.url.path}"
    return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = _validation_details(exc)
    first = details[0] if details else {"field": "", "problem": "invalid"}
    where = first["field"] or first.get("location", "")
    return error_response(422, f"invalid request: {where}: {first['problem']}", details=details)


async def _on_eventcoder(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, (ConfigError, InputError)):
        return error_response(422, str(exc))
    if isinstance(exc, StoreError):
        _LOG.warning("store error on %s: %s", request.url.path, exc)
        return error_response(503, str(exc))
    _LOG.error("eventcoder error on %s: %s", request.url.path, exc)
    return error_response(500, str(exc))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    _LOG.exception("unexpected error on %s", request.url.path)
    return error_response(500, "internal server error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of error through the one shape."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(EventcoderError, _on_eventcoder)
    app.add_exception_handler(Exception, _on_unexpected)


ERROR_SCHEMA: dict[str, Any] = {
    "description": "Error (every error has this shape)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}
