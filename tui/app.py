"""The app: opens the store, routes between screens, runs background work."""
from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from newsdesk.config import Config
from store import Store
from tui.messages import ArticlesChanged
from tui.screens.article_list import ArticleListScreen
from tui.screens.help import HelpScreen


class NewsdeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "newsdesk"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave newsdesk"),
        Binding("question_mark", "help", "Keys", id="app.help", tooltip="Show every key"),
    ]

    def __init__(self, db_path: Path, *, analyst: str = "analyst", config: Config | None = None,
                 seed_if_empty: bool = True) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.analyst = analyst
        self.config = config or Config()
        self.seed_if_empty = seed_if_empty
        self.store: Store | None = None
        self.last_article_id: int | None = None

    def on_mount(self) -> None:
        if self.config.theme:
            self.theme = self.config.theme
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.store = Store(self.db_path)
        self.push_screen(ArticleListScreen(self.store))
        if self.seed_if_empty and self.store.is_empty():
            self.notify("New store: adding the sample articles…", timeout=3)
            self.load_seeds()

    @work(thread=True, exclusive=True, group="ingest", exit_on_error=False)
    def load_seeds(self) -> None:
        from ingest import ingest_seeds

        # an SQLite connection belongs to its thread: the worker opens its own
        with Store(self.db_path) as store:
            report = ingest_seeds(store)
        self.post_message(ArticlesChanged(f"seed articles: {report.summary()}"))

    def on_articles_changed(self, message: ArticlesChanged) -> None:
        screen = self.screen
        if isinstance(screen, ArticleListScreen):
            screen.reload()
        self.notify(message.summary, timeout=3)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        rows = []
        for where, bindings in (("screen", self.screen.BINDINGS), ("app", self.BINDINGS)):
            for binding in bindings:
                if isinstance(binding, Binding):
                    key = self.get_key_display(binding)
                    rows.append((where, key, binding.description or binding.action,
                                 binding.id or ""))
        self.push_screen(HelpScreen(rows))

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()
