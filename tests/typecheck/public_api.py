"""Never run: type-checked by mypy with the package (``make typecheck``), so the public API stays
usable from typed code — ``eventcoder.Pipeline()`` callable, the lazy names typed as what they are."""

from __future__ import annotations

from datetime import date

import eventcoder
from eventcoder import Article, EventStore, Pipeline, Rejection, RunSummary, Settings, code_inputs, code_text, read_inputs


def use_the_public_api() -> None:
    pipeline: Pipeline = eventcoder.Pipeline(Settings(extractor="rules"))
    events: list[eventcoder.Event] = code_text("Iran and Syria signed an agreement.", published=date(2020, 7, 8),
                                               pipeline=pipeline)
    for result in pipeline.code_articles(a for a in read_inputs(["examples/articles/"]) if isinstance(a, Article)):
        events.extend(result.events)
    with EventStore(":memory:") as store:
        summary: RunSummary = code_inputs(["examples/articles/"], settings=eventcoder.load_settings(), store=store)
    first: Article | Rejection = next(eventcoder.read_inputs(["-"]))
    version: str = eventcoder.__version__
    print(summary.events, first, version, len(events))
