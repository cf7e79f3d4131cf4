"""The Pipeline: named stages from an Article to its Events.

parse → actors → relations → classify → modality → learned → when → where → merge

Models and dictionaries are loaded once when the Pipeline is built and belong to it (no
module-level caches), so each worker process builds its own. A failure inside a stage becomes a
Rejection naming the stage and the article; the run goes on.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .actors import ActorResolver, ArticleMemory
from .actors.unknown import UnknownMention, unknown_mentions
from .errors import ConfigError, EventcoderError, InputError, StageError
from .extract.candidates import BLOCK_DEFAULTS, is_background, gate_candidates, learned_variants, implicit_recipient, with_implicit_targets
from .extract.focus import ArticleFocus, article_focus, fill_countries
from .extract.gate import Gate
from .extract.pairs import pair_candidates
from .extract.pronouns import resolve_pronouns
from .events.coding import Coded, apply_modality, classify, distinct_events, merge_events
from .events.ontology import CodeTables
from .events.verbdict import VerbDictionary
from .petrarch.discards import Discards, IssueDictionary, read_issues
from .gazetteer import Gazetteer
from .ingest.admit import admit
from .learned.recode import recode
from .lexicon import Lexicon
from .nlp import load_model
from .records import Article, Event, Mention, Rejection, stable_id
from .relations import ActorTable, Triple, find_triples
from .settings import Settings
from .when import DateResolver
from .where import locate

STAGES = ("parse", "actors", "relations", "classify", "modality", "learned", "gate", "when", "where", "merge")
_HEAD_POS = frozenset({"PROPN", "NOUN", "PRON"})
_RECENT = 6  # parties remembered for implicit recipients, nearest first
_NAMED_ENTS = frozenset({"PERSON", "ORG"})
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "case", "det", "npadvmod", "nummod"})


def shipped_data_dir() -> Path:
    return Path(__file__).resolve().parent / "data"


def dictionary_paths(settings: Settings) -> list[Path]:
    """Verb dictionary files in load order: the main one, eventcoder's additions, the user's."""
    base = Path(settings.dictionaries) if settings.dictionaries else shipped_data_dir() / "dictionaries"
    paths = [base / "CAMEO.2.0.txt"]
    extra = shipped_data_dir() / "additions" / "eventcoder.verbs.txt"
    if extra.exists():
        paths.append(extra)
    if settings.user_verbs:
        paths.append(Path(settings.user_verbs))
    return paths


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What one article produced: its events, or the rejection that stopped it."""

    article: Article
    events: tuple[Event, ...] = ()
    sentences: int = 0
    dropped: int = 0  # negated / hypothetical predicates not coded
    rejection: Rejection | None = None
    discarded: tuple[str, ...] = ()  # "storydiscard" / "sentencediscard" when a discard phrase fired
    unknown: tuple[UnknownMention, ...] = ()  # named people/organisations acting with no actor code


@dataclass(slots=True)
class Pipeline:
    """Reusable coder: build once (loads spaCy, dictionaries, gazetteer), call many times."""

    settings: Settings = field(default_factory=Settings)
    nlp: Any = None
    lexicon: Lexicon | None = None
    tables: CodeTables | None = None
    verbs: VerbDictionary | None = None
    gazetteer: Gazetteer | None = None
    resolver: Any = None  # anything with ActorResolver's ``resolve``; default: the shipped lexicon
    discards: Discards | None = None  # PETRARCH discard phrases (sentence- and story-level)
    require_dyad: bool = False  # PETRARCH's require_dyad: code only events with a target
    petrarch: bool = False  # PETRARCH semantics: "[a:b]" codes both directions, no modality or dyad merge
    issue_codes: IssueDictionary | None = None  # issue keywords; default: the shipped Phoenix.IssueCoding.txt
    combined: Any = None  # CombinedCoder re-scoring coded pairs; loaded when settings.coder == "combined"
    gate: Gate | None = None  # the extraction gate; loaded when settings.extractor == "gate"
    collector: list[tuple[Event, tuple[str, ...]]] | None = None  # training: every candidate with its features, ungated
    actor_log: list[tuple[str, int, str, tuple[Mention, ...]]] | None = None  # evaluation: (article id, sentence index, text, resolved mentions) per coded sentence
    dates: DateResolver = field(init=False)

    def __post_init__(self) -> None:
        if self.nlp is None:
            self.nlp = load_model(self.settings.model)
        if self.lexicon is None:
            self.lexicon = Lexicon.load()
        if self.tables is None:
            self.tables = CodeTables.load()
        if self.verbs is None:
            self.verbs = VerbDictionary.load(*dictionary_paths(self.settings))
        if self.gazetteer is None:
            self.gazetteer = Gazetteer.load()
        if self.settings.user_actors:  # the user's own actor files, over the shipped actors
            from .actors.userfiles import load_user_actors

            self.lexicon = self.lexicon.with_user_actors(load_user_actors(self.settings.user_actors))  # type: ignore[union-attr]
        if self.resolver is None:
            offices = None
            if self.settings.office_holders and not self.petrarch:
                from .actors.officeholders import OfficeHolders

                offices = OfficeHolders.load()
            self.resolver = ActorResolver(self.lexicon, offices=offices)  # type: ignore[arg-type]
        if self.issue_codes is None:
            self.issue_codes = read_issues(shipped_data_dir() / "dictionaries" / "Phoenix.IssueCoding.txt")
        if self.settings.coder not in ("dictionary", "combined"):
            raise ConfigError(f"setting 'coder': {self.settings.coder!r} is not one of dictionary, combined")
        if self.combined is None and self.settings.coder == "combined" and not self.petrarch:
            from .learned.combine import CombinedCoder

            self.combined = CombinedCoder.load(threads=self.settings.learned_threads)
        if self.settings.extractor not in ("gate", "rules"):
            raise ConfigError(f"setting 'extractor': {self.settings.extractor!r} is not one of gate, rules")
        if self.gate is None and self.settings.extractor == "gate" and not self.petrarch:
            self.gate = Gate.load(self.settings.gate_model or None, all_pairs=self.settings.all_pairs)
        self.dates = DateResolver()

    # -- public API -------------------------------------------------------------------------
    def code_article(self, article: Article) -> ArticleResult:
        return next(iter(self.code_articles([article])))

    def code_articles(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        """Code articles in order, parsing them in batches with ``nlp.pipe``.

        Each article first passes ``ingest.admit`` (a bad date, text that cannot be stored or
        is too long gives a Rejection; wordless runs and control characters become spaces)."""
        if isinstance(articles, (Article, str, bytes)):
            raise InputError("code_articles takes an iterable of Articles (use code_article for one)")
        batch: list[Article] = []
        for item in articles:
            article = admit(item)
            if isinstance(article, Rejection):
                yield ArticleResult(item, rejection=article)
                continue
            batch.append(article)
            if len(batch) >= self.settings.batch_size:
                yield from self._code_batch(batch)
                batch = []
        if batch:
            yield from self._code_batch(batch)

    # -- stages -----------------------------------------------------------------------------
    def _code_batch(self, batch: Sequence[Article]) -> Iterator[ArticleResult]:
        texts = [a.text for a in batch]
        try:
            docs = list(self.nlp.pipe(texts, batch_size=self.settings.batch_size, n_process=self.settings.n_process))
        except Exception:  # one bad text must not sink the batch: parse one by one
            docs = [self._parse_one(a) for a in batch]
        for article, doc in zip(batch, docs):
            if isinstance(doc, Rejection):
                yield ArticleResult(article, rejection=doc)
                continue
            try:
                yield self._code_doc(article, doc)
            except StageError as exc:
                yield ArticleResult(article, rejection=Rejection(article.origin, exc.stage, "stage-failed", str(exc.cause), article.id))

    def _parse_one(self, article: Article) -> Any:
        try:
            return self.nlp(article.text)
        except Exception as exc:
            return Rejection(article.origin, "parse", "parse-failed", f"{type(exc).__name__}: {exc}", article.id)

    def _code_doc(self, article: Article, doc: Any) -> ArticleResult:
        published = article.published_date
        memory = ArticleMemory()
        events: list[Event] = []
        dropped = 0
        sentences = list(doc.sents)
        countries: Counter[str] = Counter()
        if self.discards is not None and self.discards.voids(_upper_words(doc), story=True):
            return ArticleResult(article, (), len(sentences), 0, discarded=("storydiscard",))
        discarded: list[str] = []
        kept: list[tuple[int, Any]] = []
        tables: list[ActorTable] = []
        for index, sent in enumerate(sentences):  # pass 1: actors, in reading order
            if len(sent.text) > self.settings.max_sentence_chars:
                continue
            if self.discards is not None and self.discards.voids(_upper_words(sent)):
                discarded.append("sentencediscard")
                continue
            with _stage("actors", article):
                tables.append(self.find_actors(sent, published, memory))
            kept.append((index, sent))
        recipient = None
        if self.gate is not None and not self.petrarch:  # the rule path keeps its own actors
            with _stage("actors", article):
                focus = article_focus(tables)
                tables = list(fill_countries(tables, focus, self._cameo_country, lambda i: _named(doc[i])))
                tables = resolve_pronouns([s for _, s in kept], tables)
                recipient = self._implicit_recipient(focus)
        recent: list[Mention] = []  # parties named so far, nearest first (implicit recipients)
        unknown: list[UnknownMention] = []
        deadline = time.perf_counter() + self.settings.article_seconds
        for (index, sent), actors in zip(kept, tables):  # pass 2: relations and codes
            if time.perf_counter() > deadline:
                return ArticleResult(article, sentences=len(sentences), rejection=Rejection(
                    article.origin, "code", "time-limit", f"stopped at sentence {index + 1} of {len(sentences)}: over "
                    f"the {self.settings.article_seconds:g} s limit per article (setting article_seconds)", article.id))
            countries.update(m.actor.country for m, _ in actors.values() if m.actor.country)
            if self.actor_log is not None:
                self.actor_log.append((article.id, index, sent.text, tuple(m for m, _ in actors.values())))
            with _stage("actors", article):
                unknown += unknown_mentions(sent, index, actors, self.verbs, article.id)
            with _stage("relations", article):
                triples = list(find_triples(sent, index, actors, deep_targets=self.petrarch))
            with _stage("classify", article):
                coded = classify(
                    triples, doc, self.verbs, self.tables,  # type: ignore[arg-type]
                    require_target=self.require_dyad if self.petrarch else (False if self.gate else None),
                    both_directions=self.petrarch, block_defaults=BLOCK_DEFAULTS if self.gate else None,
                )
            if not self.petrarch:  # PETRARCH codes negation and modals through its patterns
                with _stage("modality", article):
                    coded, n = apply_modality(coded, doc, self.tables)  # type: ignore[arg-type]
                    dropped += n
            if self.combined is not None and not self.petrarch and self.gate is None and coded:  # after modality: PLV codes "will X" as AGREE
                with _stage("learned", article):
                    coded = recode(coded, sent, self.combined, self.tables)  # type: ignore[arg-type]
            if self.gate is not None and not self.petrarch:
                with _stage("gate", article):
                    if self.combined is not None:
                        covered = {(min(c.triple.source_tokens), min(c.triple.target_tokens)) for c in coded if c.triple.target_tokens}
                        covered |= {(c.triple.verb, min(c.triple.source_tokens)) for c in coded if c.triple.target_tokens}
                        coded = learned_variants(coded, sent, self.combined, self.tables)  # type: ignore[arg-type]
                        if self.settings.all_pairs:
                            coded = coded + pair_candidates(sent, index, actors, covered, self.combined, self.tables)  # type: ignore[arg-type]
                    candidates = with_implicit_targets(coded, recipient, recent)
                    scored = gate_candidates(candidates, doc, self.tables, None if self.collector is not None else self.gate)  # type: ignore[arg-type]
                for s in scored:
                    item = replace(s.item, method=f"{s.item.method}; {s.note}", confidence=s.probability) if s.note else s.item
                    event = self._to_event(article, doc, sent, item, published, countries)
                    if is_background(event.date, published):  # the coding conventions' 7-day rule
                        continue
                    if self.collector is not None:
                        self.collector.append((event, s.features))
                    events.append(event)
                recent = ([m for _, (m, _) in sorted(actors.items(), reverse=True) if m.actor.party] + recent)[:_RECENT]
                continue
            for item in coded:
                events.append(self._to_event(article, doc, sent, item, published, countries))
        with _stage("merge", article):
            merged = distinct_events(events) if self.petrarch else merge_events(events)
        return ArticleResult(article, tuple(merged), len(sentences), dropped, discarded=tuple(dict.fromkeys(discarded)),
                             unknown=tuple(unknown))

    def _implicit_recipient(self, focus: ArticleFocus) -> Mention | None:
        dominant = focus.dominant()
        if dominant is None:
            return None
        try:
            country = self.lexicon.country_by_iso3(dominant[0])  # type: ignore[union-attr]
        except EventcoderError:
            return None
        return implicit_recipient(country.iso3, country.cameo, country.name, dominant[1])

    def _cameo_country(self, iso3: str) -> str | None:
        try:
            return self.lexicon.country_by_iso3(iso3).cameo  # type: ignore[union-attr]
        except EventcoderError:
            return None

    def find_actors(self, sent: Any, published: date, memory: ArticleMemory) -> ActorTable:
        """Resolve every noun-phrase head in the sentence, in reading order."""
        table: dict[int, tuple[Any, frozenset[int]]] = {}
        from .actors.resolver import phrase_tokens

        for tok in sent:
            misread_subject = self.petrarch and tok.dep_ == "compound" and tok.head.pos_ == "VERB" and tok.i < tok.head.i
            if tok.pos_ not in _HEAD_POS or (tok.dep_ in _MODIFIER_DEPS and not misread_subject):
                continue
            mention = self.resolver.resolve(tok, when=published, memory=memory)
            if mention is not None:
                table[tok.i] = (mention, frozenset(t.i for t in phrase_tokens(tok)))
        return table

    def _to_event(self, article: Article, doc: Any, sent: Any, item: Coded, published: date, countries: Counter[str]) -> Event:
        triple: Triple = item.triple
        verb = doc[triple.verb]
        with _stage("when", article):
            when = self.dates.resolve(sent, verb, published)
        with _stage("where", article):
            hints = [c for c in (triple.source.actor.country, triple.target.actor.country if triple.target else None) if c]
            hints += [c for c, _ in countries.most_common() if c not in hints]
            place = locate(sent, verb, self.gazetteer, country_hints=hints)
        info = self.tables.cameo(item.code)  # type: ignore[union-attr]
        target = triple.target
        event_id = stable_id(
            article.id, triple.sentence_index, verb.idx, triple.source.actor.code,
            target.actor.code if target else "", info.code,
        )
        return Event(
            id=event_id, article_id=article.id, sentence_index=triple.sentence_index, sentence=sent.text,
            trigger=verb.text, trigger_start=verb.idx, trigger_end=verb.idx + len(verb.text),
            source=triple.source, target=target, cameo=info, modality=item.modality, date=when,
            location=place, attribution=triple.attribution, quote=triple.quote,
            confidence=item.confidence, method=item.method, mentions=(triple.sentence_index,),
            issues=self.issue_codes.issues_in(sent.text) if self.issue_codes else (),
        )


def _named(token: Any) -> bool:
    """A head that names a person or an organisation (not a place, work, law or event)."""
    return token.ent_type_ in _NAMED_ENTS or (token.pos_ == "PROPN" and not token.ent_type_)


def _upper_words(span: Any) -> list[str]:
    return [t.text.upper() for t in span if not t.is_punct]


@contextmanager
def _stage(name: str, article: Article) -> Iterator[None]:
    try:
        yield
    except EventcoderError:
        raise
    except Exception as exc:  # a bug or a parse we did not foresee: name the stage, keep going
        raise StageError(name, article.id, exc) from exc


def code_text(
    text: str,
    *,
    published: date | datetime | str | None = None,
    headline: str = "",
    pipeline: Pipeline | None = None,
) -> list[Event]:
    """Code one text. Builds a Pipeline if none is given (reuse one for many texts).

    Raises ``InputError`` for arguments of the wrong kind or an unreadable or out-of-range date,
    and ``EventcoderError`` when the text is rejected (the message says at which stage and why)."""
    from .ingest.pubdate import parse_published

    if not isinstance(text, str):
        raise InputError(f"code_text needs the text as a str, got {type(text).__name__}")
    if not isinstance(headline, str):
        raise InputError(f"headline must be a str, got {type(headline).__name__}")
    if pipeline is not None and not isinstance(pipeline, Pipeline):
        raise InputError(f"pipeline must be an eventcoder Pipeline, got {type(pipeline).__name__}")
    when: date | datetime
    if published is None:
        when = date.today()
    elif isinstance(published, str):
        parsed = parse_published(published)
        if parsed is None:
            raise InputError(f"cannot read the publication date {published!r} (use ISO, e.g. '2020-07-08')")
        when = parsed
    elif isinstance(published, (date, datetime)):
        when = published
    else:
        raise InputError(f"published must be a date, datetime or str, got {type(published).__name__}")
    article = Article(id=stable_id("", "<text>", text), headline=headline, text=text, published=when, origin="<text>")
    result = (pipeline or Pipeline()).code_article(article)
    if result.rejection is not None:
        raise EventcoderError(f"{result.rejection.stage}: {result.rejection.reason}: {result.rejection.detail}")
    return list(result.events)
