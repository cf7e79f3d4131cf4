"""``eventcoder show`` (one article's events with their evidence) and ``eventcoder events`` (a list)."""

from __future__ import annotations

import argparse

from eventcoder.cli.common import settings_of


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    show = sub.add_parser("show", help="print an article's events with their evidence")
    show.add_argument("article_id", help="article id (a unique prefix is enough)")
    show.add_argument("--db", help="DuckDB file to read")
    show.set_defaults(handler=cmd_show)

    events = sub.add_parser("events", help="list stored events, newest articles first")
    events.add_argument("--db", help="DuckDB file to read")
    events.add_argument("--limit", type=int, default=20)
    events.set_defaults(handler=cmd_events)


def cmd_show(args: argparse.Namespace) -> int:
    from eventcoder.store import EventStore
    from eventcoder.store.queries import article_by_prefix

    settings = settings_of(args, db=args.db)
    with EventStore(settings.db, read_only=True) as store:
        article_id, article, events = article_by_prefix(store, args.article_id)
    print(f"{article_id}  {article.get('published')}  {article.get('headline') or ''}  [{article.get('origin')}]")
    for row in events:
        print(_event_block(row))
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    from eventcoder.store import EventStore

    settings = settings_of(args, db=args.db)
    with EventStore(settings.db, read_only=True) as store:
        for n, row in enumerate(store.iter_events(newest_first=True)):
            if n >= args.limit:
                break
            place = row.get("location_name") or "-"
            print(
                f"{row['event_date']}  {row.get('source_code') or '?':>10} → {row.get('target_code') or '-':<10} "
                f"CAMEO {row['cameo_code']:<5} {row.get('plover_type') or '-':<9} {place:<12} «{row.get('trigger')}»  "
                f"{str(row['article_id'])[:8]}/s{row['sentence_index']}"
            )
    return 0


def _event_block(row: dict) -> str:
    tgt = f"{row.get('target_code') or '-'} ({row.get('target_text') or ''})"
    loc = f"{row.get('location_name')} ({row.get('location_country')}) [{row.get('location_how')}]" if row.get("location_name") else "-"
    return "\n".join([
        f"\n- {row['event_id']}  {row.get('source_code')} → {row.get('target_code') or '-'}  CAMEO {row['cameo_code']} "
        f"{row.get('cameo_name')}  | PLOVER {row.get('plover_type') or '-'} {row.get('plover_mode') or ''} {row.get('plover_context') or ''}",
        f"  goldstein {row.get('goldstein')}  quad {row.get('quad_class')}  modality {row.get('modality')}  confidence {row.get('confidence')}",
        f"  date {row.get('event_date')} [{row.get('date_how')}]   place {loc}",
        f"  source: {row.get('source_text')}  [{row.get('source_resolved_by')}]",
        f"  target: {tgt}  [{row.get('target_resolved_by') or '-'}]",
        f"  trigger: «{row.get('trigger')}»  attribution: {row.get('attribution') or '-'}",
        f"  sentence {row.get('sentence_index')}: {row.get('sentence')}",
        f"  method: {row.get('method')}",
    ])
