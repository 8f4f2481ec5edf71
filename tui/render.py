"""Turning stored strings into Rich Text, safely.

Article text is hostile: it goes through `safe_for_terminal` and into `Text`
objects (never markup strings), so escape sequences and `[bold]`-like markup
show as plain characters. The article body itself is shown by `ArticleView`,
which scrubs it the same way.
"""
from __future__ import annotations

from rich.style import Style
from rich.text import Text

from newsdesk.extract.text import safe_for_terminal


def plain(text: str | None, style: str | Style = "") -> Text:
    """Any stored string as literal, terminal-safe text."""
    return Text(safe_for_terminal(text or ""), style=style)
