"""One article: its text with highlights, and what was found in it beside the text."""
from __future__ import annotations

from collections import defaultdict

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from store import ArticleFilter, Store
from tui.render import highlighted, plain, style_for


class ReaderScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="reader.back", tooltip="Back to the list"),
        Binding("n", "step(1)", "Next", id="reader.next", tooltip="Next article in the list"),
        Binding("p", "step(-1)", "Prev", id="reader.prev", tooltip="Previous article in the list"),
        Binding("f", "toggle_flag", "Flag", id="reader.flag", tooltip="Flag or unflag this article"),
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
        with Horizontal(id="reader-body"):
            with VerticalScroll(id="reader-text-scroll"):
                yield Static(id="reader-text")
            with VerticalScroll(id="reader-panel"):
                yield Static(id="reader-found")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.article_id)
        self.query_one("#reader-text-scroll").focus()

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
        self.query_one("#reader-text", Static).update(
            highlighted(article["body"], spans, article["headings"]))
        self.query_one("#reader-found", Static).update(self._found(spans))
        self.query_one("#reader-text-scroll", VerticalScroll).scroll_home(animate=False)

    def _show_header(self, article: dict) -> None:
        header = Text()
        header.append_text(plain(article["title"], "bold"))
        meta = " · ".join(x for x in (article["published"] or "undated", article["source"] or "",
                                      ", ".join(article["tags"])) if x)
        header.append("\n")
        header.append_text(plain(meta, "dim"))
        if article["flagged"]:
            header.append("  ⚑ flagged", style="bold")
        self.query_one("#reader-header", Static).update(header)

    @staticmethod
    def _found(spans) -> Text:
        """Entities grouped by type, then figures, quotes and dates."""
        out = Text()
        groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for s in spans:
            if s.kind == "entity":
                groups[s.label or "MISC"][s.attrs.get("canonical") or s.text].append(s.text)
        for label in ("PER", "ORG", "LOC", "MISC"):
            if label not in groups:
                continue
            out.append(f"{label}\n", style="bold")
            for canonical, mentions in sorted(groups[label].items(), key=lambda kv: -len(kv[1])):
                aliases = sorted({m for m in mentions if m != canonical})
                out.append("  ")
                out.append_text(plain(canonical, style_for("entity", label)))
                out.append(f" ×{len(mentions)}", style="dim")
                if aliases:
                    out.append_text(plain(" = " + ", ".join(aliases), "dim"))
                out.append("\n")
        figures = [s for s in spans if s.kind == "casualty"]
        if figures:
            out.append("Figures\n", style="bold")
            for s in figures:
                lo, hi = s.attrs.get("min"), s.attrs.get("max")
                rng = "?" if lo is None else (f"{lo}" if lo == hi else f"{lo}–{hi if hi is not None else ''}")
                flags = [f for f in ("approx", "vague", "subset", "repeat") if s.attrs.get(f)]
                out.append(f"  {s.label} {rng}", style=style_for("casualty", None))
                if s.attrs.get("victims"):
                    out.append_text(plain(f" {s.attrs['victims']}"))
                if flags:
                    out.append(f" ({', '.join(flags)})", style="dim")
                out.append("\n")
        quotes = [s for s in spans if s.kind == "quote"]
        if quotes:
            out.append("Quotes\n", style="bold")
            for s in quotes:
                opening = " ".join(s.text.strip("\"“”").split()[:6])
                out.append_text(plain(f"  {s.attrs.get('speaker') or '?'} → {opening}…\n"))
        dates = [s for s in spans if s.kind == "date"]
        if dates:
            out.append("Dates\n", style="bold")
            for s in dates:
                out.append_text(plain(f"  {s.text} → {s.attrs.get('value') or '?'}\n"))
        if not out:
            out.append("Nothing found in this article.", style="dim")
        return out

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_step(self, step: int) -> None:
        target = self.store.neighbour(self.article_id, step, self.list_filter, self.sort)
        if target is None:
            self.notify("no more articles that way", timeout=2)
            return
        self.show(target)

    def action_toggle_flag(self) -> None:
        self.store.toggle_flag(self.article_id)
        article = self.store.article(self.article_id)
        if article is not None:
            self._show_header(article)  # the text and panels have not changed
