"""Pilot tests: what an analyst does with the keyboard, checked on the app's state."""
import pytest
from textual.widgets import Input, Static

from newsdesk.config import load_config
from store import Store
from tui.app import NewsdeskApp
from tui.screens.article_list import ArticleListScreen
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.article_table import ArticleTable


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


async def test_reader_shows_text_and_what_was_found(seeded_db):
    with Store(seeded_db) as s:
        ramadi = next(r.id for r in s.page_articles(limit=100) if r.title.startswith("IS militants"))
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(160, 48)) as pilot:
        app.screen.query_one(ArticleTable).select_article(ramadi)
        await pilot.press("enter")
        await pilot.pause()
        body = _text_of(app.screen.query_one("#reader-text", Static))
        assert body.startswith("The Islamic State group (IS, formerly ISIS)")
        found = _text_of(app.screen.query_one("#reader-found", Static))
        assert "Sheikh Ahmed Darae al-Jamili ×" in found and "Jamili" in found
        # figures: kind, range, victims and flags
        assert "killed 10 policemen\n" in found
        assert "killed 101– soldiers\n" in found
        assert "captured 28 (approx)" in found
        assert "on Thursday → 2015-05-14" in found


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
        await pilot.press("enter", "escape", "u")
        await pilot.pause()
        assert table.filter.unread and table.total == 30


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
        body = _text_of(app.screen.query_one("#reader-text", Static))
        assert "[bold red]Boom[/]" in header and "[@click=app.quit]x[/]" in header
        assert "\x1b" not in header and "\x07" not in header
        assert "[link=http://evil]link[/link]" in body and "\x1b" not in body
        assert isinstance(app.screen, ReaderScreen)  # the click markup did not quit


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_small_and_large_terminals(seeded_db, size):
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one("#reader-text").size.width >= 30
