"""Shard result files: one Parquet file per shard, written whole or not at all.

Each row is one input item of the shard, in order: a coded article (with its events) or a
rejection. The readable columns (``kind``, ``article_id``, ``origin``, ``events``, ``reason``) are
for people and tools; ``payload`` holds the pickled record the store loads, so nothing is lost
between a worker and the store. Files are written under a temporary name and renamed, so a
retried or killed task never leaves half a file, and a second write of the same shard replaces
the first (same name) instead of adding to it.

The directory may be a local path or any URI pyarrow understands (``s3://…``, ``gs://…``); on a
multi-node Ray cluster it must be storage every node and the driver can reach.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from eventcoder.pipeline import ArticleResult
from eventcoder.records import Rejection

_COLUMNS = ("seq", "kind", "article_id", "origin", "events", "reason", "payload")


def _filesystem(directory: str) -> tuple[Any, str]:
    from pyarrow import fs

    if "://" in directory:
        return fs.FileSystem.from_uri(directory)
    import os

    return fs.LocalFileSystem(), os.path.abspath(directory)


class Spool:
    """The directory of shard files (created on first use)."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._fs, self._root = _filesystem(directory)
        self._fs.create_dir(self._root, recursive=True)

    def path(self, shard_id: str) -> str:
        return f"{self._root}/shard-{shard_id}.parquet"

    def exists(self, shard_id: str) -> bool:
        from pyarrow import fs

        return self._fs.get_file_info(self.path(shard_id)).type == fs.FileType.File

    def write(self, shard_id: str, items: Sequence[ArticleResult | Rejection]) -> str:
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
        for seq, item in enumerate(items):
            row = _row(seq, item)
            for name in _COLUMNS:
                columns[name].append(row[name])
        schema = pa.schema([("seq", pa.int32()), ("kind", pa.string()), ("article_id", pa.string()),
                            ("origin", pa.string()), ("events", pa.int32()), ("reason", pa.string()),
                            ("payload", pa.binary())])
        table = pa.table(columns, schema=schema)
        final = self.path(shard_id)
        temporary = f"{self._root}/.shard-{shard_id}.{uuid.uuid4().hex[:8]}.tmp"
        pq.write_table(table, temporary, filesystem=self._fs)
        self._fs.move(temporary, final)
        return final

    def read(self, shard_id: str) -> Iterator[ArticleResult | Rejection]:
        import pyarrow.parquet as pq

        table = pq.read_table(self.path(shard_id), filesystem=self._fs, columns=["seq", "payload"])
        for _, payload in sorted(zip(table.column("seq").to_pylist(), table.column("payload").to_pylist())):
            yield pickle.loads(payload)

    def remove(self, shard_id: str) -> None:
        try:
            self._fs.delete_file(self.path(shard_id))
        except FileNotFoundError:
            pass

    def remove_if_empty(self) -> None:
        """Remove the directory when no shard file is left in it (local directories only)."""
        import os

        if "://" not in self.directory and os.path.isdir(self._root) and not os.listdir(self._root):
            os.rmdir(self._root)

    def leftovers(self) -> list[str]:
        """Shard ids with a file in the directory (results not yet loaded into a store)."""
        from pyarrow import fs

        infos = self._fs.get_file_info(fs.FileSelector(self._root, allow_not_found=True))
        names = [i.base_name for i in infos if i.type == fs.FileType.File]
        return sorted(n[len("shard-"):-len(".parquet")] for n in names if n.startswith("shard-") and n.endswith(".parquet"))


def _row(seq: int, item: ArticleResult | Rejection) -> dict[str, Any]:
    payload = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    if isinstance(item, Rejection):
        return {"seq": seq, "kind": "rejection", "article_id": item.article_id, "origin": item.origin,
                "events": 0, "reason": item.reason, "payload": payload}
    rejection = item.rejection
    return {"seq": seq, "kind": "rejected" if rejection else "article", "article_id": item.article.id,
            "origin": item.article.origin, "events": len(item.events),
            "reason": rejection.reason if rejection else None, "payload": payload}
