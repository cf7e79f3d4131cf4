"""Office-holders with their terms (``data/officeholders.tsv``, built by ``scripts/build_people.py``):
heads of state and government and foreign ministers, to 2026.

Rules, strict on dates and ambiguity:

- A **full name** ("Recep Tayyip Erdogan", any listed spelling) gives the person's country and
  GOV when the article's date is inside one of the person's terms. Outside every term the name
  alone gives no office: the person is the country's elite (ELI), as PETRARCH's dictionaries code
  a former leader, and only when every term of that name is in one country.
- A **surname alone** ("Erdogan", "Netanyahu", "Sharaa") resolves only when every office-holder
  with that surname in office on the article's date is of one country, and, with no title, only
  when the article names that country too (``resolved_by`` ``person+surname``, checked by the
  focus stage).
- A **title** in the phrase ("President", "Prime Minister", "Foreign Minister") keeps only the
  holders of that kind of office, so it decides between namesakes.
- A **given name and surname the table spells otherwise** ("Donald Trump": the table has "Donald
  J. Trump" and REIGN's "Trump") resolves only while in office, and only when the name opens its
  phrase or follows a title.

An earlier full mention in the same article is handled before this table by the article memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from ..lexicon import PhraseKey, default_data_dir, in_period, phrase_key, read_rows
from ..records import Actor

COLUMNS = ("name", "aliases", "surnames", "country", "cameo", "role", "title", "sectors", "start", "end", "source")
_COMMON_SURNAMES = frozenset({"CHN", "TWN", "PRK", "KOR", "HKG", "MAC", "MNG", "VNM"})  # Kim, Lai, Li: titled only
_TITLES: tuple[tuple[tuple[str, ...], str], ...] = (  # phrase words → kind of office, longest first
    (("foreign", "minister"), "FM"), (("foreign", "secretary"), "FM"), (("secretary", "of", "state"), "FM"),
    (("top", "diplomat"), "FM"), (("prime", "minister"), "HOG"), (("premier",), "HOG"), (("chancellor",), "HOG"),
    (("pm",), "HOG"), (("president",), "HOS"), (("king",), "HOS"), (("queen",), "HOS"), (("emir",), "HOS"),
    (("sultan",), "HOS"), (("leader",), "HOS"),
)


@dataclass(frozen=True, slots=True)
class Term:
    """One person in one office for one period."""

    name: str
    country: str  # ISO3
    cameo: str  # CAMEO country code
    role: str  # HOS, HOG, FM, or LEADER (REIGN's effective leader: head of state or of government)
    title: str
    start: date | None
    end: date | None  # None: in office at the last source

    def active_on(self, day: date | None) -> bool:
        return in_period(self.start, self.end, day)

    def fits(self, kind: str | None) -> bool:
        """Whether a title of ``kind`` (from the phrase) can name this office."""
        if kind is None:
            return True
        if kind == "OTHER":
            return False
        if kind == "FM" or self.role == "FM":
            return kind == self.role
        return self.role in (kind, "LEADER")


@dataclass(frozen=True, slots=True)
class OfficeHolders:
    full: Mapping[PhraseKey, tuple[Term, ...]]
    surnames: Mapping[PhraseKey, tuple[Term, ...]]

    @classmethod
    def load(cls, path: Path | None = None) -> OfficeHolders:
        full: dict[PhraseKey, list[Term]] = {}
        surnames: dict[PhraseKey, list[Term]] = {}
        for name, aliases, sur, country, cameo, role, title, _sectors, start, end, _source in read_rows(
            path or default_data_dir() / "officeholders.tsv", COLUMNS
        ):
            term = Term(name, country, cameo, role, title, _day(start), _day(end))
            for key in {phrase_key(a) for a in (name, *aliases.split("|")) if len(a.split()) >= 2}:
                full.setdefault(key, []).append(term)
            for key in {phrase_key(s) for s in sur.split("|") if s}:
                surnames.setdefault(key, []).append(term)
        return cls(MappingProxyType({k: tuple(v) for k, v in full.items()}),
                   MappingProxyType({k: tuple(v) for k, v in surnames.items()}))

    def resolve(self, name: Sequence[str], phrase: Sequence[str], when: date | None) -> tuple[Actor, str] | None:
        """The actor for a person named by ``name`` (token texts) inside a phrase of lower-case
        words ``phrase`` (for a title) on the article's date ``when`` (None: undated, any term); None when
        unknown or ambiguous."""
        key = phrase_key(" ".join(name))
        kind = title_kind(phrase)
        if len(key) >= 2 and key in self.full:
            terms = [t for t in self.full[key] if t.fits(kind)]
            active = [t for t in terms if t.active_on(when)]
            if active:
                return _one_country(active, "person")
            return _one_country(terms, "person", sector="ELI") if terms else None
        if len(key) >= 2 and (kind is not None or _starts_phrase(name, phrase)):
            # a spelling the table lacks: only while in office (a namesake is likelier otherwise)
            active = [t for t in self._given_and_surname(name) if t.fits(kind) and t.active_on(when)]
            if active:
                return _one_country(active, "person")
        if key in self.surnames and all(t[:1].isupper() for t in name):
            active = [t for t in self.surnames[key] if t.active_on(when) and t.fits(kind)]
            if kind is None and any(t.role == "FM" or t.country in _COMMON_SURNAMES for t in active):
                return None  # an untitled "Zamora" or "Lai" is as likely someone else: a title is needed
            # an untitled surname ("person+surname") still needs the article to name the country
            # (``extract.focus.corroborate_surnames``): Andorra's Espot Zamora is not every Zamora
            return _one_country(active, "person" if kind else "person+surname") if active else None
        return None

    def _given_and_surname(self, name: Sequence[str]) -> tuple[Term, ...]:
        """The terms of the person ``name`` (a given name and a surname, "Donald Trump") names
        where the table spells the name otherwise ("Donald J. Trump") or lists some terms under
        the surname alone (REIGN's "Trump"): a listed name of that surname with that given name
        fixes the country, and the terms are that country's holders of the surname with that
        given name or with none. Empty when no listed name agrees or several countries do."""
        if len(name) < 2:
            return ()
        given = phrase_key(name[0])
        terms = self.surnames.get(phrase_key(name[-1]), ())
        countries = {t.country for t in terms if _given_name(t) == given}
        if len(countries) != 1:
            return ()
        (country,) = countries
        return tuple(t for t in terms if t.country == country and _given_name(t) in (given, None))

    def leader(self, surname: str, when: date | None) -> Actor | None:
        """The government led by the head of state or government with this surname ("Trump" in
        "the Trump administration", "Modi" in "the Modi government"): the holder in office on
        ``when``, else a former one ("the Obama administration" in 2019); None when there is none
        or the holders are of several countries."""
        if not surname[:1].isupper():
            return None
        heads = [t for t in self.surnames.get(phrase_key(surname), ()) if t.role in ("HOS", "HOG", "LEADER")]
        active = [t for t in heads if t.active_on(when)]
        found = _one_country(active or heads, "leader") if heads else None
        return found[0] if found else None


def _given_name(term: Term) -> PhraseKey | None:
    words = term.name.split()
    return phrase_key(words[0]) if len(words) >= 2 else None


def _starts_phrase(name: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether the name opens its phrase: in "Abdiweli Mohamed Ali", "Mohamed Ali" does not (the
    parser left a given name out of the person), so it is no evidence of Guyana's Mohamed Irfaan Ali."""
    return bool(phrase) and phrase[0] == name[0].lower()


def title_kind(phrase: Sequence[str]) -> str | None:
    words = tuple(phrase)
    if any(w in ("vice", "deputy", "former", "ex", "ex-") for w in words):
        return "OTHER"  # a vice president is not the president: no office in the table fits
    for title, kind in _TITLES:
        n = len(title)
        if any(words[i : i + n] == title for i in range(len(words) - n + 1)):
            return kind
    return None


def _one_country(terms: Sequence[Term], how: str, sector: str = "GOV") -> tuple[Actor, str] | None:
    if len({t.country for t in terms}) != 1:
        return None
    term = max(terms, key=lambda t: len(t.name))  # the fullest spelling of the name
    return Actor(code=term.cameo + sector, name=term.name, country=term.country, sectors=(sector,)), how


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None
