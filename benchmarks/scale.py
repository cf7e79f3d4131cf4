"""Scale-out benchmark: spaCy parse alone vs the full pipeline on 1 and 2 local processes vs Ray.

    python benchmarks/scale.py [--limit 200] [--rounds 1] [--shard-size 16] [--no-ray] [--json FILE]

On each corpus — ``../shared/eval/corpus/india_police_events.metadata.jsonl`` and the synthetic
stories in ``../shared/eval/synthetic/*.zip`` — the same articles are coded, one configuration
after the other in one run:

  parse only        spaCy ``nlp.pipe`` in this process (the ceiling for one core)
  local 1 process   the whole pipeline in this process on one core, as a worker runs it
                    (``parse_ahead = 0``, one ONNX Runtime thread): the per-core rate
  parse ahead       the same process as a single user runs it: spaCy parses the next articles
                    in a background thread (``parse_ahead``, the default), so it uses two cores
  local 2 processes the local engine with 2 worker processes (workers started before timing)
  ray 1 / 2 workers the Ray engine on a local Ray instance (``ray.init(num_cpus=2)``)

Ray figures are given twice: ``wall`` includes starting the worker actors (each loads spaCy and
the dictionaries); ``steady`` is articles over the span from the first shard's start to the last
shard's end, which is what a long run sees. Peak memory is each worker process's peak RSS.
The projection table divides 100,000 articles by the measured one-core rate times N cores times
the measured two-worker efficiency.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from eventcoder.engines import Job, LocalEngine
from eventcoder.engines.base import peak_rss_mb
from eventcoder.ingest import IngestOptions, read_inputs
from eventcoder.pipeline import ArticleResult, Pipeline
from eventcoder.records import Article
from eventcoder.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
INDIA = SHARED / "eval" / "corpus" / "india_police_events.metadata.jsonl"
SYNTHETIC_GLOB = "eval/synthetic/*.zip"
CORES = (1, 2, 4, 8, 16, 32, 64)


@dataclass
class Measure:
    name: str
    articles: int
    seconds: float
    events: int = 0
    peak_mb: list[float] = field(default_factory=list)
    steady_seconds: float | None = None

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def steady_rate(self) -> float:
        return self.articles / self.steady_seconds if self.steady_seconds else self.rate


def india_articles(limit: int) -> list[Article]:
    options = IngestOptions(id_field="doc_id", text_field="full_text", require_english=False)
    return [a for a in read_inputs([str(INDIA)], options) if isinstance(a, Article)][:limit]


def synthetic_articles(limit: int) -> list[Article]:
    """The LLM-written stories (no dates in the file: 2023-10-19, the day they were made)."""
    found: list[Article] = []
    for path in sorted(SHARED.glob(SYNTHETIC_GLOB)):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                with archive.open(name) as raw:
                    for n, row in enumerate(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")), start=1):
                        text = (row.get("text") or "").strip()
                        if len(text) >= 200:
                            found.append(Article(id=f"syn{len(found):05d}", headline="", text=text,
                                                 published=date(2023, 10, 19), origin=f"{path.name}:{n}"))
                        if len(found) >= limit:
                            return found
    return found


def as_jsonl(articles: list[Article], directory: Path, name: str) -> Path:
    """The articles as a JSON lines file the engines read (ids kept in ``id``)."""
    path = directory / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            out.write(json.dumps({"id": a.id, "title": a.headline, "text": a.text,
                                  "date": a.published_date.isoformat()}) + "\n")
    return path


def time_parse(pipe: Pipeline, articles: list[Article]) -> Measure:
    started = time.perf_counter()
    for _ in pipe.nlp.pipe([a.text for a in articles], batch_size=pipe.settings.batch_size):
        pass
    return Measure("parse only", len(articles), time.perf_counter() - started, peak_mb=[peak_rss_mb()])


def time_full(pipe: Pipeline, articles: list[Article], name: str = "local 1 process") -> Measure:
    started = time.perf_counter()
    events = sum(len(r.events) for r in pipe.code_articles(articles))
    return Measure(name, len(articles), time.perf_counter() - started, events, [peak_rss_mb()])


def _count(items) -> tuple[int, int]:
    articles = events = 0
    for item in items:
        if isinstance(item, ArticleResult):
            articles += 1
            events += len(item.events)
    return articles, events


def time_local(job: Job, workers: int) -> Measure:
    with LocalEngine(workers=workers) as engine:
        engine.start(job.settings)  # workers load their pipelines before the clock starts
        started = time.perf_counter()
        articles, events = _count(engine.run(job))
        seconds = time.perf_counter() - started
        peaks = [s.peak_rss_mb for s in engine.worker_stats()]
    return Measure(f"local {workers} processes", articles, seconds, events, peaks)


def time_ray(job: Job, workers: int, shard_size: int, spool: str) -> Measure:
    from eventcoder.engines.rayengine import RayEngine

    engine = RayEngine(workers=workers, shards_dir=spool, shard_size=shard_size)
    started = time.perf_counter()
    articles, events = _count(engine.run(job))
    seconds = time.perf_counter() - started
    rows = engine.shard_rows()
    span = max(r["ended"] for r in rows) - min(r["started"] for r in rows)
    peaks = [s.peak_rss_mb for s in engine.worker_stats()]
    return Measure(f"ray {workers} worker{'s' if workers > 1 else ''}", articles, seconds, events, peaks, span)


def run_corpus(name: str, articles: list[Article], pipe: Pipeline, args: argparse.Namespace, tmp: Path) -> list[Measure]:
    """Every configuration ``args.rounds`` times, alternating; the best round of each is kept
    (on a shared machine, interference only ever slows a round down)."""
    path = as_jsonl(articles, tmp, name)
    settings = Settings(batch_size=pipe.settings.batch_size)
    job = Job(paths=[str(path)], settings=settings, options=IngestOptions(require_english=False))
    loaded = [a for a in read_inputs([str(path)], job.options) if isinstance(a, Article)]
    time_parse(pipe, loaded[:10])  # warm-up
    best: dict[str, Measure] = {}
    for n in range(args.rounds):
        one_core = replace(pipe, settings=replace(pipe.settings, parse_ahead=0))
        measures = [time_parse(pipe, loaded), time_full(one_core, loaded), time_full(pipe, loaded, "parse ahead"),
                    time_local(job, 2)]
        if not args.no_ray:
            for workers in (1, 2):
                measures.append(time_ray(job, workers, args.shard_size, str(tmp / f"spool-{name}-{workers}-{n}")))
        for m in measures:
            if m.name not in best or m.steady_rate > best[m.name].steady_rate:
                best[m.name] = m
    return list(best.values())


def report(name: str, results: list[Measure]) -> dict[str, object]:
    by = {m.name: m for m in results}
    parse, one = by["parse only"], by["local 1 process"]
    print(f"\n== {name}: {one.articles} articles ==")
    print(f"{'':20}{'articles/s':>11}{'steady/s':>10}{'seconds':>9}{'events':>8}{'peak MB/worker':>16}")
    for m in results:
        steady = f"{m.steady_rate:10.2f}" if m.steady_seconds else f"{'':10}"
        peak = f"{max(m.peak_mb):.0f}" if m.peak_mb else "-"
        events = str(m.events) if m.name != "parse only" else "-"
        print(f"{m.name:20}{m.rate:11.2f}{steady}{m.seconds:9.1f}{events:>8}{peak:>16}")
    summary: dict[str, object] = {
        "corpus": name, "articles": one.articles,
        "rates": {m.name: round(m.rate, 3) for m in results},
        "steady_rates": {m.name: round(m.steady_rate, 3) for m in results if m.steady_seconds},
        "peak_mb": {m.name: round(max(m.peak_mb), 1) for m in results if m.peak_mb},
        "pipeline_over_parse": round(one.rate / parse.rate, 3),
        "parse_ahead_over_parse": round(by["parse ahead"].rate / parse.rate, 3),
        "local2_over_local1": round(by["local 2 processes"].rate / one.rate, 3),
    }
    print(f"full pipeline / parse only (1 core):    {summary['pipeline_over_parse']:.2f}   (target ≥ 0.70)")
    print(f"parse ahead / parse only (2 threads):   {summary['parse_ahead_over_parse']:.2f}")
    print(f"local 2 processes / 1 process:          {summary['local2_over_local1']:.2f}")
    if "ray 2 workers" in by:
        r1, r2 = by["ray 1 worker"], by["ray 2 workers"]
        summary["ray2_over_ray1_steady"] = round(r2.steady_rate / r1.steady_rate, 3)
        summary["ray2_over_ray1_wall"] = round(r2.rate / r1.rate, 3)
        print(f"ray 2 / 1 workers, steady:              {summary['ray2_over_ray1_steady']:.2f}   (target ≥ 1.70)")
        print(f"ray 2 / 1 workers, wall (with start-up): {summary['ray2_over_ray1_wall']:.2f}")
    return summary


def projection(summaries: list[dict[str, object]]) -> None:
    print("\n== hours per 100,000 articles on N cores (measured 1-core rate x N x 2-worker efficiency) ==")
    header = f"{'corpus':12}{'1-core/s':>9}{'eff.':>6}" + "".join(f"{n:>8}" for n in CORES)
    print(header)
    for s in summaries:
        rate = s["rates"]["local 1 process"]  # type: ignore[index]
        speedup = s.get("ray2_over_ray1_steady") or s["local2_over_local1"]
        efficiency = min(1.0, float(speedup) / 2)  # type: ignore[arg-type]
        hours = [100_000 / (rate * n * efficiency) / 3600 for n in CORES]
        print(f"{s['corpus']:12}{rate:9.2f}{efficiency:6.2f}" + "".join(f"{h:8.1f}" for h in hours))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=200, help="articles per corpus (default 200)")
    ap.add_argument("--shard-size", type=int, default=16, help="articles per Ray shard (default 16)")
    ap.add_argument("--batch-size", type=int, default=32, help="articles per nlp.pipe batch")
    ap.add_argument("--rounds", type=int, default=1, help="measure each configuration this many times; keep the best")
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    if not INDIA.exists():
        print(f"needs ../shared (not found: {INDIA})", file=sys.stderr)
        return 2
    corpora = {"india": india_articles(args.limit), "synthetic": synthetic_articles(args.limit)}
    if not args.no_ray:
        import logging

        import ray

        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    pipe = Pipeline(Settings(batch_size=args.batch_size, learned_threads=1))  # a worker's one pair-model thread
    summaries = []
    with tempfile.TemporaryDirectory(prefix="eventcoder-bench-") as tmp:
        for name, articles in corpora.items():
            summaries.append(report(name, run_corpus(name, articles, pipe, args, Path(tmp))))
    projection(summaries)
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
