"""Stages that choose the sentences to code: ``sentences`` (all but over-long ones) and, in
PETRARCH mode, ``discard`` (PETRARCH's story- and sentence-discard phrases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..petrarch.discards import Discards
from .records import Parsed, Sentence, Sentences


@dataclass(frozen=True, slots=True)
class SelectSentences:
    """Every sentence, except those longer than ``max_chars`` (setting max_sentence_chars)."""

    max_chars: int
    name: ClassVar[str] = "sentences"
    takes: ClassVar[type] = Parsed
    returns: ClassVar[type] = Sentences

    def __call__(self, parsed: Parsed) -> Sentences:
        kept = tuple(Sentence(i, s) for i, s in enumerate(parsed.sentences) if len(s.text) <= self.max_chars)
        return Sentences(parsed, kept)


@dataclass(frozen=True, slots=True)
class Discard:
    """A story-discard phrase voids the whole article; a sentence-discard phrase one sentence."""

    discards: Discards
    name: ClassVar[str] = "discard"
    takes: ClassVar[type] = Sentences
    returns: ClassVar[type] = Sentences

    def __call__(self, sentences: Sentences) -> Sentences:
        if self.discards.voids(upper_words(sentences.parsed.doc), story=True):
            return Sentences(sentences.parsed, (), ("storydiscard",))
        kept = tuple(s for s in sentences.kept if not self.discards.voids(upper_words(s.span)))
        voided = ("sentencediscard",) if len(kept) < len(sentences.kept) else ()
        return Sentences(sentences.parsed, kept, sentences.discarded + voided)


def upper_words(span: Any) -> list[str]:
    return [t.text.upper() for t in span if not t.is_punct]
