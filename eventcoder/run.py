"""The main job: inputs → ingest → pipeline → store (+ optional file output), with a summary."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from typing import AbstractSet, Callable, Iterable, Sequence, TextIO

from . import __version__
from .engines.base import Checkpoint, Engine, Item, Job, Skipped
from .engines.local import LocalEngine
from .ingest import IngestOptions
from .output import write_csv_header, write_csv_rows, write_jsonl
from .pipeline import ArticleResult, Pipeline
from .records import Rejection
from .settings import Settings
from .store import EventStore


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

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        return [
            f"run {self.run_id}: {self.articles} articles coded, {self.skipped} already stored, "
            f"{self.sentences} sentences, {self.events} events, {self.rejections} rejections, "
            f"{self.dropped} negated/hypothetical predicates not coded, {self.seconds:.1f} s "
            f"({self.articles_per_second:.1f} articles/s)"
        ]


Progress = Callable[[int, int], None]


def code_inputs(
    paths: Sequence[str],
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
) -> RunSummary:
    """Code every article under ``paths`` into ``store``; already-stored articles are skipped.

    ``engine`` runs the pipeline (default: the local engine in this process, reusing
    ``pipeline`` if given). Results are stored in batches of ``settings.batch_size`` articles,
    one transaction each, so a killed run loses at most one batch and a re-run finishes the rest.
    """
    started = time.perf_counter()
    run_id = store.start_run(config=asdict(settings), version=__version__)
    job = Job(paths=paths, settings=settings, options=options or IngestOptions(max_bytes=settings.max_bytes),
              known=store.known_article_ids(), stdin=stdin)  # type: ignore[arg-type]
    counts = {"articles": 0, "skipped": 0, "sentences": 0, "events": 0, "dropped": 0, "rejections": 0}
    owned = engine is None
    runner: Engine = engine if engine is not None else LocalEngine(workers=1, pipeline=pipeline)
    if out is not None and out_format == "csv":
        write_csv_header(out)
    status = "ok"
    try:
        _consume(runner.run(job), store, run_id, counts, settings.batch_size, out, out_format, progress, job.known)
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except BaseException:
        status = "failed"
        raise
    finally:
        if owned:
            runner.close()
        seconds = time.perf_counter() - started
        store.finish_run(
            run_id, articles=counts["articles"], sentences=counts["sentences"], events=counts["events"],
            rejections=counts["rejections"], seconds=seconds, status=status,
        )
    return RunSummary(run_id=run_id, seconds=seconds, **counts)


def _consume(
    items: Iterable[Item], store: EventStore, run_id: str, counts: dict[str, int], batch_size: int,
    out: TextIO | None, out_format: str, progress: Progress | None, known: AbstractSet[str] = frozenset(),
) -> None:
    """Store an engine's items: results in batches, rejections as they come, flush at checkpoints."""
    pending: list[ArticleResult] = []
    # ids stored before or by this run: two shards may hold the same article, and a shard file
    # left by a killed run may hold articles that run had already stored
    stored: set[str] = set()
    done = 0
    for item in items:
        if isinstance(item, Checkpoint):
            _flush(pending, store, run_id, counts, out, out_format)
            item.commit()
            continue
        if isinstance(item, Skipped):
            counts["skipped"] += item.count
            continue
        if isinstance(item, Rejection):
            store.add_rejection(item, run_id=run_id)
            counts["rejections"] += 1
            continue
        if item.rejection is not None:
            store.add_rejection(item.rejection, run_id=run_id)
            counts["rejections"] += 1
        elif item.article.id in stored or item.article.id in known:
            counts["skipped"] += 1
        else:
            stored.add(item.article.id)
            pending.append(item)
        if len(pending) >= batch_size:
            _flush(pending, store, run_id, counts, out, out_format)
        done += 1
        if progress:
            progress(done, counts["events"])
    _flush(pending, store, run_id, counts, out, out_format)


def _flush(pending: list[ArticleResult], store: EventStore, run_id: str, counts: dict[str, int], out: TextIO | None, out_format: str) -> None:
    """Store the coded articles in one transaction (a killed run loses at most this batch)."""
    if not pending:
        return
    conflicts: list[Rejection] = []
    counts["events"] += store.add_articles(((r.article, r.events) for r in pending), run_id=run_id, conflicts=conflicts,
                                           unknown=[u for r in pending for u in r.unknown])
    refused = {c.article_id for c in conflicts}
    counts["rejections"] += len(conflicts)
    for result in pending:
        if result.article.id in refused:  # same outlet and source id as a stored article, other text
            continue
        counts["articles"] += 1
        counts["sentences"] += result.sentences
        counts["dropped"] += result.dropped
        if out is not None:
            (write_csv_rows if out_format == "csv" else write_jsonl)(result.events, out)
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
