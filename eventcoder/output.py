"""Flat, one-row-per-event output: the column list, the row builder and the JSONL / CSV writers.

``EVENT_COLUMNS`` is the stable public layout shared by the flat writers here and by the
``events`` table of the store (both defined in :mod:`eventcoder.records`, which the store reads
without depending on this output layer). Columns, in order:

======================  =====================================================================
event_id, article_id    stable ids of the event and of the article it was coded from
sentence_index          0-based index of the sentence inside the article
sentence                the sentence text
trigger                 the word(s) that triggered the event
trigger_start/_end      character offsets of the trigger in the article text
source_* / target_*     ``text`` (mention as written), ``name`` (canonical), ``code`` (CAMEO
                        actor code, empty if unknown), ``country`` (ISO3), ``sectors``
                        ("|"-joined, e.g. "GOV|MIL"), ``resolved_by`` (how the actor was found).
                        All target columns are empty when the event has no target.
cameo_code ...          ``cameo_code``, ``cameo_name``, ``cameo_root``, ``goldstein``,
                        ``quad_class`` (1-4), ``penta_class`` (0-4)
plover_*                PLOVER ``type``, ``mode`` and ``context`` (may be empty)
modality                asserted / future / negated / hypothetical
event_date              ISO date (YYYY-MM-DD); ``date_precision`` day/week/month/year;
                        ``date_how`` says how the date was resolved
location_*, lat, lon    place name, ISO3 country, admin-1, coordinates, ``geonames_id`` and
                        ``location_how``; all empty when no place was found
attribution, quote      who said it, and the quoted text, when the event is reported speech
confidence, method      the coder's confidence (0-1) and the rule / model that produced the code
mention_sentences       "|"-joined sentence indexes of every mention of the event in the article
issues                  "|"-joined issue codes (Phoenix.IssueCoding) whose keywords occur in the
                        event's sentence, e.g. "HUMAN_RIGHTS|REFUGEES"; empty when none
======================  =====================================================================

In CSV output ``None`` is written as an empty field; JSONL keeps ``null``.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from eventcoder.errors import EventcoderError
from eventcoder.records import EVENT_COLUMNS, SEPARATOR, Event, event_row

__all__ = [
    "EVENT_COLUMNS", "SEPARATOR", "event_row", "open_output", "write_csv", "write_csv_header", "write_csv_rows",
    "write_jsonl",
]


def write_jsonl(events: Iterable[Event], out: TextIO) -> int:
    """Write one JSON object per line (keys in ``EVENT_COLUMNS`` order); returns the row count."""
    count = 0
    for event in events:
        out.write(json.dumps(event_row(event), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


def _csv_writer(out: TextIO) -> csv.DictWriter[str]:
    return csv.DictWriter(out, fieldnames=EVENT_COLUMNS, lineterminator="\n")


def write_csv_header(out: TextIO) -> None:
    """Write the CSV header line (``EVENT_COLUMNS``); for streaming with ``write_csv_rows``."""
    _csv_writer(out).writeheader()


def write_csv_rows(events: Iterable[Event], out: TextIO) -> int:
    """Write one CSV row per event, no header; None becomes an empty field. Returns the count."""
    writer = _csv_writer(out)
    count = 0
    for event in events:
        writer.writerow(event_row(event))
        count += 1
    return count


def write_csv(events: Iterable[Event], out: TextIO) -> int:
    """Write the header (``EVENT_COLUMNS``) and one row per event; returns the event row count.

    The header is written even when there are no events. Lines end with "\n".
    """
    write_csv_header(out)
    return write_csv_rows(events, out)


@contextmanager
def open_output(path: str) -> Iterator[TextIO]:
    """Open ``path`` for writing UTF-8 text; ``"-"`` means stdout (which is flushed, not closed).

    Missing parent directories are created. An unwritable path raises ``EventcoderError``.
    """
    if path == "-":
        try:
            yield sys.stdout
        finally:
            sys.stdout.flush()
        return
    target = Path(path).expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = target.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise EventcoderError(f"cannot write {path}: {exc.strerror or exc}") from exc
    with handle:
        yield handle
