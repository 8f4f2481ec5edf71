"""The analyst's loop in a real terminal: the installed command in tmux, keys sent as a
terminal sends them, the screen read back. Skipped where tmux is missing."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsdesk.ingest import ingest_items, iter_paths
from newsdesk.store import Store
from tests.terminal import needs_tmux

pytestmark = needs_tmux
HOSTILE = Path(__file__).parent / "hostile"
SIZES = [(80, 24), (200, 60)]


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _open_ramadi(term) -> None:
    """From the list, search for the seed article and open it."""
    term.wait_for(r"\d+ articles")
    term.keys("/")
    term.type("Ramadi compound")
    term.wait_for(r"\b1 article")
    term.keys("Enter", "Enter")
    term.wait_for("Entities")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_short_article_after_the_cursor_went_deep_in_a_long_one(seeded_db, terminal, size):
    with Store(seeded_db) as s:
        s.add_article(title="Short one", body="Two killed in Kabul.", published="2030-01-01")
    term = terminal(seeded_db, size=size)
    term.wait_for("Short one")
    term.keys("Down", "Enter")                  # the newest seed: a long article
    term.wait_for("Entities")
    term.keys("PageDown", "PageDown", "PageDown", "End")
    term.settle()
    term.keys("p")                              # the short one, newer in the list
    term.wait_for("Two killed in Kabul")
    term.keys("Escape", "Down", "Enter", "Down", "Down", "Down", "Escape", "Up", "Enter")
    shown = term.wait_for("Two killed in Kabul")
    assert term.alive() and "Traceback" not in shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_plus_adds_a_missed_entity(seeded_db, terminal, size):
    term = terminal(seeded_db, size=size)
    _open_ramadi(term)
    term.keys("W", "W")                         # the first two words of the text
    term.keys("+")
    term.wait_for("is a…")
    term.keys("Down", "Enter")                  # ORG
    term.wait_for("added ORG")
    [(label, attrs)] = _rows(seeded_db, "SELECT label, attrs FROM annotations"
                                        " WHERE action = 'add'")
    assert label == "ORG" and attrs


def test_a_burst_of_keys_lands_in_the_fields_it_was_typed_for(seeded_db, terminal):
    term = terminal(seeded_db, size=(120, 40))
    _open_ramadi(term)
    term.keys(">")                              # select the first sentence
    term.keys("E")
    term.wait_for("Code an event")
    # one write, as a paste or a laggy link delivers it: the date, three choice fields
    # passed over, then both actors; a field entered by Tab has its text selected, so what
    # is typed replaces the prefill
    term.burst("2015-05-14", "Tab", "Tab", "Tab", "Tab", "AAA", "Tab", "BBB", "C-s")
    term.wait_for("event coded")
    [(date, actor1, actor2)] = _rows(seeded_db, "SELECT event_date, actor1, actor2 FROM events")
    assert (date, actor1, actor2) == ("2015-05-14", "AAA", "BBB")


def test_hostile_text_leaves_the_terminal_alone(tmp_path, terminal):
    db = tmp_path / "hostile.db"
    with Store(db) as s:
        report = ingest_items(s, iter_paths([HOSTILE / "escapes.txt"]))
        assert report.new
        s.add_article(title="Markup [bold]not bold[/bold]",
                      body="Text with [bold]markup[/] and \x1b]52;c;aGk=\x07 an OSC 52 and"
                           " \x1b[2J a clear screen.", published="2030-01-01")
    term = terminal(db, size=(120, 40))
    term.wait_for(r"\d+ articles")
    screens = []
    for keys in (("Enter",), ("Escape", "Down", "Enter")):
        term.keys(*keys)
        term.wait_for("Entities")
        screens.append(term.settle())
        raw = term.screen(escapes=True)
        # only the colour and style sequences tmux itself writes: no OSC, no clear
        assert "\x1b]" not in raw and "\x1b[2J" not in raw and "\x07" not in raw
        assert term.alive()
    assert "Text with [bold]markup[/] and" in screens[0]  # markup shown literally
    assert "Evil" in screens[1]
    buffers = __import__("subprocess").run(["tmux", "list-buffers"], capture_output=True,
                                           text=True).stdout
    assert "aGk" not in buffers  # OSC 52 never reached tmux's clipboard
