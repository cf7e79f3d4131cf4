"""One page of the events table, read with as little of the store as possible (issue 16).

A page is chosen on the ids and sort keys alone, then only its rows are read whole: sorting every
wide row to keep fifty cost seconds on a big store. Every read of the joined dataset costs tens of
milliseconds however few rows it returns (its joins scan whole tables), so with the server's
answer cache a page reads the store only for what no earlier page read:

- the order of a result's ids (its first ``ORDER_CACHE_MAX``) is kept per filter and sort, so a
  later page is a slice of it, and its length is the total: no count query unless it is longer;
- each event's row as the table shows it (JSON of its summary and the correction in force) is kept
  per level, method and corrections, so a row read for one page, sort or filter serves all others;
- a page that misses a row reads ahead: the rows of the next ``READ_AHEAD`` ids of its order come
  in the same query (500 rows cost about 1.5 times 50, and the pages after it are then free);
- the dataset is joined once per level, method and corrections (``dataset_table``): the columns
  the filters and sorts use, and those the table shows, of every row, go into a table of an
  in-memory database attached to the store's DuckDB. A new order and a page's rows are then read
  from it, joining nothing (a text search still looks up the matching reports in the store). On
  50k events, one CPU: a new order 90-150 ms from the joined dataset, 10-40 ms from the table (a
  text search 70-180 ms, 10-75 ms); the query for 500 rows 60-90 ms, about 20 ms. The table takes
  about 0.7 KB a row in DuckDB's memory (30 MB for the 42k rows of 50k events) and 0.3-0.5 s to
  build; over ``ROWS_TABLE_MAX`` events it holds the sort keys alone (rows then come from the store).
  ``eventcoder serve`` builds the default dataset's table (plain ``/events``), its order by date and
  its first 500 rows before it listens (``warm_default_page``: 0.35-0.6 s on 50k events, 1.4 s on
  200k; nothing on an empty store or over ``WARM_MAX_EVENTS``), and up to ``WARM_SORTS_MAX_EVENTS``
  the same in every other sort (0.4 s more on 50k), so the first clients find them.

Every write empties the cache (``ServerState.writing``), so a kept row, order or table is exact
(tables of earlier writes are dropped when the next one is built).
"""

from __future__ import annotations

import hashlib
import time
from array import array
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate, count
from typing import Any

import duckdb

from eventcoder.server.cache import AnswerCache, json_bytes
from eventcoder.server.params import Dataset
from eventcoder.server.rows import SUMMARY_COLUMNS, correction_summary, summary
from eventcoder.store import EventStore
from eventcoder.store.corrections import current_corrections
from eventcoder.store.datasets import EventFilter, dataset_query

# Results up to this many events keep their whole id order (17 bytes and a 4-byte offset an id:
# 4.2 MB at the limit, under the cache's 8 MB per answer); pages past it are read with LIMIT.
ORDER_CACHE_MAX = 200_000
READ_AHEAD = 500  # rows read with a page that misses: its own and those of the pages after it
SCRATCH = "eventcoder_pages"  # the in-memory database attached to the store for ``dataset_table``
ROWS_TABLE_MAX = 100_000  # events in the store up to which ``dataset_table`` holds rows (~70 MB)
WARM_MAX_EVENTS = 200_000  # events up to which ``warm_default_page`` runs (1.4 s of startup on 200k)
WARM_SORTS_MAX_EVENTS = ROWS_TABLE_MAX  # ... and warms every sort, not only by date (+0.4 s on 50k)
# A dataset row's columns that the filters (``EventFilter.where`` on aliases ``e`` and, for text,
# ``k.link_id``) and the sorts (``order_sql`` on alias ``d``) read.
KEY_COLUMNS: tuple[str, ...] = (
    "event_id", "unit_id", "link_id", "event_date", "goldstein", "num_mentions", "confidence", "source_code",
    "target_code", "cameo_code", "plover_type", "source_country", "target_country", "location_country",
    "source_name", "target_name", "cameo_root", "quad_class", "penta_class")
_tables = count()  # dataset tables get a new name each (a table in use is never replaced)


class Sort(str, Enum):
    date = "date"
    date_desc = "-date"
    goldstein = "goldstein"
    goldstein_desc = "-goldstein"
    mentions = "mentions"
    mentions_desc = "-mentions"
    confidence = "confidence"
    confidence_desc = "-confidence"
    source = "source"
    target = "target"
    cameo = "cameo"
    plover = "plover"


_SORT_SQL: dict[str, str] = {
    "date": "d.event_date", "goldstein": "d.goldstein", "mentions": "d.num_mentions",
    "confidence": "d.confidence", "source": "d.source_code", "target": "d.target_code",
    "cameo": "d.cameo_code", "plover": "d.plover_type",
}


def order_sql(sort: Sort) -> str:
    key = sort.value.lstrip("-")
    direction = "DESC" if sort.value.startswith("-") else "ASC"
    return f"{_SORT_SQL[key]} {direction} NULLS LAST, d.event_date DESC, d.unit_id, d.event_id"


@dataclass(frozen=True, slots=True)
class IdOrder:
    """Ids in order, kept compactly: one newline-joined string and where each id starts."""

    text: str
    starts: array[int]  # starts[i]: offset of id i in text; one more at the end (len(text) + 1)

    @classmethod
    def of(cls, ids: list[str]) -> IdOrder:
        return cls("\n".join(ids), array("I", accumulate((len(i) + 1 for i in ids), initial=0)))

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def nbytes(self) -> int:
        return len(self.text) + self.starts.itemsize * len(self.starts)

    def slice(self, start: int, stop: int) -> list[str]:
        start, stop = min(start, len(self)), min(stop, len(self))
        return self.text[self.starts[start]:self.starts[stop] - 1].split("\n") if start < stop else []


def _count(store: EventStore, sql: str, params: list[object]) -> int:
    row = store.query(f"SELECT count(*) AS n FROM ({sql}) d", params)
    return int(row[0]["n"]) if row else 0  # type: ignore[call-overload]


def _ordered_ids(store: EventStore, sql: str, params: list[object], sort: Sort) -> IdOrder:
    """The first ``ORDER_CACHE_MAX`` + 1 ids of the result in ``sort`` order (one more than
    kept whole, to tell a complete order from a cut one)."""
    cursor = store.connection.cursor()
    try:
        return _id_order(cursor.execute(f"SELECT d.event_id FROM ({sql}) d ORDER BY {order_sql(sort)} LIMIT ?",
                                        [*params, ORDER_CACHE_MAX + 1]))
    finally:
        cursor.close()


def _id_order(result: duckdb.DuckDBPyConnection) -> IdOrder:
    """The ids of ``result`` (one VARCHAR column), fetched as one numpy column: a third less CPU
    than a tuple a row (42k ids: 19 instead of 29 ms with the query), most of it holding the GIL."""
    (ids,) = result.fetchnumpy().values()
    return IdOrder.of([str(i) for i in ids.tolist()])


@dataclass(frozen=True, slots=True)
class DatasetTable:
    """A table of ``SCRATCH`` holding ``KEY_COLUMNS`` of every row of a dataset (before filters)
    and, if ``rows``, the table's columns too (``SUMMARY_COLUMNS``)."""

    name: str
    rows: bool


def scratch_table(cursor: duckdb.DuckDBPyConnection, generation: int, kind: str) -> str:
    """A new name for a table of ``kind`` (any text) in ``SCRATCH`` (attached first), made while
    the store is at ``generation``; the tables of earlier generations, and this kind's of this
    one (built again after leaving the cache), are dropped first."""
    flavour = hashlib.md5(kind.encode()).hexdigest()[:12]
    cursor.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SCRATCH} (READ_WRITE)")
    for (old,) in cursor.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?",
                                 [SCRATCH]).fetchall():
        _, made, other, _ = str(old).split("_")
        if int(made) < generation or (other == flavour and int(made) == generation):
            # out of date, or this kind's that left the cache (a newer write's stays)
            cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}.{old}")
    return f"{SCRATCH}.t_{generation}_{flavour}_{next(_tables)}"


def dataset_table(store: EventStore, ds: Dataset, cache: AnswerCache) -> DatasetTable:
    """The table of ``ds``'s level, method and corrections (no other filter), built on first use
    and kept until the next write; building one drops those of earlier writes."""
    key = f"table\x00{ds.level}\x00{ds.method}\x00{ds.filters.corrections}"

    def build() -> DatasetTable:
        generation = cache.generation
        sql, params = _unfiltered(ds)
        cursor = store.connection.cursor()
        try:
            name = scratch_table(cursor, generation, key)
            events = cursor.execute("SELECT count(*) FROM events").fetchone()
            rows = bool(events) and int(events[0]) <= ROWS_TABLE_MAX  # type: ignore[index]
            columns = dict.fromkeys([*KEY_COLUMNS, *(SUMMARY_COLUMNS if rows else ())])
            cursor.execute(f"CREATE TABLE {name} AS SELECT {', '.join(f'd.{c}' for c in columns)} FROM ({sql}) d",
                           params)
        finally:
            cursor.close()
        return DatasetTable(name, rows)
    return cache.get(key, build, lambda _: 100)


def _ordered_ids_from_table(store: EventStore, ds: Dataset, sort: Sort, cache: AnswerCache) -> IdOrder | None:
    """``_ordered_ids`` of ``ds`` sorted from its table (``dataset_table``), or None when the
    table went with a write meanwhile (or a filter needs a column the table lacks)."""
    conds, params = ds.filters.where(ds.method)
    where = (" WHERE " + " AND ".join(conds)) if conds else ""
    table = dataset_table(store, ds, cache)
    cursor = store.connection.cursor()
    # a text search reads the linked event's id as k.link_id: the row is ``k`` too (costs 10 ms on 50k)
    link = ", LATERAL (SELECT e.link_id AS link_id) k" if ds.filters.text else ""
    try:
        return _id_order(cursor.execute(f"SELECT d.event_id FROM (SELECT e.* FROM {table.name} e{link}{where}) d "
                                        f"ORDER BY {order_sql(sort)} LIMIT ?", [*params, ORDER_CACHE_MAX + 1]))
    except (duckdb.CatalogException, duckdb.BinderException):  # dropped since (a write), or a filter on
        return None  # a column the table lacks
    finally:
        cursor.close()


def _order(store: EventStore, ds: Dataset, sort: Sort, cache: AnswerCache) -> IdOrder:
    found = _ordered_ids_from_table(store, ds, sort, cache)
    if found is not None:
        return found
    sql, params = ds.sql()
    return _ordered_ids(store, sql, params, sort)


def _order_key(ds: Dataset, sort: Sort) -> str:
    sql, params = ds.sql()
    return f"order\x00{sql}\x00{params!r}\x00{sort.value}"


def _row_key(ds: Dataset) -> str:
    """The cache key of an event's row, but for its id (appended)."""
    return f"row\x00{ds.level}\x00{ds.method}\x00{ds.filters.corrections}\x00"


def _page_ids(store: EventStore, ds: Dataset, sort: Sort, start: int, size: int,
              cache: AnswerCache | None) -> tuple[int, list[str], list[str]]:
    """The result's total, the page's ids, and the ids to read ahead with them."""
    sql, params = ds.sql()
    if cache is not None:
        order: IdOrder = cache.get(_order_key(ds, sort), lambda: _order(store, ds, sort, cache), lambda o: o.nbytes)
        whole = len(order) <= ORDER_CACHE_MAX
        total = len(order) if whole else cache.get(f"count\x00{sql}\x00{params!r}",
                                                   lambda: _count(store, sql, params), lambda _: 100)
        if whole or start + size <= len(order):
            return total, order.slice(start, start + size), order.slice(start, start + max(size, READ_AHEAD))
    else:
        total = _count(store, sql, params)
    keys = store.query(f"SELECT d.event_id FROM ({sql}) d ORDER BY {order_sql(sort)} LIMIT ? OFFSET ?",
                       [*params, size, start])
    ids = [str(k["event_id"]) for k in keys]
    return total, ids, ids


def _unfiltered(ds: Dataset) -> tuple[str, list[object]]:
    """The query of every row of ``ds``'s level, method and corrections, no other filter, unordered."""
    return dataset_query(level=ds.level, method=ds.method, ordered=False,
                         filters=EventFilter(corrections=ds.filters.corrections))


def _read_items(store: EventStore, ds: Dataset, ids: list[str], table: DatasetTable | None = None) -> dict[str, bytes]:
    """The table's JSON row (summary and correction in force) of each of ``ids`` in the dataset
    (from ``table`` when it holds the rows)."""
    # the filters have chosen the ids already (only corrections change the values)
    columns = ", ".join(f"d.{c}" for c in SUMMARY_COLUMNS)
    rows = None
    if ids and table is not None and table.rows:
        try:
            rows = store.query(f"SELECT {columns} FROM {table.name} d "
                               "WHERE d.event_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        except duckdb.CatalogException:  # dropped since (a write)
            rows = None
    if rows is None:
        sql, params = _unfiltered(ds)
        rows = store.query(f"SELECT {columns} FROM ({sql}) d WHERE d.event_id IN (SELECT unnest(?::VARCHAR[]))",
                           [*params, ids]) if ids else []
    marks = current_corrections(store, [str(r["event_id"]) for r in rows])
    out: dict[str, bytes] = {}
    for row in rows:
        item = summary(row)
        item["correction"] = correction_summary(marks.get(str(row["event_id"])))
        out[str(row["event_id"])] = json_bytes(item)
    return out


def _items(store: EventStore, ds: Dataset, ids: list[str], ahead: list[str], cache: AnswerCache | None) -> list[bytes]:
    if cache is None:
        found = _read_items(store, ds, ids)
        return [found[i] for i in ids if i in found]
    flavour = _row_key(ds)
    found = {i: cache.peek(flavour + i) for i in ids}
    if any(v is None for v in found.values()):
        want = dict.fromkeys([i for i, v in found.items() if v is None])
        want.update((i, None) for i in ahead if i not in found and cache.peek(flavour + i) is None)
        generation = cache.generation
        read = _read_items(store, ds, list(want), dataset_table(store, ds, cache))
        for i, item in read.items():
            cache.put(flavour + i, item, len(item), generation)
        found.update(read)
    return [v for v in (found[i] for i in ids) if v is not None]


def events_page(store: EventStore, ds: Dataset, *, sort: Sort, page: int, page_size: int,
                cache: AnswerCache | None = None) -> bytes:
    """One page of the dataset as the JSON answer of ``/events``."""
    start = (page - 1) * page_size
    total, ids, ahead = _page_ids(store, ds, sort, start, page_size, cache)
    return _answer(ds, sort, page, page_size, total, _items(store, ds, ids, ahead, cache))


def kept_page(ds: Dataset, *, sort: Sort, page: int, page_size: int, cache: AnswerCache) -> bytes | None:
    """``events_page`` from the kept order and rows alone, or None when any of them is not kept.
    Needs no store, so the server answers it without waiting for a reader's slot."""
    order: IdOrder | None = cache.peek(_order_key(ds, sort))
    if order is None or len(order) > ORDER_CACHE_MAX:
        return None
    start = (page - 1) * page_size
    flavour = _row_key(ds)
    items = [cache.peek(flavour + i) for i in order.slice(start, start + page_size)]
    if any(item is None for item in items):
        return None
    return _answer(ds, sort, page, page_size, len(order), items)


def warm_default_page(store: EventStore, cache: AnswerCache, *, max_events: int = WARM_MAX_EVENTS,
                      all_sorts_max: int = WARM_SORTS_MAX_EVENTS) -> str:
    """Build the table of the default dataset (plain ``/events``: linked, dyad, corrections
    applied; ``dataset_table``), its order by date and the rows of its first pages, as the first
    ``/events`` request would, and up to ``all_sorts_max`` events the same in every other sort;
    for ``eventcoder serve`` before it listens. Nothing on an empty store or one of more than
    ``max_events`` events. What was done, for the log."""
    from eventcoder.server.params import dataset_params

    row = store.connection.execute("SELECT count(*) FROM events").fetchone()
    events = int(row[0]) if row else 0
    if events == 0 or events > max_events:
        return (f"default page table not built before serving: {events} events "
                f"({'empty store' if events == 0 else f'over {max_events}'}); the first /events builds it")
    started = time.perf_counter()
    sorts = [Sort.date_desc, *(s for s in Sort if s is not Sort.date_desc and events <= all_sorts_max)]
    for sort in sorts:
        events_page(store, dataset_params(), sort=sort, page=1, page_size=50, cache=cache)
    return (f"default page table built before serving: {events} events, {len(sorts)} "
            f"sort{'s' if len(sorts) > 1 else ''} in {time.perf_counter() - started:.2f} s")


def _answer(ds: Dataset, sort: Sort, page: int, page_size: int, total: int, items: list[bytes]) -> bytes:
    head: dict[str, Any] = {
        "total": total, "page": page, "page_size": page_size, "pages": (total + page_size - 1) // page_size,
        "sort": sort.value, "level": ds.level, "method": ds.method,
        "corrections": "apply" if ds.filters.corrections else "ignore"}
    return json_bytes(head)[:-1] + b',"items":[' + b",".join(items) + b"]}"
