"""Accuracy gate for the learned coder, like PETRARCH's pass-rate floor (tests/test_petrarch.py).

Per-metric floors live in ``tests/learned_baseline.json`` with one tolerance for noise; a test
fails when a measured value drops below its floor minus the tolerance, and warns when one is
above its floor by more than the tolerance (raise the floor then). A floor is never silently
lowered: see the baseline file's ``rule``. ``python tests/test_learned_gate.py`` prints the
measured values next to their floors.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "learned_baseline.json"
MAX_TOLERANCE = 0.02  # a wider tolerance would lower every floor by the back door


def baseline() -> dict[str, Any]:
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def measure_articles(pipeline: Any, spec: dict[str, Any]) -> dict[str, float]:
    """Precision, recall and F1 of the pipeline's events on whole gold articles (``eval articles``)."""
    from eventcoder.eval_articles import code_article_files, load_article_gold, score_articles

    gold = load_article_gold(str(ROOT / spec["gold"]))
    coded = code_article_files([str(ROOT / spec["articles"])], pipeline)
    totals = score_articles(gold, {key: events for key, (_, events) in coded.items()}).totals
    return {"precision": totals.precision or 0.0, "recall": totals.recall or 0.0, "f1": totals.f1 or 0.0}


def measure_plv(path: Path) -> dict[str, float]:
    """Accuracy and macro-F1 of the learned pair coder alone on a PLV-format file."""
    from eventcoder.learned.metrics import score
    from eventcoder.learned.pair_model import PairModel
    from eventcoder.learned.plv import read_plv

    pairs = read_plv(path)
    model = PairModel.load()
    predicted = [model.labels[i] for i in model.logits([p.marked_sentence for p in pairs]).argmax(1)]
    scores = score([p.gold_root for p in pairs], predicted)
    return {"accuracy": scores.accuracy, "macro_f1": scores.macro_f1}


def check(name: str, measured: dict[str, float], floors: dict[str, float], tolerance: float) -> list[str]:
    """The metrics below their floor (messages); warns for those well above it."""
    print(f"\n{name}: " + ", ".join(f"{k} {v:.4f} (floor {floors.get(k, 0):.3f})" for k, v in measured.items()))
    failed = [f"{name} {k} {measured[k]:.4f} < floor {floor:.3f} - tolerance {tolerance}"
              for k, floor in floors.items() if measured[k] < floor - tolerance]
    for k, floor in floors.items():
        if measured[k] > floor + tolerance:
            warnings.warn(f"{name} {k} is {measured[k]:.4f}, above its floor {floor:.3f}: raise it in {BASELINE.name}",
                          stacklevel=2)
    return failed


def test_baseline_file_is_well_formed() -> None:
    data = baseline()
    assert "never lower" in data["rule"].lower()
    assert 0 < data["tolerance"] <= MAX_TOLERANCE
    for part in ("articles", "plv"):
        floors = data[part]["floors"]
        assert floors and all(0 < v <= 1 for v in floors.values()), f"{part}: floors must be in (0, 1]"


def test_learned_coder_on_training_articles_stays_above_its_floors(gate_pipeline) -> None:
    data = baseline()
    spec = data["articles"]
    measured = measure_articles(gate_pipeline, spec)
    failed = check("articles", measured, spec["floors"], data["tolerance"])
    assert not failed, "; ".join(failed)


def test_learned_pair_coder_on_plv_stays_above_its_floors() -> None:
    data = baseline()
    spec = data["plv"]
    path = ROOT / spec["file"]
    if not path.exists():
        pytest.skip(f"{spec['file']} is not available (../shared is absent)")
    failed = check("plv", measure_plv(path), spec["floors"], data["tolerance"])
    assert not failed, "; ".join(failed)


def main() -> int:
    """Print every measured value next to its floor (to raise a floor, edit the baseline file)."""
    from eventcoder.pipeline import Pipeline
    from eventcoder.settings import Settings

    data = baseline()
    failed = check("articles", measure_articles(Pipeline(Settings(extractor="gate")), data["articles"]),
                   data["articles"]["floors"], data["tolerance"])
    plv = ROOT / data["plv"]["file"]
    if plv.exists():
        failed += check("plv", measure_plv(plv), data["plv"]["floors"], data["tolerance"])
    print("\n".join(failed) or "all above their floors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
