"""Annotating and coding events in the reader, keyboard only, then exporting."""
import csv
import io

from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.store import Store
from newsdesk.tui.app import NewsdeskApp
from newsdesk.tui.screens.forms import FormDialog, PickDialog
from newsdesk.tui.widgets.article_view import ArticleView
from tests.test_tui import _open_ramadi
from tests.waiting import palette_offers, wait_until


async def _to_sentence(pilot, view: ArticleView, opening: str) -> None:
    target = next(i for i, s in enumerate(view._sentences) if view.text.startswith(opening, s))
    view.move_cursor((0, 0))
    for _ in range(target):
        await pilot.press("full_stop")
    assert view.text.startswith(opening, view.offset(view.cursor_location))


async def _select_words_until(pilot, view: ArticleView, last_word: str) -> str:
    for _ in range(60):
        await pilot.press("W")
        if view.selected_text.endswith(last_word):
            return view.selected_text
    raise AssertionError(f"never reached {last_word!r}: {view.selected_text!r}")


async def _type(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


async def _choose(pilot, downs: int) -> None:
    """On a Select: open it, move, pick."""
    await pilot.press("enter", *(["down"] * downs), "enter")


async def test_code_the_seed_articles_two_events_with_keys_then_export(seeded_db):
    app = NewsdeskApp(seeded_db, analyst="coder")
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        # event 1: Friday's suicide car bombings in Ramadi, coded from its figure's row
        await pilot.press("c")                         # Figures: "killed 10 policemen"
        await pilot.press("E")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#field-event_date").value == "2015-05-15"
        assert form.query_one("#field-fatalities_min").value == "10"
        assert form.query_one("#field-wounded_min").value == "7"  # told beside its repeat
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen.query_one(ArticleView), ArticleView)
        # event 2: Thursday's attack on the army barracks in eastern Fallujah: the next row
        await pilot.press("down", "E")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#field-event_date").value == "2015-05-14"
        assert form.query_one("#field-location").value == "Fallujah"
        assert form.query_one("#field-country").value == "Iraq"
        assert form.query_one("#field-fatalities_min").value == "101"
        assert form.query_one("#field-fatalities_max").value == ""
        assert form.query_one("#field-captured_min").value == "28"
        await pilot.press("ctrl+s")
        await pilot.pause()
        events = app.store.events()
        assert len(events) == 2
        assert view.selected_range is not None  # the figure stays marked in the text
        # a bad range is refused with a message, and the form stays open
        await pilot.press("v", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#field-fatalities_max").value = "3"
        await pilot.press("ctrl+s")
        assert "is more than fatalities max" in str(form.query_one("#form-errors").render())
        await pilot.press("escape")
    result = CliRunner().invoke(cli, ["export", "events", "--format", "csv", "--db", str(seeded_db)])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["event_date"], r["location"], r["admin1"], r["country"], r["actor1"], r["actor2"],
             r["event_type"], r["sub_event_type"], r["fatalities"], r["fatalities_min"],
             r["fatalities_max"], r["wounded_min"], r["captured_min"], r["time_precision"],
             r["analyst"]) for r in rows] == [
        ("2015-05-14", "Fallujah", "Anbar", "Iraq", "Islamic State group", "Iraqi army",
         "Battles", "Armed clash", "101", "101", "", "", "28", "1", "coder"),
        ("2015-05-15", "Ramadi", "Anbar", "Iraq", "Islamic State group", "Iraqi police",
         "Explosions/Remote violence", "Suicide bomb", "10", "10", "10", "7", "", "1", "coder"),
    ]
    assert "killed 10 policemen" in rows[1]["evidence"] and "on Friday" in rows[1]["evidence"]


async def test_corrections_show_in_the_reader_and_undo_survives_a_restart(seeded_db):
    app = NewsdeskApp(seeded_db, analyst="ana")
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        article_id = app.screen.article_id
        view.move_cursor((0, 0))
        await pilot.press("tab")                       # onto the first highlight
        first = min(view.spans_at_cursor(), key=lambda s: s.end - s.start)
        await pilot.press("X")                         # reject it
        await pilot.pause()
        assert first.id not in {s.id for s in view.spans}
        await pilot.press("t")
        await pilot.pause()
        await _type(pilot, "ramadi-offensive")
        await pilot.press("enter")
        await pilot.pause()
        assert app.store.tags(article_id) == ["ramadi-offensive", "seed"]
        await pilot.press("D")
        await pilot.pause()
        app.screen.query_one("#field-published").value = "2015-05-22"
        await pilot.press("ctrl+s")
        await pilot.pause()
        thursday = next(s for s in view.spans if s.text == "on Thursday")
        assert thursday.attrs["value"] == "2015-05-21"  # re-resolved against the new date
    app = NewsdeskApp(seeded_db, analyst="ana")  # restart: undo still works
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        await pilot.press("u")                         # the publication date
        await pilot.pause()
        thursday = next(s for s in view.spans if s.text == "on Thursday")
        assert thursday.attrs["value"] == "2015-05-14"
        await pilot.press("u", "u")                    # the tag, then the rejection
        await pilot.pause()
        assert first.id in {s.id for s in view.spans}
        assert app.store.tags(app.screen.article_id) == ["seed"]
        await pilot.press("ctrl+r")                    # redo the rejection
        await pilot.pause()
        assert first.id not in {s.id for s in view.spans}


async def test_add_a_missed_entity_and_relabel_one(seeded_db):
    app = NewsdeskApp(seeded_db, analyst="ana")
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        await _to_sentence(pilot, view, "A series of near-simultaneous")
        for _ in range(6):
            await pilot.press("w")                     # to "car"
        await pilot.press("W", "W")                    # "car bombings"
        assert view.selected_text == "car bombings"
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down", "down", "down", "enter")   # MISC
        await pilot.pause()
        added = [s for s in view.spans if s.attrs.get("added")]
        assert [(s.text, s.label) for s in added] == [("car bombings", "MISC")]
        view.move_cursor(view.location(added[0].start))
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("down", "down", "enter")           # LOC
        await pilot.pause()
        assert [s.label for s in view.spans if s.attrs.get("added")] == ["LOC"]


async def test_selection_motions(seeded_db):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_ramadi(app, pilot, seeded_db)
        view = app.screen.query_one(ArticleView)
        view.move_cursor((0, 0))
        await pilot.press("greater_than_sign")
        assert view.selected_text == ("The Islamic State group (IS, formerly ISIS) has raised its"
                                      " infamous black flag over the local government compound in"
                                      " Ramadi, western Iraq, after a fierce battle with Iraqi"
                                      " state security forces.")
        await pilot.press("greater_than_sign", "less_than_sign")
        assert view.selected_text.endswith("security forces.")
        await pilot.press("escape")
        assert view.selected_range is None
        # from the cursor, not from the start of its sentence
        view.move_cursor(view.location(view.text.index("infamous")))
        await pilot.press("greater_than_sign")
        assert view.selected_text.startswith("infamous black flag")
        assert view.selected_text.endswith("security forces.")
        await pilot.press("escape")
        view.move_cursor((0, 0))
        await pilot.press("right_curly_bracket")
        assert view.text.startswith("The militant group", view.offset(view.cursor_location))
        await pilot.press("b")
        assert view.text.startswith("forces", view.offset(view.cursor_location))
        await pilot.press("escape")                    # nothing selected: back to the list
        await pilot.pause()
        from newsdesk.tui.screens.article_list import ArticleListScreen
        assert isinstance(app.screen, ArticleListScreen)


async def test_export_from_the_command_palette(seeded_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Store(seeded_db) as s:
        s.create_event("ana", {"event_date": "2015-05-15", "fatalities_min": 10}, [])
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await _type(pilot, "Export events as csv")
        await wait_until(pilot, palette_offers(app, "Export events as csv"), what="the palette")
        await pilot.press("enter")
        await pilot.pause()
    # into the user data folder (NEWSDESK_EXPORT_DIR here), not wherever the app was started
    assert not list(tmp_path.glob("newsdesk-events-*.csv"))
    [written] = list((tmp_path / "exports").glob("newsdesk-events-*.csv"))
    assert "2015-05-15" in written.read_text()
