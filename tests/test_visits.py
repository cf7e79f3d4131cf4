"""The visits stage on real VOA sentences: a meeting in one party's country is the other's visit."""

from __future__ import annotations

from datetime import date

from conftest import candidates_before_gate

from eventcoder.stages.visits import Visits


def _meetings(pipeline, text: str, published: date) -> list:
    return [e for e in candidates_before_gate(pipeline, text, published) if e.cameo.plover_type == "CONSULT"]


def test_the_host_named_first_is_turned_round(gate_pipeline) -> None:
    """"MBS met with Rubio in Jeddah": Rubio visits Saudi Arabia (visitor → host, 042)."""
    text = ("U.S. Secretary of State Marco Rubio arrived in Saudi Arabia on Monday. Later on Monday, Saudi Crown "
            "Prince Mohammed bin Salman met with Rubio in the Red Sea port city of Jeddah.")
    visits = [e for e in _meetings(gate_pipeline, text, date(2025, 3, 10)) if "visit: host SAU" in e.method]
    assert any("host named first" in e.method and e.trigger == "met" for e in visits), [e.method for e in visits]
    for e in visits:  # the arrival too: already visitor → host
        assert (e.source.actor.country, e.target.actor.country, e.cameo.code) == ("USA", "SAU", "042")
        assert e.location.country == "SAU"


def test_a_meeting_in_a_third_country_keeps_its_order(gate_pipeline) -> None:
    text = "Turkish Foreign Minister Mevlut Cavusoglu met Iranian Foreign Minister Javad Zarif in Geneva on Monday."
    meetings = _meetings(gate_pipeline, text, date(2019, 11, 25))
    assert meetings and not any("visit:" in e.method for e in meetings)


def test_a_group_meeting_in_a_members_country_is_a_visit_by_each_other_member(gate_pipeline) -> None:
    """The G7 in Charlevoix, Quebec (a town the gazetteer lacks, in a province it knows): six visits
    to Canada, none from Canada to itself."""
    text = ("Top diplomats from the Group of Seven leading industrial nations gathered Thursday in Charlevoix, "
            "Quebec, as host country Canada outlined its top agenda.")
    visits = [e for e in _meetings(gate_pipeline, text, date(2025, 3, 13)) if "visit: host CAN" in e.method]
    assert {e.source.actor.country for e in visits} == {"USA", "GBR", "FRA", "DEU", "ITA", "JPN"}
    assert {e.target.actor.country for e in visits} == {"CAN"}
    assert all(e.location.how.endswith("(qualifier Québec)") for e in visits)


def test_only_a_place_in_the_sentence_names_a_host(gate_pipeline) -> None:
    """A meeting with no place in its sentence is left as written, whatever the dateline says."""
    text = "RIYADH, Saudi Arabia - Saudi Crown Prince Mohammed bin Salman met with Ukrainian President Volodymyr Zelenskyy."
    meetings = _meetings(gate_pipeline, text, date(2025, 3, 10))
    assert meetings and not any("visit:" in e.method for e in meetings)


def test_a_meeting_code_becomes_a_visit_and_other_types_stay(gate_pipeline) -> None:
    stage = Visits(gate_pipeline.tables, gate_pipeline.lexicon)
    text = "Saudi Crown Prince Mohammed bin Salman hosted Ukrainian President Volodymyr Zelenskyy in Riyadh on Monday."
    events = candidates_before_gate(gate_pipeline, text, date(2025, 3, 10))
    turned = [e for e in events if "visit:" in e.method]
    assert turned and all((e.source.actor.country, e.target.actor.country) == ("UKR", "SAU") for e in turned)
    others = [e for e in events if e.cameo.plover_type != "CONSULT"]
    assert all(stage.as_visits(e) == [e] for e in others)
