"""The app over a real SSH session, as analysts reach the shared server: openssh's server on
127.0.0.1, started here with throwaway keys; the client in tmux, so the screen is read as
the analyst sees it and an OSC 52 copy lands in tmux's paste buffer."""
from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.terminal import PATIENCE_S, needs_tmux

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
needs_sshd = pytest.mark.skipif(not (Path(SSHD).exists() and shutil.which("ssh")),
                                reason="openssh-server is not installed (.ci/run installs it)")
pytestmark = [needs_tmux, needs_sshd]

# what a wrongly decoded UTF-8 character looks like on screen
MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf€™œ]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ssh_to_here(tmp_path_factory):
    """An sshd on 127.0.0.1 for this user, key login only; the ssh command that reaches it."""
    home = tmp_path_factory.mktemp("sshd")
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(home / name)], check=True)
    (home / "authorized_keys").write_text((home / "client.pub").read_text())
    os.chmod(home / "authorized_keys", 0o600)
    port = _free_port()
    config = home / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {home / 'host'}
PidFile {home / 'sshd.pid'}
AuthorizedKeysFile {home / 'authorized_keys'}
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PrintMotd no
""")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # its privilege-separation directory
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + PATIENCE_S
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if server.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"sshd did not start: {server.stderr.read().decode()[-800:]}")
        time.sleep(0.05)
    user = pwd.getpwuid(os.geteuid()).pw_name  # not $USER: the tests set it
    yield ["ssh", "-tt", "-q", "-i", str(home / "client"), "-p", str(port),
           "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "BatchMode=yes", f"{user}@127.0.0.1"]
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.parametrize("term_name", ["tmux-256color", "xterm-256color", "screen"])
def test_the_desk_over_ssh(seeded_db, terminal, ssh_to_here, term_name):
    """List, search, open, copy, resize and quit over SSH with each common TERM and no
    COLORTERM: every screen readable, the highlights told apart without truecolor, no
    mojibake under LANG=C.UTF-8, and the copy (OSC 52) through to the analyst's terminal."""
    term = terminal(seeded_db, size=(120, 40), term=term_name, via=ssh_to_here)
    # tmux takes an application's OSC 52 into its paste buffer (set once it is running)
    term.tmux("set-option", "-s", "set-clipboard", "on")
    shown = term.wait_for(r"31 articles  ·  sort:")
    assert not MOJIBAKE.search(shown), shown
    styled = term.screen(escapes=True)
    assert "38;2;" not in styled and "48;2;" not in styled  # no truecolor was sent
    rows = [line for line in styled.splitlines() if re.search(r"\d{4}-\d\d-\d\d", line)]
    cursor_row, other_row = rows[0], rows[1]
    assert re.match(r"(\x1b\[[0-9;]*m)+", cursor_row)
    assert cursor_row.split("m", 1)[0] != other_row.split("m", 1)[0]  # the cursor shows
    term.keys("/")
    term.type("Ramadi")
    term.keys("Enter")
    term.wait_for(r"\b1 article\b")
    term.keys("Enter")
    screen = term.wait_for("Entities")
    assert "Ramadi" in screen and not MOJIBAKE.search(screen)
    styled = term.screen(escapes=True)
    assert "38;2;" not in styled and "48;2;" not in styled
    # a highlighted name is styled apart from the words around it
    line = next(ln for ln in styled.splitlines() if "Ramadi" in ln and "\x1b[" in ln)
    assert len(set(re.findall(r"\x1b\[[0-9;]*m", line))) >= 2, line
    sentinel = f"nothing copied yet {term.name}"
    term.tmux("set-buffer", "--", sentinel)
    term.keys("Tab")                    # onto the first highlight
    term.keys("y")
    term.wait_for("copied")
    deadline = time.monotonic() + PATIENCE_S
    while term.clipboard().strip() == sentinel and time.monotonic() < deadline:
        time.sleep(0.05)
    copied = term.clipboard().strip()
    assert copied != sentinel and copied in screen, copied
    term.resize(80, 24)
    resized = term.wait_redrawn(80, 24)
    assert not MOJIBAKE.search(resized)
    term.resize(200, 60)
    term.wait_redrawn(200, 60)
    for _ in range(3):                  # off the highlight, then back to the list
        term.keys("Escape")
        if re.search(r"articles  ·  sort:", term.settle(quiet_s=0.3)):
            break
    term.wait_for(r"articles  ·  sort:")
    term.keys("q")
    deadline = time.monotonic() + PATIENCE_S
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not term.alive()  # the app quit and the SSH session with it
