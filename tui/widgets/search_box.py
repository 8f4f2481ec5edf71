"""A one-line text box whose typing never lays the screen out again.

Textual's Input sets its scrollable width to the length of its text on every change, and
that asks for a layout of the whole screen: at a million articles, a search typed in one
burst paid a layout and full repaint of the list (17-19 ms of its 80 ms CPU) for the box
alone. A box sized by its CSS (here 1fr x 1) takes no more or less room for its text; only
what it scrolls changes, and Input clamps its scroll to the width it has just set.
Anything else that asks for a layout (the box shown or hidden) still gets one.
"""
from __future__ import annotations

from textual.widgets import Input


class SearchBox(Input):
    _typing = False  # within Input's handling of a new value

    def _watch_value(self, value: str) -> None:
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(self, *regions, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> SearchBox:
        if layout and self._typing and not self.styles.auto_dimensions:
            layout = False  # a size set by CSS: its text does not change the layout
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self
