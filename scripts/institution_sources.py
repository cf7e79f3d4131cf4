"""Rows for institutions.tsv: a country's government bodies named without a country word.

"The White House said", "the Kremlin rejected", "a State Department official", "the Knesset
voted": news names governments by their seats and bodies. Sources:

- ``Phoenix.Countries.actors.txt`` (PETRARCH-2, MIT): its entries with no date range whose code is
  a country and institution sectors (``[USAGOV]``, ``[RUSLEG]``, ``[ISRMIL]``, ``[USAGOVJUD]``).
  Left out: territories (``[USAGUM]``), elites and opposition (people and parties, which date),
  a block that holds a name of a known person (its codes would outlive the person's office) and
  the few people ``NOT_INSTITUTIONS`` names,
  names that are places in ``countries.tsv`` (the file lists a few British cities inside a US
  block), and names that are also generic role nouns in ``agents.tsv`` ("senate").
- ``CURATED`` below: common metonyms the file spells only in longer forms, written for this
  project from public facts ("State Department", "Downing Street", "Elysee", "Pentagon").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

Row = tuple[str, str, str, str, str, str]  # code, name, country, sectors, aliases, members
KeyFn = Callable[[str], tuple[str, ...]]

INSTITUTION_SECTORS = ("GOV", "MIL", "COP", "JUD", "LEG", "SPY", "DEV", "ENV", "HLH", "BUS", "AGR", "EDU", "LAB")
_CODE = re.compile(r"([A-Z]{3})((?:%s){1,2})" % "|".join(INSTITUTION_SECTORS))

CURATED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("USAGOV", "US State Department", ("state department", "u.s. state department", "us state department")),
    ("USAMIL", "Pentagon", ("pentagon",)),
    ("USAGOV", "White House", ("white house",)),
    ("GBRGOV", "Downing Street", ("downing street", "number 10", "no. 10 downing street", "whitehall")),
    ("GBRGOV", "Foreign, Commonwealth and Development Office", ("foreign, commonwealth and development office",
                                                                 "foreign and commonwealth office")),
    ("FRAGOV", "Elysee Palace", ("elysee", "elysee palace", "élysée", "élysée palace", "quai d'orsay")),
    ("RUSGOV", "Kremlin", ("kremlin",)),
    ("CHNGOV", "Zhongnanhai", ("zhongnanhai",)),
    ("DEUGOV", "German Chancellery", ("chancellery",)),
    # US federal departments and agencies as US news names them, without "U.S.": "DHS said", "ICE
    # agents detained", "the Treasury Department sanctioned". Only the "X Department" order and
    # names no other country uses ("Department of Justice" is also the Philippines').
    ("USAGOV", "US Department of Homeland Security", (
        "department of homeland security", "homeland security department", "homeland security", "dhs",
        "u.s. department of homeland security")),
    ("USAGOV", "US Immigration and Customs Enforcement", (
        "immigration and customs enforcement", "u.s. immigration and customs enforcement", "ice")),
    ("USAGOV", "US Customs and Border Protection", (
        "customs and border protection", "u.s. customs and border protection", "cbp", "border patrol",
        "u.s. border patrol")),
    ("USAGOV", "US Citizenship and Immigration Services", (
        "citizenship and immigration services", "u.s. citizenship and immigration services", "uscis")),
    ("USAGOV", "US Justice Department", ("justice department", "u.s. justice department")),
    ("USAGOV", "US Treasury Department", ("treasury department", "u.s. treasury department", "u.s. treasury")),
    ("USAGOV", "US Commerce Department", ("commerce department", "u.s. commerce department")),
    ("USAMIL", "US Defense Department", ("defense department", "u.s. defense department", "department of defense",
                                        "u.s. department of defense")),
    ("USAGOV", "US Energy Department", ("energy department", "u.s. energy department")),
    ("USAGOV", "US Labor Department", ("labor department", "u.s. labor department")),
    ("USACOP", "US Bureau of Alcohol, Tobacco, Firearms and Explosives", (
        "bureau of alcohol, tobacco, firearms and explosives", "atf")),
)

# Names in the file's institution blocks that are people (their office ends; people.tsv and
# officeholders.tsv date them) or a bare abbreviation that is also a common word.
NOT_INSTITUTIONS = frozenset({"mohammed ali allahdadi", "masoud barzani", "secdef"})


def institution_rows(actors_file: Path, countries: Iterable[tuple[str, ...]], agent_phrases: set[tuple[str, ...]],
                     person_names: set[tuple[str, ...]], key: KeyFn,
                     parse_entries: Callable[[Path], Iterable[tuple[list[str], list[str]]]]) -> list[Row]:
    """Institution rows from ``actors_file`` (entries as ``parse_entries`` yields them) and ``CURATED``.

    ``countries`` are countries.tsv rows (iso3, iso2, cameo, name, aliases, adjectives, capital,
    capital_aliases, cities); the code's first three letters must be one of their CAMEO codes."""
    countries = list(countries)
    iso3_of = {row[2]: row[0] for row in countries if len(row[2]) == 3}
    iso3_of.update({row[2]: row[0] for row in countries if row[2] == row[0]})  # GBR is Britain, not Jersey
    places = {key(p) for row in countries for p in (row[3], *row[4].split("|"), row[6], *row[7].split("|"),
                                                     *row[8].split("|")) if p}
    rows: dict[str, Row] = {}
    for names, codes in parse_entries(actors_file):
        if len(codes) != 1 or len(codes[0].split()) != 1:
            continue
        found = _CODE.fullmatch(codes[0])
        if not found or found.group(1) not in iso3_of or any(key(n) in person_names for n in names):
            continue
        kept = [n for n in names if key(n) and key(n) not in places and key(n) not in agent_phrases
                and n not in NOT_INSTITUTIONS]
        if kept:
            _add(rows, codes[0], iso3_of[found.group(1)], found.group(2), kept, key)
    for code, name, aliases in CURATED:
        found = _CODE.fullmatch(code)
        assert found is not None, code
        _add(rows, code, iso3_of[found.group(1)], found.group(2), [name.lower(), *aliases], key, name=name)
    return sorted(rows.values(), key=lambda r: (r[2], r[0], r[1]))


def _add(rows: dict[str, Row], code: str, iso3: str, sector_part: str, names: list[str], key: KeyFn,
         name: str | None = None) -> None:
    """One row per name's key; a name another row already holds stays with that row."""
    sectors = "|".join(sector_part[i : i + 3] for i in range(0, len(sector_part), 3))
    taken = {k for r in rows.values() for k in (key(a) for a in r[4].split("|"))}
    aliases = [n for n in dict.fromkeys(names) if key(n) not in taken]
    if not aliases:
        return
    label = name or " ".join(w.capitalize() for w in aliases[0].split())
    rows[f"{code}:{label}"] = (code, label, iso3, sectors, "|".join(aliases), "")
