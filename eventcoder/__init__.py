"""eventcoder: news articles → political event data (CAMEO + PLOVER), offline.

Public API::

    from eventcoder import code_text, Pipeline
    events = code_text("Iran and Syria signed a military agreement on Wednesday.", published="2020-07-08")

    from eventcoder import EventStore, Settings, code_inputs, read_inputs
    with EventStore("events.duckdb") as store:
        summary = code_inputs(["examples/articles/"], settings=Settings(), store=store)

``import eventcoder`` stays light: the names that load spaCy (``Pipeline``, ``code_text``,
``code_inputs``), DuckDB (``EventStore``) or the input readers are imported on first use.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

from .errors import EventcoderError  # noqa: E402
from .records import Actor, Article, CameoInfo, Event, Location, Mention, Rejection, ResolvedDate  # noqa: E402
from .settings import Settings, load_settings  # noqa: E402

if TYPE_CHECKING:  # what the lazy names are, for type checkers
    from .ingest import IngestOptions, read_file, read_inputs, read_stream
    from .pipeline import ArticleResult, Pipeline, code_text
    from .run import RunSummary, code_inputs
    from .store import EventStore

logging.getLogger(__name__).addHandler(logging.NullHandler())

_LAZY: dict[str, str] = {  # name -> module it is imported from on first use
    "ArticleResult": ".pipeline", "Pipeline": ".pipeline", "code_text": ".pipeline",
    "RunSummary": ".run", "code_inputs": ".run",
    "EventStore": ".store",
    "IngestOptions": ".ingest", "read_file": ".ingest", "read_inputs": ".ingest", "read_stream": ".ingest",
}


def __getattr__(name: str) -> object:
    # Only on first use: the pipeline imports spaCy, the store DuckDB.
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Actor", "Article", "ArticleResult", "CameoInfo", "Event", "EventStore", "EventcoderError", "IngestOptions",
    "Location", "Mention", "Pipeline", "Rejection", "ResolvedDate", "RunSummary", "Settings", "code_inputs",
    "code_text", "load_settings", "read_file", "read_inputs", "read_stream", "__version__",
]
