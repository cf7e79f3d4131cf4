"""One phrase, two parties: "Cameroon and C.A.R. officials met in Bangui", "Iranian and Iraqi
ministers held talks". The resolver reads such a phrase as one actor of its first country; here
it becomes one mention per country word, each with the phrase's role ("C.A.R. officials": CAF
government), so the pair between them is a candidate like any other (``…+conjoined:C.A.R.``;
both are parties that act, whatever their sector).
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from ..lexicon import phrase_key
from ..records import Actor, Mention
from ..relations import ActorTable

_MODIFIERS = ("compound", "amod", "nmod")


def _words(token: Any) -> list[Any]:
    """A country word with its own modifiers before it ("South Africa"), without its conjuncts."""
    return [t for t in token.subtree if t.i <= token.i and (t.i == token.i or t.dep_ in ("compound", "amod"))]


def _country(tokens: Sequence[Any], lexicon: Any) -> Any:
    return lexicon.countries.get(phrase_key(" ".join(t.text for t in tokens)))


def conjuncts(token: Any) -> Iterator[Any]:
    """The tokens coordinated with ``token``, along the whole chain ("India, Bangladesh and Sri Lanka")."""
    for child in token.children:
        if child.dep_ == "conj":
            yield child
            yield from conjuncts(child)


def _listed_countries(head: Any, lexicon: Any) -> list[tuple[Any, Any]]:
    """The country words that modify ``head`` as one list, in reading order: a modifier with its
    chain of conjuncts ("Cameroon and C.A.R. officials"), or sibling modifiers set apart by a comma
    or "and" ("British, French and German diplomats"; not "Turkish Cypriot leader"). Empty when
    fewer than two."""
    mods = sorted((c for c in head.children if c.dep_ in _MODIFIERS and c.i < head.i), key=lambda t: t.i)
    listed: list[tuple[Any, Any]] = []
    previous = None
    for mod in mods:
        country = _country(_words(mod), lexicon)
        if country is None:
            continue
        if previous is not None and listed and not _separated(previous, _words(mod)[0]):
            listed = []  # not one list: start again from this modifier
        chain = [(mod, country)] + [(c, k) for c in conjuncts(mod) if (k := _country(_words(c), lexicon)) is not None]
        listed.extend(chain)
        previous = max((t for t, _ in chain), key=lambda t: t.i)
    return listed if len(listed) > 1 else []


def _separated(before: Any, after: Any) -> bool:
    """A comma or a coordinating conjunction between two modifiers."""
    doc = before.doc
    return any(doc[i].text == "," or doc[i].dep_ == "cc" for i in range(before.i + 1, after.i))


def split_conjoined(tables: Sequence[ActorTable], doc: Any, lexicon: Any) -> list[ActorTable]:
    """The actor tables with each phrase whose role is shared by conjoined country words split
    into one mention per country (the first keeps the head's index, the others are keyed by
    their country word)."""
    out: list[ActorTable] = []
    for table in tables:
        split = dict(table)
        for index, (mention, tokens) in table.items():
            if mention.actor.country is None:
                continue
            head = doc[index]
            listed = _listed_countries(head, lexicon)
            mine = next((t for t, k in listed if k.iso3 == mention.actor.country), None)
            others = {k.iso3: (t, k) for t, k in listed if k.iso3 != mention.actor.country}
            if mine is None or not others:
                continue
            own = _words(mine)
            text = " ".join(t.text for t in own) + " " + head.text
            how = f"{mention.resolved_by}+conjoined:{mine.text}"
            split[index] = (Mention(text, own[0].idx, head.idx + len(head.text), mention.actor, how),
                            frozenset(t.i for t in own))
            for token, country in others.values():
                words = _words(token)
                sectors = mention.actor.sectors
                actor = Actor(code=country.cameo + "".join(sectors[:2]), name=f"{country.name} {head.text}",
                              country=country.iso3, sectors=sectors)
                text = " ".join(t.text for t in words) + " " + head.text
                how = f"{mention.resolved_by}+conjoined:{token.text}"
                split[token.i] = (Mention(text, words[0].idx, head.idx + len(head.text), actor, how),
                                  frozenset([*(t.i for t in words), head.i]))
        out.append(split)
    return out
