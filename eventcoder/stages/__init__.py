"""The Pipeline's stages, one small callable each, and the typed records between them.

The stage lists themselves are in ``eventcoder/pipeline.py`` (``eventcoder_stages``,
``petrarch_stages``); ``docs/pipeline.md`` describes every stage.
"""

from .actors import FindActors, Focus, LogActors, UnknownActors
from .base import Stage, check_chain, check_output
from .coding import Classify, Gate, ImplicitTargets, Learned, LearnedVariants, Relations
from .events import Background, BuildEvents, Collect
from .merge import Distinct, Merge
from .modality import Modality
from .records import ActorTables, Candidates, Events, Parsed, Sentence, Sentences, Triples
from .sentences import Discard, SelectSentences
from .visits import Visits

__all__ = [
    "ActorTables", "Background", "BuildEvents", "Candidates", "Classify", "Collect", "Discard", "Distinct",
    "Events", "FindActors", "Focus", "Gate", "ImplicitTargets", "Learned", "LearnedVariants", "LogActors",
    "Merge", "Modality", "Parsed", "Relations", "SelectSentences", "Sentence", "Sentences", "Stage",
    "Triples", "UnknownActors", "Visits", "check_chain", "check_output",
]
