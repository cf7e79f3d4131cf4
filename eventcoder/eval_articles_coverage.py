"""Actor coverage for the article evaluation: is the gold actor's country among the actors the
pipeline resolved in the event's sentence?

Independent of whether an event was extracted, this measures actor resolution alone: for each
gold event, the parties (``Actor.party``: the ISO3 country, or UNO / EUR / NATO / IGO / NGO for
an international body) of every actor the pipeline resolved in the gold sentence (or one of its
``alt_sentences``) are collected, and the gold source (target) counts as covered when its
country — or, for an unnamed collective, one of its ``members``; in lenient mode also an
``acceptable_alternatives`` country — is among them. Gold actors that cannot be found in the
sentence by definition are not counted: ``implicit`` ones (named only elsewhere in the article)
and those with neither a country nor members.

``Pipeline.actor_log`` records each coded sentence's resolved mentions; ``sentence_actors`` turns
that log into ``SentenceActors`` records and ``actor_coverage`` scores them against the gold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .eval_articles_records import Agreement, ArticleGold, GoldActor, GoldEvent

__all__ = ["Coverage", "CoverageMiss", "SentenceActors", "actor_coverage", "sentence_actors"]


@dataclass(frozen=True, slots=True)
class SentenceActors:
    """The parties of the actors the pipeline resolved in one coded sentence."""

    sentence_index: int
    sentence: str
    parties: tuple[str, ...]  # distinct, in reading order
    names: tuple[str, ...]  # "text [PARTY]" per resolved mention, for diagnosis


@dataclass(frozen=True, slots=True)
class CoverageMiss:
    gold_id: str
    role: str  # "source" | "target"
    gold: str  # "text [ISO3]"
    found: tuple[str, ...]  # what was resolved in the sentence(s)
    sentence: str


@dataclass(frozen=True, slots=True)
class Coverage:
    source: Agreement  # gold events whose source country is among the sentence's resolved parties
    target: Agreement  # ... whose target country is (events with a countable target)
    both: Agreement  # events with every countable party found (source, and target where countable)
    implicit: int  # gold actors named only elsewhere in the article: not counted
    no_country: int  # gold actors with neither a country nor members: not counted
    no_sentence: int  # gold events whose sentence the pipeline did not code (too long, discarded)
    misses: tuple[CoverageMiss, ...]


def sentence_actors(log: Iterable[tuple[str, int, str, Sequence[Any]]]) -> dict[str, list[SentenceActors]]:
    """``Pipeline.actor_log`` entries (article id, sentence index, sentence text, mentions) by article id."""
    out: dict[str, list[SentenceActors]] = {}
    for article_id, index, text, mentions in log:
        parties = tuple(dict.fromkeys(p for p in (m.actor.party for m in mentions) if p))
        names = tuple(f"{m.text} [{m.actor.party or '-'}]" for m in mentions)
        out.setdefault(article_id, []).append(SentenceActors(index, text, parties, names))
    return out


def actor_coverage(
    gold: Mapping[str, ArticleGold], actors: Mapping[str, Sequence[SentenceActors]], strict: bool = False
) -> Coverage:
    """Coverage over every article that is in both ``gold`` and ``actors``."""
    from .eval_articles import _overlap  # the scorer's own same-sentence rule

    counts = {"source": [0, 0], "target": [0, 0], "both": [0, 0]}
    implicit = no_country = no_sentence = 0
    misses: list[CoverageMiss] = []
    for article_id in sorted(set(gold) & set(actors)):
        sentences = actors[article_id]
        for event in gold[article_id].events:
            found = [s for s in sentences if any(_overlap(s.sentence, g) for g in event.sentences)]
            if not found:
                no_sentence += 1
            parties = {p for s in found for p in s.parties}
            names = tuple(dict.fromkeys(n for s in found for n in s.names))
            outcome: list[bool] = []
            for role, actor in (("source", event.source), ("target", event.target)):
                if actor is None:
                    continue
                wanted = _countries(event, role, actor, strict)
                if actor.implicit or not wanted:
                    implicit += actor.implicit
                    no_country += not actor.implicit
                    continue
                hit = bool(wanted & parties)
                counts[role][0] += hit
                counts[role][1] += 1
                outcome.append(hit)
                if not hit:
                    misses.append(CoverageMiss(event.event_id, role, _text(actor), names, event.sentence))
            if outcome:
                counts["both"][0] += all(outcome)
                counts["both"][1] += 1
    agreements = {k: Agreement(f"{k} country found", *v) for k, v in counts.items()}
    return Coverage(agreements["source"], agreements["target"], agreements["both"], implicit, no_country,
                    no_sentence, tuple(misses))


def _countries(event: GoldEvent, role: str, actor: GoldActor, strict: bool) -> set[str]:
    wanted = {c for c in (actor.country, *actor.members) if c}
    if not strict:
        alts = event.alternatives.source_country if role == "source" else event.alternatives.target_country
        wanted |= {c for c in alts if c}
    return wanted


def _text(actor: GoldActor) -> str:
    return f"{actor.text} [{actor.country or '/'.join(actor.members) or '-'}]"
