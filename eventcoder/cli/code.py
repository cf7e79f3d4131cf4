"""``eventcoder code``: code articles into the store (and link them), with the engine flags."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from typing import Any

from eventcoder.cli.common import settings_of
from eventcoder.engines.base import ENGINES


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    code = sub.add_parser("code", help="code articles (files, directories, globs, - for stdin) into the store")
    code.add_argument("paths", nargs="+", metavar="PATH")
    code.add_argument("--db", help="DuckDB file to write (default: eventcoder.duckdb)")
    code.add_argument("--out", help="also write the new events to this file (- for stdout)")
    code.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="format of --out")
    code.add_argument("--dictionaries", help="directory of PETRARCH-format dictionaries to use instead of the shipped set")
    code.add_argument("--user-verbs", help="extra verb dictionary file that adds to / overrides the shipped one")
    code.add_argument("--actors", metavar="FILES", help="extra actor files (PETRARCH format or CSV name,code[,start,end]; "
                      "several separated by commas), looked up before the shipped actors (setting user_actors)")
    code.add_argument("--batch-size", type=int, help="articles per spaCy batch")
    code.add_argument("--max-bytes", type=int, help="reject inputs larger than this")
    code.add_argument("--quiet", action="store_true", help="no progress display, summary only")
    add_engine_arguments(code)
    code.set_defaults(handler=cmd_code)


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """The engine flags of ``eventcoder code``: --engine, --workers, --address, --shards-dir."""
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="local: this machine's processes (default); ray: a Ray cluster (extra [distributed])")
    parser.add_argument("--workers", type=int,
                        help="worker processes (local, default 1) or Ray workers (default: every CPU); 0 = every CPU")
    parser.add_argument("--address", help="Ray cluster to join: auto, or HOST:PORT (default: start Ray locally)")
    parser.add_argument("--shards-dir", help="where the ray engine keeps per-shard Parquet results until stored "
                        "(default: DB.shards; on a cluster, storage every node can reach, e.g. s3://…)")


def engine_from_args(args: argparse.Namespace) -> Any:  # -> Engine
    """The engine the ``code`` flags ask for."""
    from eventcoder.engines import make_engine

    return make_engine(getattr(args, "engine", None) or "local", workers=getattr(args, "workers", None),
                       address=getattr(args, "address", None), shards_dir=getattr(args, "shards_dir", None))


def cmd_code(args: argparse.Namespace) -> int:
    from eventcoder.output import open_output
    from eventcoder.run import code_inputs, stderr_progress
    from eventcoder.store import EventStore

    settings = settings_of(
        args, db=args.db, dictionaries=args.dictionaries, user_verbs=args.user_verbs, user_actors=args.actors,
        batch_size=args.batch_size, max_bytes=args.max_bytes,
    )
    # bad settings (batch_size < 1…) were refused when Settings was built, before the store opens
    if settings.user_actors:  # so is an unreadable actor file (it names the file and line)
        from eventcoder.actors.userfiles import load_user_actors

        load_user_actors(settings.user_actors)
    out_ctx = open_output(args.out) if args.out else nullcontext(None)
    with engine_from_args(args) as engine, EventStore(settings.db) as store, out_ctx as out:
        note = getattr(engine, "note", None)  # e.g. fewer local workers than asked for
        if note:
            print(f"eventcoder: note: {note}", file=sys.stderr)
        summary = code_inputs(
            args.paths, settings=settings, store=store, out=out, out_format=args.format,
            progress=None if args.quiet else stderr_progress(), stdin=sys.stdin.buffer, engine=engine,
        )
        if sys.stderr.isatty() and not args.quiet:
            sys.stderr.write("\n")
        for line in summary.lines():  # the run, then the linking of its events
            print(line, file=sys.stderr)
        print(f"store: {settings.db} {store.counts()}", file=sys.stderr)
    return 1 if summary.rejections else 0
