"""Behaviour snapshot: the pipeline codes exactly the stored event rows from fixed inputs.

Refactors must keep these rows; a change meant to alter coding rewrites them with
``python scripts/snapshot_events.py`` and says so in its commit.
"""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT


def _snapshot_module():
    spec = importlib.util.spec_from_file_location("snapshot_events", ROOT / "scripts" / "snapshot_events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("extractor", ["gate", "rules"])
def test_examples_code_the_stored_events(extractor, pipeline, gate_pipeline):
    snap = _snapshot_module()
    chosen = gate_pipeline if extractor == "gate" else pipeline
    rows = snap.snapshot_rows(extractor, snap.INPUTS["examples"], pipeline=chosen)
    stored = snap.path_for(extractor, "examples").read_text(encoding="utf-8").splitlines()
    assert len(rows) >= 10
    assert rows == stored


@pytest.mark.slow
@pytest.mark.parametrize("extractor", ["gate", "rules"])
def test_training_articles_code_the_stored_events(extractor, pipeline, gate_pipeline):
    snap = _snapshot_module()
    chosen = gate_pipeline if extractor == "gate" else pipeline
    rows = snap.snapshot_rows(extractor, snap.INPUTS["voa"], pipeline=chosen)
    stored = snap.path_for(extractor, "voa").read_text(encoding="utf-8").splitlines()
    assert rows == stored
