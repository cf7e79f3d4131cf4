"""The value lists that the library, the CLI, the HTTP API and the docs share, each written once.

Each list is a string enum (its members compare equal to their values, so ``"dyad" ==
LinkMethod.DYAD``) and a tuple of the plain values, in the order help texts and docs show them:

- :class:`LinkMethod` — cross-article linking (:mod:`eventcoder.link`);
- :class:`ExportFormat` — dataset exports (:mod:`eventcoder.export`), with each format's file suffix;
- :class:`Coder` and :class:`Extractor` — the ``coder`` and ``extractor`` settings
  (:mod:`eventcoder.settings`); :data:`PLV_CODERS` — what ``eventcoder eval plv --coder`` scores.

``tests/test_registry.py`` checks that the docs list exactly these values. This module imports
nothing heavy, so the CLI can read it to build its parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class LinkMethod(StrEnum):
    DYAD = "dyad"
    ONE_A_DAY = "one-a-day"


LINK_METHODS: tuple[str, ...] = tuple(m.value for m in LinkMethod)
DEFAULT_LINK_METHOD: str = LinkMethod.DYAD.value


class ExportFormat(StrEnum):
    # The field's formats (built in eventcoder.export_formats) ...
    PHOENIX = "phoenix"
    ICEWS = "icews"
    GDELT = "gdelt"
    POLECAT = "polecat"
    PLOVER = "plover"
    # ... then eventcoder's own columns.
    CSV = "csv"
    JSONL = "jsonl"
    PARQUET = "parquet"


EXPORT_FORMATS: tuple[str, ...] = tuple(f.value for f in ExportFormat)
OWN_EXPORT_FORMATS: tuple[str, ...] = (ExportFormat.CSV.value, ExportFormat.JSONL.value, ExportFormat.PARQUET.value)
FIELD_EXPORT_FORMATS: tuple[str, ...] = tuple(f for f in EXPORT_FORMATS if f not in OWN_EXPORT_FORMATS)
EXPORT_SUFFIXES: Mapping[str, str] = MappingProxyType({
    ExportFormat.PHOENIX: ".tsv", ExportFormat.ICEWS: ".tab", ExportFormat.GDELT: ".tsv", ExportFormat.POLECAT: ".tsv",
    ExportFormat.PLOVER: ".json", ExportFormat.CSV: ".csv", ExportFormat.JSONL: ".jsonl", ExportFormat.PARQUET: ".parquet",
})
"""The file suffix of each format (a download's name)."""


class Coder(StrEnum):
    """The ``coder`` setting: how events are typed."""

    DICTIONARY = "dictionary"
    COMBINED = "combined"


class Extractor(StrEnum):
    """The ``extractor`` setting: which candidate events become events."""

    GATE = "gate"
    RULES = "rules"


CODERS: tuple[str, ...] = tuple(c.value for c in Coder)
EXTRACTORS: tuple[str, ...] = tuple(e.value for e in Extractor)
PLV_CODERS: tuple[str, ...] = ("dictionary", "learned", "combined")
"""``eventcoder eval plv --coder``: the dictionary alone, the pair model alone, or both."""
