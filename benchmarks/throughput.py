"""Throughput of the full pipeline vs spaCy parsing alone, on the same texts, in one run.

    python benchmarks/throughput.py [--corpus ../shared/eval/corpus/india_police_events.metadata.jsonl] [--limit N]

Prints articles/s and sentences/s for (1) spaCy `nlp.pipe` alone and (2) the whole eventcoder
pipeline (parse + actors + relations + classify + modality + when + where + merge), and the ratio.
The two are measured alternately (parse, full, parse, full, …) so machine noise hits both.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from eventcoder.ingest import IngestOptions, read_inputs
from eventcoder.pipeline import Pipeline
from eventcoder.records import Article

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "corpus" / "india_police_events.metadata.jsonl"


def load_articles(path: Path, limit: int) -> list[Article]:
    items = read_inputs([str(path)], IngestOptions(id_field="doc_id", text_field="full_text", require_english=False))
    return [a for a in items if isinstance(a, Article)][:limit]


def time_parse(pipe: Pipeline, articles: list[Article]) -> tuple[float, int]:
    start = time.perf_counter()
    sentences = sum(len(list(doc.sents)) for doc in pipe.nlp.pipe([a.text for a in articles], batch_size=pipe.settings.batch_size))
    return time.perf_counter() - start, sentences


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
    args = ap.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"corpus not found: {args.corpus} (needs ../shared)")
    pipe = Pipeline()
    articles = load_articles(args.corpus, args.limit)
    time_parse(pipe, articles[:10])  # warm-up
    parse_s, full_s = [], []
    for _ in range(args.rounds):
        s, sentences = time_parse(pipe, articles)
        parse_s.append(s)
        f, _, events = time_full(pipe, articles)
        full_s.append(f)
    p, f = statistics.median(parse_s), statistics.median(full_s)
    n = len(articles)
    result = {
        "articles": n, "sentences": sentences, "events": events, "rounds": args.rounds,
        "parse_articles_per_s": round(n / p, 2), "parse_sentences_per_s": round(sentences / p, 1),
        "full_articles_per_s": round(n / f, 2), "full_sentences_per_s": round(sentences / f, 1),
        "ratio_full_to_parse": round(p / f, 3),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"corpus: {args.corpus.name}  articles: {n}  sentences: {sentences}  events: {events}  rounds: {args.rounds} (median)")
    print(f"{'':22}{'articles/s':>12}{'sentences/s':>14}")
    print(f"{'spaCy parse only':22}{result['parse_articles_per_s']:>12}{result['parse_sentences_per_s']:>14}")
    print(f"{'full pipeline':22}{result['full_articles_per_s']:>12}{result['full_sentences_per_s']:>14}")
    print(f"ratio full/parse: {result['ratio_full_to_parse']}")


if __name__ == "__main__":
    main()
