"""Every ordered pair of actors in a sentence as a candidate, typed by the pair model.

The parse and the verb dictionary find the pairs a verb pattern links; many events are told
otherwise ("drew criticism from rights groups", "a visit to South Africa", "Israeli forces
fired tear gas at Palestinian demonstrators"). For each ordered pair of coded actor mentions
that no dictionary pair already covers, the fine-tuned pair model reads the sentence with the
two marked and names a PLOVER type; the candidate carries that type's default CAMEO code, the
predicate that governs the source, and ``pair:any-pair`` in ``method``. The gate decides.
"""

from __future__ import annotations

from itertools import permutations
from typing import Any

from ..events.coding import Coded
from ..events.modality import intent_code, modality_of
from ..events.ontology import CodeTables
from ..records import Mention
from ..relations import ActorTable, Triple, find_attribution, find_quote
from .features import phrase_head

ANY_PAIR = "any-pair"
_UNCODED = frozenset({"negated", "hypothetical"})  # modalities no pair candidate is offered for
MAX_MENTIONS = 6  # the first six coded mentions of a sentence: at most 30 ordered pairs


def governing_predicate(tokens: frozenset[int], doc: Any) -> Any:
    """The nearest verb above the phrase's head (the sentence root when there is none)."""
    node = phrase_head(tokens, doc)
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
    return node


_ACTING_ENTS = frozenset({"GPE", "NORP", "ORG", "PERSON"})


def acts(head: Any, mention: Any) -> bool:
    """Whether a mention can be a party at all: a role, a person, a body, or a name of a state —
    not a thing a country word merely describes ("Israel's crackdown", "a Turkish-owned ship")."""
    if mention.actor.sectors or mention.resolved_by.split("+")[0] in ("person", "igo", "ngo", "pronoun", "coreference", "unknown") \
            or "+conjoined:" in mention.resolved_by:
        return True
    return head.pos_ == "PROPN" or head.ent_type_ in _ACTING_ENTS


_SOURCE_DEPS = frozenset({"nsubj", "poss", "compound", "amod", "nmod"})


def raised(head: Any) -> Any | None:
    """The verb a passive subject is the agent of when a raising verb stands between them: "Rubio
    is expected to meet …", "He is scheduled to travel to Canada" (Rubio meets, he travels)."""
    if head.dep_ != "nsubjpass":
        return None
    return next((c for c in head.head.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)


def plausible(source: frozenset[int], target: frozenset[int], verb: Any, doc: Any) -> bool:
    """A source that acts: the subject of its predicate (a passive one only under a raising verb:
    see :func:`raised`), the "by" agent of a passive, or the possessor/modifier of an event noun
    ("Israel's strikes"); and a target inside what that predicate governs."""
    head = phrase_head(source, doc)
    agent = head.dep_ == "pobj" and head.head.dep_ == "agent"
    if head.dep_ not in _SOURCE_DEPS and not agent and raised(head) is None:
        return False
    scope = {t.i for t in verb.subtree}
    return min(target) in scope


def _overlap(a: frozenset[int], b: frozenset[int]) -> bool:
    return bool(a & b) or not (max(a) < min(b) or max(b) < min(a))


def _stands_for(pronoun: Mention, named: Mention) -> bool:
    """Whether ``pronoun`` was resolved to ``named`` itself ("I" in Ford's quotation, "he" after Ford)."""
    return pronoun.resolved_by.split(":", 1)[0] in ("pronoun", "quote-speaker") and pronoun.resolved_by.split(":", 1)[1:] == [named.text]


def pair_candidates(
    sent: Any, sentence_index: int, actors: ActorTable, covered: set[tuple[int, int]], coder: Any, tables: CodeTables,
) -> list[Coded]:
    """Pair-model candidates for the sentence's coded actor pairs not in ``covered``.

    ``covered``: (first source token, first target token) of pairs the dictionary already coded,
    and (predicate token, first source token) of predicates whose object the parse already found:
    another actor deeper under the same predicate is not offered as its target.
    """
    from ..learned.recode import default_code, mark_pair

    doc = sent.doc
    mentions = [(i, m, toks) for i, (m, toks) in sorted(actors.items()) if m.actor.code is not None and toks and acts(doc[i], m)]
    mentions = mentions[:MAX_MENTIONS]
    rows: list[tuple[Any, Any, Any, str]] = []  # source, target, predicate, marked text
    for (_, s_m, s_toks), (_, t_m, t_toks) in permutations(mentions, 2):
        if _overlap(s_toks, t_toks) or (min(s_toks), min(t_toks)) in covered:
            continue
        verb = governing_predicate(s_toks, doc)
        if (verb.i, min(s_toks)) in covered or not plausible(s_toks, t_toks, verb, doc):
            continue
        verb = raised(phrase_head(s_toks, doc)) or verb
        if s_m.actor.code == t_m.actor.code and (s_m.text == t_m.text or _stands_for(s_m, t_m) or _stands_for(t_m, s_m)):
            continue
        marked = mark_pair(sent, s_toks, t_toks)
        if marked:
            rows.append(((s_m, s_toks), (t_m, t_toks), verb, marked))
    modes = [modality_of(verb) for _, _, verb, _ in rows]
    if all(mode in _UNCODED for mode in modes):  # nothing to offer: the model need not read them
        return []
    # one batch for the sentence's pairs: 8-bit activation scales depend on what is batched together,
    # so the batch is every plausible pair (negated ones included) and only then are those dropped
    decisions = coder.decide([r[-1] for r in rows], [None] * len(rows), [None] * len(rows))
    out: list[Coded] = []
    for ((s_m, s_toks), (t_m, t_toks), verb, _), mode, decision in zip(rows, modes, decisions):
        if mode in _UNCODED:
            continue
        code = default_code(tables, decision.root)
        if mode == "future":
            code = intent_code(code) or code
        triple = Triple(sentence_index, verb.i, s_m, t_m, s_toks, t_toks, ANY_PAIR,
                        find_attribution(verb, actors, sent), find_quote(verb, sent))
        method = f"pair-model:{ANY_PAIR}; learned {decision.root} p={decision.probability:.2f} proposes {code}"
        out.append(Coded(triple, code, method, mode, round(decision.probability, 3)))
        second = runner_up(decision, tables, mode)
        if second is not None:
            out.append(Coded(triple, second[0], f"pair-model:{ANY_PAIR}; {second[1]}", mode, second[2]))
    return out


SECOND_FLOOR = 0.1  # the pair model's runner-up reading is offered to the gate from this probability


def runner_up(decision: Any, tables: CodeTables, mode: str) -> tuple[str, str, float] | None:
    """(CAMEO code, method note, probability) of the pair model's second reading of a pair, when
    it is likely enough to be worth the gate's look: "condemned the arrest and urged its
    release" is ACCUSE first, REQUEST second, and often both."""
    from ..learned.recode import default_code

    if decision.second is None or decision.second_probability < SECOND_FLOOR:
        return None
    code = default_code(tables, decision.second)
    if mode == "future":
        code = intent_code(code) or code
    note = (f"learned {decision.root} p={decision.probability:.2f}, runner-up {decision.second} "
            f"p={decision.second_probability:.2f} proposes {code}")
    return code, note, round(decision.second_probability, 3)
