"""Exports read back with pandas: exact headers, filled counts, empty uncoded fields, filters."""

from __future__ import annotations

import csv
import filecmp
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import build_examples_store

from eventcoder.errors import ConfigError
from eventcoder.export import FORMATS, OWN_COLUMNS, columns_for, export_events
from eventcoder.export_formats import Tables, markup
from eventcoder.store import EventStore
from eventcoder.store.datasets import EventFilter

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "tests" / "fixtures" / "linking" / "wire.jsonl"
PACKAGED = ROOT / "eventcoder" / "data" / "formats" / "export_schemas.json"


@pytest.fixture(scope="module")
def store(tmp_path_factory, pipeline):
    path = build_examples_store(tmp_path_factory.mktemp("export"), pipeline, inputs=CORPUS)
    with EventStore.open_reader(path) as reader:
        yield reader


def schema_columns(key: str) -> list[str]:
    entry = json.loads(PACKAGED.read_text(encoding="utf-8"))[key]
    return [c["name"] for c in entry["columns"]]


def read_tsv(path: Path, header: bool, names: list[str] | None = None) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False,
                       header=0 if header else None, names=None if header else names)


def test_icews_header_equals_the_sample_file(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "icews.tsv"
    summary = export_events(store, format="icews", out=str(out))
    frame = read_tsv(out, header=True)
    assert list(frame.columns) == schema_columns("icews_dataverse_events")
    packaged = json.loads(PACKAGED.read_text(encoding="utf-8"))["icews_dataverse_events"]["sample_header"]
    assert out.read_text(encoding="utf-8").split("\n", 1)[0] == "\t".join(packaged)
    assert summary.rows == len(frame) == 4
    rus = frame[frame["CAMEO Code"] == "112"]
    assert list(rus["Source Country"]) == ["Russia", "Russia"] and set(rus["Target Country"]) == {"Ukraine"}
    assert set(frame["District"]) == {""}  # never coded, never invented


def test_icews_header_matches_the_reference_sample(store: EventStore, tmp_path: Path) -> None:
    sample = SHARED / "data" / "formats" / "icews.events.2018.sample.tab"
    if not sample.exists():
        pytest.skip("../shared is absent (reference ICEWS sample not available)")
    out = tmp_path / "icews.tsv"
    export_events(store, format="icews", out=str(out))
    with sample.open(encoding="utf-8") as handle:
        assert out.read_text(encoding="utf-8").split("\n", 1)[0] == handle.readline().rstrip("\n")


def test_gdelt_has_61_columns_and_the_linked_counts(store: EventStore, tmp_path: Path) -> None:
    names = schema_columns("gdelt2_events")
    out = tmp_path / "gdelt.tsv"
    export_events(store, format="gdelt", out=str(out))
    frame = read_tsv(out, header=False, names=names)
    assert len(names) == 61 and frame.shape == (4, 61)
    row = frame[(frame["Actor1Code"] == "RUS") & (frame["SQLDATE"] == "20220310")].iloc[0]
    assert (row["NumMentions"], row["NumSources"], row["NumArticles"]) == ("5", "4", "4")
    assert (row["EventCode"], row["EventBaseCode"], row["EventRootCode"], row["QuadClass"]) == ("112", "112", "11", "3")
    assert row["MonthYear"] == "202203" and row["Actor2CountryCode"] == "UKR"
    assert row["SOURCEURL"].startswith("https://") and len(row["DATEADDED"]) == 14
    assert set(frame["AvgTone"]) == {""} and set(frame["Actor1EthnicCode"]) == {""}
    tokyo = frame[frame["Actor1Code"] == "JPN"].iloc[0]
    assert (tokyo["ActionGeo_Type"], tokyo["ActionGeo_FullName"], tokyo["ActionGeo_CountryCode"]) == (
        "4", "Tokyo, Japan", "JA")  # FIPS 10-4, as GDELT uses
    assert int(tokyo["GLOBALEVENTID"]) < 2**53


def test_phoenix_and_polecat_columns(store: EventStore, tmp_path: Path) -> None:
    names = schema_columns("phoenix_oeda_daily")
    export_events(store, format="phoenix", out=str(tmp_path / "p.tsv"))
    phoenix = read_tsv(tmp_path / "p.tsv", header=False, names=names)
    assert phoenix.shape == (4, 26)
    big = phoenix[phoenix["URLs"].str.count(";") == 3].iloc[0]
    assert sorted(big["NewsSources"].split(";")) == ["ap", "bbc", "reuters", "tass"]
    assert (big["Date"], big["SourceActorFull"], big["QuadClass (aka PentaClass)"]) == ("20220310", "RUS", "3")
    export_events(store, format="polecat", out=str(tmp_path / "pc.tsv"))
    polecat = read_tsv(tmp_path / "pc.tsv", header=True)
    assert list(polecat.columns) == schema_columns("polecat_dataverse")
    syr = polecat[polecat["Recipient Country"] == "SYR"].iloc[0]
    assert (syr["Event Type"], syr["Actor COW"], syr["Recipient COW"], syr["Placename"]) == (
        "SUPPORT", "630", "652", "Damascus")
    assert set(polecat["Wikipedia Actor ID"]) == {""}


def test_header_flag_overrides_the_convention(store: EventStore, tmp_path: Path) -> None:
    export_events(store, format="gdelt", out=str(tmp_path / "g.tsv"), header=True)
    assert list(read_tsv(tmp_path / "g.tsv", header=True).columns) == schema_columns("gdelt2_events")


def test_plover_json_records_have_exactly_the_plover_fields(store: EventStore, tmp_path: Path) -> None:
    raw = json.loads(PACKAGED.read_text(encoding="utf-8"))["plover_json_record"]["fields"]
    fields = [f.split("[")[0].split("{")[0].split(" ")[0] for f in raw]
    export_events(store, format="plover", out=str(tmp_path / "p.json"))
    records = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert len(records) == 4 and all(list(r) == fields for r in records)
    syr = next(r for r in records if r["event"] == "SUPPORT")
    assert syr["source"] == [{"actorText": "Iran", "code": "IRN", "sector": None}]
    assert syr["eventLoc"]["name"] == "Damascus" and syr["dead"] is None
    assert syr["textInfo"]["markup"] == "(SRC: Iran) and (TAR: Syria) (EVT: signed) a security agreement in Damascus."
    export_events(store, format="plover", out=str(tmp_path / "p.jsonl"))
    lines = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(l)["id"] for l in lines] == [r["id"] for r in records]


def test_own_formats_round_trip(store: EventStore, tmp_path: Path) -> None:
    export_events(store, format="csv", out=str(tmp_path / "e.csv"), level="article")
    frame = pd.read_csv(tmp_path / "e.csv", dtype=str)
    assert list(frame.columns) == list(OWN_COLUMNS) and len(frame) == 8
    assert frame["link_id"].nunique() == 4
    export_events(store, format="parquet", out=str(tmp_path / "e.parquet"))
    parquet = pd.read_parquet(tmp_path / "e.parquet")
    assert list(parquet.columns) == list(OWN_COLUMNS) and len(parquet) == 4
    assert sorted(parquet["num_mentions"].tolist()) == [1, 1, 2, 5]
    export_events(store, format="jsonl", out=str(tmp_path / "e.jsonl"))
    rows = [json.loads(l) for l in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["event_date"] for r in rows] == ["2022-03-10", "2022-03-10", "2022-03-20", "2022-04-05"]
    assert not any("\n" in (r["sentence"] or "") for r in rows)


@pytest.mark.parametrize(("filters", "expected"), [
    (EventFilter(countries=("syr",)), 1),
    (EventFilter(since=date(2022, 3, 15)), 2),
    (EventFilter(until=date(2022, 3, 10)), 2),
    (EventFilter(actors=("RU",)), 2),
    (EventFilter(actors=("japan",)), 1),
    (EventFilter(cameo=("11",)), 2),
    (EventFilter(roots=("5",)), 1),
    (EventFilter(quad_classes=(1,)), 2),
    (EventFilter(plover_types=("accuse",)), 2),
    (EventFilter(text="criticized"), 1),  # matches the TASS member of the linked event
    (EventFilter(text="sabotaging", countries=("RUS",)), 1),
])
def test_filters(store: EventStore, tmp_path: Path, filters: EventFilter, expected: int) -> None:
    summary = export_events(store, format="jsonl", out=str(tmp_path / "f.jsonl"), filters=filters)
    assert summary.rows == expected


def test_every_format_has_a_column_list_and_unknown_formats_fail(tmp_path: Path) -> None:
    tables = Tables.default()
    assert {f: len(columns_for(f, tables)) for f in FORMATS if f not in ("csv", "jsonl", "parquet")} == {
        "phoenix": 26, "icews": 20, "gdelt": 61, "polecat": 40, "plover": 20}
    with pytest.raises(ConfigError, match="unknown export format"):
        columns_for("acled")


def test_markup_skips_overlapping_spans() -> None:
    row = {"sentence": "Iran said Iran met.", "source_text": "Iran", "target_text": "Iran", "trigger": "met"}
    assert markup(row) == "(SRC: Iran) said Iran (EVT: met)."


def test_cli_export_with_filters(store: EventStore, tmp_path: Path) -> None:
    out = tmp_path / "cli.tsv"
    done = subprocess.run(
        [sys.executable, "-m", "eventcoder", "export", "--db", store.path, "--format", "icews",
         "--out", str(out), "--country", "RUS", "--quad", "3"],
        capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert "exported 2 linked events as icews" in done.stdout
    assert len(read_tsv(out, header=True)) == 2


def test_build_formats_reproduces_the_shipped_files(tmp_path: Path) -> None:
    if not SHARED.exists():
        pytest.skip("../shared is absent")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_formats.py"), "--shared", str(SHARED),
                    "--out", str(tmp_path)], check=True)
    for name in ("export_schemas.json", "country_codes.tsv"):
        assert filecmp.cmp(tmp_path / name, PACKAGED.parent / name, shallow=False), name
