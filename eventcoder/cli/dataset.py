"""CLI commands for the dataset: link, export, series, countries, network, alerts, plot, actors, db.

Each handler opens the store, calls one library function and prints. Readers open the file
read-only, so several can run at once; ``link`` is a writer.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from eventcoder.registry import DEFAULT_LINK_METHOD, LINK_METHODS


def _db_path(args: argparse.Namespace) -> str:
    from eventcoder.settings import load_settings

    extra = {"db": args.db} if args.db else {}
    return load_settings(getattr(args, "config", None), **extra).db


def _reader(args: argparse.Namespace) -> Any:
    from eventcoder.store import EventStore

    return EventStore.open_reader(_db_path(args))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return value


def _dyad(text: str) -> tuple[str, str]:
    parts = [p.strip().upper() for p in text.split(",") if p.strip()]
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"a dyad is two actors separated by a comma, e.g. IRN,SYR: {text!r}")
    return parts[0], parts[1]


def _filters(args: argparse.Namespace) -> Any:
    from eventcoder.store.datasets import EventFilter

    return EventFilter(
        since=args.since, until=args.until, countries=tuple(args.country or ()),
        actors=tuple(args.actor or ()), cameo=tuple(args.cameo or ()), roots=tuple(args.root or ()),
        quad_classes=tuple(args.quad or ()), penta_classes=tuple(args.penta or ()),
        plover_types=tuple(args.plover or ()), text=args.text,
    )


def _common(p: argparse.ArgumentParser, *, filters: bool = True) -> None:
    p.add_argument("--db", help="DuckDB store (default: eventcoder.duckdb, or EVENTCODER_DB)")
    if not filters:
        return
    p.add_argument("--level", choices=("linked", "article"), default="linked",
                   help="one row per real-world event (linked, default) or per article's event")
    p.add_argument("--method", choices=LINK_METHODS, default=DEFAULT_LINK_METHOD, help="which linking to use")
    g = p.add_argument_group("filters (repeat a flag for OR)")
    g.add_argument("--since", type=_date, help="first event date (YYYY-MM-DD)")
    g.add_argument("--until", type=_date, help="last event date (YYYY-MM-DD)")
    g.add_argument("--country", action="append", help="ISO3 of the source, target or place")
    g.add_argument("--actor", action="append", help="actor code prefix (IRNMIL) or exact name")
    g.add_argument("--cameo", action="append", help="CAMEO code prefix (11, 112)")
    g.add_argument("--root", action="append", help="CAMEO root code (01-20)")
    g.add_argument("--quad", action="append", type=int, choices=(1, 2, 3, 4), help="quad class")
    g.add_argument("--penta", action="append", type=int, choices=(0, 1, 2, 3, 4), help="penta class")
    g.add_argument("--plover", action="append", help="PLOVER event type (ACCUSE, ASSAULT, ...)")
    g.add_argument("--text", help="words in a reporting sentence or headline")


def _print_frame(frame: Any, out: str | None) -> None:
    if out:
        from eventcoder.output import open_output

        with open_output(out) as handle:
            frame.to_csv(handle, index=False, date_format="%Y-%m-%d")
        print(f"wrote {len(frame)} rows to {out}")
    elif frame.empty:
        print("no events match")
    else:
        print(frame.to_string(index=False, float_format=lambda x: f"{x:.3g}"))


# -- handlers -----------------------------------------------------------------------------------


def cmd_link(args: argparse.Namespace) -> int:
    from eventcoder.link import DEFAULT_METHOD, link_events, link_pending
    from eventcoder.store import EventStore

    with EventStore(_db_path(args)) as store:
        if args.method is None and args.window is None and args.max_km is None and not args.rebuild:
            summaries = link_pending(store)  # what a killed run left unlinked, for every method
        else:
            summaries = [link_events(store, method=args.method or DEFAULT_METHOD, window_days=args.window,
                                     max_km=args.max_km, rebuild=args.rebuild)]
    for summary in summaries:
        print(summary.line())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from eventcoder.export import export_events

    with _reader(args) as store:
        summary = export_events(store, format=args.format, out=args.out, level=args.level,
                                method=args.method, filters=_filters(args), header=args.header,
                                corrections=args.corrections)
    if args.out != "-":
        print(summary.line())
    return 0


def cmd_series(args: argparse.Namespace) -> int:
    from eventcoder.analysis import dyad_series

    with _reader(args) as store:
        frame = dyad_series(store, dyad=args.dyad, by=args.by, directed=not args.undirected,
                            level=args.level, method=args.method, filters=_filters(args), fill=not args.no_fill)
    _print_frame(frame, args.out)
    return 0


def cmd_countries(args: argparse.Namespace) -> int:
    from eventcoder.analysis import country_series

    with _reader(args) as store:
        frame = country_series(store, countries=[c.upper() for c in args.only or ()], by=args.by,
                               level=args.level, method=args.method, filters=_filters(args),
                               fill=not args.no_fill)
    _print_frame(frame, args.out)
    return 0


def cmd_network(args: argparse.Namespace) -> int:
    from eventcoder.analysis import actor_network, write_network

    with _reader(args) as store:
        edges = actor_network(store, by=args.by, weight=args.weight, actors=args.actors,
                              level=args.level, method=args.method, filters=_filters(args))
    if args.out:
        print(f"wrote {write_network(edges, args.out)} edges to {args.out}")
    else:
        _print_frame(edges, None)
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from eventcoder.analysis import change_alerts

    with _reader(args) as store:
        frame = change_alerts(store, unit=args.unit, by=args.by, baseline=args.baseline,
                              threshold=args.threshold, min_count=args.min_count, level=args.level,
                              method=args.method, filters=_filters(args), flagged_only=not args.all)
    _print_frame(frame, args.out)
    return 0


def cmd_plot_series(args: argparse.Namespace) -> int:
    from eventcoder.analysis import country_series, dyad_series
    from eventcoder.plots import plot_series

    with _reader(args) as store:
        if args.country_series:
            frame = country_series(store, countries=args.country_series, by=args.by, level=args.level,
                                   method=args.method, filters=_filters(args))
        else:
            frame = dyad_series(store, dyad=args.dyad, by=args.by, directed=not args.undirected,
                                level=args.level, method=args.method, filters=_filters(args))
    print(f"wrote {plot_series(frame, out=args.out, value=args.value, title=args.title)}")
    return 0


def cmd_plot_network(args: argparse.Namespace) -> int:
    from eventcoder.analysis import actor_network
    from eventcoder.plots import plot_network

    with _reader(args) as store:
        edges = actor_network(store, actors=args.actors, weight=args.weight, level=args.level,
                              method=args.method, filters=_filters(args))
    print(f"wrote {plot_network(edges, out=args.out, title=args.title, max_nodes=args.max_nodes)}")
    return 0


def cmd_actors(args: argparse.Namespace) -> int:
    from eventcoder.store.queries import actor_counts

    if args.unknown or args.stub:
        return _unknown_actors(args)
    with _reader(args) as store:
        rows = actor_counts(store, limit=args.limit)
    if args.json:
        import json

        print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return 0
    for r in rows:
        print(f"{r['roles']:6d}  {r['actor_key']:<24} {r['name'] or '':<32} {r['country'] or '':<4} {r['sectors'] or ''}")
    return 0


def _unknown_actors(args: argparse.Namespace) -> int:
    from eventcoder.actors.stub import write_stub
    from eventcoder.store.queries import unknown_actors

    with _reader(args) as store:
        rows = unknown_actors(store, min_count=args.min_count, limit=None if args.stub else args.limit)
        path = store.path
    if args.stub:
        print(f"wrote {write_stub(rows, args.stub, source=path)}: {len(rows)} unknown actor(s) "
              f"seen {args.min_count}+ times; fill in the [---] codes and load it with --actors")
        return 0
    if args.json:
        import json

        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        seen = f"{r.first_published or ''}..{r.last_published or ''}"
        example = " ".join((r.example_sentence or "").split())
        print(f"{r.count:6d}  {r.text[:32]:<32} {r.kind or '?':<6} {seen:<22} {example[:70]}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from eventcoder.store.queries import store_info

    with _reader(args) as store:
        for line in store_info(store):
            print(line)
    return 0


# -- parsers ------------------------------------------------------------------------------------


def _period_arg(p: argparse.ArgumentParser, default: str | None = "month") -> None:
    p.add_argument("--by", choices=("day", "week", "month", "year"), default=default, help="period")


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the dataset commands to the main CLI."""
    from eventcoder.export import FORMATS

    p = sub.add_parser("link", help="link events that several articles report into one (incremental)")
    p.add_argument("--method", choices=LINK_METHODS,
                   help="one method (default: dyad, plus every method the store was linked with before)")
    p.add_argument("--window", type=int, help="days either side (default 1, or the last value used)")
    p.add_argument("--max-km", type=float, help="largest distance between two places of one event (default 100)")
    p.add_argument("--rebuild", action="store_true", help="relink every event from scratch")
    _common(p, filters=False)
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("export", help="write the events as Phoenix/ICEWS/GDELT/POLECAT/PLOVER/CSV/JSONL/Parquet")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", required=True, help="output file (- for stdout, not for parquet)")
    p.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                   help="force a header line on or off (default: the format's own convention)")
    p.add_argument("--corrections", action=argparse.BooleanOptionalAction, default=None,
                   help="apply analysts' corrections (events marked wrong left out) or export as coded "
                        "(default: as coded)")
    _common(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("series", help="dyad x period counts, Goldstein and PLOVER scores, quad/penta classes")
    p.add_argument("--dyad", type=_dyad, help="two actors, e.g. IRN,SYR (default: every dyad)")
    p.add_argument("--undirected", action="store_true", help="merge both directions of a dyad")
    p.add_argument("--no-fill", action="store_true", help="leave out periods without events")
    p.add_argument("--out", help="write CSV here instead of printing a table")
    _period_arg(p)
    _common(p)
    p.set_defaults(func=cmd_series)

    p = sub.add_parser("countries", help="country x period aggregates")
    p.add_argument("--only", action="append", metavar="ISO3", help="keep these countries")
    p.add_argument("--no-fill", action="store_true", help="leave out periods without events")
    p.add_argument("--out", help="write CSV here instead of printing a table")
    _period_arg(p)
    _common(p)
    p.set_defaults(func=cmd_countries)

    p = sub.add_parser("network", help="actor network edges (per period), as GraphML or CSV")
    _period_arg(p, default=None)
    _network_args(p)
    p.add_argument("--out", help="file ending .graphml or .csv (default: print the edges)")
    _common(p)
    p.set_defaults(func=cmd_network)

    p = sub.add_parser("alerts", help="periods where a country's or dyad's events surge above its baseline")
    p.add_argument("--unit", choices=("country", "dyad"), default="country")
    _period_arg(p, default="week")
    p.add_argument("--baseline", type=int, default=4, help="earlier periods the baseline averages (default 4)")
    p.add_argument("--threshold", type=float, default=2.0, help="score to flag (default 2.0)")
    p.add_argument("--min-count", type=int, default=3, help="fewest events to flag (default 3)")
    p.add_argument("--all", action="store_true", help="show every scored period, not only flagged ones")
    p.add_argument("--out", help="write CSV here instead of printing a table")
    _common(p)
    p.set_defaults(func=cmd_alerts)

    _register_plot(sub)

    p = sub.add_parser("actors", help="actors with how often they take part in events; --unknown: names no dictionary knows")
    p.add_argument("--unknown", "--unresolved", dest="unknown", action="store_true",
                   help="named people and organisations that acted in events but resolved to nothing, with "
                        "counts, kind, first/last publication date and an example sentence")
    p.add_argument("--min-count", type=_positive, default=1, help="with --unknown: seen at least this often (default 1)")
    p.add_argument("--stub", metavar="FILE", help="write the unknown actors (all of them seen --min-count times) as a "
                   "PETRARCH actor dictionary with [---] codes to fill in; load it with `code --actors FILE`")
    p.add_argument("--limit", type=_positive, default=30)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _common(p, filters=False)
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("db", help="the store's schema version, table sizes, links and runs")
    _common(p, filters=False)
    p.set_defaults(func=cmd_db)


def _network_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weight", choices=("count", "goldstein"), default="count")
    p.add_argument("--actors", choices=("country", "code"), default="country",
                   help="nodes are countries (default) or full actor codes")


def _register_plot(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    plot = sub.add_parser("plot", help="plot a series or a network to PNG/SVG")
    kinds = plot.add_subparsers(dest="plot_kind", required=True)
    p = kinds.add_parser("series", help="a dyad (or country) series over time")
    p.add_argument("--dyad", type=_dyad, help="two actors, e.g. IRN,SYR (default: every dyad)")
    p.add_argument("--country-series", action="append", metavar="ISO3", help="plot countries instead of dyads")
    p.add_argument("--undirected", action="store_true")
    p.add_argument("--value", default="events",
                   help="events (default), mentions, goldstein_sum, goldstein_mean, plover_score_sum, "
                        "plover_score_mean, quad_1..4, penta_0..4, or quad (stacked quad classes)")
    p.add_argument("--title")
    p.add_argument("--out", required=True, help="file ending .png, .svg or .pdf")
    _period_arg(p)
    _common(p)
    p.set_defaults(func=cmd_plot_series)
    p = kinds.add_parser("network", help="the actor network")
    _network_args(p)
    p.add_argument("--max-nodes", type=int, default=40)
    p.add_argument("--title")
    p.add_argument("--out", required=True, help="file ending .png, .svg or .pdf")
    _common(p)
    p.set_defaults(func=cmd_plot_network)

