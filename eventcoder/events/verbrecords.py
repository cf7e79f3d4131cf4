"""The PETRARCH-2 verb dictionary's records: pattern elements and patterns, synsets, verb forms and
entries, transformations.

Read from a dictionary file by :mod:`eventcoder.events.verbfile`, merged into a
:class:`~eventcoder.events.verbdict.VerbDictionary`, matched over a parse by
:mod:`eventcoder.events.verbmatch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Word:
    """A literal word; matched as a stem (prefix) unless ``exact`` (written with a trailing ``_``)."""

    text: str
    exact: bool = False


@dataclass(frozen=True, slots=True)
class SynsetRef:
    """``&NAME``: any member of the synset."""

    name: str


@dataclass(frozen=True, slots=True)
class Slot:
    """``$`` source, ``+`` target, ``%`` compound actor, ``^`` any noun phrase."""

    kind: str


Atom = Word | SynsetRef | Slot


@dataclass(frozen=True, slots=True)
class NounPhrase:
    """``{A B C}`` (or ``A_B``): these words adjacent, in this order, inside one noun phrase."""

    atoms: tuple[Atom, ...]


@dataclass(frozen=True, slots=True)
class PrepPhrase:
    """``(PREP ...)``: a prepositional phrase headed by ``prep`` whose object holds ``elements``."""

    prep: str
    elements: tuple[Atom | NounPhrase, ...]


Element = Word | SynsetRef | Slot | NounPhrase | PrepPhrase


def weight(elements: Sequence[Element]) -> tuple[int, int]:
    """(literal words, all elements) of a pattern side: the specificity used to rank matches."""
    literal = total = 0
    for element in elements:
        if isinstance(element, NounPhrase):
            inner = weight(element.atoms)
        elif isinstance(element, PrepPhrase):
            inner = weight(element.elements)
            inner = (inner[0] + 1, inner[1] + 1)
        else:
            inner = (0, 1) if isinstance(element, Slot) else (1, 1)
        literal, total = literal + inner[0], total + inner[1]
    return literal, total


@dataclass(frozen=True, slots=True)
class Needs:
    """What one side of a pattern cannot match without: its literal words (wherever they are
    written: alone, in ``{A B}`` or inside ``(PREP ...)``) and its prepositions. A side whose
    tokens lack one of them cannot match, so matching can skip it (``verbmatch.matches``)."""

    words: tuple[Word, ...]
    preps: tuple[str, ...]

    @classmethod
    def of(cls, elements: Sequence[Element]) -> Needs:
        words: list[Word] = []
        preps: list[str] = []
        for element in elements:
            if isinstance(element, Word):
                words.append(element)
            elif isinstance(element, NounPhrase):
                words += Needs.of(element.atoms).words
            elif isinstance(element, PrepPhrase):
                inner = Needs.of(element.elements)
                words += inner.words
                preps += (element.prep, *inner.preps)
        return cls(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(preps)))


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """One ``- PRE * POST [code]`` line of a verb block."""

    block: str
    pre: tuple[Element, ...]
    post: tuple[Element, ...]
    code: str | None
    reciprocal: str | None
    text: str  # normalised: "- * &TREATY [057:057]"
    line_no: int
    path: str
    tight_pre: bool = False  # "RECENTLY_*": the last pre element right before the verb
    tight_post: bool = False  # "*_OUT": the first post element right after the verb
    pre_needs: Needs = field(init=False, repr=False, compare=False)  # derived from ``pre``
    post_needs: Needs = field(init=False, repr=False, compare=False)  # derived from ``post``

    def __post_init__(self) -> None:
        object.__setattr__(self, "pre_needs", Needs.of(self.pre))
        object.__setattr__(self, "post_needs", Needs.of(self.post))

    @property
    def key(self) -> tuple[str, str]:
        """Block and body without the code: a later line with the same key replaces this one."""
        return self.block, self.text.rsplit("[", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class SynsetMember:
    words: tuple[str, ...]
    exact: bool


@dataclass(frozen=True, slots=True)
class Synset:
    name: str  # without "&", with any trailing "_"
    members: tuple[SynsetMember, ...]
    exact_words: frozenset[str] = frozenset()  # one-word members matched exactly
    stems: frozenset[str] = frozenset()  # one-word members matched as a prefix
    phrases: dict[str, tuple[SynsetMember, ...]] = field(default_factory=dict)  # by first word, 2+ words

    @classmethod
    def of(cls, name: str, members: tuple[SynsetMember, ...]) -> Synset:
        single = [m for m in members if len(m.words) == 1]
        return cls(
            name,
            members,
            frozenset(m.words[0] for m in single if m.exact),
            frozenset(m.words[0] for m in single if not m.exact),
            {
                first: tuple(m for m in members if len(m.words) > 1 and m.words[0] == first)
                for first in {m.words[0] for m in members if len(m.words) > 1}
            },
        )

    def has_word(self, forms: tuple[str, ...]) -> bool:
        """Is one of these upper-cased forms a one-word member (or does one start with a stem)?"""
        return any(f in self.exact_words or any(f[:n] in self.stems for n in range(1, len(f) + 1)) for f in forms)


@dataclass(frozen=True, slots=True)
class VerbForm:
    """One surface form of a verb: ``word`` is what the parser tags as the verb."""

    word: str
    before: tuple[str, ...] = ()  # words that must precede it ("RE" in RE_+ARREST)
    after: tuple[str, ...] = ()  # words that must follow it ("UP" in +BEEF_UP)


@dataclass(frozen=True, slots=True)
class VerbEntry:
    """A verb line: its forms and the code it gets when no pattern matches."""

    verb: str  # as written, without "+": "SIGN", "BEEF_UP"
    block: str
    code: str | None
    reciprocal: str | None
    own_code: bool  # the line carried its own [code]
    forms: tuple[VerbForm, ...]
    line_no: int
    path: str


@dataclass(frozen=True, slots=True)
class Transformation:
    """``~ a (a b ATTACK) SAY = a b 015``: ``lhs`` is nested tuples of the bracketed structure."""

    lhs: tuple[Any, ...]
    rhs: tuple[str, ...]
    text: str
    line_no: int
    path: str
