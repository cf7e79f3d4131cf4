#!/usr/bin/env python3
"""Build the shipped resource files in eventcoder/data from the reference data in ../shared.

    python scripts/build_resources.py [--shared ../shared] [--out eventcoder/data]

Output is sorted and byte-for-byte reproducible. See eventcoder/data/README.md for the columns.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import hashlib
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eventcoder.lexicon import phrase_key  # noqa: E402
from group_sources import collective_aliases, extra_group_rows  # noqa: E402  (scripts/group_sources.py)
from institution_sources import institution_rows  # noqa: E402  (scripts/institution_sources.py)


PETRARCH_COPIES = (
    "CAMEO.2.0.txt",
    "Phoenix.agents.txt",
    "Phoenix.discards.txt",
    "Phoenix.IssueCoding.txt",
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
    "PETR.Validate.actors.txt",
    "PETR.Validate.agents.txt",
    "PETR.Validate.discards.txt",
    "PETR.Validate.verbs.txt",
    "LICENSE.petrarch2",
)
# Types whose most general CAMEO code is chosen by hand (the rule below would pick 090,
# "Investigate", for ACCUSE; 110 "Disapprove" is the type's core meaning).
DEFAULT_CAMEO_OVERRIDES = {"ACCUSE": "110"}


def write_tsv(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    """Write a UTF-8 TSV with LF line ends; cells must not hold tabs or newlines."""
    lines = ["\t".join(header)]
    for row in rows:
        cells = ["" if cell is None else str(cell) for cell in row]
        if any("\t" in c or "\n" in c for c in cells):
            raise ValueError(f"tab or newline inside a cell of {path.name}: {cells}")
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def parse_cameo2plover(path: Path) -> dict[str, tuple[str, str, str]]:
    """Official CAMEO2PLOVER table: code -> (event, mode, context); first line for a code wins.

    Lines look like ``0332: AGREE,  ,   military # comment``; a root header is ``03: AGREE``.
    Several contexts are joined with "|" ("crime; corruption" -> "crime|corruption").
    """
    table: dict[str, tuple[str, str, str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        match = re.match(r"^(\d{2,4}):(.*)$", line)
        if not match:
            continue
        fields = [f.strip() for f in match.group(2).split(",")] + ["", ""]
        event, mode, context = fields[0].upper(), fields[1], fields[2]
        context = "|".join(c.strip() for c in context.split(";") if c.strip())
        if event and event not in {"DISCARD", "NONE"}:
            table.setdefault(match.group(1), (event, mode, context))
    return table


def build_cameo(shared: Path) -> list[tuple[str, ...]]:
    plover = parse_cameo2plover(shared / "data/cameo/CAMEO2PLOVER-2021.txt")
    rows = []
    with (shared / "data/cameo/cameo_master.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            code = r["cameo_code"]
            event, mode, context = plover.get(code, ("", "", ""))
            rows.append((code, r["description"], r["root_code"], r["goldstein_gdelt"],
                         r["gdelt_quadclass"], r["phoenix_pentaclass"], event, mode, context))
    missing = sorted(set(plover) - {row[0] for row in rows})
    if missing:
        print(f"note: CAMEO2PLOVER codes not in cameo_master: {missing}", file=sys.stderr)
    return sorted(rows)


def read_scores(shared: Path) -> dict[tuple[str, str], float]:
    scores: dict[tuple[str, str], float] = {}
    with (shared / "data/plover/plover_scores.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            scores[(r["event_type"].strip(), r["mode"].strip())] = float(r["score"])
    # The manual's ACCUSE = 3.0 is a typo for -3.0 (every ACCUSE mode is negative).
    if scores.get(("ACCUSE", ""), 0.0) > 0:
        scores[("ACCUSE", "")] = -scores[("ACCUSE", "")]
    return scores


def default_cameo(event: str, cameo_rows: list[tuple[str, ...]]) -> str:
    """Most general CAMEO code mapped to ``event``: 3-digit "x0" codes, empty mode/context first."""
    if event in DEFAULT_CAMEO_OVERRIDES:
        return DEFAULT_CAMEO_OVERRIDES[event]
    candidates = [r for r in cameo_rows if r[6] == event and len(r[0]) >= 3]
    if not candidates:
        return ""
    ranked = sorted(candidates, key=lambda r: (len(r[0]), not r[0].endswith("0"), r[7] != "", r[8] != "", r[0]))
    return ranked[0][0]


def build_plover(shared: Path, cameo_rows: list[tuple[str, ...]]) -> tuple[list, list]:
    scores = read_scores(shared)
    types = []
    with (shared / "data/plover/plover_event_types.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            event = r["event_type"].strip()
            recipient = "1" if r["requires_recipient"].strip().lower() == "yes" else "0"
            types.append((event, r["quad_category"].strip(), recipient,
                          _num(scores[(event, "")]), default_cameo(event, cameo_rows)))
    modes = {(event, mode) for (event, mode) in scores if mode}
    with (shared / "data/plover/plover_event_modes.tsv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle, delimiter="\t"):
            if r["mode"].strip():
                modes.add((r["event"].strip(), r["mode"].strip()))
    mode_rows = [(e, m, _num(scores[(e, m)]) if (e, m) in scores else "") for e, m in sorted(modes)]
    return sorted(types), mode_rows


def _num(value: float) -> str:
    return f"{value:.1f}"


def copy_dictionaries(shared: Path, out: Path) -> list[str]:
    target = out / "dictionaries"
    target.mkdir(parents=True, exist_ok=True)
    for name in PETRARCH_COPIES:
        shutil.copyfile(shared / "data/dictionaries/petrarch2" / name, target / name)
    return [f"dictionaries/{name}" for name in PETRARCH_COPIES]


KeyFn = Callable[[str], tuple[str, ...]]
LICENCES = {"petrarch2": "MIT (Open Event Data Alliance)"}


def clean_name(raw: str) -> str:
    """Dictionary spelling to plain lower-case text: 'UNITED_STATES_' -> 'united states'.

    Returns "" for entries that are not plain names (parentheses, digits, commas, mojibake).
    """
    text = raw.split("#", 1)[0].strip().lstrip("+").replace("_", " ")
    text = re.sub(r"\s+", " ", text).strip().lower()
    if not text or "\ufffd" in text or re.search(r"[()\d,;\[\]{}<>=/|\\]", text):
        return ""
    return text


def title_case(text: str) -> str:
    small = {"al", "el", "bin", "ibn", "de", "da", "du", "del", "van", "von", "la", "le", "of", "and", "the"}
    words = text.split(" ")
    return " ".join(w if (w in small and i) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _codes_in(line: str) -> list[str]:
    return [c.strip() for c in re.findall(r"\[([^\]]*)\]", line)]


def parse_actor_entries(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """PETRARCH .actors entries: (names, code strings). Synonyms start with '+'; code lines are
    '[CODE]' / '[CODE date-range]', inline or indented. Name lines without codes share the codes
    of the next coded line."""
    names: list[str] = []
    codes: list[str] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            codes.extend(_codes_in(line))
            continue
        if not line.startswith("+") and codes:
            yield names, codes
            names, codes = [], []
        name = clean_name(line.split("[", 1)[0])
        if name:
            names.append(name)
        codes.extend(_codes_in(line))
    if codes:
        yield names, codes


def current_codes(codes: list[str]) -> list[str]:
    """Codes with no date restriction or an open-ended '>date' one."""
    result = []
    for code in codes:
        parts = code.split()
        if parts and (len(parts) == 1 or parts[1].startswith(">")):
            result.append(parts[0])
    return result


def phoenix_country_codes(data: Path) -> dict[str, str]:
    result: dict[str, str] = {}
    for names, codes in parse_actor_entries(data / "dictionaries/petrarch2/Phoenix.Countries.actors.txt"):
        current = [c for c in current_codes(codes) if re.fullmatch(r"[A-Z]{3}(?:[A-Z]{3})?", c)]
        for name in names[:1]:
            if current:
                result.setdefault(name, current[-1])
    return result


def parse_countryinfo(path: Path, geo_names: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """CountryInfo.txt blocks keyed by ISO3. The file's ISO3 and CountryCode fields are not
    always right (Guinea's block says PNG), so a block whose name matches the GeoNames name of
    one of its codes takes that code first; the others then take their first free code."""
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8", errors="replace"), flags=re.S)
    parsed = []
    for block in re.findall(r"<Country>(.*?)</Country>", text, re.S):
        fields: dict[str, list[str]] = {}
        for tag, body in re.findall(r"<([A-Za-z0-9-]+)>(.*?)</\1>", block, re.S):
            fields[tag] = [ln.split("#", 1)[0].strip() for ln in body.splitlines() if ln.split("#", 1)[0].strip()]
        fields["_code"] = (fields.get("CountryCode") or [""])[:1]
        codes = [c for c in (*fields.get("ISO3166-alpha3", [])[:1], *fields["_code"]) if re.fullmatch(r"[A-Z]{3}", c)]
        parsed.append((codes, fields))
    blocks: dict[str, dict[str, list[str]]] = {}
    for codes, fields in parsed:
        name = clean_name((fields.get("CountryName") or [""])[0])
        for code in codes:
            if name and name == geo_names.get(code, "").lower() and code not in blocks:
                blocks[code] = fields
                break
    placed = {id(b) for b in blocks.values()}
    for codes, fields in parsed:
        free = [c for c in codes if c not in blocks]
        if id(fields) not in placed and free:
            blocks[free[0]] = fields
    return blocks


def read_geonames(path: Path) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        if cells[0] == "ISO":
            continue
        rows[cells[1]] = {"iso2": cells[0], "name": cells[4].strip(), "capital": cells[5].strip(), "population": cells[7]}
    return rows


CURATED_COUNTRIES = {
    "USA": (("united states", "united states of america", "u.s.", "us", "america", "usa", "u.s.a."),
            ("american", "americans")),
    "GBR": (("britain", "great britain", "united kingdom", "uk", "u.k."), ("british", "briton", "britons")),
    "IRN": (("iran", "islamic republic of iran"), ("iranian", "iranians")),
    "SYR": (("syria", "syrian arab republic"), ("syrian", "syrians")),
    "TUR": (("turkey", "turkiye", "türkiye", "republic of turkey"), ("turkish", "turks")),
    "RUS": (("russia", "russian federation"), ("russian", "russians")),
    "CAF": (("central african republic", "c.a.r."), ("central african", "central africans")),
}
CURATED_CAPITALS = {"USA": ("washington", "washington d.c.", "washington dc")}
ADJECTIVE = re.compile(r"^[^\W\d_][\w'-]*(?:an|ans|ian|ians|ese|ish|i|is|ic|ch|ot|ots|er|ers|ite|ites)$")
# Countries in the people tables whose lower-case name does not match a country alias.
PEOPLE_COUNTRIES = {"madagaskar": "MDG", "republic of south africa": "ZAF", "cote divoire": "CIV",
                    "faeroe islands": "FRO", "palestine": "PSE", "timor leste": "TLS", "congo": "COG",
                    "united republic of tanzania": "TZA", "micronesia": "FSM", "laos": "LAO"}


def _country_claims(iso3: str, geo: dict[str, str], block: dict[str, list[str]],
                    nationality_csv: list[str]) -> Iterator[tuple[int, str, str]]:
    """(tier, kind, phrase) claims of one country; tier 0 wins over 1 over 2."""
    curated_aliases, curated_adjectives = CURATED_COUNTRIES.get(iso3, ((), ()))
    yield 0, "alias", geo["name"].lower()
    for name in block.get("CountryName", []):
        yield 0, "alias", clean_name(name)
    for phrase in curated_aliases:
        yield 0, "alias", phrase
    for phrase in curated_adjectives:
        yield 0, "adjective", phrase
    for tier, entries in ((1, [clean_name(n) for n in block.get("Nationality", [])]),
                          (2, [clean_name(n) for n in nationality_csv])):
        for phrase in entries:
            if not phrase:
                continue
            kind = "adjective" if ADJECTIVE.match(phrase) and "." not in phrase else "alias"
            yield tier, kind, phrase
            if kind == "adjective" and phrase.endswith(("an", "i")) and not phrase.endswith("man"):
                yield tier, kind, phrase + "s"


def _resolve(claims: list[tuple[int, float, str, str, str]], key: KeyFn) -> dict[str, dict[tuple, str]]:
    """Give each phrase key to the claim with the lowest tier, then the largest population."""
    best: dict[tuple[str, ...], tuple[int, float, str, str, str]] = {}
    for claim in claims:
        k = key(claim[4])
        if k and (k not in best or claim[:2] < best[k][:2]):
            best[k] = claim
    won: dict[str, dict[tuple, str]] = {}
    for claim in claims:
        k = key(claim[4])
        if k and best.get(k) == claim:
            won.setdefault(claim[2], {}).setdefault((claim[3], k), claim[4])
    return won


GENERIC_FIRST_WORDS = {"united", "south", "north", "new", "saint", "san", "republic", "democratic", "the",
                       "east", "west", "central", "u.s.", "sint", "el"}


def _names_other_place(phrase: str, iso3: str, firsts: dict[str, set[str]]) -> bool:
    """countries.csv lists territories' names and demonyms under their sovereign state
    ("Cayman Islander" under GBR): skip a phrase that begins like another place's name."""
    first = phrase.split()[0]
    return any(first.startswith(word) and iso3 not in owners
               for word, owners in firsts.items() if len(word) >= 4 and word not in GENERIC_FIRST_WORDS)


def build_countries(data: Path, key: KeyFn) -> list[tuple[str, ...]]:
    geo = read_geonames(data / "gazetteer/countryInfo.txt")
    blocks = parse_countryinfo(data / "countryinfo/CountryInfo.120116.txt", {k: g["name"] for k, g in geo.items()})
    with (data / "countryinfo/countries.csv").open(encoding="utf-8", newline="") as handle:
        nationality = {r["CCA3"]: r["Nationality"].split(",") for r in csv.DictReader(handle)}
    phoenix = phoenix_country_codes(data)
    firsts: dict[str, set[str]] = {}
    for iso3, g in geo.items():
        firsts.setdefault(g["name"].lower().split()[0], set()).add(iso3)
    claims, capital_claims = [], []
    for iso3, g in geo.items():
        pop = -float(g["population"] or 0)
        block = blocks.get(iso3, {})
        for tier, kind, phrase in _country_claims(iso3, g, block, nationality.get(iso3, [])):
            if tier < 2 or not _names_other_place(phrase, iso3, firsts):
                claims.append((tier, pop, iso3, kind, phrase))
        for phrase in (g["capital"].lower(), *CURATED_CAPITALS.get(iso3, ())):
            capital_claims.append((0, pop, iso3, "capital", phrase))
        for phrase in block.get("Capital", []):
            capital_claims.append((1, pop, iso3, "capital", clean_name(phrase)))
    won, capitals = _resolve(claims, key), _resolve(capital_claims, key)
    rows = []
    for iso3, g in sorted(geo.items()):
        block = blocks.get(iso3, {})
        names = won.get(iso3, {})
        name_key = key(g["name"])
        aliases = [p for (kind, k), p in names.items() if kind == "alias" and k != name_key]
        adjectives = [p for (kind, k), p in names.items() if kind == "adjective"]
        caps = list(capitals.get(iso3, {}).values())
        capital = g["capital"] or (title_case(caps[0]) if caps else "")
        cap_aliases = [c for c in caps if key(c) != key(capital)]
        cities = list(dict.fromkeys(c for c in map(clean_name, block.get("MajorCities", [])) if c))[:8]
        rows.append((iso3, g["iso2"], _cameo_code(iso3, g, block, phoenix), g["name"], "|".join(aliases),
                     "|".join(adjectives), capital, "|".join(cap_aliases), "|".join(cities)))
    return rows


def _cameo_code(iso3: str, geo: dict[str, str], block: dict[str, list[str]], phoenix: dict[str, str]) -> str:
    """The Phoenix dictionary's current code for the country, else CountryInfo's, else ISO3."""
    for name in (*map(clean_name, block.get("CountryName", [])), geo["name"].lower()):
        if name in phoenix:
            return phoenix[name]
    code = block.get("_code", [""])[0]
    return code if re.fullmatch(r"[A-Z]{3}(?:[A-Z]{3})?", code) else iso3


CURATED_IGOS = (
    ("IGOUNO", "United Nations", ("united nations", "un", "u.n.", "the united nations")),
    ("IGOWSTNAT", "NATO", ("nato", "north atlantic treaty organization", "north atlantic alliance")),
    ("IGOEUREEC", "European Union", ("european union", "eu", "e.u.")),
    ("IGOAFRAFU", "African Union", ("african union",)),
    ("IGOMEAARL", "Arab League", ("arab league", "league of arab states")),
    ("IGOOPC", "OPEC", ("opec", "organization of the petroleum exporting countries")),
    ("IGOUNOIAE", "International Atomic Energy Agency", ("iaea", "international atomic energy agency")),
    ("IGOUNOHLHWHO", "World Health Organization", ("world health organization", "w.h.o.")),
    ("IGOJUDICC", "International Criminal Court", ("international criminal court",)),
    ("IGOUNO", "UN Human Rights Council", ("un human rights council", "u.n. human rights council",
                                          "united nations human rights council")),
)


# Armed groups in today's news that the 2013 Phoenix list lacks or spells otherwise (facts: name,
# where they operate). Codes follow the Phoenix pattern: country + REB/SEP; IMG for groups with
# no single country.
CURATED_GROUPS = (
    ("IMGMUSISI", "Islamic State", "", "REB", ("islamic state", "isis", "isil", "daesh", "islamic state group")),
    ("NGAREB", "ISWAP", "NGA", "REB", ("iswap", "islamic state west africa province")),
    ("YEMREB", "Houthis", "YEM", "REB", ("houthis", "houthi rebels", "houthi", "ansar allah")),
    ("SYRREB", "Hayat Tahrir al-Sham", "SYR", "REB", ("hayat tahrir al-sham", "hts")),
    ("SYRREB", "Syrian Democratic Forces", "SYR", "REB", ("syrian democratic forces", "sdf")),
    ("SDNREB", "Rapid Support Forces", "SDN", "REB", ("rapid support forces",)),
    ("CODREB", "M23", "COD", "REB", ("m23", "march 23 movement")),
    ("IMGMUSALQ", "al-Qaida", "", "REB", ("al-qaida", "al-qaeda", "al qaeda", "al qaida")),
    ("SOMREB", "al-Shabab", "SOM", "REB", ("al-shabab", "al-shabaab", "al shabab", "shabab")),
    ("PAKSEP", "Baloch Liberation Army", "PAK", "SEP", ("baloch liberation army", "bla")),
)
_GROUP_SECTORS = {"REB": "REB", "INS": "REB", "SEP": "SEP", "UAF": "UAF", "MIL": "REB"}


def build_groups(data: Path, countries: list[tuple[str, ...]], key: KeyFn) -> list[tuple[str, str, str, str, str, str]]:
    """Non-state armed groups: Phoenix.MilNonState.actors.txt (undated codes; the first three letters
    are a CAMEO country code or a regional one such as IMG) plus :data:`CURATED_GROUPS`, then the
    collectives, communities and UCDP rebel groups of scripts/group_sources.py. Rows: code, name,
    ISO3 country (empty when the group has no single country), sectors, aliases, members."""
    iso3_of = {row[2]: row[0] for row in countries}
    entries = [(c, n, iso, sec, list(a), "") for c, n, iso, sec, a in CURATED_GROUPS]
    for names, codes in parse_actor_entries(data / "dictionaries/petrarch2/Phoenix.MilNonState.actors.txt"):
        current = [c for c in current_codes(codes) if len(c) >= 6]
        if not names or not current:
            continue
        code = current[0]
        sectors = [_GROUP_SECTORS[code[i:i + 3]] for i in range(3, len(code), 3) if code[i:i + 3] in _GROUP_SECTORS]
        if code[:3] not in iso3_of:  # regional codes (MEA, KKL, SAF, …) name no country: left out
            continue
        shown = names[0]
        entries.append((code, shown.upper() if len(shown) <= 6 and " " not in shown else title_case(shown),
                        iso3_of[code[:3]], sectors[0] if sectors else "REB", names, ""))
    entries.extend(extra_group_rows(data, countries, {key(a) for e in entries for a in e[4]}, key))
    seen: set[tuple[str, ...]] = set()
    rows: dict[tuple[str, str, str, str, str], list[str]] = {}
    for code, name, iso, sector, aliases, members in entries:
        fresh = [a for a in dict.fromkeys(aliases) if key(a) and (len(a) > 2 or members) and key(a) not in seen]
        seen.update(key(a) for a in fresh)
        if fresh:
            rows.setdefault((code, name, iso, sector, members), []).extend(fresh)
    return sorted((code, name, iso, sector, "|".join(aliases), members)
                  for (code, name, iso, sector, members), aliases in rows.items())


def build_igos(data: Path, key: KeyFn) -> list[tuple[str, str, str]]:
    """IGO and NGO entries of Phoenix.International.actors.txt (undated IGO/NGO codes only: drops
    office holders), plus a curated list of the best-known organisations. Each alias goes to one row."""
    entries: list[tuple[str, str, list[str]]] = [(c, n, list(a)) for c, n, a in CURATED_IGOS]
    for names, codes in parse_actor_entries(data / "dictionaries/petrarch2/Phoenix.International.actors.txt"):
        igo = [c for c in codes if c.startswith(("IGO", "NGO")) and len(c.split()) == 1]
        if igo and names and "ELI" not in codes:
            shown = names[0].removeprefix("the ")
            entries.append((igo[0], shown.upper() if len(shown) <= 6 and " " not in shown else title_case(shown), names))
    seen: set[tuple[str, ...]] = {key(a) for a in collective_aliases()}  # "group of seven": the G7 collective
    rows: dict[tuple[str, str], list[str]] = {}
    for code, name, aliases in entries:
        expanded = [a for alias in aliases for a in (alias, alias.removeprefix("the "))]
        fresh = [a for a in dict.fromkeys(expanded) if key(a) and key(a) not in seen]
        seen.update(key(a) for a in fresh)
        if fresh:
            rows.setdefault((code, name), []).extend(fresh)
    return sorted((code, name, "|".join(aliases)) for (code, name), aliases in rows.items())


UNCOUNTABLE = {"police", "staff", "personnel", "military", "media", "clergy", "leadership", "people",
               "youth", "intelligence", "infantry", "cavalry", "artillery", "gendarmerie", "militia"}
CURATED_AGENTS = {
    "armed forces": "MIL", "military": "MIL", "army": "MIL", "armies": "MIL", "military chief": "MIL",
    "military chiefs": "MIL", "army chief": "MIL", "chief of staff": "MIL|GOV", "chiefs of staff": "MIL|GOV",
    "defense minister": "GOV|MIL", "defence minister": "GOV|MIL", "defense ministers": "GOV|MIL",
    "defence ministers": "GOV|MIL", "general": "MIL", "generals": "MIL", "police": "COP", "rebel": "REB",
    "rebels": "REB", "government": "GOV", "governments": "GOV", "president": "GOV", "presidents": "GOV",
    "foreign minister": "GOV", "foreign ministers": "GOV", "soldier": "MIL", "soldiers": "MIL",
    "troops": "MIL", "commander": "MIL", "commanders": "MIL", "navy": "MIL", "air force": "MIL",
    "prime minister": "GOV", "minister": "GOV", "ministers": "GOV",
    # a spokesperson speaks for a government or organisation, not as a news medium (the files code
    # the bare word MED/JRN, and the attribution rule drops what a medium reports)
    **{w: "GOV" for w in ("spokesman", "spokesmen", "spokesperson", "spokespersons", "spokeswoman", "spokeswomen",
                          "spokespeople")},
}


def plural(word: str) -> str:
    """Regular English plural of ``word``; "" when it has none or is already plural."""
    if word in UNCOUNTABLE or word.endswith(("men", "ss", "people")) or not word.isalpha():
        return word + "es" if word.endswith("ss") else ""
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("s"):
        return ""
    if word.endswith(("sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + "s"


AGENT_LINE = re.compile(r"^(?P<phrase>[^\[{]+?)\s*(?:\{(?P<plurals>[^}]*)\})?\s*\[(?P<code>[^\]]*)\]")


def parse_agents(path: Path) -> Iterator[tuple[str, bool, list[str] | None, list[str]]]:
    """(phrase, stopped, explicit plurals or None, sectors) per agent line, sets expanded.

    Phrases made from a set (!PERSON!, !MINIST!) get no automatic plural: the set lists them."""
    sets: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if match := re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", line):
            sets[match.group(1)] = [v.strip() for v in match.group(2).split(",") if v.strip()]
            continue
        match = AGENT_LINE.match(line)
        if not match:
            continue
        code = match.group("code").replace("~", "").strip()
        sectors = [code[i:i + 3] for i in range(0, len(code) - 2, 3)]
        plurals = None if match.group("plurals") is None else [
            clean_name(p) for p in match.group("plurals").split(",") if clean_name(p)]
        for phrase, from_set in _expand_sets(match.group("phrase").strip(), sets):
            name = clean_name(phrase)
            if name and sectors:
                yield name, phrase.endswith("_"), [] if from_set and plurals is None else plurals, sectors


def _expand_sets(phrase: str, sets: dict[str, list[str]]) -> list[tuple[str, bool]]:
    """Expand !SET! names: [(phrase, came_from_a_set)]. A set name between two letters is a
    find-and-replace slip in the source ("AD!MINIST!RATION") and is read literally."""
    for name, values in sets.items():
        at = phrase.find(name)
        if at < 0:
            continue
        before, after = phrase[:at], phrase[at + len(name):]
        if before[-1:].isalpha() and after[:1].isalpha():
            return _expand_sets(before + name.strip("!") + after, sets)
        return [(p, True) for value in values for p, _ in _expand_sets(before + value + after, sets)]
    return [(phrase, False)]


def build_agents(data: Path, key: KeyFn) -> list[tuple[str, str, str]]:
    sources = (("phoenix", data / "dictionaries/petrarch2/Phoenix.agents.txt"),
               ("plover", data / "plover/PLOVER_agents.txt"))
    table: dict[tuple[str, ...], tuple[str, list[str], list[str]]] = {}
    for src, path in sources:
        for phrase, _stopped, plurals, sectors in parse_agents(path):
            for form in _agent_forms(phrase, plurals):
                shown, have, srcs = table.setdefault(key(form), (form, [], []))
                have.extend(s for s in sectors if s not in have)
                if src not in srcs:
                    srcs.append(src)
    for phrase, sectors in CURATED_AGENTS.items():
        table[key(phrase)] = (phrase, sectors.split("|"), ["curated"])
    return sorted((shown, "|".join(have), "|".join(srcs)) for shown, have, srcs in table.values())


STEMS = {"minist": ("minister", "ministers", "ministry", "ministries"),
         "compan": ("company", "companies"), "industr": ("industry", "industries")}


def _agent_forms(phrase: str, plurals: list[str] | None) -> list[str]:
    """The phrase and its plurals: the listed ones, else a regular plural of the head noun (the
    word before "of"/"for", else the last). The only stems in the files (MINIST, COMPAN,
    INDUSTR) are spelled out in full."""
    words = phrase.split()
    head = next((i - 1 for i, w in enumerate(words) if w in {"of", "for"} and i > 0), len(words) - 1)
    if words[head] in STEMS:
        return [" ".join([*words[:head], full, *words[head + 1:]]) for full in STEMS[words[head]]]
    if plurals is not None:
        return [phrase, *plurals]
    many = plural(words[head])
    return [phrase, " ".join([*words[:head], many, *words[head + 1:]])] if many else [phrase]


def _iso_date(value: str) -> str:
    """YYYYMMDD -> YYYY-MM-DD, clamping impossible days ("20030931" -> 2003-09-30)."""
    if not re.fullmatch(r"\d{8}", value or ""):
        return ""
    year, month, day = int(value[:4]), max(1, min(12, int(value[4:6]))), int(value[6:])
    day = max(1, min(day, calendar.monthrange(year, month)[1]))
    return f"{year:04d}-{month:02d}-{day:02d}"


TITLE_IGNORE = {"deputy", "member", "power", "land", "lands", "first", "acting", "vice", "state", "transport",
                "transportation", "communications", "communication"}


def title_sectors(title: str, agents: dict[tuple[str, ...], list[str]], key: KeyFn) -> list[str]:
    """Sectors for an office title: longest agent phrases found in it ("Minister of Defense" is
    also read as "defense minister"); GOV always first, since the tables list office holders."""
    sectors = ["GOV"]
    for part in re.split(r"&|;| and (?=minister)", title.lower()):
        part = part.strip(" ,")
        variants = [part]
        if m := re.match(r"^(?:deputy |vice |acting )?minist\w* (?:of|for) (?:the )?(.+)$", part):
            variants.append(m.group(1) + " minister")
        for variant in variants:
            tokens = tuple(t for t in key(variant) if t not in TITLE_IGNORE)
            i = 0
            while i < len(tokens):
                for n in range(min(6, len(tokens) - i), 0, -1):
                    if tokens[i:i + n] in agents:
                        sectors.extend(s for s in agents[tokens[i:i + n]] if s not in sectors)
                        i += n - 1
                        break
                i += 1
    return sectors


def build_people(data: Path, countries: list[tuple[str, ...]], agent_rows: list[tuple[str, str, str]],
                 key: KeyFn) -> list[tuple[str, ...]]:
    index = {key(p): row[0] for row in countries for p in (row[3], *row[4].split("|")) if p}
    agents = {key(phrase): sectors.split("|") for phrase, sectors, _ in agent_rows}
    rows = set()
    unmapped = set()
    for file, title_col in (("people_leaders.csv", "title"), ("people_gov.csv", "description")):
        with (data / "countryinfo" / file).open(encoding="utf-8", newline="") as handle:
            for r in csv.DictReader(handle):
                place = r["country"].replace("_", " ").strip()
                iso3 = PEOPLE_COUNTRIES.get(place) or index.get(key(place))
                variants = [n for n in (clean_name(v) for v in r["name"].split("|")) if n]
                if not iso3:
                    unmapped.add(place)
                if not iso3 or not variants:
                    continue
                aliases = list(dict.fromkeys(
                    a for v in variants for a in (v, re.sub(r"\b(al|el) (?=\w)", r"\1-", v))))
                title = re.sub(r"\s+", " ", r[title_col]).strip()
                sectors = title_sectors(title, agents, key)
                rows.add((title_case(variants[0]), "|".join(aliases), iso3, title, "|".join(sectors),
                          _iso_date(r["startYr"]), _iso_date(r["endYr"])))
    if unmapped:
        print(f"note: people in unmapped countries skipped: {sorted(unmapped)}", file=sys.stderr)
    return sorted(rows, key=lambda row: (row[2], row[0], row[5], row[3], row[1]))


SOURCES = {
    "countries.tsv": ("countryinfo/CountryInfo.120116.txt; countryinfo/countries.csv; "
                      "gazetteer/countryInfo.txt; dictionaries/petrarch2/Phoenix.Countries.actors.txt",
                      "CC BY-SA 3.0 (CountryInfo); MIT; CC BY 4.0 (GeoNames)"),
    "igos.tsv": ("dictionaries/petrarch2/Phoenix.International.actors.txt", "MIT"),
    "groups.tsv": ("dictionaries/petrarch2/Phoenix.MilNonState.actors.txt; actors/ucdp-actor-221.csv; countries.tsv; "
                   "curated lists in build_resources.py and group_sources.py",
                   "MIT (Phoenix); CC BY 4.0 (UCDP); facts"),
    "institutions.tsv": ("dictionaries/petrarch2/Phoenix.Countries.actors.txt; countries.tsv; agents.tsv; people.tsv; "
                         "curated list in institution_sources.py", "MIT (Phoenix); facts"),
    "agents.tsv": ("dictionaries/petrarch2/Phoenix.agents.txt; plover/PLOVER_agents.txt", "MIT"),
    "people.tsv": ("countryinfo/people_leaders.csv; countryinfo/people_gov.csv; agents.tsv",
                   "CC BY-SA 3.0 (CountryInfo)"),
    "cameo.tsv": ("cameo/cameo_master.csv; cameo/CAMEO2PLOVER-2021.txt",
                  "GDELT lookups (attribution); CC BY-SA 4.0 (PLOVER)"),
    "plover_types.tsv": ("plover/plover_event_types.csv; plover/plover_scores.csv; cameo.tsv",
                         "CC BY-SA 4.0 (PLOVER)"),
    "plover_modes.tsv": ("plover/plover_scores.csv; plover/plover_event_modes.tsv", "CC BY-SA 4.0 (PLOVER)"),
}


def write_manifest(out: Path, files: list[str]) -> None:
    rows = []
    for name in sorted(files):
        data = (out / name).read_bytes()
        if name.startswith("dictionaries/"):
            source, licence = f"dictionaries/petrarch2/{name.split('/', 1)[1]}", LICENCES["petrarch2"]
        else:
            source, licence = SOURCES[name]
        rows.append((name, hashlib.sha256(data).hexdigest(), len(data), source, licence))
    write_tsv(out / "MANIFEST.tsv", ("file", "sha256", "bytes", "source", "licence"), rows)


def build(shared: Path, out: Path) -> list[str]:
    """Build every resource from ``shared`` into ``out``; return the written file names."""
    data = shared / "data"
    if not data.is_dir():
        raise SystemExit(f"no reference data at {data}: pass --shared PATH")
    out.mkdir(parents=True, exist_ok=True)
    countries = build_countries(data, phrase_key)
    write_tsv(out / "countries.tsv", ("iso3", "iso2", "cameo", "name", "aliases", "adjectives",
                                      "capital", "capital_aliases", "cities"), countries)
    write_tsv(out / "igos.tsv", ("code", "name", "aliases"), build_igos(data, phrase_key))
    write_tsv(out / "groups.tsv", ("code", "name", "country", "sectors", "aliases", "members"),
              build_groups(data, countries, phrase_key))
    agents = build_agents(data, phrase_key)
    write_tsv(out / "agents.tsv", ("phrase", "sectors", "source"), agents)
    people = build_people(data, countries, agents, phrase_key)
    write_tsv(out / "people.tsv", ("name", "aliases", "country", "title", "sectors", "start", "end"), people)
    person_keys = {phrase_key(a) for row in people for a in (row[0], *row[1].split("|")) if a}
    institutions = institution_rows(data / "dictionaries/petrarch2/Phoenix.Countries.actors.txt", countries,
                                    {phrase_key(row[0]) for row in agents}, person_keys, phrase_key,
                                    parse_actor_entries)
    write_tsv(out / "institutions.tsv", ("code", "name", "country", "sectors", "aliases", "members"), institutions)
    cameo_rows = build_cameo(shared)
    write_tsv(out / "cameo.tsv", ("code", "name", "root", "goldstein", "quad_class", "penta_class",
                                  "plover_type", "plover_mode", "plover_context"), cameo_rows)
    types, modes = build_plover(shared, cameo_rows)
    write_tsv(out / "plover_types.tsv", ("type", "quad_category", "requires_recipient", "score",
                                         "default_cameo"), types)
    write_tsv(out / "plover_modes.tsv", ("type", "mode", "score"), modes)
    files = list(SOURCES) + copy_dictionaries(shared, out)
    write_manifest(out, files)
    return files + ["MANIFEST.tsv"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "eventcoder" / "data")
    args = parser.parse_args(argv)
    files = build(args.shared, args.out)
    total = sum((args.out / f).stat().st_size for f in files)
    print(f"wrote {len(files)} files ({total / 1e6:.2f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
