"""The main job: inputs → ingest → pipeline → store (+ optional file output) → linking, with a summary.

``code_inputs`` is the one way articles get coded into a store: ``eventcoder code``, the HTTP
API's ``POST /articles`` and ``eventcoder watch`` all call it. It keeps the run record, stores
results in batches, records rejections and links the new events afterwards.
"""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Mapping, Sequence, TextIO

from . import __version__
from .engines.base import Checkpoint, Engine, Item, Job, Skipped
from .engines.local import LocalEngine
from .errors import ConfigError
from .ingest import IngestOptions
from .link import LinkSummary, link_pending
from .output import write_csv_header, write_csv_rows, write_jsonl
from .pipeline import ArticleResult, Pipeline
from .records import Article, Rejection
from .settings import Settings
from .store import EventStore

COUNTS = ("articles", "skipped", "sentences", "events", "dropped", "rejections")


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    articles: int  # articles coded in this run
    skipped: int  # articles already in the store (re-runs add nothing)
    sentences: int
    events: int  # events added to the store
    dropped: int  # negated / hypothetical predicates not coded
    rejections: int
    seconds: float
    links: tuple[LinkSummary, ...] = ()  # the linking done after storing, one per method

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        """The run's line, then one line per linking method."""
        return [
            f"run {self.run_id}: {self.articles} articles coded, {self.skipped} already stored, "
            f"{self.sentences} sentences, {self.events} events, {self.rejections} rejections, "
            f"{self.dropped} negated/hypothetical predicates not coded, {self.seconds:.1f} s "
            f"({self.articles_per_second:.1f} articles/s)"
        ] + [link.line() for link in self.links]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one article given to ``code_inputs``."""

    article_id: str
    status: str  # "coded", "rejected" or "already_stored"
    events: tuple[str, ...] = ()  # the ids of its events, when coded
    reason: str = ""  # why it was rejected
    detail: str = ""


Progress = Callable[[int, int], None]
OnOutcome = Callable[[Outcome], object]


class RunRecord:
    """A run's row in the store's ``runs`` table: started on entry; totals and status on exit.

    ``config`` adds to the settings recorded with the run (``via="http"``, ``command="watch"``).
    Several ``code_inputs`` calls may add to one open record (``watch``: one run per poll).
    """

    def __init__(self, store: EventStore, settings: Settings, **config: object) -> None:
        self.store = store
        self.config = {**asdict(settings), **config}
        self.counts = dict.fromkeys(COUNTS, 0)
        self.run_id = ""
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> RunRecord:
        self._started = time.perf_counter()
        self.run_id = self.store.start_run(config=self.config, version=__version__)
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        status = "ok" if kind is None else "interrupted" if issubclass(kind, KeyboardInterrupt) else "failed"
        self.seconds = time.perf_counter() - self._started
        c = self.counts
        self.store.finish_run(self.run_id, articles=c["articles"], sentences=c["sentences"], events=c["events"],
                              rejections=c["rejections"], seconds=self.seconds, status=status)


def code_inputs(
    inputs: Sequence[str] | Sequence[Article | Rejection],
    *,
    settings: Settings,
    store: EventStore,
    pipeline: Pipeline | None = None,
    out: TextIO | None = None,
    out_format: str = "jsonl",
    progress: Progress | None = None,
    stdin: object = None,
    engine: Engine | None = None,
    options: IngestOptions | None = None,
    run: RunRecord | None = None,
    run_config: Mapping[str, object] | None = None,
    link: bool = True,
    on_outcome: OnOutcome | None = None,
) -> RunSummary:
    """Code ``inputs`` into ``store``, then link the new events; already-stored articles are skipped.

    ``inputs``: paths (files, directories, globs, ``-`` for ``stdin``) that the engine reads, or
    articles and rejections already read (coded in this process). ``engine`` runs the pipeline
    (default: the local engine in this process, reusing ``pipeline`` if given). Results are
    stored in batches of ``settings.batch_size`` articles, one transaction each, so a killed run
    loses at most one batch and a re-run finishes the rest. The run is recorded in the store
    (``run_config`` adds to its recorded settings) unless ``run``, a record the caller holds
    open, is given. ``link``: link the store's pending events afterwards (``link_pending``).
    ``on_outcome`` hears what became of every article read (not of inputs rejected before they
    became articles).
    """
    started = time.perf_counter()
    records = [item for item in inputs if isinstance(item, (Article, Rejection))]
    if records and len(records) != len(inputs):
        raise ConfigError("code_inputs takes paths or articles already read, not both")
    record = run if run is not None else RunRecord(store, settings, **(run_config or {}))
    before = dict(record.counts)
    with nullcontext(record) if run is not None else record:
        job = _job(inputs, records, settings, store, options, stdin, on_outcome)
        owned = engine is None
        runner: Engine = engine if engine is not None else LocalEngine(workers=1, pipeline=pipeline)
        try:
            _Storer(store, record, out, out_format, on_outcome).consume(runner.run(job), settings.batch_size,
                                                                         progress, job.known)
        finally:
            if owned:
                runner.close()
    seconds = time.perf_counter() - started
    counts = {name: record.counts[name] - before[name] for name in COUNTS}
    links = tuple(link_pending(store)) if link else ()
    return RunSummary(run_id=record.run_id, seconds=record.seconds if run is None else seconds, links=links, **counts)


def _job(
    inputs: Sequence[object], records: list[Article | Rejection], settings: Settings, store: EventStore,
    options: IngestOptions | None, stdin: object, on_outcome: OnOutcome | None,
) -> Job:
    """The engine's job; articles already read and already stored are reported here."""
    if records:
        known: set[str] = set()
        for item in records:
            if isinstance(item, Article) and item.id not in known and store.has_article(item.id):
                known.add(item.id)
                if on_outcome:
                    on_outcome(Outcome(item.id, "already_stored"))
    else:
        known = store.known_article_ids()
    return Job(paths=[] if records else inputs, settings=settings,  # type: ignore[arg-type]
               options=options or IngestOptions(max_bytes=settings.max_bytes), known=known,
               stdin=stdin, records=records or None)  # type: ignore[arg-type]


class _Storer:
    """Stores an engine's items: results in batches, rejections as they come, flush at checkpoints."""

    def __init__(self, store: EventStore, record: RunRecord, out: TextIO | None, out_format: str,
                 on_outcome: OnOutcome | None) -> None:
        self.store, self.record, self.counts = store, record, record.counts
        self.out, self.out_format, self.on_outcome = out, out_format, on_outcome
        if out is not None and out_format == "csv":
            write_csv_header(out)

    def consume(self, items: Iterable[Item], batch_size: int, progress: Progress | None,
                known: Iterable[str] = frozenset()) -> None:
        pending: list[ArticleResult] = []
        # ids stored before or by this run: two shards may hold the same article, and a shard file
        # left by a killed run may hold articles that run had already stored
        stored: set[str] = set()
        known = frozenset(known)
        done = 0
        for item in items:
            if isinstance(item, Checkpoint):
                self.flush(pending)
                item.commit()
                continue
            if isinstance(item, Skipped):
                self.counts["skipped"] += item.count
                continue
            if isinstance(item, Rejection):
                self.reject(item)
                continue
            if item.rejection is not None:
                self.reject(item.rejection)
                self.tell(Outcome(item.article.id, "rejected", reason=item.rejection.reason,
                                  detail=item.rejection.detail))
            elif item.article.id in stored or item.article.id in known:
                self.counts["skipped"] += 1
            else:
                stored.add(item.article.id)
                pending.append(item)
            if len(pending) >= batch_size:
                self.flush(pending)
            done += 1
            if progress:
                progress(done, self.counts["events"])
        self.flush(pending)

    def tell(self, outcome: Outcome) -> None:
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    def reject(self, rejection: Rejection) -> None:
        self.store.add_rejection(rejection, run_id=self.record.run_id)
        self.counts["rejections"] += 1

    def flush(self, pending: list[ArticleResult]) -> None:
        """Store the coded articles in one transaction (a killed run loses at most this batch)."""
        if not pending:
            return
        conflicts: list[Rejection] = []
        self.counts["events"] += self.store.add_articles(
            ((r.article, r.events) for r in pending), run_id=self.record.run_id, conflicts=conflicts,
            unknown=[u for r in pending for u in r.unknown])
        refused = {c.article_id: c for c in conflicts}
        self.counts["rejections"] += len(conflicts)
        for result in pending:
            conflict = refused.get(result.article.id)
            if conflict is not None:  # same outlet and source id as a stored article, other text
                self.tell(Outcome(result.article.id, "rejected", reason=conflict.reason, detail=conflict.detail))
                continue
            self.counts["articles"] += 1
            self.counts["sentences"] += result.sentences
            self.counts["dropped"] += result.dropped
            self.tell(Outcome(result.article.id, "coded", tuple(e.id for e in result.events)))
            if self.out is not None:
                (write_csv_rows if self.out_format == "csv" else write_jsonl)(result.events, self.out)
        pending.clear()


def stderr_progress(total_hint: int | None = None) -> Progress:
    """A one-line progress display on stderr (only when stderr is a terminal)."""
    started = time.perf_counter()
    live = sys.stderr.isatty()

    def show(done: int, events: int) -> None:
        if not live or done % 5:
            return
        rate = done / max(time.perf_counter() - started, 1e-9)
        of = f"/{total_hint}" if total_hint else ""
        sys.stderr.write(f"\r  {done}{of} articles, {events} events, {rate:.1f} articles/s ")
        sys.stderr.flush()

    return show
