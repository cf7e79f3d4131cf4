"""Ingest: turn files, directories, globs and stdin into ``Article``s or ``Rejection``s."""

from eventcoder.ingest.checks import english_share
from eventcoder.ingest.jsonl import record_to_article
from eventcoder.ingest.options import IngestOptions
from eventcoder.ingest.plaintext import parse_plaintext
from eventcoder.ingest.pubdate import parse_published
from eventcoder.ingest.sources import expand_path, read_file, read_inputs, read_stream

__all__ = [
    "IngestOptions",
    "english_share",
    "expand_path",
    "parse_plaintext",
    "parse_published",
    "read_file",
    "read_inputs",
    "read_stream",
    "record_to_article",
]
