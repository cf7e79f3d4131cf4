"""Extra rows for groups.tsv: UCDP non-state armed groups, ethnic and religious communities with
their CAMEO codes, and collective actors with a CAMEO regional code (used by build_resources.py).

Rows are (code, name, ISO3 country or "", sector or "", aliases, members) — aliases a list of
lower-case phrases, members "|"-joined ISO3 codes of a collective (empty otherwise).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from pathlib import Path

KeyFn = Callable[[str], tuple[str, ...]]
Row = tuple[str, str, str, str, list[str], str]

# Gleditsch–Ward numbers that differ from the COW numbers of cow2iso.txt.
_GW_TO_ISO3 = {"260": "DEU", "340": "SRB", "345": "SRB", "347": "XKX", "678": "YEM", "816": "VNM",
               "626": "SSD", "860": "TLS", "403": "STP", "591": "SYC", "983": "KIR"}
# Words that do not name a place in a group's name: "X Liberation Front" is SEP only when X does.
_NOT_PLACE = {"national", "people", "people's", "peoples", "popular", "front", "army", "movement", "islamic",
              "revolutionary", "democratic", "united", "patriotic", "armed", "forces", "liberation", "for",
              "the", "of", "and", "in", "party", "union", "council", "organization", "organisation", "socialist",
              "communist", "marxist", "leninist", "workers", "workers'", "salvation", "unity", "new", "free",
              "resistance", "alliance", "group", "brigades", "brigade", "command", "coalition", "republican",
              "federal", "provisional", "government", "total", "independent", "armée", "de", "la", "du",
              "des", "le", "pour", "et", "al", "el", "-", "/", "holy", "lord's", "christian", "muslim"}
_SEP_WORDS = re.compile(r"independen|separat|secession|self-determination|homeland|autonom", re.I)
# Single words UCDP uses as a group's name that also name a place, a people or an everyday thing.
_AMBIGUOUS = {"tibet", "kosovo", "kashmir", "cabinda", "darfur", "biafra", "katanga", "bougainville",
              "aceh", "mindanao", "chechnya", "abkhazia", "ossetia", "nagaland", "tripura", "manipur",
              "mizoram", "assam", "punjab", "khalistan", "kurdistan", "azawad", "eritrea", "palestine",
              "hyderabad", "croatia", "slovenia", "serbia", "bosnia", "taiwan", "transnistria", "baluchistan",
              "ogaden", "patani", "sindh", "casamance", "karen", "kachin", "shan", "mon", "chin", "arakan",
              "rakhine", "wa", "naga", "bodo", "tamil", "sikh", "moro", "afar", "somali", "oromo", "hutu",
              "tutsi", "fulani", "dinka", "nuer", "murle", "lou", "misseriya", "rizeigat", "zaghawa", "masalit",
              "fur", "toposa", "pokot", "turkana", "borana", "garre", "degodia", "murule", "ajuran", "islam",
              "jihad", "shabab", "taliban", "hezbollah", "amal", "fatah", "hamas", "dervishes", "ansar",
              "republic", "contras", "renamo", "unita", "frelimo", "polisario", "maidan", "greenlanders",
              "jama'at", "istiqlal", "rastas"}


def gw_to_iso3(data: Path) -> dict[str, str]:
    """Gleditsch–Ward country number → ISO3 (COW numbers from cow2iso.txt, with the differences)."""
    with (data / "countryinfo/cow2iso.txt").open(encoding="utf-8", newline="") as handle:
        result = {r["cow_id"]: r["iso3"] for r in csv.DictReader(handle) if r["iso3"] and not r["valid_until"]}
    return {**result, **_GW_TO_ISO3}


def _names(row: dict[str, str]) -> list[str]:
    raw = [row["NameData"], row["NameOrig"], row["NameOrigFullEng"], row["NewName"], row["NewNameFullEng"]]
    out = []
    for name in raw:
        name = re.sub(r"\s*\([^)]*\)", "", name.replace("\u2019", "'")).strip().strip(" -")
        if name and name.lower() != "n/a":
            out.append(re.sub(r"\s+", " ", name))
    return list(dict.fromkeys(out))


# Rebel movements of the past that are political parties or governments today: news names them as
# such ("Zanu PF", "the SPLM"), so they are not coded as rebels from the UCDP list.
_NOW_PARTIES = {"zanu", "zapu", "swapo", "mpla", "fretilin", "funcinpec", "eprdf", "fmln", "fsln", "paigc",
                "frodebu", "cndd-fdd", "cndd", "rpf", "splm/a", "frelimo", "unita", "pdpa", "renamo", "anc",
                "tplf", "mqm-h", "epdm", "eplf", "ndfb"}


def english_words() -> frozenset[str]:
    """English nouns, verbs, adjectives and adverbs (WordNet lemmas in the spaCy model's
    lemmatizer tables): a name made only of these can be an everyday phrase."""
    from eventcoder.nlp import load_model

    tables = load_model().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(w for words in tables.values() for w in words)


def _is_word(token: str, words: frozenset[str]) -> bool:
    token = token.strip("'-")
    return token in words or token.rstrip("s") in words or token.removesuffix("es") in words


_DROP = re.compile(r"\d|faction|supporters|opponents|^non |military|government|forces of|\bgroups?\b|mutineers|"
                   r"officers|clan|gang|party|congress|association|taxi|mineworkers|^(democratic )?(republic|kingdom) of|,|"
                   r"estados unidos",
                   re.I)


def _distinctive(name: str, taken: set[tuple[str, ...]], key: KeyFn, words: frozenset[str]) -> bool:
    """A name safe to look for in running text: no other table claims it, and it has a token that
    is no English word ("Seleka", "TPLF", "Zetas") or four words or more; a single word must also be
    a long acronym (4+ capitals) or a proper name that the lists above do not call ambiguous."""
    k = key(name)
    if not k or k in taken or _DROP.search(name):
        return False
    tokens = [w for w in k if w not in {"-", "/", "'", "–", "'s", "of", "the", "for", "and", "in"}]
    distinctive = [w for w in tokens if w not in _NOT_PLACE and len(w) >= 3 and not _is_word(w, words)]
    if len(k) >= 2:
        return bool(distinctive) or len(tokens) >= 4
    if not distinctive or tokens[0] in _AMBIGUOUS:
        return False
    return len(name) >= 4 if name.isupper() else len(tokens[0]) >= 5 and name[:1].isupper()


def _sector(names: list[str], location_words: set[str]) -> str:
    """SEP for a group whose name asks for independence or autonomy, or liberates a place other
    than the country it fights in ("Kosovo Liberation Army", "Oromo Liberation Front"); else REB."""
    for name in names:
        if _SEP_WORDS.search(name):
            return "SEP"
        words = name.lower().replace("-", " ").split()
        if "liberation" in words:
            places = [w for w in words if w not in _NOT_PLACE and w[:1].isalpha()]
            if places and not any(w.rstrip("ns") in location_words or w in location_words for w in places):
                return "SEP"
    return "REB"


def ucdp_groups(data: Path, cameo_of: dict[str, str], taken: set[tuple[str, ...]], key: KeyFn,
                words: frozenset[str] = frozenset()) -> list[Row]:
    """Rebel groups (``Org`` 1) of the UCDP actor list with the country of their first listed
    location. Governments (Org 4), party supporters (2) and informal communal groups (3) are left
    out; so are aliases that are short, generic, or claimed by a country, capital or city."""
    gw = gw_to_iso3(data)
    rows: list[Row] = []
    with (data / "actors/ucdp-actor-221.csv").open(encoding="utf-8-sig", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["Org"] != "1":
                continue
            iso3 = next((gw[g.strip()] for g in r["GWNOLoc"].split(",") if g.strip() in gw), "")
            if iso3 not in cameo_of:
                continue
            names = _names(r)
            if any(name.lower() in _NOW_PARTIES for name in names):
                continue
            aliases = [n.lower() for n in names if _distinctive(n, taken, key, words)]
            if not aliases:
                continue
            location_words = {w.strip(",").lower() for w in r["Location"].replace("(", " ").replace(")", " ").split()}
            sector = _sector(names, location_words)
            shown = next((n for n in names if len(key(n)) >= 2), names[0])
            rows.append((cameo_of[iso3] + sector, shown, iso3, sector, aliases, ""))
    return rows


# Ethnic and religious communities as news names them, with their CAMEO codes. The CAMEO actor
# files (CAMEO.EthnicGroups / CAMEO.ReligiousGroups, CC BY-NC 3.0) are not shipped: they only
# check here that each code exists; load them whole with --actors if you need every group.
# "Muslims", "Christians", "Jews" are left to agents.tsv, which gives them the REL sector.
COMMUNITIES = (
    ("KUR", "Kurds", ("kurds", "kurdish people")),
    ("MUSSHI", "Shiites", ("shiites", "shi'ites", "shias", "shia muslims", "shiite muslims")),
    ("MUSSUN", "Sunnis", ("sunnis", "sunni muslims")),
    ("UIG", "Uyghurs", ("uyghurs", "uighurs")),
    ("TAM", "Tamils", ("tamils",)),
    ("PUS", "Pashtuns", ("pashtuns",)),
    ("HAZ", "Hazaras", ("hazaras",)),
    ("DRU", "Druze", ("druze",)),
    ("MUSALE", "Alawites", ("alawites",)),
    ("CHRCPT", "Copts", ("copts", "coptic christians")),
    ("IRR020", "Yazidis", ("yazidis",)),
    ("BAL", "Baloch", ("balochs", "baluchis")),
)


def _cameo_file_codes(path: Path) -> set[str]:
    return set(re.findall(r"\[([A-Z0-9]+)\]", path.read_text(encoding="utf-8", errors="replace")))


def communities(data: Path) -> list[Row]:
    """:data:`COMMUNITIES`, each code checked against the CAMEO ethnic and religious actor files."""
    folder = data / "dictionaries/petrarch2"
    known = _cameo_file_codes(folder / "CAMEO.EthnicGroups.actors.txt") | _cameo_file_codes(
        folder / "CAMEO.ReligiousGroups.actors.txt")
    missing = [code for code, _, _ in COMMUNITIES if code not in known]
    if missing:
        raise ValueError(f"community codes not in the CAMEO ethnic/religious files: {missing}")
    return [(code, name, "", "", list(aliases), "") for code, name, aliases in COMMUNITIES]


# Collective actors with a CAMEO regional code (WST the West, EUR Europe, PGS Persian Gulf, AFR
# Africa, MEA Middle East) or a short name of their own (G7); members where the collective has a
# fixed membership.
_GCC = "SAU|ARE|BHR|KWT|OMN|QAT"
COLLECTIVES = (
    ("WST", "Western nations", "", ("the west", "western nations", "western powers", "western countries",
                                    "western governments", "western states", "western allies",
                                    "western leaders", "western democracies")),
    ("EUR", "European countries", "", ("european countries", "european nations", "european powers",
                                       "european governments", "european states", "european allies",
                                       "european leaders")),
    ("PGS", "Gulf states", _GCC, ("gulf states", "gulf nations", "gulf countries", "gulf arab states",
                                  "gulf arab nations", "gulf arab countries")),
    # The G7 is coded as its members by the article gold (CONVENTIONS: an unnamed collective keeps a
    # members list), not as one IGO: "the G7 countries affirmed their support" is the seven members.
    ("G7", "Group of Seven", "CAN|FRA|DEU|ITA|JPN|GBR|USA", ("group of seven", "group of 7", "g7", "g-7",
                                                             "g7 countries", "g7 nations", "g7 leaders",
                                                             "g7 ministers", "g7 foreign ministers")),
    ("MEA", "Arab states", "", ("arab states", "arab nations", "arab countries", "arab governments")),
    ("AFR", "African countries", "", ("african countries", "african nations", "african states",
                                      "african governments", "african leaders")),
)


def collective_aliases() -> set[str]:
    """Every alias of a collective: other tables (the IGO list) leave these to the collective."""
    return {alias for row in COLLECTIVES for alias in row[3]}


def collectives() -> list[Row]:
    return [(code, name, "", "", list(aliases), members) for code, name, members, aliases in COLLECTIVES]


def extra_group_rows(data: Path, countries: Iterable[tuple[str, ...]], taken: set[tuple[str, ...]],
                     key: KeyFn) -> list[Row]:
    """Collectives, communities, then UCDP groups; ``taken`` holds the keys already claimed
    (existing groups, countries, capitals, cities) and is not changed."""
    countries = list(countries)
    cameo_of = {row[0]: row[2] for row in countries}
    place_keys = {key(p) for row in countries for col in (3, 4, 5, 6, 7, 8) for p in row[col].split("|") if p}
    rebels = ucdp_groups(data, cameo_of, taken | place_keys, key, english_words())
    return [*collectives(), *communities(data), *rebels]
