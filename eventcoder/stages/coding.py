"""Stages from actors to coded candidates: ``relations`` (who did what to whom), ``classify``
(the verb dictionary's CAMEO code), ``learned`` (the rule path's learned recoding), and the gate
path's ``learned-variants``, ``implicit-targets`` and ``gate``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Mapping

from ..events.coding import Coded, classify
from ..extract.candidates import ArticleContext, gate_candidates, learned_variants, with_implicit_targets
from ..extract.content import content_candidates
from ..extract.nouns import noun_candidates
from ..extract.pairs import pair_candidates
from ..learned.recode import recode
from ..records import Mention
from ..relations import find_triples
from .records import ActorTables, Candidates, Triples

_RECENT = 6  # parties remembered for implicit recipients, nearest first


@dataclass(frozen=True, slots=True)
class Relations:
    """Candidate (source, verb, target) triples of each sentence; ``deep_targets``: PETRARCH's reading;
    ``deeper_readings``: the gate path's extra reading of a target deeper in a verb's phrase."""

    deep_targets: bool = False
    deeper_readings: bool = False
    name: ClassVar[str] = "relations"
    takes: ClassVar[type] = ActorTables
    returns: ClassVar[type] = Triples

    def __call__(self, actors: ActorTables) -> Triples:
        out = []
        for sent, table in zip(actors.sentences.kept, actors.tables):
            actors.parsed.check_time(sent.index)
            out.append(tuple(find_triples(sent.span, sent.index, table, deep_targets=self.deep_targets,
                                          deeper_readings=self.deeper_readings)))
        return Triples(actors, tuple(out))


@dataclass(frozen=True, slots=True)
class Classify:
    """Each triple's predicate coded with the PETRARCH verb dictionary (see ``events.coding.classify``
    for ``require_target``, ``both_directions``, ``block_defaults`` and ``predicative``)."""

    verbs: Any  # VerbDictionary
    tables: Any  # CodeTables
    require_target: bool | None = None
    both_directions: bool = False
    block_defaults: Mapping[str, tuple[str, frozenset[str]]] | None = None
    predicative: Mapping[str, str] | None = None
    name: ClassVar[str] = "classify"
    takes: ClassVar[type] = Triples
    returns: ClassVar[type] = Candidates

    def __call__(self, triples: Triples) -> Candidates:
        doc = triples.actors.parsed.doc
        coded = tuple(
            tuple(classify(
                found, doc, self.verbs, self.tables, require_target=self.require_target,
                both_directions=self.both_directions, block_defaults=self.block_defaults,
                predicative=self.predicative,
            ))
            for found in triples.triples
        )
        return Candidates(triples.actors, coded)


@dataclass(frozen=True, slots=True)
class Learned:
    """Rule path with the combined coder: the learned pair model re-decides each coded pair's type
    (after modality: PLV codes "will X" as AGREE)."""

    combined: Any  # CombinedCoder
    tables: Any
    name: ClassVar[str] = "learned"
    takes: ClassVar[type] = Candidates
    returns: ClassVar[type] = Candidates

    def __call__(self, candidates: Candidates) -> Candidates:
        kept = candidates.actors.sentences.kept
        coded = tuple(
            tuple(recode(items, sent.span, self.combined, self.tables)) if items else items
            for sent, items in zip(kept, candidates.coded)
        )
        return replace(candidates, coded=coded)


@dataclass(frozen=True, slots=True)
class LearnedVariants:
    """Gate path with the combined coder: the pairs event nouns link ("talks with X", "a visit to
    Y") beside the verbs', the learned type of each coded pair as another candidate, and
    (``all_pairs``) every other ordered pair of actors typed by the pair model."""

    combined: Any
    tables: Any
    all_pairs: bool
    name: ClassVar[str] = "learned-variants"
    takes: ClassVar[type] = Candidates
    returns: ClassVar[type] = Candidates

    def __call__(self, candidates: Candidates) -> Candidates:
        out = []
        actors = candidates.actors
        for sent, table, items in zip(actors.sentences.kept, actors.tables, candidates.coded):
            nouns = tuple(noun_candidates(sent.span, sent.index, table))
            items = items + nouns
            covered = {(min(c.triple.source_tokens), min(c.triple.target_tokens)) for c in items if c.triple.target_tokens}
            # an event noun's agent and party read it in one direction: "Israel drew criticism from the UN"
            covered |= {(min(c.triple.target_tokens), min(c.triple.source_tokens)) for c in nouns}
            covered |= {(c.triple.verb, min(c.triple.source_tokens)) for c in items if c.triple.target_tokens}
            coded = learned_variants(items, sent.span, self.combined, self.tables)
            coded += content_candidates(items, sent.span, self.combined, self.tables)
            if self.all_pairs:
                coded = coded + pair_candidates(sent.span, sent.index, table, covered, self.combined, self.tables)
            out.append(tuple(coded))
        return replace(candidates, coded=tuple(out))


@dataclass(frozen=True, slots=True)
class ImplicitTargets:
    """A target-less candidate also offered with the article's implicit recipient and with the
    parties named in the sentences just before (nearest first)."""

    name: ClassVar[str] = "implicit-targets"
    takes: ClassVar[type] = Candidates
    returns: ClassVar[type] = Candidates

    def __call__(self, candidates: Candidates) -> Candidates:
        recent: list[Mention] = []
        out = []
        for table, items in zip(candidates.actors.tables, candidates.coded):
            here = [m for _, (m, _) in sorted(table.items())]  # reading order
            out.append(tuple(with_implicit_targets(items, candidates.actors.recipient, recent, here)))
            recent = ([m for m in reversed(here) if m.actor.party] + recent)[:_RECENT]
        return replace(candidates, coded=tuple(out))


@dataclass(frozen=True, slots=True)
class Gate:
    """The extraction gate keeps the candidates it accepts (its probability becomes the confidence);
    with no gate (training: ``Pipeline.collector``) every candidate is kept with its features."""

    gate: Any  # extract.gate.Gate, or None to keep everything
    tables: Any
    name: ClassVar[str] = "gate"
    takes: ClassVar[type] = Candidates
    returns: ClassVar[type] = Candidates

    def __call__(self, candidates: Candidates) -> Candidates:
        doc = candidates.actors.parsed.doc
        context = ArticleContext.of(candidates.actors.tables, candidates.actors.quotes)
        coded: list[tuple[Coded, ...]] = []
        features: list[tuple[tuple[str, ...], ...]] = []
        for items in candidates.coded:
            scored = gate_candidates(items, doc, self.tables, self.gate, context)
            coded.append(tuple(
                replace(s.item, method=f"{s.item.method}; {s.note}", confidence=s.probability) if s.note else s.item
                for s in scored
            ))
            features.append(tuple(s.features for s in scored))
        return replace(candidates, coded=tuple(coded), features=tuple(features))
