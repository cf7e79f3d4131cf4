"""The dataset commands: link, export, series, countries, network, alerts.

Each handler opens the store, calls one library function and prints. Readers open the file
read-only, so several can run at once; ``link`` is a writer.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from eventcoder.cli.common import db_path, reader
from eventcoder.cli.options import add_common, add_network, add_period, dyad, filters, print_frame
from eventcoder.registry import EXPORT_FORMATS, LINK_METHODS


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the dataset commands to the main CLI."""
    _register_link(sub)
    _register_export(sub)
    _register_tables(sub)


def _register_link(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("link", help="link events that several articles report into one (incremental)")
    p.add_argument("--method", choices=LINK_METHODS,
                   help="one method (default: dyad, plus every method the store was linked with before)")
    p.add_argument("--window", type=int, help="days either side (default 1, or the last value used)")
    p.add_argument("--max-km", type=float, help="largest distance between two places of one event (default 100)")
    p.add_argument("--rebuild", action="store_true", help="relink every event from scratch")
    add_common(p, with_filters=False)
    p.set_defaults(handler=cmd_link)


def _register_export(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("export", help="write the events as Phoenix/ICEWS/GDELT/POLECAT/PLOVER/CSV/JSONL/Parquet")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--out", required=True, help="output file (- for stdout, not for parquet)")
    p.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                   help="force a header line on or off (default: the format's own convention)")
    p.add_argument("--corrections", action=argparse.BooleanOptionalAction, default=None,
                   help="apply analysts' corrections (events marked wrong left out) or export as coded "
                        "(default: as coded)")
    add_common(p)
    p.set_defaults(handler=cmd_export)


def _register_tables(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("series", help="dyad x period counts, Goldstein and PLOVER scores, quad/penta classes")
    p.add_argument("--dyad", type=dyad, help="two actors, e.g. IRN,SYR (default: every dyad)")
    p.add_argument("--undirected", action="store_true", help="merge both directions of a dyad")
    _add_series_flags(p, cmd_series)

    p = sub.add_parser("countries", help="country x period aggregates")
    p.add_argument("--only", action="append", metavar="ISO3", help="keep these countries")
    _add_series_flags(p, cmd_countries)

    p = sub.add_parser("network", help="actor network edges (per period), as GraphML or CSV")
    add_period(p, default=None)
    add_network(p)
    p.add_argument("--out", help="file ending .graphml or .csv (default: print the edges)")
    add_common(p)
    p.set_defaults(handler=cmd_network)

    p = sub.add_parser("alerts", help="periods where a country's or dyad's events surge above its baseline")
    p.add_argument("--unit", choices=("country", "dyad"), default="country")
    add_period(p, default="week")
    p.add_argument("--baseline", type=int, default=4, help="earlier periods the baseline averages (default 4)")
    p.add_argument("--threshold", type=float, default=2.0, help="score to flag (default 2.0)")
    p.add_argument("--min-count", type=int, default=3, help="fewest events to flag (default 3)")
    p.add_argument("--all", action="store_true", help="show every scored period, not only flagged ones")
    p.add_argument("--out", help="write CSV here instead of printing a table")
    add_common(p)
    p.set_defaults(handler=cmd_alerts)


def _add_series_flags(p: argparse.ArgumentParser, handler: Callable[[argparse.Namespace], int]) -> None:
    """What ``series`` and ``countries`` share: --no-fill, --out, --by, the store and filters."""
    p.add_argument("--no-fill", action="store_true", help="leave out periods without events")
    p.add_argument("--out", help="write CSV here instead of printing a table")
    add_period(p)
    add_common(p)
    p.set_defaults(handler=handler)


def cmd_link(args: argparse.Namespace) -> int:
    from eventcoder.link import link_store
    from eventcoder.store import EventStore

    with EventStore(db_path(args)) as store:
        summaries = link_store(store, method=args.method, window_days=args.window, max_km=args.max_km,
                               rebuild=args.rebuild)
    for summary in summaries:
        print(summary.line())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from eventcoder.export import export_events

    with reader(args) as store:
        summary = export_events(store, format=args.format, out=args.out, level=args.level,
                                method=args.method, filters=filters(args), header=args.header,
                                corrections=args.corrections)
    if args.out != "-":
        print(summary.line())
    return 0


def cmd_series(args: argparse.Namespace) -> int:
    from eventcoder.analysis import dyad_series

    with reader(args) as store:
        frame = dyad_series(store, dyad=args.dyad, by=args.by, directed=not args.undirected,
                            level=args.level, method=args.method, filters=filters(args), fill=not args.no_fill)
    print_frame(frame, args.out)
    return 0


def cmd_countries(args: argparse.Namespace) -> int:
    from eventcoder.analysis import country_series

    with reader(args) as store:
        frame = country_series(store, countries=[c.upper() for c in args.only or ()], by=args.by,
                               level=args.level, method=args.method, filters=filters(args),
                               fill=not args.no_fill)
    print_frame(frame, args.out)
    return 0


def cmd_network(args: argparse.Namespace) -> int:
    from eventcoder.analysis import actor_network, write_network

    with reader(args) as store:
        edges = actor_network(store, by=args.by, weight=args.weight, actors=args.actors,
                              level=args.level, method=args.method, filters=filters(args))
    if args.out:
        print(f"wrote {write_network(edges, args.out)} edges to {args.out}")
    else:
        print_frame(edges, None)
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from eventcoder.analysis import change_alerts

    with reader(args) as store:
        frame = change_alerts(store, unit=args.unit, by=args.by, baseline=args.baseline,
                              threshold=args.threshold, min_count=args.min_count, level=args.level,
                              method=args.method, filters=filters(args), flagged_only=not args.all)
    print_frame(frame, args.out)
    return 0
