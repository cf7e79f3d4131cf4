"""Answers kept between requests, exact because the server is the store's only writer.

DuckDB lets one process write a file, or several read it: while the server has the store open,
nothing else can change it, so an answer stays right until the server itself writes. Every write
(``ServerState.writing``) starts a new generation and empties the cache; an answer computed
across a write is not kept. Values are kept with their size (JSON bytes: their length) under a
byte budget, least recently used first out. Requests for the same key wait for the one that
computes it (single flight), so twenty clients asking for the same series build it once.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response

T = TypeVar("T")
MAX_CACHE_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 8 * 1024 * 1024


def json_bytes(content: Any) -> bytes:
    """``content`` encoded as FastAPI's JSONResponse does (compact, UTF-8, no NaN)."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


def request_key(request: Request) -> str:
    """Path and query, parameters sorted (so their order does not matter)."""
    query = sorted(request.query_params.multi_items())
    return request.url.path + "?" + "&".join(f"{k}={v}" for k, v in query)


class AnswerCache:
    def __init__(self, *, max_bytes: int = MAX_CACHE_BYTES, max_entry: int = MAX_ENTRY_BYTES) -> None:
        self.max_bytes, self.max_entry = max_bytes, max_entry
        self.generation = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._flights: dict[str, threading.Lock] = {}

    def invalidate(self, keep: tuple[str, ...] = ()) -> None:
        """The store changed: forget everything but the values of ``keep`` (keys the change
        cannot have touched; answers being computed are not kept)."""
        with self._lock:
            self.generation += 1
            kept = [(k, self._entries[k]) for k in keep if k in self._entries]
            self._entries.clear()
            self._entries.update(kept)
            self._bytes = sum(size for _, size in self._entries.values())

    def _lookup(self, key: str) -> tuple[bool, Any]:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return True, self._entries[key][0]
            return False, None

    def peek(self, key: str) -> Any:
        """The kept value for ``key``, or None (nothing is computed)."""
        return self._lookup(key)[1]

    def put(self, key: str, value: Any, nbytes: int, generation: int) -> None:
        """Keep ``value``, read while the store was at ``generation`` (dropped if it has moved on)."""
        self._keep(key, value, nbytes, generation)

    def get(self, key: str, compute: Callable[[], T], size: Callable[[T], int]) -> T:
        """The kept value for ``key``, or ``compute()`` (kept when ``size`` of it fits)."""
        found, value = self._lookup(key)
        if found:
            return value
        with self._lock:
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            found, value = self._lookup(key)
            if found:
                return value
            with self._lock:
                generation = self.generation
                self.misses += 1
            try:
                computed = compute()
                self._keep(key, computed, size(computed), generation)
            finally:
                with self._lock:
                    self._flights.pop(key, None)
            return computed

    def _keep(self, key: str, value: Any, nbytes: int, generation: int) -> None:
        with self._lock:
            if generation != self.generation or nbytes > self.max_entry:
                return
            if key in self._entries:
                self._bytes -= self._entries.pop(key)[1]
            self._entries[key] = (value, nbytes)
            self._bytes += nbytes
            while self._bytes > self.max_bytes and self._entries:
                self._bytes -= self._entries.popitem(last=False)[1][1]

    def response(self, request: Request, compute: Callable[[], Any]) -> Response:
        """The JSON answer to ``request``: kept bytes, or ``compute()`` encoded (and kept)."""
        return self.raw_response(request, lambda: json_bytes(compute()))

    def raw_response(self, request: Request, compute: Callable[[], bytes]) -> Response:
        """The JSON answer to ``request``: kept bytes, or ``compute()`` (already JSON), kept."""
        body = self.get(request_key(request), compute, len)
        return Response(content=body, media_type="application/json")
