"""Actor resolution with PETRARCH actor and agent dictionaries (PETRARCH-compatible codes).

A phrase's code is its actor's code on the sentence's date, with agents added the PETRARCH way:
``~GOV`` after the actor's code ("Arnorian government" → ARNGOV), ``NGO~`` before it; an agent
with no actor codes as ``---GOV``. Same interface as :class:`eventcoder.actors.ActorResolver`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from ..actors.memory import ArticleMemory
from ..actors.resolver import phrase_tokens
from ..records import Actor, Mention
from .actorsdict import ActorEntry, AgentEntry, read_actors, read_agents

_PRONOUNS = frozenset("he she it they we i you him her them us who which that its their".split())
_MIN_STEM = 5  # a dictionary word shorter than this must match exactly


@dataclass(frozen=True, slots=True)
class _Index:
    """First word → entries starting with it, longest first."""

    by_first: dict[str, tuple[Any, ...]]

    @classmethod
    def of(cls, entries: Sequence[ActorEntry | AgentEntry]) -> "_Index":
        table: dict[str, list[Any]] = {}
        for e in entries:
            table.setdefault(e.words[0], []).append(e)
        return cls({k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in table.items()})

    def match(self, words: Sequence[str], at: int) -> Any | None:
        for entry in self.by_first.get(words[at], ()) + self._stems(words[at]):
            n = len(entry.words)
            if at + n <= len(words) and _same(entry, words[at : at + n]):
                return entry
        return None

    def _stems(self, word: str) -> tuple[Any, ...]:
        out: list[Any] = []
        for cut in range(_MIN_STEM, len(word)):
            for e in self.by_first.get(word[:cut], ()):
                if len(e.words) == 1 and not e.exact:
                    out.append(e)
        return tuple(out)


def _same(entry: Any, words: Sequence[str]) -> bool:
    *head, last = entry.words
    if list(words[:-1]) != head:
        return False
    if words[-1] == last:
        return True
    return not entry.exact and len(last) >= _MIN_STEM and words[-1].startswith(last)


@dataclass(slots=True)
class DictionaryResolver:
    """Resolves noun phrases with PETRARCH actor + agent dictionaries."""

    actors: _Index
    agents: _Index

    @classmethod
    def load(cls, actor_files: Sequence[str | Path], agent_files: Sequence[str | Path]) -> "DictionaryResolver":
        actor_entries = [e for f in actor_files for e in read_actors(f)]
        agent_entries = [e for f in agent_files for e in read_agents(f)]
        return cls(_Index.of(actor_entries), _Index.of(agent_entries))

    def resolve(self, head: Any, *, when: date | None, memory: ArticleMemory) -> Mention | None:
        if head.lower_ in _PRONOUNS:
            return None
        own = [t for t in phrase_tokens(head) if t.tag_ != "POS" and t.dep_ != "case"]
        own = _regroup_trailing_phrase(head, own)
        actor_codes, agent_codes, names = self._scan(self._joined(own), when)
        tokens = own
        shared = _shared_place(head)
        if shared is not None and actor_codes and not agent_codes and head.i > shared[0].i:
            if self._agent_only(shared[1], when):  # "lawmakers in Fornost and Gondor": not Gondor itself
                return None
        if not actor_codes and agent_codes and shared is not None and head.i < shared[0].i:
            actor_codes = self._place_codes(shared[2], when)  # "lawmakers and officials in A and B"
            if actor_codes:
                return self._mention(head, own, actor_codes, agent_codes, [])
        if not actor_codes and agent_codes:  # "lawmakers in Fornost and Gondor": the agent of each
            inner = _located_in(head)
            actor_codes, _, names = self._scan(_words(inner), when)
            tokens = own + inner
        if not actor_codes and not agent_codes:
            return None
        owners = self._owner_codes(head, when) if len(actor_codes) > 1 else []
        if owners:  # "Gondor and Arnor's Elrond": PETRARCH reads the possessors' actors first
            actor_codes = owners
        elif len(actor_codes) > 1:  # "the population of A of the prince of B": A alone
            core, _, _ = self._scan(self._joined(_core(own, head)), when)
            actor_codes = core or actor_codes[:1]
        if actor_codes:  # "Eriadori and Calenardhon leaders": the leaders of each
            for member in _listed_modifiers(head):
                more, _, _ = self._scan(self._joined(phrase_tokens(member)), when)
                actor_codes += [c for c in more if c not in actor_codes]
        if agent_codes and actor_codes:  # "the ambassadors of A, B and C": the agent of each
            for member in _listed_places(head):
                more, _, _ = self._scan(self._joined(phrase_tokens(member)), when)
                actor_codes += [c for c in more if c not in actor_codes]
        return self._mention(head, tokens, actor_codes, agent_codes, names)

    def _owner_codes(self, head: Any, when: date | None) -> list[str]:
        """Actor codes of the possessors of ``head`` and the nouns coordinated with them."""
        stack = [c for c in head.children if c.dep_ == "poss"]
        codes: list[str] = []
        while stack:
            tok = stack.pop(0)
            found, _, _ = self._scan(self._joined([t for t in phrase_tokens(tok) if t.tag_ != "POS" and t.dep_ != "case"]), when)
            codes += [c for c in found if c not in codes]
            stack.extend(c for c in tok.children if c.dep_ == "conj")
        return codes

    def _agent_only(self, tokens: Sequence[Any], when: date | None) -> bool:
        actor_codes, agent_codes, _ = self._scan(self._joined(tokens), when)
        return bool(agent_codes) and not actor_codes

    def _place_codes(self, places: Sequence[Any], when: date | None) -> list[str]:
        codes: list[str] = []
        for place in places:
            found, agents, _ = self._scan(self._joined(phrase_tokens(place)), when)
            if agents or not found:
                return []
            codes += [c for c in found if c not in codes]
        return codes

    def _mention(
        self, head: Any, tokens: Sequence[Any], actor_codes: list[str], agent_codes: list[tuple[str, bool]], names: list[str],
    ) -> Mention | None:
        actors: list[str | None] = [*actor_codes] or [None]
        codes = [c for c in (_combine(a, agent_codes) for a in actors) if c is not None]
        if not codes:
            return None
        code = "/".join(dict.fromkeys(codes))
        start = min(t.idx for t in tokens)
        end = max(t.idx + len(t.text) for t in tokens)
        first = codes[0]
        country = first[:3] if actor_codes and first[:3].isalpha() and first[:3].isupper() and "/" not in first else None
        actor = Actor(code=code, name=" ".join(names) or code, country=country, sectors=tuple(c for c, _ in agent_codes))
        return Mention(text=head.doc.text[start:end], start=start, end=end, actor=actor,
                       resolved_by="petrarch-actor" if actor_codes else "petrarch-agent")

    def _joined(self, tokens: Sequence[Any]) -> list[str]:
        """Upper-cased words, with "Barad - dur" (no spaces) rejoined when an actor is so named."""
        words = _words(tokens)
        out: list[str] = []
        i = 0
        while i < len(words):
            nxt = i + 2 if i + 2 < len(words) and words[i + 1] == "-" else i + 1
            if nxt < len(words) and _hyphened(tokens[i], tokens[nxt]):
                joined = f"{words[i]}-{words[nxt]}"
                if joined in self.actors.by_first or joined in self.agents.by_first:
                    out.append(joined)
                    i = nxt + 1
                    continue
            out.append(words[i])
            i += 1
        return [part for word in out for part in word.split("_") if part]  # "Dol_Amroth" as written

    def _scan(self, words: list[str], when: date | None) -> tuple[list[str], list[tuple[str, bool]], list[str]]:
        """Actor codes (each may be ``A/B/C``), agent codes with their prefix flag, actor names."""
        actors: list[str] = []
        agents: list[tuple[str, bool]] = []
        names: list[str] = []
        i = 0
        while i < len(words):
            agent = self.agents.match(words, i)
            hit = self.actors.match(words, i)
            if hit is not None and (agent is None or len(hit.words) >= len(agent.words)):
                code = hit.code_on(when) or "---"
                if code not in actors:
                    actors.append(code)
                names.append(hit.name)
                i += len(hit.words)
                continue
            if agent is not None:
                if agent.code not in {c for c, _ in agents}:
                    agents.append((agent.code, agent.prefix))
                i += len(agent.words)
                continue
            i += 1
        return actors, agents, names


_PLACE_PREPS = frozenset({"of", "in", "from"})
_CLAUSES = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "appos", "punct", "cc"})


def _hyphened(left: Any, right: Any) -> bool:
    """``left`` and ``right`` written as one word around a hyphen: "Barad-dur"."""
    if right.i != left.i + 2 or left.whitespace_:
        return False
    dash = left.doc[left.i + 1]
    return dash.text == "-" and not dash.whitespace_


def _words(tokens: Sequence[Any]) -> list[str]:
    return [t.text.upper().replace("\u2019", "'") for t in tokens]


def _core(tokens: Sequence[Any], head: Any) -> list[Any]:
    """``tokens`` without those inside a prepositional phrase of the noun phrase."""
    def inside_prep(tok: Any) -> bool:
        while tok.i != head.i and tok.head.i != tok.i:
            if tok.dep_ == "prep":
                return True
            tok = tok.head
        return False

    return [t for t in tokens if not inside_prep(t)]


def _regroup_trailing_phrase(head: Any, own: list[Any]) -> list[Any]:
    """Give an "of/in/from" phrase after the last of coordinated nouns to that last noun.

    spaCy hangs "of Gondor" in "Ithilen's sheep and goats of Gondor" off "sheep"; PETRARCH's
    tree gives it to "goats".
    """
    first = head
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    members = [first]
    for m in members:
        members.extend(c for c in m.children if c.dep_ == "conj")
    last = max(m.i for m in members)
    trailing = [c for c in first.children if c.dep_ == "prep" and c.lower_ in _PLACE_PREPS and c.i > last]
    if len(members) < 2 or not trailing:
        return own
    moved = {t.i: t for p in trailing for t in p.subtree}
    if head.i == last:
        return sorted(own + [t for i, t in moved.items() if t not in own], key=lambda t: t.i)
    return [t for t in own if t.i not in moved] if head.i == first.i else own


def _shared_place(head: Any) -> tuple[Any, list[Any], list[Any]] | None:
    """A coordinated list's "of/in/from" phrase shared by the members before it.

    spaCy reads "Lawmakers and officials in Fornost and Gondor" as four coordinated nouns with
    "in Fornost" hanging off the first; PETRARCH reads the agents before the phrase as located
    in every place in and after it. Returns (the preposition, the first member's own tokens,
    the places), or None when ``head`` is in no such list.
    """
    root = head
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    members = [root]
    for m in members:
        members.extend(c for c in m.children if c.dep_ == "conj")
    if len(members) < 2:
        return None
    preps = sorted((c for m in members for c in m.children if c.dep_ == "prep" and c.lower_ in _PLACE_PREPS), key=lambda t: t.i)
    if not preps or root.i > preps[0].i:
        return None
    prep = preps[0]
    places = [g for g in prep.children if g.dep_ == "pobj"]
    places += [m for m in members if m.i > prep.i]
    for p in list(places):
        places.extend(c for c in p.children if c.dep_ == "conj" and c not in places)
    if not any(m.i > prep.i for m in members):
        return None
    own = [t for t in phrase_tokens(root) if t.i < prep.i]
    return prep, own, sorted(places, key=lambda t: t.i)


def _conj_chain(starts: list[Any]) -> list[Any]:
    """The start tokens and every token coordinated below them, in sentence order."""
    out: list[Any] = []
    stack = list(starts)
    while stack:
        tok = stack.pop()
        out.append(tok)
        stack.extend(c for c in tok.children if c.dep_ == "conj")
    return sorted(out, key=lambda t: t.i)


def _listed_modifiers(head: Any) -> list[Any]:
    """Nouns coordinated with a name modifying ``head`` ("Eriadori and Calenardhon leaders")."""
    return _conj_chain([
        c for m in head.children if m.dep_ in ("nmod", "compound") and m.i < head.i
        for c in m.children if c.dep_ == "conj" and c.i < head.i
    ])


def _listed_places(head: Any) -> list[Any]:
    """Nouns coordinated with the object of an agent's "of/in/from" phrase (not that object)."""
    return _conj_chain([
        c for prep in head.children if prep.dep_ == "prep" and prep.lower_ in _PLACE_PREPS
        for g in prep.children if g.dep_ == "pobj" for c in g.children if c.dep_ == "conj"
    ])


def _located_in(head: Any) -> list[Any]:
    """Tokens of the "of/in/from" phrases after an agent, with their coordinated nouns."""
    out: list[Any] = []
    for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in _PLACE_PREPS):
        stack = [g for g in prep.children if g.dep_ == "pobj"]
        while stack:
            tok = stack.pop()
            out.append(tok)
            stack.extend(c for c in tok.children if c.dep_ not in _CLAUSES and c.dep_ != "prep")
    return sorted(out, key=lambda t: t.i)


def _add(base: str, code: str, prefix: bool) -> str:
    """Add an agent code unless the actor's code already says it (WHITE_HOUSE [USAGOV] + GOV)."""
    if any(base[i : i + len(code)] == code for i in range(0, len(base) - len(code) + 1, 3)):
        return base
    return code + base if prefix else base + code


def _combine(actor: str | None, agents: list[tuple[str, bool]]) -> str | None:
    """PETRARCH-style code: actor code with agents appended (``~X``) or prepended (``X~``)."""
    if actor == "---" and not agents:
        return None
    base = actor or "---"
    if base.startswith("+++"):
        return None
    parts = []
    for part in base.split("/"):
        for code, prefix in agents:
            part = _add(part, code, prefix)
        parts.append(part)
    return "/".join(parts)
