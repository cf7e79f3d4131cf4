"""Reading PETRARCH-2 verb dictionaries: the shipped CAMEO.2.0.txt and small files of our own."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import cameo_path

from eventcoder.errors import DictionaryFormatError, ResourceError
from eventcoder.events.verbdict import (
    NounPhrase,
    PrepPhrase,
    Slot,
    SynsetRef,
    VerbDictionary,
    VerbForm,
    Word,
    parse_code,
    parse_elements,
    regular_forms,
)

REPO = Path(__file__).resolve().parents[1]




def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SMALL = """\
&TREATY
+TREATY
+ACCORD
+WRITTEN_AGREEMENT

&AUX_
+WAS

---  SIGN   [---]  ---
SIGN   # a comment
INK [057]
- * &TREATY (IN ^) (WITH)        [057:057]     # SIGN
- * {PEACE DEAL}                 [057]
- $ * DEAL_ +                    [060]
- * (BEFORE COURT)               [:173]

---  STRENGTHEN   [---]  ---
+BEEF_UP  [174]
+BUILD_UP {+BUILDS_UP +BUILDING_UP +BUILT_UP }
RE_+ARREST
HURRY {HURRIES HURRYING HURRIED }

######## TRANSFORMATIONS ##########
~ a (a b ATTACK) SAY = a b 015
"""


# ----------------------------------------------------------------------------- small pieces


def test_parse_code_forms() -> None:
    assert parse_code("057") == ("057", None)
    assert parse_code("042:043") == ("042", "043")
    assert parse_code(":173") == (None, "173")
    assert parse_code("---") == (None, None)
    assert parse_code("080!") == ("080", None)
    # the PETRARCH validation dictionary's non-CAMEO codes are kept as written
    assert parse_code("075A") == ("075A", None) and parse_code("+++") == ("+++", None)
    assert parse_code("025?") == ("025?", None)
    with pytest.raises(ValueError):
        parse_code("05;7")


def test_regular_forms_follow_english_spelling() -> None:
    assert regular_forms("SIGN") == ("SIGN", "SIGNS", "SIGNED", "SIGNING")
    assert regular_forms("DENY") == ("DENY", "DENIES", "DENIED", "DENYING")
    assert regular_forms("DEPLOY") == ("DEPLOY", "DEPLOYS", "DEPLOYED", "DEPLOYING")
    assert regular_forms("PROMISE") == ("PROMISE", "PROMISES", "PROMISED", "PROMISING")
    assert "AGREEING" in regular_forms("AGREE") and "TYING" in regular_forms("TIE")
    assert {"STOPPED", "STOPPING"} <= set(regular_forms("STOP"))
    assert "VISITED" in regular_forms("VISIT") and "PUSHES" in regular_forms("PUSH")


def test_parse_elements_structure() -> None:
    got = parse_elements("{&MILITARY TREATY_} (OF {&SECURITY FORCES}) $ ^ DEBT_RELIEF")
    assert got == (
        NounPhrase((SynsetRef("MILITARY"), Word("TREATY", exact=True))),
        PrepPhrase("OF", (NounPhrase((SynsetRef("SECURITY"), Word("FORCES"))),)),
        Slot("$"),
        Slot("^"),
        NounPhrase((Word("DEBT", exact=True), Word("RELIEF"))),
    )


# ----------------------------------------------------------------------------- a small file


def test_small_file_reads_every_kind_of_line(tmp_path: Path) -> None:
    vdict = VerbDictionary.load(write(tmp_path, "small.txt", SMALL))
    assert vdict.stats() == {
        "verbs": 6,
        "verb_forms": 24,
        "blocks": 2,
        "patterns": 4,
        "synsets": 2,
        "transformations": 1,
    }
    treaty = vdict.synset("TREATY")
    assert treaty is not None and ("WRITTEN", "AGREEMENT") in [m.words for m in treaty.members]
    assert vdict.synset("AUX") is not None and all(m.exact for m in vdict.synset("AUX").members)

    sign = next(p for p in vdict.patterns["SIGN"] if p.line_no == 12)
    assert (sign.code, sign.reciprocal, sign.text) == ("057", "057", "- * &TREATY (IN ^) (WITH) [057:057]")
    assert sign.post == (SynsetRef("TREATY"), PrepPhrase("IN", (Slot("^"),)), PrepPhrase("WITH", ()))
    court = next(p for p in vdict.patterns["SIGN"] if p.line_no == 15)
    assert (court.code, court.reciprocal) == (None, "173")

    ink = [pair for pair in vdict.index["INKED"]]
    assert ink[0][1].code == "057" and ink[0][1].own_code
    assert [e.code for _, e in vdict.index["SIGNING"]] == [None]


def test_multi_word_and_irregular_forms(tmp_path: Path) -> None:
    vdict = VerbDictionary.load(write(tmp_path, "small.txt", SMALL))
    beef = {form for form, _ in vdict.index["BEEFED"]}
    assert beef == {VerbForm("BEEFED", (), ("UP",))}
    assert vdict.index["BEEF"][0][1].code == "174"
    assert VerbForm("BUILT", (), ("UP",)) in {form for form, _ in vdict.index["BUILT"]}
    assert "BUILDED" not in vdict.index  # explicit forms: nothing generated
    assert VerbForm("ARRESTED", ("RE",), ()) in {form for form, _ in vdict.index["ARRESTED"]}
    assert "HURRIED" in vdict.index and "HURRYED" not in vdict.index


def test_transformations_are_kept(tmp_path: Path) -> None:
    vdict = VerbDictionary.load(write(tmp_path, "small.txt", SMALL))
    (rule,) = vdict.transformations
    assert rule.lhs == ("a", ("a", "b", "ATTACK"), "SAY")
    assert rule.rhs == ("a", "b", "015")
    assert rule.line_no == 24


@pytest.mark.parametrize(
    ("text", "line_no", "why"),
    [
        ("---  SIGN  [---]  ---\nSIGN\n- * {PEACE DEAL [057]\n", 3, "'{' without '}'"),
        ("---  SIGN  [---]  ---\nSIGN\n- * DEAL [05;7]\n", 3, "bad code"),
        ("---  SIGN  [---]  ---\nSIGN\n- * DEAL * [057]\n", 3, "exactly one '*'"),
        ("---  SIGN  [---]  ---\nSIGN\n- * (WITH FOO [057]\n", 3, "'(' without ')'"),
        ("# header\nSIGN\n", 2, "before any"),
        ("---  SIGN  [---]  ---\nSIGN_+HURRY +HURRY\n", 2, "one verb"),
        ("---  SIGN  [---]  ---\n\n~ a (a b ATTACK SAY = a b\n", 3, "unbalanced"),
    ],
)
def test_bad_lines_raise_with_line_number(tmp_path: Path, text: str, line_no: int, why: str) -> None:
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(DictionaryFormatError) as caught:
        VerbDictionary.load(path)
    assert caught.value.line_no == line_no
    assert caught.value.path == str(path)
    assert why in str(caught.value) and f"bad.txt:{line_no}:" in str(caught.value)


def test_missing_file_is_a_resource_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="cannot read verb dictionary"):
        VerbDictionary.load(tmp_path / "nope.txt")


def test_later_files_add_and_override(tmp_path: Path) -> None:
    base = write(tmp_path, "base.txt", SMALL)
    extra = write(
        tmp_path,
        "extra.txt",
        "&TREATY\n+CONVENTION\n\n---  SIGN   [---]  ---\nRATIFY [057]\n- * {PEACE DEAL}   [036]\n- * LETTER  [040]\n",
    )
    vdict = VerbDictionary.load(base, extra)
    peace = [p for p in vdict.patterns["SIGN"] if p.key == ("SIGN", "- * {PEACE DEAL}")]
    assert [(p.code, p.path) for p in peace] == [("036", str(extra))]
    assert len(vdict.patterns["SIGN"]) == 5
    assert vdict.index["RATIFIED"][0][1].block == "SIGN"
    assert ("CONVENTION",) in [m.words for m in vdict.synset("TREATY").members]


def test_undefined_synset_pattern_is_dropped_with_a_note(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", "---  SIGN  [---]  ---\nSIGN\n- * &NOPE [057]\n- * DEAL [057]\n")
    vdict = VerbDictionary.load(path)
    assert [p.line_no for p in vdict.patterns["SIGN"]] == [4]
    assert vdict.notes == (f"{path}:3: pattern ignored, undefined synset &NOPE",)


# ----------------------------------------------------------------------------- the shipped file


def test_cameo_loads_fast_and_completely() -> None:
    start = time.perf_counter()
    vdict = VerbDictionary.load(cameo_path())
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0  # about 0.2 s on the dev machine
    stats = vdict.stats()
    assert stats["synsets"] == 40 and stats["transformations"] == 8
    assert stats["verbs"] > 1800 and stats["patterns"] > 4300 and stats["blocks"] > 390


def test_cameo_entries(cameo: VerbDictionary) -> None:
    visit = cameo.index["VISITED"][0][1]
    assert (visit.block, visit.code, visit.reciprocal) == ("VISIT", "042", "043")
    accuse = cameo.index["ACCUSE"][0][1]
    assert (accuse.block, accuse.code, accuse.own_code) == ("BLAME", "112", True)
    assert cameo.index["SPED"][0][1].block == "ACCELERATE"
    sign = cameo.index["SIGN"][0][1]
    assert (sign.code, sign.reciprocal) == (None, None)  # SIGN's block code is [---]
    treaty = cameo.synset("TREATY")
    assert treaty is not None and {m.words for m in treaty.members} >= {("PACT",), ("WRITTEN", "AGREEMENT")}


def test_cameo_known_defects_are_noted(cameo: VerbDictionary) -> None:
    notes = "\n".join(cameo.notes)
    # "&FIGHT_CRIM" reads as &FIGHT then CRIM (PETRARCH splits pattern words on "_"): no note
    assert "&FIGHT_CRIM" not in notes
    assert ":2374: stray ')'" in notes


def test_pattern_words_written_against_the_verb() -> None:
    from eventcoder.events.verbdict import parse_pattern

    tight = parse_pattern("ALLOW", " RECENTLY_*  [025]", 1, "x.txt")
    assert tight.tight_pre and not tight.tight_post and tight.pre == (Word("RECENTLY", True),)
    loose = parse_pattern("ALLOW", " RECENTLY *  [025]", 2, "x.txt")
    assert not loose.tight_pre
    assert parse_pattern("LASH", " *_OUT AT +  [120]", 3, "x.txt").tight_post
