"""Read endpoints for events and articles: the filtered table, one event with its evidence, one article."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from eventcoder.server.cache import AnswerCache
from eventcoder.server.errors import ApiError
from eventcoder.server.evidence import article_spans, event_spans
from eventcoder.server.pages import Sort, events_page, kept_page
from eventcoder.server.params import Dataset, dataset_params
from eventcoder.server.rows import clean, correction_full, correction_summary, records, summary
from eventcoder.server.state import ServerState, state_of
from eventcoder.store import EventStore
from eventcoder.store.corrections import CORRECTED_EVENTS_SQL, corrections_for_event, current_corrections

router = APIRouter(tags=["events"])
IdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="id (hex)")]


def query_events(store: EventStore, ds: Dataset, *, sort: Sort, page: int, page_size: int,
                 cache: AnswerCache | None = None) -> dict[str, Any]:
    """One page of the dataset (``pages.events_page``, decoded)."""
    result: dict[str, Any] = json.loads(events_page(store, ds, sort=sort, page=page, page_size=page_size, cache=cache))
    return result


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

    def read() -> bytes:
        kept = kept_page(ds, sort=sort, page=page, page_size=page_size, cache=state.cache)
        if kept is not None:  # order and rows kept: no reader's slot to wait for
            return kept
        with state.reading() as store:
            return events_page(store, ds, sort=sort, page=page, page_size=page_size, cache=state.cache)
    return state.cache.raw_response(request, read)


# The linked events an event belongs to (one per linking method) with their first 200 members,
# in one query: a query per method cost as much again (each scans the link tables).
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
_LINK_FIELDS = ("method", "link_id", "rep_event_id", "num_events", "num_mentions", "num_sources", "num_articles",
                "first_date", "last_date")
_MEMBER_FIELDS = ("event_id", "article_id", "event_date", "cameo_code", "trigger", "headline", "outlet", "url")


def _linked(store: EventStore, event_id: str) -> list[dict[str, Any]]:
    rows = store.connection.execute(_LINKED_SQL, [event_id]).fetchall()
    links: dict[str, dict[str, Any]] = {}
    width = len(_LINK_FIELDS)
    for row in rows:
        link = links.get(row[0])
        if link is None:
            link = links[row[0]] = {k: clean(v) for k, v in zip(_LINK_FIELDS, row[:width], strict=True)}
            link["members"] = []
        if row[width] is not None:
            link["members"].append({k: clean(v) for k, v in zip(_MEMBER_FIELDS, row[width:], strict=True)})
    return list(links.values())


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
