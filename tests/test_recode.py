"""The pipeline's learned stage: marking a coded pair and re-scoring it."""

from __future__ import annotations

from datetime import date

import pytest

from eventcoder.events.ontology import CodeTables
from eventcoder.learned.recode import default_code, dictionary_root, mark_pair
from eventcoder.nlp import load_model
from eventcoder.pipeline import Pipeline, code_text
from eventcoder.settings import Settings


@pytest.fixture(scope="module")
def nlp():
    return load_model()


def test_mark_pair_in_second_sentence(nlp) -> None:
    doc = nlp("The talks ended on Monday. Iranian officials accused the United States of lying.")
    sent = list(doc.sents)[1]
    source = frozenset(t.i for t in doc if t.text in {"Iranian", "officials"})
    target = frozenset(t.i for t in doc if t.text in {"United", "States"})
    assert mark_pair(sent, source, target) == "<s>Iranian officials</s> accused the <t>United States</t> of lying."
    assert mark_pair(sent, target, source) == "<t>Iranian officials</t> accused the <s>United States</s> of lying."
    assert mark_pair(sent, source, source) is None  # overlapping spans are not a pair
    assert mark_pair(sent, source, frozenset()) is None


def test_codes_for_learned_decisions() -> None:
    tables = CodeTables.load()
    assert default_code(tables, "YIELD") == "080"
    assert default_code(tables, "ASSAULT") == "180"
    assert dictionary_root(tables, "057") == "SUPPORT"
    assert dictionary_root(tables, "0874") == "YIELD"  # RETREAT → PLV's YIELD
    assert dictionary_root(tables, "010") is None  # statements have no PLOVER type


def test_pipeline_records_the_learned_decision() -> None:
    pipeline = Pipeline()
    assert pipeline.combined is not None
    events = code_text("Russian troops attacked Ukrainian soldiers near Kharkiv on Monday.",
                       published=date(2022, 3, 8), pipeline=pipeline)
    assert [(e.source.actor.country, e.target.actor.country, e.cameo.plover_type) for e in events] == [
        ("RUS", "UKR", "ASSAULT")
    ]
    assert "learned ASSAULT" in events[0].method


def test_dictionary_only_setting_skips_the_model() -> None:
    pipeline = Pipeline(Settings(coder="dictionary"))
    assert pipeline.combined is None
    events = code_text("Russian troops attacked Ukrainian soldiers near Kharkiv on Monday.",
                       published=date(2022, 3, 8), pipeline=pipeline)
    assert events and "learned" not in events[0].method
    with pytest.raises(Exception, match="coder"):
        Pipeline(Settings(coder="neural"), nlp=pipeline.nlp)
