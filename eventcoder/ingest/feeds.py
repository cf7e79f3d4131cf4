"""RSS and Atom feeds (feedparser, extra ``sources``): entries, and entries as Articles.

``parse_feed`` gives each entry's link, stable key, title, date and text (``content`` if the feed
carries the full article, else its summary). ``eventcoder code feed.xml`` codes the entries'
own text; ``eventcoder watch`` instead fetches each entry's page (see ``eventcoder.watch``).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from eventcoder.errors import InputError
from eventcoder.ingest.checks import Problem, language_problem, length_problem, reject
from eventcoder.ingest.options import IngestOptions
from eventcoder.ingest.plaintext import clean_body, paragraphs_of
from eventcoder.records import Article, Rejection, stable_id

FEED_SUFFIXES = (".rss", ".atom", ".xml")
_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf")
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"})


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item. ``key`` identifies it across polls (its id/guid, else its link)."""

    key: str
    url: str | None
    title: str
    published: datetime | None
    text: str  # the entry's content or summary as plain text


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    link: str | None
    entries: tuple[FeedEntry, ...]


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes hold an RSS, Atom or RDF root element."""
    lowered = head[:4096].lower()
    return any(marker in lowered for marker in _FEED_MARKERS)


def parse_feed(data: bytes, *, base_url: str | None = None) -> Feed | Problem:
    """A feed document, or the Problem that stops it being one."""
    try:
        import feedparser
    except ImportError as exc:
        raise InputError(f"reading feeds needs feedparser ({exc}): pip install 'eventcoder[sources]'") from exc
    parsed = feedparser.parse(data, response_headers={"content-location": base_url} if base_url else None)
    if not parsed.get("version") and not parsed.entries:
        why = str(parsed.get("bozo_exception") or "no RSS/Atom root element")
        return Problem("bad-feed", why[:200])
    entries = tuple(entry for entry in (_entry(e) for e in parsed.entries) if entry is not None)
    return Feed(title=" ".join(str(parsed.feed.get("title") or "").split()), link=parsed.feed.get("link"),
                entries=entries)


def _entry(raw: Any) -> FeedEntry | None:
    url = raw.get("link") or None
    key = raw.get("id") or url
    if not key:
        return None
    when = raw.get("published_parsed") or raw.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(when), UTC).replace(tzinfo=None) if when else None
    content = raw.get("content") or []
    html = content[0].get("value", "") if content else raw.get("summary", "")
    return FeedEntry(key=str(key), url=url, title=" ".join(str(raw.get("title") or "").split()),
                     published=published, text=html_to_text(html or ""))


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """An HTML fragment (a feed summary) as plain text, paragraphs separated by a blank line."""
    if "<" not in fragment:
        return fragment.strip()
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    paragraphs = (" ".join(p.split()) for p in "".join(collector.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def entry_to_article(entry: FeedEntry, feed: Feed, *, origin: str, options: IngestOptions) -> Article | Rejection:
    """A feed entry's own text as an Article (the feed's title is the outlet)."""
    body = clean_body(paragraphs_of(entry.text))
    outlet = feed.title or None
    article_id = stable_id(outlet or "", entry.url or entry.key, body.text)
    problem = length_problem(body.text, options.min_chars)
    if problem is None and options.require_english:
        problem = language_problem(f"{entry.title}\n{body.text}")
    if problem is not None:
        return reject(origin, problem, article_id)
    published = entry.published or options.default_date
    if published is None:
        return reject(origin, Problem("no-date", "the entry has no published or updated date"), article_id)
    metadata = {"feed_entry": entry.key}
    if body.agency:
        metadata["agency"] = body.agency
    return Article(id=article_id, headline=entry.title, text=body.text, published=published,
                   dateline=body.dateline, outlet=outlet, url=entry.url, origin=origin,
                   metadata=tuple(sorted(metadata.items())))


def read_feed_bytes(data: bytes, *, origin: str, options: IngestOptions) -> Iterator[Article | Rejection]:
    """Every entry of a feed file as an Article or a Rejection (origin ``origin:N``)."""
    feed = parse_feed(data)
    if isinstance(feed, Problem):
        yield reject(origin, feed)
        return
    if not feed.entries:
        yield reject(origin, Problem("empty", "the feed has no entries"))
    for n, entry in enumerate(feed.entries, start=1):
        yield entry_to_article(entry, feed, origin=f"{origin}:{n}", options=options)
