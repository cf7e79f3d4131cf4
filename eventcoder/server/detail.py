"""The store reads of ``/events/{id}``: an event's mentions and linked events, by index (issue 16).

DuckDB reads a row by an index only through a one-column index; the keys of ``event_links``
(method, event_id), ``event_mentions`` (event_id, article_id, sentence_index) and
``linked_events`` (method, link_id) have two or three, so every read of them by event or link
scanned its whole table: on 50k events 4-6 ms for the mentions and 16 ms for the linked events
with their members (one query, whose joins scanned ``events`` and ``articles`` too), two thirds
of the ~30 ms of CPU an event's answer cost. ``event_lookups`` copies what these reads need into
tables of an in-memory database attached to the store's (``LOOKUPS``), each with a one-column
index: 0.15-0.2 s and ~31 MB for 50k events, nothing over ``LOOKUP_MAX_EVENTS``. Then each read
is a point read of ~0.5-1 ms. The server builds them at startup; a write drops them with the
answer cache (``ServerState.writing``) but for a correction, which changes none of the tables they
copy, and the next ``/events/{id}`` builds them again. Without the tables (over the bound, or
dropped by a write meanwhile) the same answers come from the store's tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from eventcoder.server.cache import AnswerCache
from eventcoder.server.rows import clean
from eventcoder.store import EventStore

LOOKUP_MAX_EVENTS = 100_000  # events in the store up to which ``event_lookups`` builds (~60 MB)
LOOKUPS = "eventcoder_lookups"  # the in-memory database of the lookup tables
LOOKUPS_KEY = "lookups"  # their names' key in the answer cache
MAX_MEMBERS = 200  # members listed with each linked event

# The linked events an event belongs to (one per linking method) with their first 200 members,
# in one query over the store's tables.
_LINKED_SQL = """
WITH mine AS (SELECT method, link_id FROM event_links WHERE event_id = ?),
members AS (
    SELECT l.method, e.event_id, e.article_id, e.event_date, e.cameo_code, e.trigger, a.headline, a.outlet, a.url,
           row_number() OVER (PARTITION BY l.method ORDER BY e.event_date, e.event_id) AS n
    FROM mine JOIN event_links l ON l.method = mine.method AND l.link_id = mine.link_id
    JOIN events e ON e.event_id = l.event_id JOIN articles a ON a.article_id = e.article_id)
SELECT k.method, k.link_id, k.rep_event_id, k.num_events, k.num_mentions, k.num_sources, k.num_articles,
       k.first_date, k.last_date, m.event_id, m.article_id, m.event_date, m.cameo_code, m.trigger, m.headline,
       m.outlet, m.url
FROM mine JOIN linked_events k ON k.method = mine.method AND k.link_id = mine.link_id
LEFT JOIN members m ON m.method = k.method AND m.n <= 200
ORDER BY k.method, m.n"""
_MENTIONS_SQL = (
    "SELECT m.article_id, m.sentence_index, m.sentence, m.trigger, a.headline, a.outlet, a.url, a.published "
    "FROM event_mentions m JOIN articles a ON a.article_id = m.article_id WHERE m.event_id = ? "
    "ORDER BY m.article_id, m.sentence_index")
LINK_FIELDS: tuple[str, ...] = ("method", "link_id", "rep_event_id", "num_events", "num_mentions", "num_sources",
                                "num_articles", "first_date", "last_date")
MEMBER_FIELDS: tuple[str, ...] = ("event_id", "article_id", "event_date", "cameo_code", "trigger", "headline",
                                  "outlet", "url")
MENTION_FIELDS: tuple[str, ...] = ("article_id", "sentence_index", "sentence", "trigger", "headline", "outlet",
                                   "url", "published")

# The lookup tables: what each holds (from the store's tables) and the column it is indexed on.
# ``members``: the members whose event and article are stored (the store's query joins both).
_LOOKUPS: dict[str, tuple[str, str]] = {
    "heads": (f"SELECT l.event_id, {', '.join(f'k.{c}' for c in LINK_FIELDS)} FROM event_links l "
              "JOIN linked_events k ON k.method = l.method AND k.link_id = l.link_id", "event_id"),
    "members": ("SELECT l.method, l.link_id, e.event_id, e.article_id, e.event_date, e.cameo_code, e.trigger "
                "FROM event_links l JOIN events e ON e.event_id = l.event_id "
                "JOIN articles a ON a.article_id = e.article_id", "link_id"),
    "mentions": ("SELECT event_id, article_id, sentence_index, sentence, trigger FROM event_mentions", "event_id"),
}


@dataclass(frozen=True, slots=True)
class EventLookups:
    """Names of the lookup tables (``_LOOKUPS``) in ``LOOKUPS``."""

    heads: str
    members: str
    mentions: str


def event_lookups(store: EventStore, cache: AnswerCache, *, max_events: int = LOOKUP_MAX_EVENTS) -> EventLookups | None:
    """The lookup tables of the store as it is now, built when ``cache`` has none (at startup, and
    after a write that dropped them) and kept in it; building them drops any earlier ones (a
    request still reading those reads the store's tables instead). None over ``max_events``."""
    def build() -> EventLookups | None:
        generation = cache.generation
        cursor = store.connection.cursor()
        try:
            cursor.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {LOOKUPS} (READ_WRITE)")
            for (old,) in cursor.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?",
                                         [LOOKUPS]).fetchall():
                cursor.execute(f"DROP TABLE IF EXISTS {LOOKUPS}.{old}")
            row = cursor.execute("SELECT count(*) FROM events").fetchone()
            if row is None or int(row[0]) > max_events:
                return None
            names: dict[str, str] = {}
            for kind, (select, key) in _LOOKUPS.items():
                names[kind] = f"{LOOKUPS}.{kind}_{generation}"
                cursor.execute(f"CREATE TABLE {names[kind]} AS {select}")
                cursor.execute(f"CREATE INDEX {kind}_{generation}_{key} ON {names[kind]} ({key})")
        finally:
            cursor.close()
        return EventLookups(**names)
    found: EventLookups | None = cache.get(LOOKUPS_KEY, build, lambda _: 100)
    return found


def mentions_and_links(store: EventStore, lookups: EventLookups | None,
                       event_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sentences that report ``event_id`` (``MENTION_FIELDS``; their article stored), by
    article then sentence, and the linked events it belongs to, one per linking method in name
    order, each with its first ``MAX_MEMBERS`` members in date then id order (their event and
    article stored): JSON-ready dicts."""
    if lookups is not None:
        try:
            return _from_lookups(store, lookups, event_id)
        except duckdb.CatalogException:  # dropped since (a write)
            pass
    con = store.connection
    mentions = [{k: clean(v) for k, v in zip(MENTION_FIELDS, r, strict=True)}
                for r in con.execute(_MENTIONS_SQL, [event_id]).fetchall()]
    links: dict[str, dict[str, Any]] = {}
    width = len(LINK_FIELDS)
    for row in con.execute(_LINKED_SQL, [event_id]).fetchall():
        link = links.get(row[0])
        if link is None:
            link = links[row[0]] = {k: clean(v) for k, v in zip(LINK_FIELDS, row[:width], strict=True)}
            link["members"] = []
        if row[width] is not None:
            link["members"].append({k: clean(v) for k, v in zip(MEMBER_FIELDS, row[width:], strict=True)})
    return mentions, list(links.values())


def _from_lookups(store: EventStore, lookups: EventLookups,
                  event_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``mentions_and_links`` read by index: from the lookup tables, then the articles by key."""
    con = store.connection
    said = con.execute(f"SELECT article_id, sentence_index, sentence, trigger FROM {lookups.mentions} "
                       "WHERE event_id = ? ORDER BY article_id, sentence_index", [event_id]).fetchall()
    heads = con.execute(f"SELECT {', '.join(LINK_FIELDS)} FROM {lookups.heads} WHERE event_id = ? ORDER BY method",
                        [event_id]).fetchall()
    members = [con.execute(f"SELECT event_id, article_id, event_date, cameo_code, trigger FROM {lookups.members} "
                           "WHERE link_id = ? AND method = ? ORDER BY event_date, event_id",
                           [head[1], head[0]]).fetchmany(MAX_MEMBERS) for head in heads]
    wanted = {str(r[0]) for r in said} | {str(m[1]) for rows in members for m in rows}
    articles = {str(r[0]): tuple(r[1:]) for r in con.execute(
        "SELECT article_id, headline, outlet, url, published FROM articles WHERE article_id = ANY(?::VARCHAR[])",
        [sorted(wanted)]).fetchall()} if wanted else {}
    mentions = [{k: clean(v) for k, v in zip(MENTION_FIELDS, (*r, *articles[str(r[0])]), strict=True)}
                for r in said if str(r[0]) in articles]
    links = []
    for head, rows in zip(heads, members, strict=True):
        link = {k: clean(v) for k, v in zip(LINK_FIELDS, head, strict=True)}
        link["members"] = [{k: clean(v) for k, v in zip(MEMBER_FIELDS, (*m, *articles[str(m[1])][:3]), strict=True)}
                           for m in rows if str(m[1]) in articles]
        links.append(link)
    return mentions, links
