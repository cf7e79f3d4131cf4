"""Actor resolution: noun phrases → Mentions with country, sector and CAMEO actor code."""

from .memory import ArticleMemory
from .resolver import ActorResolver

__all__ = ["ActorResolver", "ArticleMemory"]
