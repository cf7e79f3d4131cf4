"""What several commands share: their settings (``--config`` + flags) and the store they read."""

from __future__ import annotations

import argparse
from typing import Any

from eventcoder.settings import Settings, load_settings


def settings_of(args: argparse.Namespace, **extra: Any) -> Settings:
    """Defaults → ``--config`` file → environment → the flags given in ``extra`` (None: not given)."""
    given: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    return load_settings(getattr(args, "config", None), **given)


def db_path(args: argparse.Namespace) -> str:
    """The store named by ``--db`` (else the settings' ``db``)."""
    return settings_of(args, db=getattr(args, "db", None) or None).db


def reader(args: argparse.Namespace) -> Any:
    """The store of ``--db``, opened read-only (several readers can run at once)."""
    from eventcoder.store import EventStore

    return EventStore.open_reader(db_path(args))
