"""Write endpoints (need the operator's bearer token): code new articles, correct events."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from eventcoder import __version__
from eventcoder.ingest.jsonl import record_to_article
from eventcoder.ingest.options import IngestOptions
from eventcoder.records import Article, Rejection
from eventcoder.server.errors import ApiError
from eventcoder.server.rows import correction_full
from eventcoder.server.state import ServerState, require_writer, state_of
from eventcoder.store import EventStore
from eventcoder.store.corrections import add_correction

router = APIRouter(tags=["write"])
MAX_ARTICLES = 50


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=200_000, description="the article body")
    headline: str | None = Field(None, max_length=1000)
    published: str | None = Field(None, max_length=64, description="publication date (ISO, or as written)")
    outlet: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=2000)
    id: str | None = Field(None, max_length=200, description="the source's own id (kept in metadata)")


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_ARTICLES)


class Changes(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cameo_code: str | None = Field(None, pattern=r"^[0-9]{2,4}$", description="corrected CAMEO code ('112')")
    source_code: str | None = Field(None, pattern=r"^[A-Za-z0-9]{3,30}$")
    source_name: str | None = Field(None, max_length=200)
    source_text: str | None = Field(None, max_length=500, description="the source as written in the sentence")
    target_code: str | None = Field(None, pattern=r"^[A-Za-z0-9]{3,30}$", description="null (with remove_target) clears")
    target_name: str | None = Field(None, max_length=200)
    target_text: str | None = Field(None, max_length=500)
    remove_target: bool = Field(False, description="the event has no target")


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["wrong", "change", "confirm", "retract"]
    author: str = Field(min_length=1, max_length=200, description="who makes the correction")
    note: str | None = Field(None, max_length=2000)
    changes: Changes | None = None


def _changes(body: CorrectionIn) -> dict[str, object]:
    if body.changes is None:
        return {}
    given = body.changes.model_dump(exclude_unset=True, exclude_none=True)
    remove = given.pop("remove_target", False)
    if remove:
        given["target_code"] = None
        for key in ("target_name", "target_text"):
            given.pop(key, None)
    return given


@router.post("/events/{event_id}/corrections", status_code=201, summary="Correct an event (token required)",
             dependencies=[Depends(require_writer)])
def correct_event(
    request: Request, event_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")], body: CorrectionIn,
) -> dict[str, Any]:
    state = state_of(request)
    rules = state.rules()
    with state.writing() as store:
        if not store.query("SELECT 1 FROM events WHERE event_id = ?", [event_id]):
            raise ApiError(404, f"no event {event_id!r}")
        row = add_correction(store, event_id=event_id, action=body.action, author=body.author, rules=rules,
                             changes=_changes(body), note=body.note)
    return correction_full(row)


def _to_articles(items: list[ArticleIn], options: IngestOptions, stamp: str) -> list[Article | Rejection]:
    out: list[Article | Rejection] = []
    for n, item in enumerate(items, start=1):
        record = {"text": item.text, "title": item.headline, "date": item.published, "source": item.outlet,
                  "url": item.url, "id": item.id}
        out.append(record_to_article({k: v for k, v in record.items() if v is not None},
                                     origin=f"api:{stamp}:{n}", name="api", options=options))
    return out


def _code_and_store(state: ServerState, store: EventStore, parsed: list[Article | Rejection]) -> list[dict[str, Any]]:
    fresh = [a for a in parsed if isinstance(a, Article) and not store.has_article(a.id)]
    results = list(state.pipeline().code_articles(fresh)) if fresh else []
    run_id = store.start_run(config={**asdict(state.settings), "via": "http"}, version=__version__)
    started, coded = time.perf_counter(), {r.article.id: r for r in results}
    counts = {"articles": 0, "sentences": 0, "events": 0, "rejections": 0}
    out: list[dict[str, Any]] = []
    for item in parsed:
        if isinstance(item, Rejection):
            store.add_rejection(item, run_id=run_id)
            counts["rejections"] += 1
            out.append({"article_id": item.article_id, "status": "rejected", "reason": item.reason, "detail": item.detail})
            continue
        result = coded.get(item.id)
        if result is None:
            out.append({"article_id": item.id, "status": "already_stored", "events": []})
        elif result.rejection is not None:
            store.add_rejection(result.rejection, run_id=run_id)
            counts["rejections"] += 1
            out.append({"article_id": item.id, "status": "rejected", "reason": result.rejection.reason,
                        "detail": result.rejection.detail})
        else:
            conflicts: list[Rejection] = []
            counts["events"] += store.add_articles([(result.article, result.events)], run_id=run_id,
                                                   conflicts=conflicts, unknown=result.unknown)
            if conflicts:  # the same outlet and id as a stored article, with other text
                counts["rejections"] += 1
                out.append({"article_id": item.id, "status": "rejected", "reason": conflicts[0].reason,
                            "detail": conflicts[0].detail})
                continue
            counts["articles"] += 1
            counts["sentences"] += result.sentences
            out.append({"article_id": item.id, "status": "coded", "events": [e.id for e in result.events]})
    store.finish_run(run_id, seconds=time.perf_counter() - started, **counts)
    if counts["articles"]:
        from eventcoder.link import link_pending

        link_pending(store)
    return out


@router.post("/articles", status_code=200, summary="Code new articles and store them (token required)",
             dependencies=[Depends(require_writer)])
def post_articles(request: Request, body: ArticlesIn) -> dict[str, Any]:
    state = state_of(request)
    options = IngestOptions(max_bytes=state.settings.max_bytes)
    parsed = _to_articles(body.articles, options, time.strftime("%Y%m%dT%H%M%S"))
    state.pipeline()  # build (first time only) before taking the store lock
    with state.writing() as store:
        results = _code_and_store(state, store, parsed)
    return {"results": results, "coded": sum(r["status"] == "coded" for r in results),
            "events": sum(len(r.get("events", [])) for r in results)}
