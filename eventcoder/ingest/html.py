"""HTML news pages → Articles, with trafilatura (extra ``sources``) for text and metadata.

trafilatura finds the main text (no menus, footers or comments) and the page's title, date and
site name. The headline is taken off the top of the text, a ``CITY -`` dateline is kept as
``dateline`` as for plain text. With no date on the page, ``fallback`` (a feed entry's or a
WARC record's date) and then ``IngestOptions.default_date`` are used before rejecting.
"""

from __future__ import annotations

import logging
import os
import warnings
from datetime import date, datetime
from typing import Any

from eventcoder.errors import InputError
from eventcoder.ingest.checks import Problem, binary_problem, language_problem, length_problem, reject
from eventcoder.ingest.options import IngestOptions
from eventcoder.ingest.plaintext import clean_body
from eventcoder.ingest.pubdate import parse_published
from eventcoder.records import Article, Rejection, stable_id

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def import_trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as exc:
        raise InputError(
            f"reading HTML needs trafilatura ({exc}): pip install 'eventcoder[sources]'"
        ) from exc
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # a bad page is a Rejection, not a log line
    return trafilatura


def extract_page(data: bytes | str, *, url: str | None = None) -> dict[str, Any] | None:
    """trafilatura's main text and metadata of a page as a dict, or None if it found no text."""
    trafilatura = import_trafilatura()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = trafilatura.bare_extraction(
            data, url=url, with_metadata=True, include_comments=False, include_tables=False,
        )
    if document is None:
        return None
    found = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    return {k: found.get(k) for k in ("title", "text", "date", "sitename", "hostname", "url", "author")}


def html_to_article(
    data: bytes | str,
    *,
    origin: str,
    options: IngestOptions,
    url: str | None = None,
    fallback: date | datetime | None = None,
    fallback_how: str = "fallback",
    extra: tuple[tuple[str, str], ...] = (),
) -> Article | Rejection:
    """One HTML page as an Article, or why it is not one."""
    if isinstance(data, bytes) and (problem := binary_problem(data)):
        return reject(origin, problem)
    try:
        page = extract_page(data, url=url)
    except InputError:
        raise
    except Exception as exc:  # lxml or trafilatura choking on a page: that page only
        return reject(origin, Problem("unreadable", f"HTML extraction failed: {type(exc).__name__}: {exc}"))
    if page is None or not (page.get("text") or "").strip():
        return reject(origin, Problem("no-text", "no main text found in the HTML page"))
    title = " ".join((page.get("title") or "").split())
    body = clean_body(_paragraphs(page["text"], title))
    page_url = url or page.get("url")
    outlet = page.get("sitename") or page.get("hostname")
    article_id = stable_id(outlet or "", page_url or os.path.basename(origin), body.text)
    problem = length_problem(body.text, options.min_chars)
    if problem is None and options.require_english:
        problem = language_problem(f"{title}\n{body.text}")
    if problem is not None:
        return reject(origin, problem, article_id)
    published, how = _published(page.get("date"), fallback, options)
    how = fallback_how if how == "fallback" else how
    if published is None:
        return reject(origin, Problem("no-date", "no date on the page, in its feed entry or in IngestOptions.default_date"), article_id)
    metadata = dict(extra)
    metadata["date_source"] = how
    for key in ("hostname", "author"):
        if page.get(key):
            metadata.setdefault(key, str(page[key]))
    if body.agency:
        metadata.setdefault("agency", body.agency)
    return Article(id=article_id, headline=title, text=body.text, published=published, dateline=body.dateline,
                   outlet=outlet, url=page_url, origin=origin, metadata=tuple(sorted(metadata.items())))


def _paragraphs(text: str, title: str) -> list[list[str]]:
    """trafilatura's lines as paragraphs, without a first line that repeats the title."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if lines and title and " ".join(lines[0].split()) == title:
        lines = lines[1:]
    return [[line] for line in lines]


def _published(raw: str | None, fallback: date | datetime | None, options: IngestOptions) -> tuple[date | datetime | None, str]:
    if raw:
        parsed = parse_published(raw, day_first=options.day_first)
        if parsed is not None:
            return parsed, "page"
    if fallback is not None:
        return fallback, "fallback"
    return options.default_date, "default"


def read_html_bytes(data: bytes, *, origin: str, options: IngestOptions) -> Article | Rejection:
    """An ``.html`` file's bytes (already size-checked) as an Article or a Rejection."""
    if len(data) > options.max_bytes:
        return reject(origin, Problem("too-large", f"over {options.max_bytes} bytes (IngestOptions.max_bytes)"))
    if not data.strip():
        return reject(origin, Problem("empty", "only whitespace"))
    return html_to_article(data, origin=origin, options=options)
