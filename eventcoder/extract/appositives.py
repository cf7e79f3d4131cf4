"""Unknown names described beside them: "Robert Jenrick, the shadow justice secretary for
Britain's Conservative opposition party" is British opposition; "Artur Romeu, director of the
Latin America bureau of Reporters Without Borders" speaks for that NGO.

A named person or organisation no dictionary knows borrows the actor of the first resolved
mention in its appositive (or of the phrase it is itself the appositive of), and says so in
``resolved_by`` (``unknown+appositive:Reporters Without Borders``). Later bare mentions of the
same head name in the article ("Jenrick said …") take the same actor
(``unknown+appositive-name:Robert Jenrick``). This runs before the article-country fallback,
which would otherwise give such names the story's country.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..records import Mention
from ..relations import ActorTable

_NO_DONOR = ("unknown", "pronoun")


def _donor(head: Any, table: ActorTable) -> Mention | None:
    """The first resolved mention inside ``head``'s appositives, or the phrase ``head`` is an
    appositive of; None when there is none."""
    if head.dep_ == "appos" and head.head.i in table:
        mention = table[head.head.i][0]
        if _gives(mention):
            return mention
    for child in head.children:
        if child.dep_ != "appos":
            continue
        inside = {t.i for t in child.subtree}
        for index in sorted(i for i in table if i in inside):
            mention = table[index][0]
            if _gives(mention):
                return mention
    return None


def _gives(mention: Mention) -> bool:
    """Whether a mention can lend its actor: resolved by a dictionary, a country word or a
    title, not itself a guess."""
    return mention.actor.code is not None and mention.resolved_by.split("+")[0].split(":")[0] not in _NO_DONOR


def _borrowed(mention: Mention, donor: Mention, evidence: str) -> Mention:
    return Mention(mention.text, mention.start, mention.end, donor.actor, f"unknown+{evidence}")


def borrow_appositives(tables: Sequence[ActorTable], doc: Any) -> list[ActorTable]:
    """The actor tables with unknown names resolved from their appositives, and later mentions
    of the same name from the first."""
    named: dict[str, tuple[Mention, str]] = {}  # head word → (donor, full name)
    out: list[ActorTable] = []
    for table in tables:
        filled = dict(table)
        for index, (mention, tokens) in sorted(table.items()):
            if mention.resolved_by != "unknown":
                continue
            donor = _donor(doc[index], table)
            key = doc[index].text.lower()
            if donor is not None:
                filled[index] = (_borrowed(mention, donor, f"appositive:{donor.text}"), tokens)
                named.setdefault(key, (donor, mention.text))
            elif key in named:
                first, full = named[key]
                filled[index] = (_borrowed(mention, first, f"appositive-name:{full}"), tokens)
        out.append(filled)
    return out
