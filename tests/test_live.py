"""Two analysts on one store: the other's work shows within seconds, and an edit made
while someone else changed the record asks before it overwrites anything."""
from __future__ import annotations

from newsdesk.store import Store
from newsdesk.tui.app import NewsdeskApp, arrival_words
from newsdesk.tui.screens.article_list import ArticleListScreen
from newsdesk.tui.screens.forms import FormDialog, PickDialog
from newsdesk.tui.screens.reader import ReaderScreen
from newsdesk.tui.widgets.article_table import ArticleTable
from newsdesk.tui.widgets.found_panels import FoundPanels
from tests.waiting import wait_until


def _ramadi(store: Store) -> int:
    return next(i for i, t in store.conn.execute("SELECT id, title FROM articles")
                if "Ramadi" in t)


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def test_another_connection_s_work_is_seen_and_named(seeded_db):
    with Store(seeded_db) as mine, Store(seeded_db) as theirs:
        version, seen = mine.data_version(), mine.latest_audit_id()
        article = _ramadi(theirs)
        theirs.add_tag(article, "urgent", "jdoe")
        theirs.create_event("jdoe", {"event_type": "Battles"},
                            [{"article_id": article, "field": "source", "start": None,
                              "end": None, "text": None}])
        mine.add_tag(article, "mine", "ana")
        assert mine.data_version() != version
        assert mine.others_since(seen, "ana") == [("jdoe", "tag urgent"), ("jdoe", "code event")]
        [event] = theirs.events(article)
        assert mine.changed_by_other("events", {"id": event["id"]}, seen, "ana")[0] == "jdoe"
        assert mine.changed_by_other("events", {"id": event["id"]}, seen, "jdoe") is None
        later = mine.latest_audit_id()
        assert mine.changed_by_other("events", {"id": event["id"]}, later, "ana") is None
    assert arrival_words([("jdoe", "code event"), ("jdoe", "tag urgent"),
                          ("jdoe", "tag urgent")], 12) == \
        "jdoe coded an event; jdoe tagged urgent (2×); 12 new articles"


async def test_the_list_and_the_reader_show_another_analyst_s_work(seeded_db):
    app = NewsdeskApp(seeded_db, analyst="ana", seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ArticleTable)
        await pilot.press("down", "down", "down")
        kept, tags = table.current_id, table.current_row.n_tags
        with Store(seeded_db) as theirs:
            theirs.add_tag(kept, "urgent", "jdoe")
        await wait_until(pilot, lambda: any("jdoe tagged urgent" in n for n in _notes(app)),
                         what="the arrival line")
        assert table.current_id == kept and table.current_row.n_tags == tags + 1
        assert isinstance(app.screen, ArticleListScreen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen)
                         and bool(app.screen.query("#reader-header")), what="the reader")
        reader = app.screen
        await pilot.press("right", "right", "shift+right", "shift+right")
        selected = reader.view.selected_range
        with Store(seeded_db) as theirs:
            theirs.create_event("jdoe", {"event_type": "Battles", "location": "Ramadi"},
                                [{"article_id": kept, "field": "source", "start": None,
                                  "end": None, "text": None}])
        await wait_until(pilot, lambda: any("jdoe coded an event" in n for n in _notes(app)),
                         what="the arrival line")
        await wait_until(pilot, lambda: reader.panels.list_for("event").option_count == 1,
                         what="the event")
        assert reader.view.selected_range == selected  # the selection stayed


async def test_an_edit_of_a_record_someone_changed_meanwhile_asks_first(seeded_db):
    with Store(seeded_db) as s:
        article = _ramadi(s)
        event_id = s.create_event("ana", {"event_type": "Battles", "fatalities_min": 100,
                                          "event_date": "2015-05-15"},
                                  [{"article_id": article, "field": "source", "start": None,
                                    "end": None, "text": None}])
        note_id = s.add_annotation(article, "ana", action="note", start=0, end=2,
                                   note="first")
    app = NewsdeskApp(seeded_db, analyst="ana", seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_article(article)
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen)
                         and bool(app.screen.query("#reader-header")), what="the reader")
        reader = app.screen
        # the event: jdoe changes it while ana's form is open; ana keeps jdoe's
        reader.post_message(FoundPanels.EventOpened(event_id))
        await wait_until(pilot, lambda: isinstance(app.screen, FormDialog), what="the form")
        with Store(seeded_db) as theirs:
            theirs.update_event(event_id, "jdoe", {"fatalities_min": 120})
        app.screen.query_one("#field-fatalities_min").value = "90"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, PickDialog), what="the question")
        assert "jdoe changed this while you edited it" in app.screen.title_text
        assert "killed 120" in app.screen.title_text
        await pilot.press("enter")                  # keep jdoe's version
        await wait_until(pilot, lambda: app.screen is reader)
        assert app.store.event(event_id)["fatalities_min"] == 120
        # the note: jdoe edits it too; ana saves hers over it, knowingly
        reader.post_message(FoundPanels.NoteOpened(note_id))
        await wait_until(pilot, lambda: isinstance(app.screen, FormDialog), what="the form")
        with Store(seeded_db) as theirs:
            theirs.update_note(note_id, "jdoe", "theirs")
        app.screen.query_one("#field-note").value = "mine"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, PickDialog), what="the question")
        assert "the note now reads “theirs”" in app.screen.title_text
        await pilot.press("down", "enter")          # save mine over theirs
        await wait_until(pilot, lambda: app.screen is reader)
        assert [n["note"] for n in app.store.annotations(article) if n["id"] == note_id] == [
            "mine"]
        # no one else in between: saved at once, no question
        reader.post_message(FoundPanels.NoteOpened(note_id))
        await wait_until(pilot, lambda: isinstance(app.screen, FormDialog), what="the form")
        app.screen.query_one("#field-note").value = "mine again"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is reader)
        assert [n["note"] for n in app.store.annotations(article) if n["id"] == note_id] == [
            "mine again"]


async def test_what_arrives_leaves_the_rows_in_view_where_they_were(tmp_path):
    db = tmp_path / "many.db"
    with Store(db) as s:
        for i in range(150):
            s.add_article(title=f"Article number {i:03d}", body=f"Body of article {i}.",
                          published=f"2020-01-01T00:{i // 60:02d}:{i % 60:02d}")
    app = NewsdeskApp(db, analyst="ana", seed_if_empty=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ArticleTable)
        for _ in range(3):
            await pilot.press("pagedown")
        await pilot.press("down", "down")
        top, cursor, kept = int(table.scroll_y), table.cursor_row, table.current_id
        assert top > 50 and table.row_count > 100  # a second page in, far down
        with Store(db) as theirs:
            theirs.add_tag(table.row_ids[top + 3], "urgent", "jdoe")
            theirs.add_article(title="A newer article", body="Arrived meanwhile.",
                               published="2020-01-02")
        await wait_until(pilot, lambda: any("jdoe tagged urgent" in n for n in _notes(app)),
                         what="the arrival line")
        # a new article above moved every row down one: the same articles stay in view
        assert table.current_id == kept and table.cursor_row == cursor + 1
        assert int(table.scroll_y) == top + 1
        assert table.rows[top + 4].n_tags == 1


async def test_renaming_an_incident_someone_renamed_meanwhile_asks_first(desk_db):
    from newsdesk.tui.screens.incidents import IncidentsScreen

    app = NewsdeskApp(desk_db, analyst="ana", seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("I")
        await wait_until(pilot, lambda: isinstance(app.screen, IncidentsScreen)
                         and app.screen.current_id is not None, what="the desk")
        desk, incident = app.screen, app.screen.current_id
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, FormDialog), what="the form")
        with Store(desk_db) as theirs:
            theirs.rename_incident(incident, "Their name", "jdoe")
        app.screen.query_one("#field-name").value = "My name"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, PickDialog), what="the question")
        assert "jdoe changed this while you edited it (now “Their name”)" in \
            app.screen.title_text
        await pilot.press("down", "enter")          # mine, knowingly
        await wait_until(pilot, lambda: app.screen is desk)
        assert app.store.incident(incident)["name"] == "My name"


async def test_a_change_that_arrives_while_a_screen_is_not_composed_is_shown_once_it_is(
        desk_db, monkeypatch):
    """Another analyst's change reaching a screen that is mounted but has no table yet (it
    is composing, or coming down) leaves it to read the store itself; the app goes on."""
    from textual.css.query import NoMatches

    from newsdesk.tui.screens.incidents import IncidentsScreen

    app = NewsdeskApp(desk_db, analyst="ana", seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("I")
        await wait_until(pilot, lambda: isinstance(app.screen, IncidentsScreen)
                         and app.screen.current_id is not None, what="the desk")
        desk, incident = app.screen, app.screen.current_id
        table = desk.table

        def not_composed(screen):
            raise NoMatches("#incidents")

        with monkeypatch.context() as m:
            m.setattr(IncidentsScreen, "table", property(not_composed))
            with Store(desk_db) as theirs:
                theirs.rename_incident(incident, "Their name", "jdoe")
            app.check_store()
        assert app.is_running and app.screen is desk
        with Store(desk_db) as theirs:
            theirs.rename_incident(incident, "Their second name", "jdoe")
        app.check_store()
        await wait_until(pilot, lambda: any("Their second name" in str(r)
                                            for r in table.rows), what="the new name")
    app._render_reader_unseen()  # a draw-ahead timer that outlives the app does nothing
