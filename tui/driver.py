"""Textual's terminal driver for a screen newsdesk has already put up (newsdesk.instant)."""
from __future__ import annotations

from textual.drivers.linux_driver import LinuxDriver


def continuing_driver(attrs: list, painted: bool) -> type[LinuxDriver]:
    """A driver that gives back the terminal's modes as they were before newsdesk held the
    keyboard (`attrs`), not as it found them; and, `painted`, takes over the alternate
    screen already entered and painted instead of entering it again (which clears it, in
    xterm: a blank screen until Textual's first frame)."""

    class ContinuingDriver(LinuxDriver):
        _entered = painted

        def write(self, data: str) -> None:
            if self._entered and data == "\x1b[?1049h":
                self._entered = False  # the one Textual sends as it starts
                return
            super().write(data)

        def start_application_mode(self) -> None:
            super().start_application_mode()
            self.attrs_before = attrs  # what stop, and a Ctrl+Z, restore

    return ContinuingDriver
