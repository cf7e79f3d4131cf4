"""Every error eventcoder raises on purpose. Messages say what went wrong and what to do."""

from __future__ import annotations


class EventcoderError(Exception):
    """Base class: the CLI turns these into a one-line message and exit code 2."""


class ResourceError(EventcoderError):
    """A shipped or user-supplied resource (dictionary, table, model) is missing or unreadable."""


class DictionaryFormatError(ResourceError):
    """A dictionary line could not be read; names the file and line."""

    def __init__(self, path: str, line_no: int, line: str, why: str) -> None:
        super().__init__(f"{path}:{line_no}: {why}: {line.strip()[:120]!r}")
        self.path = path
        self.line_no = line_no


class InputError(EventcoderError):
    """An input could not be read at all (not one bad article: the whole path)."""


class StoreError(EventcoderError):
    """The event store could not be opened, migrated or written."""


class ConfigError(EventcoderError):
    """A setting has an invalid value."""


class StageError(EventcoderError):
    """A pipeline stage failed on one article; the pipeline turns it into a Rejection."""

    def __init__(self, stage: str, article_id: str, cause: BaseException) -> None:
        super().__init__(f"stage {stage!r} failed on article {article_id}: {type(cause).__name__}: {cause}")
        self.stage = stage
        self.article_id = article_id
        self.cause = cause


class TimeLimitError(EventcoderError):
    """Coding one article took longer than the setting ``article_seconds``; it becomes a rejection."""


class StageTypeError(EventcoderError):
    """A pipeline stage takes or returns the wrong record type: a bug in the stage list, not in an article."""

    def __init__(self, stage: str, problem: str) -> None:
        super().__init__(f"stage {stage!r} {problem}: each stage takes the record the stage before it "
                         "returns and returns its declared output (see eventcoder/stages/)")
        self.stage = stage
