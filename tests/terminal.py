"""Drive the installed `newsdesk` command in a real terminal (tmux): the bytes a terminal
sends, bursts of keys, resizes, and the screen read back as the analyst sees it."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

NEWSDESK = Path(sys.executable).with_name("newsdesk")
# far above any real wait: a slow machine must never be why a terminal test fails
PATIENCE_S = 30.0

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (.ci/run installs it)")


def _tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=check)


class Terminal:
    """One app in its own detached tmux session."""

    def __init__(self, db: Path, home: Path, *, size: tuple[int, int] = (120, 40),
                 term: str = "xterm-256color", via: list[str] | None = None) -> None:
        """`via`: a command the app runs under (an `ssh` to this machine): the app's
        settings then go in its command line, as a remote shell would receive them."""
        self.name = "nd-" + uuid.uuid4().hex[:8]
        # a tmux server of its own: on a shared one, a session ending as the last one
        # took the server down while another test's new session was connecting to it
        # ("server exited unexpectedly")
        self.socket = self.name
        home.mkdir(parents=True, exist_ok=True)
        self.env = {"NEWSDESK_DB": str(db), "NEWSDESK_CONFIG": str(home / "config.toml"),
                    "NEWSDESK_STATE": str(home / "state.json"),
                    "NEWSDESK_EXPORT_DIR": str(home / "exports"), "HOME": str(home),
                    "NEWSDESK_CACHE": os.environ["NEWSDESK_CACHE"],
                    "TERM": term, "LANG": "C.UTF-8",
                    # as a login shell exports them; the app must still follow resizes
                    "COLUMNS": str(size[0]), "LINES": str(size[1])}
        envs = " ".join(f"{k}={v}" for k, v in self.env.items())
        app = f"env -u COLORTERM {envs} {NEWSDESK} --db {db}"
        command = " ".join([*via, shlex.quote(app)]) if via else app
        cols, rows = size
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(cols), "-y", str(rows), command)
        self.tmux("set-option", "-t", self.name, "remain-on-exit", "on", check=False)

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """A tmux command to this terminal's own server."""
        return _tmux("-L", self.socket, *args, check=check)

    def clipboard(self) -> str:
        """What the app last copied: an OSC 52 sequence sets tmux's paste buffer."""
        return self.tmux("show-buffer", check=False).stdout

    # -- reading -----------------------------------------------------------------
    def screen(self, *, escapes: bool = False) -> str:
        args = ["capture-pane", "-p", "-t", self.name] + (["-e"] if escapes else [])
        return self.tmux(*args, check=False).stdout

    def alive(self) -> bool:
        out = self.tmux("display-message", "-p", "-t", self.name, "#{pane_dead}",
                    check=False).stdout.strip()
        return out == "0"

    def wait_for(self, pattern: str, *, timeout: float = PATIENCE_S) -> str:
        """The screen once `pattern` (a regex) is on it; fails with the screen if the app
        died or the pattern never came."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if re.search(pattern, shown):
                return shown
            if not self.alive() or "Traceback" in shown:
                raise AssertionError(f"the app died waiting for {pattern!r}:\n{shown}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} never appeared:\n{shown}")
            time.sleep(0.05)

    def wait_gone(self, pattern: str, *, timeout: float = PATIENCE_S) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if not re.search(pattern, shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} never went away:\n{shown}")
            time.sleep(0.05)

    def changed_from(self, before: str, *, escapes: bool = True,
                     timeout: float = PATIENCE_S) -> bool:
        """Whether the screen (with styles) comes to differ from `before` within `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.screen(escapes=escapes) != before:
                return True
            time.sleep(0.05)
        return False

    def wait_redrawn(self, cols: int, rows: int, *, timeout: float = PATIENCE_S) -> str:
        """The screen once the app has drawn itself at `cols` x `rows`: a rule across the
        width and the key bar on the last line. A resize reaches the app as a signal, so
        tmux shows the old frame, cut or padded, until the app gets to it."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.screen().splitlines()
            if (len(lines) == rows and "? Keys" in lines[-1]
                    and any(line.count("─") >= cols - 1 for line in lines)):
                return "\n".join(lines)
            if not self.alive() or time.monotonic() > deadline:
                size = self.tmux("display-message", "-p", "-t", self.name,
                             "#{window_width}x#{window_height}", check=False).stdout
                raise AssertionError(f"never redrawn at {cols}x{rows} (window {size.strip()}):\n"
                                     + "\n".join(lines))
            time.sleep(0.05)

    def settle(self, *, quiet_s: float = 0.3, timeout: float = PATIENCE_S) -> str:
        """The screen once it has stopped changing for `quiet_s`."""
        deadline = time.monotonic() + timeout
        last, since = self.screen(), time.monotonic()
        while time.monotonic() - since < quiet_s:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
            now = self.screen()
            if now != last:
                last, since = now, time.monotonic()
        return last

    # -- typing --------------------------------------------------------------------
    def keys(self, *keys: str) -> None:
        """tmux key names ("Enter", "Down", "C-r", "+"), each sent as a terminal sends it."""
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key, check=False)

    def burst(self, *keys: str) -> None:
        """Several keys in one write, as a paste or a laggy SSH link delivers them."""
        self.tmux("send-keys", "-t", self.name, *keys, check=False)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text, check=False)

    def resize(self, cols: int, rows: int) -> None:
        self.tmux("resize-window", "-t", self.name, "-x", str(cols), "-y", str(rows), check=False)

    def close(self) -> None:
        self.tmux("kill-server", check=False)
        # tmux leaves its socket behind when killed
        tmpdir = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (tmpdir / self.socket).unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path):
    """Open the app on a store: `terminal(db, size=(80, 24))`; every session is killed."""
    opened: list[Terminal] = []

    def open_app(db: Path, **kwargs) -> Terminal:  # kwargs: size, term, via
        term = Terminal(db, tmp_path / f"home{len(opened)}", **kwargs)
        opened.append(term)
        return term

    yield open_app
    for term in opened:
        term.close()


def env_for(term: Terminal) -> dict[str, str]:
    return {**os.environ, **term.env}
