"""Which tokens head an actor's noun phrase: the words the resolver is asked about, in reading order."""

from __future__ import annotations

from datetime import date
from typing import Any

from .memory import ArticleMemory
from .resolver import phrase_tokens

HEAD_POS = frozenset({"PROPN", "NOUN", "PRON"})
# A token in one of these relations modifies another noun ("the Iranian army"): not a head itself.
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "case", "det", "npadvmod", "nummod"})
NAMED_ENTS = frozenset({"PERSON", "ORG"})
# Where a nationality adjective stands for its people ("criticized by U.S., French and Chinese
# representatives", "backed by the Americans, the British and the French").
_NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj"})


def is_head(token: Any, *, misread_subjects: bool = False) -> bool:
    """A noun, proper noun or pronoun that modifies no other noun.

    ``misread_subjects`` (PETRARCH mode): a "compound" before its verb is taken as a subject spaCy
    misread ("Arnor troops" parsed as a compound of the verb)."""
    if token.pos_ not in HEAD_POS:
        return stands_for_people(token)
    misread = misread_subjects and token.dep_ == "compound" and token.head.pos_ == "VERB" and token.i < token.head.i
    return token.dep_ not in MODIFIER_DEPS or misread


def stands_for_people(token: Any) -> bool:
    """A nationality adjective in a noun's slot, not modifying a noun: a conjunct counts only when
    the first of its chain is a head ("United Nations, U.S., French, Chinese … representatives"),
    not when it modifies one ("French and German troops", where the troops are the head)."""
    if token.pos_ != "ADJ" or token.ent_type_ != "NORP" or token.dep_ not in _NOMINAL_DEPS:
        return False
    first = token
    while first.dep_ == "conj" and first.head is not first:
        first = first.head
    return first is token or (first.pos_ in HEAD_POS and first.dep_ not in MODIFIER_DEPS)


def find_actors(
    sent: Any, resolver: Any, published: date | None, memory: ArticleMemory, *, misread_subjects: bool = False
) -> dict[int, tuple[Any, frozenset[int]]]:
    """Resolve every noun-phrase head in the sentence, in reading order: head index → (Mention,
    the token indexes of its phrase). ``resolver`` is anything with ActorResolver's ``resolve``;
    ``published`` None (an undated text) lets date-restricted actors match in any period.

    A head inside the phrase of an actor already known ("Justice" in "the International Court of
    Justice") is not an actor of its own unless it resolves to a known one too ("Kenya" in "the
    president of Kenya")."""
    table: dict[int, tuple[Any, frozenset[int]]] = {}
    inside_known: set[int] = set()
    for tok in sent:
        if not is_head(tok, misread_subjects=misread_subjects):
            continue
        mention = resolver.resolve(tok, when=published, memory=memory)
        if mention is None or (tok.i in inside_known and mention.actor.code is None):
            continue
        phrase = frozenset(t.i for t in (resolver.phrase(tok) if hasattr(resolver, "phrase") else phrase_tokens(tok)))
        table[tok.i] = (mention, phrase)
        if mention.actor.code is not None:
            inside_known |= phrase
    return table


def is_named(token: Any) -> bool:
    """A head that names a person or an organisation (not a place, work, law or event)."""
    return token.ent_type_ in NAMED_ENTS or (token.pos_ == "PROPN" and not token.ent_type_)
