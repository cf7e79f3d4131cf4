"""A naming verb with an object predicate judges its object: "Macron called Chinese subsidies
'unbearable'" is CAMEO 111 (criticize or denounce, ACCUSE), not CALL's default phone call (040).
Patterns of the verb still win ("called for", "called on"), and a plain call stays a call."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from eventcoder.records import Article


def _candidates(gate_pipeline, text: str) -> set[tuple[str, str | None, str, str]]:
    collecting = replace(gate_pipeline, collector=[])
    collecting.code_article(Article(id="p", headline="", text=text, published=date(2025, 3, 12), origin="<test>"))
    assert collecting.collector is not None
    return {(e.source.actor.country or "-", e.target.actor.country if e.target else None, e.cameo.code, e.method.split(";")[0])
            for e, _ in collecting.collector if e.method.startswith("dictionary")}


def test_called_the_object_an_adjective_is_a_denunciation(gate_pipeline) -> None:
    found = _candidates(gate_pipeline, 'On Wednesday, French President Emmanuel Macron in Berlin called Chinese subsidies "unbearable."')
    assert ("FRA", "CHN", "111", "dictionary:5482:CALL predicative-default (verb default)") in found
    assert not any(code == "040" for *_, code, _ in found)
    found = _candidates(gate_pipeline, 'Afghanistan\'s Ministry of Foreign Affairs called Pakistan\'s assertions "baseless," in a statement Thursday.')
    assert ("AFG", "PAK", "111", "dictionary:5482:CALL predicative-default (verb default)") in found


def test_patterns_and_plain_calls_keep_their_codes(gate_pipeline) -> None:
    found = _candidates(gate_pipeline, "The United States called on China to lift the travel ban.")
    assert ("USA", "CHN", "020", "dictionary:5498:CALL - * (ON) [020]") in found and not any(c == "111" for *_, c, _ in found)
    found = _candidates(gate_pipeline, "Turkish President Recep Tayyip Erdogan called French President Emmanuel Macron on Monday.")
    assert found and not any(code == "111" or "predicative" in how for *_, code, how in found)
