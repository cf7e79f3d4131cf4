"""Who speaks and who holds the office: a title of one country's office, a titled person's later
bare name, and I/we inside a quotation. Real sentences through the real pipeline (actors as the
focus stage leaves them)."""

from __future__ import annotations

from datetime import date

from eventcoder.extract.quotes import quote_spans
from eventcoder.extract.titles import LIKELY_TITLES, SURE_TITLES, title_country
from eventcoder.pipeline import code_text


def _mentions(pipeline, text: str) -> list[tuple[str, str | None, str]]:
    pipeline.actor_log = []
    try:
        code_text(text, published=date(2025, 3, 12), pipeline=pipeline)
        return [(m.text, m.actor.country, m.resolved_by) for *_, found in pipeline.actor_log for m in found]
    finally:
        pipeline.actor_log = None


def _first(found: list[tuple[str, str | None, str]], text: str) -> tuple[str | None, str]:
    return next((country, how) for t, country, how in found if t == text)


def test_titles_of_one_countrys_office() -> None:
    assert title_country("Secretary of State Marco Rubio", SURE_TITLES) == ("USA", "secretary of state")
    assert title_country("Democratic Representative Jason Crow", SURE_TITLES) == ("USA", "democratic representative")
    # British usage names the department: not the American office
    assert title_country("Secretary of State for Defence John Healey", SURE_TITLES) is None
    # a senator may be Nigerian or Filipino: only a likely title
    assert title_country("Senator Ali Ndume", SURE_TITLES) is None
    assert title_country("Senator Ali Ndume", LIKELY_TITLES) == ("USA", "senator")


def test_a_title_gives_its_country_and_the_bare_name_follows(gate_pipeline) -> None:
    text = ("Secretary of State Marco Rubio led talks with Ukrainian officials in Jeddah. "
            "Ukraine accepted a ceasefire. Rubio said Russia must now answer.")
    found = _mentions(gate_pipeline, text)
    assert _first(found, "Secretary of State Marco Rubio") == ("USA", "agent+title-country:USA secretary of state")
    # without the title chain the bare name took the nearest country named before it (Ukraine)
    assert _first(found, "Rubio") == ("USA", "unknown+titled-name:Secretary of State Marco Rubio")


def test_a_shared_title_yields_to_the_articles_country(gate_pipeline) -> None:
    text = ("Nigeria's government said gunmen freed the schoolgirls in Zamfara. Nigerian police arrested "
            "two suspects. Nigeria's army deployed troops. Senator Ali Ndume criticized the ransom.")
    country, how = _first(_mentions(gate_pipeline, text), "Senator Ali Ndume")
    assert country == "NGA" and "article-country:NGA" in how


def test_quotation_spans() -> None:
    text = '“We will not hesitate,” Ford said. He added: "We mean it.\nNew paragraph “open'
    spans = quote_spans(text)
    assert [text[a:b] for a, b in spans] == ["“We will not hesitate,”", '"We mean it.', "“open"]


def test_i_and_we_inside_a_quotation_are_its_speaker(gate_pipeline) -> None:
    text = ('Democratic Representative Jason Crow criticized the pause in aid. '
            '"We have to understand that Russia is the aggressor," said Crow.\n'
            'Secretary of State Marco Rubio spoke in Jeddah: “We will offer this to the Russians.”\n'
            'Ukraine said we should wait.')
    found = _mentions(gate_pipeline, text)
    speakers = [(t, country, how) for t, country, how in found if how.startswith("quote-speaker")]
    assert speakers == [("We", "USA", "quote-speaker:Crow"),
                        ("We", "USA", "quote-speaker:Secretary of State Marco Rubio")]
    # "we" outside any quotation is not read as a speaker
    assert not any(t == "we" for t, _, _ in found)


def test_an_untitled_surname_needs_its_country_in_the_article(gate_pipeline) -> None:
    # "Zamora" alone is also Andorra's head of government (Xavier Espot Zamora, in office 2025);
    # a story that never names Andorra is not about him
    guatemala = ("Guatemalan journalist Jose Ruben Zamora returned to prison on Monday. "
                 "Zamora said the ruling was unfair. Guatemala's president criticized the judge.")
    found = _mentions(gate_pipeline, guatemala)
    assert all(country != "AND" for _, country, _ in found)
    assert _first(found, "Zamora")[0] == "GTM"
    # a surname whose country the story names stays the office-holder
    ukraine = "Ukraine said Zelenskyy would attend. Zelenskyy met European leaders in Brussels."
    assert _first(_mentions(gate_pipeline, ukraine), "Zelenskyy") == ("UKR", "person+surname")


def test_they_stands_for_the_group_it_is_reported_from_or_follows(gate_pipeline) -> None:
    reported = _mentions(gate_pipeline, "Pakistani militants said they released dozens of women and children on Tuesday.")
    assert _first(reported, "they") == ("PAK", "pronoun:Pakistani militants")
    following = _mentions(gate_pipeline, "European Union foreign ministers met in Brussels on Monday. "
                                         "They called on Russia to withdraw its troops from Ukraine.")
    they = next(how for t, _, how in following if t == "They")
    assert they == "pronoun:European Union foreign ministers"


def test_they_is_left_alone_where_its_group_is_unclear(gate_pipeline) -> None:
    texts = [
        "Ukrainian officials told Polish lawmakers that they should close the border.",  # the told or the teller
        "Somali police are urging residents to return to villages where they will be protected by Somali troops.",
        '"They will pay for this," Iranian Foreign Minister Abbas Araghchi said of Israeli commanders.',  # quoted
        "Iranian Foreign Minister Abbas Araghchi arrived in Oman on Sunday. They met for three hours.",  # one person
    ]
    for text in texts:
        assert all(t.lower() != "they" for t, _, _ in _mentions(gate_pipeline, text)), text


def test_a_verb_between_two_quotations_is_not_quoted(nlp) -> None:
    from eventcoder.relations import find_quote

    doc = nlp('"We are ready," the minister said, "to talk to anyone." Officials said "the talks failed".')
    said, talk, failed = (next(t for t in doc if t.text == w) for w in ("said", "talk", "failed"))
    assert find_quote(said) is None  # between the closing and the next opening mark
    assert find_quote(talk) == "to talk to anyone."
    assert find_quote(failed) == "the talks failed"


def test_a_role_whose_country_nothing_makes_clear_is_a_party_of_unknown_country(gate_pipeline) -> None:
    # PLV sentences: one line, no country before the role. The court and the government are
    # parties ("---JUD", "---GOV") the gate can weigh, not left out of every candidate.
    found = _mentions(gate_pipeline, "The Supreme Court accepted demands from the army chiefs to order an independent probe.")
    court = next(m for m in found if m[0] == "The Supreme Court")
    assert court == ("The Supreme Court", None, "agent+no-country")
    text = "The Korean government has agreed to provide Sri Lanka with the appropriate technology."
    assert _first(_mentions(gate_pipeline, text), "The Korean government") == (None, "agent+no-country")
    # a name nobody knows, too: a company, a person the office-holder table lacks
    found = _mentions(gate_pipeline, "The Munich court fined Siemens on Monday.")
    assert _first(found, "Siemens") == (None, "unknown+no-country")
    # a country named earlier still gives its country: Indian police in an Indian story
    found = _mentions(gate_pipeline, "India's home ministry ordered an inquiry. Police arrested two men in Delhi.")
    assert _first(found, "Police")[0] == "IND"
    # in a longer story a role nothing places stays out of events (setting unplaced_actors, 3)
    story = " ".join(["The Supreme Court accepted the demands."] + ["The hearing lasted an hour."] * 3)
    assert _first(_mentions(gate_pipeline, story), "The Supreme Court") == (None, "agent")


def test_code_of_a_party_of_unknown_country(gate_pipeline) -> None:
    gate_pipeline.actor_log = []
    try:
        code_text("Striking workers rejected the company's offer.", published=date(2025, 3, 12), pipeline=gate_pipeline)
        actors = [m.actor for *_, found in gate_pipeline.actor_log for m in found]
    finally:
        gate_pipeline.actor_log = None
    workers = next(a for a in actors if "LAB" in a.sectors)
    assert workers.code == "---LAB" and workers.country_unknown and workers.party is None
