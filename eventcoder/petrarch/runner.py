"""Code PETRARCH validation records with the dictionaries their environment names."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import groupby
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import ResourceError
from ..pipeline import Pipeline, petrarch_stages, shipped_data_dir
from ..records import Article, stable_id
from ..settings import Settings
from .discards import read_discards
from .resolver import DictionaryResolver
from .codes import OpenCodeTables
from .validation import Coding, Environment, Record, RecordResult, error_coding


def find_dictionary(name: str, directories: Sequence[Path]) -> Path:
    for d in directories:
        if (d / name).is_file():
            return d / name
    raise ResourceError(f"dictionary {name!r} not found in {', '.join(str(d) for d in directories)}; pass --dictionaries DIR")


def petrarch_pipeline(env: Environment, *, dictionaries: str | Path | None = None, nlp: object = None) -> Pipeline:
    """A Pipeline that codes with the dictionaries named by ``env`` (user directory first)."""
    dirs = ([Path(dictionaries)] if dictionaries else []) + [shipped_data_dir() / "dictionaries"]
    verbs = find_dictionary(env.verbs or "CAMEO.2.0.txt", dirs)
    actors = [find_dictionary(n, dirs) for n in env.actors or ("Phoenix.Countries.actors.txt",)]
    agents = [find_dictionary(n, dirs) for n in env.agents or ("Phoenix.agents.txt",)]
    discards = read_discards(find_dictionary(env.discards, dirs)) if env.discards else None
    from ..events.verbdict import VerbDictionary

    from ..events.ontology import CodeTables

    return Pipeline(
        Settings(coder="dictionary", extractor="rules"), nlp=nlp, verbs=VerbDictionary.load(verbs),
        resolver=DictionaryResolver.load(actors, agents), tables=OpenCodeTables.wrap(CodeTables.load()),
        discards=discards, require_dyad=True, stage_list=petrarch_stages,
    )


def expand_codes(source: str, target: str, event: str) -> list[Coding]:
    """One coding per pair of a compound actor's codes: ``FRO/BIL/SAM`` → three sources.

    An actor acting on itself (GON → GON, from two mentions of one name) is no event.
    """
    return [(s, t, event) for s in source.split("/") for t in target.split("/") if s != t or s.startswith("---")]


_SPLIT_PREFIX = re.compile(r"\b([a-z]{2,})- (?=[A-Z])")


def rejoin_prefixes(text: str) -> str:
    """Undo a split hyphenated prefix before a name: ``anti- Gondor`` → ``anti-Gondor``."""
    return _SPLIT_PREFIX.sub(r"\1-", text)


def code_records(records: Sequence[Record], pipeline: Pipeline) -> Iterator[RecordResult]:
    """Code each record's text from scratch (its supplied parse is never used), with the
    ``require_dyad`` option the file sets for it (``<Config>`` elements between records): a copy
    of ``pipeline`` sharing its models and dictionaries codes each run of records (``pipeline``
    itself is left as it is)."""
    for require_dyad, group in groupby(records, key=lambda r: r.require_dyad):
        coder = pipeline if require_dyad == pipeline.require_dyad else replace(pipeline, require_dyad=require_dyad)
        yield from _code_group(list(group), coder)


def _code_group(records: Sequence[Record], pipeline: Pipeline) -> Iterator[RecordResult]:
    articles = [
        Article(id=stable_id("petrarch", r.id, r.text), headline="", text=rejoin_prefixes(r.text), published=r.date, origin=r.id)
        for r in records
    ]
    for record, result in zip(records, pipeline.code_articles(articles)):
        codings: list[Coding] = []
        for e in result.events:
            target = e.target.actor.code if e.target and e.target.actor.code else "---"
            codings += [c for c in expand_codes(e.source.actor.code or "---", target, e.cameo.code) if c not in codings]
        codings += [error_coding(marker) for marker in result.discarded]
        yield RecordResult(record, tuple(codings))
