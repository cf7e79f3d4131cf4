"""Flat output: the row layout and the CSV / JSONL writers round-trip real values."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from eventcoder.output import (
    EVENT_COLUMNS, event_row, open_output, write_csv, write_csv_header, write_csv_rows, write_jsonl,
)
from eventcoder.records import Actor, CameoInfo, Event, Location, Mention, ResolvedDate

CAMEO_042 = CameoInfo(
    code="042", name="Make a visit", root="04", goldstein=1.9, quad_class=1, penta_class=1,
    plover_type="CONSULT", plover_mode="visit", plover_context=None,
)


def make_event(*, event_id: str = "ev1", with_target: bool = True, with_location: bool = True) -> Event:
    sentence = "Iranian military chief Mohammad Bagheri visited Damascus on Tuesday."
    source = Mention("Iranian military chief", 0, 22, Actor("IRNMIL", "Iran military", "IRN", ("MIL",)),
                     "agent+country")
    target = Mention("Syria", 48, 56, Actor("SYR", "Syria", "SYR", ("GOV", "MIL")), "country-name")
    location = Location("Damascus", "SYR", "Dimashq", 33.5102, 36.2913, 170654, "prep:in Damascus")
    return Event(
        id=event_id, article_id="art1", sentence_index=2, sentence=sentence, trigger="visited",
        trigger_start=40, trigger_end=47, source=source, target=target if with_target else None,
        cameo=CAMEO_042, modality="asserted",
        date=ResolvedDate(date(2020, 7, 7), "day", "weekday:on Tuesday", "on Tuesday"),
        location=location if with_location else None, attribution=None, quote=None,
        confidence=0.85, method="pattern:VISIT", mentions=(2, 5, 7),
    )


def test_event_row_has_exactly_the_documented_columns_in_order() -> None:
    row = event_row(make_event())
    assert tuple(row) == EVENT_COLUMNS
    assert len(set(EVENT_COLUMNS)) == len(EVENT_COLUMNS)
    assert EVENT_COLUMNS[:3] == ("event_id", "article_id", "sentence_index")
    assert EVENT_COLUMNS[-2:] == ("mention_sentences", "issues")


def test_event_row_values() -> None:
    row = event_row(make_event())
    assert row["source_code"] == "IRNMIL"
    assert row["source_sectors"] == "MIL"
    assert row["target_sectors"] == "GOV|MIL"
    assert row["target_resolved_by"] == "country-name"
    assert row["cameo_code"] == "042" and row["cameo_root"] == "04"
    assert row["goldstein"] == 1.9 and row["quad_class"] == 1
    assert row["plover_type"] == "CONSULT" and row["plover_context"] is None
    assert row["event_date"] == "2020-07-07"
    assert row["date_how"] == "weekday:on Tuesday"
    assert row["geonames_id"] == 170654 and row["lat"] == pytest.approx(33.5102)
    assert row["mention_sentences"] == "2|5|7"


def test_event_row_without_target_or_location_is_empty_there() -> None:
    row = event_row(make_event(with_target=False, with_location=False))
    assert all(row[c] is None for c in EVENT_COLUMNS if c.startswith("target_"))
    assert all(row[c] is None for c in ("location_name", "lat", "lon", "geonames_id", "location_how"))
    assert row["source_code"] == "IRNMIL"


def test_csv_round_trip() -> None:
    events = [make_event(), make_event(event_id="ev2", with_target=False, with_location=False)]
    buffer = io.StringIO()
    assert write_csv(events, buffer) == 2
    reader = csv.reader(io.StringIO(buffer.getvalue()))
    header = next(reader)
    rows = [dict(zip(header, r, strict=True)) for r in reader]
    assert tuple(header) == EVENT_COLUMNS
    assert len(rows) == 2
    first, second = rows
    assert first["event_id"] == "ev1"
    assert first["sentence"].startswith("Iranian military chief")
    assert first["target_code"] == "SYR"
    assert first["event_date"] == "2020-07-07"
    assert float(first["goldstein"]) == 1.9
    assert int(first["geonames_id"]) == 170654
    assert first["plover_context"] == ""  # None -> empty
    assert first["mention_sentences"] == "2|5|7"
    assert second["target_code"] == "" and second["lat"] == ""


def test_csv_with_no_events_writes_only_the_header() -> None:
    buffer = io.StringIO()
    assert write_csv([], buffer) == 0
    assert buffer.getvalue() == ",".join(EVENT_COLUMNS) + "\n"


def test_streamed_csv_matches_write_csv() -> None:
    events = [make_event(), make_event(event_id="ev2", with_target=False)]
    whole, streamed = io.StringIO(), io.StringIO()
    write_csv(events, whole)
    write_csv_header(streamed)
    assert write_csv_rows(events[:1], streamed) == 1
    assert write_csv_rows(events[1:], streamed) == 1
    assert streamed.getvalue() == whole.getvalue()


def test_jsonl_lines_parse_with_the_same_keys() -> None:
    buffer = io.StringIO()
    assert write_jsonl([make_event(), make_event(event_id="ev2", with_target=False)], buffer) == 2
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 2
    parsed = [json.loads(line) for line in lines]
    assert all(tuple(p) == EVENT_COLUMNS for p in parsed)
    assert parsed[0]["target_code"] == "SYR" and parsed[1]["target_code"] is None
    assert parsed[0]["confidence"] == 0.85 and parsed[0]["trigger_start"] == 40


def test_open_output_writes_file_and_creates_directories(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "out.csv"
    with open_output(str(path)) as out:
        write_csv([make_event()], out)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["source_name"] == "Iran military"


def test_open_output_dash_is_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    with open_output("-") as out:
        write_jsonl([make_event()], out)
    assert json.loads(capsys.readouterr().out)["event_id"] == "ev1"
