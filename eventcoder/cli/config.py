"""``eventcoder settings``: every setting with its value, its default and its meaning."""

from __future__ import annotations

import argparse

from eventcoder.cli.common import settings_of
from eventcoder.settings import Settings


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("settings", help="list every setting with its default and meaning")
    p.set_defaults(handler=cmd_settings)


def cmd_settings(args: argparse.Namespace) -> int:
    current = settings_of(args)
    for name, default, doc in Settings.describe():
        print(f"{name:20} {getattr(current, name)!r:28} {doc}")
        if getattr(current, name) != default:
            print(f"{'':20} (default {default!r})")
    return 0
