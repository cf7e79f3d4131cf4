"""Classification scores for the PLV benchmark: accuracy, F1 (macro, weighted, per class), confusion."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .plv import ROOT_PENTA


@dataclass(frozen=True, slots=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Scores:
    """Scores over the labels seen in gold or predictions (as scikit-learn's default)."""

    n: int
    accuracy: float
    macro_f1: float
    weighted_f1: float
    penta_accuracy: float
    per_class: tuple[ClassScore, ...]
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]  # rows gold, columns predicted, in ``labels`` order


def _class_score(label: str, gold: Sequence[str], pred: Sequence[str]) -> ClassScore:
    tp = sum(1 for g, p in zip(gold, pred) if g == p == label)
    n_pred = sum(1 for p in pred if p == label)
    n_gold = sum(1 for g in gold if g == label)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClassScore(label, precision, recall, f1, n_gold)


def score(
    gold: Sequence[str], pred: Sequence[str], *, gold_penta: Sequence[str] | None = None
) -> Scores:
    """Score predicted PLOVER roots against gold ones; penta accuracy maps predictions by ``ROOT_PENTA``."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    labels = tuple(sorted(set(gold) | set(pred)))
    per_class = tuple(_class_score(label, gold, pred) for label in labels)
    n = len(gold)
    support = sum(c.support for c in per_class)
    macro = sum(c.f1 for c in per_class) / len(per_class) if per_class else 0.0
    weighted = sum(c.f1 * c.support for c in per_class) / support if support else 0.0
    accuracy = sum(1 for g, p in zip(gold, pred) if g == p) / n if n else 0.0
    pentas = gold_penta if gold_penta is not None else [ROOT_PENTA.get(g, "") for g in gold]
    penta_hits = sum(1 for g, p in zip(pentas, pred) if g and ROOT_PENTA.get(p) == g)
    counts = Counter(zip(gold, pred))
    confusion = tuple(tuple(counts[(g, p)] for p in labels) for g in labels)
    return Scores(n, accuracy, macro, weighted, penta_hits / n if n else 0.0, per_class, labels, confusion)


def format_scores(scores: Scores, *, title: str = "", pairs_per_second: float | None = None) -> str:
    """A plain-text report: headline figures, per-class table and confusion matrix."""
    lines = [title] if title else []
    lines.append(
        f"pairs {scores.n}  accuracy {scores.accuracy:.3f}  macro-F1 {scores.macro_f1:.3f}  "
        f"weighted-F1 {scores.weighted_f1:.3f}  penta accuracy {scores.penta_accuracy:.3f}"
    )
    if pairs_per_second is not None:
        lines.append(f"speed {pairs_per_second:.1f} pairs/s")
    lines.append(f"{'class':<10} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>5}")
    for c in scores.per_class:
        lines.append(f"{c.label:<10} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.support:5d}")
    short = [label[:4] for label in scores.labels]
    lines.append("confusion (rows gold, columns predicted)")
    lines.append(" " * 10 + " ".join(f"{s:>4}" for s in short))
    for label, row in zip(scores.labels, scores.confusion):
        lines.append(f"{label:<10}" + " ".join(f"{v:4d}" for v in row))
    return "\n".join(lines)
