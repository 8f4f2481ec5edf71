"""One article: its highlighted text beside the entity, figure, quote and date panels."""
from __future__ import annotations

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import ModalScreen
from textual.widgets import Static

from newsdesk.contract import CASUALTY_KINDS, ENTITY_LABELS, range_words
from newsdesk.extract.text import safe_for_terminal
from newsdesk.store import ArticleFilter, Store, StoredSpan
from newsdesk.store.coding import evidence_for, figure_clause, prefill_event
from newsdesk.tui.focus import focus_now, is_focused
from newsdesk.tui.messages import ArticlesChanged
from newsdesk.tui.render import plain
from newsdesk.tui.screens.event_form import EventFormDialog, EventValues
from newsdesk.tui.screens.forms import (
    Field,
    FormDialog,
    PickDialog,
    range_check,
    save_unless_changed,
)
from newsdesk.tui.screens.one_frame import OneFrameScreen
from newsdesk.tui.screens.span_details import SpanDetailsScreen
from newsdesk.tui.widgets.article_view import LAYERS, ArticleView
from newsdesk.tui.widgets.found_panels import FoundPanels
from newsdesk.tui.widgets.key_bar import KeyBar

LAYER_NAMES = {"entity": "entities", "casualty": "figures", "quote": "quotes", "date": "dates"}


class ReaderScreen(OneFrameScreen):
    # side by side from 120 columns; below that the panels go under the text as tabs
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS = [
        Binding("escape", "back", "Back", id="reader.back",
                tooltip="From a panel back to the text; from the text back to the list"),
        Binding("n", "step(1)", "Next", id="reader.next", tooltip="Next article in the list"),
        Binding("p", "step(-1)", "Prev", id="reader.prev", tooltip="Previous article in the list"),
        Binding("f", "toggle_flag", "Flag", id="reader.flag", tooltip="Flag or unflag this article"),
        Binding("1", "toggle_layer('entity')", "Ents", id="reader.layer_entities", show=False,
                tooltip="Show or hide entity highlights"),
        Binding("2", "toggle_layer('casualty')", "Figs", id="reader.layer_figures", show=False,
                tooltip="Show or hide casualty figure highlights"),
        Binding("3", "toggle_layer('quote')", "Quotes", id="reader.layer_quotes", show=False,
                tooltip="Show or hide quote highlights"),
        Binding("4", "toggle_layer('date')", "Dates", id="reader.layer_dates", show=False,
                tooltip="Show or hide date highlights"),
        Binding("e", "panel('entity')", "Entities", id="reader.panel_entities", show=False,
                tooltip="Go to the entities panel"),
        Binding("c", "panel('casualty')", "Figures", id="reader.panel_figures", show=False,
                tooltip="Go to the casualty figures panel"),
        Binding("o", "panel('quote')", "Quotes", id="reader.panel_quotes", show=False,
                tooltip="Go to the quotes panel"),
        Binding("d", "panel('date')", "Dates", id="reader.panel_dates", show=False,
                tooltip="Go to the dates panel"),
        Binding("y", "copy", "Copy", id="reader.copy", show=False,
                tooltip="Copy the selection or the highlight under the cursor (OSC 52, works over SSH)"),
        Binding("v", "panel('event')", "Events", id="reader.panel_events", show=False,
                tooltip="Go to the events panel"),
        Binding("N", "panel('note')", "Notes", id="reader.panel_notes", show=False,
                tooltip="Go to the notes panel"),
        Binding("t", "tag", "Tag", id="reader.tag", tooltip="Tag the article (-tag removes one)"),
        Binding("a", "annotate", "Note", id="reader.annotate",
                tooltip="Annotate the selection (or the highlight, or the article) with a label and a note"),
        Binding("A", "correct('accept')", "Accept", id="reader.accept", show=False,
                tooltip="Accept the highlight under the cursor as right"),
        Binding("X", "correct('reject')", "Reject", id="reader.reject", show=False,
                tooltip="Reject the highlight under the cursor (it disappears)"),
        Binding("L", "relabel", "Relabel", id="reader.relabel", show=False,
                tooltip="Change the type of the entity or the kind of the figure under the cursor"),
        Binding("plus", "add_entity", "Add", id="reader.add_entity", show=False,
                tooltip="Mark the selection as an entity the machine missed"),
        Binding("F", "fix_figure", "Fix fig", id="reader.fix_figure", show=False,
                tooltip="Correct the kind or range of the figure under the cursor"),
        Binding("S", "set_speaker", "Speaker", id="reader.set_speaker", show=False,
                tooltip="Set who speaks the quote under the cursor"),
        Binding("D", "set_published", "Pub date", id="reader.set_published", show=False,
                tooltip="Set the article's publication date (relative dates re-resolve)"),
        Binding("E", "code_event", "Event", id="reader.code_event",
                tooltip="Code an event from the selection, prefilled from its highlights"),
        Binding("I", "incident", "Incident", id="reader.incident", show=False,
                tooltip="The article's incident: every report of it, side by side"),
        Binding("J", "attach_evidence", "Attach", id="reader.attach_evidence", show=False,
                tooltip="Attach the selection to an event already coded"),
        Binding("g", "fetch_text", "Get page", id="reader.fetch_text", show=False,
                tooltip="Fetch the full text of a feed's teaser or bare link from its page"),
        Binding("asterisk", "pivot", "All on it", id="reader.pivot", show=False,
                tooltip="Every article in the store that names this person, organisation or place"),
        Binding("P", "entity_profile", "Profile", id="reader.entity_profile", show=False,
                tooltip="The entity's profile: mentions over time, articles, who is beside it"),
        Binding("C", "coding_done", "Done", id="reader.coding_done", show=False,
                tooltip="My coding of this article is done (double coding: then the other"
                        " coder's events show, once they are done too); again: not done"),
        Binding("R", "reviewed", "Reviewed", id="reader.reviewed", show=False,
                tooltip="Every highlight of this article checked: newsdesk quality counts"
                        " the untouched ones as right; again: not reviewed"),
        Binding("u", "undo", "Undo", id="reader.undo", tooltip="Undo your last change (survives restarts)"),
        Binding("ctrl+r", "redo", "Redo", id="reader.redo", show=False, tooltip="Redo what you undid"),
    ]

    def __init__(self, store: Store, article_id: int | None, *, list_filter: ArticleFilter | None = None,
                 sort: str = "published", select: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.store = store
        self.article_id = article_id
        self._select_on_mount = select
        self.list_filter = list_filter or ArticleFilter()
        self.sort = sort
        self._styled_with: tuple[str, object] | None = None
        self._drawn_ahead: tuple | None = None  # what show(ahead=True) last drew, off screen

    def compose(self) -> ComposeResult:
        yield Static(id="reader-header")
        with Container(id="reader-body"):
            yield ArticleView(id="reader-text")
            yield FoundPanels(id="reader-panels")
        yield KeyBar()

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def panels(self) -> FoundPanels:
        return self.query_one(FoundPanels)

    def on_mount(self) -> None:
        self.view.shown_layers = set(self.app.layers)
        if self.article_id is not None:
            self.show(self.article_id)
        else:
            # built ahead of the first article opened, styled as it mounted: its first
            # resume need not restyle it (as a later one does not)
            self._styled_with = self._style_inputs()
        if self._select_on_mount is not None:
            self.select(*self._select_on_mount)
        focus_now(self.view)
        # the gazetteer costs ~0.2 s to load: off the UI thread, before the event form needs it
        self.run_worker(_load_gazetteer, thread=True, group="gazetteer", exit_on_error=False)

    def _style_inputs(self) -> tuple[str, object]:
        # what this screen's styles depend on from outside it: the theme and the parsed CSS
        # (the rules list itself, held so that a new one can never reuse its id)
        return self.app.theme, self.app.stylesheet.rules

    def on_screen_suspend(self) -> None:
        self._styled_with = self._style_inputs()
        # over a dialog the analyst comes back to the panel row they were on
        self._under_dialog = isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles every widget of a pushed screen (~7 ms here, most of it the
        # TextArea's and OptionLists' component classes); the reader is reused, so skip that
        # unless the theme or CSS changed while it was away. Runs before Screen's own handler.
        theme, rules = self._style_inputs()
        if self._styled_with and self._styled_with[0] == theme and self._styled_with[1] is rules:
            event.refresh_styles = False
        # back from the list, open_article has focused the text already (at once: the keys
        # typed after Enter may have moved focus since); over a dialog, focus stays put
        if self.focused is None:
            focus_now(self.view)

    def show(self, article_id: int, *, keep_cursor: bool = False, ahead: bool = False) -> None:
        """The article, as opened (cursor at the top, marked read), or `keep_cursor` as it
        was (a correction, another analyst's change), or drawn `ahead` of being opened: as
        opened, off screen, nothing marked. Opened after it was drawn ahead with the same
        text, marks and events, its text and panels are not filled again: the lines drawn
        ahead are the ones shown."""
        article = self.store.article(article_id)
        if article is None:
            self.notify(f"article {article_id} is no longer in the store", severity="error")
            return
        self.article_id = article_id
        self.article = article
        if not ahead:
            self.app.last_article_id = article_id
        if not keep_cursor and not ahead:
            self.store.mark_read(article_id)
        annotations = self.store.annotations(article_id)
        spans = self.store.corrected_spans(article_id, annotations)
        notes = [n for n in annotations if n["action"] == "note"]
        events = self._events_seen(article_id)
        drawn = (article_id, article["body"], article["headings"], spans, notes, events,
                 frozenset(self.view.shown_layers))
        drawn_ahead, self._drawn_ahead = self._drawn_ahead, (drawn if ahead else None)
        self._show_header(article)
        if drawn_ahead == drawn and not keep_cursor:
            return
        self.view.show_article(article["body"], spans, article["headings"],
                               keep_cursor=keep_cursor)
        self.panels.show(article["body"], spans, notes, events, article_id)

    def store_changed(self) -> None:
        """Another analyst's tags, notes, corrections or events on this article: shown,
        the cursor, scroll and selection kept."""
        if self.article_id is not None and self.store.article(self.article_id) is not None:
            self.show(self.article_id, keep_cursor=True)

    def _events_seen(self, article_id: int) -> list[dict]:
        """Blind double coding: another coder's events once both are done."""
        blind = getattr(getattr(self.app, "config", None), "blind_double_coding", True)
        return self.store.events_seen_by(article_id, self.analyst, blind=blind)

    def _show_header(self, article: dict) -> None:
        header = Text()
        header.append_text(plain(article["title"], "bold"))
        byline = f"by {article['author']}" if article.get("author") else ""
        meta = " · ".join(x for x in (article["published"] or "undated", article["source"] or "",
                                      byline, ", ".join(article["tags"])) if x)
        header.append("\n")
        header.append_text(plain(meta, "dim"))
        if article.get("link_only"):
            header.append("  a feed's link only: g gets the page's text", style="bold")
        elif article.get("summary_only"):
            header.append("  feed summary only, not the full text (g gets it)", style="bold")
        if article["flagged"]:
            header.append("  ⚑ flagged", style="bold")
        placed = self.store.incident_of(article["id"])
        if placed is not None:
            others = placed[1] - 1
            header.append(f"  incident {placed[0]}" + (f" · also reported by {others}"
                                                       if others else "") + " (I)",
                          style="dim")
        if self.store.is_double_coded(article["id"]):
            done = sorted(self.store.coding_done_by(article["id"]))
            waiting = len(self.store.events(article["id"])) - len(self._events_seen(article["id"]))
            header.append("  double-coded" + (f" · done: {', '.join(done)}" if done else "")
                          + (f" · {waiting} other coding{'s' if waiting != 1 else ''} hidden"
                             " until both are done (C)" if waiting else ""), style="bold")
        reviewed = sorted(self.store.reviewed_by(article["id"]))
        if reviewed:
            header.append(f"  ✓ reviewed by {', '.join(reviewed)}", style="dim")
        hidden = [LAYER_NAMES[k] for k in LAYERS if k not in self.view.shown_layers]
        if hidden:
            header.append(f"  hidden: {', '.join(hidden)}", style="dim italic")
        self.query_one("#reader-header", Static).update(header)

    def action_coding_done(self) -> None:
        done = self.analyst not in self.store.coding_done_by(self.article_id)
        self.store.set_coding_done(self.article_id, self.analyst, done)
        self.show(self.article_id, keep_cursor=True)
        self.notify("your coding is done (u undoes)" if done else "your coding is open again",
                    timeout=2)

    def action_reviewed(self) -> None:
        reviewed = self.analyst not in self.store.reviewed_by(self.article_id)
        self.store.set_reviewed(self.article_id, self.analyst, reviewed)
        self.show(self.article_id, keep_cursor=True)
        self.notify("reviewed: every highlight checked (u undoes)" if reviewed
                    else "no longer marked reviewed", timeout=2)

    def select(self, start: int, end: int) -> None:
        """Mark text of the article shown (a figure opened from its incident)."""
        if 0 <= start < end <= len(self.view.text):
            self.view.select_range(start, end)

    def action_incident(self) -> None:
        placed = self.store.incident_of(self.article_id)
        if placed is None:
            self.notify("this article reports no incident (no casualty figure, and no attack"
                        " or disaster with a place)", timeout=3)
            return
        self.app.open_incident(placed[0])

    def _refresh_header(self) -> None:
        article = self.store.article(self.article_id)
        if article is not None:
            self._show_header(article)

    def focus_text(self) -> None:
        focus_now(self.view)

    def action_back(self) -> None:
        if not is_focused(self.view):
            focus_now(self.view)
            return
        self.app.pop_screen()

    def action_step(self, step: int) -> None:
        target = self.store.neighbour(self.article_id, step, self.list_filter, self.sort)
        if target is None:
            self.notify("no more articles that way", timeout=2)
            return
        self.show(target)
        focus_now(self.view)

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
        self.panels.active = kind
        panel = self.panels.list_for(kind)
        focus_now(panel)
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

    # -- analyst work -------------------------------------------------------------

    @property
    def analyst(self) -> str:
        return self.app.analyst

    def _changed(self, message: str) -> None:
        from newsdesk.ingest.incidents import reindex_entities, reprofile

        # a corrected figure, a new publication date: the incident's toll follows; a
        # rejected or added name: the store-wide entities follow
        reprofile(self.store, self.article_id)
        reindex_entities(self.store, self.article_id)
        self.show(self.article_id, keep_cursor=True)
        self.notify(message, timeout=2, markup=False)

    def _target(self) -> StoredSpan | None:
        """The highlight under the cursor (the narrowest), or None with a hint."""
        spans = [s for s in self.view.spans_at_cursor() if s.kind in LAYERS]
        if not spans:
            self.notify("move the cursor onto a highlight first (Tab jumps to the next)",
                        timeout=3)
            return None
        return min(spans, key=lambda s: s.end - s.start)

    def action_tag(self) -> None:
        current = self.store.tags(self.article_id)
        known = [t for t, _ in self.store.all_tags()]

        def done(values: dict | None) -> None:
            if not values or not values["tag"]:
                return
            tag = values["tag"]
            if tag.startswith("-") and tag[1:] in current:
                self.store.remove_tag(self.article_id, tag[1:], self.analyst)
                self._changed(f"removed tag {tag[1:]}")
            elif self.store.add_tag(self.article_id, tag, self.analyst):
                self._changed(f"tagged {tag}")
            else:
                self.notify(f"already tagged {tag}", timeout=2, markup=False)

        self.app.push_screen(FormDialog(
            "Tag this article", [Field("tag", "Tag", suggestions=known, required=True,
                                       hint="a tag, or -tag to remove one")],
            context=f"tags now: {', '.join(current) or 'none'}"), done)

    def action_annotate(self) -> None:
        rng = self.view.selected_range
        target = None
        if rng is None:
            spans = self.view.spans_at_cursor()
            target = min(spans, key=lambda s: s.end - s.start) if spans else None
            rng = (target.start, target.end) if target else None
        words = " ".join(self.view.text[rng[0]:rng[1]].split()) if rng else "the whole article"

        def done(values: dict | None) -> None:
            if not values:
                return
            self.store.add_annotation(
                self.article_id, self.analyst, action="note", kind=target.kind if target else None,
                start=rng[0] if rng else None, end=rng[1] if rng else None,
                label=values["label"], note=values["note"],
                span_id=target.id if target and target.id > 0 else None)
            self._changed("note added")

        self.app.push_screen(FormDialog(
            "Annotate", [Field("label", "Label", hint="e.g. claim, disputed, follow-up",
                               suggestions=["claim", "disputed", "follow-up", "source", "error"]),
                         Field("note", "Note")],
            context=f"“{words[:200]}”"), done)

    def _correct(self, span: StoredSpan, action: str, **fields) -> None:
        self.store.add_annotation(
            self.article_id, self.analyst, action=action, kind=span.kind, start=span.start,
            end=span.end, span_id=span.id if span.id > 0 else None, **fields)

    def action_correct(self, action: str) -> None:
        focused = self.panels.focused_row()
        if action == "reject" and focused is not None and focused[0] in ("event", "note"):
            self._delete(*focused)  # X on an event or a note takes it away
            return
        span = self._target()
        if span is None:
            return
        self._correct(span, action)
        self._changed(f"{action}ed: {' '.join(span.text.split())[:40]}")

    def action_relabel(self) -> None:
        span = self._target()
        if span is None:
            return
        choices = {"entity": list(ENTITY_LABELS),
                   "casualty": list(CASUALTY_KINDS)}.get(span.kind)
        if not choices:
            self.notify("only entities and figures have a type to change", timeout=3)
            return

        def done(index: int | None) -> None:
            if index is not None and choices[index] != span.label:
                self._correct(span, "relabel", label=choices[index])
                self._changed(f"relabelled as {choices[index]}")

        self.app.push_screen(PickDialog(f"“{span.text[:50]}” is a…", choices), done)

    def action_add_entity(self) -> None:
        rng = self.view.selected_range
        if rng is None:
            self.notify("select the words first (W selects word by word)", timeout=3)
            return
        labels = list(ENTITY_LABELS)
        text = self.view.text[rng[0]:rng[1]]

        def done(index: int | None) -> None:
            if index is None:
                return
            self.store.add_annotation(self.article_id, self.analyst, action="add", kind="entity",
                                      start=rng[0], end=rng[1], label=labels[index],
                                      attrs={"text": text, "canonical": " ".join(text.split())})
            self._changed(f"added {labels[index]}: {' '.join(text.split())[:40]}")

        self.app.push_screen(PickDialog(f"“{text[:50]}” is a…", labels), done)

    def action_fix_figure(self) -> None:
        span = self._target()
        if span is None or span.kind != "casualty":
            if span is not None:
                self.notify("the highlight under the cursor is not a casualty figure", timeout=3)
            return
        kinds = list(CASUALTY_KINDS)

        def done(values: dict | None) -> None:
            if not values:
                return
            self._correct(span, "fix", label=values["kind"],
                          attrs={"min": values["min"], "max": values["max"]})
            if values["kind"] != span.label:
                self._correct(span, "relabel", label=values["kind"])
            self._changed("figure corrected")

        self.app.push_screen(FormDialog(
            "Correct the figure", [
                Field("kind", "Kind", span.label, kind="choice", choices=kinds, required=True),
                Field("min", "At least", span.attrs.get("min"), kind="int"),
                Field("max", "At most (empty: no upper bound)", span.attrs.get("max"), kind="int")],
            validate=range_check(("min", "max")), context=f"“{span.text}”"), done)

    def action_set_speaker(self) -> None:
        span = self._target()
        if span is None or span.kind != "quote":
            if span is not None:
                self.notify("the highlight under the cursor is not a quote", timeout=3)
            return
        names = sorted({s.attrs.get("canonical") or s.text for s in self.view.spans
                        if s.kind == "entity" and s.label in ("PER", "ORG")})

        def done(values: dict | None) -> None:
            if values:
                self._correct(span, "speaker", attrs={"speaker": values["speaker"]})
                self._changed(f"speaker: {values['speaker']}")

        self.app.push_screen(FormDialog(
            "Who says this?", [Field("speaker", "Speaker", span.attrs.get("speaker"),
                                     suggestions=names, required=True)],
            context=f"“{' '.join(span.text.split())[:200]}”"), done)

    def action_set_published(self) -> None:
        def done(values: dict | None) -> None:
            if values is None:
                return
            if self.store.set_published(self.article_id, values["published"], self.analyst):
                self._reresolve_dates()
                self._changed(f"publication date: {values['published'] or 'unknown'}")

        self.app.push_screen(FormDialog(
            "Publication date", [Field("published", "Published (YYYY-MM-DD, empty: unknown)",
                                       self.article["published"], kind="date")],
            context="relative dates (\"on Friday\", \"last year\") resolve against it"), done)

    def _reresolve_dates(self) -> None:
        from newsdesk.extract import extract_dates

        article = self.store.article(self.article_id)
        self.store.resolve_dates(self.article_id,
                                 extract_dates(article["body"], article["published"]))

    def action_fetch_text(self) -> None:
        article = self.store.article(self.article_id)
        if article is None:
            return
        if not (article["link_only"] or article["summary_only"]):
            self.notify("This article has its full text already: nothing to fetch.")
        elif not article["url"]:
            self.notify("This teaser has no link to fetch its page from.", severity="warning")
        else:
            self.notify(f"Fetching {safe_for_terminal(article['url'])} …", markup=False)
            self._fetch_worker(self.article_id)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch_worker(self, article_id: int) -> None:
        from newsdesk.ingest.fulltext import fetch_full_text

        # its own connection: this runs beside the screen's reads
        with Store(self.app.db_path) as store:  # type: ignore[attr-defined]
            report = fetch_full_text(store, [article_id], analyst=self.analyst)
        self.app.call_from_thread(self._fetched, article_id, report)

    def _fetched(self, article_id: int, report) -> None:  # type: ignore[no-untyped-def]
        if report.filled:
            if self.article_id == article_id and self.is_attached:
                self.show(article_id)
            self.app.post_message(ArticlesChanged("Full text fetched from the article's page."))
        else:
            reason = report.failed[0].line() if report.failed else "nothing came back"
            self.notify(f"Not fetched: {safe_for_terminal(reason)}", severity="warning",
                        markup=False, timeout=8)

    def action_undo(self) -> None:
        what = self.store.undo(self.analyst)
        if what is None:
            self.notify("nothing of yours to undo", timeout=2)
            return
        self._reresolve_dates()
        self._changed(f"undone: {what}")

    def action_redo(self) -> None:
        what = self.store.redo(self.analyst)
        if what is None:
            self.notify("nothing to redo", timeout=2)
            return
        self._reresolve_dates()
        self._changed(f"redone: {what}")

    # -- events -------------------------------------------------------------------

    def _names(self, label: str | None = None) -> list[str]:
        return sorted({s.attrs.get("canonical") or s.text for s in self.view.spans
                       if s.kind == "entity" and (label is None or s.label == label)})

    def _entity_here(self) -> tuple[int, StoredSpan] | None:
        """The store-wide entity of the Entities panel's row or of the name under the
        cursor; None (with a hint) when there is none."""
        focused = self.panels.focused_row()
        if focused is not None and focused[0] == "entity" and focused[1].spans:
            span: StoredSpan | None = focused[1].spans[0]
        else:
            span = next((s for s in sorted(self.view.spans_at_cursor(),
                                           key=lambda s: s.end - s.start)
                         if s.kind == "entity"), None)
        if span is None:
            self.notify("move the cursor onto a name first (Tab jumps to the next highlight,"
                        " e opens the Entities panel)", timeout=3)
            return None
        name = span.attrs.get("canonical") or span.text
        entity_id = self.store.entity_at(self.article_id, span.label, name)
        if entity_id is None:
            self.notify(f"{safe_for_terminal(name)} is not a person, organisation or place"
                        " known across the store", timeout=3, markup=False)
            return None
        return entity_id, span

    def action_pivot(self) -> None:
        found = self._entity_here()
        if found is not None:
            entity = self.store.entity(found[0])
            if entity is not None:
                self.app.list_entity(entity.label, entity.canonical)  # type: ignore[attr-defined]

    def action_entity_profile(self) -> None:
        found = self._entity_here()
        if found is not None:
            self.app.open_entity(found[0])  # type: ignore[attr-defined]

    def _figure_to_code(self) -> StoredSpan | None:
        """With nothing selected, the figure an event is coded from: the Figures panel's row,
        or the figure under the cursor."""
        focused = self.panels.focused_row()
        if focused is not None and focused[0] == "casualty" and focused[1].spans:
            return focused[1].spans[0]
        return next((s for s in self.view.spans_at_cursor() if s.kind == "casualty"), None)

    def action_code_event(self) -> None:
        from newsdesk.extract.lexicon import countries, country_of

        sentences = list(zip(self.view._sentences, self.view._sentence_ends))
        rng = self.view.selected_range
        figure = self._figure_to_code()
        # From the Figures panel, its row is what is coded, whatever the text shows: the
        # text follows the row a message later, so in a burst (ctrl+s Down E) the
        # selection can still be the previous row's. A figure marked by Tab selects just
        # its words: code its clause too.
        focused = self.panels.focused_row()
        from_panel = focused is not None and focused[0] == "casualty" and figure is not None
        if rng is None or from_panel or (figure is not None and rng == (figure.start, figure.end)):
            if figure is None:
                self.notify("select the evidence first (> selects sentence by sentence, W word"
                            " by word), or pick a figure in the Figures panel (c)", timeout=4)
                return
            sentence = next(((a, b) for a, b in sentences if a <= figure.start < b),
                            (figure.start, figure.end))
            rng = figure_clause(self.view.text, sentence, figure)
        known_countries = countries()
        values, evidence = prefill_event(self.view.spans, rng[0], rng[1], self.article_id,
                                         country_of=country_of, text=self.view.text,
                                         published=self.article["published"],
                                         sentences=sentences,
                                         is_country=known_countries.__contains__)
        text = self.view.text[rng[0]:rng[1]]
        evidence.append({"article_id": self.article_id, "field": "selection", "span_id": None,
                         "start": rng[0], "end": rng[1], "text": text})

        def done(result: EventValues | None) -> None:
            if result:
                self.store.create_event(self.analyst, dict(result), evidence)
                self._changed("event coded")

        def form() -> None:
            self.app.push_screen(EventFormDialog(
                "Code an event", values, names=self._names(), places=self._names("LOC"),
                context=f"from “{' '.join(text.split())[:160]}”"), done)

        # another report of this incident already has its event: this one is a source of
        # it, not a second event (unless the analyst says otherwise)
        placed = self.store.incident_of(self.article_id)
        blind = getattr(getattr(self.app, "config", None), "blind_double_coding", True)
        coded = [e for e in self.store.visible_to(
                     self.store.incident_events(placed[0]) if placed else [], self.analyst,
                     blind=blind)
                 if all(ev["article_id"] != self.article_id for ev in e["evidence"])]
        if not coded:
            form()
            return
        from newsdesk.tui.screens.forms import PickDialog

        def same(choice: int | None) -> None:
            if choice is None:
                return
            if choice < len(coded):
                self.store.add_evidence(coded[choice]["id"], self.analyst, evidence)
                self._changed(f"evidence added to event {coded[choice]['id']} (u undoes)")
            else:
                form()

        options = [f"Same incident: add this as a source of event {e['id']} ({e['event_date']},"
                   f" {e['event_type']}, {e['location'] or 'no place'})" for e in coded]
        self.app.push_screen(PickDialog(
            f"Incident {placed[0] if placed else ''} is coded already", [
                *options, "A new event"]), same)

    def _delete(self, kind: str, row) -> None:
        if kind == "event" and row.event_id is not None:
            if self.store.delete_event(row.event_id, self.analyst):
                self._changed(f"event {row.event_id} deleted (u undoes)")
        elif kind == "note" and row.note_id is not None:
            if self.store.delete_annotation(row.note_id, self.analyst):
                self._changed("note deleted (u undoes)")

    def on_found_panels_note_opened(self, message: FoundPanels.NoteOpened) -> None:
        note = next((n for n in self.store.annotations(self.article_id)
                     if n["id"] == message.note_id), None)
        if note is None:
            return

        seen = self.store.latest_audit_id()

        def save(values: dict) -> None:
            if self.store.update_note(note["id"], self.analyst, values["note"] or ""):
                self._changed("note edited")

        def done(values: dict | None) -> None:
            if values is not None:
                theirs = self.store.annotations(self.article_id)
                now = next((n["note"] for n in theirs if n["id"] == note["id"]), None)
                save_unless_changed(
                    self, "annotations", note["id"], seen, f"the note now reads “{now or ''}”",
                    lambda: save(values), self._reshow)

        self.app.push_screen(FormDialog("Edit the note", [Field("note", "Note", note["note"])],
                                        context="X on the note in the Notes panel deletes it"),
                             done)

    def on_found_panels_event_opened(self, message: FoundPanels.EventOpened) -> None:
        event = self.store.event(message.event_id)
        if event is None:
            return

        seen = self.store.latest_audit_id()

        def save(values: dict) -> None:
            # evidence follows the edit: a new actor or place is cited where this text names it
            evidence = evidence_for(self.view.spans, values, self.article_id)
            if self.store.update_event(event["id"], self.analyst, values, evidence):
                self._changed("event updated")

        def done(result: EventValues | None) -> None:
            if not result:
                return
            values = dict(result)
            now = self.store.event(event["id"]) or {}
            save_unless_changed(
                self, "events", event["id"], seen,
                f"theirs: {now.get('event_date') or 'undated'} · {now.get('event_type') or '?'}"
                f" · {now.get('location') or 'no place'} · killed"
                f" {range_words(now.get('fatalities_min'), now.get('fatalities_max'))}",
                lambda: save(values), self._reshow)

        self.app.push_screen(EventFormDialog(
            f"Event {event['id']}", event, names=self._names(), places=self._names("LOC"),
            context="X on the event in the Events panel deletes it"), done)

    def _reshow(self) -> None:
        self.show(self.article_id, keep_cursor=True)

    def action_attach_evidence(self) -> None:
        rng = self.view.selected_range
        events = self.store.events()
        if rng is None or not events:
            self.notify("select the evidence, and code an event first (E)" if not events
                        else "select the evidence first", timeout=3)
            return
        _, evidence = prefill_event(self.view.spans, rng[0], rng[1], self.article_id)
        evidence.append({"article_id": self.article_id, "field": "selection", "span_id": None,
                         "start": rng[0], "end": rng[1], "text": self.view.text[rng[0]:rng[1]]})
        labels = [f"{e['event_date'] or 'undated'} · {e['sub_event_type'] or e['event_type'] or '?'}"
                  f" · {e['location'] or '?'}" for e in events]

        def done(index: int | None) -> None:
            if index is not None:
                self.store.add_evidence(events[index]["id"], self.analyst, evidence)
                self._changed(f"evidence attached to event {events[index]['id']}")

        self.app.push_screen(PickDialog("Attach the selection to which event?", labels), done)

    def on_article_view_details_requested(self, message: ArticleView.DetailsRequested) -> None:
        self.open_span_details(message.spans)

    def open_span_details(self, spans: list[StoredSpan]) -> None:
        self.app.push_screen(SpanDetailsScreen(spans))


def _load_gazetteer() -> None:
    from newsdesk.extract.lexicon import country_of

    country_of("")
