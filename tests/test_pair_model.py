"""The pair model's ONNX Runtime session options and its memory of recent calls (issue 14: speed)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from eventcoder.learned.pair_model import ALLOW_SPINNING, PairModel, RecentLogits, session_options

# Marked sentences the pipeline scored on the India corpus (two of them twice in a row).
CALLS = [
    ['"we visited <t>different communities</t> and the response was good," said <s>sharma</s>.'],
    ["<s>congress spokesperson jaipal reddy</s> said that <t>the supreme court</t> has saved the country from a crisis.",
     "<s>Congress spokesperson Jaipal Reddy</s> said that the <t>Supreme Court</t> has saved the country."],
    ["<s>Israeli forces</s> attacked <t>Palestinian militants</t> in Gaza on Monday."],
]


class CountingSession:
    """An ONNX Runtime session that counts its runs."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.runs = 0

    def run(self, names: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        self.runs += 1
        return self.session.run(names, feeds)


@pytest.fixture(scope="module")
def shipped() -> PairModel:
    return PairModel.load()


def test_session_options_keep_threads_and_stop_spinning() -> None:
    import onnxruntime

    for threads in (0, 1, 2):
        options = session_options(onnxruntime, threads)
        assert options.intra_op_num_threads == threads and options.inter_op_num_threads == 1
        assert options.get_session_config_entry(ALLOW_SPINNING) == "0"


def test_loaded_session_does_not_spin(shipped: PairModel) -> None:
    assert shipped.session.get_session_options().get_session_config_entry(ALLOW_SPINNING) == "0"


def test_repeated_call_gets_the_same_rows_without_a_run(shipped: PairModel) -> None:
    counting = CountingSession(shipped.session)
    model = replace(shipped, session=counting, recent=RecentLogits(8))
    first = [model.logits(call) for call in CALLS]
    assert counting.runs == 3 and len(model.recent) == 3
    again = [model.logits(call) for call in CALLS]
    assert counting.runs == 3  # all three remembered
    fresh = replace(shipped, recent=RecentLogits(8))  # nothing remembered: the model's own rows
    for call, a, b in zip(CALLS, first, again):
        assert np.array_equal(a, b) and np.array_equal(a, fresh.logits(call))
        assert a.shape == (len(call), len(shipped.labels))


def test_rows_handed_out_are_copies(shipped: PairModel) -> None:
    model = replace(shipped, recent=RecentLogits(8))
    rows = model.logits(CALLS[0])
    expected = rows.copy()
    rows[:] = 0.0  # a caller scribbling on its rows does not change what the next caller gets
    assert np.array_equal(model.logits(CALLS[0]), expected)


def test_order_and_company_are_part_of_the_call(shipped: PairModel) -> None:
    counting = CountingSession(shipped.session)
    model = replace(shipped, session=counting, recent=RecentLogits(8))
    pair = CALLS[1]
    model.logits(pair)
    model.logits(pair[::-1])  # the same sentences in another order: another call
    model.logits(pair[:1])  # one of them alone: scored alone, not taken from the pair's batch
    assert counting.runs == 3


def test_calls_larger_than_a_batch_are_not_remembered(shipped: PairModel) -> None:
    counting = CountingSession(shipped.session)
    model = replace(shipped, session=counting, recent=RecentLogits(8), batch_size=2)
    big = CALLS[1] + CALLS[2]
    model.logits(big)
    model.logits(big)
    assert counting.runs == 4 and len(model.recent) == 0  # two batches each time


def test_least_recently_used_call_is_dropped() -> None:
    recent = RecentLogits(2)
    a, b, c = (tuple(call) for call in CALLS)
    recent.put(a, np.ones((1, 3), dtype=np.float32))
    recent.put(b, np.zeros((2, 3), dtype=np.float32))
    assert recent.get(a) is not None  # a is now the most recent
    recent.put(c, np.full((1, 3), 2.0, dtype=np.float32))
    assert recent.get(b) is None and len(recent) == 2
    found = recent.get(c)
    assert found is not None and np.array_equal(found, np.full((1, 3), 2.0, dtype=np.float32))
