"""Engines that run the pipeline over many articles: ``local`` (processes) and ``ray`` (Ray Data).

``make_engine("local", workers=2)`` or ``make_engine("ray", address="auto")``; hand the engine to
``eventcoder.run.code_inputs(..., engine=...)``. Engines are context managers (``close()`` stops
worker processes, or the Ray instance the engine started).
"""

from __future__ import annotations

from eventcoder.engines.base import ENGINES, Checkpoint, Engine, Item, Job, Skipped, WorkerStats
from eventcoder.engines.local import LocalEngine, check_workers, default_workers
from eventcoder.errors import ConfigError
from eventcoder.pipeline import Pipeline


def make_engine(
    name: str = "local",
    *,
    workers: int | None = None,
    address: str | None = None,
    shards_dir: str | None = None,
    shard_size: int | None = None,
    pipeline: Pipeline | None = None,
) -> Engine:
    """The engine called ``name``. ``workers``: None → local 1 process, ray every CPU; 0 → every CPU.

    The local engine starts no more processes than there are CPUs (its ``note`` says when it
    starts fewer than asked); a negative ``workers`` is refused.
    """
    check_workers(workers)
    if name == "local":
        if address:
            raise ConfigError("--address is for the ray engine (use --engine ray)")
        return LocalEngine(workers=1 if workers is None else workers, pipeline=pipeline)
    if name == "ray":
        from eventcoder.engines.rayengine import DEFAULT_SHARD_SIZE, RayEngine

        return RayEngine(workers=workers, address=address, shards_dir=shards_dir,
                         shard_size=shard_size or DEFAULT_SHARD_SIZE)
    raise ConfigError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")


__all__ = [
    "ENGINES", "Checkpoint", "Engine", "Item", "Job", "LocalEngine", "Skipped", "WorkerStats",
    "default_workers", "make_engine",
]
