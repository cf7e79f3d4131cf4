"""CLI: ``eventcoder serve`` (HTTP API + dashboard) and ``eventcoder corrections`` (export them).

Needs the ``server`` extra: ``pip install 'eventcoder[server]'``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from eventcoder.cli.common import settings_of
from eventcoder.errors import ConfigError, EventcoderError


def _settings(args: argparse.Namespace) -> Any:
    return settings_of(args, db=getattr(args, "db", None) or None)


def _token(var: str | None) -> str | None:
    if not var:
        return None
    value = os.environ.get(var)
    if not value or not value.strip():
        raise ConfigError(f"--token-env {var}: the environment variable {var} is not set (or empty)")
    return value.strip()


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from eventcoder.server import create_app
    except ImportError as exc:
        raise EventcoderError("serve needs the server extra: pip install 'eventcoder[server]'") from exc
    from eventcoder.server.guard import default_allowed_hosts
    from eventcoder.server.pages import warm_default_page
    from eventcoder.server.state import READER_NICE

    settings = _settings(args)
    token = _token(args.token_env)
    hosts = default_allowed_hosts(args.host, args.allowed_hosts)
    app = create_app(settings.db, token=token, settings=settings, allowed_hosts=hosts, reader_nice=READER_NICE)
    state = app.state.eventcoder
    # before listening (the first clients then find it; /health answers as soon as it listens),
    # in this thread at its own priority: nothing else runs yet
    print(f"eventcoder: {warm_default_page(state.store, state.cache)}", file=sys.stderr)
    mode = "read-write (bearer token required for writes)" if token else "read-only"
    print(f"eventcoder: serving {settings.db} {mode} at http://{args.host}:{args.port}/ "
          f"(API docs at /docs) for Host {', '.join(hosts)}; Ctrl-C stops", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log)
    return 0


def cmd_corrections(args: argparse.Namespace) -> int:
    from eventcoder.server.training import export_corrections

    settings = _settings(args)
    count = export_corrections(settings.db, kind=args.kind, out=args.out, history=args.history, model=settings.model)
    if args.out != "-":
        print(f"wrote {count} corrections as {args.kind} to {args.out}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="HTTP API and web dashboard over the store (extra [server])")
    serve.add_argument("--db", help="DuckDB store (default: eventcoder.duckdb, or EVENTCODER_DB)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--token-env", metavar="VAR",
                       help="environment variable holding the bearer token that allows writes "
                            "(POST /articles, corrections); without it the server is read-only")
    serve.add_argument("--allowed-hosts", action="append", metavar="NAME[,NAME...]",
                       help="host names the Host header may carry, any port (*.example.org for subdomains, "
                            "'*' for any); default on loopback: localhost, 127.0.0.1, ::1; required when "
                            "--host is not loopback (against DNS rebinding)")
    serve.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    serve.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
    serve.set_defaults(handler=cmd_serve)

    corr = sub.add_parser("corrections", help="export analysts' corrections as training data or dictionary lines")
    corr.add_argument("kind", choices=("training", "dictionary"),
                      help="training: JSON lines (sentence, marked source/target/trigger, corrected type); "
                           "dictionary: PETRARCH verb-pattern lines for --user-verbs")
    corr.add_argument("--out", default="-", help="file to write (default: stdout)")
    corr.add_argument("--history", action="store_true", help="every correction, not only those in force")
    corr.add_argument("--db", help="DuckDB store")
    corr.set_defaults(handler=cmd_corrections)
