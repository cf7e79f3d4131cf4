"""``eventcoder actors`` (who acts in the events; names no dictionary knows) and ``eventcoder db``."""

from __future__ import annotations

import argparse
import json

from eventcoder.cli.common import reader
from eventcoder.cli.options import add_common, positive


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("actors", help="actors with how often they take part in events; --unknown: names no dictionary knows")
    p.add_argument("--unknown", "--unresolved", dest="unknown", action="store_true",
                   help="named people and organisations that acted in events but resolved to nothing, with "
                        "counts, kind, first/last publication date and an example sentence")
    p.add_argument("--min-count", type=positive, default=1, help="with --unknown: seen at least this often (default 1)")
    p.add_argument("--stub", metavar="FILE", help="write the unknown actors (all of them seen --min-count times) as a "
                   "PETRARCH actor dictionary with [---] codes to fill in; load it with `code --actors FILE`")
    p.add_argument("--limit", type=positive, default=30)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_common(p, with_filters=False)
    p.set_defaults(handler=cmd_actors)

    p = sub.add_parser("db", help="the store's schema version, table sizes, links and runs")
    add_common(p, with_filters=False)
    p.set_defaults(handler=cmd_db)


def cmd_actors(args: argparse.Namespace) -> int:
    from eventcoder.store.queries import actor_counts

    if args.unknown or args.stub:
        return _unknown_actors(args)
    with reader(args) as store:
        rows = actor_counts(store, limit=args.limit)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return 0
    for r in rows:
        print(f"{r['roles']:6d}  {r['actor_key']:<24} {r['name'] or '':<32} {r['country'] or '':<4} {r['sectors'] or ''}")
    return 0


def _unknown_actors(args: argparse.Namespace) -> int:
    from eventcoder.actors.stub import write_stub
    from eventcoder.store.queries import unknown_actors

    with reader(args) as store:
        rows = unknown_actors(store, min_count=args.min_count, limit=None if args.stub else args.limit)
        path = store.path
    if args.stub:
        print(f"wrote {write_stub(rows, args.stub, source=path)}: {len(rows)} unknown actor(s) "
              f"seen {args.min_count}+ times; fill in the [---] codes and load it with --actors")
        return 0
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        seen = f"{r.first_published or ''}..{r.last_published or ''}"
        example = " ".join((r.example_sentence or "").split())
        print(f"{r.count:6d}  {r.text[:32]:<32} {r.kind or '?':<6} {seen:<22} {example[:70]}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from eventcoder.store.queries import store_info

    with reader(args) as store:
        for line in store_info(store):
            print(line)
    return 0
