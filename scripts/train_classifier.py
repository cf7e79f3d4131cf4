"""Train the learned PLOVER pair coder from ../shared/eval/plv/PLV_train.tsv and report 5-fold CV.

    python scripts/train_classifier.py [--plv FILE] [--out DIR] [--seed 0] [--C 0.05] [--no-save]

Prints, for the dictionary, learned and combined coders: macro-F1, accuracy and the rare classes'
F1 (mean ± sd over 5 stratified folds, seeded), then fits both heads on all rows and writes
``learned.npz`` and ``combined.npz`` to ``eventcoder/learned/model/``. Needs scikit-learn
(training only; inference is numpy).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventcoder.learned.classifier import LinearHead, combined_features, shipped_model_dir  # noqa: E402
from eventcoder.learned.dictionary_pairs import DictionaryPairCoder  # noqa: E402
from eventcoder.learned.encoder import MiniLM  # noqa: E402
from eventcoder.learned.features import feature_matrix  # noqa: E402
from eventcoder.learned.metrics import score  # noqa: E402
from eventcoder.learned.plv import read_plv  # noqa: E402

RARE = ("COOPERATE", "MOBILIZE", "AID", "THREATEN")
C = 0.05  # inverse regularisation, chosen by 5-fold CV (see MODEL_CARD.md)


def fit_head(x: np.ndarray, y: np.ndarray, seed: int, c: float = C) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(0)
    scale = x.std(0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    clf.fit((x - mean) / scale, y)
    return LinearHead(tuple(str(c) for c in clf.classes_), mean, scale, clf.coef_, clf.intercept_)


def summary(name: str, folds: list) -> str:
    def ms(values: list[float]) -> str:
        return f"{np.mean(values):.3f} ± {np.std(values):.3f}"
    rare = "  ".join(
        f"{label} {ms([next((c.f1 for c in s.per_class if c.label == label), 0.0) for s in folds])}" for label in RARE
    )
    return (f"{name:<10} macro-F1 {ms([s.macro_f1 for s in folds])}  accuracy {ms([s.accuracy for s in folds])}"
            f"  weighted-F1 {ms([s.weighted_f1 for s in folds])}\n{'':<10} rare-class F1: {rare}")


def cross_validate(x: np.ndarray, xd: np.ndarray, dict_roots: list, y: np.ndarray, seed: int, c: float) -> None:
    from sklearn.model_selection import StratifiedKFold

    results: dict[str, list] = {"dictionary": [], "learned": [], "combined": []}
    for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(x, y):
        gold = list(y[test])
        fallback = Counter(y[train]).most_common(1)[0][0]
        results["dictionary"].append(score(gold, [dict_roots[i] or fallback for i in test]))
        results["learned"].append(score(gold, fit_head(x[train], y[train], seed, c).predict(x[test])))
        both = np.hstack([x, xd])
        results["combined"].append(score(gold, fit_head(both[train], y[train], seed, c).predict(both[test])))
    for name, folds in results.items():
        print(summary(name, folds))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plv", default=str(REPO.parent / "shared" / "eval" / "plv" / "PLV_train.tsv"))
    parser.add_argument("--out", default=str(shipped_model_dir()))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--C", type=float, default=C, help=f"logistic regression C (default {C})")
    parser.add_argument("--no-save", action="store_true", help="cross-validate only")
    args = parser.parse_args()
    np.random.seed(args.seed)
    pairs = read_plv(args.plv)
    y = np.array([p.gold_root for p in pairs])
    labels = sorted(set(y))
    started = time.perf_counter()
    encoded = MiniLM.load().encode([p.marked_sentence for p in pairs])
    x = feature_matrix(encoded, pairs)
    codings = DictionaryPairCoder.load().code(pairs)
    xd = combined_features(encoded, pairs, codings, labels)[:, x.shape[1]:]
    print(f"{len(pairs)} pairs, {len(labels)} classes; features in {time.perf_counter() - started:.0f}s")
    cross_validate(x, xd, [k.root for k in codings], y, args.seed, args.C)
    if not args.no_save:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        fit_head(x, y, args.seed, args.C).save(out / "learned.npz")
        fit_head(np.hstack([x, xd]), y, args.seed, args.C).save(out / "combined.npz")
        print(f"wrote {out / 'learned.npz'} and {out / 'combined.npz'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
