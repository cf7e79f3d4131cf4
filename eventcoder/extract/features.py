"""What the gate looks at: named binary features of one candidate event, read off the parse.

Every feature is a short string ("lemma=urge", "type=ACCUSE|target=implicit"), so a trained
weight table can be read by a person and each decision can name the features that drove it.
"""

from __future__ import annotations

from typing import Any

from ..records import Mention

SPEECH_LEMMAS = frozenset("say tell add state announce declare note stress claim insist report explain write".split())
_TENSES = {"VBD": "past", "VBN": "participle", "VBZ": "present", "VBP": "present", "VBG": "gerund", "VB": "base", "MD": "modal"}


def phrase_head(tokens: frozenset[int], doc: Any) -> Any:
    """The token of a phrase whose syntactic head lies outside it (None for no tokens)."""
    for i in sorted(tokens):
        if doc[i].head.i not in tokens or doc[i].head.i == i:
            return doc[i]
    return doc[min(tokens)] if tokens else None


def _by(mention: Mention | None) -> str:
    """How a mention was resolved, without its evidence detail ("agent+article-country")."""
    if mention is None:
        return "none"
    parts = mention.resolved_by.split("+")
    return "+".join(p.split(":")[0] for p in parts)


def _no_country(mention: Mention) -> str:
    """Why an actor has no country: "none" for a body above countries (the UN, an NGO), "unknown"
    for a role or a name whose country nothing made clear (``---`` code)."""
    return "unknown" if mention.actor.country_unknown else "none"


def _sector(mention: Mention | None) -> str:
    if mention is None:
        return "none"
    return mention.actor.sectors[0] if mention.actor.sectors else "state"


def candidate_features(
    verb: Any, *, plover_type: str | None, code: str, pattern: str, via: str, source: Mention,
    target: Mention | None, implicit: bool, modality: str, sentence_index: int, learned: str,
    source_tokens: frozenset[int] = frozenset(), target_tokens: frozenset[int] = frozenset(),
) -> list[str]:
    """Features of one candidate: the predicate, its code, how the pair was found, the actors."""
    ptype = plover_type or "none"
    target_kind = _target_kind(target, implicit)
    lemma = verb.lemma_.lower()
    via_kind = via.split(";")[0].replace(":reversed", "")
    return [
        "bias",
        f"type={ptype}",
        f"code={code}",
        f"root={code[:2]}",
        f"lemma={lemma}",
        f"lemma={lemma}|type={ptype}",
        f"pattern={pattern}",
        f"type={ptype}|pattern={pattern}",
        f"via={via_kind}",
        f"target={target_kind}",
        f"type={ptype}|target={target_kind}",
        *_actor_features(ptype, source, target, implicit),
        f"modality={modality}",
        f"sent={min(sentence_index, 4)}",
        f"pairmodel={learned}",
        f"pairmodel={learned}|type={ptype}",
        *_verb_features(verb),
        *_head_features(verb, via_kind, source_tokens, target_tokens),
        *([f"src_country={_no_country(source)}"] if source.actor.country is None else []),
        *([f"tgt_country={_no_country(target)}"] if target is not None and target.actor.country is None else []),
    ]


def _target_kind(target: Mention | None, implicit: bool) -> str:
    return "implicit" if implicit else ("explicit" if target is not None else "none")


def _actor_features(ptype: str, source: Mention, target: Mention | None, implicit: bool) -> list[str]:
    """How each actor was found, its sector, and whether the two share a country."""
    same = "none"
    if target is not None:
        unknown = source.actor.country_unknown or target.actor.country_unknown
        same = "unknown" if unknown else "same" if source.actor.country == target.actor.country else "diff"
    if not implicit:
        tgt_by = _by(target)
    else:
        tgt_by = "implicit-recent" if target is not None and ":recent:" in target.resolved_by else "implicit"
    target_kind = _target_kind(target, implicit)
    return [
        f"src_by={_by(source)}",
        f"tgt_by={tgt_by}",
        f"src_sector={_sector(source)}",
        f"tgt_sector={_sector(target)}",
        f"type={ptype}|src_sector={_sector(source)}",
        f"dyad={same}",
        # whether a country acting on itself is news depends on how the target was found, who acts
        # and what is done ("the government arrested …" yes; a leader's words read as aimed at his
        # own country by the article's implicit recipient, mostly not)
        f"dyad={same}|target={target_kind}",
        f"dyad={same}|src_sector={_sector(source)}",
        f"dyad={same}|type={ptype}",
    ]


def _verb_features(verb: Any) -> list[str]:
    """The predicate's place in the parse: dependency, tense, governing verb, negation, voice."""
    feats = [f"dep={verb.dep_}", f"tense={_TENSES.get(verb.tag_, 'other')}", f"pos={verb.pos_}"]
    governor = verb.head if verb.head.i != verb.i else None
    if governor is not None and verb.dep_ in ("ccomp", "xcomp", "advcl", "relcl", "acl", "conj"):
        feats.append(f"governor={governor.lemma_.lower()}")
        feats.append(f"governor_speech={governor.lemma_.lower() in SPEECH_LEMMAS}")
    if any(c.dep_ == "neg" for c in verb.children):
        feats.append("negated")
    if any(c.dep_ == "auxpass" for c in verb.children):
        feats.append("passive")
    return feats


def _head_features(verb: Any, via_kind: str, source_tokens: frozenset[int], target_tokens: frozenset[int]) -> list[str]:
    """Where the source's and target's head words stand: their dependencies, order and distance."""
    feats: list[str] = []
    s_head = phrase_head(source_tokens, verb.doc)
    t_head = phrase_head(target_tokens, verb.doc)
    if s_head is not None:
        feats.append(f"src_dep={s_head.dep_}")
        feats.append(f"src_subject={s_head.head.i == verb.i and s_head.dep_ in ('nsubj', 'nsubjpass')}")
    if t_head is not None and s_head is not None:
        feats.append(f"tgt_dep={t_head.dep_}")
        feats.append(f"tgt_under_pred={t_head.i in {t.i for t in verb.subtree}}")
        feats.append(f"order={'st' if s_head.i < t_head.i else 'ts'}")
        gap = abs(s_head.i - t_head.i)
        feats.append(f"gap={'near' if gap <= 4 else 'mid' if gap <= 12 else 'far'}")
        feats.append(f"via={via_kind}|tgt_dep={t_head.dep_}")
        feats.append(f"via={via_kind}|src_dep={s_head.dep_}")
    return feats
