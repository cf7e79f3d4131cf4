"""Train the learned PLOVER pair coder from ../shared and report 5-fold cross-validation.

    python scripts/train_classifier.py [--plv FILE] [--gsr FILE] [--augment gsr|none] [--out DIR]
                                       [--seed 0] [--epochs 10] [--layers 4] [--folds 5] [--no-save] [--no-cv]

Needs the ``train`` extra (PyTorch 2.13 CPU, scikit-learn, onnx, onnxruntime). Steps, all seeded:

1. Reads PLV_train (and, with ``--augment gsr``, the PLOVER gold-standard records, relabelled to
   PLV's roots, as extra training pairs — never as test pairs).
2. Codes every PLV pair with the dictionary coder (spaCy + PETRARCH verb patterns).
3. 5-fold stratified CV: fine-tunes the lowest 4 layers of all-MiniLM-L6-v2 on each training part, exports it to 8-bit
   ONNX as shipped and predicts the held-out part, giving out-of-fold logits. Prints, per coder
   (dictionary; learned in PyTorch fp32 and as shipped; the stacked head alone; combined = stack +
   gate, as shipped), macro-F1, accuracy and weighted-F1 as mean ± sd over folds plus the rare
   classes' F1. The stack of fold k is a logistic head fitted on the out-of-fold rows of the other
   folds; its C, and the probability the stack needs to overrule a dictionary coding, are the
   values with the best mean held-out macro-F1.
4. Fine-tunes on all rows, exports ONNX, quantises it to 8-bit weights, fits the stack on all
   out-of-fold logits and writes ``pair_coder.onnx``, ``pair_coder.json``, ``stack.npz`` and
   ``tokenizer.json`` to ``eventcoder/learned/model/`` (plus ``cv_report.json``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventcoder.learned.combine import STACK, LinearHead, gated, log_probabilities, stack_features  # noqa: E402
from eventcoder.learned.dictionary_pairs import DictionaryPairCoder  # noqa: E402
from eventcoder.learned.base_model import WEIGHTS_SHA256, model_dir  # noqa: E402
from eventcoder.learned.markers import load_tokenizer, marker_text  # noqa: E402
from eventcoder.learned.metrics import Scores, score  # noqa: E402
from eventcoder.learned.pair_model import GRAPH, META, TOKENIZER, PairModel, sha256  # noqa: E402
from eventcoder.learned.plv import plv_root, read_plv  # noqa: E402

RARE = ("COOPERATE", "MOBILIZE", "AID", "THREATEN")
STACK_C = (0.03, 0.1, 0.3, 1.0, 3.0)
OVERRIDE_P = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# PLOVER 0.5 labels in the gold-standard records → PLV roots (see ../shared/README.md).
GSR_LABELS = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
_GSR_MARK = re.compile(r"\(([A-Z/]+): ([^()]*)\)")


def gsr_pairs(path: Path, labels: set[str]) -> list[tuple[str, str]]:
    """(marked sentence, PLV root) from the PLOVER gold-standard records' markup.

    The first SRC (or SRC/TAR) phrase becomes the source, the first TAR (or the second SRC/TAR)
    the target; records without a source or with a root PLV lacks are skipped.
    """
    records = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for record in records[1:]:
        info = record.get("textInfo")
        markup = info.get("markup") if isinstance(info, dict) else info
        root = plv_root(GSR_LABELS.get(record.get("event", ""), record.get("event", "")))
        if not markup or root not in labels:
            continue
        seen = {"s": False, "t": False}

        def tag(match: re.Match[str]) -> str:
            kind, text = match.group(1), match.group(2)
            for slot, kinds in (("s", ("SRC", "SRC/TAR")), ("t", ("TAR", "SRC/TAR"))):
                if kind in kinds and not seen[slot]:
                    seen[slot] = True
                    return f"<{slot}>{text}</{slot}>"
            return text

        marked = _GSR_MARK.sub(tag, markup).strip()
        if seen["s"]:
            out.append((marked, root))
    return out


def summary(name: str, folds: list[Scores]) -> dict[str, object]:
    def ms(values: list[float]) -> tuple[float, float]:
        return float(np.mean(values)), float(np.std(values))
    rare = {label: ms([next((c.f1 for c in s.per_class if c.label == label), 0.0) for s in folds]) for label in RARE}
    row = {"coder": name, "macro_f1": ms([s.macro_f1 for s in folds]), "accuracy": ms([s.accuracy for s in folds]),
           "weighted_f1": ms([s.weighted_f1 for s in folds]), "rare_f1": rare}
    fmt = lambda v: f"{v[0]:.3f} ± {v[1]:.3f}"  # noqa: E731
    print(f"{name:<10} macro-F1 {fmt(row['macro_f1'])}  accuracy {fmt(row['accuracy'])}  "
          f"weighted-F1 {fmt(row['weighted_f1'])}\n{'':<10} rare-class F1: "
          + "  ".join(f"{k} {fmt(v)}" for k, v in rare.items()), flush=True)
    return row


def fit_stack(x: np.ndarray, y: np.ndarray, labels: list[str], c: float, seed: int) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(x, y)
    coef = np.zeros((len(labels), x.shape[1]), dtype=np.float32)
    intercept = np.full(len(labels), -30.0, dtype=np.float32)  # a class absent from training: never chosen
    coef[clf.classes_] = clf.coef_
    intercept[clf.classes_] = clf.intercept_
    return LinearHead(tuple(labels), coef, intercept)


def held_out_probabilities(x: np.ndarray, logits: np.ndarray, y: np.ndarray, folds: list, labels: list[str],
                           c: float | None, seed: int) -> np.ndarray:
    """Each fold's probabilities from the learned model alone (``c`` None) or from a stack fitted on the other folds."""
    if c is None:
        return np.exp(log_probabilities(logits))
    probs = np.zeros((len(y), len(labels)))
    for train, test in folds:
        probs[test] = fit_stack(x[train], y[train], labels, c, seed).probabilities(x[test])
    return probs


def choose_combination(x: np.ndarray, logits: np.ndarray, y: np.ndarray, dict_rows: np.ndarray, folds: list,
                       labels: list[str], seed: int) -> tuple[float | None, float, dict]:
    """(stack C or None for the learned model alone, override threshold) with the best mean held-out macro-F1.

    Ties go to the simpler choice: no stack before a stack, a lower threshold before a higher one.
    """
    results: dict[str, float] = {}
    best: tuple[float, float | None, float] | None = None
    for c in (None, *STACK_C):
        name = "learned" if c is None else f"stack C={c}"
        probs = held_out_probabilities(x, logits, y, folds, labels, c, seed)
        for t in OVERRIDE_P:
            f1 = float(np.mean([score([labels[i] for i in y[test]],
                                      [labels[i] for i in gated(probs[test], dict_rows[test], t)]).macro_f1
                                for _, test in folds]))
            results[f"{name}, override p>={t}"] = f1
            if best is None or round(f1, 3) > round(best[0], 3):
                best = (f1, c, t)
        row = " ".join(f"{t}:{results[f'{name}, override p>={t}']:.3f}" for t in OVERRIDE_P)
        print(f"  {name}: held-out macro-F1 by override threshold {row}", flush=True)
    assert best is not None
    return best[1], best[2], results


def write_model(model: object, tokenizer: object, texts: list, labels: list[str], out: Path, threshold: float,
                layers: int) -> PairModel:
    """Export ``model`` to ONNX, quantise its weights to 8 bits, write the files the coder loads, load it."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    from eventcoder.learned.finetune import HEADS, HIDDEN, export_onnx

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        plain, fused = Path(tmp) / "plain.onnx", Path(tmp) / "fused.onnx"
        export_onnx(model, tokenizer, plain, texts[:2])  # type: ignore[arg-type]
        # fuse attention, bias+GELU and residual+LayerNorm into ONNX Runtime's BERT kernels, then 8-bit weights
        optimizer.optimize_model(str(plain), model_type="bert", num_heads=HEADS, hidden_size=HIDDEN,
                                 opt_level=1).save_model_to_file(str(fused))
        quantize_dynamic(str(fused), str(out / GRAPH), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    shutil.copyfile(model_dir() / "tokenizer.json", out / TOKENIZER)
    meta = {"labels": labels, "sha256": sha256(out / GRAPH), "base": "all-MiniLM-L6-v2", "base_sha256": WEIGHTS_SHA256,
            "override_p": threshold, "layers": layers}
    (out / META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return PairModel.load(out, threads=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = REPO.parent / "shared" / "eval"
    parser.add_argument("--plv", default=str(shared / "plv" / "PLV_train.tsv"))
    parser.add_argument("--gsr", default=str(shared / "plover_gsr" / "PLOVER_GSR_CAMEO.json"))
    parser.add_argument("--augment", choices=("gsr", "none"), default="gsr")
    parser.add_argument("--out", default=str(REPO / "eventcoder" / "learned" / "model"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--layers", type=int, default=4, help="encoder layers kept (of MiniLM's 6)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="use only N PLV pairs drawn at random (smoke runs)")
    parser.add_argument("--no-save", action="store_true", help="cross-validate only")
    parser.add_argument("--resume-oof", help="reuse the out-of-fold logits saved by --save-oof (skips CV training)")
    parser.add_argument("--resume-torch", help="reuse the final weights saved by --keep-torch (skips final training)")
    parser.add_argument("--keep-torch", help="also save the final PyTorch weights here (not shipped)")
    parser.add_argument("--save-oof", help="write the out-of-fold logits (8-bit, fp32) to this .npz file")
    parser.add_argument("--fold-models", help="keep each fold's model, as shipped, in DIR/fold-K with the 0-based PLV "
                        "rows it never saw (rows.txt), for `eventcoder eval plv --end-to-end --fold-models DIR`")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation (stack C from --stack-c)")
    parser.add_argument("--stack-c", type=float, default=None, help="with --no-cv: a stacked head with this C")
    parser.add_argument("--override-p", type=float, default=0.0)
    args = parser.parse_args()

    import torch
    from sklearn.model_selection import StratifiedKFold

    from eventcoder.learned.finetune import TrainConfig, predict_logits, train

    torch.set_num_threads(args.threads)
    config = TrainConfig(epochs=args.epochs, layers=args.layers, seed=args.seed)
    weights = model_dir() / "model.safetensors"
    if sha256(weights) != WEIGHTS_SHA256:
        raise SystemExit(f"{weights}: not the all-MiniLM-L6-v2 weights eventcoder was built on")
    tokenizer = load_tokenizer(str(model_dir() / "tokenizer.json"))
    pairs = read_plv(args.plv)
    if args.limit:
        pairs = [pairs[i] for i in sorted(np.random.default_rng(args.seed).permutation(len(pairs))[: args.limit])]
    labels = sorted({p.gold_root for p in pairs})
    index = {label: i for i, label in enumerate(labels)}
    y = np.array([index[p.gold_root] for p in pairs])
    texts = [marker_text(p.marked_sentence) for p in pairs]
    extra = gsr_pairs(Path(args.gsr), set(labels)) if args.augment == "gsr" else []
    extra_texts = [marker_text(m) for m, _ in extra]
    extra_y = [index[r] for _, r in extra]
    print(f"{len(pairs)} PLV pairs, {len(labels)} classes; {len(extra)} augmentation pairs ({args.augment}); "
          f"config {config}", flush=True)
    codings = DictionaryPairCoder.load().code(pairs)
    dict_roots = [c.root for c in codings]
    dict_cameos = [c.cameo for c in codings]

    report: dict[str, object] = {"seed": args.seed, "augment": args.augment, "n_pairs": len(pairs),
                                 "n_augment": len(extra), "config": repr(config)}
    oof = np.zeros((len(pairs), len(labels)), dtype=np.float32)  # 8-bit ONNX, as shipped
    oof_torch = np.zeros_like(oof)  # the same fold models in PyTorch fp32
    stack_c: float | None = args.stack_c
    threshold = args.override_p
    dict_rows = np.array([index.get(r or "", -1) for r in dict_roots])
    if not args.no_cv:
        folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(texts, y))
        if args.resume_oof:  # the out-of-fold logits of an earlier run with the same seed and data
            saved = np.load(args.resume_oof)
            if not np.array_equal(saved["y"], y):
                raise SystemExit(f"{args.resume_oof}: saved for other data")
            oof, oof_torch = saved["oof"], saved["oof_torch"]
        for k, (train_rows, test_rows) in enumerate(folds if not args.resume_oof else []):
            started = time.perf_counter()
            model = train([texts[i] for i in train_rows] + extra_texts, [int(y[i]) for i in train_rows] + extra_y,
                          len(labels), tokenizer=tokenizer, weights=weights, config=config)
            oof_torch[test_rows] = predict_logits(model, tokenizer, [texts[i] for i in test_rows])
            with tempfile.TemporaryDirectory() as tmp:
                where = Path(args.fold_models) / f"fold-{k + 1}" if args.fold_models else Path(tmp)
                shipped_like = write_model(model, tokenizer, texts, labels, where, 0.0, config.layers)
                oof[test_rows] = shipped_like.logits([pairs[i].marked_sentence for i in test_rows])
                if args.fold_models:
                    (where / "rows.txt").write_text(
                        f"# PLV rows held out of this fold's training ({Path(args.plv).name}, seed {args.seed})\n"
                        + "\n".join(str(int(i)) for i in test_rows) + "\n", encoding="utf-8")
            gold_k = [labels[i] for i in y[test_rows]]
            print(f"fold {k + 1}/{len(folds)}: {time.perf_counter() - started:.0f}s, macro-F1 fp32 "
                  f"{score(gold_k, [labels[i] for i in oof_torch[test_rows].argmax(1)]).macro_f1:.3f}, 8-bit "
                  f"{score(gold_k, [labels[i] for i in oof[test_rows].argmax(1)]).macro_f1:.3f}", flush=True)
        if args.save_oof:
            np.savez(args.save_oof, oof=oof, oof_torch=oof_torch, y=y)
        x = stack_features(oof, dict_roots, dict_cameos, labels)
        stack_c, threshold, by_choice = choose_combination(x, oof, y, dict_rows, folds, labels, args.seed)
        gold = [[labels[i] for i in y[test]] for _, test in folds]
        fallback = labels[int(np.bincount(y).argmax())]
        chosen = held_out_probabilities(x, oof, y, folds, labels, stack_c, args.seed)
        stack_alone = held_out_probabilities(x, oof, y, folds, labels, STACK_C[1], args.seed)
        per_coder = {
            "dictionary": [score(g, [dict_roots[i] or fallback for i in test]) for g, (_, test) in zip(gold, folds)],
            "learned-fp32": [score(g, [labels[i] for i in oof_torch[test].argmax(1)]) for g, (_, test) in zip(gold, folds)],
            "learned": [score(g, [labels[i] for i in oof[test].argmax(1)]) for g, (_, test) in zip(gold, folds)],
            f"stack C={STACK_C[1]}": [score(g, [labels[i] for i in stack_alone[test].argmax(1)])
                                      for g, (_, test) in zip(gold, folds)],
            "combined": [score(g, [labels[i] for i in gated(chosen[test], dict_rows[test], threshold)])
                         for g, (_, test) in zip(gold, folds)],
        }
        how = "learned model alone" if stack_c is None else f"stack C={stack_c}"
        print(f"{args.folds}-fold CV on {Path(args.plv).name} (seed {args.seed}); combined = {how}, "
              f"overruling the dictionary at p>={threshold}:")
        report["cv"] = [summary(name, folds_) for name, folds_ in per_coder.items()]
        report["combination"] = {"stack_c": stack_c, "override_p": threshold, "held_out_macro_f1": by_choice}
    if args.no_save:
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.resume_torch:  # the final model of an earlier run with the same settings
        from eventcoder.learned.finetune import PairClassifier

        model = PairClassifier(len(labels), layers=config.layers)
        model.load_state_dict(torch.load(args.resume_torch))
        model.eval()
    else:
        model = train(texts + extra_texts, [int(v) for v in y] + extra_y, len(labels), tokenizer=tokenizer,
                      weights=weights, config=config)
    print(f"final model: {time.perf_counter() - started:.0f}s", flush=True)
    if args.keep_torch:
        torch.save(model.state_dict(), args.keep_torch)
    write_model(model, tokenizer, texts, labels, out, threshold, config.layers)
    if args.no_cv:  # no out-of-fold logits: fit the stack on the final model's own (optimistic) logits
        oof = predict_logits(model, tokenizer, texts)
    (out / STACK).unlink(missing_ok=True)
    if stack_c is not None:
        x = stack_features(oof, dict_roots, dict_cameos, labels)
        fit_stack(x, y, labels, stack_c, args.seed).save(out / STACK)
    quantised = PairModel.load(out).logits([p.marked_sentence for p in pairs])
    torch_logits = predict_logits(model, tokenizer, texts)
    agree = float((quantised.argmax(1) == torch_logits.argmax(1)).mean())
    report["quantised_agreement"] = agree
    print(f"8-bit ONNX vs PyTorch: same class on {agree:.3%} of PLV_train", flush=True)
    (out / "cv_report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out / GRAPH}, {out / META}, {out / TOKENIZER}" + (f", {out / STACK}" if stack_c is not None else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
