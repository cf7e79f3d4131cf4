"""One function per CLI command; each calls the library and prints. No logic lives here."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext

from .settings import Settings, load_settings


def _settings(args: argparse.Namespace, **extra: object) -> Settings:
    return load_settings(args.config, **{k: v for k, v in extra.items() if v is not None})


def cmd_code(args: argparse.Namespace) -> int:
    from .output import open_output
    from .run import code_inputs, stderr_progress
    from .store import EventStore

    settings = _settings(
        args, db=args.db, dictionaries=args.dictionaries, user_verbs=args.user_verbs, user_actors=args.actors,
        batch_size=args.batch_size, max_bytes=args.max_bytes,
    )
    # bad settings (batch_size < 1…) were refused when Settings was built, before the store opens
    if settings.user_actors:  # so is an unreadable actor file (it names the file and line)
        from .actors.userfiles import load_user_actors

        load_user_actors(settings.user_actors)
    out_ctx = open_output(args.out) if args.out else nullcontext(None)
    from .cli_scale import engine_from_args

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


def cmd_show(args: argparse.Namespace) -> int:
    from .errors import EventcoderError
    from .store import EventStore

    settings = _settings(args, db=args.db)
    with EventStore(settings.db, read_only=True) as store:
        ids = store.find_articles(args.article_id)
        if not ids:
            raise EventcoderError(f"no article with id {args.article_id!r} in {settings.db}")
        if len(ids) > 1:
            raise EventcoderError(f"id prefix {args.article_id!r} is ambiguous: {', '.join(ids[:5])}")
        article = store.article(ids[0]) or {}
        print(f"{ids[0]}  {article.get('published')}  {article.get('headline') or ''}  [{article.get('origin')}]")
        for row in store.events_for_article(ids[0]):
            print(_event_block(row))
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    from .store import EventStore

    settings = _settings(args, db=args.db)
    with EventStore(settings.db, read_only=True) as store:
        for n, row in enumerate(store.iter_events(newest_first=True)):
            if n >= args.limit:
                break
            place = row.get("location_name") or "-"
            print(
                f"{row['event_date']}  {row.get('source_code') or '?':>10} → {row.get('target_code') or '-':<10} "
                f"CAMEO {row['cameo_code']:<5} {row.get('plover_type') or '-':<9} {place:<12} «{row.get('trigger')}»  "
                f"{row['article_id'][:8]}/s{row['sentence_index']}"
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


def cmd_eval(args: argparse.Namespace) -> int:
    from .errors import EventcoderError
    from .evaluate import load_gold, report_lines, score_article
    from .ingest import IngestOptions, read_inputs
    from .pipeline import Pipeline
    from .records import Rejection

    if args.eval_kind == "petrarch":
        return _eval_petrarch(args)
    if args.eval_kind == "articles":
        return _eval_articles(args)
    gold = load_gold(args.gold)
    items = list(read_inputs([args.article], IngestOptions()))
    articles = [i for i in items if not isinstance(i, Rejection)]
    if not articles:
        reasons = "; ".join(f"{r.reason} {r.detail}" for r in items if isinstance(r, Rejection))
        raise EventcoderError(f"{args.article}: no article could be read ({reasons})")
    pipeline = Pipeline(_settings(args))
    result = pipeline.code_article(articles[0])
    if result.rejection is not None:
        raise EventcoderError(f"{args.article}: {result.rejection.stage}: {result.rejection.detail}")
    score = score_article(result.events, gold, pipeline.gazetteer, max_km=args.max_km)  # type: ignore[arg-type]
    for line in report_lines(score):
        print(line)
    return 0 if score.passed else 1


def _eval_articles(args: argparse.Namespace) -> int:
    import json

    from .eval_articles import (
        SentenceActors, code_article_files, format_report, load_article_gold, score_articles, score_to_dict,
    )
    from .pipeline import Pipeline
    from .records import Rejection

    gold = load_article_gold(args.gold)
    rejections: list[Rejection] = []
    actors: dict[str, list[SentenceActors]] = {}
    coded = code_article_files(args.articles, Pipeline(_settings(args)), rejections=rejections, actors=actors)
    for r in rejections:
        print(f"not coded: {r.origin}: {r.stage}: {r.reason} {r.detail}".rstrip(), file=sys.stderr)
    score = score_articles(gold, {key: events for key, (_, events) in coded.items()}, strict=args.strict, actors=actors)
    print(format_report(score, details=args.details))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(score_to_dict(score), handle, ensure_ascii=False, indent=1)
            handle.write("\n")
    return 0


def _eval_petrarch(args: argparse.Namespace) -> int:
    from .petrarch.runner import code_records, petrarch_pipeline
    from .petrarch.validation import pass_rate, read_records, report_lines

    env, records = read_records(args.records)
    if env.include and not args.all_categories:
        records = [r for r in records if r.category in env.include]
    pipeline = petrarch_pipeline(env, dictionaries=args.dictionaries)
    results = list(code_records(records, pipeline))
    for line in report_lines(results, show_failures=args.show_failures):
        print(line)
    return 0 if pass_rate(results) >= args.min_pass else 1


def cmd_settings(args: argparse.Namespace) -> int:
    current = _settings(args)
    for name, default, doc in Settings.describe():
        print(f"{name:20} {getattr(current, name)!r:28} {doc}")
        if getattr(current, name) != default:
            print(f"{'':20} (default {default!r})")
    return 0
