"""Actor stages: ``actors`` (every noun-phrase head resolved), ``focus`` (the gate path's
article-wide fill-ins), ``actor-log`` (an evaluation hook) and ``unknown`` (named actors with no code)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..actors.heads import find_actors, is_named
from ..actors.memory import ArticleMemory
from ..actors.unknown import unknown_mentions
from ..errors import EventcoderError
from ..extract.appositives import borrow_appositives
from ..extract.candidates import implicit_recipient
from ..extract.conjoined import split_conjoined
from ..extract.focus import ArticleFocus, article_focus, corroborate_surnames, dateline_country, fill_countries
from ..extract.pronouns import resolve_pronouns
from ..extract.quotes import quote_spans, quote_speakers
from ..extract.titles import chain_titled_names
from ..records import Mention
from .records import ActorTables, Sentences


@dataclass(frozen=True, slots=True)
class FindActors:
    """Each kept sentence's noun-phrase heads resolved to actors, in reading order (one memory per
    article, so "Ayyoub" finds the minister named earlier). ``misread_subjects``: PETRARCH mode.
    ``undated``: the publication date is nominal, so office-holders and other date-restricted
    actors match in any period ("President Obama" in a sentence of unknown date)."""

    resolver: Any  # anything with ActorResolver's ``resolve``
    misread_subjects: bool = False
    undated: bool = False
    name: ClassVar[str] = "actors"
    takes: ClassVar[type] = Sentences
    returns: ClassVar[type] = ActorTables

    def __call__(self, sentences: Sentences) -> ActorTables:
        memory = ArticleMemory()
        published = None if self.undated else sentences.parsed.article.published_date
        tables = tuple(
            find_actors(s.span, self.resolver, published, memory, misread_subjects=self.misread_subjects)
            for s in sentences.kept
        )
        return ActorTables(sentences, tables)


@dataclass(frozen=True, slots=True)
class Focus:
    """Unknown names take the actor their appositive names, "Cameroon and C.A.R. officials" become
    two mentions, a title of one country's office or the article's dominant country fills in
    actors with none (in a text of at most ``unplaced_actors`` sentences, a role or name nothing
    places is a party of unknown country), a titled person's later bare name takes the titled
    mention's actor, pronouns take the person they stand for (I and we inside a quotation: its
    speaker), and the dominant country becomes the implicit recipient (see ``extract.focus``)."""

    lexicon: Any  # Lexicon: ISO3 → country
    gazetteer: Any = None  # Gazetteer: the dateline's place → its country (None: datelines not used)
    unplaced_actors: int = 0  # in a text of at most this many sentences, a role or name with no country is a party
    name: ClassVar[str] = "focus"
    takes: ClassVar[type] = ActorTables
    returns: ClassVar[type] = ActorTables

    def __call__(self, actors: ActorTables) -> ActorTables:
        doc = actors.parsed.doc
        dateline = dateline_country(actors.parsed.article, self.gazetteer) if self.gazetteer is not None else None
        named = split_conjoined(borrow_appositives(corroborate_surnames(actors.tables), doc), doc, self.lexicon)
        focus = article_focus(named, dateline)
        short = len(actors.parsed.sentences) <= self.unplaced_actors
        filled = fill_countries(named, focus, self._cameo_country, lambda i: is_named(doc[i]), unplaced=short)
        tables = chain_titled_names(filled, doc)
        spans = [s.span for s in actors.sentences.kept]
        text = doc.text
        quotes = tuple(quote_spans(text))
        tables = quote_speakers(spans, resolve_pronouns(spans, tables, quotes), text, quotes)
        return ActorTables(actors.sentences, tuple(tables), self._implicit_recipient(focus), actors.unknown, quotes)

    def _implicit_recipient(self, focus: ArticleFocus) -> Mention | None:
        dominant = focus.dominant()
        if dominant is None:
            return None
        try:
            country = self.lexicon.country_by_iso3(dominant[0])
        except EventcoderError:
            return None
        return implicit_recipient(country.iso3, country.cameo, country.name, dominant[1])

    def _cameo_country(self, iso3: str) -> str | None:
        try:
            return self.lexicon.country_by_iso3(iso3).cameo
        except EventcoderError:
            return None


@dataclass(frozen=True, slots=True)
class LogActors:
    """Evaluation hook (``Pipeline.actor_log``): (article id, sentence index, text, mentions) per sentence."""

    log: list[tuple[str, int, str, tuple[Mention, ...]]]
    name: ClassVar[str] = "actor-log"
    takes: ClassVar[type] = ActorTables
    returns: ClassVar[type] = ActorTables

    def __call__(self, actors: ActorTables) -> ActorTables:
        article_id = actors.parsed.article.id
        for sent, table in zip(actors.sentences.kept, actors.tables):
            self.log.append((article_id, sent.index, sent.span.text, tuple(m for m, _ in table.values())))
        return actors


@dataclass(frozen=True, slots=True)
class UnknownActors:
    """Named people and organisations acting in a sentence with no actor code (for ``eventcoder actors --unknown``)."""

    verbs: Any  # VerbDictionary
    name: ClassVar[str] = "unknown"
    takes: ClassVar[type] = ActorTables
    returns: ClassVar[type] = ActorTables

    def __call__(self, actors: ActorTables) -> ActorTables:
        found = []
        for sent, table in zip(actors.sentences.kept, actors.tables):
            actors.parsed.check_time(sent.index)
            found += unknown_mentions(sent.span, sent.index, table, self.verbs, actors.parsed.article.id)
        return replace(actors, unknown=tuple(found))
