"""Subject pronouns as actors: he, she and they stand for a party named before them.

"Ilyas Ali Hassan … urged the president … He also urged Farmajo …": "He" is Hassan. "he"/"she"
in subject position go back to the most recent mention of a person (a known office-holder or a
named person given a country). "they" in subject position, outside quotations, stands for a group
(a party named by a plural noun, a collective, a people or an organisation): the subject of the
speech verb it is reported under ("Militants said they released dozens of women"), else the
nearest group that is a subject earlier in its sentence or in the sentence before ("… the G7
countries affirmed their support … They called on China …"). ``resolved_by`` names who.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..records import Mention
from ..relations import SUBJECT_DEPS, ActorTable
from .quotes import inside


_PERSONAL = frozenset({"he", "she"})
_GROUP_TAGS = frozenset({"NNS", "NNPS"})
_REPORTED = frozenset({"ccomp", "conj", "xcomp"})  # clause links up to the verb "they" is reported under
_MAIN = frozenset({"ROOT", "conj", "advcl"})  # clauses whose "they" may go back to an earlier subject


def resolve_pronouns(sentences: Sequence[Any], tables: Sequence[ActorTable],
                     quotes: Sequence[tuple[int, int]] = ()) -> list[dict[int, tuple[Mention, frozenset[int]]]]:
    """The tables with subject he/she added, each pointing at the latest person mention, and
    subject "they" outside the quotations ``quotes`` pointing at the group it stands for."""
    out: list[dict[int, tuple[Mention, frozenset[int]]]] = []
    last: Mention | None = None
    for n, (sent, table) in enumerate(zip(sentences, tables)):
        filled = dict(table)
        for tok in sent:
            hit = table.get(tok.i)
            if hit is not None and _is_person(tok, hit[0]):
                last = hit[0]
            elif tok.dep_ not in SUBJECT_DEPS or tok.i in table:
                continue
            elif last is not None and tok.lower_ in _PERSONAL:
                filled[tok.i] = (_standing_for(tok, last), frozenset({tok.i}))
            elif tok.lower_ == "they" and not inside(quotes, tok.idx):
                group = _group_for(tok, sent, table, tables[n - 1] if n else {}, sentences[n - 1] if n else None)
                if group is not None:
                    filled[tok.i] = (_standing_for(tok, group), frozenset({tok.i}))
        out.append(filled)
    return out


def _standing_for(tok: Any, named: Mention) -> Mention:
    return Mention(tok.text, tok.idx, tok.idx + len(tok.text), named.actor, f"pronoun:{named.text}")


def _group_for(tok: Any, sent: Any, table: ActorTable, before: ActorTable, previous: Any) -> Mention | None:
    """The group "they" stands for: the subject of the verb its clause is reported under (not when
    that verb also names whom it was told: "told governments that they …"), else, in a main or
    adverbial clause, the nearest group subject earlier in the sentence or the last one of the
    sentence before. In a relative clause "they" is left alone ("villages where they will be …")."""
    verb = tok.head
    while verb.dep_ in _REPORTED and verb.head.i != verb.i:
        verb = verb.head
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.i in table:
            told = any(c.dep_ in ("dobj", "dative") and c.i in table for c in verb.children)
            mention = table[subject.i][0]
            return mention if _is_group(subject, mention) and not told else None
    if tok.head.dep_ not in _MAIN:
        return None
    earlier = [t for t in sent if t.i < tok.i and t.i in table and t.dep_ in SUBJECT_DEPS]
    if previous is not None:
        earlier = [t for t in previous if t.i in before and t.dep_ in SUBJECT_DEPS] + earlier
    for t in reversed(earlier):
        mention = (table if t.i in table else before)[t.i][0]
        if _is_group(t, mention):
            return mention
    return None


def _is_group(tok: Any, mention: Mention) -> bool:
    """A party "they" can stand for: named by a plural noun ("militants", "the G7 countries"), a
    collective, a people, or a body with a role ("the Taliban") — never a person or a bare state."""
    actor = mention.actor
    if actor.party is None or mention.resolved_by.startswith(("person", "pronoun", "quote-speaker")):
        return False
    return tok.tag_ in _GROUP_TAGS or bool(actor.members) or tok.ent_type_ == "NORP" or (tok.ent_type_ == "ORG" and bool(actor.sectors))


def _is_person(tok: Any, mention: Mention) -> bool:
    """A known office-holder, a named person with a country, or a name spaCy left untyped that a
    role describes ("Nop Vy, the association's executive director, …")."""
    if mention.actor.code is None:
        return False
    if mention.resolved_by.startswith("person"):
        return True
    described = tok.pos_ == "PROPN" and not tok.ent_type_ and "appositive" in mention.resolved_by
    return (tok.ent_type_ == "PERSON" or described) and mention.actor.country is not None
