"""The acceptance test: the seed article against its gold coding, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import SEED_ARTICLE, SEED_GOLD


def _eval(gold_path, article_path):
    cmd = [sys.executable, "-m", "eventcoder", "eval", "article", str(gold_path), str(article_path)]
    env = {**os.environ, "EVENTCODER_EXTRACTOR": "gate"}  # the default coder, whatever conftest set
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)


def test_seed_article_passes_its_gold_coding():
    proc = _eval(SEED_GOLD, SEED_ARTICLE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "required events found: 4/4" in proc.stdout
    assert "false positives: 0" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_eval_fails_when_a_required_event_is_missing(tmp_path):
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    gold["required"].append(
        {"what": "an event the article does not report", "source": {"country": "SYR"}, "target": {"country": "RUS"},
         "cameo": "190", "plover": {"type": "ASSAULT"}, "date": "2020-07-08"}
    )
    changed = tmp_path / "gold.json"
    changed.write_text(json.dumps(gold), encoding="utf-8")
    proc = _eval(changed, SEED_ARTICLE)
    assert proc.returncode == 1
    assert "required events found: 4/5" in proc.stdout and "MISSED" in proc.stdout


def test_eval_counts_false_positives(tmp_path):
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    gold["required"] = [g for g in gold["required"] if g["plover"]["type"] != "ACCUSE"]
    changed = tmp_path / "gold.json"
    changed.write_text(json.dumps(gold), encoding="utf-8")
    proc = _eval(changed, SEED_ARTICLE)
    assert proc.returncode == 1
    assert "false positives: 1" in proc.stdout and "CAMEO 111" in proc.stdout
