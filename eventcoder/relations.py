"""Candidate (source, predicate, target) triples from the dependency parse.

Handles active and passive voice (the ``by`` agent is the source), compound subjects and
objects (one triple per pair), prepositional targets ("met with X", "visited in Damascus"),
subjects inherited by controlled and coordinated verbs ("agreed to send", "signed and
ratified"), compound subjects with no target (a pair between the conjuncts, as in "Iran and
Syria signed an agreement"), and reported speech (the event belongs to the clause's own
subject; the speaker is recorded as its attribution).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from .actors.heads import stands_for_people
from .events.verbmatch import for_clauses
from .records import Mention

SPEECH_VERBS = frozenset(
    "say tell add state announce declare note stress claim insist quote report explain write "
    "emphasize emphasise reiterate underline assert affirm".split()
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})  # a clause's subject, active or passive
_MOVE_VERBS = frozenset("visit arrive travel fly come go return head land".split())
_TARGET_PREPS = ("with", "to", "against", "on", "toward", "towards", "into", "over", "upon", "from", "between", "for", "at")
_LOCATIVE_PREPS = frozenset({"in", "at", "inside"})
_CARRIED_PRONOUNS = frozenset({"it", "they", "he", "she"})
_INHERIT_DEPS = frozenset({"xcomp", "conj", "advcl"})
_PASS_THROUGH_DEPS = frozenset({"acomp"})  # "Arnor is about to restore": restore → about → is
_OBJECT_DEPS = frozenset({"dobj", "dative", "iobj", "attr", "prep", "oprd", "npadvmod", "pobj", "appos"})
_CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "csubj", "parataxis", "xcomp", "conj", "mark"})


@dataclass(frozen=True, slots=True)
class Triple:
    """One candidate event: a verb with a source and (maybe) a target actor."""

    sentence_index: int
    verb: int  # token index of the predicate in the article's Doc
    source: Mention
    target: Mention | None
    source_tokens: frozenset[int]
    target_tokens: frozenset[int]
    via: str  # how the pair was found: "active", "passive", "prep:with", "compound-subject", ...
    attribution: str | None
    quote: str | None


ActorTable = Mapping[int, tuple[Mention, frozenset[int]]]
"""Token index of a noun-phrase head → its Mention and the token indexes of its phrase."""


def _conjuncts(token: Any, *, lists: bool = False) -> list[Any]:
    """``token`` and the nouns coordinated with it.

    ``lists``: an apposition inside a coordinated list is one more member ("Mordor, the Shire,
    Fornost and Bree": spaCy hangs "the Shire" off "Mordor" as ``appos``).
    """
    out = [token]
    coordinated = lists and any(c.dep_ in ("conj", "cc") for c in token.children)
    for child in token.children:
        listed = lists and child.dep_ == "appos" and (coordinated or any(c.dep_ == "conj" for c in child.children))
        if (child.dep_ == "conj" or listed) and (child.pos_ in {"PROPN", "NOUN", "PRON"} or stands_for_people(child)):
            out.extend(_conjuncts(child, lists=lists))
    return out


def _subjects(verb: Any, *, agentless_active: bool = False) -> tuple[list[Any], list[Any], bool]:
    """(sources, passive-subject targets, is_passive) for a verb, inheriting when it has none.

    ``agentless_active``: a passive verb with no "by" agent keeps its subject as the source
    (PETRARCH reads "X was criticized over its dispute with Y" as X → Y).
    """
    kids = list(verb.children)
    if agentless_active and not any(c.dep_ in {"nsubj", "csubj", "nsubjpass"} for c in kids):
        # a misparse hanging the subject off the auxiliary: "X was heavily and unjustly criticized"
        kids += [g for c in kids if c.dep_ in {"aux", "auxpass"} and c.i < verb.i for g in c.children]
    active = [c for c in kids if c.dep_ in {"nsubj", "csubj"}]
    if agentless_active and not active and not any(c.dep_ == "nsubjpass" for c in kids):
        # "Ethiopia act on …" misread as a compound of the verb: the name is its subject
        active = [c for c in kids if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < verb.i]
    passive = [c for c in kids if c.dep_ == "nsubjpass"]
    agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if agentless_active and passive and not agents:
        return [t for p in passive for t in _conjuncts(p, lists=True)], [], False
    if passive or agents:
        sources = [t for a in agents for t in _conjuncts(a, lists=agentless_active)]
        return sources, [t for p in passive for t in _conjuncts(p, lists=agentless_active)], True
    if agentless_active and active and verb.dep_ == "ccomp" and all(a.lower_ in _CARRIED_PRONOUNS for a in active):
        # "Ethiopia indicated it would act …": the reporting clause's subject acts
        speakers = [c for c in verb.head.children if c.dep_ == "nsubj" and c.i < verb.i]
        if speakers:
            return [t for a in speakers for t in _conjuncts(a, lists=True)], [], False
    if active:
        return [t for a in active for t in _conjuncts(a, lists=agentless_active)], [], False
    node = verb
    while (node.dep_ in _INHERIT_DEPS or (node.dep_ in _PASS_THROUGH_DEPS and node is not verb)) and node.head.i != node.i:
        node = node.head
        # PETRARCH: "X was seen to attack Y": the passive subject of the governing verb acts
        wanted = ("nsubj", "nsubjpass") if agentless_active and node.dep_ != "conj" else ("nsubj",)
        inherited = [c for c in node.children if c.dep_ in wanted]
        if inherited:
            return [t for a in inherited for t in _conjuncts(a, lists=agentless_active)], [], False
    return [], [], False


def _first_inner_actors(heads: Sequence[Any], actors: ActorTable) -> list[Any]:
    """PETRARCH's source when the subject's head is no actor: the first actor inside the subject's
    phrases (breadth-first through "of"/"between" phrases, not clauses), with its conjuncts."""
    level = [g for h in heads for g in h.children if g.dep_ == "prep"]
    while level:
        hits = [t for t in level if t.i in actors and _coded_actor(actors[t.i][0])]
        if hits:
            first = min(hits, key=lambda t: t.i)
            return [t for t in _conjuncts(first, lists=True) if t.i in actors and _coded_actor(actors[t.i][0])]
        level = [g for t in level for g in t.children if g.dep_ in ("prep", "pobj", "conj") and g.pos_ != "VERB"]
    return []


def _deep_objects(verb: Any, actors: ActorTable) -> list[tuple[Any, str]]:
    """PETRARCH-style target: the first actor in the verb's objects and prepositional phrases.

    The verb's right-hand dependents are tried in order; inside each, the phrase is searched
    breadth-first (through "of", "with", "between" … phrases and participles such as "roads
    leading into X", not into other clauses), and the first
    actor found, with the actors coordinated with it, is the target. A "that" clause or (for an
    active verb) a "to" clause after the verb comes last ("X believes Y can cope" → Y, "X vowed
    to wage war on Y" → Y); a clause before it ("…, an official said") never.
    """
    right = [c for c in verb.children if c.i > verb.i]
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    clauses = ("ccomp",) if passive else ("xcomp", "ccomp")  # "vowed to wage war on X" → X
    ordered = [c for c in right if c.dep_ in _OBJECT_DEPS or (c.dep_ == "advmod" and any(g.dep_ == "prep" for g in c.children))]
    ordered += [c for c in right if c.dep_ in clauses]  # an advmod with a phrase: a misread noun ("florin to X")
    # a purpose clause is in PETRARCH's verb phrase: "signed an accord to supply X"
    ordered += [c for c in right if c.dep_ == "advcl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)]
    for child in ordered:
        level = [child]
        while level:
            hits = [t for t in level if t.i in actors]
            if hits:
                first = min(hits, key=lambda t: t.i)
                return [(t, f"deep:{child.dep_}") for t in _conjuncts(first, lists=True) if t.i in actors]
            level = [g for t in level for g in t.children if g.dep_ not in _CLAUSE_DEPS or g.dep_ == "acl" or (g.dep_ == "conj" and g.pos_ != "VERB")]
    return []


def _objects(verb: Any, actors: ActorTable) -> list[tuple[Any, str]]:
    """Direct objects, datives and prepositional objects that name actors, best first."""
    found: list[tuple[Any, str]] = []
    for child in verb.children:
        if child.dep_ in {"dobj", "dative", "iobj", "attr"}:
            found.extend((t, child.dep_) for t in _conjuncts(child) if t.i in actors)
            for prep in child.children:  # "sent troops to Syria": the object's own preposition
                if prep.dep_ == "prep" and prep.lower_ in ("to", "against", "with"):
                    found.extend((t, f"prep:{prep.lower_}") for g in prep.children if g.dep_ == "pobj" for t in _conjuncts(g) if t.i in actors)
    for clause in for_clauses(verb):  # "called for the Taliban to lift the ban"
        found.extend((t, "prep:for") for s in clause.children if s.dep_ in ("nsubj", "nsubjpass")
                     for t in _conjuncts(s) if t.i in actors)
    for child in verb.children:
        if child.dep_ != "prep":
            continue
        prep = child.lower_
        allowed = prep in _TARGET_PREPS or (prep in _LOCATIVE_PREPS and verb.lemma_.lower() in _MOVE_VERBS)
        if not allowed:
            continue
        for g in child.children:
            if g.dep_ == "pobj":
                found.extend((t, f"prep:{prep}") for t in _conjuncts(g) if t.i in actors)
    return found


def _coded_actor(mention: Mention) -> bool:
    return mention.actor.code is not None


def find_attribution(verb: Any, actors: ActorTable, sent: Any = None) -> str | None:
    """The speaker of the reported speech containing ``verb`` ("X said that …"), if any."""
    node = verb
    while node.head.i != node.i:
        node = node.head
        if node.lemma_.lower() in SPEECH_VERBS:
            for c in node.children:
                if c.dep_ in {"nsubj", "nsubjpass"}:
                    hit = actors.get(c.i)
                    return hit[0].text if hit else " ".join(t.text for t in c.subtree)
    for tok in sent if sent is not None else verb.sent:  # Token.sent scans the whole Doc: pass it
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            pobj = [g for g in tok.doc[tok.i + 1].children if g.dep_ == "pobj"]
            if pobj:
                return " ".join(t.text for t in pobj[0].subtree)
    return None


def find_quote(verb: Any, sent: Any = None) -> str | None:
    """The quotation containing ``verb``, if the verb sits between quotation marks (the marks
    paired as :func:`eventcoder.extract.quotes.quote_spans` pairs them; an unclosed one runs to
    the end of the sentence)."""
    from .extract.quotes import quote_spans

    sent = sent if sent is not None else verb.sent
    text = sent.text
    pos = verb.idx - sent.start_char
    for start, end in quote_spans(text):
        if start < pos < end:
            closed = end - 1 > start and text[end - 1] in "\u201d\""
            return text[start + 1 : end - 1 if closed else end].strip()
    return None


def _conjoined_partners(sources: list[tuple[Any, tuple[Mention, frozenset[int]]]], actors: ActorTable,
                        of_objects: bool = True) -> list[tuple[Any, tuple[Mention, frozenset[int]]]]:
    """The other countries of a subject phrase, as more members of a compound subject: the ones
    the focus stage split ("Cameroon and C.A.R. officials met": C.A.R. officials) and, with
    ``of_objects``, the conjuncts of its "of" object ("the leaders of Egypt and Jordan met": Jordan)."""
    split = [(t, actors[t.i]) for s, _ in sources for t in s.subtree
             if t.i != s.i and t.i in actors and "+conjoined:" in actors[t.i][0].resolved_by]
    objects = [o for s, _ in sources for p in s.children if p.dep_ == "prep" and p.lower_ == "of"
               for o in p.children if o.dep_ == "pobj"] if of_objects else []
    listed = [(t, actors[t.i]) for o in objects for t in _conjuncts(o, lists=True)[1:]
              if t.i in actors and _coded_actor(actors[t.i][0])]
    taken = {t.i for t, _ in split}
    return split + [x for x in listed if x[0].i not in taken]


def find_triples(sentence: Any, sentence_index: int, actors: ActorTable, *, deep_targets: bool = False,
                 deeper_readings: bool = False) -> Iterator[Triple]:
    """Every candidate triple in one sentence (a spaCy Span).

    ``deep_targets``: find the target as PETRARCH does, the first actor anywhere in the verb's
    objects and prepositional phrases (see :func:`_deep_objects`). ``deeper_readings`` (the gate
    path): where a verb has no direct target, that deeper actor is one more reading beside none.
    """
    for verb in sentence:
        if verb.pos_ not in {"VERB"} and not (verb.pos_ == "AUX" and verb.dep_ == "ROOT"):
            continue
        subj, passive_targets, passive = _subjects(verb, agentless_active=deep_targets)
        sources = [(s, actors[s.i]) for s in subj if s.i in actors and _coded_actor(actors[s.i][0])]
        if not sources and deep_targets and subj:  # "Resumption of ties between A and B may spur …": A, B
            sources = [(s, actors[s.i]) for s in _first_inner_actors(subj, actors)]
        sources += _conjoined_partners(sources, actors, of_objects=not deep_targets)  # PETRARCH: its own reading
        if not sources:
            continue
        targets = [(t, actors[t.i], "passive") for t in passive_targets if t.i in actors]
        if not targets:
            found = _deep_objects(verb, actors) if deep_targets else _objects(verb, actors)
            targets = [(t, actors[t.i], via) for t, via in found]
        targets = [x for x in targets if _coded_actor(x[1][0])]
        attribution = find_attribution(verb, actors, sentence)
        quote = find_quote(verb, sentence)
        voice = "passive" if passive else "active"
        if deep_targets:
            pairs = {(s.i, t.i) for s, _ in sources for t, _, _ in targets} | {(s.i, t.i) for s, _ in sources for t, _ in sources}
            yield from _role_alternatives(sentence_index, verb, actors, pairs, [s for s, _ in sources], attribution, quote)
        if targets:
            seen: set[tuple[int, int]] = set()
            for s_tok, (s_m, s_toks) in sources:
                for t_tok, (t_m, t_toks), via in targets:
                    if s_tok.i == t_tok.i or (s_tok.i, t_tok.i) in seen:
                        continue
                    seen.add((s_tok.i, t_tok.i))
                    yield Triple(sentence_index, verb.i, s_m, t_m, s_toks, t_toks, f"{voice}:{via}", attribution, quote)
        elif len(sources) > 1 and verb.lemma_.lower() not in SPEECH_VERBS:
            # "Iran and Syria signed …": the conjuncts act on each other. Not for speech verbs:
            # "A and B said …" reports what they said, not an act between them.
            for a in range(len(sources)):
                for b in range(a + 1, len(sources)):
                    (_, (s_m, s_toks)), (_, (t_m, t_toks)) = sources[a], sources[b]
                    yield Triple(sentence_index, verb.i, s_m, t_m, s_toks, t_toks, f"{voice}:compound-subject", attribution, quote)
                    if deep_targets:  # PETRARCH: each member of a compound subject acts on the others
                        yield Triple(sentence_index, verb.i, t_m, s_m, t_toks, s_toks, f"{voice}:compound-subject", attribution, quote)
        else:
            for _, (s_m, s_toks) in sources[: 1 if len(sources) == 1 or verb.lemma_.lower() not in SPEECH_VERBS else None]:
                yield Triple(sentence_index, verb.i, s_m, None, s_toks, frozenset(), f"{voice}:no-target", attribution, quote)
            if deeper_readings and not passive and verb.lemma_.lower() not in SPEECH_VERBS:
                # "Kenya has refused to attend a hearing by the court": the court, deeper in the verb's
                # phrase, as one more reading beside no target (``via`` deep:…, the gate weighs it)
                deep = [(t, actors[t.i], via) for t, via in _deep_objects(verb, actors) if _coded_actor(actors[t.i][0])]
                for s_tok, (s_m, s_toks) in sources[:1]:
                    for t_tok, (t_m, t_toks), via in deep:
                        if t_tok.i != s_tok.i:
                            yield Triple(sentence_index, verb.i, s_m, t_m, s_toks, t_toks, f"{voice}:{via}", attribution, quote)


def _role_alternatives(
    sentence_index: int, verb: Any, actors: ActorTable, taken: set[tuple[int, int]], heads: list[Any],
    attribution: str | None, quote: str | None,
) -> Iterator[Triple]:
    """Every other ordered pair of the verb's actors, marked ``alt-roles``.

    PETRARCH decides who is source and who is target by where a matched pattern's ``$`` and
    ``+`` fall ("- + * FROM $": the actor after "from" is the source); the classifier keeps one
    of these only when such a pattern matches it better than the parse's own pair.
    """
    near = {t.i for t in verb.subtree} | {h.i for h in heads}
    if verb.dep_ in ("ccomp", "advcl", "xcomp") and verb.head.i < verb.i:  # "+ HOSTING * MAY_DAY $": the governing verb's actors
        near |= {t.i for c in verb.head.children if c.i < verb.i and c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
    coded = [i for i in sorted(near) if i in actors and _coded_actor(actors[i][0])]
    for a in coded:
        for b in coded:
            if a == b or (a, b) in taken:
                continue
            (s_m, s_toks), (t_m, t_toks) = actors[a], actors[b]
            yield Triple(sentence_index, verb.i, s_m, t_m, s_toks, t_toks, "alt-roles", attribution, quote)
