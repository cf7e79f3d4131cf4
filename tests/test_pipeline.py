"""End-to-end coding of real sentences: voice, compounds, prepositions, speech, modality, dates."""

from __future__ import annotations

from datetime import date

from conftest import dyads


def test_active_voice_with_weekday_date(code):
    (event,) = code("Russia accused Ukraine of shelling the nuclear plant on Monday.", "2022-08-10")
    assert (event.source.actor.country, event.target.actor.country) == ("RUS", "UKR")
    assert event.cameo.code == "112" and event.cameo.plover_type == "ACCUSE"
    assert event.date.value == date(2022, 8, 8) and event.date.how.startswith("weekday")
    assert event.cameo.goldstein < 0 and event.cameo.quad_class == 3


def test_passive_voice_agent_is_the_source(code):
    assert dyads(code("Ukraine was accused by Russia of shelling the plant.", "2022-08-10")) == {("RUS", "UKR", "112")}


def test_compound_object_gives_one_event_per_pair(code):
    got = dyads(code("China criticized Japan and South Korea.", "2021-01-05"))
    assert got == {("CHN", "JPN", "111"), ("CHN", "KOR", "111")}


def test_compound_subject_without_object_pairs_the_conjuncts(code):
    (event,) = code("Iran and Syria signed a security agreement.", "2020-07-08")
    assert {event.source.actor.country, event.target.actor.country} == {"IRN", "SYR"}
    assert event.cameo.code == "057" and event.cameo.plover_type == "SUPPORT"


def test_prepositional_target_and_sector(code):
    (event,) = code("The Egyptian foreign minister met with his Israeli counterpart on Sunday.", "2021-05-12")
    assert event.source.actor.country == "EGY" and "GOV" in event.source.actor.sectors
    assert event.target.actor.country == "ISR"
    assert event.cameo.plover_type == "CONSULT" and event.date.value == date(2021, 5, 9)


def test_reported_speech_keeps_the_embedded_event_and_its_speaker(code):
    (event,) = code("The ministry said Iran criticized Saudi Arabia.", "2019-09-16")
    assert (event.source.actor.country, event.target.actor.country, event.cameo.code) == ("IRN", "SAU", "111")
    assert event.attribution == "The ministry"


def test_negated_and_hypothetical_predicates_are_not_events(code):
    assert code("Russia did not criticize China.", "2019-09-16") == []
    assert code("If Iran attacks Israel, the United States would respond.", "2012-03-01") == []


def test_future_aid_becomes_an_intent(code):
    (event,) = code("Japan will send aid to the Philippines.", "2013-11-12")
    assert (event.source.actor.country, event.target.actor.country) == ("JPN", "PHL")
    assert event.modality == "future"
    assert event.cameo.code.startswith("03") and event.cameo.plover_type == "AGREE"


def test_later_surname_mention_resolves_to_the_titled_person(code):
    events = code(
        "Syrian Defense Minister Ali Abdullah Ayyoub met Iranian officials on Sunday. Ayyoub later criticized Turkey.",
        "2019-03-18",
    )
    accuse = [e for e in events if e.cameo.code == "111"]
    assert len(accuse) == 1
    assert accuse[0].source.actor.country == "SYR" and accuse[0].source.resolved_by == "coreference"
    assert accuse[0].target.actor.country == "TUR"


def test_known_leader_and_visit_location(code):
    (event,) = code("German Chancellor Angela Merkel visited Paris last week.", "2015-06-10")
    assert event.source.actor.country == "DEU" and event.source.actor.name == "Angela Merkel"
    assert event.target.actor.country == "FRA" and event.cameo.code == "042"
    assert event.location is not None and event.location.country == "FRA"
    assert event.date.precision == "week" and event.date.value == date(2015, 6, 3)


def test_relative_yesterday(code):
    (event,) = code("Pakistan accused India yesterday of violating the ceasefire in Kashmir.", "2019-02-27")
    assert event.date.value == date(2019, 2, 26) and event.date.how == "relative:yesterday"


def test_events_carry_evidence(code):
    (event,) = code("North Korea threatened South Korea with military action.", "2017-08-09")
    assert event.trigger == "threatened" and event.sentence.startswith("North Korea")
    assert event.source.text == "North Korea" and event.target.text == "South Korea"
    assert event.method.startswith("dictionary:") and 0 < event.confidence <= 1
    assert event.cameo.plover_type == "THREATEN"


def test_same_event_told_twice_is_merged(code):
    events = code(
        "Iran and Syria signed a security agreement in Damascus on Wednesday. "
        "The agreement was signed by Iranian General Mohammad Bagheri and Syrian Defense Minister Ali Abdullah Ayyoub.",
        "2020-07-08",
    )
    signed = [e for e in events if e.cameo.code == "057"]
    assert len(signed) == 1
    assert signed[0].mentions == (0, 1)
    assert signed[0].date.how == "weekday:on Wednesday"
    assert signed[0].location is not None and signed[0].location.name == "Damascus"


def test_compound_subject_of_a_speech_verb_is_not_an_event_between_them(code):
    events = code("Iran and Syria said on Wednesday that Turkey had attacked Kurdish fighters.", "2020-07-08")
    assert not any({e.source.actor.country, e.target.actor.country if e.target else None} == {"IRN", "SYR"} for e in events)


def test_place_on_the_partner_of_a_meeting(code):
    (event,) = code("The Egyptian foreign minister met with his Israeli counterpart in Cairo on Sunday.", "2021-05-12")
    assert event.location is not None and event.location.name == "Cairo" and event.location.country == "EGY"
    assert event.location.how.startswith("prep:in Cairo")
