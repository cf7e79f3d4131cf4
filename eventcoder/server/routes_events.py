"""Read endpoints for events and articles: the filtered table, one event with its evidence, one article."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from eventcoder.server import detail
from eventcoder.server.cache import AnswerCache
from eventcoder.server.errors import ApiError
from eventcoder.server.evidence import article_spans, event_spans
from eventcoder.server.pages import Sort, events_page, kept_page
from eventcoder.server.params import Dataset, dataset_params
from eventcoder.server.rows import clean, correction_full, correction_summary, summary
from eventcoder.server.state import ServerState, state_of
from eventcoder.store import EventStore
from eventcoder.store.corrections import CORRECTED_EVENTS_SQL, corrections_for_event, current_corrections, in_force

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
        history = corrections_for_event(store, event_id)
        current = in_force(history)
        # without a correction in force the corrected event is the event itself
        corrected = store.query(f"SELECT * FROM {CORRECTED_EVENTS_SQL} e WHERE e.event_id = ?",
                                [event_id]) if current else [event]
        lookups = detail.event_lookups(store, state.cache)
        mentions, linked = detail.mentions_and_links(store, lookups, event_id)
    return {
        "event": {k: clean(v) for k, v in event.items()},
        "corrected": {k: clean(v) for k, v in corrected[0].items()} if corrected else None,
        "correction": correction_full(current) if current else None,
        "history": [correction_full(c) for c in history],
        "spans": event_spans(event, str(article.get("text") or "")),
        "article": {k: clean(article.get(k)) for k in ("article_id", "headline", "outlet", "url", "published")},
        "mentions": mentions,
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
