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
import json
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from eventcoder.errors import ConfigError, EventcoderError
from eventcoder.export_formats import FIELD_FORMATS, Tables, clean_text
from eventcoder.output import EVENT_COLUMNS, open_output
from eventcoder.registry import DEFAULT_LINK_METHOD, EXPORT_FORMATS, OWN_EXPORT_FORMATS
from eventcoder.store import EventStore
from eventcoder.store.datasets import ARTICLE_COLUMNS, LINK_COLUMNS, EventFilter, dataset_query, iter_dataset

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


def _write_delimited(rows: Iterator[Mapping[str, object]], out: TextIO, fmt: str, header: bool,
                     tables: Tables) -> int:
    spec = FIELD_FORMATS[fmt]
    names = columns_for(fmt, tables)
    if header:
        out.write(spec.delimiter.join(names) + "\n")
    count = 0
    for row in rows:
        values = spec.builder(row, tables)
        unknown = set(values) - set(names)
        if unknown:  # a builder bug, not a user error
            raise AssertionError(f"{fmt} builder wrote columns not in the schema: {sorted(unknown)}")
        out.write(spec.delimiter.join(_cell(values.get(n)) for n in names) + "\n")
        count += 1
    return count


def _write_plover(rows: Iterator[Mapping[str, object]], out: TextIO, lines: bool, tables: Tables) -> int:
    count = 0
    if not lines:
        out.write("[")
    for row in rows:
        record = FIELD_FORMATS["plover"].builder(row, tables)
        text = json.dumps(record, ensure_ascii=False, default=_json_value)
        out.write(text + "\n" if lines else ("\n" if count == 0 else ",\n") + text)
        count += 1
    if not lines:
        out.write("\n]\n" if count else "]\n")
    return count


def _write_own(rows: Iterator[Mapping[str, object]], out: TextIO, fmt: str, header: bool) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=OWN_COLUMNS, lineterminator="\n")
        if header:
            writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) if v is not None else None for k, v in own_row(row).items()})
            count += 1
        return count
    for row in rows:
        out.write(json.dumps(own_row(row), ensure_ascii=False, default=_json_value) + "\n")
        count += 1
    return count


def _write_parquet(store: EventStore, path: str, *, level: str, method: str,
                   filters: EventFilter | None) -> int:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise EventcoderError("parquet export needs pyarrow: pip install 'eventcoder[analysis]'") from exc
    if path == "-":
        raise ConfigError("parquet cannot be written to stdout; give a file with --out")
    sql, params = dataset_query(level=level, method=method, filters=filters)
    cols = ", ".join(
        f"regexp_replace(trim({c}), '\\s+', ' ', 'g') AS {c}" if c in _TEXT_COLUMNS else c
        for c in OWN_COLUMNS
    )
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    cursor = store.connection.cursor()
    try:
        result = cursor.execute(f"SELECT {cols} FROM ({sql}) d", params)
        # DuckDB ≥ 2 names it to_arrow_reader; 1.x fetch_record_batch (not in 2.x's type stubs).
        reader = getattr(result, "to_arrow_reader", None) or getattr(result, "fetch_record_batch")
        with warnings.catch_warnings():  # DuckDB notes the copy an execute() result makes
            warnings.simplefilter("ignore", UserWarning)
            reader = reader(10_000)
        count = 0
        with pq.ParquetWriter(str(target), reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                count += batch.num_rows
        return count
    except OSError as exc:
        raise EventcoderError(f"cannot write {path}: {exc}") from exc
    finally:
        cursor.close()


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
    """
    if corrections is not None:  # issue 6: the corrections flag travels in the filter
        filters = replace(filters or EventFilter(), corrections=corrections)
    tables = Tables.default()
    names = columns_for(format, tables)
    if format == "parquet":
        rows = _write_parquet(store, out, level=level, method=method, filters=filters)
        return ExportSummary(format, out, rows, names, level)
    source = iter_dataset(store, level=level, method=method, filters=filters)
    with open_output(out) as handle:
        if format in FIELD_FORMATS and format != "plover":
            want = FIELD_FORMATS[format].header if header is None else header
            rows = _write_delimited(source, handle, format, want, tables)
        elif format == "plover":
            rows = _write_plover(source, handle, str(out).endswith((".jsonl", ".ndjson")), tables)
        else:
            rows = _write_own(source, handle, format, header is not False)
    return ExportSummary(format, out, rows, names, level)
