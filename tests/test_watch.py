"""``eventcoder watch``: feeds and pages served from a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eventcoder.errors import ConfigError
from eventcoder.settings import Settings
from eventcoder.store import EventStore
from eventcoder.watch import Watcher, WatchOptions, parse_interval

pytest.importorskip("trafilatura", reason="needs the sources extra: pip install 'eventcoder[sources]'")
pytest.importorskip("feedparser", reason="needs the sources extra")

SOURCES = Path(__file__).resolve().parent / "fixtures" / "sources"


def _page(title: str, published: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<html><head><meta charset="utf-8"><title>{title}</title><meta property="og:site_name" content="Loop News">'
            f'<meta property="article:published_time" content="{published}"></head><body>'
            f"<nav>Home | World</nav><article><h1>{title}</h1>{body}</article><footer>(c) Loop News</footer>"
            "</body></html>").encode()


PAGES = {
    "/news/iran-syria.html": (SOURCES / "tehran-pact.html").read_bytes(),
    "/news/china-japan.html": _page("China criticizes Japan", "2021-03-02T09:00:00Z",
                                    "BEIJING - China criticized Japan on Monday over the disputed islands in the East China Sea.",
                                    "The two governments said they would hold talks next month."),
    "/news/russia-turkey.html": _page("Putin and Erdogan meet", "2020-03-05T12:00:00Z",
                                      "MOSCOW - Russian President Vladimir Putin met Turkish President Recep Tayyip Erdogan in Moscow on Thursday.",
                                      "The two leaders discussed the situation in Syria."),
}


class _Site:
    """What the server serves (mutable between polls) and which paths were asked for."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []  # (guid, path, title)
        self.pages: dict[str, bytes] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified = 0

    def feed(self, base: str) -> bytes:
        entries = "".join(
            f"<item><title>{title}</title><link>{base}{path}</link><guid isPermaLink=\"false\">{guid}</guid>"
            f"<pubDate>Mon, 01 Mar 2021 10:00:00 GMT</pubDate><description>{title}</description></item>"
            for guid, path, title in self.items
        )
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop Wire</title><link>{base}/</link>'
                f"{entries}</channel></rss>").encode()


@pytest.fixture()
def site():
    state = _Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.hits[self.path] += 1
            base = f"http://127.0.0.1:{self.server.server_port}"
            if self.path == "/feed.rss":
                body, ctype = state.feed(base), "application/rss+xml"
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    state.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
            elif self.path in state.pages:
                body, ctype, etag = state.pages[self.path], "text/html; charset=utf-8", None
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"  # type: ignore[attr-defined]
    yield state
    server.shutdown()
    server.server_close()


def _watcher(db: Path, site, pipeline) -> tuple[EventStore, Watcher]:
    store = EventStore(db)
    return store, Watcher([f"{site.url}/feed.rss"], settings=Settings(db=str(db)), store=store, pipeline=pipeline,
                          options=WatchOptions(timeout=10))


def test_only_new_entries_are_coded_and_a_restart_codes_nothing_twice(site, tmp_path, pipeline):
    site.pages.update(PAGES)
    site.items = [("g1", "/news/iran-syria.html", "Iran and Syria sign pact"),
                  ("g2", "/news/china-japan.html", "China criticizes Japan")]
    db = tmp_path / "watch.duckdb"
    store, watcher = _watcher(db, site, pipeline)
    first = watcher.poll()
    assert (first.entries, first.new, first.coded, first.failed) == (2, 2, 2, 0)
    codes = {r["cameo_code"] for r in store.query("SELECT cameo_code FROM events")}
    assert "057" in codes  # Iran and Syria signed an agreement
    article = store.query("SELECT * FROM articles WHERE url LIKE '%iran-syria%'")[0]
    assert article["headline"] == "Iran and Syria sign military pact" and article["outlet"] == "Gulf Wire"

    site.items.append(("g3", "/news/russia-turkey.html", "Putin and Erdogan meet"))
    second = watcher.poll()
    assert (second.entries, second.new, second.coded) == (3, 1, 1)
    assert site.hits["/news/iran-syria.html"] == 1 and site.hits["/news/china-japan.html"] == 1
    store.close()

    store, watcher = _watcher(db, site, pipeline)  # a restart: a new process would see only the store
    third = watcher.poll()
    assert (third.new, third.coded) == (0, 0)
    assert site.not_modified == 1  # the feed had not changed: conditional GET with the stored ETag
    assert max(site.hits[p] for p in PAGES) == 1  # no page fetched twice
    assert store.counts()["articles"] == 3
    statuses = Counter(r["status"] for r in store.query("SELECT status FROM watch_items"))
    assert statuses == {"coded": 3}
    assert [r["status"] for r in store.runs()] == ["ok", "ok", "ok"]
    store.close()


def test_failed_pages_are_retried_and_known_articles_are_not_recoded(site, tmp_path, pipeline):
    site.items = [("g1", "/news/china-japan.html", "China criticizes Japan")]
    db = tmp_path / "retry.duckdb"
    store, watcher = _watcher(db, site, pipeline)
    first = watcher.poll()
    assert (first.new, first.failed, first.coded) == (1, 1, 0)  # 404: try again next time
    site.pages.update(PAGES)
    # the same page under a second guid, and the same story at another URL of the site
    site.pages["/mirror/china-japan.html"] = PAGES["/news/china-japan.html"]
    site.items += [("g1-dup", "/news/china-japan.html", "dup"), ("g9", "/mirror/china-japan.html", "mirror")]
    second = watcher.poll()
    assert (second.new, second.coded, second.known) == (3, 2, 1)  # another URL is another article
    assert site.hits["/news/china-japan.html"] == 2  # the 404, then the page once for both guids
    third = watcher.poll()
    assert third.new == 0 and site.hits["/news/china-japan.html"] == 2
    assert store.counts()["articles"] == 2
    store.close()


def test_two_pages_reporting_one_event_are_linked_by_the_poll(site, tmp_path, pipeline):
    site.pages.update(PAGES)
    site.pages["/other/china-japan.html"] = _page(
        "Beijing rebukes Tokyo", "2021-03-02T11:30:00Z",
        "BEIJING - China on Monday criticized Japan over the islands both countries claim in the East China Sea.",
        "Officials in Tokyo did not comment.")
    site.items = [("g2", "/news/china-japan.html", "China criticizes Japan"),
                  ("o7", "/other/china-japan.html", "Beijing rebukes Tokyo")]
    store, watcher = _watcher(tmp_path / "linked.duckdb", site, pipeline)
    assert watcher.poll().coded == 2
    events = store.query("SELECT e.event_id, e.article_id FROM events e WHERE source_code = 'CHN' "
                         "AND target_code = 'JPN' AND cameo_code LIKE '11%'")
    assert len({e["article_id"] for e in events}) == 2  # each page reports the criticism
    unlinked = store.query("SELECT count(*) AS n FROM events WHERE event_id NOT IN "
                           "(SELECT event_id FROM event_links WHERE method = 'dyad')")
    assert unlinked[0]["n"] == 0  # every event is linked after the poll, as after `eventcoder code`
    links = {r["link_id"] for r in store.query("SELECT link_id FROM event_links WHERE method = 'dyad' AND event_id IN "
                                               f"({', '.join(repr(e['event_id']) for e in events)})")}
    assert len(links) == 1  # one real-world event told by two outlets
    assert store.query("SELECT num_articles FROM linked_events WHERE link_id = ?", [links.pop()])[0]["num_articles"] == 2
    store.close()


def test_watch_cli_polls_once(site, tmp_path):
    site.pages.update(PAGES)
    site.items = [("g2", "/news/china-japan.html", "China criticizes Japan")]
    db = tmp_path / "cli.duckdb"
    done = subprocess.run([sys.executable, "-m", "eventcoder", "watch", f"{site.url}/feed.rss", "--db", str(db),
                           "--once", "--every", "1m"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "1 entries, 1 new: 1 coded" in done.stderr
    with EventStore(db, read_only=True) as store:
        assert store.counts()["articles"] == 1
    bad = subprocess.run([sys.executable, "-m", "eventcoder", "watch", f"{site.url}/feed.rss", "--every", "soon"],
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode == 2 and "cannot read the interval" in bad.stderr


def test_unreachable_feed_is_reported_not_fatal(tmp_path, pipeline):
    with EventStore(tmp_path / "x.duckdb") as store:
        watcher = Watcher(["http://127.0.0.1:9/feed.rss"], settings=Settings(), store=store, pipeline=pipeline,
                          options=WatchOptions(timeout=2))
        summary = watcher.poll()
        assert summary.feeds == 0 and len(summary.feed_errors) == 1
        assert store.query("SELECT status FROM watch_polls")[0]["status"] == "failed"


def test_run_loop_sleeps_between_polls(tmp_path, pipeline):
    feed = tmp_path / "local.rss"  # a local feed file whose links lead nowhere: entries fail, polls go on
    feed.write_bytes((SOURCES / "wire.rss").read_bytes().replace(b"https://wire.example", b"http://127.0.0.1:9"))
    slept: list[float] = []
    with EventStore(tmp_path / "loop.duckdb") as store:
        watcher = Watcher([str(feed)], settings=Settings(), store=store, pipeline=pipeline,
                          options=WatchOptions(timeout=1, max_attempts=2))
        polls = watcher.run(every=60, max_polls=3, sleep=slept.append)
    assert len(polls) == 3 and len(slept) == 2 and all(50 < s <= 60 for s in slept)
    assert [p.failed for p in polls] == [3, 3, 0]  # given up after max_attempts polls


def test_parse_interval():
    assert parse_interval("15m") == 900
    assert parse_interval("1h30m") == 5400
    assert parse_interval("45") == 45
    assert parse_interval("2d") == 172800
    for bad in ("", "soon", "0s", "15x"):
        with pytest.raises(ConfigError):
            parse_interval(bad)
