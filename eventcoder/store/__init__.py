"""The DuckDB event store: articles, events, mentions, unknown actors, rejections and runs."""

from __future__ import annotations

from eventcoder.store.eventstore import DEFAULT_DB_PATH, EventStore
from eventcoder.store.schema import MIGRATIONS, TABLES

__all__ = ["DEFAULT_DB_PATH", "MIGRATIONS", "TABLES", "EventStore"]
