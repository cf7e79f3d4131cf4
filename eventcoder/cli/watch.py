"""CLI commands for scale-out and streaming sources: ``watch`` (and the engine flags of ``code``)."""

from __future__ import annotations

import argparse
import sys

from .engines.base import ENGINES


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``eventcoder watch``."""
    watch = sub.add_parser(
        "watch", help="poll RSS/Atom feeds, fetch new article pages, code and store them",
        description="Poll feeds every --every; code each new entry's page once, across restarts.",
    )
    watch.add_argument("sources", nargs="+", metavar="SOURCE", help="feed URL (http/https) or feed file")
    watch.add_argument("--every", default="15m", help="time between polls: 30s, 15m, 1h, 1h30m (default 15m)")
    watch.add_argument("--db", help="DuckDB file to write (default: eventcoder.duckdb)")
    watch.add_argument("--once", action="store_true", help="poll once and exit (same as --max-polls 1)")
    watch.add_argument("--max-polls", type=int, help="stop after this many polls (default: run until interrupted)")
    watch.add_argument("--timeout", type=float, default=30.0, help="seconds per HTTP request (default 30)")
    watch.add_argument("--batch-size", type=int, help="articles per spaCy batch")
    watch.add_argument("--quiet", action="store_true", help="no line per poll")
    watch.set_defaults(func=cmd_watch)


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """The engine flags of ``eventcoder code``."""
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="local: this machine's processes (default); ray: a Ray cluster (extra [distributed])")
    parser.add_argument("--workers", type=int,
                        help="worker processes (local, default 1) or Ray workers (default: every CPU); 0 = every CPU")
    parser.add_argument("--address", help="Ray cluster to join: auto, or HOST:PORT (default: start Ray locally)")
    parser.add_argument("--shards-dir", help="where the ray engine keeps per-shard Parquet results until stored "
                        "(default: DB.shards; on a cluster, storage every node can reach, e.g. s3://…)")


def engine_from_args(args: argparse.Namespace):  # -> Engine
    """The engine the ``code`` flags ask for."""
    from .engines import make_engine

    return make_engine(getattr(args, "engine", None) or "local", workers=getattr(args, "workers", None),
                       address=getattr(args, "address", None), shards_dir=getattr(args, "shards_dir", None))


def cmd_watch(args: argparse.Namespace) -> int:
    from .settings import load_settings
    from .watch import WatchOptions, parse_interval, watch_sources

    settings = load_settings(args.config, **{k: v for k, v in {"db": args.db, "batch_size": args.batch_size}.items()
                                             if v is not None})
    every = parse_interval(args.every)
    max_polls = 1 if args.once else args.max_polls

    def report(summary) -> None:
        if not args.quiet:
            print(summary.line(), file=sys.stderr, flush=True)

    polls = watch_sources(args.sources, settings=settings, every=every, max_polls=max_polls, report=report,
                          options=WatchOptions(timeout=args.timeout))
    return 1 if polls and all(p.feed_errors and not p.feeds for p in polls) else 0
