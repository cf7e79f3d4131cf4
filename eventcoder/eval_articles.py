"""Article-level evaluation: code whole articles and compare their events with expert gold.

Scoring follows "Suggested scoring" in ``../shared/eval/articles/CONVENTIONS.md``. Within one
article, a gold event and a prediction match on PLOVER type + source country + target country
(either orientation when the gold event is ``symmetric``; in lenient mode also any
``acceptable_alternatives``; a member of an unnamed collective's ``members`` list always
counts). Gold events and predictions are paired one to one: as many matches as possible, and
among those the pairing with the best agreement (same sentence, CAMEO, sectors, date). A
prediction that matches an already matched gold event is a *duplicate*, not a false positive
(a coder emitting both directions of a symmetric event scores one hit and one duplicate).
A predicted actor's country is ``actor.party`` where the actor has that attribute (international
bodies as UNO, EUR, NATO, IGO, NGO, as the gold codes them), else ``actor.country``.

``score_articles`` is pure (no pipeline); ``code_article_files`` runs the pipeline on article
files; ``evaluate_article_files`` does both (``eventcoder eval articles``); ``format_report``
renders a score. Predictions can be any objects shaped like
``records.Event`` (see ``EventLike``).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .eval_articles_records import (
    Agreement, ArticleGold, ArticleScore, ArticlesScore, Counts, Duplicate, EventLike, FalsePositive,
    GoldActor, GoldEvent, Match, MentionLike, Miss, NonEvent, Predicted, TypeRow, load_article_gold,
)
from .eval_articles_coverage import SentenceActors, actor_coverage, sentence_actors
from .eval_articles_report import format_report, score_to_dict

if TYPE_CHECKING:
    from .ingest.options import IngestOptions
    from .pipeline import Pipeline
    from .records import Article, Event, Rejection

__all__ = [
    "ArticleGold", "ArticlesScore", "EventLike", "SentenceActors", "article_id_of", "code_article_files",
    "evaluate_article_files", "format_report", "load_article_gold", "score_articles", "score_to_dict",
]


# -- scoring ------------------------------------------------------------------------------------


def score_articles(
    gold: Mapping[str, ArticleGold], predictions: Mapping[str, Sequence[EventLike]], strict: bool = False,
    *, actors: Mapping[str, Sequence[SentenceActors]] | None = None,
) -> ArticlesScore:
    """Score the predicted events of every article that is both in ``gold`` and ``predictions``.

    With ``actors`` (each article's resolved actors per sentence, from ``code_article_files``),
    the score also carries the actor coverage (``eval_articles_coverage.actor_coverage``)."""
    shared = sorted(set(gold) & set(predictions))
    articles = tuple(_score_article(gold[a], list(predictions[a]), strict) for a in shared)
    return ArticlesScore(
        strict=strict, articles=articles,
        missing=tuple(sorted(set(gold) - set(predictions))),
        unknown=tuple(sorted(set(predictions) - set(gold))),
        totals=Counts(*(sum(getattr(a.counts, k) for a in articles) for k in ("tp", "fp", "fn"))),
        agreements=_agreements([m for a in articles for m in a.matches]),
        by_type=_by_type(articles, [gold[a] for a in shared]),
        duplicates=sum(len(a.duplicates) for a in articles),
        non_event_fps=sum(1 for a in articles for f in a.false_positives if f.non_event is not None),
        typed_fps=sum(1 for a in articles for f in a.false_positives if f.typed),
        coverage=None if actors is None else actor_coverage(gold, actors, strict),
    )


def _score_article(gold: ArticleGold, preds: list[EventLike], strict: bool) -> ArticleScore:
    events = gold.events
    candidates: dict[tuple[int, int], tuple[int, Match]] = {}
    for gi, g in enumerate(events):
        for pi, p in enumerate(preds):
            found = _match(g, p, strict)
            if found is not None:
                candidates[gi, pi] = found
    pairs = _best_assignment(len(events), len(preds), {k: q for k, (q, _) in candidates.items()})
    matched_gold = {gi for gi, _ in pairs}
    matched_pred = {pi for _, pi in pairs}
    matches = tuple(candidates[gi, pi][1] for gi, pi in sorted(pairs))
    duplicates: list[Duplicate] = []
    false_positives: list[FalsePositive] = []
    for pi, p in enumerate(preds):
        if pi in matched_pred:
            continue
        twin = next((gi for gi in sorted(matched_gold) if (gi, pi) in candidates), None)
        if twin is not None:
            duplicates.append(Duplicate(events[twin].event_id, _predicted(p)))
        else:
            false_positives.append(_false_positive(p, gold))
    misses = tuple(_miss(g, preds) for gi, g in enumerate(events) if gi not in matched_gold)
    return ArticleScore(
        article_id=gold.article_id, gold_events=len(events), predicted_events=len(preds), matches=matches,
        misses=misses, false_positives=tuple(false_positives), duplicates=tuple(duplicates),
    )


def event_matches(gold: GoldEvent, event: EventLike, *, strict: bool = False) -> bool:
    """Whether ``event`` matches ``gold`` on PLOVER type and country dyad, as the scorer decides
    (symmetric gold either way; acceptable alternatives honoured unless ``strict``)."""
    return _match(gold, event, strict) is not None


def _match(g: GoldEvent, p: EventLike, strict: bool) -> tuple[int, Match] | None:
    """(quality, Match) if ``p`` matches ``g`` on type and country dyad, else None."""
    ptype = p.cameo.plover_type
    if ptype != g.plover_type and (strict or ptype not in g.alternatives.plover_type):
        return None
    lenient_type = ptype != g.plover_type
    src, tgt = _party(p.source), _party(p.target)
    alts = g.alternatives
    orientations = []
    for swapped in (False, True) if g.symmetric else (False,):
        a, b = (tgt, src) if swapped else (src, tgt)
        ok_a = _country_fit(g.source, a, alts.source_country, strict)
        ok_b = _country_fit(g.target, b, alts.target_country, strict)
        if ok_a and ok_b:
            orientations.append((ok_a == "lenient" or ok_b == "lenient", swapped))
    if not orientations:
        return None
    lenient, swapped = min(orientations)  # primary reading first, then the stated orientation
    lenient = lenient or lenient_type
    on_source = p.target if swapped else p.source  # the predicted actor aligned with gold's source
    on_target = p.source if swapped else p.target
    codes = (g.cameo_code, *(() if strict else alts.cameo_code))
    pcode = p.cameo.code
    date_exact = date_ok = None
    if g.event_date is not None:
        date_exact = p.date.value == g.event_date
        date_ok = date_exact
        if g.date_precision != "day" and g.date_range is not None:
            date_ok = g.date_range[0] <= p.date.value <= g.date_range[1]
    place = None
    if g.location_country:
        place = p.location is not None and p.location.country == g.location_country
    match = Match(
        gold_id=g.event_id, gold_type=g.plover_type, predicted=_predicted(p), swapped=swapped, lenient=lenient,
        same_sentence=any(_overlap(p.sentence, s) for s in g.sentences),
        source_sector=_sector_fit(g.source.sector, alts.source_sector, on_source, strict),
        target_sector=None if g.target is None else _sector_fit(g.target.sector, alts.target_sector, on_target, strict),
        cameo_exact=pcode in codes, cameo_root=pcode[:2] in {c[:2] for c in codes if c},
        date_exact=date_exact, date_ok=date_ok, place=place,
    )
    quality = (16 * match.same_sentence + 8 * match.cameo_exact + 4 * match.cameo_root + 4 * (not lenient)
               + 2 * (match.source_sector + bool(match.target_sector) + bool(match.date_ok) + bool(match.place))
               + (not swapped))
    return quality, match


def _party(mention: MentionLike | None) -> str | None:
    """The country code the gold would use for a predicted actor: ``actor.party`` where the actor
    has it (UNO, EUR, NATO, IGO, NGO for international bodies), else ``actor.country``."""
    if mention is None:
        return None
    actor = mention.actor
    return getattr(actor, "party", actor.country)


def _country_fit(gold: GoldActor | None, country: str | None, alternatives: tuple[str | None, ...], strict: bool) -> str:
    """"exact", "lenient" (an alternative or a member of a collective) or "" (no fit).

    A null gold target is matched by a prediction whose target country is None: no target, or
    a target the coder could not place in a country.
    """
    if gold is None:
        return "exact" if country is None else ""
    if country == gold.country:
        return "exact"
    if country is not None and country in gold.members:
        return "lenient"  # CONVENTIONS: expansion of an unnamed collective to its members is accepted
    if not strict and country in alternatives:
        return "lenient"
    return ""


def _sector_fit(gold: str | None, alternatives: tuple[str | None, ...], mention: MentionLike | None, strict: bool) -> bool:
    """Does the predicted actor's sector list fit the gold sector? A bare state (None) accepts GOV or none."""
    sectors = tuple(mention.actor.sectors) if mention is not None else ()
    accepted = {gold, *(() if strict else alternatives)}
    if None in accepted and (not sectors or "GOV" in sectors):
        return True
    return any(s in sectors for s in accepted if s is not None)


def _best_assignment(rows: int, cols: int, quality: Mapping[tuple[int, int], int]) -> list[tuple[int, int]]:
    """One-to-one pairs among ``quality``'s keys: most pairs first, then the highest total quality."""
    if not quality:
        return []
    big = (max(quality.values()) + 1) * (min(rows, cols) + 1)
    transpose = rows > cols
    n, m = (cols, rows) if transpose else (rows, cols)

    def weight(i: int, j: int) -> int:
        key = (j, i) if transpose else (i, j)
        return big + quality[key] if key in quality else 0

    assigned = _hungarian([[-weight(i, j) for j in range(m)] for i in range(n)])
    pairs = [((j, i) if transpose else (i, j)) for i, j in assigned.items()]
    return [pair for pair in pairs if pair in quality]


def _hungarian(cost: list[list[int]]) -> dict[int, int]:
    """Minimum-cost assignment of every row to a distinct column (rows ≤ columns); row → column."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)  # owner[j]: row holding column j (1-based, 0 = free)
    for i in range(1, n + 1):
        owner[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < minv[j]:
                        minv[j], way[j] = reduced, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return {owner[j] - 1: j - 1 for j in range(1, m + 1) if owner[j]}


def _overlap(a: str, b: str, window: int = 40) -> bool:
    """Same sentence, allowing for a different sentence split (one contains the other or shares an end)."""
    a, b = " ".join(a.split()), " ".join(b.split())
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return any(len(piece) >= window and piece in other
               for piece, other in ((a[:window], b), (a[-window:], b), (b[:window], a), (b[-window:], a)))


def _predicted(p: EventLike) -> Predicted:
    target = p.target
    return Predicted(
        plover_type=p.cameo.plover_type, cameo_code=p.cameo.code, source_text=p.source.text,
        source_country=_party(p.source), source_sectors=tuple(p.source.actor.sectors),
        target_text=target.text if target else None, target_country=_party(target),
        target_sectors=tuple(target.actor.sectors) if target else (),
        date=p.date.value.isoformat() if p.date is not None else None,
        place=p.location.name if p.location else None, place_country=p.location.country if p.location else None,
        method=p.method, sentence=p.sentence,
    )


def _false_positive(p: EventLike, gold: ArticleGold) -> FalsePositive:
    ptype, pcode = p.cameo.plover_type, p.cameo.code
    hits = [n for n in gold.non_events if _overlap(p.sentence, n.sentence)]
    typed = [n for n in hits if _candidate_fits(n, ptype, pcode)]
    item: NonEvent | None = next(iter(typed or hits), None)
    in_sentence = tuple(
        f"{g.event_id} {g.plover_type} {_actor_text(g.source)} → {_actor_text(g.target)}"
        for g in gold.events if any(_overlap(p.sentence, s) for s in g.sentences)
    )
    return FalsePositive(
        predicted=_predicted(p), non_event=item.description if item else None,
        candidate=item.candidate if item else None, typed=bool(typed), gold_in_sentence=in_sentence,
    )


def _candidate_fits(item: NonEvent, ptype: str | None, pcode: str) -> bool:
    if item.candidate_type is not None:
        return ptype == item.candidate_type
    return item.candidate_code is not None and pcode[:2] == item.candidate_code[:2]


def _miss(g: GoldEvent, preds: Sequence[EventLike]) -> Miss:
    seen = tuple(
        f"{p.cameo.plover_type or '-'} {p.cameo.code} {_party(p.source) or '-'} → "
        f"{(_party(p.target) or '-') if p.target else 'no target'}"
        for p in preds if any(_overlap(p.sentence, s) for s in g.sentences)
    )
    return Miss(gold_id=g.event_id, plover_type=g.plover_type, source=_actor_text(g.source),
                target=_actor_text(g.target), sentence=g.sentence, in_sentence=seen)


def _actor_text(actor: GoldActor | None) -> str:
    if actor is None:
        return "-"
    country = actor.country or ("/".join(actor.members) if actor.members else "-")
    return f"{actor.text} [{country}{' ' + actor.sector if actor.sector else ''}]"


def _agreements(matches: Sequence[Match]) -> tuple[Agreement, ...]:
    def rate(name: str, values: list[bool | None]) -> Agreement:
        known = [v for v in values if v is not None]
        return Agreement(name, sum(known), len(known))

    return (
        rate("same sentence", [m.same_sentence for m in matches]),
        rate("source sector", [m.source_sector for m in matches]),
        rate("target sector", [m.target_sector for m in matches]),
        rate("CAMEO code exact", [m.cameo_exact for m in matches]),
        rate("CAMEO same root", [m.cameo_root for m in matches]),
        rate("date exact day", [m.date_exact for m in matches]),
        rate("date in gold range", [m.date_ok for m in matches]),
        rate("place same country", [m.place for m in matches]),
    )


def _by_type(articles: Sequence[ArticleScore], golds: Sequence[ArticleGold]) -> tuple[TypeRow, ...]:
    gold_n = Counter(e.plover_type for g in golds for e in g.events)
    tp = Counter(m.gold_type for a in articles for m in a.matches)
    tp_pred = Counter(m.predicted.plover_type or "-" for a in articles for m in a.matches)
    fp = Counter(f.predicted.plover_type or "-" for a in articles for f in a.false_positives)
    kinds = sorted(set(gold_n) | set(tp_pred) | set(fp))
    return tuple(
        TypeRow(plover_type=k, gold=gold_n[k], predicted=tp_pred[k] + fp[k], tp=tp[k], tp_predicted=tp_pred[k],
                fp=fp[k], fn=gold_n[k] - tp[k])
        for k in kinds
    )


# -- coding article files ---------------------------------------------------------------------


def article_id_of(article: Article) -> str:
    """The gold's ``article_id`` for an article read from a file: the file name without extension."""
    return os.path.splitext(os.path.basename(article.origin))[0]


def code_article_files(
    paths: Sequence[str],
    pipeline: Pipeline,
    *,
    options: IngestOptions | None = None,
    rejections: list[Rejection] | None = None,
    actors: dict[str, list[SentenceActors]] | None = None,
) -> dict[str, tuple[Article, list[Event]]]:
    """Read article files (files, directories, globs) as the ``code`` command does and code them.

    Keyed by ``article_id_of``. Files that cannot be read or coded are left out; pass a list as
    ``rejections`` to collect why. Pass a dict as ``actors`` to collect, per article id, the
    actors resolved in each coded sentence (for ``score_articles(actors=...)``).
    """
    from .ingest import IngestOptions, read_inputs
    from .records import Rejection

    articles: dict[str, Article] = {}
    for item in read_inputs(paths, options or IngestOptions()):
        if isinstance(item, Rejection):
            if rejections is not None:
                rejections.append(item)
            continue
        key = article_id_of(item)
        if key in articles:
            raise InputError(f"two inputs have the article id {key!r}: {articles[key].origin} and {item.origin}")
        articles[key] = item
    coded: dict[str, tuple[Article, list[Event]]] = {}
    log: list[tuple[str, int, str, tuple[Any, ...]]] | None = [] if actors is not None else None
    previous, pipeline.actor_log = pipeline.actor_log, log
    try:
        for key, result in zip(articles, pipeline.code_articles(articles.values())):
            if result.rejection is not None:
                if rejections is not None:
                    rejections.append(result.rejection)
                continue
            coded[key] = (result.article, list(result.events))
    finally:
        pipeline.actor_log = previous
    if actors is not None and log is not None:
        by_id = sentence_actors(log)
        actors.update({key: by_id.get(article.id, []) for key, (article, _) in coded.items()})
    return coded


def evaluate_article_files(
    gold_path: str, paths: Sequence[str], *, settings: Any = None, strict: bool = False,
    rejections: list[Rejection] | None = None,
) -> ArticlesScore:
    """Code article files with a ``Pipeline(settings)`` and score them against ``gold_path`` (gold.jsonl).

    Files that could not be read or coded are left out; pass a list as ``rejections`` to see why.
    """
    from .pipeline import Pipeline

    gold = load_article_gold(gold_path)
    actors: dict[str, list[SentenceActors]] = {}
    coded = code_article_files(paths, Pipeline(settings), rejections=rejections, actors=actors)
    return score_articles(gold, {key: events for key, (_, events) in coded.items()}, strict=strict, actors=actors)
