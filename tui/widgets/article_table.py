"""The article list: rows drawn a line at a time, filled a page at a time from the store.

Not Textual's DataTable: that renders each cell through Rich's layout (~0.1 ms a cell, 30 ms
for a page of 9 columns). Here a row is one line of segments, built once and cached.
"""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsdesk.store import PAGE_SIZE, ArticleFilter, ArticleRow, Store
from newsdesk.tui.render import plain

# (label, key, width); the title takes what the others leave. Every text cell keeps one
# blank column on its right and numbers are right-aligned.
COLUMNS = (("", "mark", 3), ("Published", "published", 11), ("Source", "source", 11),
           ("Title", "title", None), ("Ent", "entities", 4), ("Killed", "killed", 7),
           ("Quo", "quotes", 4), ("Ann", "annotations", 4), ("Tag", "tags", 4))
_FIXED = sum(w for _, _, w in COLUMNS if w)
_NUMERIC = {"entities", "killed", "quotes", "annotations", "tags"}
LOAD_AHEAD = 10  # rows from the end of what is loaded that fetch the next page


class ArticleTable(ScrollView, can_focus=True):
    """Rows load in pages as the cursor or the scroll nears the end; the table never holds
    the whole store."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last loaded", show=False),
    ]

    COMPONENT_CLASSES = {"article-table--header", "article-table--cursor",
                         "article-table--even-row"}

    DEFAULT_CSS = """
    ArticleTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        & > .article-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .article-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .article-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .article-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .article-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .article-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Opened(Message):
        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, store: Store, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.filter = ArticleFilter()
        self.sort = "published"
        self.total = 0
        self.capped = False     # the count stopped at a cap: shown as "10,000+"
        self.cursor_row = 0
        self._rows: list[ArticleRow] = []
        self._index: dict[int, int] = {}
        self._exhausted = False
        self._lines: dict[tuple[int, bool], Strip] = {}  # (row, under the cursor) -> line
        self._header: Strip | None = None
        self._width = 0

    # what the list screen and the tests read
    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def row_ids(self) -> list[int]:
        return [r.id for r in self._rows]

    @property
    def current_id(self) -> int | None:
        return self._rows[self.cursor_row].id if self._rows else None

    @property
    def total_text(self) -> str:
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"

    # loading
    def on_mount(self) -> None:
        self.reload()

    def reload(self, keep_id: int | None = None) -> None:
        self._rows = []
        self._index = {}
        self._exhausted = False
        self.total, self.capped = self.store.count_for_list(self.filter)
        self._load_page()
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        if keep_id is not None:
            self.select_article(keep_id)
        self._forget_lines()

    def _load_page(self) -> None:
        # keyset paging: the next page starts after the last row shown, never at an OFFSET
        rows = self.store.page_articles(self.filter, sort=self.sort, limit=PAGE_SIZE,
                                        after=self._rows[-1].id if self._rows else None)
        for row in rows:
            self._index[row.id] = len(self._rows)
            self._rows.append(row)
        self._exhausted = len(rows) < PAGE_SIZE
        self.virtual_size = Size(self.size.width, len(self._rows) + 1)  # + the header
        if rows:
            self.refresh()

    def _load_near(self, row: int) -> None:
        while not self._exhausted and row >= len(self._rows) - LOAD_AHEAD:
            self._load_page()

    def select_article(self, article_id: int) -> None:
        """Move the cursor to an article, loading pages until it is in the table."""
        while article_id not in self._index and not self._exhausted:
            self._load_page()
        if article_id in self._index:
            self.move_cursor(self._index[article_id])

    def refresh_article(self, article_id: int) -> None:
        index = self._index.get(article_id)
        if index is None:
            return
        before = self._rows[index - 1].id if index else None
        rows = [r for r in self.store.page_articles(self.filter, sort=self.sort, limit=1,
                                                    after=before) if r.id == article_id]
        if rows:
            self._rows[index] = rows[0]
            self._lines.pop((index, False), None)
            self._lines.pop((index, True), None)
            self._refresh_row(index)

    # the cursor
    def move_cursor(self, row: int) -> None:
        if not self._rows:
            return
        self._load_near(row)
        row = max(0, min(row, len(self._rows) - 1))
        old, self.cursor_row = self.cursor_row, row
        self._refresh_row(old)
        self._refresh_row(row)
        visible = self._visible_rows()
        top = int(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _refresh_row(self, row: int) -> None:
        y = row - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def action_move(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        rows = self._visible_rows()
        target = self.cursor_row + step * rows
        self._load_near(target)
        target = max(0, min(target, len(self._rows) - 1))
        # the page turns with the cursor: the cursor keeps its place on the screen
        self.scroll_to(y=int(self.scroll_y) + (target - self.cursor_row), animate=False,
                       immediate=True)
        self.move_cursor(target)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_open(self) -> None:
        if self._rows:
            self.post_message(self.Opened(self._rows[self.cursor_row].id))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y - 1
        if event.y < 1 or not 0 <= row < len(self._rows):
            return
        if row == self.cursor_row or event.chain > 1:
            self.action_open()
        else:
            self.move_cursor(row)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        # the mouse wheel reaches the end of what is loaded: fetch more
        self._load_near(int(new) + self._visible_rows())

    # drawing
    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._rows) + 1)
        self._forget_lines()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_lines()  # focus, theme: the cached lines carry old colours

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._header = None
        self.refresh()

    def _title_width(self) -> int:
        return max(16, self._width - _FIXED)

    def _widths(self) -> list[int]:
        return [w or self._title_width() for _, _, w in COLUMNS]

    def _cells(self, row: ArticleRow) -> list[Text]:
        mark = ("●" if not row.read else " ") + ("⚑" if row.flagged else " ")
        return [Text(mark, style="bold"), Text((row.published or "—")[:10]),
                plain(row.source or ""), plain(row.title),
                *(Text(f"{n} " if n else "") for n in (row.n_entities, row.killed_min,
                                                       row.n_quotes, row.n_annotations,
                                                       row.n_tags))]

    def _line(self, cells: list[Text], base: Style) -> Strip:
        segments: list[Segment] = []
        console = self.app.console
        for (_, key, _), width, cell in zip(COLUMNS, self._widths(), cells):
            if key in _NUMERIC:
                cell.pad_left(max(0, width - cell.cell_len))
            else:
                # one blank column before the next column
                cell.truncate(max(1, width - 1), overflow="ellipsis")
                cell.pad_right(width - cell.cell_len)
            segments.extend(cell.render(console))
        return Strip(segments).adjust_cell_length(self._width).apply_style(base)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # less the scrollbar, when there is one
        if width != self._width:
            self._width = width
            self._lines.clear()
            self._header = None
        if y == 0:
            if self._header is None:
                labels = [Text(label + " " if key in _NUMERIC else label)
                          for label, key, _ in COLUMNS]
                self._header = self._line(labels, self.rich_style + self.get_component_rich_style(
                    "article-table--header"))
            return self._header
        row = int(self.scroll_y) + y - 1
        if not 0 <= row < len(self._rows):
            return Strip.blank(self._width, self.rich_style)
        under_cursor = row == self.cursor_row
        line = self._lines.get((row, under_cursor))
        if line is None:
            if len(self._lines) > 2000:  # a long scroll: keep memory flat
                self._lines.clear()
            base = self.rich_style
            if under_cursor:
                base += self.get_component_rich_style("article-table--cursor")
            elif row % 2:
                base += self.get_component_rich_style("article-table--even-row")
            line = self._lines[(row, under_cursor)] = self._line(self._cells(self._rows[row]),
                                                                 base)
        return line
