"""The merged PETRARCH-2 verb dictionary: the lookup structure the coder uses.

:class:`VerbDictionary` merges one or more dictionary files (read by
:mod:`eventcoder.events.verbfile` into the records of :mod:`eventcoder.events.verbrecords`) and
indexes its verbs by word; :func:`lookup` finds a verb token's entry, multi-word verbs ("beef up",
"re-arrest") first. Pattern matching over a parse lives in :mod:`eventcoder.events.verbmatch`.

The records and the file parsers are re-exported here (their import path before the split).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .verbfile import (
    RawFile,
    parse_code,
    parse_elements,
    parse_pattern,
    parse_transformation,
    parse_verb_form,
    parse_verb_line,
    read_file,
    regular_forms,
)
from .verbrecords import (
    Atom,
    Element,
    NounPhrase,
    PrepPhrase,
    Slot,
    Synset,
    SynsetMember,
    SynsetRef,
    Transformation,
    VerbEntry,
    VerbForm,
    VerbPattern,
    Word,
    weight,
)

__all__ = [
    "Atom", "Element", "NounPhrase", "PrepPhrase", "RawFile", "Slot", "Synset", "SynsetMember", "SynsetRef",
    "Transformation", "VerbDictionary", "VerbEntry", "VerbForm", "VerbPattern", "Word", "lookup", "parse_code",
    "parse_elements", "parse_pattern", "parse_transformation", "parse_verb_form", "parse_verb_line", "read_file",
    "regular_forms",
]


@dataclass(frozen=True, slots=True)
class VerbDictionary:
    """Verbs, patterns per block, synsets and transformations of one or more merged files.

    Merging (``load(base, additions, ...)``): later files add verbs, patterns and synset members;
    a pattern with the same block and body as an earlier one replaces it (so does a repeated
    pattern later in the same file, as in PETRARCH), a repeated block header replaces the block's
    code, and a verb form defined again in a later file wins (inside one file the first
    definition wins, as in PETRARCH).
    """

    entries: tuple[VerbEntry, ...]
    patterns: dict[str, tuple[VerbPattern, ...]]  # block name -> patterns, file order
    synsets: dict[str, Synset]
    transformations: tuple[Transformation, ...]
    index: dict[str, tuple[tuple[VerbForm, VerbEntry], ...]]  # verb word -> forms, best first
    paths: tuple[str, ...]
    ranked: dict[str, tuple[VerbPattern, ...]]  # block name -> patterns, most specific first (see ranked_for)
    notes: tuple[str, ...] = ()  # lines read with a recovery (see parse_elements)

    @classmethod
    def load(cls, path: str | Path, *more: str | Path) -> VerbDictionary:
        return cls.merge([read_file(p) for p in (path, *more)])

    @classmethod
    def merge(cls, files: list[RawFile]) -> VerbDictionary:
        codes: dict[str, tuple[str | None, str | None]] = {}
        members: dict[str, list[SynsetMember]] = {}
        patterns: dict[tuple[str, str], VerbPattern] = {}
        for raw in files:
            codes.update(raw.block_codes)
            for label, found in raw.synsets.items():
                members.setdefault(label, []).extend(m for m in found if m not in members.get(label, []))
            for pattern in raw.patterns:
                patterns.pop(pattern.key, None)
                patterns[pattern.key] = pattern
        members = _expand_embedded(members)
        synsets = {label: Synset.of(label, tuple(found)) for label, found in members.items()}
        notes = [note for raw in files for note in raw.notes] + _known_synsets(patterns, synsets)
        by_block: dict[str, list[VerbPattern]] = {}
        for pattern in patterns.values():
            by_block.setdefault(pattern.block, []).append(pattern)
        entries = [
            VerbEntry(verb, block, *(own or codes[block]), own is not None, forms, line_no, raw.path)
            for raw in files
            for block, verb, forms, own, line_no in raw.verbs
        ]
        paths = tuple(raw.path for raw in files)
        return cls(
            tuple(entries),
            {block: tuple(found) for block, found in by_block.items()},
            synsets,
            tuple(t for raw in files for t in raw.transformations),
            _build_index(entries, list(paths)),
            paths,
            {block: _most_specific_first(found, paths) for block, found in by_block.items()},
            tuple(notes),
        )

    def synset(self, name: str) -> Synset | None:
        """``name`` with or without its trailing ``_``."""
        return self.synsets.get(name) or self.synsets.get(name + "_") or self.synsets.get(name.rstrip("_"))

    def patterns_for(self, entry: VerbEntry) -> tuple[VerbPattern, ...]:
        return self.patterns.get(entry.block, ())

    def ranked_for(self, entry: VerbEntry) -> tuple[VerbPattern, ...]:
        """The block's patterns in the order a match is preferred: most literal words, then most
        elements (``weight``), then the later file, then the later line; patterns equal in all four
        keep file order. The first of them that matches a verb is the one that wins."""
        return self.ranked.get(entry.block, ())

    def entry_for(self, verb_token: Any) -> VerbEntry | None:
        """The entry for a verb token: multi-word verbs ("beef up") first, then the word alone."""
        found = lookup(self, verb_token)
        return found[0] if found else None

    def stats(self) -> dict[str, int]:
        return {
            "verbs": len(self.entries),
            "verb_forms": sum(len(e.forms) for e in self.entries),
            "blocks": len({e.block for e in self.entries} | set(self.patterns)),
            "patterns": sum(len(p) for p in self.patterns.values()),
            "synsets": len(self.synsets),
            "transformations": len(self.transformations),
        }


def _most_specific_first(patterns: list[VerbPattern], paths: tuple[str, ...]) -> tuple[VerbPattern, ...]:
    rank = {path: i for i, path in enumerate(paths)}
    return tuple(sorted(  # stable: equal keys keep file order, as a scan keeping the first best would
        patterns, key=lambda p: (*weight(p.pre + p.post), rank.get(p.path, 0), p.line_no), reverse=True))


def _expand_embedded(members: dict[str, list[SynsetMember]]) -> dict[str, list[SynsetMember]]:
    """Replace ``+&OTHER`` members by OTHER's members (recursively; unknown or cyclic: dropped)."""

    def expand(label: str, seen: frozenset[str]) -> list[SynsetMember]:
        out: list[SynsetMember] = []
        for member in members.get(label, []):
            inner = member.words[0][1:] if member.words[0].startswith("&") else None
            if inner is None:
                out.append(member)
                continue
            name = next((n for n in (inner, inner + "_", inner.rstrip("_")) if n in members), None)
            if name is not None and name not in seen:
                out.extend(m for m in expand(name, seen | {name}) if m not in out)
        return out

    return {label: expand(label, frozenset({label})) for label in members}


def _known_synsets(patterns: dict[tuple[str, str], VerbPattern], synsets: dict[str, Synset]) -> list[str]:
    """Drop patterns naming an undefined synset (PETRARCH ignores them too); one note each."""

    def refs(elements: tuple[Any, ...]) -> Iterator[str]:
        for element in elements:
            if isinstance(element, SynsetRef):
                yield element.name
            elif isinstance(element, NounPhrase):
                yield from refs(element.atoms)
            elif isinstance(element, PrepPhrase):
                yield from refs(element.elements)

    notes = []
    for key, pattern in list(patterns.items()):
        missing = [n for n in refs(pattern.pre + pattern.post) if not ({n, n + "_", n.rstrip("_")} & synsets.keys())]
        if missing:
            del patterns[key]
            notes.append(f"{pattern.path}:{pattern.line_no}: pattern ignored, undefined synset &{missing[0]}")
    return notes


def _build_index(entries: list[VerbEntry], paths: list[str]) -> dict[str, tuple[tuple[VerbForm, VerbEntry], ...]]:
    """Verb word -> (form, entry) pairs; later files first, then earlier lines first."""
    rank = {path: i for i, path in enumerate(paths)}
    index: dict[str, list[tuple[VerbForm, VerbEntry]]] = {}
    for entry in sorted(entries, key=lambda e: (-rank[e.path], e.line_no)):
        for form in entry.forms:
            index.setdefault(form.word, []).append((form, entry))
    return {word: tuple(found) for word, found in index.items()}


# ----------------------------------------------------------------------------- finding a verb token's entry


def _same(word: str, token: Any) -> bool:
    return word in (token.text.upper(), token.lemma_.upper())


def _keys(token: Any) -> list[str]:
    keys = [token.text.upper(), token.lemma_.upper()]
    doc, i = token.doc, token.i
    if i >= 2 and doc[i - 1].text == "-":  # "re-arrest" split by the tokenizer
        keys = [f"{doc[i - 2].text.upper()}-{key}" for key in keys] + keys
    return list(dict.fromkeys(keys))


def _context(form: VerbForm, token: Any) -> frozenset[int] | None:
    """Indices of the words around ``token`` that complete the multi-word ``form``, or None."""
    doc, used = token.doc, []
    if form.after:
        n = len(form.after)
        particles = sorted((c for c in token.children if c.dep_ == "prt" and c.i > token.i), key=lambda c: c.i)
        following = [doc[j] for j in range(token.i + 1, min(token.i + 1 + n, len(doc)))]
        for candidate in (particles[:n], following):
            if len(candidate) == n and all(_same(w, t) for w, t in zip(form.after, candidate)):
                used += candidate
                break
        else:
            return None
    if form.before:
        preceding = [doc[j] for j in range(token.i - 1, -1, -1) if doc[j].text != "-"][: len(form.before)]
        if len(preceding) != len(form.before) or not all(_same(w, t) for w, t in zip(form.before, reversed(preceding))):
            return None
        used += preceding
    return frozenset(t.i for t in used)


def lookup(vdict: VerbDictionary, token: Any) -> tuple[VerbEntry, frozenset[int]] | None:
    """The entry for ``token`` and the indices of the other words of a multi-word verb."""
    pairs = [pair for key in _keys(token) for pair in vdict.index.get(key, ())]
    best: tuple[VerbEntry, frozenset[int]] | None = None
    for form, entry in pairs:
        if form.before or form.after:
            used = _context(form, token)
            if used is not None and (best is None or len(used) > len(best[1])):
                best = (entry, used)
    if best is not None:
        return best
    return next(((entry, frozenset()) for form, entry in pairs if not (form.before or form.after)), None)
