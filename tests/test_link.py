"""Cross-article linking on a corpus coded with the real pipeline: exact linked and mention counts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from eventcoder.errors import ConfigError
from eventcoder.link import (
    LinkEvent, distance_km, link_events, link_pending, place_ok, type_strength,
)
from eventcoder.settings import Settings
from eventcoder.store import EventStore

CORPUS = Path(__file__).parent / "fixtures" / "linking" / "wire.jsonl"
LINES = CORPUS.read_text(encoding="utf-8").splitlines()


def code_corpus(store: EventStore, pipeline, path: Path) -> None:
    from eventcoder.run import code_inputs

    code_inputs([str(path)], settings=Settings(db=store.path), store=store, pipeline=pipeline, link=False)


@pytest.fixture(scope="module")
def coded(tmp_path_factory, pipeline) -> Path:
    """A store file with the corpus coded and nothing linked; tests copy it."""
    path = tmp_path_factory.mktemp("link") / "coded.duckdb"
    with EventStore(path) as store:
        code_corpus(store, pipeline, CORPUS)
    return path


@pytest.fixture()
def store(coded: Path, tmp_path: Path):
    copy = tmp_path / "store.duckdb"
    copy.write_bytes(coded.read_bytes())
    with EventStore(copy) as s:
        yield s


def clusters(store: EventStore, method: str = "dyad") -> list[dict[str, object]]:
    return store.query(
        "SELECT k.*, e.source_country, e.target_country, e.cameo_code FROM linked_events k "
        "JOIN events e ON e.event_id = k.rep_event_id WHERE k.method = ? "
        "ORDER BY k.event_date, e.source_country", [method])


def shape(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(r["source_country"], r["target_country"], str(r["event_date"]), r["num_events"],
             r["num_articles"], r["num_sources"], r["num_mentions"]) for r in rows]


def test_dyad_linking_merges_the_same_accusation_from_four_outlets(store: EventStore) -> None:
    summary = link_events(store)
    assert (summary.events_linked, summary.new_linked_events, summary.linked_events) == (8, 4, 4)
    assert summary.multi_article_events == 2
    assert shape(clusters(store)) == [
        ("JPN", "KOR", "2022-03-10", 1, 1, 1, 1),
        ("RUS", "UKR", "2022-03-10", 4, 4, 4, 5),
        ("RUS", "UKR", "2022-03-20", 1, 1, 1, 1),
        ("IRN", "SYR", "2022-04-05", 2, 2, 2, 2),
    ]
    big = clusters(store)[1]
    assert (str(big["first_date"]), str(big["last_date"])) == ("2022-03-10", "2022-03-11")
    assert big["cameo_code"] == "112"  # the representative is AP's two-sentence report
    assert sorted(str(big["outlets"]).split("|")) == ["ap", "bbc", "reuters", "tass"]
    assert len(str(big["urls"]).split("|")) == 4


def test_one_a_day_keeps_other_codes_and_days_apart(store: EventStore) -> None:
    summary = link_events(store, method="one-a-day")
    assert summary.linked_events == 6
    rows = [r for r in shape(clusters(store, "one-a-day")) if r[:2] == ("RUS", "UKR")]
    assert sorted(rows) == [
        ("RUS", "UKR", "2022-03-10", 1, 1, 1, 1),  # TASS, CAMEO 111
        ("RUS", "UKR", "2022-03-10", 2, 2, 2, 3),  # Reuters + AP, CAMEO 112
        ("RUS", "UKR", "2022-03-11", 1, 1, 1, 1),
        ("RUS", "UKR", "2022-03-20", 1, 1, 1, 1),
    ]


def test_both_methods_are_stored_side_by_side(store: EventStore) -> None:
    link_events(store)
    link_events(store, method="one-a-day")
    assert store.counts()["event_links"] == 16
    assert [s.linked_events for s in link_pending(store)] == [4, 6]


def test_relinking_is_idempotent_and_a_new_window_rebuilds(store: EventStore) -> None:
    link_events(store)
    again = link_events(store)
    assert (again.events_linked, again.rebuilt, again.linked_events) == (0, False, 4)
    narrow = link_events(store, window_days=0)
    assert narrow.rebuilt and narrow.linked_events == 5  # the BBC report of the next day stands alone
    assert link_events(store).window_days == 0  # later calls keep the stored window


def test_incremental_linking_matches_a_full_rebuild(tmp_path: Path, pipeline) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    later = {"bbc-0311", "reuters-0405", "tass-0310"}
    first.write_text("\n".join(l for l in LINES if not any(k in l for k in later)) + "\n", encoding="utf-8")
    second.write_text("\n".join(l for l in LINES if any(k in l for k in later)) + "\n", encoding="utf-8")
    with EventStore(tmp_path / "inc.duckdb") as store:
        code_corpus(store, pipeline, first)
        assert link_events(store).linked_events == 4
        code_corpus(store, pipeline, second)
        step = link_events(store)
        assert (step.events_linked, step.new_linked_events, step.updated_linked_events) == (3, 0, 2)
        incremental = shape(clusters(store))
        assert link_events(store, rebuild=True).rebuilt
        assert shape(clusters(store)) == incremental


def test_events_at_the_ends_of_the_calendar_do_not_break_linking(store: EventStore) -> None:
    """A store written by an older version may hold event dates of 9999-12-31 or 0001-01-01."""
    ids = [str(r["event_id"]) for r in store.query("SELECT event_id FROM events ORDER BY event_id")]
    store.query("UPDATE events SET event_date = DATE '9999-12-31' WHERE event_id = ?", [ids[0]])
    store.query("UPDATE events SET event_date = DATE '0001-01-01' WHERE event_id = ?", [ids[-1]])
    first = link_events(store)
    assert first.events_linked == len(ids)
    assert link_events(store, window_days=3).events_linked == len(ids)


def test_link_without_a_method_links_every_method_left_pending(store: EventStore, tmp_path: Path, pipeline) -> None:
    from eventcoder.cli import main

    link_events(store, method="one-a-day")  # the store has been linked with one-a-day before
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"id": "x1", "source": "Test Wire", "date": "2022-03-11", "title": "t",
                                 "text": "Russia accused Ukraine of shelling civilians in Donetsk on Friday."}) + "\n")
    from eventcoder.run import code_inputs

    code_inputs([str(extra)], settings=Settings(db=store.path), store=store, pipeline=pipeline, link=False)
    path = store.path
    store.close()
    assert main(["link", "--db", path]) == 0
    with EventStore(path, read_only=True) as reopened:
        total = reopened.counts()["events"]
        placed = {r["method"]: r["n"] for r in reopened.query(
            "SELECT method, count(*) AS n FROM event_links GROUP BY method")}
    assert placed == {"dyad": total, "one-a-day": total}


def test_unknown_method_and_negative_window_are_user_errors(store: EventStore) -> None:
    with pytest.raises(ConfigError, match="unknown link method"):
        link_events(store, method="fuzzy")
    with pytest.raises(ConfigError, match="negative"):
        link_events(store, window_days=-1)


def _event(**changes: object) -> LinkEvent:
    base: dict[str, object] = dict(
        event_id="e1", article_id="a1", event_date=date(2022, 3, 10), source_key="RUS",
        target_key="UKR", source_code="RUS", target_code="UKR", source_sectors=frozenset(),
        target_sectors=frozenset(), cameo_code="112", plover=("ACCUSE", "disapprove"),
        country=None, lat=None, lon=None, mentions=1, confidence=0.9, source_name="reuters",
        url=None, published=None, added_at=None,
    )
    base.update(changes)
    return LinkEvent(**base)  # type: ignore[arg-type]


def test_type_compatibility_follows_the_cameo_hierarchy_then_plover() -> None:
    a = _event()
    assert type_strength(a, _event(cameo_code="112")) == 3
    assert type_strength(a, _event(cameo_code="110")) == 2
    assert type_strength(_event(cameo_code="0332"), _event(cameo_code="033")) == 2
    assert type_strength(a, _event(cameo_code="111")) == 1  # same PLOVER type and mode
    assert type_strength(a, _event(cameo_code="057", plover=("SUPPORT", ""))) == 0


def test_places_in_different_countries_or_far_apart_do_not_link() -> None:
    damascus = _event(country="SYR", lat=33.51, lon=36.29)
    aleppo = _event(country="SYR", lat=36.20, lon=37.16)
    assert 300 < distance_km(33.51, 36.29, 36.20, 37.16) < 320
    assert place_ok(damascus, _event(), 100)  # no place on one side
    assert not place_ok(damascus, aleppo, 100)
    assert place_ok(damascus, aleppo, 400)
    assert not place_ok(damascus, _event(country="LBN"), 1000)
