"""Messages more than one screen listens to."""
from __future__ import annotations

from textual.message import Message


class ArticlesChanged(Message):
    """Articles were added or changed in the store (by a worker); lists should reload."""

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary
