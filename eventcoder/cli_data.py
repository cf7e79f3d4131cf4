"""CLI commands for store, linking, exports and analysis commands: parsers registered into the main CLI."""

from __future__ import annotations

import argparse


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this group's subcommands (none yet)."""
