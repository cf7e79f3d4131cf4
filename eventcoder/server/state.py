"""What one server process holds: the open store, its readers' cursors, the write lock, the
token, the allowed hosts and the lazy pipeline."""

from __future__ import annotations

import hmac
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from eventcoder.server.cache import AnswerCache
from eventcoder.server.errors import ApiError
from eventcoder.settings import Settings
from eventcoder.store import EventStore

MAX_PAGE_SIZE = 500
MAX_BODY_BYTES = 5_000_000
HEAVY_SLOTS = 1  # analyses (pandas) at once: each holds the dataset in memory, and their Python
# loops hold the GIL, so a second one would add memory, not speed
EXPORT_SLOTS = 1  # exports at once: each streams in bounded memory (eventcoder.export.stream_export)
# while its client reads, so a slow client holds an export slot, never an analysis's
HEAVY_WAIT = 120.0  # seconds a request waits for a slot before 503
READER_NICE = 10  # how much lower the CPU priority of store readers is under ``eventcoder serve``
# (Linux): the event loop (/health, answers kept in memory, every request's HTTP) keeps the CPU
# when the machine is busy: with benchmarks/abuse.py at load average 5-10 on 2 CPUs, /health p95
# stayed under 50 ms in 10 of 10 runs (at most 41 ms), against 1 of 28 without it and 2 of 4 at +5
MAX_FRAME_BYTES = 64 * 1024 * 1024  # events frames kept for the analyses (a 50k-event frame: 9 MB)
READ_SLOTS = 8  # short store reads at once (analyses and exports hold a heavy slot instead): a
# bound on the interpreter's crowd, not a queue; measured with benchmarks/abuse.py, 3 slots kept
# /health under 50 ms at p95 but doubled /events' p95, so the bound is loose


@dataclass(slots=True, kw_only=True)
class ServerState:
    """The server's store: one connection that writes, and a DuckDB cursor (a duplicate
    connection) for each reader, so reads run in parallel and never queue behind each other.
    ``cache`` keeps answers, ``frames`` the analyses' events frames, both until the next write.

    ``writing()`` serialises the writers on a lock; ``reading()`` only takes a short lock to
    make its cursor. ``allowed_hosts`` None answers any Host header (see ``guard``).
    ``reader_nice`` > 0 runs each DuckDB query in the thread that asks (``threads=1``) and lowers
    the CPU priority of every thread that reads (``lower_priority``)."""

    db_path: str
    token: str | None
    settings: Settings
    pipeline_factory: Callable[[], Any] | None = None
    max_page_size: int = MAX_PAGE_SIZE
    max_body_bytes: int = MAX_BODY_BYTES
    allowed_hosts: tuple[str, ...] | None = None
    reader_nice: int = 0  # see ``lower_priority``
    store: EventStore | None = None
    schema_version: int = 0
    _readers: EventStore | None = None  # a cursor of ``store`` that new readers' cursors come from
    _write_lock: threading.RLock = field(default_factory=threading.RLock)
    _open_lock: threading.Lock = field(default_factory=threading.Lock)
    _build_lock: threading.Lock = field(default_factory=threading.Lock)
    _rules_lock: threading.Lock = field(default_factory=threading.Lock)
    cache: AnswerCache = field(default_factory=AnswerCache)
    frames: AnswerCache = field(default_factory=lambda: AnswerCache(max_bytes=MAX_FRAME_BYTES, max_entry=MAX_FRAME_BYTES))
    _heavy: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(HEAVY_SLOTS))
    _exports: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(EXPORT_SLOTS))
    _reads: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(READ_SLOTS))
    _pipeline: Any = None
    _rules: Any = None
    _nlp: Any = None

    @property
    def read_only(self) -> bool:
        return self.token is None

    def open(self) -> None:
        with self._open_lock:
            if self.store is None:
                store = EventStore.open_reader(self.db_path) if self.read_only else EventStore(self.db_path)
                if self.reader_nice > 0:  # the query's work in the (lowered) asking thread, not DuckDB's pool
                    store.connection.execute("SET threads = 1")
                applied = store.applied_migrations()
                self.schema_version = applied[-1][0] if applied else 0
                self.store, self._readers = store, store.reader()

    def close(self) -> None:
        with self._write_lock, self._open_lock:
            if self._readers is not None:
                self._readers.close()
                self._readers = None
            if self.store is not None:
                self.store.close()
                self.store = None

    @contextmanager
    def reading(self, *, heavy: bool = False) -> Iterator[EventStore]:
        """A read-only store on a cursor of its own, closed afterwards; at most ``READ_SLOTS``
        at once (the rest wait, then 503 after ``HEAVY_WAIT`` seconds). ``heavy`` reads, made
        inside ``heavy()`` (already one at a time), do not take one of those slots, so a long
        analysis does not leave fewer for the short reads."""
        lower_priority(self.reader_nice)
        if not heavy and not self._reads.acquire(timeout=HEAVY_WAIT):
            raise ApiError(503, "the server is busy; retry in a moment", code="busy", headers={"Retry-After": "5"})
        try:
            reader = self.open_reader()
            try:
                yield reader
            finally:
                reader.close()
        finally:
            if not heavy:
                self._reads.release()

    def open_reader(self) -> EventStore:
        """A read-only store on a cursor of its own, for a read that outlives one call (a streamed
        download); the caller closes it. Takes no read slot."""
        with self._open_lock:
            if self._readers is None:
                raise ApiError(503, "the store is not open (the server is starting or stopping)")
            return self._readers.reader()

    @contextmanager
    def writing(self, *, keep: tuple[str, ...] = ()) -> Iterator[EventStore]:
        """The writable store, one writer at a time (readers go on meanwhile); the kept answers
        and events frames are dropped once the write is done, but the cache's ``keep`` keys
        (values the write cannot change)."""
        with self._write_lock:
            if self.store is None:
                raise ApiError(503, "the store is not open (the server is starting or stopping)")
            try:
                yield self.store
            finally:
                self.cache.invalidate(keep)
                self.frames.invalidate()

    @contextmanager
    def heavy(self) -> Iterator[None]:
        """One of ``HEAVY_SLOTS`` places for work that holds the whole dataset in memory."""
        release = self._slot(self._heavy, "analyses")
        try:
            yield
        finally:
            release()

    def export_slot(self) -> Callable[[], None]:
        """Take one of ``EXPORT_SLOTS`` places for a streamed export (503 after ``HEAVY_WAIT``
        seconds); returns what gives it back (once, however often it is called)."""
        return self._slot(self._exports, "exports")

    @staticmethod
    def _slot(slots: threading.BoundedSemaphore, what: str) -> Callable[[], None]:
        if not slots.acquire(timeout=HEAVY_WAIT):
            raise ApiError(503, f"the server is busy with other {what}; retry in a moment",
                           code="busy", headers={"Retry-After": "5"})
        given = threading.Lock()

        def release() -> None:
            if given.acquire(blocking=False):
                slots.release()
        return release

    def pipeline(self) -> Any:
        """The coding pipeline, built on first use (loads spaCy and the dictionaries) and reused.

        Built outside the store lock, so reads go on while it loads."""
        with self._build_lock:
            if self._pipeline is None:
                if self.pipeline_factory is not None:
                    self._pipeline = self.pipeline_factory()
                else:
                    from eventcoder.pipeline import Pipeline

                    self._pipeline = Pipeline(settings=self.settings)
            return self._pipeline

    def nlp(self) -> Any:
        """A spaCy pipeline for lemmas: the coding pipeline's when built, else the model alone."""
        with self._build_lock:
            if self._pipeline is not None:
                return self._pipeline.nlp
            if self._nlp is None:
                from eventcoder.nlp import load_model

                self._nlp = load_model(self.settings.model)
            return self._nlp

    def rules(self) -> Any:
        """Correction rules (CAMEO tables, country codes), read on first use."""
        with self._rules_lock:
            if self._rules is None:
                from eventcoder.store.corrections import CorrectionRules

                self._rules = CorrectionRules.load()
            return self._rules

    def authorize(self, authorization: str | None) -> ApiError | None:
        """Why a write with this ``Authorization`` header is refused, or None if it is allowed."""
        if self.token is None:
            return ApiError(403, "this server is read-only: start it with a token (eventcoder serve "
                                 "--token-env VAR) to allow writes", code="read_only")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            return ApiError(401, "this endpoint needs 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(given.strip().encode("utf-8"), self.token.encode("utf-8")):
            return ApiError(401, "the bearer token is not valid", code="invalid_token",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return None

    def check_writer(self, request: Request) -> None:
        """Refuse a write unless the request carries the operator's bearer token."""
        refused = self.authorize(request.headers.get("authorization"))
        if refused is not None:
            raise refused


def lower_priority(nice: int) -> None:
    """Give the calling thread a nice value ``nice`` above the process's main thread (Linux,
    where a thread's priority is its own; elsewhere nothing), unless it is that low already.

    The server's event loop runs on the main thread: with its readers below it, the scheduler
    runs the loop first when the CPUs are busy, so answers that need no store read do not wait
    behind the reads (a priority can only be lowered without privileges, so it stays lowered)."""
    if nice <= 0 or sys.platform != "linux":
        return
    me = threading.get_native_id()
    try:
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + nice)
        if os.getpriority(os.PRIO_PROCESS, me) < target:
            os.setpriority(os.PRIO_PROCESS, me, target)
    except OSError:  # not allowed here (a sandbox): run at the priority we have
        pass


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.eventcoder  # set by create_app
    return state


def require_writer(request: Request) -> None:
    """Dependency of the write endpoints (the guard middleware has checked before the body was read)."""
    state_of(request).check_writer(request)
