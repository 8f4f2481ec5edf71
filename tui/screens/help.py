"""`?`: every key the current screen and the app answer to, with binding ids for remapping."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("question_mark", "dismiss", "Close", show=False, id="help.close2"),
        Binding("q", "dismiss", "Close", show=False, id="help.close3"),
    ]

    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        """rows: (where, key, description, binding id)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(title="Keys", expand=True, box=None, header_style="bold")
        table.add_column("key", no_wrap=True)
        table.add_column("does", ratio=3)
        table.add_column(Text("id (for [keymap] in config.toml)"), style="dim", ratio=2)
        section = None
        for where, key, description, binding_id in self.rows:
            if where != section:
                section = where
                table.add_row(Text("here" if where == "screen" else "everywhere", style="bold"))
            table.add_row(Text(key), Text(description), Text(binding_id))
        with VerticalScroll(id="help-box"):
            yield Static(table)
            yield Static(Text("Esc closes this screen.", style="dim"))
