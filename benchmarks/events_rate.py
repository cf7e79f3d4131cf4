"""Events per 1,000 sentences on local news (issue 15: actors with no country word).

    python benchmarks/events_rate.py [--corpus ../shared/eval/corpus/india_police_events.metadata.jsonl]
                                     [--limit 300] [--out events.jsonl]

Codes the first ``--limit`` stories of the IndiaPoliceEvents corpus (the throughput benchmark's
input) with the default pipeline and prints stories, sentences, events and events per 1,000
sentences, with the share of events whose source or target took the article's country
(``resolved_by`` mentions ``article-country``). ``--out`` writes one line per event (article,
sentence, source, target, codes, how each actor was resolved) for hand-checking; comparing two
such files shows which events are new.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eventcoder.ingest import IngestOptions, read_inputs
from eventcoder.pipeline import Pipeline
from eventcoder.records import Article

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "corpus" / "india_police_events.metadata.jsonl"


def _row(event: object, article: Article) -> dict[str, object]:
    e = event
    return {
        "article_id": article.id, "sentence": e.sentence, "trigger": e.trigger,  # type: ignore[attr-defined]
        "source": e.source.text, "source_code": e.source.actor.code,  # type: ignore[attr-defined]
        "source_how": e.source.resolved_by,  # type: ignore[attr-defined]
        "target": e.target.text if e.target else None,  # type: ignore[attr-defined]
        "target_code": e.target.actor.code if e.target else None,  # type: ignore[attr-defined]
        "target_how": e.target.resolved_by if e.target else None,  # type: ignore[attr-defined]
        "cameo": e.cameo.code, "plover": e.cameo.plover_type, "method": e.method,  # type: ignore[attr-defined]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--out", type=Path, help="write every event as JSON lines for hand-checking")
    args = parser.parse_args()
    options = IngestOptions(id_field="doc_id", text_field="full_text", require_english=False)
    articles = [a for a in read_inputs([str(args.corpus)], options) if isinstance(a, Article)][: args.limit]
    pipeline = Pipeline()
    sentences = events = fallback = 0
    rows = []
    for result in pipeline.code_articles(articles):
        sentences += result.sentences
        events += len(result.events)
        for e in result.events:
            how = f"{e.source.resolved_by} {e.target.resolved_by if e.target else ''}"
            fallback += "article-country" in how
            rows.append(_row(e, result.article))
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    rate = 1000 * events / sentences if sentences else 0.0
    print(f"{len(articles)} stories, {sentences} sentences, {events} events: {rate:.1f} events per 1,000 sentences; "
          f"{fallback} events with an actor given the article's country")


if __name__ == "__main__":
    main()
