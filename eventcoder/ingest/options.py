"""Settings for the ingest stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eventcoder.errors import ConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions:
    """How inputs are read.

    ``max_bytes`` bounds one plain-text article and one JSON line (JSON lines files are
    streamed, so a large corpus file is fine as long as each record fits). The ``*_field``
    names say which JSON keys hold what; for the IndiaPoliceEvents corpus use
    ``id_field="doc_id", text_field="full_text"``. ``default_date`` is used for an article
    without a readable date instead of rejecting it. Numeric dates such as ``08/07/2020`` are
    read day-first unless ``day_first=False`` (a component above 12 always decides).
    """

    max_bytes: int = 5_000_000
    id_field: str = "id"
    title_field: str = "title"
    text_field: str = "text"
    date_field: str = "date"
    url_field: str = "url"
    source_field: str = "source"
    min_chars: int = 20
    require_english: bool = True
    default_date: date | None = None
    day_first: bool = True

    def __post_init__(self) -> None:
        for name in ("max_bytes", "min_chars"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < (1 if name == "max_bytes" else 0):
                raise ConfigError(f"IngestOptions.{name} must be a whole number ({'at least 1' if name == 'max_bytes' else '0 or more'}), got {value!r}")
        for name in ("id_field", "title_field", "text_field", "date_field", "url_field", "source_field"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise ConfigError(f"IngestOptions.{name} must be a field name, got {getattr(self, name)!r}")
        if self.default_date is not None and not isinstance(self.default_date, date):
            raise ConfigError(f"IngestOptions.default_date must be a date, got {self.default_date!r}")
