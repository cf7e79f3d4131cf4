"""WARC files of news crawls (warcio, extra ``sources``): HTML responses → Articles.

Only ``response`` records with HTTP status 200 and an HTML content type are read; requests,
metadata, redirects and images are passed over silently (a crawl is full of them). Each page
goes through trafilatura (``eventcoder.ingest.html``); its URL is the record's
``WARC-Target-URI`` and, when the page shows no date, the crawl date (``WARC-Date``) is used.
Origins are ``path:N`` with N the record's position in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventcoder.errors import InputError
from eventcoder.ingest.checks import Problem, reject
from eventcoder.ingest.html import html_to_article
from eventcoder.ingest.options import IngestOptions
from eventcoder.ingest.pubdate import parse_published
from eventcoder.records import Article, Rejection

WARC_SUFFIXES = (".warc", ".warc.gz")


def _archive_iterator() -> Any:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:
        raise InputError(f"reading WARC files needs warcio ({exc}): pip install 'eventcoder[sources]'") from exc
    return ArchiveIterator


def read_warc(path: str, options: IngestOptions) -> Iterator[Article | Rejection]:
    """Every HTML page in the WARC file at ``path`` as an Article or a Rejection."""
    iterator = _archive_iterator()
    try:
        handle = open(path, "rb")
    except OSError as err:
        yield reject(path, Problem("unreadable", err.strerror or str(err)))
        return
    pages = 0
    with handle:
        head = handle.read(5)
        handle.seek(0)
        if not head.startswith((b"\x1f\x8b", b"WARC/")):
            yield reject(path, Problem("unreadable", f"not a WARC file (starts with {head!r})"))
            return
        try:
            for number, record in enumerate(iterator(handle), start=1):
                item = _record_item(record, f"{path}:{number}", options)
                if item is not None:
                    pages += 1
                    yield item
        except Exception as exc:  # truncated gzip, not a WARC at all, ...
            yield reject(path, Problem("unreadable", f"WARC read failed after {pages} pages: {type(exc).__name__}: {exc}"))
            return
    if pages == 0:
        yield reject(path, Problem("empty", "no HTML response records in the WARC file"))


def _record_item(record: Any, origin: str, options: IngestOptions) -> Article | Rejection | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if "html" not in content_type:
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI")
    crawled = record.rec_headers.get_header("WARC-Date")
    data = record.content_stream().read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        return reject(origin, Problem("too-large", f"page {uri} is over {options.max_bytes} bytes"))
    extra = (("warc_record_id", record.rec_headers.get_header("WARC-Record-ID") or ""),)
    return html_to_article(data, origin=origin, options=options, url=uri,
                           fallback=parse_published(crawled) if crawled else None,
                           fallback_how="warc-date", extra=extra)
