"""Store queries for cross-article linking: which events are unlinked, stored clusters, writes.

Tables (migration 3): ``link_methods`` (the parameters each method was last run with),
``event_links`` (method, event_id → link_id) and ``linked_events`` (one row per real-world event
per method, with GDELT-style counts). The algorithm itself lives in ``eventcoder.link``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from eventcoder.store.eventstore import EventStore

LINKED_EVENT_COLUMNS: tuple[str, ...] = (
    "method", "link_id", "rep_event_id", "event_date", "first_date", "last_date", "num_events",
    "num_mentions", "num_sources", "num_articles", "article_ids", "outlets", "urls",
    "first_added", "updated_at",
)

# Everything linking needs about one article-level event, with its mention count and article.
_MEMBER_SELECT = """
SELECT e.event_id, e.article_id, e.event_date, e.source_code, e.source_country,
       e.source_sectors, e.target_code, e.target_country, e.target_sectors, e.target_text,
       e.cameo_code, e.plover_type, e.plover_mode, e.location_country, e.lat, e.lon,
       e.confidence, coalesce(m.n, 1) AS mentions, a.outlet, a.url, a.published, a.added_at{extra}
FROM events e
JOIN articles a ON a.article_id = e.article_id
LEFT JOIN (SELECT event_id, count(*) AS n FROM event_mentions GROUP BY event_id) m
       ON m.event_id = e.event_id
"""
_ORDER = " ORDER BY e.event_date, a.published, e.article_id, e.sentence_index, e.event_id"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def method_params(store: EventStore, method: str) -> tuple[int, float] | None:
    """``(window_days, max_km)`` the method was last linked with, or None if never."""
    rows: Sequence[Mapping[str, Any]] = store.query("SELECT window_days, max_km FROM link_methods WHERE method = ?", [method])
    return (int(rows[0]["window_days"]), float(rows[0]["max_km"])) if rows else None


def linked_methods(store: EventStore) -> list[str]:
    return [str(r["method"]) for r in store.query("SELECT method FROM link_methods ORDER BY method")]


def save_method(store: EventStore, method: str, window_days: int, max_km: float) -> None:
    store.connection.execute(
        "INSERT OR REPLACE INTO link_methods (method, window_days, max_km, updated_at) "
        "VALUES (?, ?, ?, ?)",
        [method, window_days, max_km, now()],
    )


def clear_links(store: EventStore, method: str) -> None:
    """Forget every link of ``method`` (for a rebuild)."""
    store.connection.execute("DELETE FROM event_links WHERE method = ?", [method])
    store.connection.execute("DELETE FROM linked_events WHERE method = ?", [method])


def unlinked_events(store: EventStore, method: str) -> list[dict[str, object]]:
    """Events that have no link for ``method`` yet, oldest first."""
    sql = (
        _MEMBER_SELECT.format(extra="")
        + " WHERE NOT EXISTS (SELECT 1 FROM event_links l WHERE l.method = ? AND l.event_id = e.event_id)"
        + _ORDER
    )
    return store.query(sql, [method])


def cluster_members(store: EventStore, method: str, first: date, last: date) -> list[dict[str, object]]:
    """Members (with ``link_id``) of the stored linked events dated ``first``..``last``."""
    sql = (
        _MEMBER_SELECT.format(extra=", l.link_id")
        + " JOIN event_links l ON l.event_id = e.event_id AND l.method = ?"
        " JOIN linked_events k ON k.link_id = l.link_id AND k.method = l.method"
        " WHERE k.event_date BETWEEN ? AND ?"
        + _ORDER
    )
    return store.query(sql, [method, first, last])


def write_links(
    store: EventStore,
    method: str,
    links: Sequence[tuple[str, str]],
    summaries: Sequence[Sequence[object]],
) -> None:
    """Add ``(event_id, link_id)`` links and replace the summary rows of the touched links."""
    store.insert_rows("event_links", ("method", "event_id", "link_id"),
                      [(method, event_id, link_id) for event_id, link_id in links])
    touched = [row[1] for row in summaries]
    if touched:
        store.connection.execute(
            "DELETE FROM linked_events WHERE method = ? AND link_id IN (SELECT unnest(?::VARCHAR[]))",
            [method, touched],
        )
    store.insert_rows("linked_events", LINKED_EVENT_COLUMNS, summaries)


def link_counts(store: EventStore, method: str) -> dict[str, int]:
    """How many article-level events are linked and into how many real-world events."""
    rows: Sequence[Mapping[str, Any]] = store.query(  # counts: BIGINT
        "SELECT (SELECT count(*) FROM event_links WHERE method = ?) AS events, "
        "(SELECT count(*) FROM linked_events WHERE method = ?) AS linked, "
        "(SELECT count(*) FROM linked_events WHERE method = ? AND num_articles > 1) AS multi",
        [method, method, method],
    )
    return {k: int(v) for k, v in rows[0].items()}
