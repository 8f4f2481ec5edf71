"""A screen that paints one frame when it comes back, not two or three.

A screen shown again (the reader after the list, the list after the reader) is marked to
be repainted whole, and to be laid out too, as what it shows changed meanwhile. Textual
then lays it out and paints the frame, paints the whole screen once more for the repaint,
and then the lines beside each scrollbar the layout had set, though the frame showed it
set already: opening an article drew every line of the reader two or three times (a
half of the CPU of an open). One full frame does all of it.
"""
from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen


class OneFrameScreen(Screen[None]):
    # Private to Textual (pinned in pyproject.toml; tests/test_tui.py counts the lines
    # painted when an article opens).

    def _on_timer_update(self) -> None:
        if self.is_current and not self.app._batch_count \
                and self._layout_required and self._repaint_required:
            # laid out with the whole screen marked: that frame is the repaint
            self._compositor._dirty_regions.add(self._compositor.size.region)
            self._repaint_required = False
        super()._on_timer_update()

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        whole = self._compositor.size.region in self._compositor._dirty_regions
        super()._refresh_layout(size, scroll)
        if whole and not scroll and self.is_current and not self.app._batch_count:
            # the frame just painted showed every widget as it is now, scrollbars too
            for widget in self._compositor.visible_widgets:
                widget._repaint_required = False
