""""Called for X to do Y": the "for" clause's subject is the one asked, and what it is asked to do is
not coded as done (real sentences from VOA stories, through the real pipeline)."""

from __future__ import annotations

from conftest import candidates_before_gate


def _candidates(pipeline, text: str) -> set[tuple[str, str, str]]:
    """(source text, target text, PLOVER type or CAMEO code) of every candidate before the gate."""
    return {(e.source.text, e.target.text if e.target else "", e.cameo.plover_type or e.cameo.code)
            for e in candidates_before_gate(pipeline, text)}


def test_called_for_is_a_request_to_the_clause_subject(gate_pipeline) -> None:
    pushed = _candidates(gate_pipeline, "Pakistan pushed for India to withdraw its troops from the border.")
    assert ("Pakistan", "India", "REQUEST") in pushed
    assert not any(source == "India" for source, _, _ in pushed)  # the withdrawal is asked for, not done


def test_called_for_with_no_actor_is_still_a_request(gate_pipeline) -> None:
    text = ("Nop Vy, the executive director of the Cambodian Journalists Alliance Association, spoke on Friday. "
            "He called for the charge to be dropped so that Mech Dara has full freedom.")
    found = _candidates(gate_pipeline, text)
    assert any(source == "He" and kind == "REQUEST" for source, _, kind in found)
    assert not any(source == "He" and kind == "CONSULT" for source, _, kind in found)  # not a phone call
