"""The shipped lexicon: phrase keys, countries, capitals, IGOs, agents, people; and the build."""

from __future__ import annotations

import filecmp
import gc
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from eventcoder.errors import ResourceError
from eventcoder.lexicon import Lexicon, phrase_key, read_tsv

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATA = REPO / "eventcoder" / "data"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("U.S.", ("u.s.",)),
        ("Bashar al-Assad", ("bashar", "al", "-", "assad")),
        ("Iran's", ("iran", "'s")),
        ("Cote d'Ivoire", ("cote", "d'ivoire")),
        ("Washington, D.C.", ("washington", ",", "d.c.")),
        ("Gen. Bagheri", ("gen.", "bagheri")),
        ("Sgt. Smith", ("sgt", ".", "smith")),
        ("the army.", ("the", "army", ".")),
        ("(UN)", ("(", "un", ")")),
        ("  Defense   Minister ", ("defense", "minister")),
    ],
)
def test_phrase_key_splits_like_spacy(text: str, key: tuple[str, ...]) -> None:
    assert phrase_key(text) == key
    # The caller passes spaCy token texts joined by spaces: the same key must come back.
    assert phrase_key(" ".join(key)) == key


def test_phrase_key_agrees_with_spacy_on_shipped_names() -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    phrases = {r["name"] for r in read_tsv(DATA / "countries.tsv")}
    for row in read_tsv(DATA / "countries.tsv"):
        phrases.update(row["aliases"].split("|") + row["adjectives"].split("|"))
    for row in read_tsv(DATA / "igos.tsv"):
        phrases.update(row["aliases"].split("|"))
    phrases.discard("")
    # Names are written capitalised in news text; spaCy keeps "U.N." whole but not "u.n.".
    mismatched = [p for p in phrases if tuple(t.lower_ for t in nlp(p.title())) != phrase_key(p)]
    assert len(mismatched) <= len(phrases) // 500, mismatched[:20]


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("syrian", "SYR"), ("syria", "SYR"), ("u.s.", "USA"), ("us", "USA"), ("united states", "USA"),
        ("american", "USA"), ("america", "USA"), ("britain", "GBR"), ("uk", "GBR"), ("british", "GBR"),
        ("iran", "IRN"), ("iranian", "IRN"), ("islamic republic of iran", "IRN"), ("turkey", "TUR"),
        ("turkish", "TUR"), ("russia", "RUS"), ("russian", "RUS"),
    ],
)
def test_country_names_and_adjectives(lexicon: Lexicon, phrase: str, iso3: str) -> None:
    assert lexicon.countries[phrase_key(phrase)].iso3 == iso3


@pytest.mark.parametrize(
    ("capital", "iso3"),
    [("damascus", "SYR"), ("tehran", "IRN"), ("ankara", "TUR"), ("washington", "USA"), ("moscow", "RUS")],
)
def test_capitals(lexicon: Lexicon, capital: str, iso3: str) -> None:
    assert lexicon.capitals[(capital,)].iso3 == iso3


def test_country_record_fields(lexicon: Lexicon) -> None:
    syria = lexicon.country_by_iso3("SYR")
    assert (syria.iso2, syria.cameo, syria.name, syria.capital) == ("SY", "SYR", "Syria", "Damascus")
    assert "aleppo" in syria.cities
    assert "syrians" in syria.adjectives
    # Phoenix codes differ from ISO3 for dependencies and Kosovo.
    assert lexicon.country_by_iso3("PRI").cameo == "USAPRI"
    assert lexicon.country_by_iso3("XKX").cameo == "KSV"
    with pytest.raises(ResourceError):
        lexicon.country_by_iso3("ZZZ")


def test_territory_demonyms_do_not_go_to_the_sovereign(lexicon: Lexicon) -> None:
    assert lexicon.countries[("puerto", "rico")].iso3 == "PRI"
    assert lexicon.countries.get(("cayman", "islander")) is None or \
        lexicon.countries[("cayman", "islander")].iso3 != "GBR"


@pytest.mark.parametrize(
    ("phrase", "code"),
    [("united nations", "IGOUNO"), ("u.n.", "IGOUNO"), ("nato", "IGOWSTNAT"), ("european union", "IGOEUREEC"),
     ("african union", "IGOAFRAFU"), ("arab league", "IGOMEAARL"), ("opec", "IGOOPC"),
     ("iaea", "IGOUNOIAE"), ("world health organization", "IGOUNOHLHWHO")],
)
def test_igos(lexicon: Lexicon, phrase: str, code: str) -> None:
    assert lexicon.igos[phrase_key(phrase)].code == code


@pytest.mark.parametrize(
    ("phrase", "sector"),
    [("defense minister", "MIL"), ("defence minister", "MIL"), ("soldiers", "MIL"), ("soldier", "MIL"),
     ("armed forces", "MIL"), ("military", "MIL"), ("army", "MIL"), ("military chief", "MIL"),
     ("chief of staff", "MIL"), ("general", "MIL"), ("police", "COP"), ("rebels", "REB"),
     ("government", "GOV"), ("president", "GOV"), ("foreign minister", "GOV"), ("defense ministry", "MIL"),
     ("policemen", "COP"), ("farmers", "AGR")],
)
def test_agents(lexicon: Lexicon, phrase: str, sector: str) -> None:
    assert sector in lexicon.agents[phrase_key(phrase)]


def test_defense_minister_is_government_and_military(lexicon: Lexicon) -> None:
    assert lexicon.agents[("defense", "minister")] == ("GOV", "MIL")


def test_person_with_dates(lexicon: Lexicon) -> None:
    (assad,) = [p for p in lexicon.people[phrase_key("Bashar al-Assad")] if p.title == "president"]
    assert assad.country == "SYR" and assad.sectors == ("GOV",)
    assert assad.start == date(2000, 7, 17)
    assert assad.active_on(date(2010, 1, 1))
    assert not assad.active_on(date(1999, 12, 31))
    assert lexicon.people[("bashar", "al", "assad")] == lexicon.people[phrase_key("Bashar al-Assad")]


def test_person_sectors_from_title(lexicon: Lexicon) -> None:
    habib = [p for p in lexicon.people[("ali", "habib")] if p.country == "SYR"]
    assert habib and habib[0].title == "Minister of Defense"
    assert habib[0].sectors == ("GOV", "MIL")
    assert habib[0].active_on(date(2010, 6, 1)) and not habib[0].active_on(date(2009, 7, 31))


def test_max_phrase_len_covers_longest_key(lexicon: Lexicon) -> None:
    longest = max(len(k) for index in (lexicon.countries, lexicon.agents, lexicon.igos) for k in index)
    assert lexicon.max_phrase_len >= longest >= 3


def test_indexes_are_read_only(lexicon: Lexicon) -> None:
    with pytest.raises(TypeError):
        lexicon.countries[("narnia",)] = lexicon.country_by_iso3("SYR")  # type: ignore[index]


def test_load_is_fast() -> None:
    # The load's own cost: with the garbage collector paused, collections of the heap the other
    # tests of this process left (spaCy models, pipelines) are not charged to it.
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        Lexicon.load()
        spent = time.process_time() - start
    finally:
        gc.enable()
    # About 0.2 s of CPU on an idle machine; the bound leaves room for a busy CI box.
    assert spent < 1.5


def test_missing_data_dir_raises_resource_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError):
        Lexicon.load(tmp_path)


def test_rebuild_reproduces_committed_files(tmp_path: Path) -> None:
    if not (SHARED / "data").is_dir():
        pytest.skip(f"reference data not found at {SHARED}")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_resources.py"), "--shared", str(SHARED),
                    "--out", str(tmp_path)], check=True, capture_output=True)
    built = [row["file"] for row in read_tsv(tmp_path / "MANIFEST.tsv")] + ["MANIFEST.tsv"]
    assert {"countries.tsv", "cameo.tsv", "dictionaries/CAMEO.2.0.txt"} <= set(built)
    for name in built:
        assert filecmp.cmp(tmp_path / name, DATA / name, shallow=False), f"{name} differs from the rebuild"
