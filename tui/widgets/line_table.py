"""A table drawn a line at a time and filled a page at a time: the article list and the
incidents desk.

Not Textual's DataTable: that measures every cell of every row it holds and renders each
through Rich's layout (~0.1 ms a cell: 30 ms for a page of 9 columns, 280 ms to open the
incidents desk at 100,000 articles). Here a row is one line of segments, built when it is
first drawn and cached; rows come from the store a page at a time as the cursor nears the
end, so the table never holds the whole store.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

LOAD_AHEAD = 10  # rows from the end of what is loaded that fetch the next page
# pages read, at most, to find the article the list was on when the analyst comes back
# from the reader (n and p move through the list). Further down a million-article list it
# would be every page in memory, seconds, to keep a cursor. Past them: the top.
SEEK_PAGES = 10
# (heading, key, width); one column has width None and takes what the others leave
Column = tuple[str, str, int | None]


class LineTable(ScrollView, can_focus=True):
    """Subclasses say what a page is (`fetch_page`), how many rows there are (`count`),
    the columns for a width (`columns_for`) and a row's cells (`cells`). Rows have an `id`."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last loaded", show=False),
    ]

    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor", "line-table--even-row"}

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .line-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .line-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .line-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .line-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    PAGE = 100
    # the cursor bar covers this many leading columns (None: the whole row). Columns after
    # it look the same under the cursor, so a move repaints fewer cells
    CURSOR_COLUMNS: int | None = None
    NUMERIC: frozenset[str] = frozenset()  # right-aligned columns
    MIN_FLEXIBLE = 16

    class Opened(Message):
        """Enter or a click on the row under the cursor."""

        def __init__(self, row_id: int) -> None:
            super().__init__()
            self.row_id = row_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.total = 0
        self.capped = False     # the count stopped at a cap: shown as "10,000+"
        self.cursor_row = 0
        self.rows: list[Any] = []
        self._index: dict[int, int] = {}
        self._exhausted = False
        self._lines: dict[tuple[int, bool], Strip] = {}  # (row, under the cursor) -> line
        self._styles: dict[str, Style] = {}
        self._header: Strip | None = None
        self._width = 0

    # -- what subclasses give ------------------------------------------------------------

    def count(self) -> tuple[int, bool]:
        """(rows in all, whether the count stopped at a cap)."""
        raise NotImplementedError

    def fetch_page(self, loaded: list[Any]) -> list[Any]:
        """The next page after the rows `loaded` so far."""
        raise NotImplementedError

    def columns_for(self, width: int) -> Sequence[Column]:
        raise NotImplementedError

    def cells(self, row: Any) -> list[Text]:
        raise NotImplementedError

    # -- what screens and tests read -----------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def row_ids(self) -> list[int]:
        return [r.id for r in self.rows]

    @property
    def current_id(self) -> int | None:
        return self.rows[self.cursor_row].id if self.rows else None

    @property
    def current_row(self) -> Any | None:
        return self.rows[self.cursor_row] if self.rows else None

    @property
    def total_text(self) -> str:
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"

    # -- loading -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.reload()

    def reload(self, keep_id: int | None = None, *, keep_view: bool = False,
               seek_pages: int = 1) -> None:
        """Read the rows again; the cursor on `keep_id` if it is still there, looked for in
        as many pages as the analyst had scrolled through (or `seek_pages`), never the
        whole list read to find it. With `keep_view` (someone else's change arrived) the
        row at the top stays at the top: the rows under the analyst's eyes do not jump."""
        top = int(self.scroll_y)
        top_id = self.rows[top].id if keep_view and top < len(self.rows) else None
        seek_pages = max(seek_pages, -(-len(self.rows) // self.PAGE))
        self.rows = []
        self._index = {}
        self._exhausted = False
        self.total, self.capped = self.count()
        self._load_page()
        self.cursor_row = 0
        if top_id is not None:
            for row_id in (top_id, keep_id):
                if row_id is not None:
                    self._seek(row_id, seek_pages)
        if top_id is not None and top_id in self._index:
            self._load_near(self._index[top_id] + self._visible_rows())  # a full screen
            self.scroll_to(y=self._index[top_id], animate=False, immediate=True)
            if keep_id is not None and keep_id in self._index:
                self.cursor_row = self._index[keep_id]
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
            if keep_id is not None:
                self.select_id(keep_id, seek_pages)
        self._forget_lines()

    def _load_page(self) -> None:
        rows = self.fetch_page(self.rows)
        for row in rows:
            self._index[row.id] = len(self.rows)
            self.rows.append(row)
        self._exhausted = len(rows) < self.PAGE
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)  # + the header
        if rows:
            self.refresh()

    def _load_near(self, row: int) -> None:
        while not self._exhausted and row >= len(self.rows) - LOAD_AHEAD:
            self._load_page()

    def _seek(self, row_id: int, pages: int) -> None:
        """Load pages until the row is in the table: until `pages` are loaded, at most."""
        while row_id not in self._index and not self._exhausted \
                and len(self.rows) < pages * self.PAGE:
            self._load_page()

    def select_id(self, row_id: int, pages: int = SEEK_PAGES) -> None:
        """Move the cursor to a row, if it is within `pages` of the top."""
        self._seek(row_id, pages)
        if row_id in self._index:
            self.move_cursor(self._index[row_id])

    def replace_row(self, index: int, row: Any) -> None:
        """A row read again from the store (its counts changed): redrawn alone."""
        self.rows[index] = row
        self._index[row.id] = index
        self._lines.pop((index, False), None)
        self._lines.pop((index, True), None)
        self._refresh_row(index)

    def index_of(self, row_id: int) -> int | None:
        return self._index.get(row_id)

    # -- the cursor ----------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self.rows:
            return
        self._load_near(row)
        row = max(0, min(row, len(self.rows) - 1))
        old, self.cursor_row = self.cursor_row, row
        # only the cells the cursor covers change: over SSH, every byte of a move counts
        self._refresh_row(old, self._cursor_width())
        self._refresh_row(row, self._cursor_width())
        visible = self._visible_rows()
        top = int(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _refresh_row(self, row: int, width: int | None = None) -> None:
        y = row - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, width or self.size.width, 1))

    def _cursor_width(self) -> int | None:
        """Columns the cursor bar covers: the first CURSOR_COLUMNS columns (None: all)."""
        if self.CURSOR_COLUMNS is None or not self._width:
            return None
        columns = self.columns_for(self._width)
        return sum(self._widths(columns)[:self.CURSOR_COLUMNS])

    def action_move(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        rows = self._visible_rows()
        target = self.cursor_row + step * rows
        self._load_near(target)
        target = max(0, min(target, len(self.rows) - 1))
        # the page turns with the cursor: the cursor keeps its place on the screen
        self.scroll_to(y=int(self.scroll_y) + (target - self.cursor_row), animate=False,
                       immediate=True)
        self.move_cursor(target)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_open(self) -> None:
        if self.rows:
            self.post_message(self.Opened(self.rows[self.cursor_row].id))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y - 1
        if event.y < 1 or not 0 <= row < len(self.rows):
            return
        if row == self.cursor_row or event.chain > 1:
            self.action_open()
        else:
            self.move_cursor(row)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        # the mouse wheel reaches the end of what is loaded: fetch more
        self._load_near(int(new) + self._visible_rows())

    # -- drawing -------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._forget_lines()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_lines()  # focus, theme: the cached lines carry old colours

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._header = None
        self._styles.clear()
        self.refresh()

    def _style(self, component: str) -> Style:
        """A component's style on this widget's, read once per theme and focus change."""
        style = self._styles.get(component)
        if style is None:
            style = self._styles[component] = (
                self.rich_style + self.get_component_rich_style(component)
                if component else self.rich_style)
        return style

    def _widths(self, columns: Sequence[Column]) -> list[int]:
        fixed = sum(w for _, _, w in columns if w)
        return [w or max(self.MIN_FLEXIBLE, self._width - fixed) for _, _, w in columns]

    def _line(self, cells: list[Text], base: Style, cursor: Style | None = None) -> Strip:
        """A row: `cursor` styles the columns the cursor bar covers, `base` the rest."""
        console = self.app.console
        columns = self.columns_for(self._width)
        covered = len(columns) if self.CURSOR_COLUMNS is None else self.CURSOR_COLUMNS
        segments: list[Segment] = []
        for index, ((_, key, _), width, cell) in enumerate(
                zip(columns, self._widths(columns), cells)):
            if key in self.NUMERIC:
                cell.pad_left(max(0, width - cell.cell_len))
            else:
                # one blank column before the next column
                cell.truncate(max(1, width - 1), overflow="ellipsis")
                cell.pad_right(width - cell.cell_len)
            style = cursor if cursor is not None and index < covered else base
            if cell.spans:
                segments += Segment.apply_style(cell.render(console), style)
            else:
                # a cell of one run (most): the segment Text.render makes of it (which
                # leaves out the Text's own style too), at a tenth of the cost: a new sort
                # or search repaints every line
                segments.append(Segment(cell.plain, style))
        # segments, then one Strip: each Strip Textual makes sets up seven caches (a Strip
        # per cell, joined: 12.5 ms a page after a search, against 10). One run per style, not one
        # per cell: a cursor move over SSH repaints two rows, and a style code per cell
        # was two thirds of its bytes (705 B)
        line = Segment.adjust_line_length(segments, self._width, base)
        return Strip(Segment.simplify(line), self._width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # less the scrollbar, when there is one
        if width != self._width:
            self._width = width
            self._lines.clear()
            self._header = None
        if y == 0:
            if self._header is None:
                labels = [Text(label + " " if key in self.NUMERIC else label)
                          for label, key, _ in self.columns_for(self._width)]
                self._header = self._line(labels, self.rich_style + self.get_component_rich_style(
                    "line-table--header"))
            return self._header
        row = int(self.scroll_y) + y - 1
        if not 0 <= row < len(self.rows):
            return Strip.blank(self._width, self.rich_style)
        under_cursor = row == self.cursor_row
        line = self._lines.get((row, under_cursor))
        if line is None:
            if len(self._lines) > 2000:  # a long scroll: keep memory flat
                self._lines.clear()
            base = self._style("line-table--even-row" if row % 2 else "")
            cursor = self._style("line-table--cursor") if under_cursor else None
            line = self._lines[(row, under_cursor)] = self._line(self.cells(self.rows[row]),
                                                                 base, cursor)
        return line
