"""Stages from coded candidates to the article's events: ``events`` (each candidate dated, placed
and made an Event), the gate path's ``background`` filter, the training hook ``collect``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, ClassVar

from ..events.coding import Coded
from ..extract.candidates import is_background
from ..records import Article, Event, stable_id
from ..where import locate
from .records import Candidates, Events


@dataclass(frozen=True, slots=True)
class BuildEvents:
    """Each candidate becomes an Event: its date (``when.DateResolver``), its place (``where.locate``,
    hinted by the dyad's countries, then the countries named so far, most named first), its CAMEO
    information, issue codes and a stable id."""

    dates: Any  # when.DateResolver
    gazetteer: Any
    tables: Any  # CodeTables
    issue_codes: Any  # petrarch.discards.IssueDictionary, or None
    name: ClassVar[str] = "events"
    takes: ClassVar[type] = Candidates
    returns: ClassVar[type] = Events

    def __call__(self, candidates: Candidates) -> Events:
        actors = candidates.actors
        parsed = actors.parsed
        countries: Counter[str] = Counter()  # countries named up to this sentence
        events: list[Event] = []
        features: list[tuple[str, ...]] = []
        for k, (sent, table, items) in enumerate(zip(actors.sentences.kept, actors.tables, candidates.coded)):
            parsed.check_time(sent.index)
            countries.update(m.actor.country for m, _ in table.values() if m.actor.country)
            events += [self._event(parsed.article, parsed.doc, sent.span, item, countries) for item in items]
            if candidates.features is not None:
                features += candidates.features[k]
        return Events(actors, tuple(events), candidates.dropped, tuple(features))

    def _event(self, article: Article, doc: Any, sent: Any, item: Coded, countries: Counter[str]) -> Event:
        triple = item.triple
        verb = doc[triple.verb]
        when = self.dates.resolve(sent, verb, article.published_date)
        hints = [c for c in (triple.source.actor.country, triple.target.actor.country if triple.target else None) if c]
        hints += [c for c, _ in countries.most_common() if c not in hints]
        place = locate(sent, verb, self.gazetteer, country_hints=hints)
        info = self.tables.cameo(item.code)
        target = triple.target
        event_id = stable_id(
            article.id, triple.sentence_index, verb.idx, triple.source.actor.code,
            target.actor.code if target else "", info.code,
        )
        return Event(
            id=event_id, article_id=article.id, sentence_index=triple.sentence_index, sentence=sent.text,
            trigger=verb.text, trigger_start=verb.idx, trigger_end=verb.idx + len(verb.text),
            source=triple.source, target=target, cameo=info, modality=item.modality, date=when,
            location=place, attribution=triple.attribution, quote=triple.quote,
            confidence=item.confidence, method=item.method, mentions=(triple.sentence_index,),
            issues=self.issue_codes.issues_in(sent.text) if self.issue_codes else (),
        )


@dataclass(frozen=True, slots=True)
class Background:
    """Gate path: an event dated more than ``days`` (a week) before publication is background, not
    news. ``days`` 0 keeps them all (the pipeline passes 0 for undated text)."""

    days: int
    name: ClassVar[str] = "background"
    takes: ClassVar[type] = Events
    returns: ClassVar[type] = Events

    def __call__(self, events: Events) -> Events:
        if self.days == 0:
            return events
        published: date = events.actors.parsed.article.published_date
        keep = [i for i, e in enumerate(events.events) if not is_background(e.date, published, self.days)]
        features = tuple(events.features[i] for i in keep) if events.features else ()
        return replace(events, events=tuple(events.events[i] for i in keep), features=features)


@dataclass(frozen=True, slots=True)
class Collect:
    """Training hook (``Pipeline.collector``): every event with its gate features, before merging."""

    collector: list[tuple[Event, tuple[str, ...]]]
    name: ClassVar[str] = "collect"
    takes: ClassVar[type] = Events
    returns: ClassVar[type] = Events

    def __call__(self, events: Events) -> Events:
        self.collector.extend(zip(events.events, events.features))
        return events
