"""Pilot tests: what an analyst does with the keyboard, checked on the app's state."""
import pytest
from textual.widgets import Input, Static

from newsdesk.config import load_config
from newsdesk.store import Store
from newsdesk.tui.app import NewsdeskApp
from newsdesk.tui.screens.article_list import ArticleListScreen
from newsdesk.tui.screens.help import HelpScreen
from newsdesk.tui.screens.reader import ReaderScreen
from newsdesk.tui.screens.span_details import SpanDetailsScreen
from newsdesk.tui.widgets.article_table import ArticleTable
from newsdesk.tui.widgets.article_view import ArticleView
from newsdesk.tui.widgets.found_panels import PANELS, FoundPanels, PanelList, PanelTabs
from newsdesk.tui.widgets.key_bar import KeyBar
from tests.waiting import palette_offers, wait_until


def _text_of(static: Static) -> str:
    return str(static.render())


async def test_first_run_fills_an_empty_store_from_seeds(tmp_path):
    app = NewsdeskApp(tmp_path / "new.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(ArticleTable)
        assert table.total == 31
        assert table.row_count == 31


async def test_open_an_article_move_and_go_back(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(ArticleTable)
        assert table.row_count == 31
        await pilot.press("down", "down")
        third = table.current_id
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article_id == third
        title = app.store.article(third)["title"]
        assert title in _text_of(app.screen.query_one("#reader-header", Static))
        keys = _text_of(app.screen.query_one(KeyBar))
        assert "n Next" in keys and "E Event" in keys and "^p commands" in keys
        await pilot.press("n")
        assert app.screen.article_id == app.store.neighbour(third, 1)
        await pilot.press("p", "p")
        assert app.screen.article_id == app.store.neighbour(third, -1)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ArticleListScreen)
        # opening marks read; the list shows it
        with Store(seeded_db) as s:
            assert s.article(third)["read_at"] is not None


def _options(app, kind: str) -> list[str]:
    panel = app.screen.query_one(f"#panel-{kind}", PanelList)
    return [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]


async def _open_ramadi(app, pilot, seeded_db) -> None:
    with Store(seeded_db) as s:
        ramadi = next(r.id for r in s.page_articles(limit=100) if r.title.startswith("IS militants"))
    app.screen.query_one(ArticleTable).select_article(ramadi)
    await pilot.press("enter")
    await pilot.pause()


async def test_reader_shows_text_and_what_was_found(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        assert view.text.startswith("The Islamic State group (IS, formerly ISIS)")
        entities = _options(app, "entity")
        assert any(o.startswith("  Sheikh Ahmed Darae al-Jamili ×") and "= Jamili" in o
                   for o in entities)
        assert any(o.startswith("  Islamic State group ×") and "IS" in o and "ISIS" in o
                   for o in entities)
        figures = _options(app, "casualty")
        assert any(o.startswith("killed 10 policemen") for o in figures)
        assert any(o.startswith("killed 101 or more soldiers · 2015-05-14") for o in figures)
        assert any(o.startswith("captured 28") and "(approx)" in o for o in figures)
        assert any(o.startswith("displaced unknown number families") and "vague" in o
                   for o in figures)
        assert "on Thursday → 2015-05-14 (day)" in _options(app, "date")
        assert any(o.startswith("Sabah al-Karhout → The situation is tense")
                   for o in _options(app, "quote"))


async def test_layers_toggle_and_stick_across_articles_and_runs(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        names = {h[2] for row in view._highlights.values() for h in row}
        assert {"casualty", "quote", "date", "entity.PER"} <= names
        await pilot.press("2", "4")
        names = {h[2] for row in view._highlights.values() for h in row}
        assert "casualty" not in names and "date" not in names and "entity.PER" in names
        assert "hidden: figures, dates" in _text_of(app.screen.query_one("#reader-header", Static))
        await pilot.press("n")
        assert view.shown_layers == {"entity", "quote"}
    app = NewsdeskApp(seeded_db)  # a new run remembers the choice
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(ArticleView).shown_layers == {"entity", "quote"}
        await pilot.press("2")
        assert "casualty" in app.screen.query_one(ArticleView).shown_layers


@pytest.mark.parametrize("key,kind", [("e", "entity"), ("c", "casualty"), ("o", "quote"),
                                      ("d", "date")])
async def test_moving_in_a_panel_marks_the_span_in_the_text(seeded_db, key, kind):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        await pilot.press(key)
        await pilot.pause()
        panel = app.screen.query_one(f"#panel-{kind}", PanelList)
        assert app.focused is panel
        assert app.screen.query_one(FoundPanels).active == kind
        tabs = app.screen.query_one(PanelTabs).render()
        marked = [s for s in tabs.spans if "reverse" in str(s.style)]
        assert len(marked) == 1
        title = dict(PANELS)[kind]
        count = len(panel.rows) - panel.rows.count(None)
        assert tabs.plain[marked[0].start:marked[0].end].strip() == f"{title} {count}"
        seen = []
        for _ in range(3):
            row = panel.rows[panel.highlighted]
            span = row.spans[row.next_mention]
            assert view.selected_text == span.text
            assert view.offset(view.cursor_location) == span.start
            seen.append(span.start)
            await pilot.press("down")
            await pilot.pause()
        assert len(set(seen)) == 3  # the text followed the cursor
        await pilot.press("escape")
        assert app.focused is view and isinstance(app.screen, ReaderScreen)


async def test_entity_enter_cycles_mentions_and_text_enter_shows_details(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        await pilot.press("e")
        panel = app.screen.query_one("#panel-entity", PanelList)
        row = panel.rows[panel.highlighted]
        assert len(row.spans) > 1
        first = view.offset(view.cursor_location)
        await pilot.press("enter")
        assert view.offset(view.cursor_location) == row.spans[1].start != first
        await pilot.press("escape", "home")
        view.move_cursor((0, 0))
        await pilot.press("tab")
        spans = view.spans_at_cursor()
        assert spans and view.offset(view.cursor_location) == min(s.start for s in view.spans)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpanDetailsScreen)
        assert app.screen.spans == spans
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_copy_the_highlight_under_the_cursor(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        await pilot.press("o", "escape")  # the first quote is marked, the cursor on it
        await pilot.press("y")
        assert app.clipboard == '"eliminated the apostates"'


async def test_command_palette_goes_to_an_article_by_title(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Ramadi")
        await wait_until(pilot, palette_offers(app, "Ramadi"), what="the palette")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.store.article(app.screen.article_id)["title"].startswith("IS militants")
        # the palette also offers the reader's own actions
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("Flag") for t in titles)
        assert any(t.startswith("Figs") for t in titles)


@pytest.mark.parametrize("size,beside", [((80, 24), False), ((119, 40), False),
                                         ((160, 48), True), ((200, 60), True)])
async def test_panels_beside_the_text_when_wide_and_under_it_when_narrow(seeded_db, size,
                                                                         beside):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        text = app.screen.query_one(ArticleView).region
        panels = app.screen.query_one("#reader-panels").region
        if beside:
            assert panels.x >= text.right and panels.y == text.y
        else:
            assert panels.y >= text.bottom and panels.width == text.width
        assert text.height >= 5 and panels.height >= 5


async def test_search_narrows_the_list(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(ArticleTable)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"Ramadi")
        await pilot.pause()
        assert table.total == 1
        assert app.store.article(table.current_id)["title"].startswith("IS militants")
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert table.total == 31


async def test_the_reader_built_ahead_shows_the_first_article_opened(seeded_db, monkeypatch):
    import newsdesk.tui.app as app_module

    monkeypatch.setattr(app_module, "WARM_AFTER_S", 0.01)
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app._reader is not None and app._reader.is_mounted
                         and app._reader._compositor.size == app.size,
                         what="the reader built ahead, laid out and drawn off screen")
        assert isinstance(app.screen, ArticleListScreen)  # built, not shown
        assert app.store.stats()["unread"] == 31          # and nothing marked read by it
        # drawn with the article under the cursor, then left as built: the list's cursor
        # does not move to it on the way back, and the first article opened is shown afresh
        assert app._reader.view.text and app._reader.article_id is None
        assert app.last_article_id is None
        table = app.screen.query_one(ArticleTable)
        await pilot.press("down", "down")
        chosen = table.current_id
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen is app._reader
        assert app.screen.article_id == chosen
        body = app.store.article(chosen)["body"]
        assert app.screen.view.text == body and app.screen.view.spans
        assert app.store.article(chosen)["read_at"] is not None
        assert app.store.stats()["unread"] == 30
        await pilot.press("n")                            # the list order, as ever
        await pilot.pause()
        assert app.screen.article_id == app.store.neighbour(chosen, 1)


async def test_the_reader_is_drawn_ahead_only_from_the_list(seeded_db, monkeypatch):
    """Drawn off screen with the article under the list's cursor, never with a row of
    another screen (the desk's rows are incidents): away from the list it waits."""
    import newsdesk.tui.app as app_module

    monkeypatch.setattr(app_module, "WARM_AFTER_S", 3600)
    # drawn only when the test says, not by the timer that follows the build on its own
    monkeypatch.setattr(app_module, "DRAW_AHEAD_AFTER_S", 3600)
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app._build_reader()
        await wait_until(pilot, lambda: app._reader.is_mounted, what="the reader built")
        await pilot.press("I")
        await wait_until(pilot, lambda: not isinstance(app.screen, ArticleListScreen),
                         what="the desk")
        app._render_reader_unseen()
        assert app._reader.view.text == "" and not app._notifications
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ArticleListScreen),
                         what="the list again")
        with monkeypatch.context() as m:  # the list not composed yet, on a slow start
            m.setattr(ArticleListScreen, "table", property(lambda s: s.query_one("#nothing")))
            app._render_reader_unseen()
        assert app._reader.view.text == ""
        app._render_reader_unseen()
        assert app._reader.view.text and app._reader.article_id is None
        assert app.store.stats()["unread"] == 31


async def test_a_search_typed_in_one_burst_is_run_once_for_what_was_typed(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        screen = app.screen
        searched: list[str] = []
        apply_filter = screen.apply_filter

        def counting() -> None:
            searched.append(screen.search_text)
            apply_filter()

        screen.apply_filter = counting
        box = screen.query_one("#search", Input)
        # every step of the burst is in the box before the list hears of the first change
        for i in range(1, len("from:2015-05 Ramadi") + 1):
            box.value = "from:2015-05 Ramadi"[:i]
        await pilot.pause()
        assert searched == ["from:2015-05 Ramadi"]
        table = screen.query_one(ArticleTable)
        assert table.total == 1 and table.filter.date_from == "2015-05-01"
        box.value = "Ramadi compound"                 # a key at a time still searches each
        await pilot.pause()
        assert searched[-1] == "Ramadi compound" and table.total == 1


@pytest.mark.parametrize("where", ["list", "desk"])
async def test_typing_a_search_lays_nothing_out_and_the_box_follows_its_cursor(
        seeded_db, monkeypatch, where):
    """Input asked for a layout of the whole screen on every change of its text (at a
    million articles, a layout and repaint of the list for the box alone, 17-19 ms of a
    search's 80); the search boxes, sized by CSS, ask for none while typed in, still
    scroll to keep the cursor in view, and are still laid out when shown or hidden."""
    from textual.screen import Screen

    from newsdesk.tui.widgets.search_box import SearchBox

    layouts: list[str] = []
    real = Screen._refresh_layout

    def counting(self, size=None, scroll=False):
        layouts.append(type(self).__name__)
        return real(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counting)
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(80, 24)) as pilot:
        if where == "desk":
            await pilot.press("I")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "IncidentsScreen",
                             what="the desk")
        await pilot.press("slash")
        await pilot.pause()
        box = app.screen.query_one(SearchBox)
        assert box.has_focus and box.region.width > 10  # shown: laid out into the top line
        layouts.clear()
        query = " " * 120  # longer than the box, and no search: the rows stay as they are
        for character in query:
            box.insert_text_at_cursor(character)
        await pilot.pause()
        await pilot.pause()
        assert box.value == query
        assert layouts == []
        assert box.scroll_x == box.max_scroll_x > 0  # the cursor, at the end, in view
        await pilot.press("home")
        await pilot.pause()
        assert box.scroll_x == 0
        await pilot.press("escape")
        await pilot.pause()
        assert layouts and not box.display  # hidden again: laid out


async def test_hostile_search_does_not_crash(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *'"NEAR(*', "enter")
        await pilot.pause()
        assert app.screen.query_one(ArticleTable).total >= 0
        assert isinstance(app.screen, ArticleListScreen)


async def test_sort_unread_and_flag(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(ArticleTable)
        first = table.current_id
        await pilot.press("f")
        assert app.store.article(first)["flagged"]
        await pilot.press("s")
        assert table.sort == "oldest"
        await pilot.press("enter", "escape", "u")     # u is undo's key: here only a hint
        await pilot.pause()
        assert not table.filter.unread
        await pilot.press("U")
        await pilot.pause()
        assert table.filter.unread and table.total == 30


async def test_a_sort_or_a_search_paints_the_list_once(seeded_db, monkeypatch):
    """Each row once per sort or search. The status line above the list is one line
    whatever it says: laying the screen out again for it made Textual repaint every row a
    second time, for the scrollbar (a third of the CPU of a sort); and a search set from
    outside the box (a pivot from a name, the palette) ran twice, once more for the box's
    change."""
    drawn: list[int] = []
    real = ArticleTable.render_line
    monkeypatch.setattr(ArticleTable, "render_line",
                        lambda self, y: drawn.append(y) or real(self, y))
    import newsdesk.tui.app as app_module

    monkeypatch.setattr(app_module, "WARM_AFTER_S", 0.01)
    app = NewsdeskApp(seeded_db)
    # a screen the rows overflow, so there is a scrollbar for a search to change
    async with app.run_test(size=(120, 14)) as pilot:
        screen = app.screen
        table = screen.query_one(ArticleTable)
        # as the analyst finds it a moment after start: the reader built and drawn ahead
        await wait_until(pilot, lambda: app._reader is not None and app._reader.is_mounted
                         and app._reader._compositor.size == app.size, what="the reader")
        async def search(words: str) -> None:
            screen.search_for(words)

        for step in (lambda: pilot.press("s"), lambda: pilot.press("s"),
                     lambda: search("said"), lambda: search("people")):
            await pilot.pause(0.1)
            drawn.clear()
            await step()
            await pilot.pause(0.2)
            assert drawn, "the list was not repainted"
            assert len(drawn) == len(set(drawn)) == table.size.height, sorted(drawn)
        assert table.show_vertical_scrollbar and table.total == 22
        assert "search: people" in str(screen.query_one("#list-status", Static).render())


async def test_opening_an_article_paints_the_reader_once(seeded_db, monkeypatch):
    """The reader shown again is laid out and repainted: one frame, not the layout's, then
    the whole screen again, then the lines beside the text's scrollbar (half the CPU of an
    open). A text that has just grown a scrollbar is laid out once more, for the
    narrower text: here each article is opened twice, and the second is counted."""
    from textual._styles_cache import StylesCache

    import newsdesk.tui.app as app_module

    drawn: list[int] = []  # the lines of the text painted (a frame: each line once)
    real = StylesCache.render_widget

    def render_widget(self, widget, crop):
        if isinstance(widget, ArticleView):
            drawn.extend(range(crop.y, crop.bottom))
        return real(self, widget, crop)

    monkeypatch.setattr(StylesCache, "render_widget", render_widget)
    monkeypatch.setattr(app_module, "WARM_AFTER_S", 0.01)
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app._reader is not None and app._reader.is_mounted
                         and app._reader._compositor.size == app.size, what="the reader")
        await pilot.press("enter")
        await pilot.pause(0.2)
        scrolled, frames = [], []
        for _ in range(8):
            await pilot.press("escape", "down", "enter", "escape")
            await pilot.pause(0.2)
            drawn.clear()
            await pilot.press("enter")  # the same article again: its scrollbars as they were
            await pilot.pause(0.3)
            view = app.screen.query_one(ArticleView)
            scrolled.append(view.show_vertical_scrollbar)
            assert drawn and set(drawn) == set(range(view.size.height)), sorted(drawn)
            frames.append(len(drawn) / view.size.height)
        # once each; twice at most where a list beside the text grows a scrollbar of its own
        # as it is drawn, and is laid out again (before: twice or three times each)
        assert max(frames) <= 2 and frames.count(1) >= 6, frames
        assert any(scrolled) and not all(scrolled)  # texts longer and shorter than the screen


async def test_the_text_is_drawn_a_paragraph_at_a_time_as_textarea_would(seeded_db, monkeypatch):
    """Each paragraph is styled and wrapped once for all its lines (TextArea did it once per
    line), and every line comes out as TextArea's own: plain, with the cursor inside a
    wrapped paragraph, unfocused, with selections over one and several paragraphs, with a
    layer hidden, scrolled."""
    from textual.widgets import TextArea

    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        wrapped = view.wrapped_document

        def same_as_textarea(state: str) -> None:
            for y in range(view.size.height):
                ours, theirs = view._render_line(y), TextArea._render_line(view, y)
                assert list(ours) == list(theirs) and ours.cell_length == theirs.cell_length, \
                    (state, y)

        styled: list[int] = []
        get_line = view.get_line
        monkeypatch.setattr(view, "get_line", lambda row: styled.append(row) or get_line(row))
        view._sections.clear()
        for y in range(view.size.height):
            view._render_line(y)
        rows = {wrapped._offset_to_line_info[y][0] for y in range(view.size.height)
                if y < wrapped.height}
        assert any(len(wrapped.get_offsets(row)) > 1 for row in rows)  # paragraphs that wrap
        assert sorted(styled) == sorted(rows)  # each once, not once per line
        monkeypatch.undo()

        same_as_textarea("opened")
        for _ in range(25):
            await pilot.press("w")  # into the first wrapped paragraph
        await pilot.pause()
        assert view.selection.end[1] > 0
        same_as_textarea("cursor inside a paragraph")
        await pilot.press("W", "W", "W")
        await pilot.pause()
        same_as_textarea("words selected")
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign",
                          "greater_than_sign", "greater_than_sign")
        await pilot.pause()
        top, bottom = sorted(view.selection)
        assert bottom[0] > top[0]  # over more than one paragraph
        same_as_textarea("sentences selected")
        await pilot.press("escape")
        app.screen.set_focus(None)
        await pilot.pause()
        same_as_textarea("unfocused")
        view.set_layers({"entity"})
        same_as_textarea("one layer")
        view.scroll_to(y=view.max_scroll_y, animate=False)
        await pilot.pause()
        assert view.scroll_offset.y > 0
        same_as_textarea("scrolled")


async def test_the_article_under_a_resting_cursor_is_drawn_ahead_and_opened_as_drawn(
        seeded_db, monkeypatch):
    """The list's cursor at rest: the reader draws that article off screen (nothing marked
    read); Enter then shows those very lines, none drawn again. Changed meanwhile (here its
    text, by another analyst's connection), it is filled and drawn afresh."""
    from functools import partial

    from textual._styles_cache import StylesCache

    import newsdesk.tui.app as app_module

    monkeypatch.setattr(app_module, "WARM_AFTER_S", 0.01)
    drawn: list[str] = []
    real = StylesCache.render_line

    def render_line(self, styles, y, size, content_size, padding, base, background,
                    content_line, *rest):
        drawn.append(type(content_line.__self__).__name__)
        return real(self, styles, y, size, content_size, padding, base, background,
                    content_line, *rest)

    monkeypatch.setattr(StylesCache, "render_line", render_line)
    def drawn_ahead(article_id: int) -> bool:
        ahead = app._reader._drawn_ahead if app._reader is not None else None
        return ahead is not None and ahead[0] == article_id

    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app._reader is not None and app._reader.is_mounted
                         and app._reader._drawn_ahead is not None, what="the reader drawn ahead")
        table = app.screen.query_one(ArticleTable)
        for chosen_row in (2, 4):
            await pilot.press(*["down"] * (chosen_row - table.cursor_row))
            chosen = table.current_id
            await wait_until(pilot, partial(drawn_ahead, chosen), what="drawn ahead")
            await pilot.pause(0.3)  # its scrollbars laid out on the next turn
            assert app.store.article(chosen)["read_at"] is None  # drawn, not read
            drawn.clear()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is app._reader and app.screen.article_id == chosen
            assert app.screen.view.text == app.store.article(chosen)["body"]
            assert app.store.article(chosen)["read_at"] is not None
            assert not {"ArticleView", "PanelList"} & set(drawn), drawn
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("down")
        chosen = table.current_id
        await wait_until(pilot, partial(drawn_ahead, chosen), what="drawn ahead")
        with Store(seeded_db) as other:
            other.conn.execute("UPDATE articles SET body = 'Rewritten meanwhile.' WHERE id = ?",
                               (chosen,))
            other.conn.commit()
        drawn.clear()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.text == "Rewritten meanwhile."
        assert "ArticleView" in drawn


async def test_flag_in_the_reader_updates_the_header(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert "flagged" not in _text_of(reader.query_one("#reader-header", Static))
        await pilot.press("f")
        assert "⚑ flagged" in _text_of(reader.query_one("#reader-header", Static))
        assert app.store.article(reader.article_id)["flagged"]


async def test_help_lists_keys_with_ids(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {row[3] for row in app.screen.rows}
        assert {"list.search", "list.sort", "app.quit", "app.help"} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, ArticleListScreen)


async def test_remapped_key_from_config_file(seeded_db, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"list.sort" = "o"\n', encoding="utf-8")
    monkeypatch.setenv("NEWSDESK_CONFIG", str(config))
    app = NewsdeskApp(seeded_db, config=load_config())
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(ArticleTable)
        await pilot.press("o")
        assert table.sort == "oldest"
        await pilot.press("s")
        assert table.sort == "oldest"  # the old key no longer sorts


async def test_markup_and_escapes_in_articles_show_literally(tmp_path):
    db = tmp_path / "evil.db"
    with Store(db) as s:
        s.add_article(title="[bold red]Boom[/] \x1b]52;c;aGk=\x07 [@click=app.quit]x[/]",
                      body="Body with [link=http://evil]link[/link] and \x1b[2J clear.")
    app = NewsdeskApp(db, seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        header = _text_of(app.screen.query_one("#reader-header", Static))
        view = app.screen.query_one(ArticleView)
        body = "".join(seg.text for seg in view.render_line(0))
        assert "[bold red]Boom[/]" in header and "[@click=app.quit]x[/]" in header
        assert "\x1b" not in header and "\x07" not in header
        assert "[link=http://evil]link[/link]" in body and "\x1b" not in body
        assert isinstance(app.screen, ReaderScreen)  # the click markup did not quit
        # the command palette shows the same title literally too
        await pilot.press("escape", "ctrl+p", *"Boom")
        await wait_until(pilot, palette_offers(app, "Boom"), what="the palette")
        from textual.command import CommandList
        options = app.screen.query_one(CommandList)
        prompt = str(options.get_option_at_index(0).prompt)
        assert "[bold red]Boom[/]" in prompt and "\x1b" not in prompt


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_small_and_large_terminals(seeded_db, size):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one(ArticleView).size.width >= 30


async def test_filters_from_the_search_box_and_keys(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        table = screen.query_one(ArticleTable)
        await pilot.press("slash", *"from:2019 to:2019", "enter")
        await pilot.pause()
        assert table.total == 18
        status = _text_of(screen.query_one("#list-status", Static))
        assert "from: 2019-01-01" in status and "to: 2019-12-31" in status
        await pilot.press("escape", "c")  # clear the box; only articles with figures
        await pilot.pause()
        assert table.total == 28 and table.filter.has_casualties
        await pilot.press("s", "s", "s")  # published -> oldest -> title -> killed
        assert table.sort == "killed"
        rows = app.store.page_articles(table.filter, sort=table.sort, limit=5)
        assert [r.id for r in rows] == table.row_ids[:5]
        assert [r.killed_min for r in rows] == sorted((r.killed_min for r in rows), reverse=True)
        await pilot.press("slash", *"from:2019-13", "enter")
        await pilot.pause()
        assert "not a date" in _text_of(screen.query_one("#list-status", Static))


async def test_ingest_dialog_adds_articles_without_a_restart(seeded_db, tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.txt").write_text("Dam breach floods valley\n\nThree villages were flooded.\n")
    (folder / "b.jsonl").write_text('{"title": "Port strike", "text": "Dockers walked out."}\n'
                                    "not json\n")
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(ArticleTable)
        assert table.total == 31
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*str(folder), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.total == 33
        assert isinstance(app.screen, ArticleListScreen)


async def test_the_list_loads_pages_as_the_cursor_or_the_wheel_nears_the_end(tmp_path):
    db = tmp_path / "many.db"
    with Store(db) as s:
        for i in range(250):
            s.add_article(title=f"Article number {i:03d}", body=f"Body of article {i}.",
                          published=f"2020-01-01T00:{i // 60:02d}:{i % 60:02d}")
    app = NewsdeskApp(db, seed_if_empty=False)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(ArticleTable)
        assert table.total == 250 and table.row_count == 100  # one page, not the store
        newest = table.current_id
        assert app.store.article(newest)["title"] == "Article number 249"
        for _ in range(4):
            await pilot.press("pagedown")
        await pilot.pause()
        # 4 pages of 27 visible rows: the cursor passed row 90, the next page came in
        assert table.cursor_row == 4 * 27 and table.row_count == 200
        assert app.store.article(table.current_id)["title"] == f"Article number {249 - 108}"
        await pilot.press("end", "end", "end")
        assert table.row_count == 250 and table.cursor_row == 249
        await pilot.press("home")
        assert table.current_id == newest and table.scroll_y == 0
        table.reload()
        assert table.row_count == 100
        table.scroll_to(y=95, animate=False, immediate=True)  # the mouse wheel
        await pilot.pause()
        top = int(table.scroll_y)
        assert top > 60 and table.row_count == 200
        # a click moves the cursor; a click on the cursor's row opens the article
        await pilot.click(ArticleTable, offset=(20, 3))
        assert table.cursor_row == top + 2
        clicked = table.current_id
        await pilot.click(ArticleTable, offset=(20, 3))
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.screen.article_id == clicked


async def test_a_click_on_a_panel_tab_shows_that_panel(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        panels = app.screen.query_one(FoundPanels)
        assert panels.active == "entity"
        column = app.screen.query_one(PanelTabs).render().plain.index("Dates") + 1  # padding
        await pilot.click(PanelTabs, offset=(column + 1, 0))
        await pilot.pause()
        assert panels.active == "date"
        assert app.screen.query_one("#panel-date", PanelList).display


async def test_the_reused_reader_follows_a_theme_changed_while_it_was_away(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        dark_background = reader.query_one(ArticleView).styles.background
        await pilot.press("escape")
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is reader
        assert reader.query_one(ArticleView).styles.background != dark_background


async def test_a_narrow_key_bar_drops_keys_from_the_right_but_keeps_help(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        shown = _text_of(bar)
        assert len(shown) <= 80 and "…" not in shown
        assert shown.rstrip().endswith("? Keys")
        assert "n Next" in shown and "commands" not in shown
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        wide = _text_of(bar)
        assert "q Quit" in wide and "^p commands" in wide


async def test_the_desk_merges_splits_and_undoes_from_the_keyboard(desk_db):
    from newsdesk.tui.screens.incidents import IncidentScreen, IncidentsScreen

    app = NewsdeskApp(desk_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("I")
        await pilot.pause()
        desk = app.screen
        assert isinstance(desk, IncidentsScreen) and desk.total == app.store.count_incidents()
        await pilot.press("slash", *"Marawi", "enter")
        await pilot.pause()
        assert [r.date for r in desk.rows] == ["2021-05-05", "2021-05-01"]
        fresh, first = desk.rows
        await pilot.press("m", "down", "M")          # the 5 May clash into the 1 May one
        await pilot.pause()
        assert app.store.incident(fresh.id) is None
        assert app.store.incident(first.id)["n_sources"] == 3
        await pilot.press("u")
        await pilot.pause()
        assert app.store.incident(fresh.id)["n_sources"] == 1
        # open the 1 May incident, split its second report off, undo
        desk.table.move_cursor(row=[r.id for r in desk.rows].index(first.id))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        await pilot.press("down", "K")
        await pilot.pause()
        assert app.store.incident(first.id)["n_sources"] == 1
        await pilot.press("u")
        await pilot.pause()
        assert app.store.incident(first.id)["n_sources"] == 2
        assert app.screen.incident["n_sources"] == 2  # the screen shows the undone state


@pytest.mark.parametrize("where", ["list", "incidents", "ingest"])
async def test_letters_typed_before_the_box_hears_of_its_focus_are_kept(desk_db, where):
    """In a burst the letters after `/` reach the search box before its Focus event does;
    selecting its text on focus then let the next letter replace them ('Ra' + 'madi' was
    'madi' in CI)."""
    from textual import events

    app = NewsdeskApp(desk_db)
    async with app.run_test(size=(120, 40)) as pilot:
        if where == "incidents":
            await pilot.press("I")
            await pilot.pause()
        # the key that opens the box, then letters handled before any message is
        await app.on_event(events.Key("i" if where == "ingest" else "slash",
                                      "i" if where == "ingest" else "/"))
        if where == "ingest":
            await pilot.pause()  # the dialog is built; its Focus event is still to come
        for ch in "Ra":
            await app.on_event(events.Key(ch, ch))
        await pilot.pause()      # now the Focus event
        for ch in "madi":
            await app.on_event(events.Key(ch, ch))
        await pilot.pause()
        assert app.focused.value == "Ramadi"


async def test_g_gets_a_bare_link_s_page_into_the_reader(seeded_db, pages):
    from newsdesk.ingest import ingest_items
    from newsdesk.ingest.article import Article

    with Store(seeded_db) as s:
        [article_id] = ingest_items(s, [Article(
            title="Paper 0: river floods", body="", url=f"{pages}/paper/0",
            published="2030-01-01", link_only=True)]).new
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")  # the newest: the bare link
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))
        header = _text_of(app.screen.query_one("#reader-header", Static))
        assert "a feed's link only: g gets the page's text" in header
        assert app.screen.query_one(ArticleView).text == ""
        await pilot.press("g")
        await wait_until(pilot, lambda: "killing at least 14"
                         in app.screen.query_one(ArticleView).text)
        assert "link only" not in _text_of(app.screen.query_one("#reader-header", Static))
        assert any(o.startswith("killed 14 or more") for o in _options(app, "casualty"))
        await pilot.press("g")  # again: nothing left to fetch, and it says so
        await wait_until(pilot, lambda: any("has its full text already" in str(n.message)
                                            for n in app._notifications))
    with Store(seeded_db) as s:
        assert not s.article(article_id)["link_only"]


async def _to_entity_row(app, pilot, name: str) -> None:
    """From the reader: the Entities panel, the cursor on that entity's row."""
    await pilot.press("e")
    panel = app.screen.query_one("#panel-entity", PanelList)
    for _ in range(panel.option_count):
        if str(panel.get_option_at_index(panel.highlighted or 0).prompt).strip().startswith(name):
            return
        await pilot.press("down")
    raise AssertionError(f"no {name} row in {_options(app, 'entity')}")


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_star_lists_everything_on_an_entity_and_p_opens_its_profile(seeded_db, size):
    from newsdesk.tui.screens.entity import EntityScreen

    with Store(seeded_db) as s:
        [group] = s.find_entities("Islamic State group", exact=True)
        naming = s.entity_article_ids([group.id])
    assert len(naming) >= 2
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=size) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        await _to_entity_row(app, pilot, "Islamic State group")
        await pilot.press("asterisk")
        await wait_until(pilot, lambda: isinstance(app.screen, ArticleListScreen))
        table = app.screen.query_one(ArticleTable)
        await wait_until(pilot, lambda: table.total == len(naming))
        assert app.screen.query_one("#search", Input).value == 'org:"Islamic State group"'
        status = _text_of(app.screen.query_one("#list-status", Static))
        assert status.startswith(f"{len(naming)} articles")
        assert "organisation: Islamic State group" in status
        assert table.row_ids == naming  # newest first
        await pilot.press("enter")  # the newest
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen))
        await _to_entity_row(app, pilot, "Islamic State group")
        await pilot.press("P")
        await wait_until(pilot, lambda: isinstance(app.screen, EntityScreen))
        header = _text_of(app.screen.query_one("#entity-header", Static))
        assert header.startswith("Islamic State group  organisation")
        assert f"{len(naming)} articles" in header and "also: IS, ISIS" in header
        assert "2015-05-15 …" in header
        # Enter on a neighbour opens its profile; Esc comes back
        items = app.screen.query_one("#entity-items")
        while app.screen.targets[items.highlighted][0] != "entity":
            await pilot.press("down")
        neighbour = app.screen.targets[items.highlighted][1]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EntityScreen)
                         and app.screen.entity_id == neighbour)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, EntityScreen)
                         and app.screen.entity_id != neighbour)


async def test_merge_and_undo_from_the_profile(seeded_db):
    from newsdesk.tui.screens.entity import EntityScreen

    with Store(seeded_db) as s:
        [afp] = s.find_entities("AFP", exact=True)
        [agence] = s.find_entities("Agence France-Presse", exact=True)
        both = len(set(s.entity_article_ids([afp.id])) | set(s.entity_article_ids([agence.id])))
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_entity(agence.id)
        await wait_until(pilot, lambda: isinstance(app.screen, EntityScreen))
        await pilot.press("M")
        await pilot.press(*"AFP", "enter")
        await wait_until(pilot, lambda: "Merge into this entity" in str(
            app.screen.query(Static).first().render()))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EntityScreen) and
                         f"{both} articles" in _text_of(
                             app.screen.query_one("#entity-header", Static)))
        await pilot.press("u")
        await wait_until(pilot, lambda: f"{agence.n_articles} article" in _text_of(
            app.screen.query_one("#entity-header", Static)))
    with Store(seeded_db) as s:
        assert s.find_entities("AFP", exact=True)[0].id == afp.id


async def test_the_palette_finds_an_entity_by_name(seeded_db):
    from newsdesk.tui.screens.entity import EntityScreen

    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Baghdadi")
        await wait_until(pilot, palette_offers(app, "person: Abu Bakr al-Baghdadi"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EntityScreen))
        assert "Abu Bakr al-Baghdadi" in _text_of(app.screen.query_one("#entity-header",
                                                                     Static))


async def test_place_words_find_a_spelling_no_article_used(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *'place:"Ar Ramadi"')
        table = app.screen.query_one(ArticleTable)
        await wait_until(pilot, lambda: table.filter.entities == (("LOC", "Ar Ramadi"),))
        with Store(seeded_db) as s:
            [ramadi] = s.find_entities("Ramadi", label="LOC", exact=True)
        await wait_until(pilot, lambda: table.total == ramadi.n_articles > 0)


async def test_page_down_in_a_panel_never_drawn_moves_a_row(seeded_db):
    """Monkey seed 21: PageDown in a Figures panel hidden by a resize raised KeyError."""
    from newsdesk.tui.widgets.found_panels import PagedOptionList

    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        await pilot.press("e")  # the Entities panel shown: the Figures panel is not drawn
        await pilot.pause()
        panel = app.screen.query_one("#panel-casualty", PanelList)
        assert isinstance(panel, PagedOptionList) and panel.option_count > 1
        assert panel.scrollable_content_region.height == 0
        panel.highlighted = 0
        panel.action_page_down()
        assert panel.highlighted == 1
        panel.action_page_up()
        assert panel.highlighted == 0


async def test_a_new_order_looks_for_the_cursor_s_article_only_where_the_analyst_had_been(
        tmp_path):
    """A sort or a search keeps the cursor on its article if it is in the pages the analyst
    had scrolled through; it never reads the whole list to find it (at a million articles
    that was seconds and every row in memory)."""
    with Store(tmp_path / "many.db") as s:
        for i in range(350):
            # the newest has the highest number: by title, the list runs the other way
            s.add_article(title=f"Report {i:03d}", body=f"Report number {i}.",
                          published=f"2020-{1 + i // 28:02d}-{1 + i % 28:02d}", origin=f"r{i}")
    app = NewsdeskApp(tmp_path / "many.db")
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(ArticleTable)
        for _ in range(5):
            await pilot.press("pagedown")
        await pilot.pause()
        near = table.current_id  # a report in the list's second page, newest first
        loaded = len(table.rows)
        assert 100 < loaded <= 200 and table.cursor_row >= 100
        await pilot.press("U")  # only unread: every report, the same order
        await pilot.pause()
        assert table.filter.unread and table.current_id == near
        assert len(table.rows) <= loaded
        await pilot.press("s")  # oldest first: this report is now past what was read
        await pilot.pause()
        assert table.sort == "oldest"
        assert len(table.rows) <= loaded
        assert table.cursor_row == 0
