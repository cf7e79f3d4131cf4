"""HTTP API and web dashboard over an eventcoder store (needs the ``server`` extra).

``create_app(db_path, token=None)`` returns the FastAPI application; ``eventcoder serve`` runs
it with uvicorn. See docs/server.md.
"""

from __future__ import annotations

from eventcoder.server.app import create_app

__all__ = ["create_app"]
