"""What a stage is: a small callable with a name and the record types it takes and returns."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, Sequence

from ..errors import StageTypeError


class Stage(Protocol):
    """One step of the Pipeline. ``takes`` and ``returns`` are record types from ``stages.records``."""

    name: ClassVar[str]
    takes: ClassVar[type]
    returns: ClassVar[type]

    def __call__(self, value: Any, /) -> Any: ...  # positional: each stage names its own argument


def check_chain(stages: Sequence[Stage], first: type, last: type) -> None:
    """Each stage takes what the one before it returns; the list starts at ``first`` and ends at ``last``."""
    expected = first
    for stage in stages:
        if stage.takes is not expected:
            raise StageTypeError(stage.name, f"takes {stage.takes.__name__} but is given {expected.__name__}")
        expected = stage.returns
    if expected is not last:
        name = stages[-1].name if stages else "(none)"
        raise StageTypeError(name, f"is the last stage and returns {expected.__name__}, not {last.__name__}")


def check_output(stage: Stage, value: object) -> None:
    if not isinstance(value, stage.returns):
        raise StageTypeError(stage.name, f"returned {type(value).__name__}, expected {stage.returns.__name__}")
