"""The article list: a LineTable of the store's articles in the list's order and filter."""
from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.message import Message

from newsdesk.store import PAGE_SIZE, ArticleFilter, ArticleRow, Store
from newsdesk.tui.render import plain
from newsdesk.tui.widgets.line_table import Column, LineTable

# Every text cell keeps one blank column on its right and numbers are right-aligned.
COLUMNS: tuple[Column, ...] = (
    ("", "mark", 3), ("Published", "published", 11), ("Source", "source", 11),
    ("Title", "title", None), ("Ent", "entities", 4), ("Killed", "killed", 7),
    ("Quo", "quotes", 4), ("Ann", "annotations", 4), ("Tag", "tags", 4))


class ArticleTable(LineTable):
    PAGE = PAGE_SIZE
    # the bar covers the mark, date, source and title: what says which article it is. The
    # counts beside it keep their row's colours, and a move sends 2 × 96 cells, not
    # 2 × 120 (313 bytes a move at 120 columns with the whole row; under 300 so)
    CURSOR_COLUMNS = 4
    NUMERIC = frozenset({"entities", "killed", "quotes", "annotations", "tags"})

    class Opened(LineTable.Opened):
        @property
        def article_id(self) -> int:
            return self.row_id

    class CursorRests(Message):
        """The cursor is on another article, or the rows were read again: the app draws the
        reader ahead once the cursor has stayed there a moment."""

    def move_cursor(self, row: int) -> None:
        before = self.current_id
        super().move_cursor(row)
        if self.current_id != before:
            self.post_message(self.CursorRests())

    def reload(self, *args, **kwargs) -> None:
        super().reload(*args, **kwargs)
        self.post_message(self.CursorRests())

    def __init__(self, store: Store, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.filter = ArticleFilter()
        self.sort = "published"

    def count(self) -> tuple[int, bool]:
        return self.store.count_for_list(self.filter)

    def fetch_page(self, loaded: list[ArticleRow]) -> list[ArticleRow]:
        # keyset paging: the next page starts after the last row shown, never at an OFFSET
        return self.store.page_articles(self.filter, sort=self.sort, limit=PAGE_SIZE,
                                        after=loaded[-1].id if loaded else None)

    def columns_for(self, width: int) -> Sequence[Column]:
        return COLUMNS

    def cells(self, row: ArticleRow) -> list[Text]:
        mark = ("●" if not row.read else " ") + ("⚑" if row.flagged else " ")
        return [Text(mark, style="bold"), Text((row.published or "—")[:10]),
                plain(row.source or ""), plain(row.title),
                *(Text(f"{n} " if n else "") for n in (row.n_entities, row.killed_min,
                                                       row.n_quotes, row.n_annotations,
                                                       row.n_tags))]

    def select_article(self, article_id: int) -> None:
        self.select_id(article_id)

    def refresh_article(self, article_id: int) -> None:
        index = self.index_of(article_id)
        if index is None:
            return
        before = self.rows[index - 1].id if index else None
        rows = [r for r in self.store.page_articles(self.filter, sort=self.sort, limit=1,
                                                    after=before) if r.id == article_id]
        if rows:
            self.replace_row(index, rows[0])
