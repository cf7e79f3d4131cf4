"""``eventcoder plot series|network``: a series or the actor network as PNG/SVG/PDF."""

from __future__ import annotations

import argparse

from eventcoder.cli.common import reader
from eventcoder.cli.options import add_common, add_network, add_period, dyad, filters


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    plot = sub.add_parser("plot", help="plot a series or a network to PNG/SVG")
    kinds = plot.add_subparsers(dest="plot_kind", required=True)
    p = kinds.add_parser("series", help="a dyad (or country) series over time")
    p.add_argument("--dyad", type=dyad, help="two actors, e.g. IRN,SYR (default: every dyad)")
    p.add_argument("--country-series", action="append", metavar="ISO3", help="plot countries instead of dyads")
    p.add_argument("--undirected", action="store_true")
    p.add_argument("--value", default="events",
                   help="events (default), mentions, goldstein_sum, goldstein_mean, plover_score_sum, "
                        "plover_score_mean, quad_1..4, penta_0..4, or quad (stacked quad classes)")
    p.add_argument("--title")
    p.add_argument("--out", required=True, help="file ending .png, .svg or .pdf")
    add_period(p)
    add_common(p)
    p.set_defaults(handler=cmd_plot_series)
    p = kinds.add_parser("network", help="the actor network")
    add_network(p)
    p.add_argument("--max-nodes", type=int, default=40)
    p.add_argument("--title")
    p.add_argument("--out", required=True, help="file ending .png, .svg or .pdf")
    add_common(p)
    p.set_defaults(handler=cmd_plot_network)


def cmd_plot_series(args: argparse.Namespace) -> int:
    from eventcoder.analysis import country_series, dyad_series
    from eventcoder.plots import plot_series

    with reader(args) as store:
        if args.country_series:
            frame = country_series(store, countries=args.country_series, by=args.by, level=args.level,
                                   method=args.method, filters=filters(args))
        else:
            frame = dyad_series(store, dyad=args.dyad, by=args.by, directed=not args.undirected,
                                level=args.level, method=args.method, filters=filters(args))
    print(f"wrote {plot_series(frame, out=args.out, value=args.value, title=args.title)}")
    return 0


def cmd_plot_network(args: argparse.Namespace) -> int:
    from eventcoder.analysis import actor_network
    from eventcoder.plots import plot_network

    with reader(args) as store:
        edges = actor_network(store, actors=args.actors, weight=args.weight, level=args.level,
                              method=args.method, filters=filters(args))
    print(f"wrote {plot_network(edges, out=args.out, title=args.title, max_nodes=args.max_nodes)}")
    return 0
