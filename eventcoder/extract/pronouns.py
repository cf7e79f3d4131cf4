"""He and she as actors: a subject pronoun stands for the last person named as an actor before it.

"Ilyas Ali Hassan … urged the president … He also urged Farmajo …": "He" is Hassan. Only
"he"/"she" in subject position are read, and only back to the most recent mention of a person
(a known office-holder or a named person given a country); ``resolved_by`` names who.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..records import Mention
from ..relations import ActorTable


_PERSONAL = frozenset({"he", "she"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})


def resolve_pronouns(sentences: Sequence[Any], tables: Sequence[ActorTable]) -> list[dict[int, tuple[Mention, frozenset[int]]]]:
    """The tables with subject he/she added, each pointing at the latest person mention."""
    out: list[dict[int, tuple[Mention, frozenset[int]]]] = []
    last: Mention | None = None
    for sent, table in zip(sentences, tables):
        filled = dict(table)
        for tok in sent:
            hit = table.get(tok.i)
            if hit is not None and _is_person(tok, hit[0]):
                last = hit[0]
            elif last is not None and tok.lower_ in _PERSONAL and tok.dep_ in _SUBJECTS and tok.i not in table:
                mention = Mention(tok.text, tok.idx, tok.idx + len(tok.text), last.actor, f"pronoun:{last.text}")
                filled[tok.i] = (mention, frozenset({tok.i}))
        out.append(filled)
    return out


def _is_person(tok: Any, mention: Mention) -> bool:
    if mention.actor.code is None:
        return False
    return mention.resolved_by.startswith("person") or (tok.ent_type_ == "PERSON" and mention.actor.country is not None)
