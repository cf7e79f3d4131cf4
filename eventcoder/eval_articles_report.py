"""Text and JSON renderings of an article-level evaluation (``eval_articles.score_articles``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .eval_articles_coverage import Coverage
from .eval_articles_records import ArticleScore, ArticlesScore, Counts, Match, Predicted, TypeRow


def format_report(score: ArticlesScore, details: bool = False) -> str:
    """The summary (totals, agreement among matches, per article, per PLOVER type) and, with
    ``details``, every match, miss, false positive and duplicate with its evidence."""
    t = score.totals
    gold = sum(a.gold_events for a in score.articles)
    predicted = sum(a.predicted_events for a in score.articles)
    lines = [f"articles scored: {len(score.articles)} ({'strict' if score.strict else 'lenient'}: "
             f"acceptable_alternatives {'ignored' if score.strict else 'accepted'})"]
    if score.missing:
        lines.append(f"in the gold but not given or not coded (not scored): {', '.join(score.missing)}")
    if score.unknown:
        lines.append(f"given but not in the gold (not scored): {', '.join(score.unknown)}")
    lines += [
        f"events: gold {gold}, predicted {predicted} ({score.duplicates} duplicates of matched gold events, not counted)",
        f"TP {t.tp}  FP {t.fp}  FN {t.fn}   precision {_f(t.precision)}  recall {_f(t.recall)}  F1 {_f(t.f1)}",
        f"false positives on a non_events sentence: {score.non_event_fps} "
        f"(typed, with the listed candidate type: {score.typed_fps})",
        "",
        "agreement among matches:",
    ]
    lines += [f"  {a.name:22} {a.agree:>4}/{a.total:<4} {_f(a.rate)}" for a in score.agreements]
    if score.coverage is not None:
        lines += ["", *_coverage_lines(score.coverage)]
    lines += ["", "per article:", f"  {'article':10} {'gold':>4} {'pred':>4} {'TP':>4} {'FP':>4} {'FN':>4} {'dup':>4} "
              f"{'P':>6} {'R':>6} {'F1':>6}"]
    lines += [_article_row(a) for a in score.articles]
    lines += ["", "per PLOVER type (recall by gold type, precision by predicted type):",
              f"  {'type':10} {'gold':>4} {'pred':>4} {'TP':>4} {'FP':>4} {'FN':>4} {'P':>6} {'R':>6} {'F1':>6}"]
    lines += [_type_row(r) for r in score.by_type]
    if details:
        for article in score.articles:
            lines += ["", *_article_details(article)]
        if score.coverage is not None and score.coverage.misses:
            lines += ["", "gold actors not found among the sentence's resolved actors:"]
            lines += [f"  {m.gold_id} {m.role:6} {m.gold}  resolved: {'; '.join(m.found) or 'nothing'}"
                      for m in score.coverage.misses]
    return "\n".join(lines)


def score_to_dict(score: ArticlesScore) -> dict[str, Any]:
    """The whole score as plain JSON-ready values, with the derived rates filled in."""
    data = asdict(score)
    data["totals"] = _counts(score.totals)
    data["agreements"] = [{**asdict(a), "rate": a.rate} for a in score.agreements]
    data["by_type"] = [{**asdict(r), "precision": r.precision, "recall": r.recall, "f1": r.f1} for r in score.by_type]
    for raw, article in zip(data["articles"], score.articles):
        raw.update(_counts(article.counts))
    if score.coverage is not None:
        for key in ("source", "target", "both"):
            data["coverage"][key]["rate"] = getattr(score.coverage, key).rate
    return data


def _coverage_lines(c: Coverage) -> list[str]:
    return [
        "actor coverage (gold country among the actors resolved in the event's sentence, extracted or not):",
        *(f"  {a.name:22} {a.agree:>4}/{a.total:<4} {_f(a.rate)}" for a in (c.source, c.target)),
        f"  {'all parties found':22} {c.both.agree:>4}/{c.both.total:<4} {_f(c.both.rate)}",
        f"  not counted: {c.implicit} implicit gold actors, {c.no_country} with no country; "
        f"{c.no_sentence} gold events in sentences not coded",
    ]


def _counts(c: Counts) -> dict[str, Any]:
    return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": c.precision, "recall": c.recall, "f1": c.f1}


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _article_row(a: ArticleScore) -> str:
    c = a.counts
    return (f"  {a.article_id:10} {a.gold_events:>4} {a.predicted_events:>4} {c.tp:>4} {c.fp:>4} {c.fn:>4} "
            f"{len(a.duplicates):>4} {_f(c.precision):>6} {_f(c.recall):>6} {_f(c.f1):>6}")


def _type_row(r: TypeRow) -> str:
    return (f"  {r.plover_type:10} {r.gold:>4} {r.predicted:>4} {r.tp:>4} {r.fp:>4} {r.fn:>4} "
            f"{_f(r.precision):>6} {_f(r.recall):>6} {_f(r.f1):>6}")


def _event_text(p: Predicted) -> str:
    return f"{p.plover_type or '-'} {p.cameo_code}  {p.dyad()}  method {p.method}"


def _article_details(a: ArticleScore) -> list[str]:
    c = a.counts
    lines = [f"== {a.article_id}: TP {c.tp}  FP {c.fp}  FN {c.fn}  duplicates {len(a.duplicates)}"]
    for m in a.matches:
        lines.append(f"  HIT  {m.gold_id} {m.gold_type:9} {_event_text(m.predicted)}{_disagreements(m)}")
    for miss in a.misses:
        lines += [f"  MISS {miss.gold_id} {miss.plover_type:9} {miss.source} → {miss.target}",
                  f"       sentence: {miss.sentence}",
                  f"       predicted in this sentence: {'; '.join(miss.in_sentence) or 'nothing'}"]
    for fp in a.false_positives:
        lines += [f"  FP   {_event_text(fp.predicted)}", f"       sentence: {fp.predicted.sentence}"]
        if fp.non_event is not None:
            kind = "typed non-event" if fp.typed else "non-event sentence"
            lines.append(f"       {kind}: {fp.non_event} [candidate {fp.candidate}]")
        if fp.gold_in_sentence:
            lines.append(f"       gold in this sentence: {'; '.join(fp.gold_in_sentence)}")
    for dup in a.duplicates:
        lines.append(f"  DUP  of {dup.gold_id}: {_event_text(dup.predicted)}")
    return lines


def _disagreements(m: Match) -> str:
    flags = [name for name, ok in (
        ("other sentence", m.same_sentence), ("source sector", m.source_sector), ("target sector", m.target_sector),
        ("CAMEO", m.cameo_exact), ("date", m.date_ok), ("place", m.place),
    ) if ok is False]
    notes = (["swapped"] if m.swapped else []) + (["lenient"] if m.lenient else [])
    out = f"  [{', '.join(notes)}]" if notes else ""
    return out + (f"  differs: {', '.join(flags)}" if flags else "")
