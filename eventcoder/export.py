"""Exports: the store's events as a dataset file in the field's formats or in eventcoder's own.

Formats (``FORMATS``, from :class:`eventcoder.registry.ExportFormat`):

=========  ========================================================================================
phoenix    Phoenix daily TSV, 26 columns, no header (``--header`` adds one)
icews      ICEWS Dataverse TSV with its header (identical to the ICEWS 2018 sample file)
gdelt      GDELT 2.0 events TSV, 61 columns, no header; NumMentions/NumSources/NumArticles filled
polecat    POLECAT TSV with its header, 40 columns
plover     PLOVER JSON records: a JSON array, or one record per line if the path ends ``.jsonl``
csv        eventcoder's own columns (``OWN_COLUMNS``), with a header
jsonl      eventcoder's own columns, one JSON object per line
parquet    eventcoder's own columns, typed (needs pyarrow: ``pip install 'eventcoder[analysis]'``)
=========  ========================================================================================

By default one row is one real-world event (``level="linked"``: the linked event's
representative coding plus its counts); ``level="article"`` gives one row per event per article.
Columns a format defines but eventcoder does not code are left empty. Tabs and line breaks inside
text fields are written as spaces, so TSV files need no quoting (ICEWS files use none).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from eventcoder.errors import ConfigError, EventcoderError
from eventcoder.export_formats import FIELD_FORMATS, Tables, clean_text
from eventcoder.output import EVENT_COLUMNS, open_output
from eventcoder.registry import DEFAULT_LINK_METHOD, EXPORT_FORMATS, OWN_EXPORT_FORMATS
from eventcoder.store import EventStore
from eventcoder.store import datasets
from eventcoder.store.datasets import ARTICLE_COLUMNS, LINK_COLUMNS, DatasetReader, EventFilter

OWN_COLUMNS: tuple[str, ...] = (*EVENT_COLUMNS, *ARTICLE_COLUMNS, *LINK_COLUMNS)
OWN_FORMATS: tuple[str, ...] = OWN_EXPORT_FORMATS
FORMATS: tuple[str, ...] = EXPORT_FORMATS  # FIELD_FORMATS builds the others
_TEXT_COLUMNS = ("sentence", "trigger", "source_text", "target_text", "headline", "quote")


@dataclass(frozen=True, slots=True)
class ExportSummary:
    format: str
    path: str
    rows: int
    columns: tuple[str, ...]
    level: str

    def line(self) -> str:
        return f"exported {self.rows} {self.level} events as {self.format} to {self.path} ({len(self.columns)} columns)"


def columns_for(fmt: str, tables: Tables | None = None) -> tuple[str, ...]:
    """The exact column (or field) names a format writes, in order."""
    if fmt in OWN_FORMATS:
        return OWN_COLUMNS
    if fmt not in FIELD_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return tuple((tables or Tables.default()).columns(FIELD_FORMATS[fmt].schema))


def _cell(value: object) -> str:
    """A TSV cell: None → empty; text on one line without tabs."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def own_row(row: Mapping[str, object]) -> dict[str, object]:
    """A dataset row restricted to ``OWN_COLUMNS`` (text fields on one line)."""
    out = {name: row.get(name) for name in OWN_COLUMNS}
    for name in _TEXT_COLUMNS:
        out[name] = clean_text(out[name])
    return out


EXPORT_CHUNK_BYTES = 64 * 1024  # what ``ExportStream.chunks`` gathers before it gives a chunk
PARQUET_ROW_GROUP = 10_000  # rows per Parquet row group


def _delimited_text(rows: Iterable[Mapping[str, object]], fmt: str, header: bool, tables: Tables) -> Iterator[str]:
    spec = FIELD_FORMATS[fmt]
    names = columns_for(fmt, tables)
    if header:
        yield spec.delimiter.join(names) + "\n"
    for row in rows:
        values = spec.builder(row, tables)
        unknown = set(values) - set(names)
        if unknown:  # a builder bug, not a user error
            raise AssertionError(f"{fmt} builder wrote columns not in the schema: {sorted(unknown)}")
        yield spec.delimiter.join(_cell(values.get(n)) for n in names) + "\n"


def _plover_text(rows: Iterable[Mapping[str, object]], lines: bool, tables: Tables) -> Iterator[str]:
    count = 0
    if not lines:
        yield "["
    for row in rows:
        record = FIELD_FORMATS["plover"].builder(row, tables)
        text = json.dumps(record, ensure_ascii=False, default=_json_value)
        yield text + "\n" if lines else ("\n" if count == 0 else ",\n") + text
        count += 1
    if not lines:
        yield "\n]\n" if count else "]\n"


def _own_text(rows: Iterable[Mapping[str, object]], fmt: str, header: bool) -> Iterator[str]:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=OWN_COLUMNS, lineterminator="\n")
        if header:
            writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) if v is not None else None for k, v in own_row(row).items()})
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()  # the header of an empty export
        return
    for row in rows:
        yield json.dumps(own_row(row), ensure_ascii=False, default=_json_value) + "\n"


def export_text(rows: Iterable[Mapping[str, object]], *, format: str, header: bool | None = None,
                lines: bool = False, tables: Tables | None = None) -> Iterator[str]:
    """The text of an export of ``rows`` (dataset rows, in order) piece by piece: a header, then
    one piece per row (every text format but parquet). ``lines``: plover as JSON lines."""
    tables = tables or Tables.default()
    columns_for(format, tables)  # an unknown format is refused before any row is read
    if format in FIELD_FORMATS and format != "plover":
        return _delimited_text(rows, format, FIELD_FORMATS[format].header if header is None else header, tables)
    if format == "plover":
        return _plover_text(rows, lines, tables)
    if format == "parquet":
        raise ConfigError("parquet is not a text format; use stream_export or export_events")
    return _own_text(rows, format, header is not False)


def _gather(pieces: Iterable[str | bytes], size: int) -> Iterator[bytes]:
    """``pieces`` (text as UTF-8) joined into chunks of at least ``size`` bytes (the last may be
    shorter; none is empty)."""
    held: list[bytes] = []
    length = 0
    for piece in pieces:
        data = piece.encode("utf-8") if isinstance(piece, str) else piece
        held.append(data)
        length += len(data)
        if length >= size:
            yield b"".join(held)
            held, length = [], 0
    if length:
        yield b"".join(held)


class _Sink:
    """A file for pyarrow's ParquetWriter that keeps what is written until it is taken."""

    closed = False

    def __init__(self) -> None:
        self._held: list[bytes] = []
        self._at = 0

    def write(self, data: bytes) -> int:
        self._held.append(bytes(data))
        self._at += len(data)
        return len(data)

    def tell(self) -> int:
        return self._at

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data, self._held = b"".join(self._held), []
        return data


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise EventcoderError("parquet export needs pyarrow: pip install 'eventcoder[analysis]'") from exc
    return pa, pq


def _parquet_bytes(reader: DatasetReader) -> Iterator[bytes]:
    """A Parquet file of the dataset's own columns (text fields on one line), in row groups of
    ``PARQUET_ROW_GROUP`` rows, given piece by piece as each row group is written."""
    pa, pq = _pyarrow()
    select = ", ".join(
        f"regexp_replace(trim({c}), '\\s+', ' ', 'g') AS {c}" if c in _TEXT_COLUMNS else c for c in OWN_COLUMNS
    )
    sink = _Sink()
    held: list[Any] = []
    count = 0
    with pq.ParquetWriter(sink, reader.arrow_schema(select)) as writer:
        for batch in reader.record_batches(select, rows_per_batch=PARQUET_ROW_GROUP):
            held.append(batch)
            count += batch.num_rows
            while count >= PARQUET_ROW_GROUP:
                table = pa.Table.from_batches(held)
                writer.write_table(table.slice(0, PARQUET_ROW_GROUP).combine_chunks())
                rest = table.slice(PARQUET_ROW_GROUP)
                held, count = rest.combine_chunks().to_batches(), rest.num_rows
                yield sink.take()
        if count:
            writer.write_table(pa.Table.from_batches(held).combine_chunks())
    yield sink.take()


class ExportStream:
    """An export read from the store in bounded memory: its rows and columns are known before
    the first byte, its body comes as ``chunks`` of about ``EXPORT_CHUNK_BYTES`` (one batch of at
    most ``store.datasets.DATASET_BATCH_ROWS`` rows is read at a time). The same bytes as
    ``export_events`` writes to a file. Read ``chunks`` once; close it (or use it as a context
    manager) when it is not read to the end."""

    def __init__(self, reader: DatasetReader, *, format: str, level: str, header: bool | None, lines: bool,
                 chunk_bytes: int, tables: Tables) -> None:
        self.format, self.level, self.lines = format, level, lines
        self.rows = reader.rows
        self.columns = columns_for(format, tables)
        self._reader, self._header, self._tables, self._size = reader, header, tables, chunk_bytes

    def __enter__(self) -> ExportStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._reader.close()

    def chunks(self) -> Iterator[bytes]:
        """The export's bytes; the read is closed when they are all given (or on ``close``)."""
        try:
            if self.format == "parquet":
                yield from _gather(_parquet_bytes(self._reader), self._size)
            else:
                yield from _gather(export_text(self._reader.iter_rows(), format=self.format, header=self._header,
                                               lines=self.lines, tables=self._tables), self._size)
        finally:
            self.close()


def stream_export(
    store: EventStore,
    *,
    format: str,
    level: str = "linked",
    method: str = DEFAULT_LINK_METHOD,
    filters: EventFilter | None = None,
    header: bool | None = None,
    lines: bool = False,
    corrections: bool | None = None,
    chunk_bytes: int | None = None,
    batch_rows: int | None = None,
) -> ExportStream:
    """The store's events (filtered) in ``format`` as a stream of bytes in bounded memory (see
    ``export_events`` for the arguments; ``lines``: plover as one JSON record per line). The
    rows are counted now, in the snapshot the chunks are read from. ``chunk_bytes`` (default
    ``EXPORT_CHUNK_BYTES``) and ``batch_rows`` (default ``store.datasets.DATASET_BATCH_ROWS``)
    bound a chunk and the rows one query reads."""
    if corrections is not None:  # issue 6: the corrections flag travels in the filter
        filters = replace(filters or EventFilter(), corrections=corrections)
    tables = Tables.default()
    columns_for(format, tables)  # an unknown format is refused before the store is read
    if format == "parquet":
        _pyarrow()
    reader = DatasetReader(store, level=level, method=method, filters=filters,
                           batch_rows=datasets.DATASET_BATCH_ROWS if batch_rows is None else batch_rows)
    return ExportStream(reader, format=format, level=level, header=header, lines=lines,
                        chunk_bytes=EXPORT_CHUNK_BYTES if chunk_bytes is None else chunk_bytes, tables=tables)


def export_events(
    store: EventStore,
    *,
    format: str,
    out: str,
    level: str = "linked",
    method: str = DEFAULT_LINK_METHOD,
    filters: EventFilter | None = None,
    header: bool | None = None,
    corrections: bool | None = None,
) -> ExportSummary:
    """Write the store's events (filtered) to ``out`` (``-`` = stdout) in ``format``.

    ``header`` overrides the format's own convention (Phoenix and GDELT files have none).
    ``corrections`` True applies analysts' corrections (changed types/actors; events marked wrong
    left out), False exports the coder's events as coded; None keeps ``filters.corrections``.
    The rows are read as ``stream_export`` reads them: in batches, in bounded memory.
    """
    if format == "parquet" and out == "-":
        raise ConfigError("parquet cannot be written to stdout; give a file with --out")
    lines = format == "plover" and str(out).endswith((".jsonl", ".ndjson"))
    with stream_export(store, format=format, level=level, method=method, filters=filters, header=header,
                       lines=lines, corrections=corrections) as stream:
        if format == "parquet":
            _write_binary(out, stream.chunks())
        else:
            with open_output(out) as handle:
                for chunk in stream.chunks():
                    handle.write(chunk.decode("utf-8"))
        return ExportSummary(format, out, stream.rows, stream.columns, level)


def _write_binary(path: str, chunks: Iterable[bytes]) -> None:
    target = Path(path).expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError as exc:
        raise EventcoderError(f"cannot write {path}: {exc.strerror or exc}") from exc
