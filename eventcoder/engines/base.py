"""What an engine is: something that turns inputs into coded articles for the run loop.

An engine yields a stream of items: ``ArticleResult`` (an article and its events, or the
rejection that stopped it), ``Rejection`` (an input that never became an article), ``Skipped``
(articles already in the store) and ``Checkpoint``. The run loop stores results in batches; when
it meets a ``Checkpoint`` it first stores everything before it, then calls ``commit()`` so the
engine can drop whatever it kept to survive a crash (the Ray engine's Parquet shard files).
"""

from __future__ import annotations

import resource
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Protocol, Union

from eventcoder.ingest import IngestOptions
from eventcoder.pipeline import ArticleResult
from eventcoder.records import Article, Rejection
from eventcoder.settings import Settings

ENGINES: tuple[str, ...] = ("local", "ray")


@dataclass(frozen=True, slots=True)
class Skipped:
    """``count`` articles were read but are already in the store (or earlier in this run)."""

    count: int = 1


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Everything yielded before this is safe to store now; call ``commit()`` once it is stored."""

    commit: Callable[[], None] = field(default=lambda: None)
    label: str = ""


Item = Union[ArticleResult, Rejection, Skipped, Checkpoint]


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One coding job: what to read, how, and which article ids to leave out.

    ``records``: articles (and rejections) already read, coded instead of reading ``paths``
    (the HTTP API and ``watch`` read their own; only the local engine takes them).
    """

    paths: Sequence[str]
    settings: Settings
    options: IngestOptions
    known: frozenset[str] | set[str] = frozenset()
    stdin: IO[bytes] | None = None
    records: Sequence[Article | Rejection] | None = None


@dataclass(frozen=True, slots=True)
class WorkerStats:
    """What one worker did: its process id, articles coded, busy seconds and peak memory."""

    worker: str
    articles: int
    seconds: float
    peak_rss_mb: float


class Engine(Protocol):
    """The interface ``eventcoder.run.code_inputs`` drives."""

    name: str

    def run(self, job: Job) -> Iterator[Item]: ...

    def worker_stats(self) -> list[WorkerStats]: ...

    def close(self) -> None: ...

    def __enter__(self) -> "Engine": ...

    def __exit__(self, *exc: object) -> None: ...


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
