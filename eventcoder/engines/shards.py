"""Cut inputs into shards that workers read on their own, with results identical to one reader.

A shard is a list of parts; a part is a whole file or, for JSON lines files, a run of lines given
by byte offsets and the number of its first line (so origins such as ``wire.jsonl:1042`` come out
as a single reader would give them). Shard ids hash the eventcoder version, the settings and each
part's path, size, modification time and range: the same input and settings give the same ids, so
a shard's result file can be found again after a crash, and a changed file is never mistaken for
the old one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from eventcoder import __version__
from eventcoder.ingest import IngestOptions, expand_path, read_file
from eventcoder.ingest.checks import SNIFF_BYTES, binary_problem
from eventcoder.ingest.jsonl import read_jsonl
from eventcoder.records import Article, Rejection, stable_id
from eventcoder.settings import Settings

SPLITTABLE = (".jsonl", ".ndjson")
_SCAN_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Part:
    """A whole file (``end`` is None) or bytes ``[start, end)`` of a JSON lines file."""

    path: str
    size: int
    mtime_ns: int
    start: int = 0
    end: int | None = None
    first_line: int = 1


@dataclass(frozen=True, slots=True)
class Shard:
    id: str
    parts: tuple[Part, ...]

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "parts": [asdict(p) for p in self.parts]})

    @classmethod
    def from_json(cls, text: str) -> Shard:
        value = json.loads(text)
        return cls(value["id"], tuple(Part(**p) for p in value["parts"]))


def fingerprint(settings: Settings, options: IngestOptions) -> str:
    """What, besides the input bytes, decides a shard's result."""
    config = {k: v for k, v in asdict(settings).items() if k not in {"db", "batch_size", "n_process", "parse_ahead"}}
    return stable_id(__version__, json.dumps(config, sort_keys=True, default=str),
                     json.dumps(asdict(options), sort_keys=True, default=str))


def plan_shards(
    paths: Sequence[str], *, settings: Settings, options: IngestOptions, shard_size: int
) -> Iterator[Shard | Rejection]:
    """Shards of about ``shard_size`` articles (whole files are grouped; JSON lines are split)."""
    key = fingerprint(settings, options)
    pending: list[Part] = []
    seen: set[str] = set()
    for part in _parts(paths, options, shard_size, seen):
        if isinstance(part, Rejection):
            yield part
            continue
        if part.end is not None:  # a run of lines is a shard on its own (after the files before it)
            if pending:
                yield _shard(key, pending)
                pending = []
            yield _shard(key, [part])
            continue
        pending.append(part)
        if len(pending) >= shard_size:
            yield _shard(key, pending)
            pending = []
    if pending:
        yield _shard(key, pending)


def _shard(key: str, parts: list[Part]) -> Shard:
    ident = stable_id(key, *(f"{p.path}|{p.size}|{p.mtime_ns}|{p.start}|{p.end}" for p in parts), length=20)
    return Shard(ident, tuple(parts))


def _parts(paths: Sequence[str], options: IngestOptions, lines: int, seen: set[str]) -> Iterator[Part | Rejection]:
    for raw in paths:
        if raw == "-":
            from eventcoder.errors import InputError

            raise InputError("the ray engine reads files, not standard input; save it to a file or use --engine local")
        for item in expand_path(raw):
            if isinstance(item, Rejection):
                yield item
                continue
            real = os.path.realpath(item)
            if real in seen:
                continue
            seen.add(real)
            yield from _file_parts(item, options, lines)


def _file_parts(path: str, options: IngestOptions, lines: int) -> Iterator[Part]:
    try:
        info = os.stat(path)
    except OSError:
        yield Part(path, -1, 0)  # read_file reports it
        return
    whole = Part(path, info.st_size, info.st_mtime_ns)
    if not path.lower().endswith(SPLITTABLE) or info.st_size == 0:
        yield whole
        return
    with open(path, "rb") as handle:
        if binary_problem(handle.read(SNIFF_BYTES)) is not None:
            yield whole
            return
        cuts = _line_cuts(handle, lines)
    if len(cuts) == 1:
        yield whole
        return
    bounds = [*cuts, (info.st_size, 0)]
    for (start, first), (end, _) in zip(bounds, bounds[1:]):
        if end > start:
            yield Part(path, info.st_size, info.st_mtime_ns, start, end, first)


def _line_cuts(handle, lines: int) -> list[tuple[int, int]]:
    """``(byte offset, line number)`` of line 1 and of every ``lines``-th line after it."""
    handle.seek(0)
    cuts = [(0, 1)]
    line = 1
    offset = 0
    next_cut = 1 + lines
    while chunk := handle.read(_SCAN_CHUNK):
        count = chunk.count(b"\n")
        if line + count < next_cut:
            line += count
        else:
            at = -1
            while (at := chunk.find(b"\n", at + 1)) >= 0:
                line += 1
                if line == next_cut:
                    cuts.append((offset + at + 1, line))
                    next_cut += lines
        offset += len(chunk)
    return cuts


def read_shard(shard: Shard, options: IngestOptions) -> Iterator[Article | Rejection]:
    """Every Article and Rejection in the shard, exactly as ``read_inputs`` would give them."""
    for part in shard.parts:
        if part.end is None:
            yield from read_file(part.path, options)
        else:
            yield from _read_lines(part, options)


def _read_lines(part: Part, options: IngestOptions) -> Iterator[Article | Rejection]:
    try:
        handle = open(part.path, "rb")
    except OSError as err:
        from eventcoder.ingest.checks import Problem, reject

        yield reject(part.path, Problem("unreadable", err.strerror or str(err)))
        return
    with handle:
        handle.seek(part.start)
        reader = _LineRange(handle, part.end - part.start if part.end is not None else -1, part.first_line - 1)
        name = os.path.basename(part.path)
        for item in read_jsonl(reader, origin=part.path, name=name, options=options):
            if isinstance(item, Rejection) and item.reason == "empty" and item.origin == part.path:
                continue  # a run of blank lines; the file as a whole is not empty
            yield item


class _LineRange:
    """``readline`` over ``length`` bytes of a file, after ``blank`` empty lines.

    The blank lines make the JSON lines reader number lines as in the whole file.
    """

    def __init__(self, handle, length: int, blank: int) -> None:
        self._handle = handle
        self._left = length
        self._blank = blank

    def readline(self, size: int = -1, /) -> bytes:
        if self._blank:
            self._blank -= 1
            return b"\n"
        if self._left == 0:
            return b""
        limit = self._left if size < 0 else min(size, self._left)
        line = self._handle.readline(limit)
        self._left -= len(line)
        return line
