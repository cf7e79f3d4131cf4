"""The background parse: ``ahead.iterate_ahead`` and the pipeline's use of it (``parse_ahead``)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from eventcoder.ahead import iterate_ahead
from eventcoder.ingest import read_inputs
from eventcoder.records import Article

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def _threads(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name and t.is_alive()]


def test_items_come_in_order_from_another_thread() -> None:
    seen: set[str] = set()

    def source():
        for n in range(200):
            seen.add(threading.current_thread().name)
            yield n

    out = []
    for n in iterate_ahead(source(), 3, "test-order"):
        if n % 50 == 0:
            time.sleep(0.01)  # a slow consumer: the producer waits on the full queue
        out.append(n)
    assert out == list(range(200))
    assert seen == {"test-order"}


def test_depth_zero_iterates_in_the_calling_thread() -> None:
    names = {threading.current_thread().name for _ in iterate_ahead(range(3), 0)}
    assert names == {threading.current_thread().name}


def test_an_error_in_the_source_is_raised_after_the_items_before_it() -> None:
    def source():
        yield 1
        yield 2
        raise ValueError("line 3 is unreadable")

    got = []
    with pytest.raises(ValueError, match="line 3 is unreadable"):
        for n in iterate_ahead(source(), 8, "test-error"):
            got.append(n)
    assert got == [1, 2]


def test_closing_the_consumer_stops_the_producer() -> None:
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    items = iterate_ahead(endless(), 4, "test-close")
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()
    deadline = time.monotonic() + 5
    while _threads("test-close") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _threads("test-close")
    assert len(produced) <= 3 + 4 + 2  # what was taken, the queue, and the item in hand


def test_pipeline_codes_the_same_with_and_without_the_background_parse(pipeline) -> None:
    articles = [a for a in read_inputs([str(EXAMPLES)]) if isinstance(a, Article)]
    empty = Article(id="empty", headline="", text="   ", published=date(2020, 7, 8), origin="empty.txt")
    inputs = articles[:2] + [empty] + articles[2:]
    inline = replace(pipeline, settings=replace(pipeline.settings, parse_ahead=0, batch_size=2))
    ahead = replace(pipeline, settings=replace(pipeline.settings, parse_ahead=3, batch_size=2))
    first = list(inline.code_articles(inputs))
    second = list(ahead.code_articles(inputs))
    assert [r.article.id for r in second] == [a.id for a in inputs]  # input order, the rejection in its place
    assert second[2].rejection is not None
    assert [r.events for r in second] == [r.events for r in first]
    assert sum(len(r.events) for r in second) > 0


def test_freed_memory_goes_back_to_the_system_on_linux() -> None:
    import sys

    from eventcoder.memory import release_free_memory

    assert release_free_memory() is sys.platform.startswith("linux")
