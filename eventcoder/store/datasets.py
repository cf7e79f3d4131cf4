"""The dataset view of a store: one row per real-world event (or per article's event), filtered.

Every export and analysis reads rows from ``dataset_query``. A row has every ``events`` column
(``eventcoder.output.EVENT_COLUMNS``; at the linked level they are the coding of the linked
event's representative), the article's ``headline``, ``outlet``, ``url``, ``published``,
``language``, and ``LINK_COLUMNS`` describing the linked event the row belongs to. Events not
linked yet stand for themselves (one event, one article).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from eventcoder.errors import ConfigError
from eventcoder.registry import DEFAULT_LINK_METHOD
from eventcoder.store.eventstore import EventStore

Level = Literal["linked", "article"]
LEVELS: tuple[str, ...] = ("linked", "article")

LINK_COLUMNS: tuple[str, ...] = (
    "link_id", "num_events", "num_mentions", "num_sources", "num_articles", "first_date",
    "last_date", "article_ids", "outlets", "urls",
)
ARTICLE_COLUMNS: tuple[str, ...] = ("headline", "outlet", "url", "published", "language")


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFilter:
    """Which events to keep. Empty fields keep everything; values within a field are OR-ed.

    ``countries`` match the source's, the target's or the place's country (ISO3); ``actors``
    match an actor code by prefix (``IRNMIL`` matches ``IRNMILGOV``) or a name exactly (any
    case), on either side; ``cameo`` are code prefixes; ``text`` is a case-insensitive
    substring of the sentence or headline of any article that reports the event. ``sources``
    and ``targets`` match one side only (country or actor-code prefix).
    """

    since: date | None = None
    until: date | None = None
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    cameo: tuple[str, ...] = ()
    roots: tuple[str, ...] = ()
    quad_classes: tuple[int, ...] = ()
    penta_classes: tuple[int, ...] = ()
    plover_types: tuple[str, ...] = ()
    text: str | None = None
    # issue 6 (HTTP API): one side of the dyad, and analysts' corrections.
    sources: tuple[str, ...] = ()  # the source's country (ISO3) or actor-code prefix
    targets: tuple[str, ...] = ()  # the target's country (ISO3) or actor-code prefix
    corrections: bool = False  # apply corrections (eventcoder.store.corrections); wrong events left out

    def where(self, method: str) -> tuple[list[str], list[object]]:
        """SQL conditions (on aliases ``e`` events, ``a`` articles, ``k`` linked_events) + params."""
        conds: list[str] = []
        params: list[object] = []
        if self.since is not None:
            conds.append("e.event_date >= ?")
            params.append(self.since)
        if self.until is not None:
            conds.append("e.event_date <= ?")
            params.append(self.until)
        _any_of(conds, params, "list_contains(?::VARCHAR[], {col})",
                ("e.source_country", "e.target_country", "e.location_country"),
                [c.upper() for c in self.countries])
        if self.actors:
            codes = [a.upper() for a in self.actors]
            names = [a.lower() for a in self.actors]
            conds.append(
                f"({_prefix('e.source_code')} OR {_prefix('e.target_code')} OR "
                "list_contains(?::VARCHAR[], lower(e.source_name)) OR "
                "list_contains(?::VARCHAR[], lower(e.target_name)))"
            )
            params += [codes, codes, names, names]
        if self.cameo:
            conds.append(_prefix("e.cameo_code"))
            params.append(list(self.cameo))
        _one_of(conds, params, "e.cameo_root", "VARCHAR", [r.zfill(2) for r in self.roots])
        _one_of(conds, params, "e.quad_class", "INTEGER", list(self.quad_classes))
        _one_of(conds, params, "e.penta_class", "INTEGER", list(self.penta_classes))
        _one_of(conds, params, "e.plover_type", "VARCHAR", [t.upper() for t in self.plover_types])
        for side, values in (("source", self.sources), ("target", self.targets)):
            if values:  # issue 6: country or actor-code prefix on one side
                conds.append(f"(list_contains(?::VARCHAR[], e.{side}_country) OR {_prefix(f'e.{side}_code')})")
                params += [[v.upper() for v in values], [v.upper() for v in values]]
        if self.text:
            conds.append(_TEXT_CONDITION)
            words = self.text.lower()  # issue 6: "%" and "_" in the words are literal
            params += [words, words, method]
        return conds, params


# The rows whose real-world event has a matching report (issue 16). Each event's unit is its
# linked event (``L`` + link id) or, unlinked, itself (``E`` + event id); the matching units are
# found once, with no reference to the outer row, so DuckDB hash-joins them: time and memory grow
# with the store, not with its square (a correlated EXISTS with an OR over the link's members
# crossed every row with every match). ``contains`` on lower case is a literal substring test,
# several times faster than ILIKE with an ESCAPE clause.
_TEXT_CONDITION = """coalesce('L' || k.link_id, 'E' || e.event_id) IN (
    SELECT coalesce('L' || ml.link_id, 'E' || hit.event_id) FROM (
        SELECT event_id FROM events WHERE contains(lower(sentence), ?)
        UNION
        SELECT event_id FROM events WHERE article_id IN (
            SELECT article_id FROM articles WHERE contains(lower(headline), ?))
    ) hit LEFT JOIN event_links ml ON ml.event_id = hit.event_id AND ml.method = ?)"""


def _prefix(column: str) -> str:
    return f"EXISTS (SELECT 1 FROM unnest(?::VARCHAR[]) AS t(p) WHERE starts_with({column}, t.p))"


def _one_of(conds: list[str], params: list[object], column: str, kind: str, values: list[object]) -> None:
    if values:
        conds.append(f"list_contains(?::{kind}[], {column})")
        params.append(values)


def _any_of(conds: list[str], params: list[object], template: str, columns: tuple[str, ...],
            values: list[str]) -> None:
    if values:
        conds.append("(" + " OR ".join(template.format(col=c) for c in columns) + ")")
        params.extend([values] * len(columns))


_SELECT = """
SELECT e.*, a.headline, a.outlet, a.url, a.published, a.language,
       coalesce(k.link_id, e.event_id) AS unit_id,
       k.link_id,
       coalesce(k.num_events, 1) AS num_events,
       coalesce(k.num_mentions, mc.n, 1) AS num_mentions,
       coalesce(k.num_sources, 1) AS num_sources,
       coalesce(k.num_articles, 1) AS num_articles,
       coalesce(k.first_date, e.event_date) AS first_date,
       coalesce(k.last_date, e.event_date) AS last_date,
       coalesce(k.article_ids, e.article_id) AS article_ids,
       CASE WHEN k.link_id IS NULL THEN a.outlet ELSE k.outlets END AS outlets,
       CASE WHEN k.link_id IS NULL THEN a.url ELSE k.urls END AS urls,
       coalesce(k.first_added, a.added_at) AS first_added
FROM events e
JOIN articles a ON a.article_id = e.article_id
LEFT JOIN event_links l ON l.event_id = e.event_id AND l.method = ?
LEFT JOIN linked_events k ON k.method = l.method AND k.link_id = l.link_id
LEFT JOIN (SELECT event_id, count(*) AS n FROM event_mentions GROUP BY event_id) mc
       ON mc.event_id = e.event_id
"""


def dataset_query(
    *, level: str = "linked", method: str = DEFAULT_LINK_METHOD, filters: EventFilter | None = None, ordered: bool = True,
) -> tuple[str, list[object]]:
    """SQL and parameters for the dataset rows, ordered by date then id (unless not ``ordered``:
    for a query that counts, groups or sorts them again, which then need not sort twice).

    With ``filters.corrections`` analysts' corrections (``eventcoder.store.corrections``) are
    applied: changed types and actors replace the coded ones, events marked wrong are left out.
    """
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; choose linked or article")
    conds, params = (filters or EventFilter()).where(method)
    if level == "linked":
        conds.insert(0, "(k.link_id IS NULL OR k.rep_event_id = e.event_id)")
    where = (" WHERE " + " AND ".join(conds)) if conds else ""
    order = " ORDER BY e.event_date, unit_id, e.event_id" if ordered else ""
    select = _SELECT
    if filters is not None and filters.corrections:  # issue 6: corrections applied in place of the raw events table
        from eventcoder.store.corrections import CORRECTED_EVENTS_SQL

        select = _SELECT.replace("FROM events e\n", f"FROM {CORRECTED_EVENTS_SQL} e\n", 1)
    return select + where + order, [method, *params]


def iter_dataset(
    store: EventStore, *, level: str = "linked", method: str = DEFAULT_LINK_METHOD,
    filters: EventFilter | None = None, batch: int = 2000,
) -> Iterator[dict[str, object]]:
    """Stream dataset rows as dicts (a separate cursor, so the store stays usable)."""
    sql, params = dataset_query(level=level, method=method, filters=filters)
    cursor = store.connection.cursor()
    try:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        while rows := cursor.fetchmany(batch):
            for row in rows:
                yield dict(zip(names, row, strict=True))
    finally:
        cursor.close()
