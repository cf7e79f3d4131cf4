"""The typed records passed between the pipeline's stages, in the order they appear.

``Parsed`` (one parsed article) → ``Sentences`` (the sentences to code) → ``ActorTables`` (the
actors of each sentence) → ``Triples`` (who did what to whom) → ``Candidates`` (coded triples)
→ ``Events`` (dated, placed, merged events). Each record keeps the one before it, so a late stage
can still read the article, its parse and its actor tables. Per-sentence fields are tuples aligned
with ``Sentences.kept``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..actors.unknown import UnknownMention
from ..errors import TimeLimitError
from ..records import Article, Event, Mention
from ..relations import ActorTable, Triple
from ..events.coding import Coded


@dataclass(frozen=True, slots=True)
class Parsed:
    """One article and its spaCy parse; ``deadline`` is a ``time.perf_counter()`` value."""

    article: Article
    doc: Any
    sentences: tuple[Any, ...]
    deadline: float
    seconds: float  # the limit the deadline came from (setting article_seconds), for the message

    def check_time(self, index: int) -> None:
        """Raise ``TimeLimitError`` when the article is over its time limit (before sentence ``index``)."""
        if time.perf_counter() > self.deadline:
            raise TimeLimitError(
                f"stopped at sentence {index + 1} of {len(self.sentences)}: over the {self.seconds:g} s "
                "limit per article (setting article_seconds)"
            )


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int  # position among all the article's sentences
    span: Any  # the spaCy Span


@dataclass(frozen=True, slots=True)
class Sentences:
    """The sentences left to code and the discard markers that fired ("storydiscard", ...)."""

    parsed: Parsed
    kept: tuple[Sentence, ...]
    discarded: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActorTables:
    """Each kept sentence's actors (head token → mention and phrase tokens), in reading order."""

    sentences: Sentences
    tables: tuple[ActorTable, ...]
    recipient: Mention | None = None  # the article's implicit recipient (its dominant country)
    unknown: tuple[UnknownMention, ...] = ()  # named people/organisations acting with no actor code
    quotes: tuple[tuple[int, int], ...] = ()  # character spans of the article's quotations (focus stage)

    @property
    def parsed(self) -> Parsed:
        return self.sentences.parsed


@dataclass(frozen=True, slots=True)
class Triples:
    actors: ActorTables
    triples: tuple[tuple[Triple, ...], ...]


@dataclass(frozen=True, slots=True)
class Candidates:
    """Coded triples per sentence; ``features`` (aligned, when the gate scored them) for training."""

    actors: ActorTables
    coded: tuple[tuple[Coded, ...], ...]
    dropped: int = 0  # negated / hypothetical predicates not coded
    features: tuple[tuple[tuple[str, ...], ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class Events:
    """The article's events; ``features`` aligned with ``events`` until they are merged."""

    actors: ActorTables
    events: tuple[Event, ...]
    dropped: int = 0
    features: tuple[tuple[str, ...], ...] = ()
