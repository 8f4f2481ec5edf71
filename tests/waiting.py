"""Wait for a condition in a Pilot test instead of sleeping a guessed time."""
from __future__ import annotations

import time
from collections.abc import Callable


async def wait_until(pilot, condition: Callable[[], object], *, timeout: float = 20.0,
                     what: str = "the condition") -> None:
    """Let the app run until `condition()` is true; fail after `timeout` seconds, a bound
    far above any real wait so that a slow machine is never the reason a test fails."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def palette_offers(app, text: str) -> Callable[[], bool]:
    """True once the command palette's first option contains `text`."""
    def check() -> bool:
        from textual.command import CommandList

        lists = app.screen.query(CommandList)
        if not lists or lists.first().option_count == 0:
            return False
        return text in str(lists.first().get_option_at_index(0).prompt)
    return check
