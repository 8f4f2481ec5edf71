"""The article text: read-only, word-wrapped, with the extraction layers as highlights.

A read-only TextArea gives a keyboard cursor, selection and scrolling to any offset for
free; the highlights are fed to its renderer the way a syntax highlighter would be (per
line, UTF-8 byte columns), from the stored spans instead of a grammar.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from rich.style import Style
from textual.actions import SkipAction
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets._text_area import build_byte_to_codepoint_dict
from textual.widgets.text_area import Selection, TextAreaTheme

from newsdesk.extract.text import safe_for_terminal, sentence_spans
from newsdesk.store import StoredSpan
from newsdesk.tui.layers import LAYERS

# Colour plus an attribute for each layer, so they stay apart in the ansi themes and on
# 16-colour or monochrome terminals: people bold, organisations underlined, places
# italic, figures bold reverse, dates reverse, quotes italic with the speaker underlined.
HIGHLIGHT_STYLES = {
    "entity.PER": Style(color="cyan", bold=True),
    "entity.ORG": Style(color="magenta", underline=True),
    "entity.LOC": Style(color="green", italic=True),
    "entity.MISC": Style(color="yellow"),
    "casualty": Style(color="red", bold=True, reverse=True),
    "quote": Style(color="blue", italic=True),
    "speaker": Style(color="blue", bold=True, underline=True),
    "date": Style(color="yellow", reverse=True),
    "heading": Style(bold=True, underline=True),
}
THEME = TextAreaTheme(name="newsdesk", syntax_styles=HIGHLIGHT_STYLES)



def highlight_name(span: StoredSpan) -> str:
    return f"entity.{span.label or 'MISC'}" if span.kind == "entity" else span.kind


class ArticleView(TextArea):
    """Tab / Shift+Tab walk the highlights; Enter asks for the details of the one under the cursor."""

    BINDINGS = [
        Binding("tab", "next_highlight", "Next mark", id="reader.next_highlight",
                tooltip="Jump to the next highlight in the text"),
        Binding("shift+tab", "previous_highlight", "Prev mark", id="reader.previous_highlight",
                show=False, tooltip="Jump to the previous highlight"),
        Binding("enter", "details", "Details", id="reader.details", show=False,
                tooltip="Show what newsdesk knows about the highlight under the cursor"),
        Binding("w", "move('word', 1)", "Word→", id="reader.word_next", show=False,
                tooltip="Cursor to the next word"),
        Binding("b", "move('word', -1)", "←Word", id="reader.word_prev", show=False,
                tooltip="Cursor to the previous word"),
        Binding("full_stop", "move('sentence', 1)", "Sentence→", id="reader.sentence_next",
                show=False, tooltip="Cursor to the next sentence"),
        Binding("comma", "move('sentence', -1)", "←Sentence", id="reader.sentence_prev",
                show=False, tooltip="Cursor to the start of this or the previous sentence"),
        Binding("right_curly_bracket", "move('paragraph', 1)", "Para→", id="reader.paragraph_next",
                show=False, tooltip="Cursor to the next paragraph"),
        Binding("left_curly_bracket", "move('paragraph', -1)", "←Para", id="reader.paragraph_prev",
                show=False, tooltip="Cursor to the start of this or the previous paragraph"),
        Binding("W", "extend('word', 1)", "Sel+word", id="reader.select_word", show=False,
                tooltip="Select from the cursor, one more word each press"),
        Binding("B", "extend('word', -1)", "Sel-word", id="reader.unselect_word", show=False,
                tooltip="Take the last word off the selection"),
        Binding("greater_than_sign", "extend('sentence', 1)", "Sel+sent", id="reader.select_sentence",
                show=False, tooltip="Select from the cursor, to the end of one more sentence each press"),
        Binding("less_than_sign", "extend('sentence', -1)", "Sel-sent",
                id="reader.unselect_sentence", show=False,
                tooltip="Take the last sentence off the selection"),
        Binding("escape", "clear_selection", "Clear", id="reader.clear_selection", show=False,
                tooltip="Drop the selection (with none, Esc goes back)"),
    ]

    # A cursor move repaints only the lines it touches, not the whole text: on a slow SSH
    # link a keystroke then costs a few hundred bytes instead of a screenful.
    selection: Reactive[Selection] = reactive(Selection(), init=False, always_update=True,
                                              repaint=False)

    def _watch_selection(self, previous_selection: Selection, selection: Selection) -> None:
        super()._watch_selection(previous_selection, selection)
        if not self.is_mounted:
            return
        wrapped = self.wrapped_document
        document = self.document
        # the previous selection may belong to the article shown before this one: its rows
        # can lie past the end of this text, and then the whole view is new anyway
        locations = (*previous_selection, *selection)
        if not all(row < document.line_count and column <= len(document[row])
                   for row, column in locations):
            self.refresh()
            return
        if previous_selection.is_empty and selection.is_empty:
            # the cursor alone moved: only its old and new cells change (no line band is
            # drawn under it), a few dozen bytes over SSH instead of two whole lines
            scroll_x, scroll_y = self.scroll_offset
            self.refresh(*(Region(max(0, off.x - scroll_x), off.y - scroll_y, 3, 1)
                           for off in (wrapped.location_to_offset(loc)
                                       for loc in (previous_selection.end, selection.end))))
            return
        rows = [wrapped.location_to_offset(loc).y for loc in locations]
        self.refresh_lines(min(rows), max(rows) - min(rows) + 1)

    class DetailsRequested(Message):
        def __init__(self, spans: list[StoredSpan]) -> None:
            super().__init__()
            self.spans = spans

    def __init__(self, **kwargs) -> None:
        # no blinking: a steady cursor costs nothing on a slow SSH link
        super().__init__("", read_only=True, soft_wrap=True, show_line_numbers=False,
                         tab_behavior="focus", theme="css", **kwargs)
        self.cursor_blink = False
        # a reader has no use for a code editor's bracket matching, which styles a line by
        # where the cursor is on another one (and so defeats the paragraph cache below)
        self.match_cursor_bracket = False
        # paragraph -> its wrapped lines drawn, for the state it was drawn in
        self._sections: dict[tuple, list[Strip]] = {}
        # the cursor is a block, without a band along its line: a move then repaints its
        # two cells, not two lines (a line down was 464 bytes over SSH with the band)
        self.highlight_cursor_line = False
        self.spans: list[StoredSpan] = []
        self.headings: Sequence[tuple[int, int]] = ()
        self.shown_layers: set[str] = set(LAYERS)
        self._line_starts: list[int] = [0]
        self._words: list[int] = []
        self._word_ends: list[int] = []
        self._sentences: list[int] = []
        self._sentence_ends: list[int] = []
        self._paragraphs: list[int] = []

    def on_mount(self) -> None:
        self.register_theme(THEME)
        self.theme = "newsdesk"

    def show_article(self, body: str, spans: list[StoredSpan],
                     headings: Sequence[tuple[int, int]] = (), *, keep_cursor: bool = False
                     ) -> None:
        # same-length scrub: stored offsets keep pointing at the same characters
        text = safe_for_terminal(body)
        self.spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
        self.headings = headings
        if keep_cursor and text == self.text:
            # same article, corrected spans: repaint the highlights, keep cursor and scroll
            self._build_highlight_map()
            self.refresh()
            return
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        words = list(re.finditer(r"\w+", text))
        self._words = [m.start() for m in words]
        self._word_ends = [m.end() for m in words]
        sentences = sentence_spans(text)
        self._sentences = [a + len(text[a:b]) - len(text[a:b].lstrip()) for a, b in sentences]
        self._sentence_ends = [b for _, b in sentences]
        self._paragraphs = [m.start() for m in re.finditer(r"(?m)^(?=\S)", text)]
        self.load_text(text)  # rebuilds the highlight map
        self.move_cursor((0, 0))
        self.scroll_home(animate=False)

    def render_line(self, y: int) -> Strip:
        # one style code per run of same-styled text, not per span of the document's
        # highlighting: a line down over SSH repaints two lines
        return super().render_line(y).simplify()

    def _render_line(self, y: int) -> Strip:
        """One wrapped line of a paragraph, from the paragraph drawn whole once.

        TextArea styles a screen line by styling its whole paragraph (highlights,
        selection, cursor), then cutting it at every wrap and keeping one piece: a
        paragraph on eight lines was styled and cut eight times, a third of the CPU of
        opening an article. Here the pieces are kept, for as long as what styles the
        paragraph is unchanged. The same strips as TextArea's (tests/test_tui.py)."""
        theme = self._theme
        wrapped = self.wrapped_document
        y_offset = y + self.scroll_offset.y
        info = (wrapped._offset_to_line_info[y_offset]
                if 0 <= y_offset < len(wrapped._offset_to_line_info) else None)
        if info is None or theme is None or self.show_line_numbers or self.soft_wrap is False \
                or self.highlight_cursor_line or self.suggestion:
            return super()._render_line(y)
        row, section = info
        if "\t" in self.document[row]:
            return super()._render_line(y)  # tabs: TextArea's own widths per piece
        selection = self.selection
        top, bottom = sorted(selection)
        selected = (top, bottom) if top != bottom and top[0] <= row <= bottom[0] else None
        cursor = selection.end[1] if selection.end[0] == row and self._draw_cursor else None
        width = self.scrollable_content_region.size.width - self.gutter_width
        key = (row, width, selected, cursor, self.theme)
        strips = self._sections.get(key)
        if strips is None:
            if len(self._sections) > 4096:
                self._sections.clear()
            strips = self._sections[key] = self._paragraph_strips(row, selected, cursor, width)
        return strips[section] if section < len(strips) else super()._render_line(y)

    def notify_style_update(self) -> None:
        if hasattr(self, "_sections"):  # also called from TextArea.__init__
            self._sections.clear()  # a new theme: other colours
        super().notify_style_update()

    def _rewrap_and_refresh_virtual_size(self) -> None:
        if hasattr(self, "_sections"):
            self._sections.clear()  # wrapped at other places
        super()._rewrap_and_refresh_virtual_size()

    def _paragraph_strips(self, row: int, selected: tuple | None, cursor: int | None,
                          width: int) -> list[Strip]:
        theme = self._theme
        assert theme is not None
        line = self.get_line(row)
        length = len(line)
        line.set_length(length + 1)  # a cell at the end for the cursor
        if selected and theme.selection_style:
            (top_row, top_column), (bottom_row, bottom_column) = selected
            if length == 0 and row != self.selection.end[0]:
                line.plain = "▌"  # an empty line in the selection is shown as in it
                line.stylize(Style(color=theme.selection_style.bgcolor))
            else:
                start = top_column if row == top_row else 0
                end = bottom_column if row == bottom_row else length
                line.stylize(theme.selection_style, start, end)
        marks = self._highlights.get(row) if self._highlights else None
        if marks:
            to_codepoint = build_byte_to_codepoint_dict(line.plain.encode("utf-8"))
            style_of = theme.syntax_styles.get
            for start, end, name in marks:
                style = style_of(name)
                if style is not None:
                    line.stylize(style, to_codepoint.get(start, 0),
                                 to_codepoint.get(end) if end else None)
        if cursor is not None and theme.cursor_style:
            line.stylize(theme.cursor_style, cursor, cursor + 1)
        offsets = self.wrapped_document.get_offsets(row)
        pieces = line.divide(offsets) if offsets else [line]
        console = self.app.console
        base = theme.base_style if theme.base_style is not None else self.rich_style
        strips = []
        for piece in pieces:
            piece.end = ""
            strip = Strip(piece.render(console), cell_length=piece.cell_len)
            strips.append(strip.extend_cell_length(width, theme.base_style).apply_style(base))
        return strips

    def set_layers(self, layers: set[str]) -> None:
        self.shown_layers = set(layers)
        self._build_highlight_map()
        self.refresh()

    # offsets <-> (row, column)
    def location(self, offset: int) -> tuple[int, int]:
        row = bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    def offset(self, location: tuple[int, int]) -> int:
        row, column = location
        return self._line_starts[min(row, len(self._line_starts) - 1)] + column

    @property
    def visible_spans(self) -> list[StoredSpan]:
        return [s for s in self.spans if s.kind in self.shown_layers]

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        if hasattr(self, "_sections"):  # TextArea.__init__ builds it before ours has run
            self._sections.clear()
        highlights = self._highlights
        highlights.clear()
        if not hasattr(self, "_line_starts"):
            return  # called from TextArea.__init__, before there is an article
        marks: list[tuple[int, int, str]] = [(a, b, "heading") for a, b in self.headings]
        # quotes first, so names and figures inside a quote draw over it
        order = {"quote": 0, "date": 1, "entity": 2, "casualty": 3}
        for span in sorted(self.visible_spans, key=lambda s: order.get(s.kind, 9)):
            marks.append((span.start, span.end, highlight_name(span)))
            speaker = span.attrs.get("speaker_start") if span.kind == "quote" else None
            if speaker is not None and span.attrs.get("speaker_end") is not None:
                marks.append((speaker, span.attrs["speaker_end"], "speaker"))
        lines = self.document.lines
        for start, end, name in marks:
            (r0, c0), (r1, c1) = self.location(start), self.location(end)
            for row in range(r0, min(r1, len(lines) - 1) + 1):
                line = lines[row]
                a = c0 if row == r0 else 0
                b = c1 if row == r1 else len(line)
                if b > a:
                    highlights[row].append((len(line[:a].encode()), len(line[:b].encode()), name))

    def mark(self, span: StoredSpan) -> None:
        """Select a span, cursor on its first character, and bring it to the middle."""
        self.selection = Selection(self.location(span.end), self.location(span.start))
        self.scroll_cursor_visible(center=True)

    def spans_at_cursor(self) -> list[StoredSpan]:
        pos = self.offset(self.cursor_location)
        return [s for s in self.visible_spans if s.start <= pos < s.end]

    def _step(self, direction: int) -> None:
        pos = self.offset(self.cursor_location)
        starts = sorted({s.start for s in self.visible_spans})
        if direction > 0:
            target = next((p for p in starts if p > pos), None)
        else:
            target = next((p for p in reversed(starts) if p < pos), None)
        if target is None:
            self.notify("no more highlights that way", timeout=2)
            return
        span = min((s for s in self.visible_spans if s.start == target),
                   key=lambda s: s.end - s.start)
        self.mark(span)

    def action_next_highlight(self) -> None:
        self._step(1)

    def action_previous_highlight(self) -> None:
        self._step(-1)

    def action_details(self) -> None:
        spans = self.spans_at_cursor()
        if not spans:
            self.notify("no highlight under the cursor (Tab jumps to the next one)", timeout=3)
            return
        opener = getattr(self.screen, "open_span_details", None)
        if opener is not None:
            # at once, not through a message: the keys typed after Enter are the dialog's
            # (a message let "Enter e P" open the profile first, the details over it)
            opener(spans)
        else:
            self.post_message(self.DetailsRequested(spans))

    # -- keyboard motions and selection ------------------------------------------

    def _stops(self, unit: str, ends: bool = False) -> list[int]:
        if unit == "word":
            return self._word_ends if ends else self._words
        if unit == "sentence":
            return self._sentence_ends if ends else self._sentences
        return self._paragraphs

    def action_move(self, unit: str, direction: int) -> None:
        pos = self.offset(self.cursor_location)
        stops = self._stops(unit)
        if direction > 0:
            i = bisect_right(stops, pos)
            target = stops[i] if i < len(stops) else None
        else:
            i = bisect_right(stops, pos - 1) - 1
            target = stops[i] if i >= 0 else None
        if target is not None:
            self.move_cursor(self.location(target))
            self.scroll_cursor_visible()

    @property
    def selected_range(self) -> tuple[int, int] | None:
        """The selection as (start, end) offsets, or None."""
        a, b = (self.offset(loc) for loc in self.selection)
        return (min(a, b), max(a, b)) if a != b else None

    def select_range(self, start: int, end: int) -> None:
        self.selection = Selection(self.location(start), self.location(end))
        self.scroll_cursor_visible()

    def action_extend(self, unit: str, direction: int) -> None:
        current = self.selected_range
        pos = self.offset(self.cursor_location)
        anchor, end = current if current else (pos, pos)
        if current is None and unit == "word":
            # a word is taken whole: start on the word the cursor is in. A sentence starts
            # at the cursor, as help says (`.` first to take one whole)
            i = bisect_right(self._words, pos) - 1
            if i >= 0 and self._word_ends[i] > pos:
                anchor = self._words[i]
        ends = self._stops(unit, ends=True)
        if direction > 0:
            i = bisect_right(ends, end)
            new_end = ends[i] if i < len(ends) else end
        else:
            i = bisect_right(ends, end - 1) - 1
            new_end = ends[i] if i >= 0 and ends[i] > anchor else anchor
        self.select_range(anchor, new_end)

    def action_clear_selection(self) -> None:
        if self.selected_range is None:
            raise SkipAction()  # nothing selected: Esc means "back" to the screen
        self.selection = Selection.cursor(self.cursor_location)

    def copy_text(self) -> str:
        """What `y` copies: the selection, else the highlight under the cursor (a quote wins)."""
        if self.selected_text:
            return self.selected_text
        spans = sorted(self.spans_at_cursor(), key=lambda s: (s.kind != "quote", s.start))
        return spans[0].text if spans else ""
