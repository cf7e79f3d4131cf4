"""``eventcoder watch``: poll RSS/Atom feeds, fetch new article pages, code and store them.

Each poll is one run in the store's ``runs`` table. Feeds are fetched with conditional requests
(ETag / Last-Modified from the previous poll). Every feed entry handled is logged in
``watch_items``; an entry (by id/guid or by URL) that was coded, rejected or found already stored
is never fetched again, across restarts. A page that could not be fetched is retried on later
polls, up to ``max_attempts`` times. Before coding, the article id is checked against the store,
so an article is never coded twice even if the process was killed between storing it and logging
its entry. Pages are coded and stored by ``eventcoder.run.code_inputs``, which links the new
events to those already stored, as ``eventcoder code`` does.
"""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from eventcoder import __version__
from eventcoder.errors import ConfigError
from eventcoder.ingest import IngestOptions
from eventcoder.ingest.checks import Problem
from eventcoder.ingest.feeds import Feed, FeedEntry, parse_feed
from eventcoder.ingest.html import html_to_article
from eventcoder.pipeline import Pipeline
from eventcoder.records import Article, Rejection
from eventcoder.run import Outcome, RunRecord, code_inputs
from eventcoder.settings import Settings
from eventcoder.store import EventStore

USER_AGENT = f"eventcoder/{__version__} (+https://pypi.org/project/eventcoder/; watch)"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")


def parse_interval(text: str) -> float:
    """``"15m"``, ``"90s"``, ``"1h30m"``, ``"2d"`` or plain seconds (``"600"``) → seconds."""
    cleaned = text.strip().lower().replace(" ", "")
    parts = _INTERVAL.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned:
        raise ConfigError(f"cannot read the interval {text!r}; use e.g. 30s, 15m, 1h, 1h30m")
    seconds = sum(float(n) * _UNITS[u or "s"] for n, u in parts)
    if seconds <= 0:
        raise ConfigError(f"the interval {text!r} must be longer than zero")
    return seconds


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes = b""
    etag: str | None = None
    modified: str | None = None
    error: str = ""


def fetch(url: str, *, timeout: float, max_bytes: int, etag: str | None = None, modified: str | None = None) -> Response:
    """GET ``url`` (or read a local file); 304 when the conditional headers say nothing changed."""
    if "://" not in url:
        try:
            with open(url, "rb") as handle:
                return Response(200, handle.read(max_bytes + 1))
        except OSError as err:
            return Response(0, error=err.strerror or str(err))
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as reply:
            body = reply.read(max_bytes + 1)
            return Response(reply.status, body, reply.headers.get("ETag"), reply.headers.get("Last-Modified"))
    except urllib.error.HTTPError as err:
        return Response(err.code, error=f"HTTP {err.code} {err.reason}")
    except (urllib.error.URLError, OSError, ValueError) as err:
        return Response(0, error=f"{type(err).__name__}: {getattr(err, 'reason', err)}")


@dataclass(slots=True)
class PollSummary:
    run_id: str
    feeds: int = 0
    entries: int = 0
    new: int = 0
    coded: int = 0
    events: int = 0
    rejected: int = 0
    known: int = 0
    failed: int = 0
    feed_errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (f"poll {self.run_id}: {self.feeds} feeds, {self.entries} entries, {self.new} new: "
                f"{self.coded} coded ({self.events} events), {self.rejected} rejected, "
                f"{self.known} already stored, {self.failed} failed")
        return text + "".join(f"\n  feed error: {e}" for e in self.feed_errors)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class WatchState:
    """The watch tables of a store: which entries are done, each feed's last validators."""

    def __init__(self, store: EventStore, *, max_attempts: int) -> None:
        self.store = store
        self.max_attempts = max_attempts

    def done(self) -> tuple[set[str], set[str]]:
        """Keys and URLs of entries that need no more work."""
        rows: Sequence[Mapping[str, Any]] = self.store.query(
            "SELECT item_key, url, bool_or(status IN ('coded', 'rejected', 'known')) AS finished, "
            "count(*) FILTER (WHERE status = 'failed') AS failures FROM watch_items GROUP BY item_key, url"
        )
        over = [r for r in rows if r["finished"] or int(r["failures"]) >= self.max_attempts]
        return {str(r["item_key"]) for r in over}, {str(r["url"]) for r in over if r["url"]}

    def validators(self, source: str) -> tuple[str | None, str | None]:
        rows = self.store.query(
            "SELECT etag, last_modified FROM watch_polls WHERE source = ? AND status = 'ok' "
            "ORDER BY polled_at DESC LIMIT 1", [source])
        return (rows[0]["etag"], rows[0]["last_modified"]) if rows else (None, None)  # type: ignore[return-value]

    def log_items(self, rows: Iterable[tuple[FeedEntry, str, str | None, str, str]], run_id: str) -> None:
        """``(entry, source, article_id, status, detail)`` rows into ``watch_items``."""
        values = [[e.key, src, e.url, aid, status, detail, run_id, _now()] for e, src, aid, status, detail in rows]
        self.store.insert_rows("watch_items", ("item_key", "source", "url", "article_id", "status", "detail",
                                               "run_id", "seen_at"), values)

    def log_poll(self, source: str, run_id: str, status: str, response: Response, entries: int = 0, new: int = 0) -> None:
        self.store.insert_rows(
            "watch_polls", ("source", "run_id", "polled_at", "status", "http_status", "etag", "last_modified",
                            "entries", "new_entries", "detail"),
            [[source, run_id, _now(), status, response.status, response.etag, response.modified, entries, new,
              response.error]])


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchOptions:
    timeout: float = 30.0  # seconds per HTTP request
    max_attempts: int = 3  # polls on which a failing page is tried before giving up on it
    fetchers: int = 4  # pages fetched in parallel
    ingest: IngestOptions | None = None


class Watcher:
    """Polls ``sources`` (feed URLs or feed files) into ``store`` with one reusable Pipeline."""

    def __init__(self, sources: Sequence[str], *, settings: Settings, store: EventStore,
                 pipeline: Pipeline | None = None, options: WatchOptions = WatchOptions()) -> None:
        if not sources:
            raise ConfigError("watch needs at least one feed URL or feed file")
        self.sources = list(sources)
        self.settings = settings
        self.store = store
        self.options = options
        self.ingest = options.ingest or IngestOptions(max_bytes=settings.max_bytes)
        self.state = WatchState(store, max_attempts=options.max_attempts)
        self._pipeline = pipeline

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline(self.settings)
        return self._pipeline

    def poll(self) -> PollSummary:
        """One pass over every source; returns what it found and did."""
        with RunRecord(self.store, self.settings, command="watch", sources=self.sources) as run:
            summary = PollSummary(run.run_id)
            keys, urls = self.state.done()
            for source in self.sources:
                self._poll_source(source, summary, keys, urls, run)
        return summary

    def _poll_source(self, source: str, summary: PollSummary, keys: set[str], urls: set[str], run: RunRecord) -> None:
        etag, modified = self.state.validators(source)
        response = fetch(source, timeout=self.options.timeout, max_bytes=self.settings.max_bytes,
                         etag=etag, modified=modified)
        if response.status == 304:
            self.state.log_poll(source, summary.run_id, "not-modified", response)
            return
        feed = parse_feed(response.body, base_url=source) if response.status == 200 else None
        if not isinstance(feed, Feed):
            why = response.error or (feed.detail if isinstance(feed, Problem) else f"HTTP {response.status}")
            summary.feed_errors.append(f"{source}: {why}")
            self.state.log_poll(source, summary.run_id, "failed", Response(response.status, error=why))
            return
        summary.feeds += 1
        summary.entries += len(feed.entries)
        fresh = [e for e in feed.entries if e.key not in keys and (e.url is None or e.url not in urls)]
        fresh = list({e.key: e for e in fresh}.values())
        summary.new += len(fresh)
        first_by_url: dict[str, FeedEntry] = {}
        repeats = [e for e in fresh if e.url and first_by_url.setdefault(e.url, e) is not e]
        self._handle([e for e in fresh if e not in repeats], source, summary, run)
        if repeats:  # another entry of this poll has the same page: it was fetched once
            summary.known += len(repeats)
            self.state.log_items([(e, source, None, "known", "same URL as another entry") for e in repeats],
                                 summary.run_id)
        keys.update(e.key for e in fresh)
        urls.update(e.url for e in fresh if e.url)
        self.state.log_poll(source, summary.run_id, "ok", response, len(feed.entries), len(fresh))

    def _handle(self, entries: list[FeedEntry], source: str, summary: PollSummary, run: RunRecord) -> None:
        """Fetch, read, code and store the entries' pages; log every entry's outcome."""
        log: list[tuple[FeedEntry, str, str | None, str, str]] = []
        to_code: list[tuple[FeedEntry, Article | Rejection]] = []
        with ThreadPoolExecutor(max_workers=max(1, self.options.fetchers)) as pool:
            pages = list(pool.map(self._read_entry, entries))
        batch_ids: set[str] = set()
        for entry, item in zip(entries, pages):
            if isinstance(item, str):
                summary.failed += 1
                log.append((entry, source, None, "failed", item))
            elif isinstance(item, Rejection):
                summary.rejected += 1
                log.append((entry, source, item.article_id, "rejected", item.reason))
                to_code.append((entry, item))  # stored with the run's other rejections
            elif item.id in batch_ids or self.store.has_article(item.id):
                summary.known += 1
                log.append((entry, source, item.id, "known", ""))
            else:
                batch_ids.add(item.id)
                to_code.append((entry, item))
        if to_code:
            log.extend(self._code(to_code, source, summary, run))
        if log:
            self.state.log_items(log, summary.run_id)

    def _read_entry(self, entry: FeedEntry) -> Article | Rejection | str:
        """The entry's page as an Article or a Rejection; a string says why it could not be fetched."""
        if not entry.url:
            return "the entry has no link"
        response = fetch(entry.url, timeout=self.options.timeout, max_bytes=self.settings.max_bytes)
        if response.status != 200:
            return response.error or f"HTTP {response.status}"
        extra = (("feed_entry", entry.key),)
        return html_to_article(response.body, origin=entry.url, options=self.ingest, url=entry.url,
                               fallback=entry.published, fallback_how="feed", extra=extra)

    def _code(self, items: list[tuple[FeedEntry, Article | Rejection]], source: str, summary: PollSummary,
              run: RunRecord) -> list[tuple[FeedEntry, str, str | None, str, str]]:
        """Code and store the pages read (and record those rejected), then link the new events."""
        outcomes: dict[str, Outcome] = {}
        articles = [item for _, item in items if isinstance(item, Article)]
        stored = code_inputs([item for _, item in items], settings=self.settings, store=self.store,
                             pipeline=self.pipeline if articles else None, run=run,
                             on_outcome=lambda o: outcomes.setdefault(o.article_id, o))
        summary.events += stored.events
        log: list[tuple[FeedEntry, str, str | None, str, str]] = []
        for entry, article in items:
            outcome = outcomes.get(article.id) if isinstance(article, Article) else None
            if outcome is None:
                continue
            if outcome.status == "rejected":
                summary.rejected += 1
                log.append((entry, source, article.id, "rejected", outcome.reason))
            elif outcome.status == "already_stored":
                summary.known += 1
                log.append((entry, source, article.id, "known", ""))
            else:
                summary.coded += 1
                log.append((entry, source, article.id, "coded", f"{len(outcome.events)} events"))
        return log

    def run(self, *, every: float, max_polls: int | None = None, report: Callable[[PollSummary], None] | None = None,
            sleep: Callable[[float], None] = time.sleep) -> list[PollSummary]:
        """Poll every ``every`` seconds, ``max_polls`` times (None: until interrupted)."""
        done: list[PollSummary] = []
        while max_polls is None or len(done) < max_polls:
            started = time.monotonic()
            summary = self.poll()
            done.append(summary)
            if report:
                report(summary)
            if max_polls is not None and len(done) >= max_polls:
                break
            sleep(max(0.0, every - (time.monotonic() - started)))
        return done


def watch_sources(sources: Sequence[str], *, settings: Settings, every: float, max_polls: int | None = None,
                  report: Callable[[PollSummary], None] | None = None, options: WatchOptions = WatchOptions()) -> list[PollSummary]:
    """Open the store named by ``settings.db`` and poll ``sources`` (see ``Watcher``)."""
    with EventStore(os.path.expanduser(settings.db)) as store:
        return Watcher(sources, settings=settings, store=store, options=options).run(
            every=every, max_polls=max_polls, report=report)
