"""Turning stored text and spans into Rich Text, safely.

Article text is hostile: it goes through `safe_for_terminal` and into `Text`
objects (never markup strings), so escape sequences and `[bold]`-like markup
show as plain characters.
"""
from __future__ import annotations

from rich.text import Text

from extract.text import safe_for_terminal

# Colour plus an attribute, so layers stay apart on 16-colour and monochrome terminals.
LAYER_STYLES = {
    ("entity", "PER"): "bold cyan",
    ("entity", "ORG"): "underline magenta",
    ("entity", "LOC"): "italic green",
    ("entity", "MISC"): "yellow",
    ("casualty", None): "bold reverse red",
    ("quote", None): "blue",
    ("date", None): "underline yellow",
}


def plain(text: str | None, style: str = "") -> Text:
    """Any stored string as literal, terminal-safe text."""
    return Text(safe_for_terminal(text or ""), style=style)


def style_for(kind: str, label: str | None) -> str:
    return LAYER_STYLES.get((kind, label)) or LAYER_STYLES.get((kind, None), "")


def highlighted(body: str, spans, headings=(), layers: set[str] | None = None) -> Text:
    """The article body with its spans styled; quotes first so names inside them show."""
    text = Text(safe_for_terminal(body))
    for start, end in headings:
        text.stylize("bold underline", start, end)
    order = {"quote": 0, "date": 1, "entity": 2, "casualty": 3}
    for span in sorted(spans, key=lambda s: order.get(s.kind, 9)):
        if layers is not None and span.kind not in layers:
            continue
        if 0 <= span.start < span.end <= len(body):
            text.stylize(style_for(span.kind, span.label), span.start, span.end)
    return text
