"""The list on screen before Textual has loaded: the frame the app left at its last quit;
and the keys typed meanwhile kept for it.

Loading Textual is most of a start (0.3-0.45 s on a slow machine, before newsdesk runs a
line). At a clean quit the app draws the list as a fresh start would show it and keeps that
frame with what it was drawn from: the store's files, the terminal's size and type, the
configuration, newsdesk's own code. The next start that finds all of them unchanged puts
the frame on the terminal first, with the keyboard held (no echo, nothing lost: the keys
wait for the app), and Textual then paints the same frame over it and answers them. Any
difference, or any doubt, and the start is as it was without it.

Standard library only, and nothing of newsdesk's but its paths: this runs before the
command line is parsed.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

FORMAT = 1
# what a frame drawn by Textual never holds, and a terminal must not be sent from a file:
# OSC (titles, the clipboard), DCS, APC, PM and SOS strings, BEL
_UNSAFE = ("\x1b]", "\x1bP", "\x1b_", "\x1b^", "\x1bX", "\x07")
_ENTER = "\x1b[?1049h\x1b[?25l"  # the alternate screen, no cursor: as Textual starts
_LEAVE = "\x1b[?1049l\x1b[?25h"
_SYNC_ON, _SYNC_OFF = "\x1b[?2026h", "\x1b[?2026l"  # drawn at once where supported


class _Held:
    """The terminal as found, while newsdesk holds the keyboard before Textual has it."""

    def __init__(self, db: Path, attrs: list) -> None:
        self.db = db
        self.attrs = attrs
        self.painted = False  # the last frame is up, on the alternate screen
        self.handed_over = False  # Textual has the terminal: it leaves the screen itself


held: _Held | None = None


def frame_path(db: Path) -> Path:
    from newsdesk.config import cache_dir

    key = hashlib.sha1(os.path.abspath(db).encode("utf-8", "surrogateescape")).hexdigest()
    return cache_dir() / "frames" / f"{key[:20]}.json"


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _code_stamp() -> list:
    """newsdesk's screens as installed: a new version draws another frame."""
    import importlib.util

    from newsdesk import __version__

    stamp: list = [__version__]
    spec = importlib.util.find_spec("newsdesk.tui")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for sub in ("", "screens", "widgets"):
            try:
                entries = sorted(os.scandir(os.path.join(folder, sub)), key=lambda e: e.name)
            except OSError:
                continue
            stamp += [[e.name, e.stat().st_mtime_ns] for e in entries
                      if e.name.endswith((".py", ".tcss"))]
    return stamp


def fingerprint(db: Path, size: tuple[int, int]) -> list:
    """Everything the first frame of the list is drawn from, as cheaply as it can be read."""
    from newsdesk.config import config_path

    db = Path(db)
    return [FORMAT, os.path.abspath(db), list(size),
            [os.environ.get(k, "") for k in ("TERM", "COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM")],
            _stat(db), _stat(db.with_name(db.name + "-wal")), _stat(config_path()), _code_stamp()]


def _terminal_size() -> tuple[int, int] | None:
    try:
        columns, lines = os.get_terminal_size(sys.stdout.fileno())
    except (OSError, ValueError):
        return None
    return columns, lines


def save(db: Path, size: tuple[int, int], frame: str) -> None:
    """After the app has closed the store: the frame and what it shows, for the next start."""
    if any(mark in frame for mark in _UNSAFE):
        return
    path = frame_path(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint(db, size), "frame": frame}),
                       encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # only a faster start lost


def _db_from_argv(argv: list[str]) -> Path | None:
    """The store of a plain start (`newsdesk`, `newsdesk tui`, with --db and --analyst);
    None for any other command line, which then starts as it always did."""
    db: str | None = None
    rest, seen_tui = list(argv), False
    while rest:
        arg = rest.pop(0)
        if arg in ("--db", "--analyst") and rest:
            value = rest.pop(0)
            if arg == "--db":
                db = value
        elif arg.startswith("--db="):
            db = arg[len("--db="):]
        elif arg.startswith("--analyst=") or (arg == "tui" and not seen_tui):
            seen_tui = seen_tui or arg == "tui"
        else:
            return None
    if db:
        return Path(db)
    from newsdesk.config import default_db_path

    return default_db_path()


def _quiet(attrs: list) -> list:
    """The modes Textual sets as it starts (no echo, no line editing, no signal keys, no
    CR-to-NL), set before it loads: a key typed meanwhile waits in the terminal as Textual
    would read it (Enter as Enter, not as the Ctrl+J a translated CR became)."""
    import termios

    quiet = [*attrs[:6], list(attrs[6])]
    signals = 0 if os.environ.get("TEXTUAL_ALLOW_SIGNALS") else termios.ISIG
    quiet[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | signals)
    quiet[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
    quiet[6][termios.VMIN] = 1
    return quiet


def start(argv: list[str]) -> bool:
    """For a plain start on a terminal: hold the keyboard for the app, and put the last
    quit's frame up if it is still what the start will show. True if the frame is up."""
    global held
    if held is not None or os.environ.get("NEWSDESK_NO_INSTANT"):
        return False
    try:
        import termios

        if not (os.isatty(0) and os.isatty(1)) or os.environ.get("TERM", "dumb") == "dumb":
            return False
        db = _db_from_argv(argv)
        if db is None:
            return False
        attrs = termios.tcgetattr(0)
        termios.tcsetattr(0, termios.TCSANOW, _quiet(attrs))
    except Exception:  # noqa: BLE001 - no terminal to speak of: a start as ever
        return False
    held = _Held(db, attrs)
    os.environ["NEWSDESK_HELD_AT"] = repr(time.time())  # for bench/ and the tests
    try:
        size = _terminal_size()
        saved = json.loads(frame_path(db).read_text(encoding="utf-8"))
        frame = saved["frame"]
        if size is None or saved["fingerprint"] != fingerprint(db, size) \
                or not isinstance(frame, str) or any(mark in frame for mark in _UNSAFE):
            return False
        held.painted = True
        os.write(1, (_ENTER + _SYNC_ON + frame + _SYNC_OFF).encode("utf-8"))
    except FileNotFoundError:
        return False  # no quit yet with this store and this newsdesk
    except Exception:  # noqa: BLE001 - an unreadable frame, a terminal gone: no frame
        return False
    os.environ["NEWSDESK_SHOWN_AT"] = repr(time.time())  # for bench/: when it was seen
    return True


def release() -> None:
    """The terminal as it was found. Before Textual has it (a store that will not open, a
    command line the CLI reads otherwise): the frame taken down and the keys held dropped,
    so that an error line is seen and nothing typed for the app reaches the shell."""
    global held
    if held is None:
        return
    was, held = held, None
    try:
        import termios

        if not was.handed_over:
            if was.painted:
                os.write(1, (_SYNC_OFF + _LEAVE).encode())
            termios.tcflush(0, termios.TCIFLUSH)
        termios.tcsetattr(0, termios.TCSANOW, was.attrs)
    except Exception:  # noqa: BLE001 - termios.error, OSError: the terminal went away
        pass
