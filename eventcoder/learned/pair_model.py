"""The fine-tuned pair classifier at inference time: ONNX Runtime, no PyTorch.

``model/pair_coder.onnx`` is all-MiniLM-L6-v2 (its lowest 4 layers) fine-tuned on PLV with a
linear head, exported by ``scripts/train_classifier.py`` and quantised to 8-bit weights;
``model/pair_coder.json`` names its labels and the graph's SHA-256 (checked at load);
``model/tokenizer.json`` is MiniLM's WordPiece tokenizer. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eventcoder.errors import ResourceError

from .markers import length_batches, load_tokenizer, make_batch, marker_text

GRAPH = "pair_coder.onnx"
META = "pair_coder.json"
TOKENIZER = "tokenizer.json"
ALLOW_SPINNING = "session.intra_op.allow_spinning"  # ONNX Runtime's session config key
# Marked sentences for PairModel.kernel_signature: short news lines, each with a marked pair.
KERNEL_PROBE = (
    "<s>Iran</s> and <t>Syria</t> signed a comprehensive agreement to strengthen military cooperation.",
    "<s>Iranian Chief of Staff Mohammad Bagheri</s> met <t>Syrian Defence Minister Ali Abdullah Ayyoub</t> in Damascus.",
    "<s>The United States</s> imposed new sanctions on <t>Iranian oil exports</t> on Tuesday.",
    "<s>Protesters</s> in the capital demanded the resignation of <t>the prime minister</t> after the vote.",
    "<s>Israeli forces</s> fired tear gas at <t>Palestinian demonstrators</t> near the border fence.",
    "<s>The court</s> rejected an appeal by <t>the opposition leader</t>, who had called the ruling illegal.",
)
RECENT_CALLS = 1024  # logits calls of at most one batch remembered (a few KB each at most)


def shipped_model_dir() -> Path:
    return Path(__file__).resolve().parent / "model"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def log_probabilities(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def session_options(onnxruntime: Any, threads: int) -> Any:
    """ONNX Runtime options for the pair model: ``threads`` intra-op threads (0: ONNX Runtime's
    choice, one per core), one inter-op thread, warnings off, and idle threads that sleep.

    ONNX Runtime's threads otherwise spin after each run, waiting for the next: the pipeline calls
    the model once or twice per sentence, on one or two short sentences, with Python work (and
    spaCy's parse) in between, so the spinning threads took a core from that work — on a busy
    2-CPU machine the model's share of a run took about twice as long as with one thread
    (``benchmarks/throughput.py``). The thread count and the logits are unchanged."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry(ALLOW_SPINNING, "0")
    return options


class RecentLogits:
    """The logits of the last ``size`` calls, by their exact input (least recently used dropped).

    A call's logits depend on everything it batches together (the 8-bit activation scales are
    per batch), so the key is the whole call, in order: a repeated call gets the very rows the
    model gave it, never rows scored beside other sentences. Repeats are few but real: the same
    pair marked by two candidate readings one after the other, and wire copies of an article
    (about 2% of the calls on the India corpus). Safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: OrderedDict[tuple[str, ...], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> np.ndarray | None:
        with self._lock:
            found = self._rows.get(key)
            if found is not None:
                self._rows.move_to_end(key)
            return None if found is None else found.copy()

    def put(self, key: tuple[str, ...], rows: np.ndarray) -> None:
        with self._lock:
            self._rows[key] = rows.copy()
            self._rows.move_to_end(key)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(frozen=True, slots=True)
class PairModel:
    """Scores the PLV roots for marked sentences (``<s>source</s>`` … ``<t>target</t>``)."""

    session: Any
    tokenizer: Any
    labels: tuple[str, ...]
    override_p: float = 0.0  # chosen on held-out folds by the training script (see combine.py)
    batch_size: int = 32
    recent: RecentLogits = field(default_factory=lambda: RecentLogits(RECENT_CALLS), repr=False, compare=False)

    @classmethod
    def load(cls, model_dir: Path | None = None, *, threads: int = 0) -> PairModel:
        """Load the shipped graph (``threads`` 0 lets ONNX Runtime choose)."""
        try:
            import onnxruntime
        except ImportError as exc:
            raise ResourceError("the learned coder needs onnxruntime: pip install 'eventcoder[learned]'") from exc
        root = model_dir or shipped_model_dir()
        graph, meta_path = root / GRAPH, root / META
        if not graph.exists() or not meta_path.exists():
            raise ResourceError(f"no trained pair model in {root}: run scripts/train_classifier.py")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if sha256(graph) != meta["sha256"]:
            raise ResourceError(f"{graph}: SHA-256 does not match {meta_path.name}; the model file is damaged")
        session = onnxruntime.InferenceSession(str(graph), session_options(onnxruntime, threads), providers=["CPUExecutionProvider"])
        return cls(session, load_tokenizer(str(root / TOKENIZER)), tuple(meta["labels"]), float(meta.get("override_p", 0.0)))

    def logits(self, marked_sentences: Sequence[str]) -> np.ndarray:
        """One row of logits per marked sentence (batches grouped by length). A call of at most
        one batch that repeats a recent one exactly gets that call's rows again (see
        :class:`RecentLogits`); larger calls (evaluations, training) are not remembered."""
        if len(marked_sentences) > self.batch_size:
            return self._run(marked_sentences)
        key = tuple(marked_sentences)
        found = self.recent.get(key)
        if found is None:
            found = self._run(key)
            self.recent.put(key, found)
        return found

    def _run(self, marked_sentences: Sequence[str]) -> np.ndarray:
        """The model's logits for ``marked_sentences``, in batches of ``batch_size`` by length."""
        texts = [marker_text(s) for s in marked_sentences]
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        for chunk in length_batches(texts, self.batch_size):
            batch = make_batch(self.tokenizer, [texts[i] for i in chunk])
            (logits,) = self.session.run(["logits"], {"ids": batch.ids, "mask": batch.mask, "marks": batch.marks})
            out[chunk] = logits
        return out

    def kernel_signature(self) -> str:
        """A short hash of the exact logits this model gives a fixed probe on this machine.

        The 8-bit matrix products are not bit-identical on every CPU: ONNX Runtime multiplies
        8-bit activations by 8-bit weights with instructions that differ between processors (with
        and without VNNI, AVX-512, AMX), and some of them round or saturate intermediate sums. The
        same text then gets probabilities a few hundredths apart, and a borderline candidate can
        fall on the other side of the gate. Two machines with the same signature code alike; the
        behaviour snapshot (``scripts/snapshot_events.py``) records the signature it was made with."""
        logits = self._run(KERNEL_PROBE).astype(np.float32)
        return hashlib.sha256(logits.tobytes()).hexdigest()[:16]

    def probabilities(self, marked_sentences: Sequence[str]) -> np.ndarray:
        return np.exp(log_probabilities(self.logits(marked_sentences))) if marked_sentences else np.zeros((0, len(self.labels)))
