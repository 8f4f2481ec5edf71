"""What newsdesk knows about the highlight under the cursor."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from newsdesk.contract import range_words
from newsdesk.store import StoredSpan
from newsdesk.tui.render import plain

KIND_NAMES = {"entity": "Entity", "casualty": "Casualty figure", "quote": "Quote", "date": "Date"}


def describe(span: StoredSpan) -> Text:
    a = span.attrs
    out = Text()
    out.append(KIND_NAMES.get(span.kind, span.kind), style="bold")
    if span.label:  # entity type, casualty kind, quote kind or date granularity
        out.append(f" · {span.label}")
    out.append(f"  [{span.start}–{span.end}]\n", style="dim")
    out.append_text(plain(" ".join(span.text.split())))
    out.append("\n")
    fields: list[tuple[str, object]] = []
    if span.kind == "entity":
        fields = [("canonical name", a.get("canonical"))]
    elif span.kind == "casualty":
        fields = [("range", range_words(a.get("min"), a.get("max"))), ("min", a.get("min")),
                  ("max", a.get("max")), ("victims", a.get("victims")),
                  ("flags", ", ".join(f for f in ("approx", "vague", "subset", "repeat")
                                      if a.get(f)) or None),
                  ("rule set", a.get("rules"))]
    elif span.kind == "quote":
        fields = [("speaker", a.get("speaker"))]
    elif span.kind == "date":
        fields = [("value", a.get("value"))]
    for name, value in fields:
        if value is not None and value != "":
            out.append(f"  {name}: ", style="dim")
            out.append_text(plain(str(value)))
            out.append("\n")
    return out


class SpanDetailsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,enter,q", "dismiss", "Close", id="details.close"),
    ]

    def __init__(self, spans: list[StoredSpan]) -> None:
        super().__init__()
        self.spans = spans

    def compose(self) -> ComposeResult:
        body = Text()
        for i, span in enumerate(self.spans):
            if i:
                body.append("\n")
            body.append_text(describe(span))
        with VerticalScroll(id="details-box"):
            yield Static(body)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
