"""Events told by a noun: "a visit to South Africa", "talks with Ukrainian officials", "an air
strike by government forces on Idlib", "sanctions on Iran", "the arrest of Mech Dara", "an
investigation into Huawei", "an ultimatum to Greece", "drew criticism from the UN" (its "from"
names the agent, and the verb's subject is the party).

The verb dictionary reads verbs; these nouns carry an event of their own type. An event noun
(``EVENT_NOUNS``: lemma → CAMEO code and the prepositions that name its other party) links the
actors around it. Its agent is a possessor or modifier of the noun ("Israel's strikes",
"U.S.-Ukraine talks"), the object of its "by" ("a visit by Modi"), else the subject of the verb
the noun hangs from ("Rubio led talks with …", "he said during a visit to …") or of the clause
that verb continues, or the speaker who reports it ("Pakistan said discussions with the IMF are
progressing"); its other party is
the object of one of its prepositions (talks *with*, a visit *to*, strikes *on*), or, when that
object is a thing, the party that owns or qualifies it ("tariffs on Canadian and Mexican
exports", "restrictions on travel from India"); "talks between A and B" name both. Each
(agent, party) is a candidate with the noun's code and ``noun:LEMMA`` in ``method``; the pair
model gives its own reading beside it and the gate decides, as for verbs. Appeals and calls are
requests when they say what is asked ("its call to the authorities to drop the charges"); a call
that asks nothing is a telephone call.
"""

from __future__ import annotations

from typing import Any

from ..events.coding import Coded
from ..events.modality import intent_code, modality_of
from ..relations import ActorTable, Triple, find_attribution, find_quote
from .conjoined import conjuncts
from .features import SPEECH_LEMMAS

_MEET = frozenset({"with"})
_HIT = frozenset({"on", "against"})
# lemma → (CAMEO code, prepositions whose object is the other party)
EVENT_NOUNS: dict[str, tuple[str, frozenset[str]]] = {
    **{n: ("040", _MEET) for n in ("meeting", "talk", "discussion", "consultation", "conversation", "summit")},
    "negotiation": ("046", _MEET),
    **{n: ("042", frozenset({"to"})) for n in ("visit", "trip")},
    **{n: ("190", _HIT) for n in ("attack", "strike", "offensive", "assault", "raid", "shelling", "bombardment")},
    **{n: ("195", _HIT) for n in ("airstrike", "air strike", "bombing")},
    **{n: ("160", _HIT) for n in ("sanction", "embargo")},
    **{n: ("163", _HIT) for n in ("tariff", "duty", "levy")},
    "restriction": ("172", _HIT),
    **{n: ("173", frozenset({"of"})) for n in ("arrest", "detention")},
    **{n: ("020", frozenset({"to", "on"})) for n in ("appeal", "plea", "call")},  # "a call" alone is a phone call: see _code
    "protest": ("140", frozenset({"against"})),
    "threat": ("130", _HIT),
    "ultimatum": ("139", frozenset({"to"})),
    **{n: ("090", frozenset({"into", "against", "of"})) for n in ("investigation", "probe", "inquiry")},
    **{n: ("112", frozenset({"against"})) for n in ("accusation", "allegation", "charge")},
    "lawsuit": ("115", frozenset({"against"})),
    **{n: ("111", frozenset({"of"})) for n in ("criticism", "condemnation")},
    **{n: ("057", _MEET) for n in ("agreement", "deal", "accord")},
    **{n: ("070", frozenset({"to", "for"})) for n in ("aid", "assistance")},
    **{n: ("0871", _MEET) for n in ("ceasefire", "cease-fire", "truce")},
    **{n: ("0874", frozenset({"from"})) for n in ("withdrawal", "pullout")},
    **{n: ("174", frozenset({"of"})) for n in ("deportation", "expulsion")},
    "crackdown": ("175", _HIT),
    "blockade": ("191", frozenset({"of", "on"})),
    "ban": ("172", frozenset({"on"})),
}
# nouns whose "from" names their agent: "drew criticism from rights groups"
_FROM_AGENT = frozenset({"criticism", "condemnation", "aid", "assistance", "threat", "ultimatum"})
_AGENT_DEPS = frozenset({"poss", "compound", "amod", "nmod"})
_CONTINUES = frozenset({"xcomp", "pcomp", "advcl", "conj", "prep"})  # clauses that share their head's subject
_ORIGIN = frozenset({"from", "of"})  # "travel from India", "exports of China"
_UP = frozenset({"dobj", "pobj", "prep", "attr", "appos", "conj"})  # how a noun hangs from its verb


def noun_candidates(sent: Any, sentence_index: int, actors: ActorTable) -> list[Coded]:
    """A candidate for every (agent, party) an event noun of the sentence links."""
    owner = {t: key for key, (_, tokens) in actors.items() for t in tokens}
    out: list[Coded] = []
    for noun in sent:
        entry = EVENT_NOUNS.get(_lemma(noun)) if noun.pos_ == "NOUN" else None
        if entry is None:
            continue
        code, preps = entry
        verb = _verb_above(noun)
        if _lemma(noun) == "call" and not _asks_to_act(noun, verb):
            code = "041"  # "made a call to Putin": a telephone call, not an appeal
        mode = modality_of(verb) if verb is not None else "asserted"
        if mode in ("negated", "hypothetical"):
            continue
        if mode == "future":
            code = intent_code(code) or code
        for agent, party, via in _pairs(noun, verb, preps, owner, actors):
            source, source_tokens = actors[agent]
            target, target_tokens = actors[party]
            if agent == party or source.actor.code is None or target.actor.code is None or source.text == target.text:
                continue
            anchor = verb if verb is not None else noun
            triple = Triple(sentence_index, noun.i, source, target, source_tokens, target_tokens, f"noun:{via}",
                            find_attribution(anchor, actors, sent), find_quote(noun, sent))
            out.append(Coded(triple, code, f"noun:{_lemma(noun)} {via} [{code}]", mode, 0.5))
    return out


def _lemma(noun: Any) -> str:
    lemma = noun.lemma_.lower()
    if lemma == "strike" and any(c.lower_ == "air" and c.dep_ in ("compound", "amod") for c in noun.children):
        return "air strike"
    return lemma


def _verb_above(noun: Any) -> Any | None:
    node = noun
    while node.dep_ in _UP and node.head.i != node.i:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None


def _pairs(noun: Any, verb: Any | None, preps: frozenset[str], owner: dict[int, int],
           actors: ActorTable) -> list[tuple[int, int, str]]:
    """(agent key, party key, how) for the noun's agents and other parties (keys of ``actors``)."""
    def mentioned(tok: Any) -> list[int]:
        keys = [owner[t.i] for t in (tok, *conjuncts(tok)) if t.i in owner]
        return list(dict.fromkeys(keys))

    def qualifying(thing: Any) -> list[int]:
        """The parties a thing belongs to: "Canadian exports", "China's steel", "travel from India"."""
        found = [k for c in thing.children if c.dep_ in _AGENT_DEPS for k in mentioned(c)]
        for prep in (c for c in thing.children if c.dep_ == "prep" and c.lower_ in _ORIGIN):
            found += [k for o in prep.children if o.dep_ == "pobj" for k in mentioned(o)]
        return list(dict.fromkeys(found))

    agents = [k for c in noun.children if c.dep_ in _AGENT_DEPS for k in mentioned(c)]
    parties: list[tuple[int, str]] = []
    received = False  # the agent is the object of "from": the verb's subject is the party
    preposed = [c for c in noun.children if c.dep_ == "prep"]
    from_agent = _lemma(noun) in _FROM_AGENT
    if from_agent and noun.dep_ == "dobj" and verb is not None and noun.head.i == verb.i:
        preposed += [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "from"]  # "drew criticism | from X"
    for prep in preposed:
        objects = [k for o in prep.children if o.dep_ == "pobj" for k in mentioned(o)]
        word = prep.lower_
        if word == "by":
            agents += objects
        elif word == "from" and from_agent:
            agents += objects
            received = bool(objects)
        elif word == "between" and len(objects) >= 2:
            return [(objects[0], k, "between") for k in objects[1:]]
        elif word in preps:
            if not objects:
                objects = [k for o in prep.children if o.dep_ == "pobj" for k in qualifying(o)]
            parties += [(k, word) for k in objects]
    if received and not parties and verb is not None:  # "Israel drew criticism from the UN"
        parties = [(k, "from") for c in _subjects(verb) for k in mentioned(c)]
    if not parties and len(agents) >= 2 and preps == _MEET:  # "U.S.-Ukraine talks"
        return [(agents[0], k, "noun:pair") for k in agents[1:]]
    speaker = _speaker_of(noun) if not agents and verb is None else None
    if not agents and verb is not None:
        agents = [k for c in _subjects(verb) for k in mentioned(c)]
        how = "subject"
    elif speaker is not None:  # "Pakistan said discussions with the IMF are progressing"
        agents = [k for c in _subjects(speaker) for k in mentioned(c)]
        how = "speaker"
    else:
        how = "noun"
    return [(a, p, f"{how}:{word}") for a in dict.fromkeys(agents) for p, word in parties]


def _subjects(verb: Any) -> list[Any]:
    """The subject of the verb, or of the clause it continues when it has none of its own: "Trudeau
    retaliated by announcing tariffs", "Trump imposed tariffs, then exempted the duties"."""
    node = verb
    for _ in range(4):
        found = [c for c in node.children if c.dep_ == "nsubj"]
        if found or node.dep_ not in _CONTINUES or node.head.i == node.i:
            return found
        node = node.head
    return []


def _speaker_of(noun: Any) -> Any | None:
    """The speech verb whose reported clause has the noun as its subject ("Pakistan said
    discussions with the IMF are progressing": said), else None."""
    clause = noun.head
    if noun.dep_ not in ("nsubj", "nsubjpass") or clause.dep_ != "ccomp" or clause.head.i == clause.i:
        return None
    speech = clause.head
    return speech if speech.lemma_.lower() in SPEECH_LEMMAS else None


def _asks_to_act(noun: Any, verb: Any | None) -> bool:
    """Whether an appeal noun says what is asked: an infinitive on the noun ("its appeal to the
    government to release …") or on its verb after it ("reiterated its call to the authorities to
    drop all charges")."""
    def infinitive(tok: Any) -> bool:
        return any(g.dep_ == "aux" and g.lower_ == "to" for g in tok.children)

    if any(c.dep_ == "acl" and infinitive(c) for c in noun.children):
        return True
    return verb is not None and any(c.dep_ in ("xcomp", "advcl") and c.i > noun.i and infinitive(c)
                                    for c in verb.children)
