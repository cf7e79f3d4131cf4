"""Command line: parse arguments, call one library function, map errors to exit codes.

Exit codes: 0 success; 1 the job ran but some inputs were rejected (or an evaluation failed);
2 usage or runtime error (a clear one-line message, no traceback).

One way to add a command: a module of this package has ``register(subparsers)``, which adds the
command's parser and sets its handler with ``set_defaults(handler=...)``; the module is listed
in ``COMMAND_MODULES`` (in the order ``eventcoder --help`` shows the commands). A handler takes
the parsed arguments, calls the library and prints; it returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType
from typing import Sequence

from eventcoder import __version__
from eventcoder.cli import browse, code, config, dataset, evaluate, plot, server, store, watch
from eventcoder.errors import EventcoderError

COMMAND_MODULES: tuple[ModuleType, ...] = (code, browse, evaluate, config, dataset, plot, store, watch, server)
"""Each adds its commands: code; show, events; eval; settings; link, export, series, countries,
network, alerts; plot; actors, db; watch; serve, corrections."""


def build_parser() -> argparse.ArgumentParser:
    """The ``eventcoder`` parser with every command of ``COMMAND_MODULES``."""
    p = argparse.ArgumentParser(prog="eventcoder", description="Code news articles into CAMEO + PLOVER events, offline.")
    p.add_argument("--version", action="version", version=f"eventcoder {__version__}")
    p.add_argument("--config", help="TOML settings file (see `eventcoder settings`)")
    sub = p.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except EventcoderError as exc:
        print(f"eventcoder: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("eventcoder: interrupted; run the same command again to finish (stored articles are skipped)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
