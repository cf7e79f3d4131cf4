"""Analysis frames and plots on the linking corpus: exact series values, networks, alerts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import build_examples_store

from eventcoder import analysis as A
from eventcoder.errors import ConfigError, EventcoderError
from eventcoder.plots import plot_network, plot_series
from eventcoder.store import EventStore
from eventcoder.store.datasets import EventFilter

CORPUS = Path(__file__).parent / "fixtures" / "linking" / "wire.jsonl"


@pytest.fixture(scope="module")
def store(tmp_path_factory, pipeline):
    path = build_examples_store(tmp_path_factory.mktemp("analysis"), pipeline, inputs=CORPUS)
    with EventStore.open_reader(path) as reader:
        yield reader


def test_dyad_month_series_counts_real_world_events(store: EventStore) -> None:
    s = A.dyad_series(store, dyad=("RUS", "UKR"), by="month")
    assert len(s) == 1
    row = s.iloc[0]
    assert (str(row["period"].date()), row["source"], row["target"]) == ("2022-03-01", "RUS", "UKR")
    assert (row["events"], row["mentions"], row["quad_3"], row["penta_3"]) == (2, 6, 2, 2)
    assert row["goldstein_sum"] == pytest.approx(-4.0) and row["goldstein_mean"] == pytest.approx(-2.0)
    assert row["plover_score_sum"] == pytest.approx(-4.0)  # ACCUSE/disapprove = -2.0 each


def test_article_level_counts_every_report(store: EventStore) -> None:
    s = A.dyad_series(store, dyad=("RUS", "UKR"), by="month", level="article")
    assert s["events"].tolist() == [5]
    one_a_day = A.dyad_series(store, dyad=("RUS", "UKR"), by="month", method="one-a-day")
    assert one_a_day["events"].tolist() == [5]  # not linked with one-a-day: every event stands alone


def test_daily_series_is_filled_with_zero_days(store: EventStore) -> None:
    s = A.dyad_series(store, dyad=("RUS", "UKR"), by="day")
    assert len(s) == 11  # 2022-03-10 .. 2022-03-20
    assert s["events"].tolist() == [1] + [0] * 9 + [1]
    weekly = A.dyad_series(store, dyad=("RUS", "UKR"), by="week", fill=False)
    assert [str(p.date()) for p in weekly["period"]] == ["2022-03-07", "2022-03-14"]


def test_undirected_dyads_merge_both_directions(store: EventStore) -> None:
    s = A.dyad_series(store, dyad=("SYR", "IRN"), by="year", directed=False)
    assert (s.iloc[0]["source"], s.iloc[0]["target"], s.iloc[0]["events"], s.iloc[0]["mentions"]) == ("IRN", "SYR", 1, 2)
    assert A.dyad_series(store, dyad=("SYR", "IRN"), by="year").empty


def test_country_series(store: EventStore) -> None:
    c = A.country_series(store, countries=["ukr", "RUS"], by="month", fill=False)
    got = {(r.country, str(r.period.date())): (r.events, r.as_source, r.as_target) for r in c.itertuples()}
    assert got == {("RUS", "2022-03-01"): (2, 2, 0), ("UKR", "2022-03-01"): (2, 0, 2)}
    filled = A.country_series(store, by="month")
    assert set(filled["country"]) == {"IRN", "JPN", "KOR", "RUS", "SYR", "UKR"}
    assert len(filled) == 6 * 2  # March and April for every country


def test_network_edges_and_files(store: EventStore, tmp_path: Path) -> None:
    edges = A.actor_network(store)
    got = {(e.source, e.target): (e.events, e.weight) for e in edges.itertuples()}
    assert got == {("IRN", "SYR"): (1, 1), ("JPN", "KOR"): (1, 1), ("RUS", "UKR"): (2, 2)}
    gold = A.actor_network(store, weight="goldstein", by="month")
    assert gold.set_index(["source", "target"]).loc[("RUS", "UKR"), "weight"] == pytest.approx(-4.0)
    assert A.write_network(gold, tmp_path / "n.graphml") == 3
    xml = (tmp_path / "n.graphml").read_text(encoding="utf-8")
    assert '<edge id="e0"' in xml and '<data key="period">2022-03-01</data>' in xml
    assert A.write_network(edges, tmp_path / "n.csv") == 3
    assert pd.read_csv(tmp_path / "n.csv")["events"].sum() == 4


def test_change_alerts_flag_a_surge(store: EventStore) -> None:
    alerts = A.change_alerts(store, unit="dyad", by="day", baseline=3, threshold=1.0, min_count=1)
    rus = alerts[alerts["key"] == "RUS->UKR"]
    flagged = rus[rus["flagged"]]
    assert [str(p.date()) for p in flagged["period"]] == ["2022-03-20"]
    # three quiet days before: mean 0, sd 0 (floored at 1) → score (1 - 0) / 1
    assert (flagged.iloc[0]["count"], flagged.iloc[0]["baseline_mean"], flagged.iloc[0]["score"]) == (1, 0, 1.0)
    assert rus[rus["period"] == pd.Timestamp("2022-03-10")].empty  # no baseline before the first day
    strict = A.change_alerts(store, unit="dyad", by="day", baseline=3, min_count=2, flagged_only=True)
    assert strict.empty


def test_filters_apply_to_analysis(store: EventStore) -> None:
    s = A.dyad_series(store, by="year", filters=EventFilter(plover_types=("SUPPORT",)), fill=False)
    assert list(zip(s["source"], s["target"], s["events"])) == [("IRN", "SYR", 1)]


def test_bad_options_are_user_errors(store: EventStore) -> None:
    with pytest.raises(ConfigError, match="unknown period"):
        A.dyad_series(store, by="decade")
    with pytest.raises(ConfigError):
        A.actor_network(store, weight="tone")
    with pytest.raises(ConfigError):
        A.change_alerts(store, unit="city")


def test_plots_write_png_and_svg(store: EventStore, tmp_path: Path) -> None:
    png = plot_series(A.dyad_series(store, dyad=("RUS", "UKR"), by="week"), out=tmp_path / "s.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = plot_series(A.country_series(store, by="month"), value="quad", out=tmp_path / "q.svg")
    assert "<svg" in svg.read_text(encoding="utf-8")[:500]
    net = plot_network(A.actor_network(store), out=tmp_path / "n.png")
    assert net.stat().st_size > 5000
    with pytest.raises(EventcoderError, match="nothing to plot"):
        plot_series(A.dyad_series(store, dyad=("USA", "CHN")), out=tmp_path / "x.png")
    with pytest.raises(ConfigError, match="must end in"):
        plot_network(A.actor_network(store), out=tmp_path / "n.gif")


def test_a_filled_series_is_capped_on_groups_times_periods(store: EventStore, monkeypatch) -> None:
    daily = A.dyad_series(store, by="day")
    groups = len(daily[["source", "target"]].drop_duplicates())
    periods = daily["period"].nunique()
    monkeypatch.setattr(A, "MAX_FILLED_ROWS", groups * periods - 1)  # the real cap is 2,000,000 rows
    with pytest.raises(EventcoderError, match="groups ×"):
        A.dyad_series(store, by="day")
    assert len(A.dyad_series(store, by="day", fill=False)) <= groups * periods


def test_a_kept_events_frame_gives_the_same_analyses_and_is_not_changed(store: EventStore) -> None:
    """The server keeps one events frame per dataset for series, networks and alerts (issue 16):
    each analysis given it answers as one that reads its own, and leaves it as it was."""
    kept = A.events_frame(store)
    before = kept.copy()
    calls = [
        lambda **kw: A.dyad_series(store, by="month", **kw),
        lambda **kw: A.dyad_series(store, dyad=("RUS", "UKR"), by="day", directed=False, **kw),
        lambda **kw: A.country_series(store, by="week", **kw),
        lambda **kw: A.actor_network(store, actors="code", by="month", **kw),
        lambda **kw: A.actor_network(store, **kw),
        lambda **kw: A.change_alerts(store, unit="dyad", by="day", baseline=1, **kw),
        lambda **kw: A.change_alerts(store, by="week", baseline=1, **kw),
    ]
    for call in calls:
        pd.testing.assert_frame_equal(call(frame=kept), call())
    pd.testing.assert_frame_equal(kept, before)
