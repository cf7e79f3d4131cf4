"""Titles that name one country's office, and later bare mentions of a titled person.

"Secretary of State Marco Rubio" with no country word is the United States' secretary of state:
British usage adds "for …" ("Secretary of State for Defence"). A role with such a title takes the
title's country before the article-country fallback guesses (``agent+title-country:USA``). Titles
that other countries share ("senator": Nigeria, the Philippines, Australia …) only replace the
weakest guess, the nearest country named before the mention, when the article has no dominant
country.

A titled name's later bare mentions ("Rubio said …") then take the titled mention's actor
(``unknown+titled-name:Secretary of State Marco Rubio``), so one person is one actor through the
article instead of a fresh guess at every mention.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..records import Mention
from ..relations import ActorTable

# (title words, ISO3): offices with this exact title in one country only, checked in order.
SURE_TITLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("secretary", "of", "state"), "USA"),
    (("homeland", "security"), "USA"),
    (("house", "speaker"), "USA"),
    (("rep.",), "USA"),
    (("reps.",), "USA"),
    *(((party, role), "USA") for party in ("democratic", "republican")
      for role in ("representative", "representatives", "lawmaker", "lawmakers", "senator", "senators",
                   "congressman", "congresswoman", "congressmen", "congresswomen")),
)
# Titles most often of one country that others share: used instead of the nearest-country guess.
LIKELY_TITLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("senator",), "USA"), (("senators",), "USA"), (("sen.",), "USA"),
    (("congressman",), "USA"), (("congresswoman",), "USA"),
)
_GUESSED = frozenset({"unknown", "unknown+article-country", "unknown+nearest-country"})  # a name's country only guessed
_NOT_BEFORE = frozenset({"for", "of"})  # "Secretary of State for …", "House Speaker of …": another system's title


def title_country(text: str, titles: Sequence[tuple[tuple[str, ...], str]]) -> tuple[str, str] | None:
    """(ISO3, title) for the first title of ``titles`` in a mention's text; None when none."""
    words = text.lower().replace("’", "'").split()
    for title, country in titles:
        n = len(title)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == title and (i + n >= len(words) or words[i + n] not in _NOT_BEFORE):
                return country, " ".join(title)
    return None


def chain_titled_names(tables: Sequence[ActorTable], doc: Any) -> list[ActorTable]:
    """The actor tables with later bare mentions of a titled person's name given that person's
    actor. A titled mention is a role resolved with a country whose head is a proper noun
    ("Secretary of State Marco Rubio", head "Rubio"); a bare mention is a name no dictionary knew
    (resolved_by "unknown…", whatever country the fallback guessed)."""
    titled: dict[str, Mention] = {}
    out: list[ActorTable] = []
    for table in tables:
        filled = dict(table)
        for index, (mention, tokens) in sorted(table.items()):
            head = doc[index]
            key = head.text.lower()
            how = mention.resolved_by.split("+")[0]
            if (how == "agent" and mention.actor.country and "nearest-country" not in mention.resolved_by
                    and head.pos_ == "PROPN" and len(mention.text.split()) > 1):
                titled.setdefault(key, mention)
            elif (mention.resolved_by.split(":")[0] in _GUESSED and key in titled
                  and mention.text.split()[-1].lower() == key):
                first = titled[key]
                filled[index] = (Mention(mention.text, mention.start, mention.end, first.actor,
                                         f"unknown+titled-name:{first.text}"), tokens)
        out.append(filled)
    return out
