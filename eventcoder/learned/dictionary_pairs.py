"""Code a marked (source, target) pair with the PETRARCH verb dictionary.

The plain sentence is parsed with the shipped spaCy model; the verbs governing the source and
target spans are tried nearest first (the lowest verb dominating both, then the verbs above the
target, then those above the source) and the first one the dictionary codes with a PLOVER type
decides. The CAMEO code maps to a PLV root through the shipped code tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eventcoder.events.ontology import CodeTables
from eventcoder.events.verbdict import VerbDictionary
from eventcoder.events.verbmatch import code_verb

from .plv import PlvPair, marked_spans, plv_root, unmarked

VERB_POS = frozenset({"VERB", "AUX"})


@dataclass(frozen=True, slots=True)
class PairCoding:
    """The dictionary's decision for one pair: PLV root and CAMEO code, both None when nothing coded."""

    root: str | None
    cameo: str | None
    verb: str  # lemma of the verb that coded, or of the nearest governing verb ("" if none)
    verb_span: tuple[int, int] | None = None  # that verb's characters in the unmarked sentence


@dataclass(frozen=True, slots=True)
class DictionaryPairCoder:
    nlp: Any
    verbs: VerbDictionary
    tables: CodeTables

    @classmethod
    def load(cls) -> DictionaryPairCoder:
        from eventcoder.nlp import load_model
        from eventcoder.pipeline import dictionary_paths
        from eventcoder.settings import Settings

        return cls(load_model(), VerbDictionary.load(*dictionary_paths(Settings())), CodeTables.load())

    def code(self, pairs: Sequence[PlvPair], *, batch_size: int = 64) -> list[PairCoding]:
        texts = [unmarked(p.marked_sentence) for p in pairs]
        docs = self.nlp.pipe(texts, batch_size=batch_size)
        return [self.code_doc(doc, pair) for doc, pair in zip(docs, pairs)]

    def code_doc(self, doc: Any, pair: PlvPair) -> PairCoding:
        source_span, target_span = marked_spans(pair)
        source = _tokens(doc, source_span)
        target = _tokens(doc, target_span)
        first: Any = None
        for verb in candidate_verbs(doc, source, target):
            first = first if first is not None else verb
            coding = code_verb(self.verbs, verb, source_tokens=frozenset(source), target_tokens=frozenset(target))
            code = (coding.code or coding.reciprocal) if coding is not None else None
            root = self._root(code) if code else None
            if root is not None:
                return PairCoding(root, code, verb.lemma_.lower(), _chars(verb))
        if first is None:
            return PairCoding(None, None, "")
        return PairCoding(None, None, first.lemma_.lower(), _chars(first))

    def _root(self, code: str) -> str | None:
        for candidate in (code, code[:3], code[:2]):
            if self.tables.is_valid(candidate):
                kind = self.tables.cameo(candidate).plover_type
                return plv_root(kind) if kind else None
        return None


def _chars(token: Any) -> tuple[int, int]:
    return token.idx, token.idx + len(token.text)


def _tokens(doc: Any, span: tuple[int, int] | None) -> list[int]:
    if span is None:
        return []
    start, end = span
    return [t.i for t in doc if t.idx < end and t.idx + len(t.text) > start]


def _head(doc: Any, tokens: Sequence[int]) -> Any | None:
    """The span's syntactic head: its token whose head lies outside it."""
    inside = set(tokens)
    for i in tokens:
        if doc[i].head.i not in inside or doc[i].head.i == i:
            return doc[i]
    return doc[tokens[0]] if tokens else None


def _verbs_above(token: Any | None) -> list[Any]:
    out: list[Any] = []
    while token is not None:
        if token.pos_ in VERB_POS:
            out.append(token)
        if token.head.i == token.i:
            break
        token = token.head
    return out


def candidate_verbs(doc: Any, source: Sequence[int], target: Sequence[int]) -> Iterator[Any]:
    """Verbs to try, nearest the pair first: the lowest common verb, then the target's, then the source's."""
    above_source = _verbs_above(_head(doc, source))
    above_target = _verbs_above(_head(doc, target))
    source_ids = {v.i for v in above_source}
    common = [v for v in above_target if v.i in source_ids]
    seen: set[int] = set()
    for verb in [*common[:1], *above_target, *above_source, *(t for t in doc if t.pos_ in VERB_POS)]:
        if verb.i not in seen:
            seen.add(verb.i)
            yield verb
