"""Within-article coreference memory: who has been named so far in one article."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import Actor


_AMBIGUOUS = Actor(code="(ambiguous)", name="(ambiguous)")


@dataclass(slots=True)
class ArticleMemory:
    """Named actors seen so far in one article, for later short mentions.

    "Syrian Defense Minister Ali Abdullah Ayyoub" registers the surname "ayyoub" and the full
    name; later "Ayyoub" or "General Ayyoub" resolve to the same actor, and "Iran's military
    chief" resolves to the only IRN+MIL person named so far. One memory per article; it is
    never shared between articles.
    """

    by_name: dict[str, Actor] = field(default_factory=dict)
    named: list[Actor] = field(default_factory=list)
    by_org_word: dict[str, Actor] = field(default_factory=dict)

    def remember_organisation(self, words: list[str], actor: Actor) -> None:
        """Register the common nouns of an organisation's name ("court" of "International Court
        of Justice"), so a later definite "the court" names the same organisation. A word two
        organisations share names neither."""
        for word in {w.lower() for w in words}:
            known = self.by_org_word.get(word)
            if known is None:
                self.by_org_word[word] = actor
            elif known.code != actor.code:
                self.by_org_word[word] = _AMBIGUOUS

    def organisation(self, nouns: list[str]) -> Actor | None:
        """The one organisation named earlier whose name holds one of ``nouns`` (lower case)."""
        found = {self.by_org_word[n].code: self.by_org_word[n] for n in nouns if n in self.by_org_word}
        found.pop(_AMBIGUOUS.code, None)
        return next(iter(found.values())) if len(found) == 1 else None

    def remember(self, name_tokens: list[str], actor: Actor) -> None:
        if not name_tokens or actor.code is None:
            return
        full = " ".join(name_tokens).lower()
        self.by_name[full] = actor
        self.by_name[name_tokens[-1].lower()] = actor
        if actor not in self.named:
            self.named.append(actor)

    def by_surname(self, name_tokens: list[str]) -> Actor | None:
        if not name_tokens:
            return None
        full = " ".join(name_tokens).lower()
        return self.by_name.get(full) or self.by_name.get(name_tokens[-1].lower())

    def by_role(self, country: str | None, sectors: tuple[str, ...]) -> Actor | None:
        """The one named actor with this country and an overlapping sector (None if 0 or >1)."""
        if not sectors:
            return None
        hits = [
            a
            for a in self.named
            if (country is None or a.country == country) and set(a.sectors) & set(sectors)
        ]
        names = {a.name for a in hits}
        return hits[-1] if len(names) == 1 else None
