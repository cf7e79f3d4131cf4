"""Streamed downloads (issue 16): an export's body sent chunk by chunk as it is read from the
store, with chunked transfer encoding, so the server's memory does not grow with the store.

A ``Download`` holds, while its client reads, the export slot (exports run one at a time), a
reader's cursor (one DuckDB transaction: the row count sent in ``X-Eventcoder-Rows`` is the
number of rows sent) and the stream (``eventcoder.export.stream_export``). It is closed once,
by whichever comes first: the last chunk, an error, the client leaving, a client that takes no
chunk for ``STALL_SECONDS`` (the connection is then closed, the body left incomplete), or the
response being dropped unsent.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Message, Send

from eventcoder.export import ExportStream
from eventcoder.server.state import ServerState, lower_priority
from eventcoder.store import EventStore

STALL_SECONDS = 60.0  # how long a chunk may wait for a client that does not read before the download ends

log = logging.getLogger("eventcoder.server")


class Download:
    """An export being sent: ``build`` makes its stream from a reader of ``state``'s store (the
    rows are counted now, in this thread); 503 ``busy`` when no export slot frees up in time."""

    def __init__(self, state: ServerState, build: Callable[[EventStore], ExportStream]) -> None:
        release = state.export_slot()
        try:
            store = state.open_reader()
            try:
                lower_priority(state.reader_nice)
                self.stream = build(store)
            except BaseException:
                store.close()
                raise
        except BaseException:
            release()
            raise
        self._store, self._release, self._nice = store, release, state.reader_nice
        self._lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        """Give back the cursor and the export slot (once; from any thread)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self.stream.close()
        finally:
            try:
                self._store.close()
            finally:
                self._release()

    def body(self) -> Iterator[bytes]:
        """The chunks; each is made in a worker thread, at the readers' lower priority."""
        try:
            lower_priority(self._nice)
            for chunk in self.stream.chunks():
                yield chunk
                lower_priority(self._nice)  # the next chunk may be made in another thread
        finally:
            self.close()


class DownloadResponse(StreamingResponse):
    """A ``StreamingResponse`` of a ``Download`` that closes it however the response ends."""

    def __init__(self, download: Download, *, media_type: str, headers: Mapping[str, str],
                 stall_seconds: float | None = None) -> None:
        super().__init__(download.body(), media_type=media_type, headers=headers)
        self.download = download
        self.stall_seconds = STALL_SECONDS if stall_seconds is None else stall_seconds
        weakref.finalize(self, download.close)  # a response dropped before it was sent

    async def stream_response(self, send: Send) -> None:
        async def send_in_time(message: Message) -> None:
            with anyio.fail_after(self.stall_seconds):
                await send(message)

        try:
            await super().stream_response(send_in_time)
        except TimeoutError:  # the server closes the connection: the client sees a cut body
            log.warning("an export's client took no data for %.0f s: the download is ended", self.stall_seconds)
        finally:
            self.download.close()
