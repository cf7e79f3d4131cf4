"""The Ray engine: Ray Data reads input shards, a pool of worker actors codes them.

Each actor builds one ``Pipeline`` when it starts and then codes whole shards (read → skip stored
articles → ``nlp.pipe`` batches → events), writing one Parquet file per shard under a name fixed by
the shard id. A task that Ray retries rewrites the same file, and a shard whose file is already
there (left by a killed run) is not coded again. The driver streams the finished shards into the
store, idempotent by article id, and deletes each file once its rows are committed.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from eventcoder.engines.base import Checkpoint, Item, Job, Skipped, WorkerStats, peak_rss_mb
from eventcoder.engines.local import default_workers
from eventcoder.engines.shards import Shard, plan_shards, read_shard
from eventcoder.engines.spool import Spool
from eventcoder.errors import ConfigError, EventcoderError
from eventcoder.ingest import IngestOptions
from eventcoder.pipeline import ArticleResult, Pipeline
from eventcoder.records import Article, Rejection
from eventcoder.settings import Settings

DEFAULT_SHARD_SIZE = 256
LOCAL_ADDRESSES = frozenset({"", "local"})


def default_shards_dir(db: str) -> str:
    """Next to the store (``x.duckdb`` → ``x.duckdb.shards``); a temporary directory for ``:memory:``."""
    if db == ":memory:":
        return tempfile.mkdtemp(prefix="eventcoder-shards-")
    return f"{os.path.abspath(os.path.expanduser(db))}.shards"


def import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise EventcoderError("the ray engine needs Ray: pip install 'eventcoder[distributed]'") from exc
    return ray


class RayEngine:
    """Code on a Ray cluster (``address``) or on a local Ray instance with ``workers`` CPUs."""

    name = "ray"

    def __init__(
        self,
        *,
        workers: int | None = None,
        address: str | None = None,
        shards_dir: str | None = None,
        shard_size: int = DEFAULT_SHARD_SIZE,
        keep_shards: bool = False,
    ) -> None:
        self.workers = workers if workers and workers > 0 else None
        self.address = address
        self.shards_dir = shards_dir
        self.shard_size = max(1, shard_size)
        self.keep_shards = keep_shards
        self._started_ray = False
        self._stats: list[dict[str, Any]] = []

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> int:
        """Join (or start) Ray; returns the number of worker actors to use."""
        ray = import_ray()
        if not ray.is_initialized():
            quiet = {"include_dashboard": False, "logging_level": logging.WARNING, "log_to_driver": False}
            if (self.address or "") in LOCAL_ADDRESSES:
                ray.init(num_cpus=self.workers or default_workers(), **quiet)
            else:
                ray.init(address=self.address, **quiet)
            self._started_ray = True
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # errors still raise
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.execution_options.preserve_order = True
        return self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))

    def run(self, job: Job) -> Iterator[Item]:
        if job.records is not None:
            raise ConfigError("the ray engine reads input files; code articles already read with the local engine")
        shards: list[Shard] = []
        for item in plan_shards(job.paths, settings=job.settings, options=job.options, shard_size=self.shard_size):
            if isinstance(item, Rejection):
                yield item
            else:
                shards.append(item)
        if not shards:
            return
        spool = Spool(self.shards_dir or default_shards_dir(job.settings.db))
        workers = min(self.connect(), len(shards))
        for row in self._execute(shards, workers, job, spool.directory):
            self._stats.append(row)
            shard_id = str(row["shard_id"])
            yield from spool.read(shard_id)
            if int(row["skipped"]):
                yield Skipped(int(row["skipped"]))
            yield Checkpoint(commit=self._committer(spool, shard_id), label=shard_id)
        if not self.keep_shards:
            spool.remove_if_empty()

    def _committer(self, spool: Spool, shard_id: str):
        def commit() -> None:
            if not self.keep_shards:
                spool.remove(shard_id)

        return commit

    def _execute(self, shards: list[Shard], workers: int, job: Job, spool_dir: str) -> Iterator[dict[str, Any]]:
        ray = import_ray()
        known = ray.put(frozenset(job.known))
        dataset = ray.data.from_items([{"shard": s.to_json()} for s in shards], override_num_blocks=len(shards))
        coded = dataset.map_batches(
            ShardCoder,
            fn_constructor_kwargs={"settings": job.settings, "options": job.options, "known": [known],
                                   "spool_dir": spool_dir},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
        )
        try:
            yield from coded.iter_rows()
        except ray.exceptions.RayError as exc:
            raise EventcoderError(f"the ray engine failed: {str(exc).splitlines()[0]}; run the same "
                                  "command again to finish (finished shards are kept)") from exc

    def worker_stats(self) -> list[WorkerStats]:
        """Per worker actor: shards' articles, busy seconds and peak memory."""
        per: dict[str, list[float]] = {}
        for row in self._stats:
            entry = per.setdefault(str(row["worker"]), [0, 0.0, 0.0])
            entry[0] += int(row["articles"])
            entry[1] += float(row["seconds"])
            entry[2] = max(entry[2], float(row["peak_rss_mb"]))
        return [WorkerStats(w, int(n), s, m) for w, (n, s, m) in sorted(per.items())]

    def shard_rows(self) -> list[dict[str, Any]]:
        """One row per shard coded in the last runs (worker, start/end times, counts)."""
        return list(self._stats)

    def close(self) -> None:
        if self._started_ray:
            import_ray().shutdown()
            self._started_ray = False


class ShardCoder:
    """A Ray Data worker: builds the pipeline once, then codes one shard per call."""

    def __init__(self, *, settings: Settings, options: IngestOptions, known: list[Any], spool_dir: str) -> None:
        import ray

        # one thread for the learned coder per worker: the workers already fill the cores
        self.pipeline = Pipeline(settings.for_worker())
        self.options = options
        self.known: frozenset[str] = ray.get(known[0])
        self.spool = Spool(spool_dir)
        self.worker = f"{os.uname().nodename}:{os.getpid()}"

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        rows = [self.code_shard(Shard.from_json(str(text))) for text in batch["shard"]]
        return {key: [row[key] for row in rows] for key in rows[0]} if rows else {}

    def code_shard(self, shard: Shard) -> dict[str, Any]:
        started = time.time()
        articles = skipped = 0
        reused = self.spool.exists(shard.id)
        if not reused:
            items, skipped = self._code(shard)
            articles = sum(1 for i in items if isinstance(i, ArticleResult))
            self.spool.write(shard.id, items)
        return {"shard_id": shard.id, "worker": self.worker, "articles": articles, "skipped": skipped,
                "reused": reused, "started": started, "ended": time.time(),
                "seconds": time.time() - started, "peak_rss_mb": peak_rss_mb()}

    def _code(self, shard: Shard) -> tuple[list[ArticleResult | Rejection], int]:
        order: list[Article | Rejection] = []
        fresh: list[Article] = []
        seen: set[str] = set()
        skipped = 0
        for item in read_shard(shard, self.options):
            if isinstance(item, Article):
                if item.id in self.known or item.id in seen:
                    skipped += 1
                    continue
                seen.add(item.id)
                fresh.append(item)
            order.append(item)
        results = iter(self.pipeline.code_articles(fresh))
        return [next(results) if isinstance(item, Article) else item for item in order], skipped
