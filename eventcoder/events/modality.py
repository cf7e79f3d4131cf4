"""Modality of a predicate: asserted, future (intent), negated or hypothetical.

PLOVER codes cooperative actions reported in the future tense (CONSULT, SUPPORT, COOPERATE,
AID) as AGREE — an expressed intent; CAMEO has the matching 03x codes. Negated and
hypothetical predicates are not coded as events.
"""

from __future__ import annotations

from typing import Any

from ..records import Modality

_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "should", "must"})
_NEGATORS = frozenset({"not", "n't", "never", "no"})
_INTENT_VERBS = frozenset("plan intend pledge promise vow agree offer expect aim hope seek want prepare".split())
_CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})

# CAMEO code prefix of an action → the CAMEO "express intent to …" code for it (longest prefix wins).
INTENT_CODES: dict[str, str] = {
    "04": "036", "05": "032", "057": "030",
    "06": "031", "061": "0311", "062": "0312", "063": "0313", "064": "0314",
    "07": "033", "071": "0331", "072": "0332", "073": "0333", "074": "0334",
    "08": "035", "081": "0351", "082": "0352", "083": "034", "084": "0353", "085": "0354",
    "086": "0355", "087": "0356",
    "15": "138", "18": "138", "19": "138", "20": "138", "17": "137", "16": "131",
}


def intent_code(code: str) -> str | None:
    """The 03x/13x code for a future action with CAMEO ``code``; None if it keeps its own code."""
    for n in range(len(code), 1, -1):
        hit = INTENT_CODES.get(code[:n])
        if hit:
            return hit
    return None


_REFUSING_AUX = frozenset({"will", "would", "shall", "wo"})  # "would not withdraw", "won't recognise"
# negated with a modal, these are no refusal: "would not comment", "will not hesitate to …" (a threat)
_NOT_REFUSALS = frozenset("say comment elaborate disclose confirm reveal specify identify name speculate hesitate rule".split())
REFUSAL_CODE = "120"  # CAMEO: reject, not specified below


def _has_negator(children: list[Any]) -> bool:
    return any(c.dep_ == "neg" or (c.lower_ in _NEGATORS and c.dep_ in {"advmod", "neg"}) for c in children)


def is_refusal(verb: Any) -> bool:
    """A predicate negated with a volitional modal is a refusal: "would never recognise", "will not
    release the prisoners" (the article conventions: REJECT even when phrased with a negation),
    unlike a report that something did not happen ("did not agree"), or a condition's consequence
    ("If this happens, Turkey will not buy any more U.S. aircraft" is a threat)."""
    kids = list(verb.children)
    negated = _has_negator(kids)
    modal = any(c.dep_ == "aux" and c.lower_ in _REFUSING_AUX for c in kids)
    conditional = any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONAL_MARKS for m in c.children)
                      for c in kids)
    return negated and modal and not conditional and verb.lemma_.lower() not in _NOT_REFUSALS


def _clause_chain(verb: Any) -> list[Any]:
    """The verb and the verbs it hangs from through control/coordination (not through speech)."""
    chain = [verb]
    node = verb
    while node.dep_ in {"xcomp", "conj"} and node.head.i != node.i:
        node = node.head
        chain.append(node)
    return chain


def modality_of(verb: Any) -> Modality:
    """Classify one predicate token (spaCy Token interface)."""
    chain = _clause_chain(verb)
    for node in chain:
        if _has_negator(list(node.children)):
            return "negated"
    for node in _ancestors(verb):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in node.children):
            return "hypothetical"
    for node in chain:
        aux = {c.lower_ for c in node.children if c.dep_ in {"aux", "auxpass"}}
        if aux & _HYPOTHETICAL_AUX:
            return "hypothetical"
        if aux & _FUTURE_AUX:
            return "future"
        if any(c.lower_ == "going" for c in node.children if c.dep_ == "aux"):
            return "future"
    if any(node.lower_ == "going" for node in chain[1:]):  # "is going to sign"
        return "future"
    if len(chain) > 1 and chain[-1].lemma_.lower() in _INTENT_VERBS:
        return "future"
    return "asserted"


def _ancestors(verb: Any) -> list[Any]:
    """The verb and its clause ancestors up to (not including) a speech verb or the root."""
    out = [verb]
    node = verb
    while node.head.i != node.i and node.dep_ in {"xcomp", "conj", "advcl", "ccomp", "relcl", "pcomp"}:
        if node.dep_ == "ccomp":
            break
        node = node.head
        out.append(node)
    return out
