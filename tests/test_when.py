"""The ``when`` stage on real parsed sentences, against the seed article's publication date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from eventcoder import when
from eventcoder.when import DateResolver

PUBLISHED = date(2020, 7, 8)  # a Wednesday, the seed article's date




@pytest.fixture(scope="module")
def resolver() -> DateResolver:
    return DateResolver()


def resolve(nlp: Any, resolver: DateResolver, text: str, trigger: str, published: date = PUBLISHED) -> Any:
    doc = nlp(text)
    token = next(t for t in doc if t.text == trigger)
    return resolver.resolve(token.sent, token, published)


def test_seed_sentence_wednesday_is_the_publication_day(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "Iran and Syria signed a military and security agreement in Damascus on Wednesday.", "signed")
    assert found.value == date(2020, 7, 8)
    assert found.precision == "day"
    assert found.how == "weekday:on Wednesday"
    assert found.text == "on Wednesday"


def test_tuesday_is_the_day_before_a_wednesday_publication(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "Bagheri visited in Damascus at the top of a military delegation on Tuesday.", "visited")
    assert (found.value, found.how) == (date(2020, 7, 7), "weekday:on Tuesday")


def test_a_date_inside_a_relative_clause_belongs_to_that_clause(nlp: Any, resolver: DateResolver) -> None:
    text = "Bagheri, who arrived on Monday, said on Tuesday that the deal was done."
    assert resolve(nlp, resolver, text, "said").value == date(2020, 7, 7)
    assert resolve(nlp, resolver, text, "arrived").value == date(2020, 7, 6)
    without_own_date = "Bagheri, who arrived on Monday, said that the deal was done."
    assert resolve(nlp, resolver, without_own_date, "said").how == "publication-date"


def test_yesterday(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "The minister said yesterday that talks would resume.", "said")
    assert (found.value, found.precision, found.how) == (date(2020, 7, 7), "day", "relative:yesterday")


def test_last_week_has_week_precision(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "Protesters gathered outside the embassy in Tehran last week.", "gathered")
    assert (found.value, found.precision, found.how) == (date(2020, 7, 1), "week", "relative:last week")


def test_last_month_is_the_previous_month(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "The president visited Damascus last month.", "visited")
    assert (found.value, found.precision) == (date(2020, 6, 1), "month")


def test_month_day_without_year(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "The two countries signed the deal on July 4.", "signed")
    assert (found.value, found.precision, found.how) == (date(2020, 7, 4), "day", "explicit:on July 4")
    # more than a week after publication for a past event: last year's July 20
    assert resolve(nlp, resolver, "The two countries signed the deal on July 20.", "signed").value == date(2019, 7, 20)
    # a future event keeps this year
    assert resolve(nlp, resolver, "The two countries will sign the deal on July 20.", "sign").value == date(2020, 7, 20)


def test_future_tense_weekday_is_the_next_one(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "The ministers will meet on Friday in Paris.", "meet")
    assert (found.value, found.how) == (date(2020, 7, 10), "weekday:on Friday")
    # published on a Wednesday: the planned Wednesday is the publication day, not a week later
    planned = resolve(nlp, resolver, "Iran plans to sign the deal on Wednesday.", "sign")
    assert planned.value == date(2020, 7, 8)


SUNDAY = date(2020, 7, 12)
FRIDAY = date(2020, 7, 10)


def test_future_weekday_named_on_its_own_publication_day_is_that_day(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "Zarif will travel to Tehran on Sunday.", "travel", SUNDAY)
    assert (found.value, found.how) == (date(2020, 7, 12), "weekday:on Sunday")
    assert resolve(nlp, resolver, "Zarif will travel to Tehran on Sunday.", "travel", FRIDAY).value == date(2020, 7, 12)
    # the same cue in the past keeps looking back
    assert resolve(nlp, resolver, "Zarif travelled to Tehran on Sunday.", "travelled", FRIDAY).value == date(2020, 7, 5)


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("The U.N. envoy is due to arrive in Kabul on Monday for talks with the Taliban.", "arrive", date(2020, 7, 13)),
        ("The two delegations are scheduled to meet on Friday in Geneva.", "meet", date(2020, 7, 10)),
        ("Erdogan plans to visit Moscow next Tuesday, his office said.", "visit", date(2020, 7, 14)),
        ("Parliamentary elections are to be held on Sunday, the election commission said.", "held", date(2020, 7, 12)),
        ("The two leaders are set to sign the accord on Wednesday in Ankara.", "sign", date(2020, 7, 8)),
        ("Pompeo is expected to meet Lavrov on Monday on the sidelines of the summit.", "meet", date(2020, 7, 13)),
        # a coordinated verb shares the first verb's "will"
        ("Zarif will travel to Tehran on Sunday and meet Rouhani.", "meet", date(2020, 7, 12)),
    ],
)
def test_planned_predicates_look_forward(nlp: Any, resolver: DateResolver, text: str, trigger: str, expected: date) -> None:
    assert resolve(nlp, resolver, text, trigger).value == expected


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("The envoy was due to arrive in Kabul on Monday but the flight was cancelled.", "arrive", date(2020, 7, 6)),
        ("Iran had planned to sign the deal on Tuesday, officials said.", "sign", date(2020, 7, 7)),
        ("The ministers met in Paris on Friday.", "met", date(2020, 7, 3)),
    ],
)
def test_past_plans_and_past_events_look_back(nlp: Any, resolver: DateResolver, text: str, trigger: str, expected: date) -> None:
    assert resolve(nlp, resolver, text, trigger).value == expected


def test_direction_comes_from_the_clause_of_the_cue(nlp: Any, resolver: DateResolver) -> None:
    # "on Sunday" belongs to the past "said": the statement (and the intention) is last Sunday
    stated = resolve(nlp, resolver, "Zarif said on Sunday he will travel to Tehran.", "travel")
    assert (stated.value, stated.how) == (date(2020, 7, 5), "weekday:on Sunday")
    # "on Sunday" belongs to the planned "travel" only: "said" keeps the publication date
    text = "Zarif said he will travel to Tehran on Sunday."
    assert resolve(nlp, resolver, text, "said").how == "publication-date"
    assert resolve(nlp, resolver, text, "travel").value == date(2020, 7, 12)
    both = "Lavrov will hold talks with Zarif on Sunday, the ministry said on Saturday."
    assert resolve(nlp, resolver, both, "hold", SUNDAY).value == date(2020, 7, 12)
    assert resolve(nlp, resolver, both, "said", SUNDAY).value == date(2020, 7, 11)


def test_next_week_and_this_weekday(nlp: Any, resolver: DateResolver) -> None:
    week = resolve(nlp, resolver, "Foreign ministers will meet in Brussels next week.", "meet")
    assert (week.value, week.precision) == (date(2020, 7, 15), "week")
    this = resolve(nlp, resolver, "Erdogan will visit Moscow this Friday.", "visit")
    assert this.value == date(2020, 7, 10)
    assert resolve(nlp, resolver, "Erdogan visited Moscow this Monday.", "visited").value == date(2020, 7, 6)
    named = resolve(nlp, resolver, "Erdogan plans to visit Moscow on Tuesday next week.", "visit")
    assert (named.value, named.precision) == (date(2020, 7, 14), "day")


def test_no_date_gives_the_publication_date(nlp: Any, resolver: DateResolver) -> None:
    found = resolve(nlp, resolver, "The ministers met in Paris.", "met")
    assert (found.value, found.precision, found.how, found.text) == (PUBLISHED, "day", "publication-date", "")


def test_durations_and_ages_are_not_event_dates(nlp: Any, resolver: DateResolver) -> None:
    assert resolve(nlp, resolver, "Police have held him for two weeks.", "held").how == "publication-date"
    found = resolve(nlp, resolver, "The 50-year-old man was arrested on Monday.", "arrested")
    assert found.value == date(2020, 7, 6)


def test_explicit_full_dates(nlp: Any, resolver: DateResolver) -> None:
    assert resolve(nlp, resolver, "Officials met in Geneva on 7 July 2020.", "met").value == date(2020, 7, 7)
    assert resolve(nlp, resolver, "Officials met on 2020-07-05 in Geneva.", "met").value == date(2020, 7, 5)
    year = resolve(nlp, resolver, "The treaty was signed in 2019.", "signed")
    assert (year.value, year.precision, year.how) == (date(2019, 1, 1), "year", "explicit:in 2019")


def test_numeric_dates_fall_back_to_dateparser(nlp: Any, resolver: DateResolver) -> None:
    pytest.importorskip("dateparser")
    found = resolve(nlp, resolver, "Officials met on 07/07/2020 in Geneva.", "met")
    assert (found.value, found.how) == (date(2020, 7, 7), "dateparser:on 07/07/2020")


def test_dateparser_is_not_called_for_rule_dates(nlp: Any, resolver: DateResolver, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(text: str, published: date) -> None:
        raise AssertionError(f"dateparser called for {text!r}")

    monkeypatch.setattr(when, "_with_dateparser", fail)
    assert resolve(nlp, resolver, "Bagheri visited Damascus on Tuesday.", "visited").value == date(2020, 7, 7)
    assert resolve(nlp, resolver, "The ministers met in Paris.", "met").how == "publication-date"


def test_published_may_be_a_datetime(nlp: Any, resolver: DateResolver) -> None:
    doc = nlp("Bagheri visited Damascus yesterday.")
    token = next(t for t in doc if t.text == "visited")
    assert resolver.resolve(token.sent, token, datetime(2020, 7, 8, 18, 20)).value == date(2020, 7, 7)


@pytest.mark.parametrize(
    ("text", "future", "expected", "precision"),
    [
        ("on Wednesday", False, date(2020, 7, 8), "day"),
        ("Tuesday night", False, date(2020, 7, 7), "day"),
        ("last Wednesday", False, date(2020, 7, 1), "day"),
        ("next Wednesday", False, date(2020, 7, 15), "day"),
        ("on Thursday", False, date(2020, 7, 2), "day"),
        ("on Thursday", True, date(2020, 7, 9), "day"),
        ("on Wednesday", True, date(2020, 7, 8), "day"),
        ("on Tuesday", True, date(2020, 7, 14), "day"),
        ("next Wednesday", True, date(2020, 7, 15), "day"),
        ("last Wednesday", True, date(2020, 7, 1), "day"),
        ("this Friday", True, date(2020, 7, 10), "day"),
        ("this Monday", False, date(2020, 7, 6), "day"),
        ("Tuesday next week", False, date(2020, 7, 14), "day"),
        ("on Monday last week", False, date(2020, 6, 29), "day"),
        ("Friday this week", True, date(2020, 7, 10), "day"),
        ("next week", True, date(2020, 7, 15), "week"),
        ("today", False, date(2020, 7, 8), "day"),
        ("this morning", False, date(2020, 7, 8), "day"),
        ("tonight", False, date(2020, 7, 8), "day"),
        ("tomorrow", True, date(2020, 7, 9), "day"),
        ("three days ago", False, date(2020, 7, 5), "day"),
        ("July 7, 2020", False, date(2020, 7, 7), "day"),
        ("7th of July", False, date(2020, 7, 7), "day"),
        ("Dec. 25", False, date(2019, 12, 25), "day"),
        ("in early July", False, date(2020, 7, 1), "month"),
        ("last year", False, date(2019, 1, 1), "year"),
        ("earlier this month", False, date(2020, 7, 1), "month"),
    ],
)
def test_interpret_rules(text: str, future: bool, expected: date, precision: str) -> None:
    found = DateResolver().interpret(text, PUBLISHED, future=future)
    assert found is not None
    assert (found.value, found.precision) == (expected, precision)


def test_interpret_rejects_non_dates() -> None:
    resolver = DateResolver(use_dateparser=False)
    assert resolver.interpret("two years", PUBLISHED) is None
    assert resolver.interpret("50-year-old", PUBLISHED) is None
    assert resolver.interpret("07/07/2020", PUBLISHED) is None
