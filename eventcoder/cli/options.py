"""Options the dataset commands share: --db, --level, --method, the event filters, periods, tables."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from eventcoder.registry import DEFAULT_LINK_METHOD, LINK_METHODS


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return value


def dyad(text: str) -> tuple[str, str]:
    parts = [p.strip().upper() for p in text.split(",") if p.strip()]
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"a dyad is two actors separated by a comma, e.g. IRN,SYR: {text!r}")
    return parts[0], parts[1]


def filters(args: argparse.Namespace) -> Any:
    """The ``EventFilter`` the filter flags ask for."""
    from eventcoder.store.datasets import EventFilter

    return EventFilter(
        since=args.since, until=args.until, countries=tuple(args.country or ()),
        actors=tuple(args.actor or ()), cameo=tuple(args.cameo or ()), roots=tuple(args.root or ()),
        quad_classes=tuple(args.quad or ()), penta_classes=tuple(args.penta or ()),
        plover_types=tuple(args.plover or ()), text=args.text,
    )


def add_common(p: argparse.ArgumentParser, *, with_filters: bool = True) -> None:
    """--db, and (``with_filters``) --level, --method and the event filters."""
    p.add_argument("--db", help="DuckDB store (default: eventcoder.duckdb, or EVENTCODER_DB)")
    if not with_filters:
        return
    p.add_argument("--level", choices=("linked", "article"), default="linked",
                   help="one row per real-world event (linked, default) or per article's event")
    p.add_argument("--method", choices=LINK_METHODS, default=DEFAULT_LINK_METHOD, help="which linking to use")
    g = p.add_argument_group("filters (repeat a flag for OR)")
    g.add_argument("--since", type=iso_date, help="first event date (YYYY-MM-DD)")
    g.add_argument("--until", type=iso_date, help="last event date (YYYY-MM-DD)")
    g.add_argument("--country", action="append", help="ISO3 of the source, target or place")
    g.add_argument("--actor", action="append", help="actor code prefix (IRNMIL) or exact name")
    g.add_argument("--cameo", action="append", help="CAMEO code prefix (11, 112)")
    g.add_argument("--root", action="append", help="CAMEO root code (01-20)")
    g.add_argument("--quad", action="append", type=int, choices=(1, 2, 3, 4), help="quad class")
    g.add_argument("--penta", action="append", type=int, choices=(0, 1, 2, 3, 4), help="penta class")
    g.add_argument("--plover", action="append", help="PLOVER event type (ACCUSE, ASSAULT, ...)")
    g.add_argument("--text", help="words in a reporting sentence or headline")


def add_period(p: argparse.ArgumentParser, default: str | None = "month") -> None:
    p.add_argument("--by", choices=("day", "week", "month", "year"), default=default, help="period")


def add_network(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weight", choices=("count", "goldstein"), default="count")
    p.add_argument("--actors", choices=("country", "code"), default="country",
                   help="nodes are countries (default) or full actor codes")


def print_frame(frame: Any, out: str | None) -> None:
    """A DataFrame as CSV to ``out`` (- for stdout), or as a table."""
    if out:
        from eventcoder.output import open_output

        with open_output(out) as handle:
            frame.to_csv(handle, index=False, date_format="%Y-%m-%d")
        print(f"wrote {len(frame)} rows to {out}")
    elif frame.empty:
        print("no events match")
    else:
        print(frame.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
