"""The PLV reader, metrics, ``eventcoder eval plv`` and the shipped learned coder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from eventcoder.cli import main
from eventcoder.errors import InputError
from eventcoder.learned.markers import marker_text
from eventcoder.learned.metrics import score
from eventcoder.learned.plv import marked_spans, read_plv, unmarked

HEADER = "\tsentence\tmarked_sentence\tsource\ttarget\tgold_root\tgold_penta\textra\n"
ROWS = [
    ("Israeli forces attacked Palestinian militants in Gaza on Monday.",
     "<s>Israeli forces</s> attacked <t>Palestinian militants</t> in Gaza on Monday.",
     "Israeli forces", "Palestinian militants", "ASSAULT", "4"),
    ("Iran accused the United States of spying on its nuclear program.",
     "<s>Iran</s> accused <t>the United States</t> of spying on its nuclear program.",
     "Iran", "the United States", "ACCUSE", "3"),
    ("The president met the Japanese prime minister in Washington.",
     "<s>The president</s> met <t>the Japanese prime minister</t> in Washington.",
     "The president", "the Japanese prime minister", "CONSULT", "1"),
    ("North Korea threatened to attack South Korea.",
     "<s>North Korea</s> threatened to attack <t>South Korea</t>.", "North Korea", "South Korea", "THREATEN", "3"),
    ("The rebels withdrew from the town after talks with the army.",
     "<s>The rebels</s> withdrew from the town after talks with <t>the army</t>.",
     "The rebels", "the army", "RETREAT", ""),
]


def _write(path: Path, rows=ROWS) -> Path:
    lines = [HEADER] + [f"{i}\t" + "\t".join(row) + "\tx\n" for i, row in enumerate(rows)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_reader_keeps_labels_and_merges_yield(tmp_path: Path) -> None:
    pairs = read_plv(_write(tmp_path / "plv.tsv"))
    assert [p.gold_root for p in pairs] == ["ASSAULT", "ACCUSE", "CONSULT", "THREATEN", "YIELD"]
    assert pairs[4].gold_penta == "2"  # missing penta filled from the root
    assert pairs[1].source == "Iran" and pairs[1].target == "the United States"
    source, target = marked_spans(pairs[0])
    plain = unmarked(pairs[0].marked_sentence)
    assert plain == pairs[0].sentence
    assert plain[slice(*source)] == "Israeli forces" and plain[slice(*target)] == "Palestinian militants"


def test_marker_text_uses_punctuation_markers() -> None:
    text = marker_text("<s>Iran</s> accused <t>the US</t>.")
    assert text.text == "@ Iran @ accused # the US #."
    assert text.text[text.source_at] == "@" and text.text[text.target_at] == "#"
    assert text.source_at == 0 and text.target_at == text.text.index("#")
    target_first = marker_text("Police said <t>protesters</t> were attacked by <s>soldiers</s>")
    assert target_first.text == "Police said # protesters # were attacked by @ soldiers @"
    assert target_first.target_at < target_first.source_at
    assert marker_text("No tags here.").source_at == -1


def test_reader_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("sentence\tlabel\nA b.\tX\n", encoding="utf-8")
    with pytest.raises(InputError, match="marked_sentence"):
        read_plv(path)


def test_metrics_match_hand_counts() -> None:
    gold = ["A", "A", "B", "B", "C"]
    pred = ["A", "B", "B", "B", "A"]
    s = score(gold, pred, gold_penta=["", "", "", "", ""])
    assert s.accuracy == pytest.approx(0.6)
    f1 = {c.label: c.f1 for c in s.per_class}
    assert f1 == pytest.approx({"A": 0.5, "B": 0.8, "C": 0.0})
    assert s.macro_f1 == pytest.approx(1.3 / 3)
    assert s.weighted_f1 == pytest.approx((0.5 * 2 + 0.8 * 2) / 5)
    assert s.confusion == ((1, 1, 0), (0, 2, 0), (1, 0, 0))
    roots = score(["ACCUSE", "AGREE"], ["REJECT", "ASSAULT"])
    assert roots.penta_accuracy == pytest.approx(0.5)  # REJECT shares ACCUSE's verbal-conflict class


def test_eval_plv_dictionary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "plv.tsv", ROWS[:4])
    assert main(["eval", "plv", str(path), "--coder", "dictionary"]) == 0
    out = capsys.readouterr().out
    assert "pairs 4  accuracy 1.000  macro-F1 1.000" in out
    assert "pairs/s" in out and "confusion" in out
    assert "THREATEN    1.000  1.000  1.000     1" in out


MODEL_DIR = Path(__file__).resolve().parents[1] / "eventcoder" / "learned" / "model"


def _shared_plv() -> Path:
    path = Path(__file__).resolve().parents[2] / "shared" / "eval" / "plv" / "PLV_train.tsv"
    if not path.exists():
        pytest.skip("../shared/eval/plv/PLV_train.tsv is not available")
    return path


def test_shipped_model_is_small_and_documented() -> None:
    files = {p.name: p.stat().st_size for p in MODEL_DIR.iterdir()}
    assert {"pair_coder.onnx", "pair_coder.json", "tokenizer.json", "MODEL_CARD.md"} <= set(files)
    assert sum(files.values()) < 30_000_000  # the issue allows 100 MB; 4 layers in 8 bits keep it near 20 MB


def test_learned_coder_offline_without_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from eventcoder.learned.pair_model import PairModel

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setitem(sys.modules, "torch", None)  # inference must not need PyTorch
    pairs = read_plv(_write(tmp_path / "plv.tsv"))
    model = PairModel.load()
    predicted = [model.labels[i] for i in model.logits([p.marked_sentence for p in pairs]).argmax(1)]
    assert predicted[:4] == ["ASSAULT", "ACCUSE", "CONSULT", "THREATEN"]
    swapped = model.probabilities(["<t>North Korea</t> was threatened by <s>South Korea</s>."])
    assert swapped.shape == (1, len(model.labels)) and swapped.sum() == pytest.approx(1.0, abs=1e-5)


def test_damaged_model_is_refused(tmp_path: Path) -> None:
    import shutil

    from eventcoder.errors import ResourceError
    from eventcoder.learned.pair_model import PairModel

    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    with (copy / "pair_coder.onnx").open("r+b") as handle:
        handle.seek(5000)
        handle.write(b"\x00\x01\x02\x03")
    with pytest.raises(ResourceError, match="SHA-256"):
        PairModel.load(copy)
    with pytest.raises(ResourceError, match="no trained pair model"):
        PairModel.load(tmp_path / "empty")


def test_gate_keeps_dictionary_below_threshold() -> None:
    import numpy as np

    from eventcoder.learned.combine import gated

    probs = np.array([[0.6, 0.4, 0.0], [0.9, 0.1, 0.0], [0.2, 0.3, 0.5]])
    dict_rows = np.array([1, 1, -1])
    assert list(gated(probs, dict_rows, 0.7)) == [1, 0, 2]  # low confidence keeps the dictionary; none → model
    assert list(gated(probs, dict_rows, 0.0)) == [0, 0, 2]


def test_eval_plv_learned_and_combined(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "plv.tsv", ROWS[:4])
    for coder in ("learned", "combined"):
        assert main(["eval", "plv", str(path), "--coder", coder]) == 0
        out = capsys.readouterr().out
        assert f"{coder} coder" in out and "pairs 4  accuracy 1.000" in out


@pytest.mark.slow  # a timing: meaningful on an idle machine only (benchmarks/learned.py measures it)
def test_learned_coder_speed() -> None:
    from eventcoder.learned.pair_model import PairModel

    pairs = read_plv(_shared_plv())[:400]
    model = PairModel.load()
    model.logits([p.marked_sentence for p in pairs[:32]])  # warm-up
    started = time.perf_counter()
    model.logits([p.marked_sentence for p in pairs])
    rate = len(pairs) / (time.perf_counter() - started)
    assert rate >= 200, f"{rate:.1f} pairs/s"
