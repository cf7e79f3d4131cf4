"""Iterate in a background thread, a bounded number of items ahead of the consumer.

The pipeline parses the next articles with spaCy while it codes the ones already parsed: much of
spaCy's parse and all of ONNX Runtime's pair model run outside Python's global lock, so on two
cores the two overlap (``benchmarks/throughput.py``). Items come out in order; an exception in the
background (a failing input iterator) is raised in the consumer at that point of the sequence;
closing the consumer stops the background thread after its current item.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_POLL = 0.1  # seconds between checks for a closed consumer while the queue is full


class _End:
    """Marks the end of the background iteration."""


def iterate_ahead(items: Iterable[T], depth: int, name: str = "eventcoder-ahead") -> Iterator[T]:
    """``items`` in order, produced by a daemon thread up to ``depth`` items ahead (0: no thread)."""
    if depth <= 0:
        yield from items
        return
    slots: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=depth)
    closed = threading.Event()

    def put(entry: tuple[bool, object]) -> bool:
        while not closed.is_set():
            try:
                slots.put(entry, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, _End()))
        except BaseException as exc:  # handed to the consumer, raised there
            put((False, exc))

    worker = threading.Thread(target=produce, name=name, daemon=True)
    worker.start()
    try:
        while True:
            ok, entry = slots.get()
            if not ok:
                assert isinstance(entry, BaseException)
                raise entry
            if isinstance(entry, _End):
                return
            yield entry  # type: ignore[misc]
    finally:
        closed.set()
