"""Groups with no country of their own in ``groups.tsv``: communities (ethnic and religious
groups with a CAMEO code such as KUR or MUSSHI) and collectives (WST "Western nations", EUR
"European countries", PGS "Gulf states" with its members). A community named with a country word
("Iraqi Kurds", "Pakistani Shiites") takes that country; a collective never does."""

from __future__ import annotations

from typing import Any, Sequence

from ..lexicon import Country, Group

REGIONAL_CODES = frozenset({"WST", "EUR", "PGS", "MEA", "AFR"})  # CAMEO regional codes used in groups.tsv


def is_collective(group: Group) -> bool:
    """A collective or community row: no country, no sector (armed groups always have one)."""
    return group.country is None and not group.sectors


def community_country(group: Group, hits: Sequence[Any]) -> Country | None:
    """The country a country-word hit gives a community in the same phrase, else None."""
    if not is_collective(group) or group.code in REGIONAL_CODES or group.members:
        return None
    return next((h.value for h in hits if h.kind == "country"), None)
