"""What was found in an article, one tab per layer: entities, figures, quotes, dates.

Each row points at spans of the text; moving onto a row asks the reader to mark the span.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from newsdesk.contract import ENTITY_LABELS, range_words
from newsdesk.extract.text import sentence_spans
from newsdesk.store import StoredSpan
from newsdesk.tui.focus import is_focused
from newsdesk.tui.render import plain
from newsdesk.tui.widgets.article_view import HIGHLIGHT_STYLES, highlight_name

PANELS = (("entity", "Entities"), ("casualty", "Figures"), ("quote", "Quotes"), ("date", "Dates"),
          ("event", "Events"), ("note", "Notes"))
LABEL_NAMES = {"PER": "People", "ORG": "Organisations", "LOC": "Places", "MISC": "Other"}


@dataclass
class Row:
    """One panel row and the spans it stands for (an entity row: every mention)."""

    spans: list[StoredSpan]
    next_mention: int = 0
    event_id: int | None = None
    note_id: int | None = None


class PagedOptionList(OptionList):
    """An OptionList whose PageUp and PageDown are safe before it has been laid out:
    Textual's read the line table of a list never drawn (a panel hidden by a resize) and
    raised KeyError; such a list moves by one row instead."""

    def _laid_out(self) -> bool:
        return bool(self._index_to_line) and self.scrollable_content_region.height > 0

    def action_page_down(self) -> None:
        if self._laid_out():
            super().action_page_down()
        elif self.option_count:
            self.action_cursor_down()

    def action_page_up(self) -> None:
        if self._laid_out():
            super().action_page_up()
        elif self.option_count:
            self.action_cursor_up()


class PanelList(PagedOptionList):
    """An OptionList whose rows carry spans."""

    def __init__(self, kind: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self.rows: list[Row | None] = []
        # a row highlighted again by a refresh, not by the analyst: it moves nothing
        self.quiet_index: int | None = None


class PanelTabs(Static):
    """One line naming the panels with their counts, the shown one marked.

    A Static rather than Textual's Tabs: those lay out a widget per tab and animate an
    underline, a third of the cost of opening an article."""

    DEFAULT_CSS = """
    PanelTabs {
        height: auto;
        padding: 0 1;
        border-bottom: solid $primary 50%;
    }
    """

    def show_tabs(self, active: str, counts: dict[str, int]) -> None:
        parts: list[Content | str] = []
        for kind, title in PANELS:
            label = f" {title} {counts[kind]} " if counts.get(kind) else f" {title} "
            style = "bold reverse" if kind == active else "$text-muted"
            if parts:
                parts.append(" ")
            # a click shows the panel; the keys (e c o d v N) are the usual way
            parts.append(Content.from_markup(f"[{style} @click=show('{kind}')]{label}[/]"))
        self.update(Content.assemble(*parts))

    def action_show(self, kind: str) -> None:
        panels = self.parent
        if isinstance(panels, FoundPanels):
            panels.active = kind


class FoundPanels(Vertical):
    class EventOpened(Message):
        """Enter on an event row: edit it."""

        def __init__(self, event_id: int) -> None:
            super().__init__()
            self.event_id = event_id

    class NoteOpened(Message):
        """Enter on a note row: edit its text."""

        def __init__(self, note_id: int) -> None:
            super().__init__()
            self.note_id = note_id

    class SpanChosen(Message):
        """A panel row was moved onto (or Enter cycled to another mention)."""

        def __init__(self, span: StoredSpan) -> None:
            super().__init__()
            self.span = span

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._counts: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield PanelTabs(id="panel-tabs")
        with ContentSwitcher(id="panel-switcher", initial="panel-entity"):
            for kind, _title in PANELS:
                yield PanelList(kind, id=f"panel-{kind}")

    @property
    def active(self) -> str:
        """The kind of the panel shown ("entity", "casualty", …)."""
        current = self.query_one(ContentSwitcher).current or "panel-entity"
        return current.removeprefix("panel-")

    @active.setter
    def active(self, kind: str) -> None:
        self.query_one(ContentSwitcher).current = f"panel-{kind}"
        self.query_one(PanelTabs).show_tabs(kind, self._counts)

    def list_for(self, kind: str) -> PanelList:
        return self.query_one(f"#panel-{kind}", PanelList)

    def show(self, body: str, spans: list[StoredSpan], notes: list[dict] | None = None,
             events: list[dict] | None = None, article_id: int | None = None) -> None:
        sentences = sentence_spans(body)
        by_kind: dict[str, list[StoredSpan]] = defaultdict(list)
        for s in spans:
            by_kind[s.kind].append(s)
        self._fill(self.list_for("entity"), self._entity_rows(by_kind["entity"]))
        self._fill(self.list_for("casualty"),
                   [self._figure_row(s, by_kind["date"], sentences) for s in by_kind["casualty"]])
        self._fill(self.list_for("quote"), [self._quote_row(s) for s in by_kind["quote"]])
        self._fill(self.list_for("date"), [self._date_row(s) for s in by_kind["date"]])
        self._fill(self.list_for("note"), [self._note_row(n, body) for n in notes or []])
        self._fill(self.list_for("event"), [self._event_row(e, by_kind["casualty"], article_id)
                                            for e in events or []])
        self._counts = {kind: sum(r is not None for r in self.list_for(kind).rows)
                        for kind, _title in PANELS}
        self.query_one(PanelTabs).show_tabs(self.active, self._counts)

    @staticmethod
    def _fill(panel: PanelList, rows: list[tuple[Text, Row | None]]) -> None:
        # each panel keeps its row through a refresh (after an edit, X still means the same
        # event, Down goes to the next one); quietly: the text's cursor stays where it is
        keep = panel.highlighted
        panel.clear_options()
        panel.rows = [row for _, row in rows]
        if not rows:
            panel.add_option(Option(Text("nothing found", style="dim"), disabled=True))
            panel.rows = [None]
            return
        panel.add_options([Option(prompt, disabled=row is None) for prompt, row in rows])
        if keep is not None:
            keep = min(keep, len(rows) - 1)
            if panel.rows[keep] is not None:
                panel.quiet_index = keep
                panel.highlighted = keep

    @staticmethod
    def _entity_rows(spans: list[StoredSpan]) -> list[tuple[Text, Row | None]]:
        groups: dict[str, dict[str, list[StoredSpan]]] = defaultdict(lambda: defaultdict(list))
        for s in spans:
            groups[s.label or "MISC"][s.attrs.get("canonical") or s.text].append(s)
        rows: list[tuple[Text, Row | None]] = []
        for label in ENTITY_LABELS:
            if label not in groups:
                continue
            rows.append((Text(LABEL_NAMES[label], style="bold"), None))
            for canonical, mentions in sorted(groups[label].items(),
                                              key=lambda kv: (-len(kv[1]), kv[0])):
                line = Text("  ")
                line.append_text(plain(canonical, HIGHLIGHT_STYLES[f"entity.{label}"]))
                line.append(f" ×{len(mentions)}", style="dim")
                aliases = sorted({m.text for m in mentions if m.text != canonical})
                if aliases:
                    line.append_text(plain(" = " + ", ".join(aliases), "dim"))
                line.append_text(correction_marks(mentions))
                rows.append((line, Row(sorted(mentions, key=lambda s: s.start))))
        return rows

    @staticmethod
    def _figure_row(span: StoredSpan, dates: list[StoredSpan],
                    sentences: list[tuple[int, int]]) -> tuple[Text, Row]:
        a = span.attrs
        line = Text()
        line.append(f"{span.label} {range_words(a.get('min'), a.get('max'))}",
                    style=HIGHLIGHT_STYLES["casualty"])
        if a.get("victims"):
            line.append_text(plain(f" {a['victims']}"))
        when = _date_in_sentence(span, dates, sentences)
        if when is not None:
            line.append_text(plain(f" · {when.attrs.get('value') or when.text}", "dim"))
        flags = [f for f in ("approx", "vague", "subset", "repeat") if a.get(f)]
        line.append_text(correction_marks([span]))
        line.append("\n  ")
        line.append_text(plain(f"“{' '.join(span.text.split())}”", "dim"))
        if flags:
            line.append(f" ({', '.join(flags)})", style="dim")
        return line, Row([span])

    @staticmethod
    def _note_row(note: dict, body: str) -> tuple[Text, Row]:
        start, end = note["start"], note["end"]
        line = Text()
        line.append_text(plain(note["label"] or "note", "bold"))
        if note["note"]:
            line.append_text(plain(f" {' '.join(note['note'].split())}"))
        line.append_text(plain(f" · {note['analyst']}", "dim"))
        if start is None or end is None:
            line.append(" (whole article)", style="dim")
            return line, Row([], note_id=note["id"])
        words = " ".join(body[start:end].split())
        line.append_text(plain(f"\n  “{words[:60]}{'…' if len(words) > 60 else ''}”", "dim"))
        span = StoredSpan(-note["id"], "note", note["label"], start, end, body[start:end],
                          {"note": note["note"], "analyst": note["analyst"]})
        return line, Row([span], note_id=note["id"])

    @staticmethod
    def _event_row(event: dict, figures: list[StoredSpan], article_id: int | None
                   ) -> tuple[Text, Row]:
        line = Text()
        line.append_text(plain(f"{event['event_date'] or 'undated'} ", "bold"))
        line.append_text(plain(" / ".join(x for x in (event["event_type"], event["sub_event_type"])
                                          if x) or "untyped"))
        where = ", ".join(x for x in (event["location"], event["country"]) if x)
        if where:
            line.append_text(plain(f" · {where}"))
        rng = []
        for prefix, word in (("fatalities", "killed"), ("wounded", "wounded"),
                             ("captured", "captured")):
            lo, hi = event[f"{prefix}_min"], event[f"{prefix}_max"]
            if lo is not None or hi is not None:
                rng.append(f"{word} {range_words(lo, hi)}")
        if rng:
            line.append_text(plain("\n  event: " + ", ".join(rng), HIGHLIGHT_STYLES["casualty"]))
        # what each source says, beside the event's range
        cited = [ev for ev in event["evidence"] if ev["field"] in ("fatalities", "wounded",
                                                                   "captured")]
        sources: dict[int, list[str]] = defaultdict(list)
        for ev in cited:
            sources[ev["article_id"]].append(" ".join((ev["text"] or "").split()))
        for source_id, texts in sources.items():
            who = "this article" if source_id == article_id else f"article {source_id}"
            line.append_text(plain(f"\n  {who}: " + "; ".join(texts), "dim"))
        here = [StoredSpan(-ev["id"], "evidence", ev["field"], ev["start"], ev["end"],
                           ev["text"] or "", {}) for ev in event["evidence"]
                if ev["article_id"] == article_id and ev["start"] is not None]
        return line, Row(here, event_id=event["id"])

    @staticmethod
    def _quote_row(span: StoredSpan) -> tuple[Text, Row]:
        opening = " ".join(span.text.strip("\"“”«»„ ").split()[:8])
        line = Text()
        line.append_text(plain(span.attrs.get("speaker") or "speaker unknown",
                               HIGHLIGHT_STYLES["speaker"]))
        line.append(" → ")
        line.append_text(plain(f"{opening}…"))
        line.append_text(correction_marks([span]))
        return line, Row([span])

    @staticmethod
    def _date_row(span: StoredSpan) -> tuple[Text, Row]:
        line = plain(" ".join(span.text.split()), HIGHLIGHT_STYLES[highlight_name(span)])
        value = span.attrs.get("value")
        line.append(" → ")
        line.append_text(plain(value or "unresolved", "" if value else "dim"))
        if span.label:  # a date's granularity is stored as its label
            line.append(f" ({span.label})", style="dim")
        return line, Row([span])

    def focused_row(self) -> tuple[str, Row] | None:
        """(panel kind, row) under the highlight of the panel that has focus, if one has."""
        panel = self.list_for(self.active)
        if not is_focused(panel) or panel.highlighted is None:
            return None
        if panel.highlighted >= len(panel.rows) or panel.rows[panel.highlighted] is None:
            return None
        return self.active, panel.rows[panel.highlighted]  # type: ignore[return-value]

    def choose(self, panel: PanelList, index: int | None, advance: bool) -> None:
        """Mark a row's span in the text; `advance` (Enter) moves to its next mention."""
        if index is None or index >= len(panel.rows):
            return
        row = panel.rows[index]
        if row is None:
            return
        if row.event_id is not None and advance:
            self.post_message(self.EventOpened(row.event_id))
            return
        if row.note_id is not None and advance:
            self.post_message(self.NoteOpened(row.note_id))
            return
        if not row.spans:
            return
        if advance:
            row.next_mention = (row.next_mention + 1) % len(row.spans)
        self.post_message(self.SpanChosen(row.spans[row.next_mention]))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if isinstance(event.option_list, PanelList):
            event.stop()
            panel = event.option_list
            if panel.quiet_index is not None and panel.quiet_index == event.option_index:
                panel.quiet_index = None
                return
            panel.quiet_index = None
            self.choose(panel, event.option_index, advance=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, PanelList):
            event.stop()
            self.choose(event.option_list, event.option_index, advance=True)


def correction_marks(spans: list[StoredSpan]) -> Text:
    """+ added by an analyst, ✎ corrected, ✓ accepted (colour-free, so it reads anywhere)."""
    marks = ""
    if any(s.attrs.get("added") for s in spans):
        marks += "+"
    if any(s.attrs.get("corrected_by") for s in spans):
        marks += "✎"
    if any(s.attrs.get("accepted_by") for s in spans):
        marks += "✓"
    return Text(f" {marks}", style="bold") if marks else Text()


def _date_in_sentence(span: StoredSpan, dates: list[StoredSpan],
                      sentences: list[tuple[int, int]]) -> StoredSpan | None:
    """The date a figure's sentence gives, the nearest one if it gives several."""
    starts = [s for s, _ in sentences]
    i = bisect_right(starts, span.start) - 1
    if i < 0:
        return None
    lo, hi = sentences[i]
    inside = [d for d in dates if lo <= d.start < hi]
    return min(inside, key=lambda d: abs(d.start - span.start)) if inside else None
