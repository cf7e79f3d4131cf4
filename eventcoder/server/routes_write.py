"""Write endpoints (need the operator's bearer token): code new articles, correct events."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from eventcoder.ingest.jsonl import record_to_article
from eventcoder.ingest.options import IngestOptions
from eventcoder.records import Article, Rejection
from eventcoder.run import Outcome, code_inputs
from eventcoder.server.detail import LOOKUPS_KEY
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
    with state.writing(keep=(LOOKUPS_KEY,)) as store:  # a correction changes none of the tables they copy
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


def _answer(item: Article | Rejection, outcomes: dict[str, Outcome]) -> dict[str, Any]:
    """One article's entry in the answer: coded (with its event ids), already_stored or rejected."""
    if isinstance(item, Rejection):
        return {"article_id": item.article_id, "status": "rejected", "reason": item.reason, "detail": item.detail}
    outcome = outcomes[item.id]
    if outcome.status == "rejected":
        return {"article_id": item.id, "status": "rejected", "reason": outcome.reason, "detail": outcome.detail}
    return {"article_id": item.id, "status": outcome.status, "events": list(outcome.events)}


def _code_and_store(state: ServerState, store: EventStore, parsed: list[Article | Rejection]) -> list[dict[str, Any]]:
    outcomes: dict[str, Outcome] = {}
    code_inputs(parsed, settings=state.settings, store=store, pipeline=state.pipeline(), run_config={"via": "http"},
                on_outcome=lambda o: outcomes.setdefault(o.article_id, o))
    return [_answer(item, outcomes) for item in parsed]


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
