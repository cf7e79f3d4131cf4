"""JSON lines: one article object per line, field names from ``IngestOptions``.

Lines are streamed with a bounded ``readline``, so a large corpus file never sits in memory
whole and one oversized line is rejected on its own. A bad line is a Rejection for that
line; the other lines still yield Articles.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Protocol

from eventcoder.ingest.checks import Problem, decode_text, language_problem, length_problem, reject
from eventcoder.ingest.options import IngestOptions
from eventcoder.ingest.plaintext import clean_body, paragraphs_of
from eventcoder.ingest.pubdate import parse_published
from eventcoder.records import Article, Rejection, stable_id

_SKIP_CHUNK = 1 << 16


class LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def read_jsonl(stream: LineReader, *, origin: str, name: str, options: IngestOptions) -> Iterator[Article | Rejection]:
    """Every non-blank line of ``stream`` as an Article or a Rejection (origin ``origin:LINE``)."""
    seen_any = False
    for line_no, raw in _bounded_lines(stream, options.max_bytes):
        where = f"{origin}:{line_no}"
        if raw is None:
            seen_any = True
            yield reject(where, Problem("too-large", f"line {line_no} is over {options.max_bytes} bytes"))
            continue
        if not raw.strip():
            continue
        seen_any = True
        yield _line_to_record(raw, line_no, where=where, name=name, options=options)
    if not seen_any:
        yield reject(origin, Problem("empty", "no JSON lines"))


def read_json_document(value: object, *, origin: str, name: str, options: IngestOptions) -> Iterator[Article | Rejection]:
    """A whole ``.json`` document: one object, or an array of objects (origin ``origin:N``)."""
    if isinstance(value, list):
        if not value:
            yield reject(origin, Problem("empty", "empty JSON array"))
        for n, item in enumerate(value, start=1):
            yield record_to_article(item, origin=f"{origin}:{n}", name=name, options=options)
    else:
        yield record_to_article(value, origin=origin, name=name, options=options)


def _bounded_lines(stream: LineReader, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) pairs; None instead of bytes for a line longer than ``limit``."""
    line_no = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the long line without keeping it
                chunk = stream.readline(_SKIP_CHUNK)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield line_no, None
        else:
            yield line_no, raw


def _line_to_record(raw: bytes, line_no: int, *, where: str, name: str, options: IngestOptions) -> Article | Rejection:
    text = decode_text(raw)
    if isinstance(text, Problem):
        return reject(where, Problem(text.reason, f"line {line_no}: {text.detail}"))
    value = load_json(text)
    if isinstance(value, Problem):
        return reject(where, Problem(value.reason, f"line {line_no}, {value.detail}"))
    return record_to_article(value, origin=where, name=name, options=options)


def load_json(text: str) -> object:
    """The decoded value, or a Problem: bad syntax, nesting too deep, a number too long."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        return Problem("bad-json", f"column {err.colno}: {err.msg}")
    except RecursionError:
        return Problem("bad-json", "nested too deeply to read")
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        return Problem("bad-json", str(err).split(";")[0])


def record_to_article(value: object, *, origin: str, name: str, options: IngestOptions) -> Article | Rejection:
    """One decoded JSON value as an Article, or why it is not one."""
    if not isinstance(value, Mapping):
        return reject(origin, Problem("bad-json", f"expected a JSON object, got {type(value).__name__}"))
    raw_text = value.get(options.text_field)
    if not isinstance(raw_text, str) or not raw_text.strip():
        fields = ", ".join(sorted(map(str, value)))
        return reject(origin, Problem("no-text", f"no text in field {options.text_field!r} (fields: {fields}; "
                                                 "set IngestOptions.text_field)"))
    body = clean_body(paragraphs_of(raw_text))
    outlet = _string(value.get(options.source_field))
    url = _string(value.get(options.url_field))
    source_id = _string(value.get(options.id_field))
    article_id = stable_id(outlet or "", url or source_id or os.path.basename(name), body.text)
    problem = length_problem(body.text, options.min_chars)
    if problem is not None:
        return reject(origin, problem, article_id)
    headline = " ".join((_string(value.get(options.title_field)) or "").split())
    if options.require_english and (problem := language_problem(f"{headline}\n{body.text}")):
        return reject(origin, problem, article_id)
    raw_date = _string(value.get(options.date_field))
    published = parse_published(raw_date, day_first=options.day_first) if raw_date else None
    published = published or options.default_date
    if published is None:
        detail = f"unreadable date {raw_date!r}" if raw_date else f"no field {options.date_field!r}"
        return reject(origin, Problem("no-date", detail), article_id)
    try:
        metadata = _metadata(value, options, body.agency)
    except (RecursionError, ValueError) as err:
        return reject(origin, Problem("bad-json", f"extra fields cannot be kept: {type(err).__name__}"), article_id)
    return Article(id=article_id, headline=headline, text=body.text, published=published,
                   dateline=body.dateline, outlet=outlet, url=url, origin=origin, metadata=metadata,
                   source_id=source_id)


def _string(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _metadata(value: Mapping[str, object], options: IngestOptions, agency: str | None) -> tuple[tuple[str, str], ...]:
    """Every field not mapped onto an Article slot (the source's own id is kept here too)."""
    used = {options.title_field, options.text_field, options.date_field, options.url_field,
            options.source_field}
    pairs: dict[str, str] = {}
    for key, item in value.items():
        if key in used or item is None:
            continue
        pairs[str(key)] = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False, sort_keys=True)
    if agency and "agency" not in pairs:
        pairs["agency"] = agency
    return tuple(sorted(pairs.items()))
