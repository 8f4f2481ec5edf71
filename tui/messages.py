"""Messages more than one screen listens to."""
from __future__ import annotations

from textual.message import Message


class ArticlesChanged(Message):
    """Articles were added or changed in the store (by a worker); lists should reload."""

    def __init__(self, summary: str, severity: str = "information") -> None:
        super().__init__()
        self.summary = summary
        self.severity = severity


class IngestProgress(Message):
    """Posted from the ingest worker thread now and then."""

    def __init__(self, read: int, origin: str) -> None:
        super().__init__()
        self.read = read
        self.origin = origin
