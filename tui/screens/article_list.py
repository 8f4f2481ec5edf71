"""The first screen: every article, searchable as you type."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from newsdesk.extract.text import safe_for_terminal
from newsdesk.store import SORTS, ArticleFilter, Store
from newsdesk.store.entities import LABEL_NAMES
from newsdesk.store.search import TOKEN_HELP, parse_search
from newsdesk.tui.focus import focus_now
from newsdesk.tui.screens.one_frame import OneFrameScreen
from newsdesk.tui.widgets.article_table import ArticleTable
from newsdesk.tui.widgets.key_bar import KeyBar
from newsdesk.tui.widgets.line_table import SEEK_PAGES
from newsdesk.tui.widgets.search_box import SearchBox

SORT_CYCLE = list(SORTS)


class ArticleListScreen(OneFrameScreen):
    _reported_ready = False  # bench/'s ready file: written once, by the first list
    BINDINGS = [
        # The keys that move focus between the list and the search box are priority
        # bindings: they act when the app reads them, so the keys typed right after them
        # (a burst over SSH, a paste) go where focus now is, not where it was.
        Binding("slash", "search", "Search", id="list.search", priority=True,
                tooltip="Full-text search as you type"),
        Binding("escape", "clear_search", "Clear", id="list.clear", show=False, priority=True,
                tooltip="Clear the search and go back to the list"),
        Binding("enter", "enter", "Open", id="list.open", priority=True,
                tooltip="Open the article (from the search box: back to the list)"),
        Binding("s", "cycle_sort", "Sort", id="list.sort", tooltip="Sort by date, title or killed"),
        # U, not u: u is undo in the reader, and a key should not mean two things
        Binding("U", "toggle_unread", "Unread", id="list.unread", tooltip="Show only unread articles"),
        Binding("u", "undo_hint", "Undo", id="list.undo", show=False,
                tooltip="Undo is in the reader: open an article, then u"),
        Binding("f", "toggle_flag", "Flag", id="list.flag", tooltip="Flag or unflag the article"),
        Binding("F", "toggle_flagged_filter", "Flagged", id="list.flagged", show=False,
                tooltip="Show only flagged articles"),
        Binding("i", "ingest", "Ingest", id="list.ingest",
                tooltip="Add articles from a file, folder or URL (runs in the background)"),
        Binding("c", "toggle_casualties_filter", "Casualties", id="list.casualties", show=False,
                tooltip="Show only articles with casualty figures"),
        Binding("I", "incidents", "Incidents", id="list.incidents",
                tooltip="The events desk: incidents, each with all its reports"),
        Binding("A", "agreement", "Agreement", id="list.agreement", show=False,
                tooltip="Double coding: agreement between analysts, disagreements to settle"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        # the keys' toggles; the search box adds its own tokens on top (see store.search)
        self.only_unread = False
        self.only_flagged = False
        self.only_casualties = False
        self.search_text = ""
        self.search_problems: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="list-top"):
            yield Static(id="list-status")
            yield SearchBox(placeholder=f"words, or {TOKEN_HELP}", id="search",
                        # selected here and now by action_search: a Focus event comes
                        # after the letters of a burst, and selecting then lost them
                        select_on_focus=False)
        yield ArticleTable(self.store, id="articles")
        yield KeyBar()

    @property
    def table(self) -> ArticleTable:
        return self.query_one(ArticleTable)

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        focus_now(self.table)
        self.update_status()
        ready = os.environ.get("NEWSDESK_READY_FILE")
        if ready and not ArticleListScreen._reported_ready:
            ArticleListScreen._reported_ready = True  # the start's list, not one drawn at a quit
            # bench/: "the list is on screen" as the user sees it, after the first paint
            self.call_after_refresh(self._report_ready, ready)

    def _report_ready(self, path: str) -> None:
        import json
        import resource
        import time

        # newsdesk.instant: the keyboard held, and the last frame up, before Textual loaded
        held_at, shown_at = (os.environ.get(f"NEWSDESK_{k}_AT") for k in ("HELD", "SHOWN"))
        Path(path).write_text(json.dumps({
            "painted_at": time.time(), "shown_at": float(shown_at) if shown_at else None,
            "held_at": float(held_at) if held_at else None,
            "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "rows_loaded": self.table.row_count, "total": self.table.total}), encoding="utf-8")

    def update_status(self, note: str = "") -> None:
        table = self.table
        flt = table.filter
        parts = [f"{table.total_text} article{'s' if table.total != 1 else ''}",
                 f"sort: {table.sort}"]
        if flt.query:
            parts.append(f"search: {flt.query}")
        for label, value in (("tag", flt.tag), ("source", flt.source), ("from", flt.date_from),
                             ("to", flt.date_to)):
            if value:
                parts.append(f"{label}: {value}")
        for label, name in flt.entities:
            parts.append(f"{LABEL_NAMES.get(label or '', 'entity')}: {name}")
        if flt.unread:
            parts.append("unread only")
        if flt.flagged:
            parts.append("flagged only")
        if flt.has_casualties:
            parts.append("with casualties")
        parts.extend(self.search_problems)
        if note:
            parts.append(note)
        # one line whatever it says (app.tcss): no layout, which would repaint the whole
        # table a second time for its scrollbar after each sort or search
        self.query_one("#list-status", Static).update(
            Text(safe_for_terminal("  ·  ".join(parts))), layout=False)

    def reload(self, note: str = "") -> None:
        self.table.reload(keep_id=self.table.current_id)
        self.update_status(note)

    def store_changed(self) -> None:
        """Another analyst's work arrived: the same rows in view, the cursor on the same
        article."""
        self.table.reload(keep_id=self.table.current_id, keep_view=True)
        self.update_status()

    def apply_filter(self) -> None:
        base = ArticleFilter(unread=self.only_unread, flagged=self.only_flagged)
        flt, self.search_problems = parse_search(self.search_text, base)
        if self.only_casualties:
            flt = replace(flt, has_casualties=True)
        self.table.filter = flt
        self.reload()

    def _searching(self) -> bool:
        return self.focused is self.query_one("#search", Input)

    def action_search(self) -> None:
        if self._searching():
            raise SkipAction()  # a "/" typed into the search box
        search = self.query_one("#search", Input)
        search.display = True
        focus_now(search)
        search.select_all()  # a search shown again is replaced by what is typed

    def action_enter(self) -> None:
        if self._searching():
            focus_now(self.table)
            return
        article_id = self.table.current_id
        if article_id is None:
            raise SkipAction()
        # opened here and now, not through a message: the keys after Enter are the reader's
        self.app.open_article(article_id, self.table.filter, self.table.sort)

    def search_for(self, text: str) -> None:
        """Show the list filtered by these search words, the cursor in the list."""
        search = self.query_one("#search", Input)
        search.display = True
        search.value = text
        self.search_text = text
        self.apply_filter()
        focus_now(self.table)

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        search.display = False
        focus_now(self.table)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value != event.input.value:
            # typed in a burst (fast typing, keys over SSH): the box has moved on already
            # and a later change says to what; searching each step made the last one wait
            # for all the others (0.4 s for a date range and a word at 100,000 articles)
            return
        if event.value == self.search_text:
            return  # searched already: `search_for` set the box to what it searched
        self.search_text = event.value
        self.apply_filter()

    def action_cycle_sort(self) -> None:
        table = self.table
        table.sort = SORT_CYCLE[(SORT_CYCLE.index(table.sort) + 1) % len(SORT_CYCLE)]
        self.reload()

    def action_incidents(self) -> None:
        self.app.open_incidents()

    def action_agreement(self) -> None:
        self.app.open_agreement()

    def action_undo_hint(self) -> None:
        self.notify("undo (u) and redo (ctrl+r) work in the reader: open an article first;"
                    " U shows only unread", timeout=4)

    def action_toggle_unread(self) -> None:
        self.only_unread = not self.only_unread
        self.apply_filter()

    def action_toggle_flagged_filter(self) -> None:
        self.only_flagged = not self.only_flagged
        self.apply_filter()

    def action_toggle_casualties_filter(self) -> None:
        self.only_casualties = not self.only_casualties
        self.apply_filter()

    def action_toggle_flag(self) -> None:
        article_id = self.table.current_id
        if article_id is None:
            return
        self.store.toggle_flag(article_id)
        self.table.refresh_article(article_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_flag" and self.is_mounted and self.table.row_count == 0:
            return None  # shown dimmed: nothing to flag
        return True

    def action_ingest(self) -> None:
        from newsdesk.tui.screens.ingest_dialog import IngestDialog

        def start(source: str | None) -> None:
            if source:
                self.app.ingest_source(source)

        self.app.push_screen(IngestDialog(), start)

    def on_article_table_opened(self, message: ArticleTable.Opened) -> None:
        self.app.open_article(message.article_id, self.table.filter, self.table.sort)

    def on_screen_resume(self) -> None:
        # the reader marks articles read and moves with n/p: show that here
        table = self.table
        current = getattr(self.app, "last_article_id", None) or table.current_id
        table.reload(keep_id=current, seek_pages=SEEK_PAGES)
        self.update_status()
