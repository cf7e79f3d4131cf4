"""The Pipeline: an Article through an ordered list of named stages to its Events.

The stage lists are below: ``eventcoder_stages`` (the default; extractor "gate" or "rules") and
``petrarch_stages`` (PETRARCH-2 semantics, for its validation records). With the gate::

    sentences → actors → focus → unknown → relations → classify → modality → learned-variants
      → implicit-targets → gate → events → background → merge

Each stage is a small callable in ``eventcoder/stages/`` that takes one typed record and returns
the next (``Parsed`` → ``Sentences`` → ``ActorTables`` → ``Triples`` → ``Candidates`` →
``Events``); ``docs/pipeline.md`` describes them all. Parsing (spaCy, in batches) comes first.
The runner checks that the list fits together and that each stage returns its declared record,
naming the stage when not. A failure inside a stage becomes a Rejection naming the stage and the
article; the run goes on.

Models and dictionaries are loaded once when the Pipeline is built and belong to it (no
module-level caches), so each worker process builds its own.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .actors import ActorResolver, ArticleMemory
from .actors.heads import find_actors
from .actors.unknown import UnknownMention
from .ahead import iterate_ahead
from .errors import EventcoderError, InputError, StageError, TimeLimitError
from .events.ontology import CodeTables
from .events.verbdict import VerbDictionary
from .extract.candidates import BLOCK_DEFAULTS, PREDICATIVE_DEFAULTS
from .extract.gate import Gate
from .gazetteer import Gazetteer
from .ingest.admit import admit
from .lexicon import Lexicon
from .memory import release_free_memory
from .nlp import load_model
from .petrarch.discards import Discards, IssueDictionary, read_issues
from .records import Article, Event, Mention, Rejection, stable_id
from .relations import ActorTable
from .settings import Settings
from .stages import (
    Background, BuildEvents, Classify, Collect, Discard, Distinct, Events, FindActors, Focus, ImplicitTargets,
    Learned, LearnedVariants, LogActors, Merge, Modality, Parsed, Relations, SelectSentences, Stage,
    UnknownActors, Visits, check_chain, check_output,
)
from .stages import Gate as GateStage
from .when import DateResolver


def eventcoder_stages(p: Pipeline) -> list[Stage]:
    """The default stage list. With the gate (extractor "gate"), the gate decides among many
    candidates; on the rule path (extractor "rules") every coded triple is an event."""
    gate = p.gate is not None
    stages: list[Stage] = [SelectSentences(p.settings.max_sentence_chars), FindActors(p.resolver, undated=p.settings.undated)]
    if gate:
        stages.append(Focus(p.lexicon, p.gazetteer, p.settings.unplaced_actors))
    if p.actor_log is not None:
        stages.append(LogActors(p.actor_log))
    stages += [
        UnknownActors(p.verbs),
        Relations(deeper_readings=gate),
        Classify(p.verbs, p.tables, require_target=False if gate else None, block_defaults=BLOCK_DEFAULTS if gate else None,
                 predicative=PREDICATIVE_DEFAULTS if gate else None),
        Modality(p.tables, refusals=gate),
    ]
    if gate:
        if p.combined is not None:
            stages.append(LearnedVariants(p.combined, p.tables, p.settings.all_pairs))
        stages += [ImplicitTargets(), GateStage(None if p.collector is not None else p.gate, p.tables)]
    elif p.combined is not None:
        stages.append(Learned(p.combined, p.tables))
    stages.append(BuildEvents(p.dates, p.gazetteer, p.tables, p.issue_codes))
    if gate:
        stages += [Visits(p.tables, p.lexicon), Background(0 if p.settings.undated else p.settings.background_days)]
        if p.collector is not None:
            stages.append(Collect(p.collector))
    return stages + [Merge()]


def petrarch_stages(p: Pipeline) -> list[Stage]:
    """PETRARCH-2 semantics: discard phrases, PETRARCH's targets, ``[a:b]`` codes both directions,
    ``require_dyad``, no modality, no learned coder, no merging beyond PETRARCH's own."""
    stages: list[Stage] = [SelectSentences(p.settings.max_sentence_chars)]
    if p.discards is not None:
        stages.append(Discard(p.discards))
    stages.append(FindActors(p.resolver, misread_subjects=True))
    if p.actor_log is not None:
        stages.append(LogActors(p.actor_log))
    return stages + [
        UnknownActors(p.verbs),
        Relations(deep_targets=True),
        Classify(p.verbs, p.tables, require_target=p.require_dyad, both_directions=True),
        BuildEvents(p.dates, p.gazetteer, p.tables, p.issue_codes),
        Distinct(),
    ]


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
    discards: Discards | None = None  # PETRARCH discard phrases (sentence- and story-level; petrarch_stages)
    require_dyad: bool = False  # PETRARCH's require_dyad: code only events with a target (petrarch_stages)
    stage_list: Callable[[Pipeline], list[Stage]] = eventcoder_stages  # or petrarch_stages
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

            self.lexicon = self.lexicon.with_user_actors(load_user_actors(self.settings.user_actors))
        if self.resolver is None:
            offices = None
            if self.settings.office_holders:
                from .actors.officeholders import OfficeHolders

                offices = OfficeHolders.load()
            self.resolver = ActorResolver(self.lexicon, offices=offices)
        if self.issue_codes is None:
            self.issue_codes = read_issues(shipped_data_dir() / "dictionaries" / "Phoenix.IssueCoding.txt")
        # settings.coder and settings.extractor are registry values (Settings checks them when built)
        if self.combined is None and self.settings.coder == "combined":
            from .learned.combine import CombinedCoder

            self.combined = CombinedCoder.load(threads=self.settings.coder_threads())
        if self.gate is None and self.settings.extractor == "gate":
            self.gate = Gate.load(self.settings.gate_model or None, all_pairs=self.settings.all_pairs)
        self.dates = DateResolver()

    # -- public API -------------------------------------------------------------------------
    def stages(self) -> list[Stage]:
        """This pipeline's stages, in order (``stage_list`` applied to it), checked to fit together."""
        stages = self.stage_list(self)
        check_chain(stages, Parsed, Events)
        return stages

    def code_article(self, article: Article) -> ArticleResult:
        return next(iter(self.code_articles([article])))

    def code_articles(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        """Code articles in order, parsing them in batches with ``nlp.pipe``.

        Each article first passes ``ingest.admit`` (a bad date, text that cannot be stored or
        is too long gives a Rejection; wordless runs and control characters become spaces)."""
        if isinstance(articles, (Article, str, bytes)):
            raise InputError("code_articles takes an iterable of Articles (use code_article for one)")
        stages = self.stages()
        for item in iterate_ahead(self._parsed(articles), self.settings.parse_ahead, "eventcoder-parse"):
            if isinstance(item, ArticleResult):
                yield item
                continue
            article, doc = item
            if isinstance(doc, Rejection):
                yield ArticleResult(article, rejection=doc)
                continue
            try:
                yield self._code_doc(article, doc, stages)
            except StageError as exc:
                yield ArticleResult(article, rejection=Rejection(article.origin, exc.stage, "stage-failed", str(exc.cause), article.id))

    def find_actors(self, sent: Any, published: date, memory: ArticleMemory) -> ActorTable:
        """Resolve every noun-phrase head in the sentence, in reading order (see ``actors.heads``)."""
        return find_actors(sent, self.resolver, published, memory)

    # -- the runner -------------------------------------------------------------------------
    def _parsed(self, articles: Iterable[Article]) -> Iterator[ArticleResult | tuple[Article, Any]]:
        """Admitted articles with their spaCy docs (a Rejection where parsing failed), parsed in
        batches with ``nlp.pipe``, and the admission's rejections, in input order."""
        batch: list[Article] = []
        for item in articles:
            article = admit(item)
            if isinstance(article, Rejection):
                if batch:  # keep input order: what came before is parsed first
                    yield from self._parse_batch(batch)
                    batch = []
                yield ArticleResult(item, rejection=article)
                continue
            batch.append(article)
            if len(batch) >= self.settings.batch_size:
                yield from self._parse_batch(batch)
                batch = []
        if batch:
            yield from self._parse_batch(batch)

    def _parse_batch(self, batch: Sequence[Article]) -> Iterator[tuple[Article, Any]]:
        texts = [a.text for a in batch]
        try:
            docs = list(self.nlp.pipe(texts, batch_size=self.settings.batch_size, n_process=self.settings.n_process))
        except Exception:  # one bad text must not sink the batch: parse one by one
            docs = [self._parse_one(a) for a in batch]
        if self.settings.parse_ahead:  # the parse thread's arena keeps what the batch freed (see memory.py)
            release_free_memory()
        yield from zip(batch, docs)

    def _parse_one(self, article: Article) -> Any:
        try:
            return self.nlp(article.text)
        except Exception as exc:
            return Rejection(article.origin, "parse", "parse-failed", f"{type(exc).__name__}: {exc}", article.id)

    def _code_doc(self, article: Article, doc: Any, stages: Sequence[Stage]) -> ArticleResult:
        """Run the stages in order on one parsed article; each must return its declared record."""
        seconds = self.settings.article_seconds
        parsed = Parsed(article, doc, tuple(doc.sents), time.perf_counter() + seconds, seconds)
        value: object = parsed
        try:
            for stage in stages:
                with _stage(stage.name, article):
                    value = stage(value)
                check_output(stage, value)
        except TimeLimitError as exc:
            return ArticleResult(article, sentences=len(parsed.sentences), rejection=Rejection(
                article.origin, "code", "time-limit", str(exc), article.id))
        assert isinstance(value, Events)  # check_chain: the last stage returns Events
        return ArticleResult(
            article, value.events, len(parsed.sentences), value.dropped,
            discarded=tuple(dict.fromkeys(value.actors.sentences.discarded)), unknown=value.actors.unknown,
        )


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
