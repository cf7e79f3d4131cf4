"""The gate's named features on real sentences: what a candidate carries into the gate."""

from __future__ import annotations

from datetime import date

from eventcoder.pipeline import code_text


def _features(pipeline, text: str, published: date) -> list[tuple[object, tuple[str, ...]]]:
    pipeline.collector = []
    try:
        code_text(text, published=published, pipeline=pipeline)
        return list(pipeline.collector)
    finally:
        pipeline.collector = None


def test_whether_a_country_acts_on_itself_is_read_with_the_target_the_actor_and_the_act(gate_pipeline) -> None:
    found = _features(gate_pipeline, "Somali security forces arrested three journalists in Mogadishu on Monday.", date(2021, 5, 3))
    arrests = [f for e, f in found if e.cameo.plover_type == "COERCE" and e.target is not None
               and e.target.actor.country == "SOM"]
    assert arrests, [(e.cameo.code, e.method) for e, _ in found]
    assert all({"dyad=same", "dyad=same|type=COERCE", "dyad=same|target=explicit", "dyad=same|src_sector=COP"} <= set(f)
               for f in arrests)
    found = _features(gate_pipeline, "Turkish President Recep Tayyip Erdogan condemned Israel on Monday.", date(2021, 5, 10))
    accusations = [f for e, f in found if e.cameo.plover_type == "ACCUSE" and e.target is not None]
    assert accusations and all({"dyad=diff|type=ACCUSE", "dyad=diff|target=explicit"} <= set(f) for f in accusations)


def test_gate_decision_is_the_same_in_any_feature_order() -> None:
    """Equal weights are ranked by name, and the sum runs in name order: the decision and its
    reasons do not depend on set order (PYTHONHASHSEED)."""
    from eventcoder.extract.gate import Gate

    gate = Gate({"bias": 0.1, "lemma=say": 0.5, "dep=ROOT": 0.5, "type=ACCUSE": -0.5}, 0.5)
    one = gate.decide(["bias", "lemma=say", "dep=ROOT", "type=ACCUSE"])
    two = gate.decide(["type=ACCUSE", "dep=ROOT", "bias", "lemma=say"])
    assert one == two and one.reasons == ("dep=ROOT+0.5", "lemma=say+0.5", "type=ACCUSE-0.5")
