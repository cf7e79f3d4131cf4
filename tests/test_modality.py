"""Modality on real parses, and the future → intent code table."""

from __future__ import annotations

import pytest

from eventcoder.events.modality import intent_code, is_refusal, modality_of


@pytest.mark.parametrize(
    ("text", "verb", "expected"),
    [
        ("Iran signed the agreement.", "signed", "asserted"),
        ("Iran did not sign the agreement.", "sign", "negated"),
        ("Iran never signed the agreement.", "signed", "negated"),
        ("Iran will sign the agreement.", "sign", "future"),
        ("Iran plans to sign the agreement.", "sign", "future"),
        ("Iran is going to sign the agreement.", "sign", "future"),
        # a decision taken reports the act: "DHS officials decided to remove all 40 migrants"
        ("Officials decided to remove all 40 migrants from the base.", "remove", "asserted"),
        ("Iran would sign the agreement.", "sign", "hypothetical"),
        ("If the U.S. attacks Iran, Iran will respond.", "attacks", "hypothetical"),
    ],
)
def test_modality(pipeline, text, verb, expected):
    doc = pipeline.nlp(text)
    token = next(t for t in doc if t.text == verb)
    assert modality_of(token) == expected


@pytest.mark.parametrize(
    ("code", "intent"),
    [("072", "0332"), ("0721", "0332"), ("061", "0311"), ("062", "0312"), ("042", "036"), ("057", "030"), ("190", "138"), ("111", None)],
)
def test_intent_codes(code, intent):
    assert intent_code(code) == intent


@pytest.mark.parametrize(
    ("text", "verb", "refusal"),
    [
        ("Israel will not release prisoners and detainees who acted against the laws of war.", "release", True),
        ("The president said his administration would never recognise the self-declared republic.", "recognise", True),
        ("Kenya won't attend the hearing in The Hague.", "attend", True),
        ("Iran did not sign the agreement.", "sign", False),  # a report that it did not happen
        ("If this happens, Turkey will not buy any more U.S. combat aircraft.", "buy", False),  # a threat
        ("The ministry would not comment on the report.", "comment", False),
        ("Iran will sign the agreement.", "sign", False),
    ],
)
def test_refusals(pipeline, text, verb, refusal):
    doc = pipeline.nlp(text)
    token = next(t for t in doc if t.text == verb)
    assert is_refusal(token) is refusal


def test_gate_path_offers_a_refusal_as_reject(gate_pipeline):
    from datetime import date

    from eventcoder.records import Article

    text = "Israel will not release prisoners and detainees who acted against the laws of war."
    result = gate_pipeline.code_article(Article(id="r", headline="", text=text, published=date(2020, 1, 1), origin="r.txt"))
    rejects = [e for e in result.events if e.cameo.code.startswith("12")]
    assert rejects and all("refusal" in e.method and e.source.text == "Israel" for e in rejects)
