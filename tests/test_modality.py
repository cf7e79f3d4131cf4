"""Modality on real parses, and the future → intent code table."""

from __future__ import annotations

import pytest

from eventcoder.events.modality import intent_code, modality_of


@pytest.mark.parametrize(
    ("text", "verb", "expected"),
    [
        ("Iran signed the agreement.", "signed", "asserted"),
        ("Iran did not sign the agreement.", "sign", "negated"),
        ("Iran never signed the agreement.", "signed", "negated"),
        ("Iran will sign the agreement.", "sign", "future"),
        ("Iran plans to sign the agreement.", "sign", "future"),
        ("Iran is going to sign the agreement.", "sign", "future"),
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
