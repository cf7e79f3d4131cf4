"""Read endpoints for events and articles: the filtered table, one event with its evidence, one article."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from eventcoder.server.cache import AnswerCache
from eventcoder.server.errors import ApiError
from eventcoder.server.evidence import article_spans, event_spans
from eventcoder.server.params import Dataset, dataset_params
from eventcoder.server.rows import clean, correction_full, correction_summary, records, summary
from eventcoder.server.state import ServerState, state_of
from eventcoder.store import EventStore
from eventcoder.store.corrections import CORRECTED_EVENTS_SQL, corrections_for_event, current_corrections
from eventcoder.store.datasets import EventFilter, dataset_query

router = APIRouter(tags=["events"])
IdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="id (hex)")]


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


def _order(sort: Sort) -> str:
    key = sort.value.lstrip("-")
    direction = "DESC" if sort.value.startswith("-") else "ASC"
    return f"{_SORT_SQL[key]} {direction} NULLS LAST, d.event_date DESC, d.unit_id, d.event_id"


# Results up to this many events keep their whole id order in the answer cache (17 bytes an id:
# 3.4 MB at the limit, under the cache's 8 MB per answer); bigger ones read each page with LIMIT.
ORDER_CACHE_MAX = 200_000


def _count(store: EventStore, sql: str, params: list[object]) -> int:
    row = store.query(f"SELECT count(*) AS n FROM ({sql}) d", params)
    return int(row[0]["n"]) if row else 0  # type: ignore[call-overload]


def _ordered_ids(store: EventStore, sql: str, params: list[object], sort: Sort) -> str:
    """Every id of the result in ``sort`` order, newline-joined (one string: small to keep)."""
    cursor = store.connection.cursor()
    try:
        rows = cursor.execute(f"SELECT d.event_id FROM ({sql}) d ORDER BY {_order(sort)}", params).fetchall()
    finally:
        cursor.close()
    return "\n".join(str(r[0]) for r in rows)


def query_events(store: EventStore, ds: Dataset, *, sort: Sort, page: int, page_size: int,
                 cache: AnswerCache | None = None) -> dict[str, Any]:
    """One page of the dataset. The page is chosen on the ids and sort keys alone, then only
    its rows are read whole: sorting every wide row to keep fifty cost seconds on a big store.
    With a ``cache`` the total is counted once per filter, not once per page, and for a result of
    up to ``ORDER_CACHE_MAX`` events the whole order of its ids is kept per filter and sort, so
    later pages are a slice of it."""
    sql, params = ds.sql()
    if cache is None:
        total = _count(store, sql, params)
    else:
        total = cache.get(f"count\x00{sql}\x00{params!r}", lambda: _count(store, sql, params), lambda _: 100)
    start = (page - 1) * page_size
    if cache is not None and total <= ORDER_CACHE_MAX:
        order = cache.get(f"order\x00{sql}\x00{params!r}\x00{sort.value}",
                          lambda: _ordered_ids(store, sql, params, sort), len)
        ids = order.split("\n")[start:start + page_size] if order else []
    else:
        keys = store.query(f"SELECT d.event_id FROM ({sql}) d ORDER BY {_order(sort)} LIMIT ? OFFSET ?",
                           [*params, page_size, start])
        ids = [str(k["event_id"]) for k in keys]
    # the page's rows whole; the filters have chosen them already (only corrections change values)
    rows_sql, rows_params = dataset_query(level=ds.level, method=ds.method, ordered=False,
                                          filters=EventFilter(corrections=ds.filters.corrections))
    found = store.query(f"SELECT * FROM ({rows_sql}) d WHERE d.event_id IN (SELECT unnest(?::VARCHAR[]))",
                        [*rows_params, ids]) if ids else []
    by_id = {str(r["event_id"]): r for r in found}
    rows = [by_id[i] for i in ids if i in by_id]
    marks = current_corrections(store, ids)
    items = []
    for row in rows:
        item = summary(row)
        item["correction"] = correction_summary(marks.get(str(row["event_id"])))
        items.append(item)
    pages = (total + page_size - 1) // page_size
    return {"total": total, "page": page, "page_size": page_size, "pages": pages, "sort": sort.value,
            "level": ds.level, "method": ds.method, "corrections": "apply" if ds.filters.corrections else "ignore",
            "items": items}


@router.get("/events", summary="Events, filtered, sorted and paged", response_model=dict[str, Any])
def list_events(
    request: Request,
    ds: Annotated[Dataset, Depends(dataset_params)],
    sort: Annotated[Sort, Query(description="sort key; '-' for descending")] = Sort.date_desc,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")] = 1,
    page_size: Annotated[int, Query(ge=1, description="rows per page (capped: see max in /health)")] = 50,
) -> Response:
    state = state_of(request)
    if page_size > state.max_page_size:
        raise ApiError(422, f"page_size is at most {state.max_page_size}",
                       details=[{"location": "query", "field": "page_size", "problem": f"at most {state.max_page_size}"}])

    def read() -> dict[str, Any]:
        with state.reading() as store:
            return query_events(store, ds, sort=sort, page=page, page_size=page_size, cache=state.cache)
    return state.cache.response(request, read)


def _linked(store: EventStore, event_id: str) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT l.method, k.link_id, k.rep_event_id, k.num_events, k.num_mentions, k.num_sources, "
        "k.num_articles, k.first_date, k.last_date FROM event_links l JOIN linked_events k "
        "ON k.method = l.method AND k.link_id = l.link_id WHERE l.event_id = ? ORDER BY l.method", [event_id])
    for row in rows:
        row["members"] = records(store.query(
            "SELECT e.event_id, e.article_id, e.event_date, e.cameo_code, e.trigger, a.headline, a.outlet, a.url "
            "FROM event_links l JOIN events e ON e.event_id = l.event_id JOIN articles a ON a.article_id = e.article_id "
            "WHERE l.method = ? AND l.link_id = ? ORDER BY e.event_date, e.event_id LIMIT 200",
            [row["method"], row["link_id"]]))
    return records(rows)


@router.get("/events/{event_id}", response_model=dict[str, Any],
            summary="One event with its mentions, evidence spans and corrections")
def get_event(request: Request, event_id: IdPath) -> Response:
    state = state_of(request)
    return state.cache.response(request, lambda: _event_detail(state, event_id))


def _event_detail(state: ServerState, event_id: str) -> dict[str, Any]:
    with state.reading() as store:
        found = store.query("SELECT * FROM events WHERE event_id = ?", [event_id])
        if not found:
            raise ApiError(404, f"no event {event_id!r}")
        event = found[0]
        article = store.article(str(event["article_id"])) or {}
        current = current_corrections(store, [event_id]).get(event_id)
        # without a correction in force the corrected event is the event itself
        corrected = store.query(f"SELECT * FROM {CORRECTED_EVENTS_SQL} e WHERE e.event_id = ?",
                                [event_id]) if current else [event]
        mentions = store.query(
            "SELECT m.article_id, m.sentence_index, m.sentence, m.trigger, a.headline, a.outlet, a.url, a.published "
            "FROM event_mentions m JOIN articles a ON a.article_id = m.article_id WHERE m.event_id = ? "
            "ORDER BY m.article_id, m.sentence_index", [event_id])
        history = corrections_for_event(store, event_id)
        linked = _linked(store, event_id)
    return {
        "event": {k: clean(v) for k, v in event.items()},
        "corrected": {k: clean(v) for k, v in corrected[0].items()} if corrected else None,
        "correction": correction_full(current) if current else None,
        "history": [correction_full(c) for c in history],
        "spans": event_spans(event, str(article.get("text") or "")),
        "article": {k: clean(article.get(k)) for k in ("article_id", "headline", "outlet", "url", "published")},
        "mentions": records(mentions),
        "linked": linked,
    }


@router.get("/articles/{article_id}", summary="One article's text with the spans of its events")
def get_article(request: Request, article_id: IdPath) -> dict[str, Any]:
    with state_of(request).reading() as store:
        article = store.article(article_id)
        if article is None:
            raise ApiError(404, f"no article {article_id!r}")
        events = store.events_for_article(article_id)
        marks = current_corrections(store, [str(e["event_id"]) for e in events])
    text = str(article.get("text") or "")
    items = []
    for e in events:
        item = summary(e)
        item["correction"] = correction_summary(marks.get(str(e["event_id"])))
        items.append(item)
    return {
        "article": {k: clean(v) for k, v in article.items()},
        "events": items,
        "spans": article_spans(events, text),
    }
