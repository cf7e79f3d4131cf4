"""The PLV pair coders that ``eventcoder eval plv --coder`` scores, and the scoring of a PLV file.

``load_coder`` is the factory: a function from pairs to predicted PLV roots, models loaded.
``score_plv`` codes the pairs with one and scores the roots; ``score_plv_end_to_end`` codes each
raw sentence with the whole ``Pipeline`` instead.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..registry import PLV_CODERS
from .plv import PlvPair

if TYPE_CHECKING:
    from pathlib import Path

    from ..eval_plv_e2e import E2EScore
    from ..pipeline import Pipeline
    from ..settings import Settings
    from .metrics import Scores

Coder = Callable[[Sequence[PlvPair]], list[str]]


@dataclass(frozen=True, slots=True)
class PlvResult:
    """A coder's scores on PLV pairs, its speed, and predicted classes the gold never uses."""

    scores: Scores
    pairs_per_second: float
    unknown: Counter[str]


def load_coder(name: str, *, fallback: str = "YIELD") -> Coder:
    """A function from pairs to predicted PLV roots, with its models loaded (``name`` in PLV_CODERS)."""
    if name not in PLV_CODERS:
        raise ConfigError(f"unknown PLV coder {name!r}; use one of {', '.join(PLV_CODERS)}")
    if name == "dictionary":
        from .dictionary_pairs import DictionaryPairCoder

        model = DictionaryPairCoder.load()
        return lambda pairs: [c.root or fallback for c in model.code(pairs)]
    if name == "learned":
        from .pair_model import PairModel

        pair_model = PairModel.load()

        def learned(pairs: Sequence[PlvPair]) -> list[str]:
            return [pair_model.labels[i] for i in pair_model.logits([p.marked_sentence for p in pairs]).argmax(1)]

        return learned
    from .combine import CombinedCoder
    from .dictionary_pairs import DictionaryPairCoder

    dictionary = DictionaryPairCoder.load()
    combined = CombinedCoder.load()

    def both(pairs: Sequence[PlvPair]) -> list[str]:
        codings = dictionary.code(pairs)
        decisions = combined.decide([p.marked_sentence for p in pairs], [c.root for c in codings], [c.cameo for c in codings])
        return [d.root for d in decisions]

    return both


def score_plv(pairs: Sequence[PlvPair], *, coder: str = "combined", fallback: str = "YIELD") -> PlvResult:
    """Code ``pairs`` with the named coder and score its roots (speed: coding only, not loading)."""
    from .metrics import score

    code = load_coder(coder, fallback=fallback)
    started = time.perf_counter()
    predicted = code(pairs)
    elapsed = time.perf_counter() - started
    scores = score([p.gold_root for p in pairs], predicted, gold_penta=[p.gold_penta for p in pairs])
    gold = {p.gold_root for p in pairs}
    return PlvResult(scores, len(pairs) / elapsed if elapsed > 0 else float("inf"),
                     Counter(p for p in predicted if p not in gold))


def score_plv_end_to_end(pairs: Sequence[PlvPair], *, coder: str = "combined", published: str | None = None,
                         settings: Settings | None = None, fold_models: str | None = None) -> E2EScore:
    """Code each pair's raw sentence with the whole Pipeline and score it.

    PLV's sentences carry no publication date. Without ``published`` they are coded undated
    (setting ``undated``): relative dates resolve against a nominal day, office-holders match in
    any period, and no event is dropped as background; with it, every sentence was published that
    day.

    ``fold_models``: a folder made by ``scripts/train_classifier.py --fold-models``; each fold's
    rows are then coded with that fold's pair model, which never saw them (cross-validation), and
    ``pairs`` must be the whole file the folds were drawn from."""
    from ..eval_plv_e2e import DEFAULT_PUBLISHED, end_to_end, end_to_end_folds, fold_rows
    from ..pipeline import Pipeline
    from ..settings import Settings

    if coder == "learned":
        raise ConfigError("--end-to-end codes with the Pipeline: use --coder combined (default) or dictionary")
    try:
        day = DEFAULT_PUBLISHED if published is None else date.fromisoformat(published)
    except ValueError as exc:
        raise ConfigError(f"--published {published!r} is not an ISO date (YYYY-MM-DD)") from exc
    undated = {"undated": True} if published is None else {}
    pipeline = Pipeline((settings or Settings()).override(coder=coder, **undated))
    if fold_models is None:
        return end_to_end(pairs, pipeline, published=day)
    if coder != "combined":
        raise ConfigError("--fold-models replaces the pair model: use --coder combined")
    folds = fold_rows(fold_models)
    return end_to_end_folds(pairs, [(rows, _fold_pipeline(pipeline, folder)) for folder, rows in folds], published=day)


def _fold_pipeline(pipeline: Pipeline, folder: Path) -> Pipeline:
    """The pipeline with a fold's pair model, and with its gate when ``scripts/train_extractor.py
    --plv-folds`` wrote one there (a gate trained without the fold's PLV sentences)."""
    from dataclasses import replace

    from ..extract.gate import Gate, shipped_gate_path
    from .combine import CombinedCoder

    fold = replace(pipeline, combined=CombinedCoder.load(folder, threads=pipeline.settings.coder_threads()))
    gate_file = folder / shipped_gate_path(pipeline.settings.all_pairs).name
    if pipeline.gate is not None and gate_file.is_file():
        fold = replace(fold, gate=Gate.load(gate_file))
    return fold
