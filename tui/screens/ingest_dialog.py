"""`i`: ask for a file, folder or URL to ingest; the work runs in a worker."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class IngestDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ingest.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="ingest-box"):
            yield Static("Ingest a file, a folder or a URL (page, feed, JSON/JSONL/CSV)")
            yield Input(placeholder="~/news/  or  https://example.org/feed.xml", id="ingest-source",
                        select_on_focus=False)  # letters typed in a burst stay
            yield Static("Enter starts it in the background; Esc cancels.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
