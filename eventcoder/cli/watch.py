"""``eventcoder watch``: poll RSS/Atom feeds, code new article pages into the store (and link them)."""

from __future__ import annotations

import argparse
import sys

from eventcoder.cli.common import settings_of


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
    watch.set_defaults(handler=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    from eventcoder.watch import PollSummary, WatchOptions, parse_interval, watch_sources

    settings = settings_of(args, db=args.db, batch_size=args.batch_size)
    every = parse_interval(args.every)
    max_polls = 1 if args.once else args.max_polls

    def report(summary: PollSummary) -> None:
        if not args.quiet:
            print(summary.line(), file=sys.stderr, flush=True)

    polls = watch_sources(args.sources, settings=settings, every=every, max_polls=max_polls, report=report,
                          options=WatchOptions(timeout=args.timeout))
    return 1 if polls and all(p.feed_errors and not p.feeds for p in polls) else 0
