"""Read queries for the commands: an article by id prefix, actor counts, unknown actors and a
summary of the store."""

from __future__ import annotations

from eventcoder.actors.stub import UnknownActor
from eventcoder.errors import ConfigError, EventcoderError
from eventcoder.store.eventstore import EventStore
from eventcoder.store.schema import latest_version


def article_by_prefix(store: EventStore, prefix: str) -> tuple[str, dict[str, object], list[dict[str, object]]]:
    """The one stored article whose id starts with ``prefix``: its id, row and events."""
    ids = store.find_articles(prefix)
    if not ids:
        raise EventcoderError(f"no article with id {prefix!r} in {store.path}")
    if len(ids) > 1:
        raise EventcoderError(f"id prefix {prefix!r} is ambiguous: {', '.join(ids[:5])}")
    return ids[0], store.article(ids[0]) or {}, store.events_for_article(ids[0])


def actor_counts(store: EventStore, *, resolved: bool | None = None, limit: int = 50) -> list[dict[str, object]]:
    """Rows of the ``actors`` view, most roles first; ``resolved`` False keeps unresolved ones."""
    where = "" if resolved is None else " WHERE resolved = ?"
    params: list[object] = [] if resolved is None else [resolved]
    return store.query(f"SELECT * FROM actors{where} ORDER BY roles DESC, actor_key LIMIT ?", [*params, limit])


def unknown_actors(store: EventStore, *, min_count: int = 1, limit: int | None = None) -> list[UnknownActor]:
    """Names that acted in events but resolved to nothing, seen ``min_count`` times or more,
    most frequent first; ``limit`` None gives all of them."""
    if min_count < 1 or (limit is not None and limit < 0):
        raise ConfigError(f"min_count must be at least 1 and limit 0 or more (got {min_count}, {limit})")
    return [UnknownActor.from_row(row) for row in store.unknown_actors(limit=limit, min_count=min_count)]


def store_info(store: EventStore) -> list[str]:
    """Human-readable lines: path, schema version, row counts, link methods, last runs."""
    applied = store.applied_migrations()
    version = applied[-1][0] if applied else 0
    lines = [f"store {store.path}: schema version {version} (current {latest_version()})"]
    lines += [f"  {table:<15} {count:>9}" for table, count in store.counts().items()]
    methods = store.query(
        "SELECT m.method, m.window_days, m.max_km, count(k.link_id) AS linked, "
        "count(k.link_id) FILTER (WHERE k.num_articles > 1) AS multi "
        "FROM link_methods m LEFT JOIN linked_events k ON k.method = m.method "
        "GROUP BY ALL ORDER BY m.method"
    )
    for m in methods:
        lines.append(f"  linking {m['method']}: window ±{m['window_days']} d, {m['max_km']:g} km, "
                     f"{m['linked']} linked events, {m['multi']} reported by several articles")
    for run in store.runs()[-3:]:
        lines.append(f"  run {run['run_id']} {run['status']}: {run['articles']} articles, "
                     f"{run['events']} events, {run['rejections']} rejections, version {run['version']}")
    return lines
