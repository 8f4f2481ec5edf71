"""One article: its highlighted text beside the entity, figure, quote and date panels."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Static

from store import ArticleFilter, Store
from tui.render import plain
from tui.screens.span_details import SpanDetailsScreen
from tui.widgets.article_view import LAYERS, ArticleView
from tui.widgets.found_panels import FoundPanels, PanelList

LAYER_NAMES = {"entity": "entities", "casualty": "figures", "quote": "quotes", "date": "dates"}


class ReaderScreen(Screen[None]):
    # side by side from 120 columns; below that the panels go under the text as tabs
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS = [
        Binding("escape", "back", "Back", id="reader.back",
                tooltip="From a panel back to the text; from the text back to the list"),
        Binding("n", "step(1)", "Next", id="reader.next", tooltip="Next article in the list"),
        Binding("p", "step(-1)", "Prev", id="reader.prev", tooltip="Previous article in the list"),
        Binding("f", "toggle_flag", "Flag", id="reader.flag", tooltip="Flag or unflag this article"),
        Binding("1", "toggle_layer('entity')", "Ents", id="reader.layer_entities",
                tooltip="Show or hide entity highlights"),
        Binding("2", "toggle_layer('casualty')", "Figs", id="reader.layer_figures",
                tooltip="Show or hide casualty figure highlights"),
        Binding("3", "toggle_layer('quote')", "Quotes", id="reader.layer_quotes",
                tooltip="Show or hide quote highlights"),
        Binding("4", "toggle_layer('date')", "Dates", id="reader.layer_dates",
                tooltip="Show or hide date highlights"),
        Binding("e", "panel('entity')", "Entities", id="reader.panel_entities", show=False,
                tooltip="Go to the entities panel"),
        Binding("c", "panel('casualty')", "Figures", id="reader.panel_figures", show=False,
                tooltip="Go to the casualty figures panel"),
        Binding("o", "panel('quote')", "Quotes", id="reader.panel_quotes", show=False,
                tooltip="Go to the quotes panel"),
        Binding("d", "panel('date')", "Dates", id="reader.panel_dates", show=False,
                tooltip="Go to the dates panel"),
        Binding("y", "copy", "Copy", id="reader.copy",
                tooltip="Copy the selection or the highlight under the cursor (OSC 52, works over SSH)"),
    ]

    def __init__(self, store: Store, article_id: int, *, list_filter: ArticleFilter | None = None,
                 sort: str = "published") -> None:
        super().__init__()
        self.store = store
        self.article_id = article_id
        self.list_filter = list_filter or ArticleFilter()
        self.sort = sort

    def compose(self) -> ComposeResult:
        yield Static(id="reader-header")
        with Container(id="reader-body"):
            yield ArticleView(id="reader-text")
            yield FoundPanels(id="reader-panels")
        yield Footer()

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def panels(self) -> FoundPanels:
        return self.query_one(FoundPanels)

    def on_mount(self) -> None:
        self.view.shown_layers = set(self.app.layers)
        self.show(self.article_id)
        self.view.focus()

    def show(self, article_id: int) -> None:
        article = self.store.article(article_id)
        if article is None:
            self.notify(f"article {article_id} is no longer in the store", severity="error")
            return
        self.article_id = article_id
        self.app.last_article_id = article_id
        self.store.mark_read(article_id)
        spans = self.store.spans(article_id)
        self._show_header(article)
        self.view.show_article(article["body"], spans, article["headings"])
        self.panels.show(article["body"], spans)

    def _show_header(self, article: dict) -> None:
        header = Text()
        header.append_text(plain(article["title"], "bold"))
        byline = f"by {article['author']}" if article.get("author") else ""
        meta = " · ".join(x for x in (article["published"] or "undated", article["source"] or "",
                                      byline, ", ".join(article["tags"])) if x)
        header.append("\n")
        header.append_text(plain(meta, "dim"))
        if article.get("summary_only"):
            header.append("  feed summary only, not the full text", style="bold")
        if article["flagged"]:
            header.append("  ⚑ flagged", style="bold")
        hidden = [LAYER_NAMES[k] for k in LAYERS if k not in self.view.shown_layers]
        if hidden:
            header.append(f"  hidden: {', '.join(hidden)}", style="dim italic")
        self.query_one("#reader-header", Static).update(header)

    def _refresh_header(self) -> None:
        article = self.store.article(self.article_id)
        if article is not None:
            self._show_header(article)

    def action_back(self) -> None:
        if not self.view.has_focus:
            self.view.focus()
            return
        self.app.pop_screen()

    def action_step(self, step: int) -> None:
        target = self.store.neighbour(self.article_id, step, self.list_filter, self.sort)
        if target is None:
            self.notify("no more articles that way", timeout=2)
            return
        self.show(target)
        self.view.focus()

    def action_toggle_flag(self) -> None:
        self.store.toggle_flag(self.article_id)
        self._refresh_header()  # the text and panels have not changed

    def action_toggle_layer(self, kind: str) -> None:
        layers = set(self.view.shown_layers)
        layers.symmetric_difference_update({kind})
        self.view.set_layers(layers)
        self.app.set_layers(layers)  # sticks for the next article and the next run
        self._refresh_header()

    def action_panel(self, kind: str) -> None:
        self.panels.tabs.active = f"tab-{kind}"
        panel = self.panels.list_for(kind)
        panel.focus()
        if panel.highlighted is None:
            first = next((i for i, row in enumerate(panel.rows) if row is not None), None)
            if first is not None:
                panel.highlighted = first

    def action_copy(self) -> None:
        text = self.view.copy_text()
        if not text:
            self.notify("nothing to copy: select text or move onto a highlight", timeout=3)
            return
        self.app.copy_to_clipboard(text)
        words = " ".join(text.split())
        self.notify(f"copied {len(text)} characters: {words[:40]}{'…' if len(words) > 40 else ''}",
                    timeout=2, markup=False)

    def on_found_panels_span_chosen(self, message: FoundPanels.SpanChosen) -> None:
        span = message.span
        if span.kind not in self.view.shown_layers:
            self.action_toggle_layer(span.kind)  # a chosen span must be visible
        self.view.mark(span)

    def on_article_view_details_requested(self, message: ArticleView.DetailsRequested) -> None:
        self.app.push_screen(SpanDetailsScreen(message.spans))

    def on_tabbed_content_tab_activated(self, event) -> None:
        pane = event.pane
        if pane is not None:
            panel = pane.query_one(PanelList)
            if panel.highlighted is not None:
                self.panels._chosen(panel, panel.highlighted, advance=False)
