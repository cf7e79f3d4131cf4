"""The extraction stage: article-country fallback, pronouns, implicit recipients and the gate."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import candidates_before_gate

from eventcoder.extract.candidates import verdict
from eventcoder.extract.focus import ArticleFocus
from eventcoder.extract.gate import Gate, shipped_gate_path
from eventcoder.pipeline import code_text
from eventcoder.records import Actor

SOMALIA = (
    "Somali President Mohamed Abdullahi Mohamed has signed a measure extending his term. "
    "Somalia's parliament approved it on Monday. Somalia has been in crisis for months. "
    "Opposition lawmakers have denounced the extension. "
    "Ilyas Ali Hassan, a member of the upper house, urged the president to avoid such decisions. "
    "He also urged Farmajo to return to talks."
)


def test_dominant_country_needs_half_the_mentions_and_two() -> None:
    assert ArticleFocus((("SOM", 3), ("USA", 1))).dominant() == ("SOM", "article-country:SOM 3/4")
    assert ArticleFocus((("SOM", 2), ("USA", 2), ("KEN", 1))).dominant() is None
    assert ArticleFocus((("SOM", 1),)).dominant() is None


def test_a_dateline_counts_as_two_mentions_of_its_country(pipeline) -> None:
    from eventcoder.extract.focus import article_focus, dateline_country
    from eventcoder.records import Article

    def country(text: str, dateline: str | None = None) -> str | None:
        article = Article(id="d", headline="", text=text, published=date(2002, 3, 4), dateline=dateline)
        return dateline_country(article, pipeline.gazetteer)

    assert country("This story is from March 4, 2002\n\nahmedabad: police fired in the air.") == "IND"
    assert country("new delhi: the government said on monday.") == "IND"
    assert country("Police fired in the air.", dateline="MOSCOW") == "RUS"
    assert country("Analysis: the talks failed.") is None
    assert country("The minister said: we will go on.") is None
    focus = article_focus([], "IND")
    assert focus.dominant() == ("IND", "article-country:IND 2/2 dateline")
    # with the dateline, India (2 + 1) outweighs two mentions of the United States; without, the US wins
    assert ArticleFocus((("IND", 3), ("USA", 2)), "IND").dominant() == ("IND", "article-country:IND 3/5 dateline")
    assert ArticleFocus((("USA", 2), ("IND", 1))).dominant() == ("USA", "article-country:USA 2/3")


def test_party_names_blocs_as_article_gold_does() -> None:
    assert Actor("IGOUNO", "United Nations").party == "UNO"
    assert Actor("IGOEUREEC", "European Union").party == "EUR"
    assert Actor("IGOAFRAFU", "African Union").party == "IGO"
    assert Actor("NGOHRI", "Amnesty").party == "NGO"
    assert Actor("SOMGOV", "Somalia", country="SOM").party == "SOM"
    assert Actor(None, "someone").party is None


def test_roles_without_a_country_take_the_articles_country(gate_pipeline) -> None:
    events = code_text(SOMALIA, published=date(2021, 4, 14), pipeline=gate_pipeline)
    accuse = [e for e in events if e.cameo.plover_type == "ACCUSE" and e.source.text == "Opposition lawmakers"]
    assert accuse, [(e.source.text, e.cameo.code) for e in events]
    assert accuse[0].source.actor.country == "SOM"
    assert "article-country:SOM" in accuse[0].source.resolved_by
    assert "gate p=" in accuse[0].method or "agree" in accuse[0].method


def test_urge_is_a_request_and_he_is_the_last_person_named(gate_pipeline) -> None:
    events = code_text(SOMALIA, published=date(2021, 4, 14), pipeline=gate_pipeline)
    requests = [e for e in events if e.cameo.plover_type == "REQUEST"]
    by_hassan = [e for e in requests if e.source.text.startswith("Ilyas Ali Hassan") or e.source.resolved_by == "pronoun:Ilyas Ali Hassan"]
    assert by_hassan and all(e.target and e.target.actor.country == "SOM" for e in by_hassan), [(e.source.text, e.source.resolved_by) for e in events]
    assert all(e.cameo.code.startswith("02") for e in by_hassan)


def test_a_medium_reporting_is_never_the_actor() -> None:
    gate = Gate({"bias": 5.0}, 0.5)
    keep, _, why = verdict(["bias", "lemma=quote", "src_sector=MED"], gate)
    assert not keep and why == "reporting medium"
    keep, _, _ = verdict(["bias", "lemma=attack", "src_sector=MED"], gate)
    assert keep


def test_agreeing_dictionary_pattern_and_pair_model_stand_whatever_the_gate() -> None:
    gate = Gate({"bias": -5.0}, 0.5)
    assert not verdict(["bias", "pattern=specific"], gate)[0]
    assert verdict(["bias", "pattern=specific", "pairmodel=agrees", "target=explicit"], gate)[0]


def test_shipped_gate_loads_and_carries_its_cv_report() -> None:
    import json

    data = json.loads(shipped_gate_path().read_text(encoding="utf-8"))
    gate = Gate.load()
    assert 0.0 < gate.threshold < 1.0 and len(gate.weights) > 100
    assert data["cv"]["folds"] >= 4 and data["cv"]["chosen"]["f1"] > data["cv"]["all_candidates_f1"]


def test_rules_extractor_keeps_the_old_path() -> None:
    from eventcoder.errors import ConfigError
    from eventcoder.pipeline import Pipeline
    from eventcoder.settings import Settings

    with pytest.raises(ConfigError):
        Pipeline(Settings(extractor="nonsense"), nlp=object())


def _implicit_targets(gate_pipeline, text: str, published: date) -> set[tuple[str, str, int, str]]:
    """(source, implicit target, where it points and the words there) of each candidate with the
    article's country as implicit recipient."""
    return {(e.source.text, e.target.text, e.target.start, text[e.target.start : e.target.end])
            for e in candidates_before_gate(gate_pipeline, text, published)
            if e.target and e.target.resolved_by.startswith("implicit:article")}


def test_an_implicit_recipient_points_at_its_country_named_in_the_sentence(gate_pipeline) -> None:
    # the recipient is the country, so it points at the bare name, not at a party of that country
    # ("the government of Nawaz Sharif") nor at the source's own words ("Indonesia's donors")
    text = ("Pervez Musharraf imposed martial law, dismissing the democratically elected government of "
            "Nawaz Sharif and plunging Pakistan into a long dark era.")
    assert ("Pervez Musharraf", "[Pakistan]", text.index("Pakistan"), "Pakistan") in \
        _implicit_targets(gate_pipeline, text, date(2002, 6, 1))
    text = "Indonesia's donors Friday said that Indonesia must ensure security after the Oct. 12 Bali bombing."
    found = {row for row in _implicit_targets(gate_pipeline, text, date(2002, 10, 25)) if row[0] == "Indonesia's donors"}
    assert found == {("Indonesia's donors", "[Indonesia]", text.index("Indonesia must"), "Indonesia")}


def test_an_implicit_recipient_the_sentence_does_not_name_has_no_span(gate_pipeline) -> None:
    found = _implicit_targets(gate_pipeline, SOMALIA, date(2021, 4, 13))
    assert ("Opposition lawmakers", "[Somalia]", 0, "") in found
