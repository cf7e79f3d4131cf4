"""The learned gate: for each candidate event, the probability that it is an event a careful
coder would record (right pair, right direction, right type), from a logistic model over named
features (:mod:`eventcoder.extract.features`).

The weights ship as ``model/gate.json`` (built by ``scripts/train_extractor.py``); a decision
names its probability and the features that pushed it most, so an analyst can see why.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from ..errors import ResourceError


def shipped_gate_path(all_pairs: bool = False) -> Path:
    """The shipped weights: one gate trained on the default candidates, one with every-pair ones."""
    return Path(__file__).resolve().parent / "model" / ("gate_all_pairs.json" if all_pairs else "gate.json")


@dataclass(frozen=True, slots=True)
class GateDecision:
    probability: float
    keep: bool
    reasons: tuple[str, ...]  # the features with the largest weights, signed

    def describe(self) -> str:
        return f"gate p={self.probability:.2f} ({', '.join(self.reasons)})"


@dataclass(frozen=True, slots=True)
class Gate:
    weights: Mapping[str, float]
    threshold: float

    @classmethod
    def load(cls, path: str | Path | None = None, *, all_pairs: bool = False) -> "Gate":
        where = Path(path) if path else shipped_gate_path(all_pairs)
        try:
            data = json.loads(where.read_text(encoding="utf-8"))
            return cls(weights=dict(data["weights"]), threshold=float(data["threshold"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ResourceError(f"cannot read the extraction gate {where}: {exc}") from exc

    def score(self, features: Sequence[str]) -> float:
        z = sum(self.weights.get(f, 0.0) for f in sorted(set(features)))  # sorted: the same sum whatever the hash seed
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def decide(self, features: Sequence[str]) -> GateDecision:
        p = self.score(features)
        ranked = sorted((f for f in set(features) if f != "bias" and f in self.weights), key=lambda f: (-abs(self.weights[f]), f))
        reasons = tuple(f"{f}{self.weights[f]:+.1f}" for f in ranked[:3])
        return GateDecision(round(p, 3), p >= self.threshold, reasons)
