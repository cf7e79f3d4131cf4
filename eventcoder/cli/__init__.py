"""Command line: parse arguments, call one library function, map errors to exit codes.

Exit codes: 0 success; 1 the job ran but some inputs were rejected (or an evaluation failed);
2 usage or runtime error (a clear one-line message, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from . import __version__
from .errors import EventcoderError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="eventcoder", description="Code news articles into CAMEO + PLOVER events, offline.")
    p.add_argument("--version", action="version", version=f"eventcoder {__version__}")
    p.add_argument("--config", help="TOML settings file (see `eventcoder settings`)")
    sub = p.add_subparsers(dest="command", required=True)

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
    from .cli_scale import add_engine_arguments

    add_engine_arguments(code)  # --engine, --workers, --address, --shards-dir

    show = sub.add_parser("show", help="print an article's events with their evidence")
    show.add_argument("article_id", help="article id (a unique prefix is enough)")
    show.add_argument("--db", help="DuckDB file to read")

    events = sub.add_parser("events", help="list stored events, newest articles first")
    events.add_argument("--db", help="DuckDB file to read")
    events.add_argument("--limit", type=int, default=20)

    ev = sub.add_parser("eval", help="measure accuracy against gold data")
    ev_sub = ev.add_subparsers(dest="eval_kind", required=True)
    art = ev_sub.add_parser("article", help="score one article against a gold file shaped like seed/expected.json")
    art.add_argument("gold")
    art.add_argument("article")
    art.add_argument("--max-km", type=float, default=25.0, help="largest allowed distance to a gold place")
    arts = ev_sub.add_parser("articles", help="code article files and score them against article-level gold (gold.jsonl)")
    arts.add_argument("gold", help="gold.jsonl: one article per line (see ../shared/eval/articles/CONVENTIONS.md)")
    arts.add_argument("articles", nargs="+", metavar="ARTICLES", help="article files, directories or globs; id = file name without extension")
    arts.add_argument("--strict", action="store_true", help="ignore acceptable_alternatives")
    arts.add_argument("--details", action="store_true", help="list every match, miss, false positive and duplicate")
    arts.add_argument("--json", metavar="FILE", help="also write the full result as JSON to FILE")
    pet = ev_sub.add_parser("petrarch", help="code PETRARCH validation records (XML) from their raw text and score them")
    pet.add_argument("records", help="validation XML (PETRARCH or UniversalPetrarch layout)")
    pet.add_argument("--dictionaries", help="directory holding the dictionaries the records' <Environment> names")
    pet.add_argument("--min-pass", type=float, default=0.0, help="exit 1 unless the pass rate reaches this (0-1)")
    pet.add_argument("--show-failures", action="store_true", help="list every record that did not code exactly")
    pet.add_argument("--all-categories", action="store_true", help="ignore the <Include> list and score every record")
    from .cli_learned import add_plv_arguments

    add_plv_arguments(ev_sub.add_parser("plv", help="code a PLV-format TSV's marked pairs and score the PLOVER roots"))

    sub.add_parser("settings", help="list every setting with its default and meaning")
    for register in _command_groups():
        register(sub)
    return p


def _command_groups() -> list:
    """Other command modules add their subcommands here; each sets ``func`` on its parsers."""
    groups = []
    for name in COMMAND_MODULES:
        module = __import__(f"eventcoder.{name}", fromlist=["register"])
        groups.append(module.register)
    return groups


# Modules with a ``register(subparsers)`` function adding more commands (each parser calls
# ``set_defaults(func=handler)``; handlers take the argparse Namespace and return an exit code).
COMMAND_MODULES: tuple[str, ...] = ("cli_data", "cli_scale", "cli_server")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if getattr(args, "func", None) is not None:
            return int(args.func(args) or 0)
        from . import commands

        return int(getattr(commands, f"cmd_{args.command}")(args) or 0)
    except EventcoderError as exc:
        print(f"eventcoder: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("eventcoder: interrupted; run the same command again to finish (stored articles are skipped)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
