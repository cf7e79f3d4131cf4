"""Where articles come from: files, directories, glob patterns and stdin.

``read_inputs`` never raises for bad input: every path or record that cannot become an
Article comes out as a ``Rejection`` with ``stage="ingest"``.
"""

from __future__ import annotations

import glob
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from eventcoder.errors import InputError
from eventcoder.ingest.checks import (
    SNIFF_BYTES, Problem, binary_problem, decode_text, reject, size_problem,
)
from eventcoder.ingest.feeds import FEED_SUFFIXES, looks_like_feed, read_feed_bytes
from eventcoder.ingest.html import HTML_SUFFIXES, read_html_bytes
from eventcoder.ingest.jsonl import load_json, read_json_document, read_jsonl
from eventcoder.ingest.options import IngestOptions
from eventcoder.ingest.plaintext import parse_plaintext
from eventcoder.ingest.warc import WARC_SUFFIXES, read_warc
from eventcoder.records import Article, Rejection

STDIN = "-"
STDIN_ORIGIN = "<stdin>"
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
_GLOB_CHARS = frozenset("*?[")


class _PrefixedReader:
    """A binary stream whose first bytes were already read (for sniffing) and are put back."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._buffer = prefix
        self._stream = stream

    def readline(self, size: int = -1, /) -> bytes:
        if not self._buffer:
            return self._stream.readline(size)
        cut = self._buffer.find(b"\n") + 1
        if size >= 0 and (cut == 0 or cut > size) and len(self._buffer) >= size:
            cut = size
        if cut == 0:  # no newline in the buffer: finish the line from the stream
            rest, self._buffer = self._buffer, b""
            more = self._stream.readline(size - len(rest) if size >= 0 else -1)
            return rest + more
        line, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return line

    def read(self, size: int = -1, /) -> bytes:
        head, self._buffer = self._buffer, b""
        if size < 0:
            return head + self._stream.read()
        if len(head) >= size:
            head, self._buffer = head[:size], head[size:]
            return head
        return head + self._stream.read(size - len(head))


def read_inputs(
    paths: Sequence[str], options: IngestOptions = IngestOptions(), *, stdin: IO[bytes] | None = None
) -> Iterator[Article | Rejection]:
    """Articles and Rejections from every path, in order (``-`` reads ``stdin``)."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InputError(f"read_inputs takes a list of paths, got one path {paths!r}: pass [{paths!r}]")
    if not isinstance(paths, Iterable):
        raise InputError(f"read_inputs takes a list of paths, got {type(paths).__name__}")
    if not isinstance(options, IngestOptions):
        raise InputError(f"options must be an IngestOptions, got {type(options).__name__}")
    seen: set[str] = set()
    for raw in paths:
        if not isinstance(raw, (str, os.PathLike)):
            raise InputError(f"read_inputs takes paths as str or os.PathLike, got {type(raw).__name__} {raw!r:.40}")
        if raw == STDIN:
            yield from read_stream(stdin if stdin is not None else sys.stdin.buffer, options)
            continue
        for item in expand_path(raw):
            if isinstance(item, Rejection):
                yield item
                continue
            key = os.path.realpath(item)
            if key not in seen:
                seen.add(key)
                yield from read_file(item, options)


def expand_path(raw: str) -> Iterator[str | Rejection]:
    """The files a path names: itself, a directory's files, or a glob's matches (sorted)."""
    if os.path.isdir(raw):
        yield from _walk(raw)
    elif os.path.lexists(raw):
        yield raw
    elif _GLOB_CHARS & set(raw):
        matches = sorted(glob.glob(raw, recursive=True))
        if not matches:
            yield reject(raw, Problem("not-found", "no file matches the pattern"))
        for match in matches:
            yield from (_walk(match) if os.path.isdir(match) else [match])
    else:
        yield reject(raw, Problem("not-found", "no such file or directory"))


def _walk(top: str) -> Iterator[str | Rejection]:
    """Every non-hidden file under ``top``, recursively, sorted by path; a Rejection for each
    directory that cannot be listed (the others are still read)."""
    found: list[tuple[tuple[str, ...], str]] = []
    unreadable: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(top, onerror=unreadable.append):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if not filename.startswith("."):
                path = os.path.join(dirpath, filename)
                found.append((tuple(os.path.relpath(path, top).split(os.sep)), path))
    for err in unreadable:
        yield reject(str(err.filename or top), Problem("unreadable", f"directory: {err.strerror or err}"))
    for _, path in sorted(found):
        yield path


def read_file(path: str, options: IngestOptions = IngestOptions()) -> Iterator[Article | Rejection]:
    """One file: JSON lines by suffix, otherwise one plain-text article."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        yield reject(path, Problem("not-found", "no such file"))
        return
    except OSError as err:
        yield reject(path, Problem("unreadable", err.strerror or str(err)))
        return
    if not stat.S_ISREG(info.st_mode):
        yield reject(path, Problem("not-a-file", "not a regular file"))
        return
    if path.lower().endswith(WARC_SUFFIXES):  # streamed record by record; the limit is per page
        yield from read_warc(path, options) if info.st_size else [reject(path, Problem("empty", "0 bytes"))]
        return
    is_json = path.lower().endswith(JSON_SUFFIXES)
    problem = size_problem(info.st_size, options.max_bytes)
    if problem is not None and (problem.reason == "empty" or not is_json):
        yield reject(path, problem)
        return
    try:
        with open(path, "rb") as handle:
            if is_json:
                yield from _read_json_file(handle, path, info.st_size, options)
            else:
                data = handle.read(min(info.st_size, options.max_bytes) + 1)
                yield from _markup_or_plain(data, path, os.path.basename(path), options)
    except OSError as err:
        yield reject(path, Problem("unreadable", err.strerror or str(err)))


def _read_json_file(handle: IO[bytes], path: str, size: int, options: IngestOptions) -> Iterator[Article | Rejection]:
    head = handle.read(SNIFF_BYTES)
    problem = binary_problem(head)
    if problem is not None:
        yield reject(path, problem)
        return
    name = os.path.basename(path)
    if path.lower().endswith(".json") and size <= options.max_bytes:
        document = _whole_json(head + handle.read())
        if document is not None:
            yield from read_json_document(document[0], origin=path, name=name, options=options)
            return
        handle.seek(len(head))
    yield from read_jsonl(_PrefixedReader(head, handle), origin=path, name=name, options=options)


def _whole_json(data: bytes) -> tuple[object] | None:
    """A ``.json`` file that is one document (an object or an array), else None."""
    text = decode_text(data)
    if isinstance(text, Problem):
        return None
    value = load_json(text)
    return None if isinstance(value, Problem) else (value,)


def read_stream(stream: IO[bytes], options: IngestOptions = IngestOptions()) -> Iterator[Article | Rejection]:
    """Standard input: JSON lines if the first non-blank character is ``{``, else plain text."""
    prefix = b""
    while len(prefix) <= options.max_bytes:
        chunk = stream.read(SNIFF_BYTES)
        if not chunk:
            break
        prefix += chunk
        if prefix.lstrip(b"\xef\xbb\xbf \t\r\n\f\v"):
            break
    first = prefix.lstrip(b"\xef\xbb\xbf \t\r\n\f\v")[:1]
    if not first:
        yield reject(STDIN_ORIGIN, Problem("empty", "0 bytes" if not prefix else "only whitespace"))
    elif first == b"{":
        yield from read_jsonl(_PrefixedReader(prefix, stream), origin=STDIN_ORIGIN, name=STDIN_ORIGIN, options=options)
    else:
        data = prefix + stream.read(max(0, options.max_bytes + 1 - len(prefix)))
        yield from _markup_or_plain(data, STDIN_ORIGIN, STDIN_ORIGIN, options)


def _markup_or_plain(data: bytes, origin: str, name: str, options: IngestOptions) -> Iterator[Article | Rejection]:
    """HTML pages and RSS/Atom feeds by suffix or content (for stdin); anything else is plain text."""
    lowered = name.lower()
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if len(data) <= options.max_bytes and binary_problem(data) is None:
        is_feed = lowered.endswith(FEED_SUFFIXES) or (name == STDIN_ORIGIN and head.startswith(b"<"))
        if is_feed and looks_like_feed(head):
            yield from read_feed_bytes(data, origin=origin, options=options)
            return
        if lowered.endswith(HTML_SUFFIXES) or (name == STDIN_ORIGIN and head[:1] == b"<"):
            yield read_html_bytes(data, origin=origin, options=options)
            return
    yield _plain_from_bytes(data, origin, name, options)


def _plain_from_bytes(data: bytes, origin: str, name: str, options: IngestOptions) -> Article | Rejection:
    if len(data) > options.max_bytes:
        return reject(origin, Problem("too-large", f"over {options.max_bytes} bytes (IngestOptions.max_bytes)"))
    problem = binary_problem(data)
    if problem is not None:
        return reject(origin, problem)
    text = decode_text(data)
    if isinstance(text, Problem):
        return reject(origin, text)
    if not text.strip():
        return reject(origin, Problem("empty", "only whitespace"))
    return parse_plaintext(text, origin=origin, name=name, options=options)
