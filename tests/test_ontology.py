"""CAMEO and PLOVER code tables built from the official CAMEO2PLOVER table and GDELT scales."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventcoder.errors import ResourceError
from eventcoder.events.ontology import CodeTables


@pytest.fixture(scope="module")
def tables() -> CodeTables:
    return CodeTables.load()


def test_sign_formal_agreement_is_support(tables: CodeTables) -> None:
    info = tables.cameo("057")
    assert (info.name, info.root, info.plover_type, info.plover_context) == (
        "Sign formal agreement", "05", "SUPPORT", "diplomatic")
    assert info.quad_class == 1  # GDELT: verbal cooperation
    assert info.goldstein == 8.0 and info.penta_class == 1


def test_intent_to_give_military_aid_is_agree_military(tables: CodeTables) -> None:
    info = tables.cameo("0332")
    assert (info.plover_type, info.plover_mode, info.plover_context) == ("AGREE", None, "military")


def test_criticize_is_accuse_disapprove(tables: CodeTables) -> None:
    info = tables.cameo("111")
    assert (info.plover_type, info.plover_mode) == ("ACCUSE", "disapprove")
    assert info.quad_class == 3


def test_visit_is_consult_visit(tables: CodeTables) -> None:
    assert (tables.cameo("042").plover_type, tables.cameo("042").plover_mode) == ("CONSULT", "visit")


def test_conventional_force_is_negative_material_conflict(tables: CodeTables) -> None:
    info = tables.cameo("190")
    assert info.goldstein < 0 and info.goldstein == -10.0
    assert info.quad_class == 4 and info.plover_type == "ASSAULT"


def test_several_contexts_are_pipe_separated(tables: CodeTables) -> None:
    assert tables.cameo("091").plover_context == "crime|corruption"


def test_cross_type_lines_follow_the_official_table(tables: CodeTables) -> None:
    # Listed under COERCE / SANCTION headers but mapped elsewhere by the official table.
    assert tables.cameo("1712").plover_type == "ASSAULT"
    assert tables.cameo("163").plover_type == "SANCTION"  # the manual's prose (PLOVER_CHOICES), as the article gold codes it


def test_manual_prose_choices_override_the_table(tables: CodeTables) -> None:
    assert tables.cameo("020").plover_type == "REQUEST"
    assert tables.cameo("0231").plover_type == "REQUEST"
    assert tables.cameo("055").plover_type == "CONCEDE"
    assert tables.cameo("0831").plover_mode == "resign"
    assert tables.cameo("175").plover_type == "ASSAULT"


def test_statements_have_no_plover_equivalent(tables: CodeTables) -> None:
    assert tables.cameo("010").plover_type is None
    assert tables.cameo("01").plover_type is None


def test_root_codes(tables: CodeTables) -> None:
    assert tables.cameo("10").name == "DEMAND"
    assert tables.cameo("10").plover_type == "REQUEST"
    assert tables.cameo("19").root == "19"


def test_unknown_and_unpadded_codes(tables: CodeTables) -> None:
    with pytest.raises(ResourceError):
        tables.cameo("57")
    with pytest.raises(ResourceError):
        tables.cameo("999")
    assert tables.is_valid("057") and tables.is_valid("10")
    assert not tables.is_valid("57") and not tables.is_valid("")


def test_every_code_is_known(tables: CodeTables) -> None:
    assert len(tables.cameo_codes) == 311
    assert all(info.root == code[:2] for code, info in tables.cameo_codes.items())


@pytest.mark.parametrize(
    ("name", "default_cameo"),
    [("AGREE", "030"), ("CONSULT", "040"), ("SUPPORT", "050"), ("COOPERATE", "060"), ("AID", "070"),
     ("ACCUSE", "110"), ("REQUEST", "100"), ("ASSAULT", "180")],
)
def test_plover_default_cameo(tables: CodeTables, name: str, default_cameo: str) -> None:
    assert tables.plover_type(name).default_cameo == default_cameo
    assert tables.cameo(default_cameo).plover_type == name


def test_plover_types(tables: CodeTables) -> None:
    assert len(tables.plover_types) == 16
    accuse = tables.plover_type("accuse")
    assert accuse.score == -3.0  # the manual's +3.0 is a typo
    assert accuse.quad_category == "VERBAL CONFLICT" and not accuse.requires_recipient
    assert tables.plover_type("AID").requires_recipient
    with pytest.raises(ResourceError):
        tables.plover_type("FIGHT")


def test_plover_scores(tables: CodeTables) -> None:
    assert tables.plover_score("CONSULT") == 2.5
    assert tables.plover_score("CONSULT", "visit") == 4.0
    assert tables.plover_score("ASSAULT", "aerial") == -9.5
    # A mode with no score of its own falls back to its type's.
    assert tables.plover_score("ASSAULT", "massacre") == -9.0


def test_load_from_other_dir_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "cameo.tsv").write_text("wrong\theader\n", encoding="utf-8")
    with pytest.raises(ResourceError):
        CodeTables.load(tmp_path)
