"""PETRARCH validation files as they exist in the wild: the quirks PETRARCH's own line reader
accepts (tests/fixtures/petrarch_quirks/, one small file per quirk) and the error for a file
that cannot be read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eventcoder.errors import InputError
from eventcoder.petrarch.validation import read_records

QUIRKS = Path(__file__).resolve().parent / "fixtures" / "petrarch_quirks"
PHOENIX = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")


def test_actorfile_comma_list_names_each_dictionary() -> None:
    env, records = read_records(QUIRKS / "actorfile_list.xml")
    assert env.actors == PHOENIX
    assert env.agents == ("Phoenix.agents.txt",) and env.verbs == "CAMEO.2.0.txt"
    assert [r.id for r in records] == ["LIST_1", "LIST_2"]


def test_actorfile_comma_list_codes_with_every_dictionary() -> None:
    from eventcoder.petrarch.runner import code_records, petrarch_pipeline

    env, records = read_records(QUIRKS / "actorfile_list.xml")
    results = list(code_records(records, petrarch_pipeline(env)))
    # NATO is in the International file, the Taliban in the MilNonState file, Russia in Countries
    assert [r.produced for r in results] == [(("RUS", "IGOWSTNAT", "111"),), (("IGOWSTNAT", "AFGREB", "112"),)]
    assert all(r.passed for r in results)


def test_stray_sentence_end_tag_after_self_closing_sentence() -> None:
    _, records = read_records(QUIRKS / "stray_sentence_end.xml")
    assert [r.id for r in records] == ["STRAY_1", "STRAY_2"]
    assert records[0].expected == (("ARN", "GON", "064"),) and records[1].expected == ()
    assert records[1].text == "Nothing happened in the Shire."


def test_both_layouts_in_one_file_keep_their_own_codings() -> None:
    _, records = read_records(QUIRKS / "mixed_layouts.xml")
    assert [(r.id, r.date) for r in records] == [
        ("MIX_1", date(1995, 1, 1)), ("MIX_2", date(1995, 1, 2)), ("MIX_3", date(1995, 1, 3)), ("MIX_4", date(1995, 1, 4)),
    ]
    assert [r.expected for r in records] == [
        (("ARN", "GON", "064"),),
        (("GON", "MOR", "111"), ("GON", "ARN", "111")),
        (),
        (("MOR", "ROH", "190"),),
    ]
    assert records[3].text == "Mordor attacked Rohan."


def test_six_digit_dates_follow_petrarchs_century_rule() -> None:
    _, records = read_records(QUIRKS / "six_digit_dates.xml")
    assert {r.id: r.date for r in records} == {
        "YYMMDD_1": date(2012, 11, 8),  # 121108: YY 00-30 is 20YY
        "YYMMDD_2": date(1995, 12, 31),  # YY 31-99 is 19YY
        "YYMMDD_3": date(2030, 1, 1),
        "YYMMDD_4": date(1931, 1, 1),
        "YYYYMMDD_1": date(2012, 11, 8),
    }


def test_hash_comment_lines_with_markup_are_skipped_outside_text() -> None:
    env, (record,) = read_records(QUIRKS / "hash_comment_lines.xml")
    assert env.verbs == "PETR.Validate.verbs.txt" and env.actors == ("PETR.Validate.actors.txt",)
    assert record.expected == (("ARN", "GON", "064"),)
    # a '#' line inside <Text> is text, not a comment
    assert record.text == "#Gondor trended after Arnor restored full diplomatic ties with Gondor."


def test_field_file_with_every_quirk_loads() -> None:
    env, records = read_records(QUIRKS / "field_file.xml")
    assert env.actors == PHOENIX and env.include == ("AFP", "OTHER") and env.discards == "Phoenix.discards.txt"
    assert [(r.id, r.category, r.date) for r in records] == [
        ("FIELD_1", "AFP", date(2012, 11, 6)), ("FIELD_2", "AFP", date(2012, 11, 8)), ("FIELD_3", "OTHER", date(2012, 11, 8)),
    ]
    assert [r.expected for r in records] == [(("RUS", "IGOWSTNAT", "111"),), (("IGOWSTNAT", "AFGREB", "112"),), ()]
    assert records[1].text == "NATO accused the Taliban of attacking civilians."


def test_unreadable_file_error_names_file_line_and_reason() -> None:
    path = QUIRKS / "broken_mismatched_tag.xml"
    with pytest.raises(InputError) as caught:
        read_records(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:8: ")  # <Text>…</Txet> is on line 8
    assert "mismatched tag" in message and "</Txet>" in message


def test_bad_date_error_names_file_line_and_reason() -> None:
    path = QUIRKS / "bad_date.xml"
    with pytest.raises(InputError) as caught:
        read_records(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:7: ")  # the <Sentence> of DATE_BAD is on line 7
    assert "DATE_BAD" in message and "'1995-01'" in message and "YYMMDD" in message


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no-such-records.xml"):
        read_records(tmp_path / "no-such-records.xml")
