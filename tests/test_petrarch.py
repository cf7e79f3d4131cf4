"""PETRARCH compatibility: dictionary readers, validation-record layouts, and the unit-test gate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eventcoder.errors import DictionaryFormatError
from eventcoder.events.verbdict import NounPhrase, Slot, SynsetRef, VerbDictionary, Word
from eventcoder.petrarch.actorsdict import read_actors, read_agents
from eventcoder.petrarch.discards import read_discards, read_issues
from eventcoder.petrarch.resolver import _combine
from eventcoder.petrarch.runner import expand_codes
from eventcoder.petrarch.validation import pass_rate, read_records, score

REPO = Path(__file__).resolve().parents[1]
UNIT_TESTS = REPO.parent / "shared" / "eval" / "petrarch2" / "PETR.UnitTest.records.xml"

# The floor reached on PETRARCH's own unit-test suite (exact codings / expected codings) and the
# extra codings allowed (extra / expected). Raise these when the coder improves; never lower them.
PASS_FLOOR = 0.925  # 335 of 362 (earlier pinnings: 231, 287, 291, 326)
EXTRA_CEILING = 0.097  # 35 extra of 362 (earlier: 49, 42, 25 before <Config> require_dyad was honoured)
TOLERANCE = 0.01


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- actors and agents

ACTORS = """<!-- a comment line -->
GOLLUM  [HOB]  # a comment
+SMEAGOL
+STINKER
\t[HOBGOV 19950601-19990815]
\t[HOBREB >990816]
THE_SHIRE  [FRO/BIL/SAM]
ARNOR_  [ARN]
ARGENTIN  [ARG]
"""


def test_actor_dates_synonyms_and_compound_codes(tmp_path: Path) -> None:
    entries = {e.name: e for e in read_actors(write(tmp_path, "a.actors.txt", ACTORS))}
    assert set(entries) == {"GOLLUM", "SMEAGOL", "STINKER", "THE_SHIRE", "ARNOR_", "ARGENTIN"}
    smeagol = entries["SMEAGOL"]
    assert smeagol.code_on(date(1990, 1, 1)) == "HOB"  # outside every range: the plain code
    assert smeagol.code_on(date(1997, 3, 1)) == "HOBGOV"
    assert smeagol.code_on(date(2005, 3, 1)) == "HOBREB"
    assert entries["THE_SHIRE"].words == ("THE", "SHIRE") and entries["THE_SHIRE"].code_on(None) == "FRO/BIL/SAM"
    assert entries["ARNOR_"].exact and not entries["ARGENTIN"].exact


def test_actor_code_line_without_actor_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.actors.txt", "GOLLUM [HOB]\n\n[XYZ]\n")
    with pytest.raises(DictionaryFormatError) as caught:
        read_actors(path)
    assert caught.value.line_no == 3 and "bad.actors.txt:3:" in str(caught.value)


AGENTS = """!PERSON! = MAN, MEN, WOMAN
CONGRESS!PERSON! [~LEG]
POLICE {} [ ~COP]
GOLDEN_GOOSE {GOLDEN_GEESE} [~GGS]
MSF {}  [NGO~]
DIPLOMAT  [~GOV]
AUTHORITY [~GOV]
"""


def test_agents_prefix_suffix_plurals_and_macros(tmp_path: Path) -> None:
    agents = read_agents(write(tmp_path, "a.agents.txt", AGENTS))
    forms = {" ".join(a.words): (a.code, a.prefix) for a in agents}
    assert forms["CONGRESSMAN"] == ("LEG", False) and "CONGRESSMEN" in forms and "CONGRESSWOMAN" in forms
    assert "POLICE" in forms and "POLICES" not in forms  # "{}": no plural
    assert "GOLDEN GEESE" in forms and "GOLDEN GOOSES" not in forms  # explicit plural only
    assert forms["MSF"] == ("NGO", True)
    assert "DIPLOMATS" in forms and "AUTHORITIES" in forms  # generated plurals
    assert all(a.exact for a in agents)  # whole words: DIPLOMAT does not match DIPLOMATIC


def test_agent_codes_combine_the_petrarch_way() -> None:
    assert _combine("ARN", [("REL", False)]) == "ARNREL"
    assert _combine("ARN", [("NGO", True), ("GOV", False)]) == "NGOARNGOV"
    assert _combine("USAGOV", [("GOV", False)]) == "USAGOV"  # not USAGOVGOV
    assert _combine("GMWGOV", [("GOV", False), ("WGO", False)]) == "GMWGOVWGO"
    assert _combine(None, [("LEG", False)]) == "---LEG"
    assert _combine("FRO/BIL", [("GOV", False)]) == "FROGOV/BILGOV"
    assert expand_codes("FRO/BIL", "ELR/GAL", "064") == [
        ("FRO", "ELR", "064"), ("FRO", "GAL", "064"), ("BIL", "ELR", "064"), ("BIL", "GAL", "064"),
    ]


# ----------------------------------------------------------------------------- discards and issues


def test_discards_sentence_and_story(tmp_path: Path) -> None:
    discards = read_discards(write(tmp_path, "d.txt", "# note\nYEARS LATER\n+Manchester United   # pas\nBASEBALL ;x\n"))
    assert discards.sentence == (("YEARS", "LATER"), ("BASEBALL",))
    assert discards.story == (("MANCHESTER", "UNITED"),)
    assert discards.voids("IT WAS YEARS LATER".split()) == "YEARS LATER"
    assert discards.voids("MANCHESTER UNITED WON".split()) is None
    assert discards.voids("MANCHESTER UNITED WON".split(), story=True) == "MANCHESTER UNITED"


ISSUES = """<ISSUE CATEGORY="HUMAN RIGHTS" TYPE="P">
human+rights [HUMAN_RIGHTS]
n:refugee [REFUGEES]
~rights of way
</ISSUE>
"""


def test_issue_keywords_plurals_hyphens_and_exclusions(tmp_path: Path) -> None:
    issues = read_issues(write(tmp_path, "issues.txt", ISSUES))
    assert issues.issues_in("A human-rights group helped refugees.") == ("HUMAN_RIGHTS", "REFUGEES")
    assert issues.issues_in("One refugee arrived.") == ("REFUGEES",)
    assert issues.issues_in("They argued over rights of way.") == ()
    with pytest.raises(DictionaryFormatError) as caught:
        read_issues(write(tmp_path, "bad.txt", "refugee [BROKEN\n"))
    assert caught.value.line_no == 1


# ----------------------------------------------------------------------------- the verb dictionary

VERBS = """&TIETYPES
+MILITARY
+ECONOMIC
&GENINT
+GENEVA
&ACCORDSYN  # embedded synsets
+&TIETYPES
+CLOSER

--- ABANDON  [345]  ---
ABANDON
KLM_NOP_+RST [002]
- * NEW_&TIETYPES_RELATIONS [903]
- SUGGESTED_+ * DEMAND_&GENINT_CONVENTIONS  [111]
- IN_ *  [075A]
- * DIPLXMATIC  [###]  # a comment after a code made of '#'

--- DELAY [120]  [031:031]  ---
DELAY
--- LASH OUT  [122] ---
LASH OUT
"""


def test_validation_verb_file_constructs(tmp_path: Path) -> None:
    vdict = VerbDictionary.load(write(tmp_path, "v.txt", VERBS))
    accord = vdict.synset("ACCORDSYN")
    assert accord is not None and [m.words for m in accord.members] == [("MILITARY",), ("ECONOMIC",), ("CLOSER",)]
    by_line = {p.line_no: p for p in vdict.patterns["ABANDON"]}
    assert by_line[13].post == (NounPhrase((Word("NEW", True), SynsetRef("TIETYPES"), Word("RELATIONS"))),)
    assert by_line[14].pre == (NounPhrase((Word("SUGGESTED", True), Slot("+"))),)
    assert (by_line[15].code, by_line[15].pre) == ("075A", (Word("IN", True),))
    assert by_line[16].code == "###"
    assert [e.code for _, e in vdict.index["DELAYED"]] == ["120"]  # the second [code] is ignored
    lash = vdict.index["LASHED"][0]
    assert lash[0].after == ("OUT",) and lash[1].code == "122" and lash[1].block == "LASH_OUT"
    rst = vdict.index["RST"][0]
    assert rst[0].before == ("KLM", "NOP") and rst[1].code == "002"


def test_bad_verb_line_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.verbs.txt", "&SYN\n+&\n")
    with pytest.raises(DictionaryFormatError) as caught:
        VerbDictionary.load(path)
    assert caught.value.line_no == 2 and "bad.verbs.txt:2:" in str(caught.value)


def test_shipped_validation_verbs_read() -> None:
    path = REPO / "eventcoder" / "data" / "dictionaries" / "PETR.Validate.verbs.txt"
    vdict = VerbDictionary.load(path)
    assert vdict.stats()["synsets"] == 17 and vdict.stats()["patterns"] > 450
    assert not vdict.notes  # "&TIETYPES_MEMOS" is &TIETYPES then MEMOS: every synset is defined


# ----------------------------------------------------------------------------- record layouts

PETRARCH_LAYOUT = """<Validation>
<Environment>
  <Verbfile>PETR.Validate.verbs.txt</Verbfile>
  <Actorfile>PETR.Validate.actors.txt</Actorfile>
  <Include>valid DEMO AGENT</Include>
</Environment>
<Sentences>
<Sentence date="19950101" id="DEMO-00" category="DEMO">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"/>
<Text>Arnor is about to restore
 full diplomatic ties with Gondor.</Text>
<Parse>(ROOT (S ...))</Parse>
</Sentence>
<Sentence date="19950102" id="AGENT-01" category="AGENT">
<EventCoding noevents="True"/>
<Text>Nothing happened.</Text>
</Sentence>
</Sentences>
</Validation>
"""

UNIVERSAL_LAYOUT = """<Validation>
<Environment><Verbfile>v.txt</Verbfile><Actorfile>a.txt</Actorfile><Include>DEMO</Include></Environment>
<Sentences>
<Sentence date="20150101" id="DEMO-1" category="DEMO" />
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064" />
<EventCoding sourcecode="GON" targetcode="ARN" eventcode="064" />
<Text>Arnor and Gondor restored ties.</Text>
<Parse>1 Arnor ...</Parse>
<Sentence date="20150102" id="DEMO-2" category="DEMO" />
<EventCoding noevents="True" />
<Text>Quiet day.</Text>
</Sentences>
</Validation>
"""


def test_petrarch_layout(tmp_path: Path) -> None:
    env, records = read_records(write(tmp_path, "p.xml", PETRARCH_LAYOUT))
    assert env.verbs == "PETR.Validate.verbs.txt" and env.actors == ("PETR.Validate.actors.txt",)
    assert env.include == ("DEMO", "AGENT")
    first, second = records
    assert (first.id, first.category, first.date) == ("DEMO-00", "DEMO", date(1995, 1, 1))
    assert first.text == "Arnor is about to restore full diplomatic ties with Gondor."
    assert first.expected == (("ARN", "GON", "064"),) and second.expected == ()


def test_universal_petrarch_layout_self_closing_sentences(tmp_path: Path) -> None:
    env, records = read_records(write(tmp_path, "u.xml", UNIVERSAL_LAYOUT))
    assert env.include == ("DEMO",)
    assert [r.id for r in records] == ["DEMO-1", "DEMO-2"]
    assert records[0].expected == (("ARN", "GON", "064"), ("GON", "ARN", "064"))
    assert records[0].text == "Arnor and Gondor restored ties." and records[1].expected == ()


# ----------------------------------------------------------------------------- the gate


@pytest.fixture(scope="module")
def unit_test_results() -> list:
    if not UNIT_TESTS.exists():
        pytest.skip(f"PETRARCH unit-test records not found at {UNIT_TESTS} (../shared is absent)")
    from eventcoder.petrarch.runner import code_records, petrarch_pipeline

    env, records = read_records(UNIT_TESTS)
    records = [r for r in records if r.category in env.include]
    return list(code_records(records, petrarch_pipeline(env)))


def test_petrarch_unit_tests_pass_rate_floor(unit_test_results: list) -> None:
    total = score(unit_test_results)["ALL"]
    assert total.expected >= 360
    rate = pass_rate(unit_test_results)
    extra = total.extra / total.expected
    assert rate >= PASS_FLOOR - TOLERANCE, f"pass rate {rate:.1%} fell below the floor {PASS_FLOOR:.0%}"
    assert extra <= EXTRA_CEILING + TOLERANCE, f"extra rate {extra:.1%} above {EXTRA_CEILING:.0%}"


def test_petrarch_unit_tests_known_records(unit_test_results: list) -> None:
    by_id = {r.record.id: r for r in unit_test_results}
    assert by_id["DEMO-00"].produced == (("ARN", "GON", "064"),)  # subject through "is about to"
    assert by_id["AGENT-03"].passed  # NGO~ prefix and ~GOV suffix on one actor: NGOARNGOV
    assert by_id["COMPOUND-10"].passed  # THE_SHIRE [FRO/BIL/SAM] x LORIEN [ELR/GAL]: six events


def test_petrarch_unit_tests_roles_lists_and_clauses(unit_test_results: list) -> None:
    by_id = {r.record.id: r for r in unit_test_results}
    assert by_id["PATTERN-08"].produced == (("MOR", "ITH", "066"),)  # "+ * FROM $": Barad-dur is the source
    assert by_id["PATTERN-23"].produced == (("ARN", "GON", "043"),)  # "* EID AT ^ WITH +": not Osgiliath
    assert by_id["COMPOUND-07B"].passed  # "Mordor, the Shire, Fornost and Bree": an appos inside a list
    assert by_id["COMPOUND-37"].passed  # "the ambassadors of A, B and C": ARNGOV, OSGGOV, GONGOV
    assert by_id["DEMO-29"].passed  # "the roads leading into Mordor": target inside a participle
    assert by_id["DEMO-07"].passed  # "Arnor believes Dagolath and Osgiliath can cope": "that" clause
    assert by_id["PATTERN-17"].produced == (("HOB", "MOR", "027"),)  # the pattern reads into the clause
    assert by_id["VERB-08"].produced == (("ETH", "LBY", "1010"),)  # "INDICATED WOULD * NOW", "it" = Ethiopia
    assert by_id["COMPOUND-26"].passed  # "the population of Gondor of the Prince of …": Gondor only
    assert by_id["DEMO-14"].produced == (("ITH", "ROH", "173"),)  # "vowed … to wage war on the Rohans"


def test_events_carry_issue_codes() -> None:
    from eventcoder.pipeline import code_text

    events = code_text("Syria accused Turkey of human rights abuses against refugees.", published="2020-01-01")
    assert events and events[0].issues == ("HUMAN_RIGHTS", "REFUGEES")


def test_expected_error_markers_are_read_as_codings(tmp_path):
    from eventcoder.petrarch.validation import error_coding, read_records

    path = tmp_path / "records.xml"
    path.write_text(
        '<Validation><Sentences><Sentence date="19950101" id="DISCARD-01" category="ERROR">'
        '<EventCoding error="storydiscard"></EventCoding><Text>Arnor beat Gondor at baseball.</Text>'
        "</Sentence></Sentences></Validation>",
        encoding="utf-8",
    )
    _, (record,) = read_records(path)
    assert record.expected == (error_coding("storydiscard"),) == (("ERROR", "storydiscard", ""),)


def test_split_prefix_rejoined_and_self_pairs_dropped() -> None:
    from eventcoder.petrarch.runner import rejoin_prefixes

    assert rejoin_prefixes("an anti- Gondor parade") == "an anti-Gondor parade"
    assert rejoin_prefixes("pre- and post-war talks") == "pre- and post-war talks"
    assert expand_codes("GON/ARN", "GON/CAL", "081") == [("GON", "CAL", "081"), ("ARN", "GON", "081"), ("ARN", "CAL", "081")]


def test_embedded_date_range_overrides_and_includes_its_last_day(tmp_path: Path) -> None:
    text = "SAM_GAMGEE [HOB]\n\t[HOBMIL 20080120-20121109]\n\t[ORCHOB 20100109-20100112]\n\t[HOBGOV 20121109-20130119]\n"
    (sam,) = read_actors(write(tmp_path, "sam.actors.txt", text))
    assert sam.code_on(date(2010, 1, 12)) == "ORCHOB"  # last day of the narrow range
    assert sam.code_on(date(2010, 1, 13)) == "HOBMIL"
    assert sam.code_on(date(2012, 11, 9)) == "HOBGOV"  # both apply: the narrower wins


def test_petrarch_unit_tests_shared_phrases_and_governing_verbs(unit_test_results: list) -> None:
    by_id = {r.record.id: r for r in unit_test_results}
    assert by_id["COMPOUND-09"].passed  # "Lawmakers and officials in Fornost and Gondor": four agents
    assert by_id["COMPOUND-20"].passed  # "Ithilen's sheep and goats of Gondor": "of Gondor" is the goats'
    assert by_id["COMPOUND-28"].passed  # "Gondor and Arnor's Elrond": the possessors
    assert by_id["DEMO-11"].passed  # "Eriadori and Calenardhon leaders": both
    assert by_id["COMPOUND-32"].produced[:3] == (("ARN", "CAL", "081"), ("ARN", "GON", "081"), ("GON", "CAL", "081"))
    assert by_id["PATTERN-22"].produced == (("ERI", "MOR", "046"),)  # "+ HOSTING * MAY_DAY $" from "celebrate"
    assert by_id["DEMO-10"].produced == (("GONGOV", "MORMIL", "115"),)  # "NOTED + *": the noter acts
    assert by_id["PATTERN-10"].produced == (("GON", "HOB", "075"),)  # "was seen to break in": Gollum acts
    assert by_id["PATTERN-30"].passed and by_id["DATE-11"].passed


def test_config_elements_between_records_set_require_dyad(tmp_path: Path) -> None:
    from eventcoder.petrarch.validation import read_records

    path = tmp_path / "records.xml"
    path.write_text(
        "<Validation><Sentences>"
        '<Sentence date="19950101" id="A-1" category="DEMO"><EventCoding noevents="True"/><Text>One.</Text></Sentence>'
        '<Config option="require_dyad" value="FALSE"></Config>'
        '<Sentence date="19950101" id="A-2" category="DEMO"><EventCoding noevents="True"/><Text>Two.</Text></Sentence>'
        '<Config option="require_dyad" value="true"></Config>'
        '<Sentence date="19950101" id="A-3" category="DEMO"><EventCoding noevents="True"/><Text>Three.</Text></Sentence>'
        "</Sentences></Validation>",
        encoding="utf-8",
    )
    _, records = read_records(path)
    assert [r.require_dyad for r in records] == [True, False, True]
