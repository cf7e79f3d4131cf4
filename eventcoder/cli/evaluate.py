"""``eventcoder eval plv FILE.tsv [--coder dictionary|learned|combined]``: score a PLV-format file."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable, Sequence

from .learned.plv import PlvPair
from .registry import PLV_CODERS as CODERS

Coder = Callable[[Sequence[PlvPair]], list[str]]


def add_plv_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="PLV-format TSV (sentence, marked_sentence, source, target, gold_root, gold_penta)")
    parser.add_argument("--coder", choices=CODERS, default="combined", help="which coder to score (default combined)")
    parser.add_argument("--fallback", default="YIELD",
                        help="dictionary coder's answer when nothing codes (default YIELD, PLV_train's most frequent class)")
    parser.add_argument("--end-to-end", action="store_true",
                        help="code each raw sentence (tags stripped) with the whole Pipeline and report how often "
                             "the marked (source, target, root) is found")
    parser.add_argument("--limit", type=int, help="score only the first N rows (after --ids)")
    parser.add_argument("--ids", metavar="FILE", help="score only these 0-based row indexes (whitespace/comma separated)")
    parser.add_argument("--published", default="2020-01-01",
                        help="with --end-to-end: publication date of every sentence (default 2020-01-01)")
    parser.set_defaults(func=cmd_eval_plv)


def load_coder(name: str, *, fallback: str = "YIELD") -> Coder:
    """A function from pairs to predicted PLV roots, with its models loaded."""
    if name == "dictionary":
        from .learned.dictionary_pairs import DictionaryPairCoder

        model = DictionaryPairCoder.load()
        return lambda pairs: [c.root or fallback for c in model.code(pairs)]
    if name == "learned":
        from .learned.pair_model import PairModel

        pair_model = PairModel.load()

        def learned(pairs: Sequence[PlvPair]) -> list[str]:
            return [pair_model.labels[i] for i in pair_model.logits([p.marked_sentence for p in pairs]).argmax(1)]

        return learned
    from .learned.combine import CombinedCoder
    from .learned.dictionary_pairs import DictionaryPairCoder

    dictionary = DictionaryPairCoder.load()
    combined = CombinedCoder.load()

    def both(pairs: Sequence[PlvPair]) -> list[str]:
        codings = dictionary.code(pairs)
        decisions = combined.decide([p.marked_sentence for p in pairs], [c.root for c in codings], [c.cameo for c in codings])
        return [d.root for d in decisions]

    return both


def cmd_eval_plv(args: argparse.Namespace) -> int:
    from .learned.metrics import format_scores, score
    from .learned.plv import read_plv

    from .eval_plv_e2e import read_row_ids, select_rows

    pairs = select_rows(read_plv(args.file), read_row_ids(args.ids) if args.ids else None, args.limit)
    if not pairs:
        print(f"{args.file}: no rows")
        return 1
    if args.end_to_end:
        return _end_to_end(args, pairs)
    coder = load_coder(args.coder, fallback=args.fallback)
    started = time.perf_counter()  # coding only, model loading excluded
    predicted = coder(pairs)
    elapsed = time.perf_counter() - started
    scores = score([p.gold_root for p in pairs], predicted, gold_penta=[p.gold_penta for p in pairs])
    speed = len(pairs) / elapsed if elapsed > 0 else float("inf")
    print(format_scores(scores, title=f"{args.file} — {args.coder} coder", pairs_per_second=speed))
    gold = {p.gold_root for p in pairs}
    unknown = Counter(p for p in predicted if p not in gold)
    if unknown:
        print("predicted classes absent from gold: " + ", ".join(f"{k} {v}" for k, v in unknown.most_common()))
    return 0


def _end_to_end(args: argparse.Namespace, pairs: Sequence[PlvPair]) -> int:
    from datetime import date

    from .errors import ConfigError
    from .eval_plv_e2e import end_to_end, format_e2e
    from .pipeline import Pipeline
    from .settings import load_settings

    if args.coder == "learned":
        raise ConfigError("--end-to-end codes with the Pipeline: use --coder combined (default) or dictionary")
    try:
        published = date.fromisoformat(args.published)
    except ValueError as exc:
        raise ConfigError(f"--published {args.published!r} is not an ISO date (YYYY-MM-DD)") from exc
    pipeline = Pipeline(load_settings(args.config, coder=args.coder))
    score = end_to_end(pairs, pipeline, published=published)
    print(format_e2e(score, title=f"{args.file} — {args.coder} coder"))
    return 0
