"""The local engine: ingest in this process, code in this process or in N worker processes.

With one worker the pipeline runs here (no extra process). With more, each worker process builds
its own ``Pipeline`` once and codes chunks of ``batch_size`` articles with ``nlp.pipe``; results
come back in input order, so output files are the same whatever the number of workers.

No more workers start than there are CPUs to use, or batches to code (one batch is coded here;
none, and nothing is loaded). Workers end with the process that started them, even one killed
with ``kill -9`` (``die_with_parent``).
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from eventcoder.engines.base import Item, Job, Skipped, WorkerStats, peak_rss_mb
from eventcoder.errors import ConfigError, EventcoderError
from eventcoder.ingest import read_inputs
from eventcoder.pipeline import ArticleResult, Pipeline
from eventcoder.records import Article, Rejection
from eventcoder.settings import Settings, usable_cores

_POLL_SECONDS = 1.0
_READY_TIMEOUT = 600.0
_PARENT_CHECK_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

Chunk = list[Article] | Rejection | Skipped  # what ``chunks`` yields: a batch to code, or not


def default_workers() -> int:
    """One worker per CPU core this process may use."""
    return usable_cores()


def ingest(job: Job) -> Iterator[Article | Rejection | Skipped]:
    """Articles not yet stored, each once; Rejections and Skipped markers in between."""
    seen: set[str] = set()
    items = job.records if job.records is not None else read_inputs(job.paths, job.options, stdin=job.stdin)
    for item in items:
        if isinstance(item, Rejection):
            yield item
        elif item.id in job.known or item.id in seen:
            yield Skipped(1)
        else:
            seen.add(item.id)
            yield item


def chunks(job: Job, size: int) -> Iterator[Chunk]:
    """``ingest`` with the articles grouped into lists of ``size`` (the last may be shorter)."""
    chunk: list[Article] = []
    for item in ingest(job):
        if isinstance(item, Article):
            chunk.append(item)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        else:
            yield item
    if chunk:
        yield chunk


def check_workers(workers: int | None) -> None:
    """Refuse a negative number of workers (0 means one per CPU)."""
    if workers is not None and workers < 0:
        raise ConfigError(f"workers must be 0 (one per CPU) or more, not {workers}")


def read_ahead(items: Iterator[Chunk], batches: int) -> list[Chunk]:
    """The first items of ``items``, up to and including its ``batches``-th batch (or all of them)."""
    head: list[Chunk] = []
    found = 0
    for item in items:
        head.append(item)
        found += isinstance(item, list)
        if found >= batches:
            break
    return head


class LocalEngine:
    """Code on this machine with ``workers`` processes (1: in this process; 0: one per CPU).

    ``workers`` is capped at the CPUs this process may use (``note`` says so when it is), and
    each run starts no more worker processes than it has batches to code.
    """

    name = "local"

    def __init__(self, *, workers: int = 1, pipeline: Pipeline | None = None) -> None:
        check_workers(workers)
        cpus = default_workers()
        self.workers = min(workers or cpus, cpus)
        self.note: str | None = None
        if workers > cpus:
            self.note = (f"{workers} workers asked for, but this machine has {cpus} CPUs for eventcoder: "
                         f"starting at most {cpus} worker processes (more would only share the same cores)")
        self._pipeline = pipeline
        self._pool: _WorkerPool | None = None
        self._stats: dict[str, list[float]] = {}

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, settings: Settings, *, batches: int | None = None) -> None:
        """Build the pipeline (or start the worker processes) now rather than on first use.

        ``batches``: how many batches there are to code, when known; no more processes start.
        """
        workers = self.workers if batches is None else min(self.workers, batches)
        if self._pool is not None or (workers <= 1 and self._pipeline is not None):
            return
        if workers <= 1:
            self._pipeline = Pipeline(settings)
        else:
            self._pool = _WorkerPool(settings, workers)

    def run(self, job: Job) -> Iterator[Item]:
        items = chunks(job, max(1, job.settings.batch_size))
        head = read_ahead(items, self.workers)  # enough to know whether all workers have work
        batches = sum(isinstance(item, list) for item in head)
        stream = itertools.chain(head, items)
        if batches == 0:  # nothing new to code: load nothing, start nothing
            yield from (item for item in head if not isinstance(item, list))
            return
        self.start(job.settings, batches=batches)
        if self._pool is not None:
            yield from self._pool.code(stream, self._stats)
            return
        assert self._pipeline is not None
        yield from self._code_here(self._pipeline, stream)

    def _code_here(self, pipeline: Pipeline, stream: Iterator[Chunk]) -> Iterator[Item]:
        """Code every chunk of ``stream`` in this process with one ``code_articles`` call, so that
        its background parse runs ahead across chunks; the stream's rejections and skips come out
        in their places. The pipeline's seconds (inside ``code_articles``) are its busy time."""
        plan: deque[int | Rejection | Skipped] = deque()  # filled by the parse thread, in stream order

        def articles() -> Iterator[Article]:
            for item in stream:
                if isinstance(item, list):
                    plan.append(len(item))  # before its articles: a result never outruns its entry
                    yield from item
                else:
                    plan.append(item)

        results = pipeline.code_articles(articles())
        worker, pending = str(os.getpid()), 0
        while True:
            started = time.perf_counter()
            result = next(results, None)
            busy = time.perf_counter() - started
            if result is None:
                break
            while not pending:
                entry = plan.popleft()
                if isinstance(entry, int):
                    pending = entry
                else:
                    yield entry
            pending -= 1
            _tally(self._stats, worker, 1, busy, peak_rss_mb() if not pending else 0.0)
            yield result
        for entry in plan:  # what followed the last article (the parse thread has finished)
            assert not isinstance(entry, int), "code_articles gave fewer results than articles"
            yield entry

    def worker_stats(self) -> list[WorkerStats]:
        return [WorkerStats(worker, int(n), busy, peak) for worker, (n, busy, peak) in sorted(self._stats.items())]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def _tally(stats: dict[str, list[float]], worker: str, articles: int, seconds: float, peak: float) -> None:
    row = stats.setdefault(worker, [0, 0.0, 0.0])
    row[0] += articles
    row[1] += seconds
    row[2] = max(row[2], peak)


class _WorkerPool:
    """Worker processes fed through one queue; results are put back in submission order."""

    def __init__(self, settings: Settings, workers: int) -> None:
        context = mp.get_context("spawn")  # no fork: DuckDB and threads in the parent stay out
        self._inbox: Any = context.Queue(maxsize=workers * 2)
        self._outbox: Any = context.Queue()
        worker_settings = replace(settings, n_process=1)
        self._procs = [
            context.Process(target=worker_main, args=(worker_settings, self._inbox, self._outbox, os.getpid()),
                            daemon=True, name=f"eventcoder-worker-{n}")
            for n in range(workers)
        ]
        for proc in self._procs:
            proc.start()
        try:
            self._await_ready()
        except BaseException:
            self.close()
            raise

    def _await_ready(self) -> None:
        ready = 0
        deadline = time.monotonic() + _READY_TIMEOUT
        while ready < len(self._procs):
            message = self._receive(deadline)
            if message[0] == "failed":
                raise EventcoderError(f"a local worker could not start: {message[2]}")
            ready += message[0] == "ready"

    def _receive(self, deadline: float | None = None) -> tuple[Any, ...]:
        while True:
            try:
                return self._outbox.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                dead = [p for p in self._procs if not p.is_alive()]
                if dead:
                    raise EventcoderError(
                        f"local worker {dead[0].name} died (exit code {dead[0].exitcode}); "
                        "run the same command again to finish (stored articles are skipped)"
                    ) from None
                if deadline is not None and time.monotonic() > deadline:
                    raise EventcoderError("local workers did not start in time") from None

    def code(self, items: Iterator[Chunk], stats: dict[str, list[float]]) -> Iterator[Item]:
        done: dict[int, list[ArticleResult]] = {}
        submitted = emitted = 0
        limit = len(self._procs) * 2
        for item in items:
            if not isinstance(item, list):
                yield item
                continue
            while submitted - emitted >= limit:
                self._collect(done, stats)
                while emitted in done:
                    yield from done.pop(emitted)
                    emitted += 1
            self._inbox.put((submitted, item))
            submitted += 1
        while emitted < submitted:
            if emitted not in done:
                self._collect(done, stats)
                continue
            yield from done.pop(emitted)
            emitted += 1

    def _collect(self, done: dict[int, list[ArticleResult]], stats: dict[str, list[float]]) -> None:
        message = self._receive()
        if message[0] == "failed":
            raise EventcoderError(f"a local worker failed: {message[2]}")
        if message[0] == "result":
            _, seq, results, worker, seconds, peak = message
            done[seq] = results
            _tally(stats, worker, len(results), seconds, peak)

    def close(self) -> None:
        for proc in self._procs:
            if proc.is_alive():
                try:
                    self._inbox.put(None, timeout=_POLL_SECONDS)
                except queue.Full:
                    break
        for proc in self._procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
        self._inbox.close()
        self._outbox.close()


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` (the process that started it) ends, however it ends.

    On Linux the kernel sends SIGKILL the moment the parent dies (``prctl(PR_SET_PDEATHSIG)``;
    strictly, when the parent's *thread* that started us ends: start workers from a thread that
    lives as long as the engine, as the CLI does from its main thread). Everywhere, a daemon
    thread also checks ``os.getppid()`` twice a second and ends the process when the parent is
    gone: a worker blocked writing a result nobody will read, or reading a chunk its killed parent
    only half sent, would never notice otherwise (both held ~340 MB workers for minutes).
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread below does it
            pass
    if os.getppid() != parent:  # the parent died before we asked
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="eventcoder-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(1)  # not sys.exit: the main thread may be blocked on a pipe forever


def worker_main(settings: Settings, inbox: Any, outbox: Any, parent: int) -> None:
    """A worker process: build one Pipeline, then code chunks until told to stop."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    worker = str(os.getpid())
    try:
        # one thread for the learned coder per worker: the workers already fill the cores
        pipeline = Pipeline(settings.for_worker())
    except BaseException as exc:  # report, do not hang the parent
        outbox.put(("failed", -1, f"{type(exc).__name__}: {exc}"))
        return
    outbox.put(("ready", worker))
    while True:
        job = inbox.get()  # (if the parent is killed meanwhile, die_with_parent ends us)
        if job is None:
            return
        seq, articles = job
        started = time.perf_counter()
        try:
            results = list(pipeline.code_articles(articles))
        except BaseException:
            outbox.put(("failed", seq, traceback.format_exc(limit=5)))
            return
        outbox.put(("result", seq, results, worker, time.perf_counter() - started, peak_rss_mb()))
