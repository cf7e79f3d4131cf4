"""eventcoder: news articles → political event data (CAMEO + PLOVER), offline.

Public API::

    from eventcoder import code_text, Pipeline
    events = code_text("Iran and Syria signed a military agreement on Wednesday.", published="2020-07-08")
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

from .errors import EventcoderError  # noqa: E402
from .records import Actor, Article, CameoInfo, Event, Location, Mention, Rejection, ResolvedDate  # noqa: E402

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> object:
    # Pipeline and code_text import spaCy; load them only when asked for.
    if name in {"Pipeline", "code_text", "ArticleResult"}:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)


__all__ = [
    "Actor", "Article", "ArticleResult", "CameoInfo", "Event", "EventcoderError", "Location",
    "Mention", "Pipeline", "Rejection", "ResolvedDate", "code_text", "__version__",
]
