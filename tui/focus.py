"""Move focus at once. Textual's `Widget.focus()` defers the move to a callback queued
behind the keys already read, so in a burst (a paste, a laggy SSH link) the next keys still
went to the old widget: `2015-05-15⇥⇥AAA` left AAA in the date field."""
from __future__ import annotations

import asyncio

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    widget.screen.set_focus(widget)
    if widget.screen.focused is not widget:
        widget.focus()  # not focusable yet (just shown): Textual's deferred move, then


async def keys_processed(widgets: list[Widget]) -> None:
    """Wait until each widget has handled the keys already queued for it. A priority
    binding (ctrl+s) acts when the app reads it, which is before the fields have taken the
    characters typed just ahead of it in the same burst. List a widget before those it hands
    keys to (the screen before its fields)."""
    loop = asyncio.get_running_loop()
    for widget in widgets:
        done = loop.create_future()
        if widget.call_later(lambda done=done: done.done() or done.set_result(None)):
            await done


def is_focused(widget: Widget) -> bool:
    """Whether the widget has focus now. `Widget.has_focus` only changes when the Focus
    event is handled, after the keys already read: a key right after `c` still saw the
    text focused, not the panel `c` had just focused."""
    try:
        return widget.screen.focused is widget
    except Exception:  # not on a screen (yet, or any more)
        return False
