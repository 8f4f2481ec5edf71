"""Pilot tests of double coding: blind coding in the reader, the agreement screen, and a
disagreement settled field by field."""
from __future__ import annotations

from newsdesk.config import Config
from newsdesk.store import Store
from newsdesk.tui.app import NewsdeskApp
from newsdesk.tui.screens.agreement import AdjudicationScreen, AgreementScreen
from newsdesk.tui.screens.reader import ReaderScreen
from tests.waiting import palette_offers, wait_until


def _shown(static) -> str:
    """What a Static holds, as text (a table in it too)."""
    import io

    from rich.console import Console

    console = Console(width=120, file=io.StringIO(), color_system=None)
    console.print(static.content)
    return console.file.getvalue()


def _ramadi(db) -> int:
    with Store(db) as s:
        return next(i for i, t in s.conn.execute("SELECT id, title FROM articles")
                    if "Ramadi" in t)


async def _open(app, pilot, article_id: int) -> ReaderScreen:
    app.open_article(article_id)
    await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen)
                     and bool(app.screen.query("#reader-header")), what="the reader")
    await pilot.pause()
    return app.screen


async def test_a_disagreement_settled_from_the_list(double_db):
    app = NewsdeskApp(double_db, analyst="cy", seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AgreementScreen))
        screen = app.screen
        assert screen.report["articles"] == 3 and screen.report["analysts"] == ["ana", "bo"]
        [row] = screen.report["disagreements"]
        assert row["fields"] == ["event_type", "fatalities_min"]
        summary = _shown(screen.query_one("#agreement-summary"))
        assert "fatalities low" in summary and "3 double-coded articles" in summary
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AdjudicationScreen))
        settle = app.screen
        await pilot.press("2")                      # bo's type
        assert settle.decisions == {"event_type": ("bo", None)}
        await pilot.press("w")                      # the toll written: neither's
        await wait_until(pilot, lambda: app.screen is not settle)
        await pilot.press(*"250", "enter")
        await wait_until(pilot, lambda: app.screen is settle)
        assert settle.decisions["fatalities_min"] == ("written", 250)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, AgreementScreen))
        [row] = app.screen.report["disagreements"]
        assert row["settled_by"] is not None
        event = app.store.event(row["settled_by"])
        assert (event["event_type"], event["fatalities_min"], event["analyst"]) == (
            "Violence against civilians", 250, "cy")
        await pilot.press("u")                      # undone: unsettled again
        await wait_until(pilot, lambda: app.screen.report["disagreements"][0]["settled_by"]
                         is None)
        assert app.store.event(row["settled_by"]) is None


async def test_the_agreement_screen_is_in_the_palette(double_db):
    app = NewsdeskApp(double_db, analyst="cy", seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"agreement between")
        await wait_until(pilot, palette_offers(app, "Agreement between coders"),
                         what="the palette")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AgreementScreen))


async def test_blind_coding_in_the_reader_until_both_are_done(double_db):
    ramadi = _ramadi(double_db)
    with Store(double_db) as s:
        s.set_coding_done(ramadi, "bo", done=False)
    app = NewsdeskApp(double_db, analyst="ana", seed_if_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        reader = await _open(app, pilot, ramadi)
        assert [e["analyst"] for e in reader._events_seen(ramadi)] == ["ana"]
        header = _shown(reader.query_one("#reader-header"))
        assert "1 other coding hidden until both are done" in header
        app.store.set_coding_done(ramadi, "bo")     # bo finishes meanwhile
        await pilot.press("C")                      # ana: not done after all
        assert "ana" not in app.store.coding_done_by(ramadi)
        assert [e["analyst"] for e in reader._events_seen(ramadi)] == ["ana"]
        await pilot.press("C")                      # done again: both are
        await wait_until(pilot, lambda: len(reader._events_seen(ramadi)) == 2)
        assert "hidden" not in _shown(reader.query_one("#reader-header"))
        await pilot.press("R")
        assert app.store.reviewed_by(ramadi) == {"ana"}
        assert "reviewed by ana" in _shown(reader.query_one("#reader-header"))
        await pilot.press("u")
        assert app.store.reviewed_by(ramadi) == set()


async def test_blind_coding_off_in_the_config_shows_every_coding(double_db):
    ramadi = _ramadi(double_db)
    with Store(double_db) as s:
        s.set_coding_done(ramadi, "bo", done=False)
    app = NewsdeskApp(double_db, analyst="ana", seed_if_empty=False,
                      config=Config(blind_double_coding=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        reader = await _open(app, pilot, ramadi)
        assert len(reader._events_seen(ramadi)) == 2
