"""Article-country fallback: a role, institution or person with no country word takes the
country the article makes clear, and says so in ``resolved_by``.

"Police fired ten rounds" in a story about India is Indian police. The evidence, in order:

0. a title that belongs to one country's office ("Secretary of State Marco Rubio": the United
   States, ``title-country:USA secretary of state``; see ``extract.titles``);
1. the article's dominant country — at least half of the article's country-bearing mentions and
   at least two of them (``article-country:IND 7/9``); the dateline's country counts as two
   mentions (``article-country:IND 4/5 dateline``): a wire dateline ("MOSCOW (Reuters) -", read
   at ingestion) or a leading "place:" as Indian papers write it ("new delhi: police said …");
2. otherwise a title most often of one country ("Senator X": ``title-country:USA senator``), then
   the nearest country-bearing mention before it in the same sentence, then in earlier
   sentences (``nearest-country:IND``).

Nothing clear (no mention with a country yet) leaves the actor with its sector and no country,
which keeps it out of events; in a text of a few sentences (setting ``unplaced_actors``) a role or
a name becomes a party of unknown country instead ("the Supreme Court" → ``---JUD``, "Siemens" →
``---``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..records import UNKNOWN_COUNTRY, Actor, Article, Mention
from ..relations import ActorTable
from .titles import LIKELY_TITLES, SURE_TITLES, title_country


_COUNTRY_EVIDENCE = frozenset({"country-name", "agent+country", "person", "capital", "coreference", "group"})
_FILLABLE = frozenset({"agent", "unknown"})
_VAGUE = frozenset({"NON", "UNK", "PPL"})
DATELINE_WEIGHT = 2  # a dateline is worth two mentions of its country
# "new delhi: …" / "Lucknow: …" at the start of the body, after an optional "This story is from …" line
_COLON_DATELINE = re.compile(r"\A(?:this story is from [^\n]*\n+)?\s*([a-z][a-z .'\-]{1,30}?)\s*:\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArticleFocus:
    """How often each country is named in one article."""

    counts: tuple[tuple[str, int], ...]
    dateline: str | None = None  # ISO3 of the dateline's place, already counted in ``counts``

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def dominant(self) -> tuple[str, str] | None:
        """(ISO3, evidence) when one country holds at least half the mentions and two or more."""
        if not self.counts:
            return None
        country, n = self.counts[0]
        if n >= 2 and n * 2 >= self.total:
            tail = " dateline" if country == self.dateline else ""
            return country, f"article-country:{country} {n}/{self.total}{tail}"
        return None


def article_focus(tables: Sequence[ActorTable], dateline: str | None = None) -> ArticleFocus:
    """How often each country is named by the actors of ``tables``, the ``dateline`` country
    (ISO3) counting ``DATELINE_WEIGHT`` times."""
    counts: Counter[str] = Counter()
    for table in tables:
        for mention, _ in table.values():
            if mention.actor.country and mention.resolved_by in _COUNTRY_EVIDENCE:
                counts[mention.actor.country] += 1
    if dateline:
        counts[dateline] += DATELINE_WEIGHT
    return ArticleFocus(tuple(counts.most_common()), dateline)


def dateline_country(article: Article, gazetteer: Any) -> str | None:
    """The ISO3 country of the article's dateline place: the one read at ingestion ("MOSCOW"), else
    a leading "place:" of the body ("new delhi: …"); None when there is none or the gazetteer does
    not know the place."""
    name = article.dateline
    if not name:
        found = _COLON_DATELINE.match(article.text[:300])
        name = found.group(1) if found else None
    if not name:
        return None
    place = gazetteer.best(name.split("/")[0].strip())
    return place.country if place is not None and place.country else None


def corroborate_surnames(tables: Sequence[ActorTable]) -> list[ActorTable]:
    """The tables with every untitled office-holder surname ("Zamora" read as Andorra's head of
    government, ``person+surname``) whose country the article does not otherwise name turned back
    into an unknown name, with the later mentions that took it from the first."""
    surnamed = {m.actor for table in tables for m, _ in table.values() if m.resolved_by == "person+surname"}
    named = {m.actor.country for table in tables for m, _ in table.values()
             if m.actor.country and m.resolved_by in _COUNTRY_EVIDENCE and m.actor not in surnamed}
    doubtful = {actor for actor in surnamed if actor.country not in named}
    if not doubtful:
        return list(tables)
    return [{i: ((Mention(m.text, m.start, m.end, Actor(code=None, name=m.text), "unknown"), toks)
                 if m.actor in doubtful and m.resolved_by in ("person+surname", "coreference") else (m, toks))
             for i, (m, toks) in table.items()} for table in tables]


def fill_countries(
    tables: Sequence[ActorTable], focus: ArticleFocus, cameo_of: Callable[[str], str | None],
    named: Callable[[int], bool] = lambda index: True, *, unplaced: bool = False,
) -> list[dict[int, tuple[Mention, frozenset[int]]]]:
    """The actor tables with country-less roles and unknown names given a country, where clear.

    ``cameo_of`` maps an ISO3 code to its CAMEO country code (None when unknown); ``named`` says
    whether the head token at an index names a person or organisation (an unknown proper noun
    that is neither, such as a ship or a building, is left alone). ``unplaced``: a role or a name
    nothing places becomes a party of unknown country (``---`` code, ``agent+no-country``,
    ``unknown+no-country``), for a text too short to have a story around it.
    """
    dominant = focus.dominant()
    out: list[dict[int, tuple[Mention, frozenset[int]]]] = []
    last_seen: str | None = None
    for table in tables:
        filled: dict[int, tuple[Mention, frozenset[int]]] = {}
        for index in sorted(table):
            mention, tokens = table[index]
            if mention.actor.country and mention.resolved_by in _COUNTRY_EVIDENCE:
                last_seen = mention.actor.country
            elif _fillable(mention) and (mention.resolved_by != "unknown" or named(index)):
                pick = _titled(mention.text, SURE_TITLES) or dominant or _titled(mention.text, LIKELY_TITLES) or (
                    (last_seen, f"nearest-country:{last_seen}") if last_seen else None)
                if pick is not None:
                    mention = _with_country(mention, pick[0], pick[1], cameo_of(pick[0]))
                elif unplaced:  # a party of unknown country: CAMEO's "---", then its sectors
                    mention = _with_country(mention, None, "no-country", UNKNOWN_COUNTRY)
            filled[index] = (mention, tokens)
        out.append(filled)
    return out


def _titled(text: str, titles: Sequence[tuple[tuple[str, ...], str]]) -> tuple[str, str] | None:
    found = title_country(text, titles)
    return (found[0], f"title-country:{found[0]} {found[1]}") if found else None


def _fillable(mention: Mention) -> bool:
    actor = mention.actor
    if actor.country or actor.code is not None or mention.resolved_by not in _FILLABLE:
        return False
    return mention.resolved_by == "unknown" or not set(actor.sectors) <= _VAGUE


def _with_country(mention: Mention, iso3: str | None, evidence: str, cameo: str | None) -> Mention:
    if cameo is None:
        return mention
    actor = mention.actor
    sectors = tuple(s for s in actor.sectors if s not in _VAGUE)
    code = cameo + "".join(sectors[:2])
    new = Actor(code=code, name=actor.name, country=iso3, sectors=sectors)
    return Mention(mention.text, mention.start, mention.end, new, f"{mention.resolved_by}+{evidence}")
