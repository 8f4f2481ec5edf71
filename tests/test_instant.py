"""The last quit's frame on the terminal before Textual loads, and the keys typed meanwhile
kept for the app (newsdesk.instant): drawn right, shown only when still true, never
harmful, the terminal given back as it was."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from newsdesk import instant
from newsdesk.store import ArticleFilter, Store
from newsdesk.tui.app import NewsdeskApp
from newsdesk.tui.widgets.article_table import ArticleTable
from tests.terminal import needs_tmux
from tests.waiting import wait_until


def _first_frame(app) -> str:
    return app.screen._compositor.render_update(full=True).render_segments(app.console)


async def test_the_frame_drawn_at_a_quit_is_what_the_next_start_first_draws(seeded_db):
    """Drawn from a list of its own: not the analyst's, with its search, order and cursor;
    but with what the session changed in the store (an article read)."""
    app = NewsdeskApp(seeded_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen.focused, ArticleTable),
                         what="the list")
        await pilot.pause()
        before = _first_frame(app)
        await pilot.press("down", "down", "enter")  # an article read: the start shows it so
        await pilot.pause()
        await pilot.press("escape", "s", "s", "slash", *"Ramadi", "enter", "down")
        await pilot.pause()
        size, frame = await app.next_start_frame()
        assert size == (100, 30)
    again = NewsdeskApp(seeded_db)
    async with again.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(again.screen.focused, ArticleTable),
                         what="the list")
        await pilot.pause()
        assert frame == _first_frame(again)
        assert frame != before  # the article read is drawn as read


def test_only_a_plain_start_is_held_and_painted(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DB", str(tmp_path / "default.db"))
    db = Path("x.db")
    assert instant._db_from_argv([]) == tmp_path / "default.db"
    assert instant._db_from_argv(["tui"]) == tmp_path / "default.db"
    assert instant._db_from_argv(["--db", "x.db"]) == db
    assert instant._db_from_argv(["--db=x.db", "--analyst", "ana", "tui"]) == db
    assert instant._db_from_argv(["--analyst=ana", "tui", "--db", "x.db"]) == db
    for other in (["ingest", "a.txt"], ["--help"], ["--version"], ["tui", "tui"],
                  ["--db"], ["extract", "--jsonl"], ["-h"]):
        assert instant._db_from_argv(other) is None, other


def test_the_frame_is_tied_to_the_store_the_terminal_and_the_config(seeded_db, tmp_path,
                                                                     monkeypatch):
    first = instant.fingerprint(seeded_db, (120, 40))
    assert instant.fingerprint(seeded_db, (120, 40)) == first
    with Store(seeded_db):
        pass  # opened and closed, nothing written: the same store
    assert instant.fingerprint(seeded_db, (120, 40)) == first
    assert instant.fingerprint(seeded_db, (80, 24)) != first
    monkeypatch.setenv("TERM", "vt100")
    assert instant.fingerprint(seeded_db, (120, 40)) != first
    monkeypatch.undo()
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "config.toml"))
    unconfigured = instant.fingerprint(seeded_db, (120, 40))
    (tmp_path / "config.toml").write_text('theme = "textual-light"\n')
    assert instant.fingerprint(seeded_db, (120, 40)) != unconfigured
    with Store(seeded_db) as store:
        article = store.conn.execute("SELECT id FROM articles LIMIT 1").fetchone()[0]
        store.mark_read(article)
    assert instant.fingerprint(seeded_db, (120, 40)) != unconfigured


def _start_in_a_pty(db: Path, env: dict, keys: bytes = b"") -> dict:
    """`newsdesk --db db` in a pseudo-terminal at 100x30: `keys` written the moment it
    starts, then q once the list is live. What it wrote, the ready file, and the terminal's
    modes before it started and after it quit."""
    import fcntl
    import struct

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    modes_before = termios.tcgetattr(slave)
    ready = Path(env["NEWSDESK_READY_FILE"])
    ready.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "--db", str(db)], stdin=slave,
                            stdout=slave, stderr=slave, env=env, start_new_session=True)
    if keys:
        # typed once newsdesk holds the keyboard (no echo: its first step, long before
        # Textual has loaded); keys typed before Python runs a line meet the terminal's
        # own line editing
        deadline = time.monotonic() + 60
        while termios.tcgetattr(slave)[3] & termios.ECHO and time.monotonic() < deadline:
            time.sleep(0.002)
        os.write(master, keys)
    out = b""
    deadline = time.monotonic() + 60
    sent_q = False
    while proc.poll() is None and time.monotonic() < deadline:
        if select.select([master], [], [], 0.05)[0]:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
        if not sent_q and ready.exists() and ready.stat().st_size:
            time.sleep(0.5)  # what the keys typed at the start did, drawn
            sent_q = True
            os.write(master, b"q")
    proc.wait(timeout=30)
    modes_after = termios.tcgetattr(slave)
    os.close(slave)
    os.close(master)
    return {"out": out.decode("utf-8", "replace"), "ready": json.loads(ready.read_text()),
            "before": modes_before, "after": modes_after}


@pytest.fixture
def pty_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_NO_INSTANT"}
    env.update({"TERM": "xterm-256color", "NEWSDESK_READY_FILE": str(tmp_path / "ready.json"),
                "NEWSDESK_CACHE": str(tmp_path / "cache")})
    env.pop("COLORTERM", None)
    return env


def test_a_start_after_a_quit_shows_the_last_frame_first(seeded_db, pty_env):
    first = _start_in_a_pty(seeded_db, pty_env)
    assert first["ready"]["shown_at"] is None  # no quit yet: nothing to show
    saved = list(Path(pty_env["NEWSDESK_CACHE"]).glob("frames/*.json"))
    assert len(saved) == 1
    frame = json.loads(saved[0].read_text())["frame"]
    second = _start_in_a_pty(seeded_db, pty_env)
    shown_at, painted_at = second["ready"]["shown_at"], second["ready"]["painted_at"]
    assert shown_at is not None and shown_at < painted_at
    # the frame, on the alternate screen, before anything Textual sends (its new lines
    # reach the terminal as Textual's do: as CR LF, by the terminal's output processing)
    assert second["out"].startswith("\x1b[?1049h\x1b[?25l\x1b[?2026h"
                                    + frame.replace("\n", "\r\n"))
    assert second["out"].count("\x1b[?1049h") == 1  # not entered again (xterm clears it)
    for run in (first, second):
        assert run["after"] == run["before"]  # the terminal's modes given back as found


def test_a_changed_store_or_a_tampered_frame_is_not_shown(seeded_db, pty_env):
    _start_in_a_pty(seeded_db, pty_env)
    with Store(seeded_db) as store:
        top = store.page_articles(ArticleFilter(), sort="published", limit=1)[0].id
        store.conn.execute("UPDATE articles SET title = 'Changed since' WHERE id = ?", (top,))
        store.conn.commit()
    changed = _start_in_a_pty(seeded_db, pty_env)
    assert changed["ready"]["shown_at"] is None
    saved = next(Path(pty_env["NEWSDESK_CACHE"]).glob("frames/*.json"))
    kept = json.loads(saved.read_text())
    assert "Changed since" in kept["frame"]  # drawn again at that quit, with the change
    kept["frame"] = "\x1b]52;c;aGk=\x07" + kept["frame"]  # a clipboard write slipped in
    saved.write_text(json.dumps(kept))
    tampered = _start_in_a_pty(seeded_db, pty_env)
    assert tampered["ready"]["shown_at"] is None and "\x1b]52" not in tampered["out"]
    assert tampered["after"] == tampered["before"]


def test_keys_typed_as_it_starts_reach_the_list_with_or_without_a_frame(seeded_db, pty_env):
    """Typed before Textual has loaded: held in the terminal as Textual reads keys (Enter
    as Enter: the terminal's CR-to-NL had made it Ctrl+J), and handed to the list."""
    with Store(seeded_db) as store:
        third = store.page_articles(ArticleFilter(), sort="published", limit=3)[2].id
    for _ in ("no frame yet", "the last frame up"):
        run = _start_in_a_pty(seeded_db, pty_env, keys=b"\x1b[B\x1b[B\r")
        with Store(seeded_db) as store:
            read = [r[0] for r in store.conn.execute(
                "SELECT id FROM articles WHERE read_at IS NOT NULL")]
        assert read == [third], run["out"][-500:]
        assert run["ready"]["held_at"] < run["ready"]["painted_at"]  # held before Textual
        with Store(seeded_db) as store:
            store.conn.execute("UPDATE articles SET read_at = NULL")
            store.conn.commit()
        assert run["after"] == run["before"]


@needs_tmux
@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_in_tmux_the_second_start_is_the_same_screen_and_takes_keys_at_once(
        seeded_db, terminal, size):
    term = terminal(seeded_db, size=size)
    live = term.wait_for(r"31 articles")
    term.settle()
    term.keys("q")
    deadline = time.monotonic() + 30
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    again = terminal(seeded_db, size=size)
    tty = again.tmux("display-message", "-p", "-t", again.name, "#{pane_tty}").stdout.strip()
    fd = os.open(tty, os.O_RDONLY | os.O_NOCTTY)
    try:  # as soon as newsdesk holds the keyboard: long before Textual has loaded
        while termios.tcgetattr(fd)[3] & termios.ECHO and time.monotonic() < deadline + 30:
            time.sleep(0.002)
    finally:
        os.close(fd)
    again.burst("Down", "Down", "Enter")
    shown = again.wait_for(r"·\s+Wikinews")   # the reader's header
    assert "31 articles" not in shown
    again.keys("Escape")
    listed = again.wait_for(r"31 articles")
    assert listed.splitlines()[0] == live.splitlines()[0]
    assert again.alive()
