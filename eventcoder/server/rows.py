"""Turning store rows into JSON-ready dicts for the API."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import numpy as np

# The columns an event has in lists (the full row is in /events/{id}).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "event_id", "unit_id", "link_id", "article_id", "event_date", "sentence_index", "sentence", "trigger",
    "source_text", "source_name", "source_code", "source_country", "source_sectors",
    "target_text", "target_name", "target_code", "target_country", "target_sectors",
    "cameo_code", "cameo_name", "cameo_root", "goldstein", "quad_class", "penta_class",
    "plover_type", "plover_mode", "modality", "location_name", "location_country", "lat", "lon",
    "confidence", "headline", "outlet", "url", "published", "num_events", "num_mentions", "num_sources",
    "num_articles",
)
CORRECTION_SUMMARY: tuple[str, ...] = ("correction_id", "action", "author", "created_at", "fields", "note")


_AS_IS = frozenset({str, int, bool, type(None)})  # exact types that are JSON-safe unchanged


def clean(value: Any) -> Any:
    """A JSON-safe value: ISO dates, no NaN or infinity, lists for tuples."""
    kind = type(value)
    if kind in _AS_IS:  # most values of a row: one set lookup instead of the isinstance chain
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return clean(value.item())
    return str(value)


def summary(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: clean(row.get(k)) for k in SUMMARY_COLUMNS}


def correction_summary(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: clean(row.get(k)) for k in CORRECTION_SUMMARY}


def correction_full(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: clean(v) for k, v in row.items() if k != "_rank"}
    original = row.get("original")
    out["original"] = json.loads(original) if isinstance(original, str) else original
    fields = list(row.get("fields") or [])
    out["changes"] = {f: clean(row.get(f)) for f in fields}
    return out


def frame_records(frame: Any) -> list[dict[str, Any]]:
    """A pandas DataFrame as JSON-ready records (``period`` as its first day's ISO date).

    The values are those of ``frame.to_dict(orient="records")`` cleaned, built a column at a
    time: numpy number columns (most of a series) convert at once, not a value at a time."""
    names = [str(c) for c in frame.columns]
    if not names or len(set(names)) != len(names):
        return [_record(rec) for rec in frame.to_dict(orient="records")]
    columns: list[list[Any] | None] = [
        None if name == "period" else _numbers(frame.iloc[:, i]) for i, name in enumerate(names)]
    rest = [i for i, c in enumerate(columns) if c is None]
    if rest:
        others = frame.iloc[:, rest].to_dict(orient="records")
        for i in rest:
            name = names[i]
            columns[i] = [_period_or_clean(r[name]) if name == "period" else clean(r[name]) for r in others]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)] if len(frame) else []


def _numbers(column: Any) -> list[Any] | None:
    """A numpy int, unsigned, bool or float column's values as Python numbers (non-finite ones
    None), or None for any other column."""
    kind = getattr(column.dtype, "kind", "")
    if not isinstance(column.dtype, np.dtype) or kind not in "iubf":
        return None
    values = column.to_numpy()
    out: list[Any] = values.tolist()
    if kind == "f":
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            out[i] = None
    return out


def _period_or_clean(value: Any) -> Any:
    return value.date().isoformat() if isinstance(value, datetime) else clean(value)  # periods: their first day


def _record(rec: Mapping[Any, Any]) -> dict[str, Any]:
    row = {str(k): clean(v) for k, v in rec.items()}
    period = rec.get("period")
    if isinstance(period, datetime):
        row["period"] = period.date().isoformat()
    return row


def records(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{str(k): clean(v) for k, v in r.items()} for r in rows]
