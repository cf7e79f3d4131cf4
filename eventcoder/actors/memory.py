"""Within-article coreference memory: who has been named so far in one article."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import Actor


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
