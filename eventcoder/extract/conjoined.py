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
            for mod in (c for c in head.children if c.dep_ in _MODIFIERS):
                first = _country(_words(mod), lexicon)
                others = [(c, _country(_words(c), lexicon)) for c in conjuncts(mod)]
                others = [(c, k) for c, k in others if k is not None and k.iso3 != mention.actor.country]
                if first is None or first.iso3 != mention.actor.country or not others:
                    continue
                own = _words(mod)
                text = " ".join(t.text for t in own) + " " + head.text
                how = f"{mention.resolved_by}+conjoined:{mod.text}"
                split[index] = (Mention(text, own[0].idx, head.idx + len(head.text), mention.actor, how),
                                frozenset(t.i for t in own))
                for token, country in others:
                    words = _words(token)
                    sectors = mention.actor.sectors
                    actor = Actor(code=country.cameo + "".join(sectors[:2]), name=f"{country.name} {head.text}",
                                  country=country.iso3, sectors=sectors)
                    text = " ".join(t.text for t in words) + " " + head.text
                    how = f"{mention.resolved_by}+conjoined:{token.text}"
                    split[token.i] = (Mention(text, words[0].idx, head.idx + len(head.text), actor, how),
                                      frozenset([*(t.i for t in words), head.i]))
                break
        out.append(split)
    return out
