"""Code a verb with the PETRARCH-2 verb dictionary over a dependency parse.

Takes tokens with spaCy's ``Token`` interface (``text``, ``lemma_``, ``i``, ``dep_``, ``pos_``,
``head``, ``children``, ``subtree``, ``doc``) but never imports spaCy.

What a pattern is matched against — the verb's own phrase, never a separate clause:

* **pre** (``PRE *``): the verb's left dependents — its subject side; a ``conj``/``xcomp`` verb
  without a subject of its own borrows its head's subject ("Iran signed X and *attacked* Y").
* **post** (``* POST``): the verb's right dependents (objects, particles, prepositional phrases),
  and, for a passive verb, the passive subject first ("The agreement *was signed* by ..." is
  matched like "signed the agreement by ...").
* Neither side descends into ``ccomp``/``advcl``/``relcl``/``parataxis``/``csubj`` clauses, a
  coordinated verb (``conj``) or a verbal ``acl``; auxiliaries, negation and punctuation are ignored.

Elements are matched in the order written, not necessarily adjacent (one written after a
``(PREP ...)`` may lie inside that phrase's object: ``- * CLAIM (AGAINST) + [115]``). A bare word
or synset matches a phrase's head or a non-modifier word (not an ``amod``/``compound``/``det``/...
inside a noun phrase), ``{A B}`` matches adjacent words within one noun phrase, ``(PREP ...)`` a preposition
(by its exact text) with the rest inside its phrase. Words match the upper-cased text or lemma,
as a prefix (stem) unless written with a trailing ``_``. ``$``/``+`` match a token of
``source_tokens``/``target_tokens`` (any nominal when that set is empty), ``%`` a coordinated
nominal (compound actor), ``^`` any nominal.

Which pattern wins: PETRARCH walks its pattern tree and keeps the deepest match, so a pattern that
extends another with more words wins. Here: most literal words (words, synsets and prepositions),
then most elements (counting ``$ + % ^``), then the later line — later files after earlier ones —
so user additions win ties. No pattern matched: the verb's own ``[code]``, else its block's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .verbdict import VerbDictionary, lookup
from .verbrecords import Element, Needs, NounPhrase, PrepPhrase, Slot, SynsetRef, VerbPattern, Word, weight

CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj", "csubjpass"})
VERBAL_ONLY_DEPS = frozenset({"conj", "acl"})  # clause boundaries when the dependent is a verb
IGNORED_DEPS = frozenset({"aux", "auxpass", "neg", "punct"})
MODIFIER_DEPS = frozenset({"amod", "compound", "det", "nummod", "poss", "predet", "quantmod", "nmod", "case"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
PREP_DEPS = frozenset({"prep", "agent", "dative"})
VERB_POS = frozenset({"VERB", "AUX"})
NOMINAL_POS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})


@dataclass(frozen=True, slots=True)
class VerbCoding:
    """How the dictionary codes one verb.

    ``code`` None with a ``reciprocal`` (``[:173]``) means only the reversed reading is an event;
    both None (``[---]``) means no event.
    """

    code: str | None
    reciprocal: str | None
    verb: str  # the verb block's name, e.g. "SIGN"
    pattern: str  # e.g. "- * &TREATY [057:057]"; "" for the verb's default code
    line_no: int
    weight: tuple[int, int] = field(default=(-1, -1), compare=False)  # (literal words, elements) matched
    slots: frozenset[str] = field(default=frozenset(), compare=False)  # "$"/"+" written in the pattern


# ----------------------------------------------------------------------------- the verb's phrase


def _is_boundary(token: Any, flat: bool = False) -> bool:
    if flat and token.dep_ == "acl" and token.tag_ == "VBN":  # PETRARCH: "assurances sent from X" is in the phrase
        return False
    return token.dep_ in CLAUSE_DEPS or (token.dep_ in VERBAL_ONLY_DEPS and token.pos_ in VERB_POS)


def _phrase(root: Any, ignored: frozenset[str] = IGNORED_DEPS, *, flat: bool = False) -> list[Any]:
    """Dependents of ``root`` down to (not into) separate clauses, without auxiliaries etc."""
    out, stack = [], list(root.children)
    while stack:
        token = stack.pop()
        if _is_boundary(token, flat) or token.dep_ in ignored:
            continue
        out.append(token)
        stack.extend(token.children)
    return out


def _borrowed_subject(verb: Any) -> list[Any]:
    """Subject tokens of the verb this ``conj``/``xcomp`` verb hangs from, if it has none itself."""
    seen = 0
    while verb.dep_ in ("conj", "xcomp") and verb.head is not verb and seen < 10:
        if any(c.dep_ in SUBJECT_DEPS for c in verb.children):
            return []
        verb, seen = verb.head, seen + 1
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return [t for s in subjects for t in s.subtree if t.dep_ not in IGNORED_DEPS]
    return []


def for_clauses(verb: Any) -> list[Any]:
    """Clauses after the verb opened by "for" with a subject of their own ("called for the charge
    to be dropped", "pushed for Russia to accept"): the subject is the verb's prepositional object."""
    return [c for c in verb.children if c.dep_ in ("advcl", "ccomp") and c.i > verb.i
            and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children)
            and any(g.dep_ in SUBJECT_DEPS for g in c.children)]


def regions(verb: Any, consumed: frozenset[int] = frozenset(), *, flat: bool = False) -> tuple[list[Any], list[Any]]:
    """(pre, post) token lists the verb's patterns are matched against, in match order.

    ``flat`` (PETRARCH's own matching): auxiliaries and negation count as words ("did n't").
    """
    ignored = frozenset({"punct"}) if flat else IGNORED_DEPS
    tokens = [t for t in _phrase(verb, ignored, flat=flat) if t.i not in consumed]
    if flat:  # PETRARCH's verb phrase holds the "that" clause after it: "allowed that X isn't ..."
        for clause in (c for c in verb.children if c.dep_ == "ccomp" and c.i > verb.i):
            tokens += [clause] + _phrase(clause, ignored, flat=flat)
        if verb.dep_ in ("ccomp", "advcl", "xcomp") and verb.head.i < verb.i:  # "- INDICATED WOULD * NOW": the clause's verb
            tokens += [verb.head] + [t for t in _phrase(verb.head, ignored, flat=flat) if t.i < verb.i]
    if not flat:  # "called for the charge to be dropped" is matched like "called for the charge"
        for clause in for_clauses(verb):
            tokens += [t for t in clause.children if t.dep_ == "mark" or t.dep_ in SUBJECT_DEPS]
            tokens += [t for s in clause.children if s.dep_ in SUBJECT_DEPS for t in _phrase(s, ignored)]
    passive = {t.i for c in verb.children if c.dep_ == "nsubjpass" for t in c.subtree}
    pre = sorted(  # flat: a passive subject also stays before the verb ("+ * FROM $" [066])
        _borrowed_subject(verb) + [t for t in tokens if t.i < verb.i and (flat or t.i not in passive)],
        key=lambda t: t.i,
    )
    moved = sorted((t for t in tokens if t.i in passive), key=lambda t: t.i)
    post = moved + sorted((t for t in tokens if t.i > verb.i), key=lambda t: t.i)
    return pre, post


# ----------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _Tok:
    """What matching needs of a token, read once per call (spaCy attribute access is slow)."""

    i: int
    text: str  # upper-cased
    forms: tuple[str, ...]  # text and lemma (text only for prepositions)
    nominal: bool
    modifier: bool  # a word inside a noun phrase that is not its head
    coordinated: bool
    head: int
    right: int  # last index of the token's subtree


def _snapshot(token: Any, flat: bool = False) -> _Tok:
    top = token
    while top.dep_ == "conj" and top.head is not top:
        top = top.head
    text, lemma = token.text.upper(), token.lemma_.upper()
    return _Tok(
        i=token.i,
        text=text,
        forms=(text,) if token.pos_ == "ADP" or lemma == text else (text, lemma),
        nominal=token.pos_ in NOMINAL_POS,
        modifier=top.dep_ in MODIFIER_DEPS and not flat,
        coordinated=token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children),
        head=token.head.i,
        right=token.right_edge.i if token.pos_ == "ADP" or token.dep_ in PREP_DEPS else _for_right(token),
    )


def _for_right(token: Any) -> int:
    """A "for" opening a clause with a subject reads as a preposition whose phrase is that subject."""
    if token.dep_ != "mark" or token.lower_ != "for":
        return -1
    subjects = [c for c in token.head.children if c.dep_ in SUBJECT_DEPS]
    return max((s.right_edge.i for s in subjects), default=-1)


@dataclass(slots=True)
class _Context:
    """One code_verb call: the dictionary, the actors' tokens, and memoised single-token tests."""

    vdict: VerbDictionary
    source: frozenset[int]
    target: frozenset[int]
    memo: dict[tuple[str, int], bool]  # (atom as written, token index) -> matches alone
    found: dict[tuple[int, str, int], tuple[int, ...]]  # (element, token list, start) -> ends
    inside: dict[str, list[_Tok]]  # a preposition's phrase, by "list/start"
    flat: bool = False  # "A_B" needs adjacent words only, not one noun phrase
    present: dict[tuple[str, str, bool], bool] = field(default_factory=dict)  # (side, word, exact) -> some token matches it


def _word_ok(word: Word, token: _Tok, surface: bool = False) -> bool:
    if surface:  # PETRARCH: no TABARI stems, a pattern word is the word as written
        return word.text == token.text
    if word.exact or len(word.text) <= 2:  # "IN" is a preposition, not the stem of "INTO"
        return word.text in token.forms
    return any(form.startswith(word.text) for form in token.forms)


def _slot_ok(slot: Slot, token: _Tok, ctx: _Context) -> bool:
    if slot.kind == "$":
        return token.i in ctx.source if ctx.source else token.nominal
    if slot.kind == "+":
        return token.i in ctx.target if ctx.target else token.nominal
    if slot.kind == "%":
        actors = ctx.source | ctx.target
        return token.coordinated and (token.i in actors if actors else token.nominal)
    return token.nominal


def _single_ok(atom: Word | SynsetRef | Slot, token: _Tok, ctx: _Context) -> bool:
    """Does ``atom`` match ``token`` alone (for a synset: one of its one-word members)?"""
    key = (atom.name if isinstance(atom, SynsetRef) else atom.kind if isinstance(atom, Slot) else atom.text, token.i)
    if isinstance(atom, Word) and atom.exact:
        key = (atom.text + "_", token.i)
    if key not in ctx.memo:
        if isinstance(atom, SynsetRef):
            synset = ctx.vdict.synset(atom.name)
            ctx.memo[key] = synset is not None and synset.has_word(token.forms)
        else:
            ctx.memo[key] = _slot_ok(atom, token, ctx) if isinstance(atom, Slot) else _word_ok(atom, token, ctx.flat)
    return ctx.memo[key]


def _consecutive(tokens: Sequence[_Tok], start: int, end: int) -> bool:
    return end <= len(tokens) and all(tokens[j].i == tokens[j - 1].i + 1 for j in range(start + 1, end))


def _atom_at(atom: Word | SynsetRef | Slot, tokens: Sequence[_Tok], k: int, ctx: _Context, bare: bool) -> list[int]:
    """End positions of ``atom`` matched starting exactly at ``tokens[k]``."""
    if k >= len(tokens):  # nothing left on this side of the verb
        return []
    ends = [k + 1] if not (bare and tokens[k].modifier) and _single_ok(atom, tokens[k], ctx) else []
    if isinstance(atom, SynsetRef):
        synset = ctx.vdict.synset(atom.name)
        phrases = synset.phrases if synset else {}
        for member in (m for form in tokens[k].forms for m in phrases.get(form, ())):
            end = k + len(member.words)
            if not _consecutive(tokens, k, end) or (bare and tokens[end - 1].modifier):
                continue
            last = len(member.words) - 1
            if all(_word_ok(Word(w, member.exact or j < last), tokens[k + j]) for j, w in enumerate(member.words)):
                ends.append(end)
    return ends


def _phrase_at(phrase: NounPhrase, tokens: Sequence[_Tok], k: int, ctx: _Context) -> Iterator[int]:
    """``{A B C}``: adjacent words from ``tokens[k]`` on, all inside one noun phrase."""
    ends = [k]
    for atom in phrase.atoms:
        ends = [
            end
            for start in ends
            if start < len(tokens) and (start == k or tokens[start].i == tokens[start - 1].i + 1)
            for end in _atom_at(atom, tokens, start, ctx, bare=False)
        ]
    for end in ends:
        if ctx.flat:
            yield end
            continue
        span = {t.i for t in tokens[k:end]}
        if sum(1 for t in tokens[k:end] if t.head not in span or t.head == t.i) == 1:
            yield end


def _prep_at(prep: PrepPhrase, tokens: Sequence[_Tok], tag: str, k: int, ctx: _Context) -> list[int]:
    token = tokens[k]
    if token.right < 0 or token.text != prep.prep:
        return []
    inner = f"{tag}/{k}"
    if inner not in ctx.inside:
        ctx.inside[inner] = [t for t in tokens[k + 1 :] if token.i < t.i <= token.right]
    if any(True for _ in _sequence(prep.elements, ctx.inside[inner], inner, 0, ctx)):
        return [k + 1]  # what follows may sit in the object: "- * CLAIM (AGAINST) + [115]"
    return []


def _element_at(element: Element, tokens: Sequence[_Tok], tag: str, k: int, ctx: _Context) -> tuple[int, ...]:
    """End positions of ``element`` matched from ``tokens[k]``; ``tag`` names the token list."""
    key = (id(element), tag, k)  # elements live as long as the dictionary: ids are stable here
    if key not in ctx.found:
        if isinstance(element, NounPhrase):
            ends = list(_phrase_at(element, tokens, k, ctx))
        elif isinstance(element, PrepPhrase):
            ends = _prep_at(element, tokens, tag, k, ctx)
        else:
            ends = _atom_at(element, tokens, k, ctx, bare=True)
        ctx.found[key] = tuple(ends)
    return ctx.found[key]


def _sequence(elements: Sequence[Element], tokens: Sequence[_Tok], tag: str, pos: int, ctx: _Context) -> Iterator[int]:
    """End positions of ``elements`` matched in order (not necessarily adjacent) from ``pos``."""
    if not elements:
        yield pos
        return
    for k in range(pos, len(tokens)):
        for end in _element_at(elements[0], tokens, tag, k, ctx):
            yield from _sequence(elements[1:], tokens, tag, end, ctx)


def _has_needs(needs: Needs, tokens: Sequence[_Tok], tag: str, ctx: _Context) -> bool:
    """Whether the side's tokens hold each word and preposition a pattern side cannot match
    without (every word is matched by ``_word_ok`` on one of these tokens, every preposition by
    its text, so a side lacking one cannot match)."""
    for word in needs.words:
        key = (tag, word.text, word.exact)
        found = ctx.present.get(key)
        if found is None:
            found = ctx.present[key] = any(_word_ok(word, t, ctx.flat) for t in tokens)
        if not found:
            return False
    return all(any(t.text == prep and t.right >= 0 for t in tokens) for prep in needs.preps)


def matches(pattern: VerbPattern, pre: Sequence[_Tok], post: Sequence[_Tok], ctx: _Context) -> bool:
    """Both sides match; a side written against the verb ("RECENTLY_*") must touch it."""
    if not (_has_needs(pattern.pre_needs, pre, "pre", ctx) and _has_needs(pattern.post_needs, post, "post", ctx)):
        return False
    if pattern.tight_pre:
        pre_ok = any(end == len(pre) for end in _sequence(pattern.pre, pre, "pre", 0, ctx))
    else:
        pre_ok = any(True for _ in _sequence(pattern.pre, pre, "pre", 0, ctx))
    if not pre_ok:
        return False
    if pattern.tight_post and pattern.post:
        first, rest = pattern.post[0], pattern.post[1:]
        return any(True for end in _element_at(first, post, "post", 0, ctx) for _ in _sequence(rest, post, "post", end, ctx))
    return any(True for _ in _sequence(pattern.post, post, "post", 0, ctx))


def code_verb(
    vdict: VerbDictionary,
    verb_token: Any,
    *,
    source_tokens: frozenset[int] = frozenset(),
    target_tokens: frozenset[int] = frozenset(),
    flat: bool = False,
) -> VerbCoding | None:
    """The most specific matching pattern's code, else the verb's default; None for unknown verbs.

    ``flat``: match as PETRARCH does — any word of the verb's phrase (modifiers, auxiliaries and
    negation included) can match a pattern word, and ``A_B`` means adjacent words.
    """
    found = lookup(vdict, verb_token)
    if found is None:
        return None
    entry, consumed = found
    pre, post = ([_snapshot(t, flat) for t in side] for side in regions(verb_token, consumed, flat=flat))
    ctx = _Context(vdict, frozenset(source_tokens), frozenset(target_tokens), {}, {}, {}, flat)
    # the block's patterns most specific first (VerbDictionary.ranked): the first that matches wins
    best = next((p for p in vdict.ranked_for(entry) if not (flat and p.code == "+++") and matches(p, pre, post, ctx)), None)
    if best is None:  # (PETRARCH never implemented TABARI's complex codings "+++": skipped when flat)
        return VerbCoding(entry.code, entry.reciprocal, entry.block, "", entry.line_no)
    slots = frozenset(k for k in ("$", "+") if _has_slot(best.pre + best.post, k))
    return VerbCoding(
        best.code, best.reciprocal, best.block, best.text, best.line_no, weight(best.pre + best.post), slots
    )


def _has_slot(elements: Sequence[Element], kind: str) -> bool:
    """Does the pattern name the ``kind`` (``$`` source, ``+`` target) slot anywhere?"""
    for element in elements:
        if isinstance(element, Slot) and element.kind == kind:
            return True
        inner = element.atoms if isinstance(element, NounPhrase) else element.elements if isinstance(element, PrepPhrase) else ()
        if inner and _has_slot(inner, kind):
            return True
    return False
