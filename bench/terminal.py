"""Run the real app in a pseudo-terminal, as a user over SSH would: cold start to the first
painted list, bytes the terminal receives per keystroke, and peak memory."""
from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOWN, PAGE_DOWN = b"\x1b[B", b"\x1b[6~"


class Terminal:
    def __init__(self, db: Path, cols: int = 120, rows: int = 40) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.ready = Path(self.tmp.name) / "ready.json"
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        # as an installed app starts: with its modules' bytecode (a shell that forbids
        # writing it makes every start compile them, 30-40 ms here)
        inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {**inherited, "TERM": "xterm-256color", "NEWSDESK_READY_FILE": str(self.ready),
               # the frames kept at each quit (newsdesk.instant) in bench/out, not the
               # user's cache: a run after a quit shows the last one, as an analyst's does.
               # Under the tests, theirs: its gazetteer tables are built once for the run
               # (built anew in the app, they took the keys' time in a byte count)
               "NEWSDESK_CACHE": inherited.get("NEWSDESK_CACHE",
                                               str(ROOT / "bench" / "out" / "cache")),
               "NEWSDESK_STATE": str(Path(self.tmp.name) / "state.json"),
               "NEWSDESK_CONFIG": str(Path(self.tmp.name) / "config.toml"),
               "PYTHONPATH": str(ROOT)}
        self.started = time.time()
        self.proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "--db", str(db)],
                                     stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.received = 0

    def _read(self, wait: float) -> bytes | None:
        """What the app writes within `wait` seconds; None if nothing came or it is gone."""
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return None
        try:
            return os.read(self.master, 65536)
        except OSError:
            return None

    def _drain(self, quiet: float = 0.15, limit: float = 10.0) -> int:
        """Read until the app has written nothing for `quiet` seconds; bytes read."""
        got = 0
        deadline = time.time() + limit
        while time.time() < deadline:
            chunk = self._read(quiet)
            if chunk is None:
                break
            got += len(chunk)
        self.received += got
        return got

    def wait_painted(self, limit: float = 60.0) -> dict:
        deadline = time.time() + limit
        while time.time() < deadline:
            self._drain(quiet=0.01, limit=0.05)
            if self.ready.exists() and self.ready.stat().st_size:
                info = json.loads(self.ready.read_text())
                # the list answering keys (Textual's first paint), and the list on screen:
                # the last quit's frame, where it was still true, or that same paint
                info["cold_start_s"] = info["painted_at"] - self.started
                shown = info.get("shown_at") or info["painted_at"]
                info["on_screen_s"] = min(shown, info["painted_at"]) - self.started
                return info
        raise TimeoutError("the list never painted")

    def keystroke_bytes(self, key: bytes, times: int) -> list[int]:
        self._drain(quiet=0.3)
        sizes = []
        for _ in range(times):
            os.write(self.master, key)
            sizes.append(self._drain())
        return sizes

    def press(self, key: bytes) -> None:
        os.write(self.master, key)
        self._drain(quiet=0.3)

    def latency(self, keys: bytes, quiet: float = 1.0, blink: int = 256) -> float:
        """Seconds from the last of `keys` (sent at once, as a paste or fast typing over
        SSH arrives) to the last byte of what the app painted in answer. Writes of at most
        `blink` bytes (a text box's cursor blinking, 150-180 bytes) are no answer: they come every
        half second for as long as the box has focus."""
        self._drain(quiet=quiet, limit=2.0)  # a blinking cursor never goes quiet
        os.write(self.master, keys)
        sent = time.time()
        last: float | None = None  # the last answering write; none yet: wait for one
        deadline = sent + 60
        while time.time() < deadline:
            wait = deadline - time.time() if last is None else quiet - (time.time() - last)
            if wait <= 0:
                break
            chunk = self._read(wait)
            if chunk is None:
                break
            self.received += len(chunk)
            if len(chunk) > blink:
                last = time.time()
        return (last or time.time()) - sent

    def cpu_s(self) -> float:
        """CPU seconds the app has used so far (user + system)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def close(self) -> None:
        try:
            os.write(self.master, b"q")
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)
        self.tmp.cleanup()


def measure(db: Path, cold_runs: int = 3) -> dict:
    """Cold start (median of runs), per-keystroke bytes, peak RSS, over a real pty."""
    starts = []
    result: dict = {}
    for run in range(cold_runs):
        term = Terminal(db)
        try:
            info = term.wait_painted()
            starts.append(info["cold_start_s"])
            if run == cold_runs - 1:
                result["rows_loaded"] = info["rows_loaded"]
                result["list_total"] = info["total"]
                result["list_down_bytes"] = term.keystroke_bytes(DOWN, 20)
                term.press(b"\r")  # open the article under the cursor
                result["reader_pagedown_bytes"] = term.keystroke_bytes(PAGE_DOWN, 10)
                result["reader_down_bytes"] = term.keystroke_bytes(DOWN, 20)
                term.press(b"\x1b")  # back to the list
                term.press(b"/")
                for ch in b"killed":
                    term.press(bytes([ch]))
                term.press(b"\r")
                result["peak_rss_kb"] = term.peak_rss_kb()
        finally:
            term.close()
    result["cold_start_s"] = starts
    return result


def measure_big_list(db: Path, words: dict[str, str], runs: int = 3) -> dict[str, list[float]]:
    """The list at scale, in a real pty at 120x40 (warm cache: one untimed start first):
    cold start, each sort, search as you type (a word typed fast, a date range with a
    word), opening an article (CPU), and peak RSS after all of it. `words`: name -> word."""
    out: dict[str, list[float]] = {}

    def put(name: str, value: float) -> None:
        out.setdefault(name, []).append(value)

    Terminal(db).close()  # the store's pages into the OS cache
    for _ in range(runs):
        term = Terminal(db)
        try:
            started = term.wait_painted()
            put("cold start: the list on screen (s)", started["on_screen_s"])
            put("cold start: the list answering keys (s)", started["cold_start_s"])
            term._drain(quiet=0.5)
            for sort in ("oldest", "title", "killed", "ingested", "published"):
                put(f"sort by {sort} (s)", term.latency(b"s"))
            for name, word in words.items():
                term.press(b"/")
                put(f"search as you type, {name} word (s)", term.latency(word.encode()))
                term.latency(b"\x1b")  # the search cleared: the whole list again
            term.press(b"/")
            put("from:2016-05 to:2016-06 and a word (s)",
                term.latency(f"from:2016-05 to:2016-06 {words['common']}".encode()))
            term.press(b"\r")  # the search stays; the list has the keys again
            for sort in ("oldest", "title", "killed", "ingested", "published"):
                put(f"that search sorted by {sort} (s)", term.latency(b"s"))
            term.latency(b"\x1b")  # the whole list again
            # a common word alone: in half the store, no date order to read it by
            term.press(b"/")
            term.latency(words["common"].encode())
            term.press(b"\r")
            for sort in ("oldest", "title", "killed", "ingested", "published"):
                put(f"the common word sorted by {sort} (s)", term.latency(b"s"))
            term.latency(b"\x1b")
            for name in ("open the first article (builds the reader; CPU ms)",
                         "open an article (CPU ms)", "open an article (CPU ms)"):
                before = term.cpu_s()
                term.latency(b"\r")
                put(name, 1000 * (term.cpu_s() - before))
                term.press(b"\x1b")
                term.press(DOWN)
            put("peak RSS (MB)", term.peak_rss_kb() / 1024)
        finally:
            term.close()
    return out
