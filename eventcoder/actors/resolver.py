"""Resolve a noun phrase (given by its head token) to a Mention.

Lookup order inside the phrase: the user's own actors (setting ``user_actors``, with the code
that applies on the article's date), named people with a role on the article's date, IGOs,
government bodies named without a country word (``institutions.tsv``: "the Kremlin"),
non-state armed groups (``groups.tsv``), countries (names and adjectives), capitals used for governments, and role nouns (agents) that
give sectors. A person nobody knows but whose phrase has a country word and a title
("Syrian Defense Minister Ali Abdullah Ayyoub") becomes country + sector, and is remembered for
later short mentions in the same article ("Ayyoub", "General Ayyoub", "Syria's defense chief").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from ..lexicon import Lexicon, Person, phrase_key
from ..records import Actor, Mention
from .collective import community_country, is_collective
from .memory import ArticleMemory
from .officeholders import OfficeHolders

# Children that start another phrase or clause: not part of the actor's own noun phrase.
_NOT_IN_PHRASE = {"relcl", "acl", "advcl", "conj", "cc", "punct", "prep", "appos", "ccomp", "xcomp", "mark", "preconj"}
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "who", "which", "that"}
_NAME_ENTS = {"PERSON"}
_VAGUE_SECTORS = {"NON", "UNK", "PPL"}
_NOT_ACTORS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}
_PROPER_ENTS = {"PERSON", "ORG", "NORP", "GPE", "FAC", "LOC"}


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str  # user | person | igo | institution | group | country | capital | agent
    start: int  # position in the phrase token list
    end: int
    value: Any


# Prepositions that stay inside an organisation's name when spaCy marks the whole name as one
# entity ("Reporters Without Borders", "Carnegie Endowment for International Peace"); place-like
# ones ("in", "on", "at") are left out: "University of X in South Africa" is not part of the name.
_NAME_PREPS = frozenset({"for", "without", "against", "sans"})
_NAME_ENTITY_TYPES = frozenset({"ORG", "FAC"})


def phrase_tokens(head: Any, *, origin: bool = False) -> list[Any]:
    """Tokens of the noun phrase headed by ``head``: modifiers and "of" phrases, no clauses, and
    the prepositional part of a named organisation (see ``_NAME_PREPS``); with ``origin``, the
    head's own "from" phrase too ("officials from Iran", "top diplomats from France")."""
    out = [head]
    for child in head.children:
        if child.dep_ == "prep" and (child.lower_ == "of" or (origin and child.lower_ == "from") or _inside_name(child)):
            out.extend(phrase_tokens(child))
        elif child.dep_ not in _NOT_IN_PHRASE:
            out.extend(phrase_tokens(child))
    return sorted(out, key=lambda t: t.i)


def _inside_name(prep: Any) -> bool:
    """A preposition inside an organisation's name: within the entity spaCy found, or capitalised
    mid-sentence as names write it ("Doctors Without Borders")."""
    if prep.lower_ not in _NAME_PREPS:
        return False
    if prep.ent_iob_ == "I" and prep.ent_type_ in _NAME_ENTITY_TYPES:
        return True
    return prep.text[:1].isupper() and not prep.is_sent_start


_LED_BODIES = frozenset({"administration", "government", "regime", "cabinet"})


def _led_by(offices: OfficeHolders, tokens: Sequence[Any], when: date | None) -> tuple[Actor, str] | None:
    """A government named by its leader's surname: a proper-noun compound of the phrase's head
    ("administration", "government", "regime", "cabinet") that is the surname of a head of state
    or government (``OfficeHolders.leader``: in office on ``when``, else a former one of a single
    country), as ``agent+leader:Trump``."""
    head = max(tokens, key=lambda t: t.i)
    if head.lemma_.lower() not in _LED_BODIES:
        return None
    for tok in tokens:
        if tok.dep_ == "compound" and tok.head.i == head.i and tok.pos_ == "PROPN":
            actor = offices.leader(tok.text, when)
            if actor is not None:
                return actor, f"agent+leader:{tok.text}"
    return None


def _norm(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


class ActorResolver:
    """Turns noun-phrase heads into Mentions, using the shipped lexicon."""

    def __init__(self, lexicon: Lexicon, offices: OfficeHolders | None = None) -> None:
        self.lexicon = lexicon
        self.offices = offices  # office-holders by full name and surname (setting office_holders)
        self._by_cameo = {c.cameo: c for c in lexicon.by_iso3.values()}
        self._tables: tuple[tuple[str, Any], ...] = (
            ("user", lexicon.user),
            ("person", lexicon.people),
            ("igo", lexicon.igos),
            ("institution", lexicon.institutions),
            ("group", lexicon.groups),
            ("country", lexicon.countries),
            ("capital", lexicon.capitals),
            ("agent", lexicon.agents),
        )

    def scan(self, tokens: Sequence[Any]) -> list[_Hit]:
        """Longest-match lexicon hits over the tokens (possessive markers skipped)."""
        words = [_norm(t.text) for t in tokens]
        hits: list[_Hit] = []
        i = 0
        longest = self.lexicon.max_phrase_len
        while i < len(words):
            best: _Hit | None = None
            for n in range(min(longest, len(words) - i), 0, -1):
                key = tuple(words[i : i + n])
                if key == ("us",) and tokens[i].text != "US":
                    continue  # the pronoun, not the country
                for kind, table in self._tables:
                    value = table.get(key)
                    if value:
                        best = _Hit(kind, i, i + n, value)
                        break
                if best:
                    break
            if best:
                hits.append(best)
                i = best.end
            else:
                i += 1
        return hits

    def phrase(self, head: Any) -> list[Any]:
        """The tokens of ``head``'s phrase; a role noun ("officials", "diplomats", "troops") takes
        its "from" phrase in: people from a country belong to it, things from it do not."""
        origin = head.pos_ == "NOUN" and bool(self.lexicon.agents.get(phrase_key(head.text)))
        return phrase_tokens(head, origin=origin)

    def resolve(self, head: Any, *, when: date | None, memory: ArticleMemory) -> Mention | None:
        """The Mention for the phrase headed by ``head``, or None if it names no actor."""
        if (head.lower_ in _PRONOUNS and head.text != "US") or head.ent_type_ in _NOT_ACTORS:
            return None
        tokens = [t for t in self.phrase(head) if t.dep_ != "case" and t.tag_ != "POS"]
        found = self._resolve_tokens(tokens, when, memory)
        if (found is None or found[0].code is None) and head.pos_ == "NOUN" and head.lemma_.lower() not in _OTHER_PERSON:
            found = self._possessor(head, when, memory) or found
        if found is None:
            return None
        actor, how = found
        first, last = min(tokens, key=lambda t: t.i), max(tokens, key=lambda t: t.i)
        start, end = first.idx, last.idx + len(last.text)
        # the span's own text: Doc.text would rebuild the whole article for every mention
        return Mention(text=head.doc[first.i : last.i + 1].text, start=start, end=end, actor=actor, resolved_by=how)

    def _possessor(self, head: Any, when: date | None, memory: ArticleMemory) -> tuple[Actor, str] | None:
        """A thing named by its owner stands for the owner as a party: "rejected Trump's proposal",
        "called Ford's comments insulting" (the proposal's and the comments' author); only a
        possessor that is a name and resolves to a known actor."""
        owner = next((c for c in head.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
        if owner is None:
            return None
        tokens = [t for t in phrase_tokens(owner) if t.dep_ != "case" and t.tag_ != "POS"]
        found = self._resolve_tokens(tokens, when, memory)
        if found is None or found[0].code is None:
            return None
        return found[0], f"possessor:{found[1]}"

    def _resolve_tokens(self, tokens: list[Any], when: date | None, memory: ArticleMemory) -> tuple[Actor, str] | None:
        hits = [h for h in self.scan(tokens) if _hit_counts(h, tokens)]
        name = [t.text for t in _person_name(tokens, hits)]
        actor, how = self._from_hits(hits, when)
        if actor is not None and how in _ORGANISATION_HOWS:
            _remember_organisation(memory, hits, tokens, actor)
        if actor is not None and how in ("person", "user-actor"):
            memory.remember(name or actor.name.split(), actor)
            return actor, how
        if actor is not None and (actor.country or _is_igo(actor)):
            if name:
                actor = Actor(code=actor.code, name=" ".join(name), country=actor.country, sectors=actor.sectors)
                memory.remember(name, actor)
                return actor, how
            same_role = memory.by_role(actor.country, actor.sectors)
            return (same_role, "coreference") if same_role is not None else (actor, how)
        if actor is not None and self.offices is not None and "GOV" in actor.sectors:
            led = _led_by(self.offices, tokens, when)  # "the Trump administration", "the Modi government"
            if led is not None:
                return led
        remembered = memory.by_surname(name) if name else None
        if remembered is None and name and self.offices is not None:  # "Erdogan", "President Erdogan"
            words = [_norm(t.text) for t in tokens]
            proper = [t.text for t in tokens if t.pos_ == "PROPN"]  # "Recep" is often left out of the PERSON entity
            held = (self.offices.resolve(proper, words, when) if len(proper) > len(name) else None) or \
                self.offices.resolve(name, words, when)
            if held is not None:
                memory.remember(name, held[0])
                return held
        if remembered is None and _is_definite(tokens):  # "the court's president", "the court", "the minister"
            remembered = memory.organisation(_head_nouns(tokens))
            if remembered is None and actor is not None:
                remembered = memory.by_role(None, actor.sectors)
        if remembered is not None:
            return remembered, "coreference"
        if actor is not None:  # a role with no country: keep the name it carries, if any
            label = " ".join(name) or _unknown_name(tokens) or actor.name
            return Actor(code=actor.code, name=label, sectors=actor.sectors, members=actor.members), how
        unknown = _unknown_name(tokens)
        return (Actor(code=None, name=unknown), "unknown") if unknown else None

    def _from_hits(self, hits: list[_Hit], when: date | None) -> tuple[Actor | None, str]:
        sectors: list[str] = []
        for hit in hits:
            if hit.kind == "agent":
                sectors.extend(s for s in hit.value if s not in sectors)
        for hit in hits:
            if hit.kind == "user":
                code = hit.value.code_on(when)
                if code is not None:
                    return self._user_actor(hit.value.words, code), "user-actor"
        for hit in hits:
            if hit.kind == "person":
                person = _active(hit.value, when)
                if person is not None:
                    country = self.lexicon.country_by_iso3(person.country)
                    secs = tuple(person.sectors) or tuple(sectors) or ("GOV",)
                    return Actor(code=_code(country.cameo, secs), name=person.name, country=person.country, sectors=secs), "person"
        for hit in hits:
            if hit.kind == "igo":
                kind = hit.value.code[:3]  # IGO or NGO
                return Actor(code=hit.value.code, name=hit.value.name, country=None, sectors=(kind, *sectors)), kind.lower()
        for hit in hits:
            if hit.kind == "institution":  # "the Kremlin", "a State Department official"
                body = hit.value
                secs = tuple(dict.fromkeys((*body.sectors, *sectors)))
                return Actor(code=body.code, name=body.name, country=body.country, sectors=secs), "institution"
        for hit in hits:
            if hit.kind == "group":
                group = hit.value
                secs = tuple(dict.fromkeys((*group.sectors, *sectors)))
                place = community_country(group, hits)
                if place is not None:  # "Iraqi Kurds": the country's code before the community's
                    return Actor(code=place.cameo + group.code, name=group.name, country=place.iso3, sectors=secs), "group+country"
                return Actor(code=group.code, name=group.name, country=group.country, sectors=secs, members=group.members), "group"
        for kind in ("country", "capital"):
            for hit in hits:
                if hit.kind == kind:
                    c = hit.value
                    how = ("agent+country" if sectors else "country-name") if kind == "country" else "capital"
                    return Actor(code=_code(c.cameo, tuple(sectors)), name=c.name, country=c.iso3, sectors=tuple(sectors)), how
        if sectors:  # a role with no country: kept as evidence, not coded as an event party
            return Actor(code=None, name=" ".join(sectors), country=None, sectors=tuple(sectors)), "agent"
        return None, ""

    def _user_actor(self, words: tuple[str, ...], code: str) -> Actor:
        """An Actor for a user file's code: its country (the code's CAMEO country prefix, if it
        has one) and the three-letter sector codes after it."""
        name = " ".join(w.title() for w in words)
        for n in (6, 3):
            country = self._by_cameo.get(code[:n])
            if country is not None:
                rest = code[n:]
                sectors = tuple(rest[i : i + 3] for i in range(0, len(rest) - 2, 3))
                return Actor(code=code, name=name, country=country.iso3, sectors=sectors)
        sectors = (code[:3],) if code[:3] in ("IGO", "NGO") else ()
        return Actor(code=code, name=name, country=None, sectors=sectors)


# a person named by their tie to someone else is not that someone: "Trump's predecessor, Joe Biden"
_OTHER_PERSON = frozenset("predecessor successor wife husband son daughter father mother brother sister widow "
                          "rival opponent critic lawyer attorney challenger deputy".split())


def _code(country: str, sectors: tuple[str, ...]) -> str:
    return country + "".join(sectors[:2])


def _is_igo(actor: Actor) -> bool:
    return "IGO" in actor.sectors or "NGO" in actor.sectors


def _active(people: tuple[Person, ...], when: date | None) -> Person | None:
    active = [p for p in people if p.active_on(when)]
    return active[0] if active else None


_ORGANISATION_HOWS = frozenset({"igo", "ngo", "group", "group+country", "institution"})


def _remember_organisation(memory: ArticleMemory, hits: Sequence[_Hit], tokens: Sequence[Any], actor: Actor) -> None:
    """Let a later definite "the court" / "the union" name the organisation this phrase names."""
    for hit in hits:
        if hit.kind in ("igo", "group", "institution"):
            words = [t.lower_ for t in tokens[hit.start : hit.end] if t.pos_ in {"NOUN", "PROPN"} and t.is_alpha]
            memory.remember_organisation(words, actor)
            return


def _head_nouns(tokens: Sequence[Any]) -> list[str]:
    """The phrase's head noun and its possessors' heads ("president" and "court" in "the court's
    president"): the words a definite description of an organisation is made of."""
    head = max(tokens, key=lambda t: t.i)
    found = [t for t in tokens if t.i == head.i or (t.dep_ == "poss" and t.head.i == head.i)]
    return [t.lower_ for t in found if t.pos_ in {"NOUN", "PROPN"} and t.is_alpha]


def _is_definite(tokens: Sequence[Any]) -> bool:
    return any(t.dep_ == "det" and t.lower_ in {"the", "this", "that"} for t in tokens)


def _hit_counts(hit: _Hit, tokens: Sequence[Any]) -> bool:
    """Whether a lexicon hit names the phrase's actor rather than describing something else.

    A role word must be a noun ("military chief", not the adjective in "military agreement");
    a capital must be the head or a possessor ("Ankara's problems", not "the Astana process").
    """
    last = tokens[hit.end - 1]
    if hit.kind == "agent":
        return last.pos_ in {"NOUN", "PROPN"} and not set(hit.value) <= _VAGUE_SECTORS
    if hit.kind in ("group", "institution"):  # a name, not a word that happens to spell one ("youth", "amal")
        span = tokens[hit.start : hit.end]
        if is_collective(hit.value) and last.dep_ in {"compound", "amod", "nmod"}:
            return False  # "the West African bloc", "Gulf states' envoys" is kept (possessor)
        return any(t.pos_ == "PROPN" or (t.text[:1].isupper() and not t.is_sent_start) or t.text.isupper() for t in span)
    if hit.kind == "capital":
        return last.dep_ not in {"compound", "amod", "nmod"} or last.head.dep_ == "poss"
    if hit.kind in ("person", "user"):  # the whole name, not a part of a longer one ("Abdullah" in "Ali Abdullah Ayyoub")
        before = tokens[hit.start - 1] if hit.start > 0 else None
        after = tokens[hit.end] if hit.end < len(tokens) else None
        kinds = {"PERSON"} if hit.kind == "person" else {"PERSON", "ORG"} & {last.ent_type_}
        return not any(t is not None and t.pos_ == "PROPN" and t.ent_type_ in kinds for t in (before, after))
    return True


def _person_name(tokens: Sequence[Any], hits: Sequence[_Hit]) -> list[Any]:
    """The last run of PERSON-entity proper nouns, else the proper-noun head no lexicon hit covers."""
    covered = {i for h in hits if h.kind != "person" for i in range(h.start, h.end)}
    runs: list[list[Any]] = []
    for n, t in enumerate(tokens):
        capitalised_head = n == len(tokens) - 1 and t.is_title and t.pos_ in {"PROPN", "NOUN"}
        if n not in covered and (capitalised_head or (t.pos_ == "PROPN" and t.ent_type_ in _NAME_ENTS)):
            if runs and runs[-1][-1].i == t.i - 1:
                runs[-1].append(t)
            else:
                runs.append([t])
    return runs[-1] if runs else []


def _unknown_name(tokens: Sequence[Any]) -> str | None:
    proper = [t for t in tokens if t.pos_ == "PROPN" or t.ent_type_ in _PROPER_ENTS]
    if not proper:
        return None
    first, last = proper[0].i, proper[-1].i
    doc = proper[0].doc
    return doc[first : last + 1].text
