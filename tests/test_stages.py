"""The Pipeline runs an ordered list of named stages, checks the records they return and names
the stage that failed."""

from __future__ import annotations

import pickle
from datetime import date
from dataclasses import dataclass, replace
from typing import ClassVar

import pytest

from eventcoder.errors import StageTypeError
from eventcoder.pipeline import Pipeline, eventcoder_stages, petrarch_stages
from eventcoder.records import Article
from eventcoder.stages import ActorTables, Candidates, Events, Parsed, Sentences, check_chain

TEXT = "Iran accused the United States of piracy on Monday. Syria condemned the attack."
ARTICLE = Article(id="a1", headline="", text=TEXT, published=__import__("datetime").date(2020, 7, 8), origin="test")


def names(pipeline: Pipeline) -> list[str]:
    return [s.name for s in pipeline.stages()]


def test_stage_lists_are_named_and_in_order(pipeline, gate_pipeline) -> None:
    assert names(gate_pipeline) == [
        "sentences", "actors", "focus", "unknown", "relations", "classify", "modality", "learned-variants",
        "implicit-targets", "gate", "events", "visits", "background", "merge",
    ]
    assert names(pipeline) == [
        "sentences", "actors", "unknown", "relations", "classify", "modality", "learned", "events", "merge",
    ]
    petrarch = replace(pipeline, stage_list=petrarch_stages, combined=None)
    assert names(petrarch) == ["sentences", "actors", "unknown", "relations", "classify", "events", "distinct"]


def test_hooks_are_stages_of_their_own(gate_pipeline) -> None:
    log: list = []
    hooked = replace(gate_pipeline, actor_log=log, collector=[])
    assert "actor-log" in names(hooked) and names(hooked)[-2:] == ["collect", "merge"]
    hooked.code_article(ARTICLE)
    assert log and log[0][0] == "a1" and hooked.collector
    assert gate_pipeline.actor_log is None and gate_pipeline.collector is None


@dataclass(frozen=True)
class _Broken:
    name: ClassVar[str] = "broken"
    takes: ClassVar[type] = ActorTables
    returns: ClassVar[type] = ActorTables

    def __call__(self, actors: ActorTables) -> ActorTables:
        return actors.sentences  # type: ignore[return-value]  # the wrong record


@dataclass(frozen=True)
class _Raises:
    name: ClassVar[str] = "raises"
    takes: ClassVar[type] = ActorTables
    returns: ClassVar[type] = ActorTables

    def __call__(self, actors: ActorTables) -> ActorTables:
        raise ZeroDivisionError("a bug")


def _with(stage: object):
    def build(p: Pipeline) -> list:
        stages = eventcoder_stages(p)
        return stages[:2] + [stage] + stages[2:]
    return build


def test_a_stage_returning_the_wrong_record_is_named(pipeline) -> None:
    broken = replace(pipeline, stage_list=_with(_Broken()))
    with pytest.raises(StageTypeError, match="stage 'broken' returned Sentences, expected ActorTables"):
        broken.code_article(ARTICLE)


def test_a_stage_that_raises_becomes_a_rejection_naming_it(pipeline) -> None:
    result = replace(pipeline, stage_list=_with(_Raises())).code_article(ARTICLE)
    assert result.rejection is not None
    assert (result.rejection.stage, result.rejection.reason, result.rejection.detail) == ("raises", "stage-failed", "a bug")


def test_a_list_that_does_not_fit_together_is_refused(pipeline) -> None:
    stages = eventcoder_stages(pipeline)
    with pytest.raises(StageTypeError, match="stage 'classify' takes Triples but is given ActorTables"):
        check_chain([s for s in stages if s.name != "relations"], Parsed, Events)
    with pytest.raises(StageTypeError, match="stage 'actors' takes Sentences but is given Candidates"):
        check_chain(stages[1:], Candidates, Events)
    with pytest.raises(StageTypeError, match="stage 'events' is the last stage and returns Events, not Sentences"):
        check_chain(stages[:-1], type(stages[0]).takes, Sentences)


def test_stage_lists_pickle_for_worker_processes(pipeline) -> None:
    """Workers build their own Pipeline from Settings; what a Pipeline holds besides its models
    pickles: the stage-list function by name, and stages that hold no model."""
    assert pickle.loads(pickle.dumps(petrarch_stages)) is petrarch_stages
    light = [s for s in pipeline.stages() if s.name in {"sentences", "relations", "merge"}]
    assert [s.name for s in pickle.loads(pickle.dumps(light))] == ["sentences", "relations", "merge"]


def test_every_stage_is_documented() -> None:
    import eventcoder.stages as stages_module

    from conftest import ROOT

    doc = (ROOT / "docs" / "pipeline.md").read_text(encoding="utf-8")
    classes = [getattr(stages_module, n) for n in stages_module.__all__]
    names = {c.name for c in classes if isinstance(c, type) and isinstance(getattr(c, "name", None), str)}
    assert len(names) == 19
    for name in names:
        assert f"| `{name}` |" in doc, f"stage {name!r} has no row in docs/pipeline.md"


def test_background_days_zero_keeps_events_dated_long_before_publication(gate_pipeline) -> None:
    """"stormed ... in 2010" in a 2020 article is background by default; background_days = 0 keeps it."""
    text = "Israeli commandos stormed the Turkish ship Mavi Marmara in 2010, killing ten activists."
    old = Article(id="bg", headline="", text=text, published=date(2020, 6, 1), origin="<test>")
    assert gate_pipeline.code_article(old).events == ()
    keep_all = replace(gate_pipeline, settings=gate_pipeline.settings.override(background_days=0))
    assert replace(gate_pipeline, settings=gate_pipeline.settings.override(undated=True)).code_article(old).events
    events = keep_all.code_article(old).events
    assert [(e.source.actor.country, e.target.actor.country if e.target else None, e.cameo.plover_type) for e in events] == [
        ("ISR", "TUR", "ASSAULT")]
    assert events[0].date.value.year == 2010


def test_undated_text_matches_office_holders_in_any_period(gate_pipeline) -> None:
    """A sentence of unknown date (a PLV row): "President Obama" is the U.S. president whatever the
    nominal publication day; dated 2020, the surname with its title finds no one in office (in a
    one-sentence text he is then a president of unknown country, setting unplaced_actors)."""
    text = ("President Obama lifted all restrictions on the ability of individuals to visit relatives in Cuba, "
            "as well as to send them remittances.")
    article = Article(id="obama", headline="", text=text, published=date(2020, 1, 1), origin="<test>")
    dated = gate_pipeline.code_article(article).events
    assert all(e.source.actor.country is None and e.source.resolved_by == "agent+no-country" for e in dated)
    unplaced_off = replace(gate_pipeline, settings=gate_pipeline.settings.override(unplaced_actors=0))
    assert unplaced_off.code_article(article).events == ()
    undated = replace(gate_pipeline, settings=gate_pipeline.settings.override(undated=True))
    events = undated.code_article(article).events
    assert events and {(e.source.text, e.source.actor.country, e.source.resolved_by) for e in events} == {
        ("President Obama", "USA", "person")}
    assert {e.cameo.plover_type for e in events} & {"CONCEDE", "RETREAT"}


def test_merge_keeps_a_named_party_over_one_whose_country_is_only_the_nearest(gate_pipeline) -> None:
    # "Bagheri visited in Damascus at the top of a military delegation on Tuesday": the visit is
    # told to Damascus and to "the top of a military delegation", which takes Syria only because
    # Syria is the nearest country named (the delegation is Iran's); merged, the event keeps Damascus
    from conftest import SEED_ARTICLE
    from eventcoder.ingest import read_inputs

    [article] = [a for a in read_inputs([str(SEED_ARTICLE)]) if isinstance(a, Article)]
    [visit] = [e for e in gate_pipeline.code_article(article).events if e.cameo.code == "042"]
    assert visit.target is not None and visit.target.text == "Damascus" and visit.target.resolved_by == "capital"
    assert visit.target.actor.country == "SYR"
