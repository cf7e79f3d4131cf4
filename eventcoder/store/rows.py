"""The rows the store writes: one list of values per row of the articles, events, event_mentions
and actors_unknown tables, in their column order (``EventStore`` inserts them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from eventcoder.actors.unknown import UnknownMention
from eventcoder.records import EVENT_COLUMNS, Article, Event, event_row

ARTICLE_TABLE_COLUMNS: tuple[str, ...] = (
    "article_id", "headline", "text", "published", "published_date", "dateline", "outlet",
    "url", "origin", "language", "metadata", "first_run_id", "added_at", "source_id",
)
EVENT_TABLE_COLUMNS: tuple[str, ...] = ("event_id", "article_id", "run_id", *EVENT_COLUMNS[2:])
MENTION_TABLE_COLUMNS: tuple[str, ...] = ("event_id", "article_id", "sentence_index", "sentence", "trigger")


def utc_now() -> datetime:
    """The current UTC time as a naive timestamp (the store's TIMESTAMP columns are UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_timestamp(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    return datetime(value.year, value.month, value.day)


def article_values(article: Article, run_id: str, now: datetime) -> list[object]:
    return [
        article.id, article.headline, article.text, as_timestamp(article.published),
        article.published_date, article.dateline, article.outlet, article.url, article.origin,
        article.language, json.dumps(dict(article.metadata), ensure_ascii=False), run_id, now,
        article.source_id,
    ]


def event_values(event: Event, run_id: str) -> list[object]:
    row = event_row(event)
    row["event_date"] = event.date.value
    row["run_id"] = run_id
    return [row[name] for name in EVENT_TABLE_COLUMNS]


def mention_values(event: Event) -> list[list[object]]:
    """One row per sentence that mentions ``event`` (its own sentence always included).

    Only the event's own sentence has its text and trigger; other sentences get NULLs.
    """
    rows: list[list[object]] = []
    for index in sorted({event.sentence_index, *event.mentions}):
        own = index == event.sentence_index
        rows.append([event.id, event.article_id, index,
                     event.sentence if own else None, event.trigger if own else None])
    return rows


UNKNOWN_TABLE_COLUMNS: tuple[str, ...] = (
    "text", "kind", "count", "articles", "as_source", "as_target", "first_article_id", "first_seen",
    "last_seen", "first_published", "last_published", "example_sentence",
)
UNKNOWN_UPSERT = (
    "ON CONFLICT (text) DO UPDATE SET count = actors_unknown.count + excluded.count, "
    "articles = coalesce(actors_unknown.articles, 0) + excluded.articles, "
    "as_source = coalesce(actors_unknown.as_source, 0) + excluded.as_source, "
    "as_target = coalesce(actors_unknown.as_target, 0) + excluded.as_target, "
    "kind = coalesce(actors_unknown.kind, excluded.kind), "
    "first_seen = coalesce(actors_unknown.first_seen, excluded.first_seen), "
    "last_seen = excluded.last_seen, "
    "first_published = least(actors_unknown.first_published, excluded.first_published), "
    "last_published = greatest(actors_unknown.last_published, excluded.last_published), "
    "example_sentence = coalesce(actors_unknown.example_sentence, excluded.example_sentence)"
)


def unknown_actor_rows(
    pairs: Sequence[tuple[Article, Sequence[Event]]], unknown: Iterable[UnknownMention], now: datetime,
) -> list[list[object]]:
    """One row per text (``UNKNOWN_TABLE_COLUMNS``) of the names that acted but resolved to nothing.

    Two sources: the pipeline's unknown mentions of the stored articles, and event parties with
    no actor code (events coded elsewhere). A mention (one span of one article) counts once
    however many events it takes part in.
    """
    published = {a.id: a.published_date for a, _ in pairs}
    spans: dict[tuple[str, int, int], tuple[str, str, str, str]] = {}  # -> text, kind, role, sentence
    for u in unknown:
        if u.article_id in published and u.text.strip():
            spans.setdefault((u.article_id, u.start, u.end), (u.text.strip(), u.kind, u.role, u.sentence))
    for _, events in pairs:
        for event in events:
            for role, m in (("source", event.source), ("target", event.target)):
                if m is None or m.actor.code is not None or not m.text.strip():
                    continue
                if any(a == event.article_id and s < m.end and m.start < e for a, s, e in spans):
                    continue  # the same name, already found by the pipeline
                spans[(event.article_id, m.start, m.end)] = (m.text.strip(), "", role, event.sentence)
    found: dict[str, _Unknown] = {}
    for (article_id, _, _), (text, kind, role, sentence) in spans.items():
        day = published[article_id]
        row = found.get(text)
        if row is None:
            row = found[text] = _Unknown(text, kind or None, article_id, day, day, sentence)
        row.count += 1
        if role == "source":
            row.as_source += 1
        else:
            row.as_target += 1
        row.articles.add(article_id)
        row.kind = row.kind or kind or None
        row.first_published, row.last_published = min(row.first_published, day), max(row.last_published, day)
    return [row.values(now) for row in found.values()]


@dataclass(slots=True)
class _Unknown:
    """One ``actors_unknown`` row while its mentions are counted."""

    text: str
    kind: str | None
    first_article_id: str
    first_published: date
    last_published: date
    example_sentence: str
    count: int = 0
    as_source: int = 0
    as_target: int = 0
    articles: set[str] = field(default_factory=set)

    def values(self, now: datetime) -> list[object]:
        """The row in ``UNKNOWN_TABLE_COLUMNS`` order; first and last seen are ``now``."""
        return [self.text, self.kind, self.count, len(self.articles), self.as_source, self.as_target,
                self.first_article_id, now, now, self.first_published, self.last_published, self.example_sentence]
