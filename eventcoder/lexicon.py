"""Names the actor stage looks up: countries, capitals, IGOs, role nouns (agents) and people.

Everything is read from the TSV files in ``eventcoder/data`` (built by
``scripts/build_resources.py``). Phrase indexes are keyed by tuples of lower-case tokens as
spaCy's English tokenizer splits them; :func:`phrase_key` makes such a key from plain text or
from spaCy token texts joined with single spaces, and gives the same tuple for both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from eventcoder.errors import ResourceError

if TYPE_CHECKING:
    from eventcoder.petrarch.actorsdict import ActorEntry

PhraseKey = tuple[str, ...]

# spaCy English tokenizer exceptions that keep their final period (lower-cased). Any other word
# ending in "." after a lower-case letter has the period split off, as spaCy does ("sgt." ->
# "sgt", "."). Dotted letter sequences ("u.s.", "u.n.", "ph.d.") always stay whole.
_KEEP_PERIOD = frozenset(
    "adm. ak. ala. apr. ariz. ark. aug. bros. calif. co. colo. conn. corp. dec. del. dr. feb. "
    "fla. ga. gen. gov. ia. id. ill. inc. ind. jan. jr. jul. jun. kan. kans. ky. la. ltd. mar. "
    "mass. md. messrs. mich. minn. miss. mo. mont. mr. mrs. ms. mt. neb. nebr. nev. nov. oct. "
    "okla. ore. pa. prof. rep. rev. sen. sep. sept. st. tenn. va. vs. wash. wis.".split()
)
_WHOLE = frozenset({"'s", "’s", "n't", "'ll", "'re", "'ve", "'d", "'m"})  # spaCy suffix tokens
_DOTTED = re.compile(r"^(?:[^\W\d_]+\.){2,}$|^[^\W\d_]\.$")
_PREFIX = re.compile(r"^[\"'`(\[{«“‘$£€]")
_SUFFIX = re.compile(r"(?:'s|’s|[\"'`)\]},;:!?»”’…%])$")
# Infixes spaCy splits on: hyphens between a letter/digit and a letter, "/", ":", "<>=" and ","
# between letters.
_INFIX = re.compile(r"(?<=[^\W_])(?:--|-|–|—)(?=[^\W\d_])|(?<=[^\W\d_])[/:<>=,](?=[^\W\d_])")


def phrase_key(text: str) -> PhraseKey:
    """Split ``text`` into lower-case tokens the way spaCy's English tokenizer would.

    Rules (the subset of spaCy's that names and titles need): split on whitespace; peel
    opening quotes and brackets off the front and closing punctuation, ``'s`` and trailing
    apostrophes off the back; split hyphens between letters ("al-assad" -> "al", "-",
    "assad"); keep dotted abbreviations whole ("u.s.", "d.c.") and a word-internal apostrophe
    ("d'ivoire"). Running it on spaCy token texts joined by spaces returns those tokens.
    """
    lowered = text.lower()
    if lowered.replace(" ", "").isalnum():  # fast path: plain words
        return tuple(lowered.split())
    tokens: list[str] = []
    for chunk in lowered.split():
        if chunk.isalnum():
            tokens.append(chunk)
        else:
            tokens.extend(_split_chunk(chunk))
    return tuple(tokens)


def _split_chunk(chunk: str) -> Iterator[str]:
    tail: list[str] = []
    while chunk and chunk not in _WHOLE:
        prefix = _PREFIX.match(chunk)
        if prefix and len(chunk) > 1:
            yield prefix.group(0)
            chunk = chunk[1:]
            continue
        suffix = _SUFFIX.search(chunk)
        if suffix and suffix.start() > 0:
            tail.append(suffix.group(0))
            chunk = chunk[: suffix.start()]
            continue
        if _splits_period(chunk):
            tail.append(".")
            chunk = chunk[:-1]
            continue
        break
    if chunk:
        yield from _split_infixes(chunk)
    yield from reversed(tail)


def _splits_period(chunk: str) -> bool:
    if len(chunk) < 2 or not chunk.endswith(".") or chunk in _KEEP_PERIOD:
        return False
    if _DOTTED.match(chunk):
        return False
    return not chunk[-2] == "."


def _split_infixes(chunk: str) -> Iterator[str]:
    start = 0
    for match in _INFIX.finditer(chunk):
        if match.start() > start:
            yield chunk[start : match.start()]
        yield match.group(0)
        start = match.end()
    if start < len(chunk):
        yield chunk[start:]


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    iso2: str
    cameo: str  # CAMEO / Phoenix country code: mostly ISO3 ("USAPRI" for Puerto Rico, "KSV")
    name: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]
    capital: str
    capital_aliases: tuple[str, ...]
    cities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Igo:
    code: str  # CAMEO actor code such as "IGOUNO", "IGOWSTNAT"
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """A non-state armed group (``groups.tsv``): where it operates and its sector (REB, SEP)."""

    code: str  # CAMEO-style code such as "SOMREB", "IMGMUSISI"
    name: str
    country: str | None  # ISO3; None for groups with no single country
    sectors: tuple[str, ...]
    aliases: tuple[str, ...]
    members: tuple[str, ...] = ()  # ISO3 codes of a collective with a fixed membership ("Gulf states")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    aliases: tuple[str, ...]
    country: str  # ISO3
    title: str
    sectors: tuple[str, ...]
    start: date | None
    end: date | None  # 2016-12-01 in the shipped data means "still in office at last update"

    def active_on(self, d: date | None) -> bool:
        return in_period(self.start, self.end, d)


def in_period(start: date | None, end: date | None, day: date | None) -> bool:
    """Whether ``day`` falls inside [start, end] (a missing bound is open); always for an undated
    text (``day`` None)."""
    return day is None or ((start is None or start <= day) and (end is None or day <= end))


def default_data_dir() -> Path:
    """The package's own ``data`` directory."""
    return Path(__file__).resolve().parent / "data"


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 TSV file with a header row; ResourceError if missing or unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read {path}: {exc}; rebuild with scripts/build_resources.py") from exc
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]
    if any(len(row) != len(header) for row in rows):
        raise ResourceError(f"{path}: a row does not have the {len(header)} columns of the header")
    return rows


PEOPLE_COLUMNS = ("name", "aliases", "country", "title", "sectors", "start", "end")


def read_rows(path: Path, columns: tuple[str, ...]) -> list[list[str]]:
    """Rows of a TSV whose header must be exactly ``columns`` (cells as lists, for speed)."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read {path}: {exc}; rebuild with scripts/build_resources.py") from exc
    if tuple(lines[0].split("\t")) != columns:
        raise ResourceError(f"{path}: expected columns {columns}, found {lines[0]!r}")
    rows = [line.split("\t") for line in lines[1:] if line]
    if any(len(row) != len(columns) for row in rows):
        raise ResourceError(f"{path}: a row does not have {len(columns)} columns")
    return rows


def _split(value: str) -> tuple[str, ...]:
    return tuple(filter(None, value.split("|")))


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Read-only phrase indexes for actor lookup. Build with :meth:`Lexicon.load`."""

    countries: Mapping[PhraseKey, Country]
    capitals: Mapping[PhraseKey, Country]
    igos: Mapping[PhraseKey, Igo]
    agents: Mapping[PhraseKey, tuple[str, ...]]
    people: Mapping[PhraseKey, tuple[Person, ...]]
    by_iso3: Mapping[str, Country]
    max_phrase_len: int
    groups: Mapping[PhraseKey, Group] = field(default_factory=lambda: MappingProxyType({}))
    user: Mapping[PhraseKey, ActorEntry] = field(default_factory=lambda: MappingProxyType({}))
    """The user's own actor files (setting ``user_actors``), looked up before everything else."""
    institutions: Mapping[PhraseKey, Group] = field(default_factory=lambda: MappingProxyType({}))
    """A country's government bodies named without a country word ("the Kremlin", "the Knesset"),
    from ``institutions.tsv``: the same columns as ``groups.tsv``."""

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Lexicon:
        """Read countries, IGOs, agents and people from ``data_dir`` (default: shipped data)."""
        root = Path(data_dir) if data_dir is not None else default_data_dir()
        countries = [_country(row) for row in read_tsv(root / "countries.tsv")]
        country_index: dict[PhraseKey, Country] = {}
        capital_index: dict[PhraseKey, Country] = {}
        for country in countries:
            _index(country_index, (country.name, *country.aliases, *country.adjectives), country)
            _index(capital_index, (country.capital, *country.capital_aliases), country)
        igo_index: dict[PhraseKey, Igo] = {}
        for row in read_tsv(root / "igos.tsv"):
            igo = Igo(row["code"], row["name"], _split(row["aliases"]))
            _index(igo_index, (igo.name, *igo.aliases), igo)
        group_index = _group_index(root / "groups.tsv")
        institution_index = _group_index(root / "institutions.tsv")
        agents = {phrase_key(r["phrase"]): _split(r["sectors"]) for r in read_tsv(root / "agents.tsv")}
        people = _people_index(root / "people.tsv")
        indexes = (country_index, capital_index, igo_index, agents, people, group_index, institution_index)
        longest = max((len(key) for index in indexes for key in index), default=0)
        return cls(
            countries=MappingProxyType(country_index),
            capitals=MappingProxyType(capital_index),
            igos=MappingProxyType(igo_index),
            agents=MappingProxyType(agents),
            people=MappingProxyType(people),
            by_iso3=MappingProxyType({c.iso3: c for c in countries}),
            max_phrase_len=longest,
            groups=MappingProxyType(group_index),
            institutions=MappingProxyType(institution_index),
        )

    def with_user_actors(self, entries: Iterable[ActorEntry]) -> Lexicon:
        """This lexicon with ``entries`` (see :mod:`eventcoder.actors.userfiles`) added to its user
        actors; a later entry for the same name replaces an earlier one."""
        index = dict(self.user)
        for entry in entries:
            key = phrase_key(" ".join(entry.words))
            if key:
                index[key] = entry
        longest = max([self.max_phrase_len, *(len(k) for k in index)])
        return replace(self, user=MappingProxyType(index), max_phrase_len=longest)

    def country_by_iso3(self, iso3: str) -> Country:
        try:
            return self.by_iso3[iso3.upper()]
        except KeyError:
            raise ResourceError(f"no country with ISO3 code {iso3!r} in the lexicon") from None


def _country(row: Mapping[str, str]) -> Country:
    return Country(
        iso3=row["iso3"],
        iso2=row["iso2"],
        cameo=row["cameo"],
        name=row["name"],
        aliases=_split(row["aliases"]),
        adjectives=_split(row["adjectives"]),
        capital=row["capital"],
        capital_aliases=_split(row["capital_aliases"]),
        cities=_split(row["cities"]),
    )


_V = TypeVar("_V")


def _index(index: dict[PhraseKey, _V], phrases: Iterable[str], value: _V) -> None:
    """Add each phrase's key; the first value claiming a key keeps it."""
    for phrase in phrases:
        key = phrase_key(phrase)
        if key:
            index.setdefault(key, value)


def _group_index(path: Path) -> dict[PhraseKey, Group]:
    """Groups (or institutions) by each alias's key; an absent file is an empty index."""
    index: dict[PhraseKey, Group] = {}
    if path.exists():
        for row in read_tsv(path):
            group = Group(row["code"], row["name"], row["country"] or None, _split(row["sectors"]),
                          _split(row["aliases"]), _split(row.get("members", "")))
            _index(index, group.aliases, group)
    return index


def _people_index(path: Path) -> dict[PhraseKey, tuple[Person, ...]]:
    grouped: dict[PhraseKey, list[Person]] = {}
    for name, aliases, country, title, sectors, start, end in read_rows(path, PEOPLE_COLUMNS):
        alias_tuple = _split(aliases)
        person = Person(name, alias_tuple, country, title, _split(sectors), _date(start), _date(end))
        for key in {phrase_key(text) for text in (name.lower(), *alias_tuple)}:
            if key:
                grouped.setdefault(key, []).append(person)
    return {key: tuple(persons) for key, persons in grouped.items()}
