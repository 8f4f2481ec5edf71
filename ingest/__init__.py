"""Readers for each input format; they turn outside data into Articles."""
from newsdesk.ingest.article import Article, Failure, IngestReport
from newsdesk.ingest.pipeline import ingest_items, ingest_seeds
from newsdesk.ingest.plaintext import ReadError, read_stream
from newsdesk.ingest.sources import iter_paths, read_bytes

__all__ = ["Article", "Failure", "IngestReport", "ReadError", "ingest_items", "ingest_seeds",
           "iter_paths", "read_bytes", "read_stream"]
