"""The article list: a DataTable filled a page at a time from the store."""
from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from store import PAGE_SIZE, ArticleFilter, ArticleRow, Store
from tui.render import plain

# (label, key, width); the title takes what the others leave. No cell padding: every
# text cell keeps one blank column on its right and numbers are right-aligned, which
# leaves the title 18 more columns on an 80-column terminal.
COLUMNS = (("", "mark", 3), ("Published", "published", 11), ("Source", "source", 11),
           ("Title", "title", None), ("Ent", "entities", 4), ("Killed", "killed", 7),
           ("Quo", "quotes", 4), ("Ann", "annotations", 4), ("Tag", "tags", 4))
_FIXED = sum(w for _, _, w in COLUMNS if w) + 2  # scrollbar
_NUMERIC = {"entities", "killed", "quotes", "annotations", "tags"}


def _cell(text: Text, width: int) -> Text:
    """Cut to leave a one-column gap before the next column."""
    text.truncate(max(1, width - 1), overflow="ellipsis")
    return text


class ArticleTable(DataTable):
    """Rows load in pages as the cursor nears the end; the table never holds the whole store."""

    class Opened(Message):
        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, store: Store, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=0, **kwargs)
        self.store = store
        self.filter = ArticleFilter()
        self.sort = "published"
        self.total = 0
        self.capped = False     # the count stopped at a cap: shown as "10,000+"
        self._loaded = 0
        self._last_id: int | None = None
        self._exhausted = False

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            header = Text(label + " ", justify="right") if key in _NUMERIC else Text(label)
            self.add_column(header, key=key, width=width or self._title_width())
        self.reload()

    def _title_width(self) -> int:
        return max(16, (self.size.width or self.app.size.width) - _FIXED)

    def on_resize(self) -> None:
        column = self.columns.get("title")  # type: ignore[call-overload]
        if column is not None and column.width != self._title_width():
            column.width = self._title_width()
            self.reload(keep_id=self.current_id)  # titles were cut for the old width

    def reload(self, keep_id: int | None = None) -> None:
        self.clear()
        self._loaded = 0
        self._last_id = None
        self._exhausted = False
        self.total, self.capped = self.store.count_for_list(self.filter)
        self._load_page()
        if keep_id is not None:
            self.select_article(keep_id)

    @property
    def total_text(self) -> str:
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"

    def _load_page(self) -> None:
        # keyset paging: the next page starts after the last row shown, never at an OFFSET
        rows = self.store.page_articles(self.filter, sort=self.sort, limit=PAGE_SIZE,
                                        after=self._last_id)
        for row in rows:
            self.add_row(*self._cells(row), key=str(row.id))
        self._loaded += len(rows)
        if rows:
            self._last_id = rows[-1].id
        self._exhausted = len(rows) < PAGE_SIZE

    def _cells(self, row: ArticleRow) -> tuple[Text, ...]:
        mark = ("●" if not row.read else " ") + ("⚑" if row.flagged else " ")

        def number(value: int) -> Text:
            return Text(f"{value} " if value else "", justify="right")

        return (
            Text(mark, style="bold"),
            Text((row.published or "—")[:10]),
            _cell(plain(row.source or ""), 11),
            _cell(plain(row.title), self._title_width()),
            number(row.n_entities),
            number(row.killed_min),
            number(row.n_quotes),
            number(row.n_annotations),
            number(row.n_tags),
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.row_count - 10 and not self._exhausted:
            self._load_page()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Opened(int(event.row_key.value)))

    @property
    def current_id(self) -> int | None:
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return int(key.value)

    def select_article(self, article_id: int) -> None:
        """Move the cursor to an article, loading pages until it is in the table."""
        key = str(article_id)
        while key not in self.rows and not self._exhausted:
            self._load_page()
        if key in self.rows:
            self.move_cursor(row=self.get_row_index(key))

    def refresh_article(self, article_id: int) -> None:
        key = str(article_id)
        if key not in self.rows:
            return
        index = self.get_row_index(key)
        before = self.coordinate_to_cell_key((index - 1, 0)).row_key.value if index else None
        rows = [r for r in self.store.page_articles(
                    self.filter, sort=self.sort, limit=1,
                    after=int(before) if before is not None else None)
                if r.id == article_id]
        if rows:
            for (_, column_key, _), cell in zip(COLUMNS, self._cells(rows[0])):
                self.update_cell(key, column_key, cell)
