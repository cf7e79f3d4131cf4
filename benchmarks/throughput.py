"""Throughput of the full pipeline vs spaCy parsing alone, on the same texts, in one run.

    python benchmarks/throughput.py [--corpus ../shared/eval/corpus/india_police_events.metadata.jsonl] [--limit N]

Prints articles/s and sentences/s for (1) spaCy `nlp.pipe` alone and (2) the whole eventcoder
pipeline (parse + actors + relations + classify + modality + when + where + merge), and the ratio.
The two are measured alternately (parse, full, parse, full, …) so machine noise hits both. The
pipeline parses ahead in a background thread by default (setting ``parse_ahead``); ``--inline``
also measures it with everything in the calling thread (``parse_ahead = 0``, the pair model on
ONNX Runtime's default threads), in the same rounds. CPU seconds (the process's user + system
time) and the process's peak resident memory are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

from eventcoder.engines.base import peak_rss_mb
from eventcoder.ingest import IngestOptions, read_inputs
from eventcoder.pipeline import Pipeline
from eventcoder.records import Article
from eventcoder.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "corpus" / "india_police_events.metadata.jsonl"


def load_articles(path: Path, limit: int) -> list[Article]:
    items = read_inputs([str(path)], IngestOptions(id_field="doc_id", text_field="full_text", require_english=False))
    return [a for a in items if isinstance(a, Article)][:limit]


def time_parse(pipe: Pipeline, articles: list[Article]) -> tuple[float, int]:
    start = time.perf_counter()
    sentences = sum(len(list(doc.sents)) for doc in pipe.nlp.pipe([a.text for a in articles], batch_size=pipe.settings.batch_size))
    return time.perf_counter() - start, sentences


def with_cpu(run: Callable[..., T], *args: Any) -> tuple[T, float]:
    """``run(*args)`` and the CPU seconds (user + system, all threads) the process spent on it."""
    before = os.times()
    out = run(*args)
    after = os.times()
    return out, (after.user + after.system) - (before.user + before.system)


def time_full(pipe: Pipeline, articles: list[Article]) -> tuple[float, int, int]:
    start = time.perf_counter()
    sentences = events = 0
    for result in pipe.code_articles(articles):
        sentences += result.sentences
        events += len(result.events)
    return time.perf_counter() - start, sentences, events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=400, help="articles to use (default 400)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds (median reported)")
    ap.add_argument("--json", action="store_true", help="print one JSON line instead of the table")
    ap.add_argument("--inline", action="store_true", help="also measure the pipeline with parse_ahead = 0")
    args = ap.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"corpus not found: {args.corpus} (needs ../shared)")
    pipe = Pipeline()
    inline = Pipeline(Settings(parse_ahead=0)) if args.inline else None
    articles = load_articles(args.corpus, args.limit)
    time_parse(pipe, articles[:10])  # warm-up
    parse_s, parse_cpu, full_s, full_cpu, inline_s, inline_cpu = [], [], [], [], [], []
    for _ in range(args.rounds):
        (s, sentences), cpu = with_cpu(time_parse, pipe, articles)
        parse_s.append(s)
        parse_cpu.append(cpu)
        (f, _, events), cpu = with_cpu(time_full, pipe, articles)
        full_s.append(f)
        full_cpu.append(cpu)
        if inline is not None:
            (f, _, inline_events), cpu = with_cpu(time_full, inline, articles)
            inline_s.append(f)
            inline_cpu.append(cpu)
            assert inline_events == events, "the background parse changed the events"
    p, f = statistics.median(parse_s), statistics.median(full_s)
    n = len(articles)
    result = {
        "articles": n, "sentences": sentences, "events": events, "rounds": args.rounds,
        "parse_articles_per_s": round(n / p, 2), "parse_sentences_per_s": round(sentences / p, 1),
        "full_articles_per_s": round(n / f, 2), "full_sentences_per_s": round(sentences / f, 1),
        "ratio_full_to_parse": round(p / f, 3), "parse_cpu_s": round(statistics.median(parse_cpu), 1), "full_cpu_s": round(statistics.median(full_cpu), 1),
        "peak_mb": round(peak_rss_mb()),
    }
    if inline_s:
        i = statistics.median(inline_s)
        result |= {"inline_articles_per_s": round(n / i, 2), "ratio_inline_to_parse": round(p / i, 3),
                   "inline_cpu_s": round(statistics.median(inline_cpu), 1)}
    if args.json:
        print(json.dumps(result))
        return
    print(f"corpus: {args.corpus.name}  articles: {n}  sentences: {sentences}  events: {events}  rounds: {args.rounds} (median)")
    print(f"{'':22}{'articles/s':>12}{'sentences/s':>14}")
    print(f"{'spaCy parse only':22}{result['parse_articles_per_s']:>12}{result['parse_sentences_per_s']:>14}")
    print(f"{'full pipeline':22}{result['full_articles_per_s']:>12}{result['full_sentences_per_s']:>14}")
    if inline_s:
        print(f"{'full, one thread':22}{result['inline_articles_per_s']:>12}")
    print(f"ratio full/parse: {result['ratio_full_to_parse']}  (CPU seconds: parse {result['parse_cpu_s']}, full {result['full_cpu_s']})")
    if inline_s:
        print(f"ratio full in one thread/parse: {result['ratio_inline_to_parse']}  (CPU seconds: {result['inline_cpu_s']})")
    print(f"peak memory of this process: {result['peak_mb']} MB" + (" (two pipelines loaded)" if inline_s else ""))


if __name__ == "__main__":
    main()
