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
  in the same query (500 rows cost about 1.5 times 50, and the pages after it are then free).

Every write empties the cache (``ServerState.writing``), so a kept row or order is exact.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate
from typing import Any

from eventcoder.server.cache import AnswerCache, json_bytes
from eventcoder.server.params import Dataset
from eventcoder.server.rows import correction_summary, summary
from eventcoder.store import EventStore
from eventcoder.store.corrections import current_corrections
from eventcoder.store.datasets import EventFilter, dataset_query

# Results up to this many events keep their whole id order (17 bytes and a 4-byte offset an id:
# 4.2 MB at the limit, under the cache's 8 MB per answer); pages past it are read with LIMIT.
ORDER_CACHE_MAX = 200_000
READ_AHEAD = 500  # rows read with a page that misses: its own and those of the pages after it


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
        rows = cursor.execute(f"SELECT d.event_id FROM ({sql}) d ORDER BY {order_sql(sort)} LIMIT ?",
                              [*params, ORDER_CACHE_MAX + 1]).fetchall()
    finally:
        cursor.close()
    return IdOrder.of([str(r[0]) for r in rows])


def _page_ids(store: EventStore, ds: Dataset, sort: Sort, start: int, size: int,
              cache: AnswerCache | None) -> tuple[int, list[str], list[str]]:
    """The result's total, the page's ids, and the ids to read ahead with them."""
    sql, params = ds.sql()
    if cache is not None:
        order: IdOrder = cache.get(f"order\x00{sql}\x00{params!r}\x00{sort.value}",
                                   lambda: _ordered_ids(store, sql, params, sort), lambda o: o.nbytes)
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


def _read_items(store: EventStore, ds: Dataset, ids: list[str]) -> dict[str, bytes]:
    """The table's JSON row (summary and correction in force) of each of ``ids`` in the dataset."""
    # the filters have chosen the ids already (only corrections change the values)
    sql, params = dataset_query(level=ds.level, method=ds.method, ordered=False,
                                filters=EventFilter(corrections=ds.filters.corrections))
    rows = store.query(f"SELECT * FROM ({sql}) d WHERE d.event_id IN (SELECT unnest(?::VARCHAR[]))",
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
    flavour = f"row\x00{ds.level}\x00{ds.method}\x00{ds.filters.corrections}\x00"
    found = {i: cache.peek(flavour + i) for i in ids}
    if any(v is None for v in found.values()):
        want = dict.fromkeys([i for i, v in found.items() if v is None])
        want.update((i, None) for i in ahead if i not in found and cache.peek(flavour + i) is None)
        generation = cache.generation
        read = _read_items(store, ds, list(want))
        for i, item in read.items():
            cache.put(flavour + i, item, len(item), generation)
        found.update(read)
    return [v for v in (found[i] for i in ids) if v is not None]


def events_page(store: EventStore, ds: Dataset, *, sort: Sort, page: int, page_size: int,
                cache: AnswerCache | None = None) -> bytes:
    """One page of the dataset as the JSON answer of ``/events``."""
    start = (page - 1) * page_size
    total, ids, ahead = _page_ids(store, ds, sort, start, page_size, cache)
    items = _items(store, ds, ids, ahead, cache)
    head: dict[str, Any] = {
        "total": total, "page": page, "page_size": page_size, "pages": (total + page_size - 1) // page_size,
        "sort": sort.value, "level": ds.level, "method": ds.method,
        "corrections": "apply" if ds.filters.corrections else "ignore"}
    return json_bytes(head)[:-1] + b',"items":[' + b",".join(items) + b"]}"
