"""Turning store rows into JSON-ready dicts for the API."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

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
    """A pandas DataFrame as JSON-ready records."""
    out = []
    for rec in frame.to_dict(orient="records"):
        row = {str(k): clean(v) for k, v in rec.items()}
        period = rec.get("period")
        if isinstance(period, datetime):  # periods are labelled by their first day
            row["period"] = period.date().isoformat()
        out.append(row)
    return out


def records(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{str(k): clean(v) for k, v in r.items()} for r in rows]
