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
        env = {**os.environ, "TERM": "xterm-256color", "NEWSDESK_READY_FILE": str(self.ready),
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

    def _drain(self, quiet: float = 0.15, limit: float = 10.0) -> int:
        """Read until the app has written nothing for `quiet` seconds; bytes read."""
        got = 0
        deadline = time.time() + limit
        while time.time() < deadline:
            ready, _, _ = select.select([self.master], [], [], quiet)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
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
                info["cold_start_s"] = info["painted_at"] - self.started
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
