"""The FastAPI application: API routes, the dashboard, offline docs, one error shape.

``create_app(db_path, token=None)`` opens the store once for the process. Without a token the
server is read-only (the store is opened read-only, write endpoints answer 403); with one,
``POST /articles`` and ``POST /events/{id}/corrections`` need ``Authorization: Bearer TOKEN``.
Every request passes ``guard.RequestGuard`` first (Host, token and body size, before the body
is read).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from eventcoder import __version__
from eventcoder.server.errors import install_error_handlers
from eventcoder.server.guard import RequestGuard, normalise_hosts
from eventcoder.server.state import MAX_BODY_BYTES, MAX_PAGE_SIZE, ServerState
from eventcoder.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[dict[str, Any]]


class ErrorResponse(BaseModel):
    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in ((400, "Host not allowed"), (401, "Missing or invalid bearer token"),
                         (403, "Read-only server"), (404, "Not found"), (422, "Invalid request"),
                         (503, "Store unavailable"))
}


def _lifespan(state: ServerState) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from eventcoder.server.detail import event_lookups
        from eventcoder.server.routes_analysis import load_analysis

        state.open()
        # before the server listens (uvicorn starts the lifespan first), not in its first requests
        load_analysis()
        if state.store is not None:
            event_lookups(state.store, state.cache)
        try:
            yield
        finally:
            state.close()
    return lifespan


def _install_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(STATIC_DIR / "docs.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg")


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    settings: Settings | None = None,
    pipeline_factory: Callable[[], Any] | None = None,
    max_page_size: int = MAX_PAGE_SIZE,
    max_body_bytes: int = MAX_BODY_BYTES,
    allowed_hosts: Sequence[str] | None = None,
    reader_nice: int = 0,
) -> FastAPI:
    """The eventcoder API + dashboard over the store at ``db_path``.

    Its startup (the lifespan, which uvicorn runs before it listens) opens the store, loads the
    analysis libraries (``routes_analysis.load_analysis``) and builds the lookup tables of
    ``/events/{id}`` (``detail.event_lookups``), so no request waits for them.
    ``token`` enables the write endpoints (bearer auth); None keeps the server read-only.
    ``pipeline_factory`` builds the coding Pipeline on the first ``POST /articles`` (default:
    ``Pipeline(settings=settings)``); it is reused afterwards. ``allowed_hosts`` lists the
    host names the ``Host`` header may carry (any port; ``*.example.org``; ``*`` for any);
    None (the default) checks nothing, for in-process clients. ``eventcoder serve`` always
    passes a list: localhost, 127.0.0.1 and ::1 on loopback (``guard.default_allowed_hosts``).
    ``reader_nice`` lowers the CPU priority of the threads that read the store by that much
    (Linux; ``state.lower_priority``); 0, the default, leaves the process's threads alone (an
    application that embeds this one owns them); ``eventcoder serve`` passes ``READER_NICE``.
    """
    from eventcoder.server import routes_analysis, routes_events, routes_export, routes_write

    if token is not None and len(token.strip()) < 8:
        from eventcoder.errors import ConfigError

        raise ConfigError("the API token must be at least 8 characters")
    state = ServerState(db_path=str(db_path), token=token.strip() if token else None,
                        settings=settings or Settings(), pipeline_factory=pipeline_factory,
                        max_page_size=max_page_size, max_body_bytes=max_body_bytes,
                        allowed_hosts=None if allowed_hosts is None else normalise_hosts(allowed_hosts),
                        reader_nice=reader_nice)
    state.open()  # fail now (missing file, locked) rather than on the first request
    app = FastAPI(
        title="eventcoder", version=__version__, lifespan=_lifespan(state),
        description="Political event data coded from news (CAMEO + PLOVER): events with their evidence, "
                    "series, networks, alerts, exports and analysts' corrections.",
        docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None,
    )
    app.state.eventcoder = state
    install_error_handlers(app)
    app.add_middleware(RequestGuard, state=state, routes=app.router.routes)
    for module in (routes_events, routes_analysis, routes_export, routes_write):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    _install_pages(app)
    return app
