"""``eventcoder eval article|articles|petrarch|plv``: measure accuracy against gold data."""

from __future__ import annotations

import argparse
import sys

from eventcoder.cli.common import settings_of
from eventcoder.registry import PLV_CODERS


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    ev = sub.add_parser("eval", help="measure accuracy against gold data")
    ev_sub = ev.add_subparsers(dest="eval_kind", required=True)
    art = ev_sub.add_parser("article", help="score one article against a gold file shaped like seed/expected.json")
    art.add_argument("gold")
    art.add_argument("article")
    art.add_argument("--max-km", type=float, default=25.0, help="largest allowed distance to a gold place")
    art.set_defaults(handler=cmd_eval_article)
    arts = ev_sub.add_parser("articles", help="code article files and score them against article-level gold (gold.jsonl)")
    arts.add_argument("gold", help="gold.jsonl: one article per line (see ../shared/eval/articles/CONVENTIONS.md)")
    arts.add_argument("articles", nargs="+", metavar="ARTICLES", help="article files, directories or globs; id = file name without extension")
    arts.add_argument("--strict", action="store_true", help="ignore acceptable_alternatives")
    arts.add_argument("--details", action="store_true", help="list every match, miss, false positive and duplicate")
    arts.add_argument("--json", metavar="FILE", help="also write the full result as JSON to FILE")
    arts.set_defaults(handler=cmd_eval_articles)
    pet = ev_sub.add_parser("petrarch", help="code PETRARCH validation records (XML) from their raw text and score them")
    pet.add_argument("records", help="validation XML (PETRARCH or UniversalPetrarch layout)")
    pet.add_argument("--dictionaries", help="directory holding the dictionaries the records' <Environment> names")
    pet.add_argument("--min-pass", type=float, default=0.0, help="exit 1 unless the pass rate reaches this (0-1)")
    pet.add_argument("--show-failures", action="store_true", help="list every record that did not code exactly")
    pet.add_argument("--all-categories", action="store_true", help="ignore the <Include> list and score every record")
    pet.set_defaults(handler=cmd_eval_petrarch)
    add_plv_arguments(ev_sub.add_parser("plv", help="code a PLV-format TSV's marked pairs and score the PLOVER roots"))


def add_plv_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="PLV-format TSV (sentence, marked_sentence, source, target, gold_root, gold_penta)")
    parser.add_argument("--coder", choices=PLV_CODERS, default="combined", help="which coder to score (default combined)")
    parser.add_argument("--fallback", default="YIELD",
                        help="dictionary coder's answer when nothing codes (default YIELD, PLV_train's most frequent class)")
    parser.add_argument("--end-to-end", action="store_true",
                        help="code each raw sentence (tags stripped) with the whole Pipeline and report how often "
                             "the marked (source, target, root) is found")
    parser.add_argument("--limit", type=int, help="score only the first N rows (after --ids)")
    parser.add_argument("--ids", metavar="FILE", help="score only these 0-based row indexes (whitespace/comma separated)")
    parser.add_argument("--fold-models", metavar="DIR",
                        help="with --end-to-end: cross-validate — code each fold's rows with the pair model of "
                             "DIR/fold-K, which never saw them (made by scripts/train_classifier.py --fold-models DIR)")
    parser.add_argument("--published", metavar="YYYY-MM-DD",
                        help="with --end-to-end: publication date of every sentence, for office-holders' terms and the "
                             "background rule (default: PLV has no dates, so the sentences are coded undated — setting "
                             "undated — with relative dates resolved against 2020-01-01)")
    parser.set_defaults(handler=cmd_eval_plv)


def cmd_eval_article(args: argparse.Namespace) -> int:
    from eventcoder.evaluate import evaluate_article_file, report_lines

    score = evaluate_article_file(args.gold, args.article, settings=settings_of(args), max_km=args.max_km)
    for line in report_lines(score):
        print(line)
    return 0 if score.passed else 1


def cmd_eval_articles(args: argparse.Namespace) -> int:
    import json

    from eventcoder.eval_articles import evaluate_article_files, format_report, score_to_dict
    from eventcoder.records import Rejection

    rejections: list[Rejection] = []
    score = evaluate_article_files(args.gold, args.articles, settings=settings_of(args), strict=args.strict,
                                   rejections=rejections)
    for r in rejections:
        print(f"not coded: {r.origin}: {r.stage}: {r.reason} {r.detail}".rstrip(), file=sys.stderr)
    print(format_report(score, details=args.details))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(score_to_dict(score), handle, ensure_ascii=False, indent=1)
            handle.write("\n")
    return 0


def cmd_eval_petrarch(args: argparse.Namespace) -> int:
    from eventcoder.petrarch.validation import evaluate_records, pass_rate, report_lines

    results = evaluate_records(args.records, dictionaries=args.dictionaries, all_categories=args.all_categories)
    for line in report_lines(results, show_failures=args.show_failures):
        print(line)
    return 0 if pass_rate(results) >= args.min_pass else 1


def cmd_eval_plv(args: argparse.Namespace) -> int:
    from eventcoder.errors import ConfigError
    from eventcoder.eval_plv_e2e import format_e2e, read_row_ids, select_rows
    from eventcoder.learned.coders import score_plv, score_plv_end_to_end
    from eventcoder.learned.metrics import format_scores
    from eventcoder.learned.plv import read_plv

    if args.fold_models and (args.ids or args.limit or not args.end_to_end):
        raise ConfigError("--fold-models goes with --end-to-end on the whole file the folds were drawn from (no --ids or --limit)")
    pairs = select_rows(read_plv(args.file), read_row_ids(args.ids) if args.ids else None, args.limit)
    if not pairs:
        print(f"{args.file}: no rows")
        return 1
    if args.end_to_end:
        e2e = score_plv_end_to_end(pairs, coder=args.coder, published=args.published, settings=settings_of(args),
                                   fold_models=args.fold_models)
        how = f"{args.coder} coder" + (f", pair model (and gate, where the fold has one) of each fold's CV model in {args.fold_models}" if args.fold_models else "")
        print(format_e2e(e2e, title=f"{args.file} — {how}"))
        return 0
    result = score_plv(pairs, coder=args.coder, fallback=args.fallback)
    print(format_scores(result.scores, title=f"{args.file} — {args.coder} coder", pairs_per_second=result.pairs_per_second))
    if result.unknown:
        print("predicted classes absent from gold: " + ", ".join(f"{k} {v}" for k, v in result.unknown.most_common()))
    return 0
