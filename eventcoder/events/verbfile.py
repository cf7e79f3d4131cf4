"""The PETRARCH-2 verb dictionary (``CAMEO.2.0.txt``) read into typed records.

The file holds, in any order:

* ``&LABEL`` synsets followed by ``+WORD`` members (``+ARMED_FORCES`` is a two-word
  phrase; a member or label ending in ``_`` matches the exact word only);
* verb blocks ``---  NAME  [code]  ---`` followed by verb lines (``SIGN``,
  ``HURRY {HURRIES HURRYING HURRIED }`` with every form spelled out, ``+BEEF_UP [174]`` a
  multi-word verb whose ``+`` word is the verb, ``RE_+ARREST`` with a word before it), an
  optional per-verb ``[code]`` that overrides the block's code;
* pattern lines ``- PRE * POST [code]`` belonging to the current block;
* ``~ a (a b ATTACK) SAY = a b 015`` transformations (kept as records, not applied here).

Codes are ``[057]``, ``[042:043]`` (active code : code of the same event with the roles
reversed, what this project calls *reciprocal*), ``[:173]`` (only the reversed reading has an
event), ``[---]`` (no event). Comments start with ``#`` (or ``;`` on verb lines, a TABARI
leftover the shipped file still has).

Files are merged into a :class:`~eventcoder.events.verbdict.VerbDictionary`; the records are in
:mod:`eventcoder.events.verbrecords`; pattern matching over a parse lives in
:mod:`eventcoder.events.verbmatch`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DictionaryFormatError, ResourceError
from .verbrecords import (
    Atom,
    Element,
    NounPhrase,
    PrepPhrase,
    Slot,
    SynsetMember,
    SynsetRef,
    Transformation,
    VerbForm,
    VerbPattern,
    Word,
)

VOWELS = frozenset("AEIOU")
SLOTS = frozenset("$+%^")  # source, target, compound actor, any noun phrase
_CODE_WORD = r"---|[A-Za-z0-9?#+]+"  # CAMEO "057"; the validation file also has "075A", "+++", "025?"
_CODE = re.compile(rf"^({_CODE_WORD})?!?(?::({_CODE_WORD}))?$")
_HEADER = re.compile(r"^---\s*([^\s\[\]-][^\[\]]*?)\s*(?:\[([^\]]*)\])?(?:\s*\[[^\]]*\])*[\s-]*$")
_TRAILING_CODE = re.compile(r"\[([^\]]*)\]\s*$")
_VERB_WORD = re.compile(r"^[A-Z0-9'+_.-]+$")
_PATTERN_WORD = re.compile(r"^[A-Z0-9'_.&/-]+$|^[A-Z0-9'_.&/$+%^-]*_[A-Z0-9'_.&/$+%^-]*$")
_HASH_COMMENT = re.compile(r"#(?![^\[\]]*\]).*$")  # "#" starts a comment, except inside "[###]"
_TOKENS = re.compile(r"[{}()|]|[^\s{}()|]+")


# ----------------------------------------------------------------------------- small parsers


def parse_code(text: str) -> tuple[str | None, str | None]:
    """``"057:057"`` → ``("057", "057")``; ``"---"`` → ``(None, None)``; ``":173"`` → ``(None, "173")``."""
    text = text.replace(" ", "")
    found = _CODE.match(text)
    if not text or found is None:
        raise ValueError(f"bad code [{text}]")
    active, reverse = found.group(1), found.group(2)
    return (None if active in (None, "---") else active), (None if reverse in (None, "---") else reverse)


def regular_forms(stem: str) -> tuple[str, ...]:
    """The stem and its regular -S, -ED and -ING forms (both spellings when doubling is unclear)."""
    forms = [stem]
    consonant_y = len(stem) > 1 and stem.endswith("Y") and stem[-2] not in VOWELS
    if stem.endswith(("S", "X", "Z", "SH", "CH")):
        forms.append(stem + "ES")
    else:
        forms.append(stem[:-1] + "IES" if consonant_y else stem + "S")
    cvc = len(stem) >= 3 and stem[-1] not in VOWELS | set("WXY") and stem[-2] in VOWELS and stem[-3] not in VOWELS
    if stem.endswith("E"):
        forms.append(stem + "D")
        if stem.endswith("IE"):
            forms.append(stem[:-2] + "YING")
        elif stem.endswith(("EE", "OE", "YE")):
            forms.append(stem + "ING")
        else:
            forms.append(stem[:-1] + "ING")
    elif consonant_y:
        forms += [stem[:-1] + "IED", stem + "ING"]
    else:
        forms += [stem + "ED", stem + "ING"]
        if cvc:
            forms += [stem + stem[-1] + "ED", stem + stem[-1] + "ING"]
    return tuple(dict.fromkeys(forms))


def parse_verb_form(text: str) -> VerbForm:
    """``"+BEEF_UP"`` → VerbForm("BEEF", after=("UP",)); ``"RE_+ARREST"`` → before=("RE",)."""
    if not _VERB_WORD.match(text):
        raise ValueError(f"bad verb form {text!r}")
    parts = [p for p in text.split("_") if p]
    if not parts:
        raise ValueError("empty verb form")
    marked = [i for i, p in enumerate(parts) if p.startswith("+")]
    if len(marked) > 1:
        raise ValueError(f"more than one '+' in {text!r}")
    at = marked[0] if marked else 0
    word = parts[at].lstrip("+")
    if not word or "+" in word:
        raise ValueError(f"bad verb form {text!r}")
    return VerbForm(word, tuple(parts[:at]), tuple(parts[at + 1 :]))


def _forms_for(primary: str, explicit: list[str] | None) -> tuple[VerbForm, ...]:
    base = parse_verb_form(primary)
    if explicit is not None:
        forms = [base] + [parse_verb_form(f) for f in explicit]
    else:
        forms = [VerbForm(w, base.before, base.after) for w in regular_forms(base.word)]
    return tuple(dict.fromkeys(forms))


def parse_verb_line(body: str) -> tuple[str, tuple[VerbForm, ...], str | None]:
    """A verb line (comments removed) → (verb as written, forms, code text or None)."""
    code = None
    found = _TRAILING_CODE.search(body)
    if found:
        code, body = found.group(1), body[: found.start()]
    explicit: list[str] | None = None
    if "{" in body:
        opened, closed = body.index("{"), body.find("}")
        if closed < opened:
            raise ValueError("'{' without '}'")
        explicit = body[opened + 1 : closed].replace(",", " ").split()
        if body[closed + 1 :].strip():
            raise ValueError("text after the '{...}' forms")
        body = body[:opened]
    words = body.split()
    if len(words) > 1 and not any(c in body for c in "+_") and explicit is None:
        words = ["+" + "_".join(words)]  # TABARI's "LASH OUT": a multi-word verb, the first word the verb
    if len(words) != 1:
        raise ValueError("a verb line holds one verb (join multi-word verbs with '_')")
    return words[0].lstrip("+"), _forms_for(words[0], explicit), code


def _parse_atom(token: str) -> Atom | NounPhrase:
    if token in SLOTS:
        return Slot(token)
    if token.startswith("&") and "_" not in token.rstrip("_"):  # "&A_B" is &A then B, as in PETRARCH 1
        if len(token) < 2:
            raise ValueError("'&' without a synset name")
        return SynsetRef(token[1:])
    if not _PATTERN_WORD.match(token):
        raise ValueError(f"bad pattern word {token!r}")
    exact = token.endswith("_")
    parts = [p for p in token.split("_") if p]
    if not parts or any(p[0] in SLOTS and len(p) > 1 for p in parts):
        raise ValueError(f"bad pattern word {token!r}")
    if len(parts) == 1:
        return Word(parts[0], exact)
    # "DEMAND_&GENINT_CONVENTIONS", "SUGGESTED_+": words, synsets and slots joined by "_"
    last = len(parts) - 1
    atoms = [
        Slot(p) if p in SLOTS else SynsetRef(p[1:]) if p.startswith("&") else Word(p, exact or i < last)
        for i, p in enumerate(parts)
    ]
    return NounPhrase(tuple(atoms))


def _parse_braces(tokens: list[str], at: int) -> tuple[NounPhrase, int]:
    atoms: list[Atom] = []
    at += 1
    while at < len(tokens) and tokens[at] != "}":
        if tokens[at] in "{}()|":
            raise ValueError(f"{tokens[at]!r} inside '{{...}}'")
        parsed = _parse_atom(tokens[at])
        atoms.extend(parsed.atoms if isinstance(parsed, NounPhrase) else (parsed,))
        at += 1
    if at >= len(tokens):
        raise ValueError("'{' without '}'")
    if not atoms:
        raise ValueError("empty '{}'")
    return NounPhrase(tuple(atoms)), at + 1


def _parse_paren(tokens: list[str], at: int) -> tuple[PrepPhrase, int]:
    at += 1
    if at >= len(tokens) or tokens[at] in "{}()|" or not _PATTERN_WORD.match(tokens[at]):
        raise ValueError("'(' must be followed by a preposition")
    prep, at = tokens[at].rstrip("_"), at + 1
    inner: list[Atom | NounPhrase] = []
    while at < len(tokens) and tokens[at] != ")":
        if tokens[at] == "{":
            phrase, at = _parse_braces(tokens, at)
            inner.append(phrase)
        elif tokens[at] in "}()":
            raise ValueError(f"{tokens[at]!r} inside '(...)'")
        else:
            if tokens[at] != "|":
                inner.append(_parse_atom(tokens[at]))
            at += 1
    if at >= len(tokens):
        raise ValueError("'(' without ')'")
    return PrepPhrase(prep, tuple(inner)), at + 1


def parse_elements(text: str, notes: list[str] | None = None) -> tuple[Element, ...]:
    """One side of a pattern (``&TREATY (IN ^) (WITH)``) → elements, in order.

    A stray ``)`` closing no ``(`` ends a fragment that PETRARCH itself ignores (the shipped
    file has two: ``(WITH VISIT) VISIT)``); the words since the previous phrase are dropped and
    a note is added to ``notes``.
    """
    tokens = _TOKENS.findall(text.upper())
    out: list[Element] = []
    at = last_phrase = 0
    while at < len(tokens):
        token = tokens[at]
        if token == "{":
            phrase, at = _parse_braces(tokens, at)
            out.append(phrase)
            last_phrase = len(out)
        elif token == "(":
            prep, at = _parse_paren(tokens, at)
            out.append(prep)
            last_phrase = len(out)
        elif token == ")" and notes is not None:
            del out[last_phrase:]
            notes.append(f"stray ')' ignored with the words before it: {text.strip()!r}")
            at += 1
        elif token in "})":
            raise ValueError(f"unbalanced {token!r}")
        else:
            if token != "|":  # PETRARCH's noun/prep separator: order already says it
                out.append(_parse_atom(token))
            at += 1
    return tuple(out)


def parse_pattern(block: str, body: str, line_no: int, path: str, notes: list[str] | None = None) -> VerbPattern:
    """``body`` is the line without its leading ``-`` and comment."""
    found = _TRAILING_CODE.search(body)
    if not found:
        raise ValueError("pattern without a [code]")
    code, reciprocal = parse_code(found.group(1))
    lhs = body[: found.start()]
    if lhs.count("*") != 1:
        raise ValueError("a pattern needs exactly one '*' (the verb)")
    pre_text, post_text = lhs.split("*")
    text = " ".join(["-", *pre_text.split(), "*", *post_text.split(), f"[{found.group(1).strip()}]"])
    pre, post = parse_elements(pre_text, notes), parse_elements(post_text, notes)
    tight = (pre_text.endswith("_") and bool(pre_text.strip()), post_text.startswith("_") and bool(post_text.strip("_ ")))
    return VerbPattern(block, pre, post, code, reciprocal, text, line_no, path, *tight)


def _nest(tokens: list[str], at: int) -> tuple[tuple[Any, ...], int]:
    out: list[Any] = []
    while at < len(tokens):
        if tokens[at] == "(":
            inner, at = _nest(tokens, at + 1)
            out.append(inner)
        elif tokens[at] == ")":
            return tuple(out), at + 1
        else:
            out.append(tokens[at])
            at += 1
    return tuple(out), at


def parse_transformation(body: str, line_no: int, path: str) -> Transformation:
    """``body`` is the line without its leading ``~`` and comment."""
    if body.count("=") != 1:
        raise ValueError("a transformation needs one '='")
    left, right = body.split("=")
    tokens = re.findall(r"[()]|[^\s()]+", left)
    if tokens.count("(") != tokens.count(")") or not tokens:
        raise ValueError("unbalanced '(' in transformation")
    lhs, _ = _nest(tokens, 0)
    if not right.split():
        raise ValueError("empty right-hand side")
    return Transformation(lhs, tuple(right.split()), "~ " + " ".join(body.split()), line_no, path)


# ----------------------------------------------------------------------------- reading a file


@dataclass(slots=True)
class RawFile:
    """What one file says, before files are merged (mutable while reading)."""

    path: str
    block_codes: dict[str, tuple[str | None, str | None]]
    verbs: list[tuple[str, str, tuple[VerbForm, ...], tuple[str | None, str | None] | None, int]]
    patterns: list[VerbPattern]
    synsets: dict[str, list[SynsetMember]]
    transformations: list[Transformation]
    notes: list[str]


def _strip_comments(raw: str, in_xml: bool) -> tuple[str, bool]:
    """Remove ``<!-- -->`` (possibly spanning lines) and ``#`` comments."""
    out, rest = "", raw
    while rest:
        if in_xml:
            end = rest.find("-->")
            if end < 0:
                return out, True
            rest, in_xml = rest[end + 3 :], False
        else:
            start = rest.find("<!--")
            if start < 0:
                out, rest = out + rest, ""
            else:
                out, rest, in_xml = out + rest[:start], rest[start + 4 :], True
    return _HASH_COMMENT.sub("", out), in_xml


def _member(text: str, label: str) -> SynsetMember:
    """``+WORDS`` of a synset; ``+&OTHER`` (a whole synset embedded) is kept as one word
    starting with ``&`` and expanded when the files are merged."""
    words = tuple(w for w in re.split(r"[\s_]+", text.strip()) if w)
    embedded = len(words) == 1 and words[0].startswith("&") and len(words[0]) > 1
    if not words or not (embedded or all(_PATTERN_WORD.match(w) and not w.startswith("&") for w in words)):
        raise ValueError("a synset member is one or more plain words or one '&SYNSET'")
    return SynsetMember(words, text.strip().endswith("_") or label.endswith("_"))


def _read_line(raw: RawFile, state: dict[str, str], line: str, line_no: int) -> None:
    """Interpret one non-blank, comment-free line; ``state`` holds the open block / synset."""
    if line.startswith("---"):
        found = _HEADER.match(line)
        if not found:
            raise ValueError("a block header reads '---  NAME  [code]  ---'")
        name = "_".join(found.group(1).split())  # "--- LASH OUT [122] ---": block LASH_OUT
        state.update(block=name, synset="")
        raw.block_codes[name] = parse_code(found.group(2) or "---")  # a second [code] is ignored
    elif line.startswith("&"):
        label = line.split()[0][1:]
        if not label or len(line.split()) > 1:
            raise ValueError("a synset label is '&NAME' alone on its line")
        state["synset"] = label
        raw.synsets.setdefault(label, [])
    elif line.startswith("+") and state["synset"]:
        raw.synsets[state["synset"]].append(_member(line[1:], state["synset"]))
    elif line.startswith("~"):
        raw.transformations.append(parse_transformation(line[1:], line_no, raw.path))
    elif not state["block"]:
        raise ValueError("verb or pattern line before any '--- NAME [code] ---' block header")
    elif line.startswith("-"):
        notes: list[str] = []
        raw.patterns.append(parse_pattern(state["block"], line[1:], line_no, raw.path, notes))
        raw.notes.extend(f"{raw.path}:{line_no}: {note}" for note in notes)
    else:
        state["synset"] = ""
        verb, forms, code = parse_verb_line(line.split(";", 1)[0].upper())
        own = None if code is None else parse_code(code)
        raw.verbs.append((state["block"], verb, forms, own, line_no))


def read_file(path: str | Path) -> RawFile:
    """Read one dictionary file; a line that cannot be read raises DictionaryFormatError."""
    name = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ResourceError(f"cannot read verb dictionary {name}: {exc}") from exc
    raw = RawFile(name, {}, [], [], {}, [], [])
    state = {"block": "", "synset": ""}
    in_xml = False
    for line_no, text in enumerate(lines, 1):
        body, in_xml = _strip_comments(text, in_xml)
        body = body.strip()
        if not body:
            continue
        try:
            _read_line(raw, state, body, line_no)
        except ValueError as exc:
            raise DictionaryFormatError(name, line_no, text, str(exc)) from None
    return raw
