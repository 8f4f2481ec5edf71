"""`newsdesk serve` in headless Chromium from Debian's packages (chromium, chromium-driver;
.ci/run installs them), driven with selenium: the token refused and then taken, the name
prompt, a search, the Ramadi article opened, a tag added from the browser in the store."""
from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="chromium and chromium-driver are not installed (.ci/run installs them)")
ROOT = Path(__file__).resolve().parent.parent
TOKEN = "browser-test-token"
PATIENCE_S = 90.0  # far above any real wait


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _until(condition, what: str, timeout: float = PATIENCE_S):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def served(seeded_db, tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSDESK_STATE": str(tmp_path / "s.json")}
    server = subprocess.Popen(
        [sys.executable, "-m", "newsdesk", "--db", str(seeded_db), "serve", "--host",
         "127.0.0.1", "--port", str(port), "--token", TOKEN],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def listening() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    try:
        _until(lambda: listening() or server.poll() is not None, "the server")
        assert server.poll() is None, server.stdout.read().decode()
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_desk_in_a_browser(served, browser, seeded_db, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    # without the token: the page, a file of it and the websocket are refused
    assert _status(f"{served}/") == 403
    assert _status(f"{served}/static/js/textual.js") == 403
    assert _status(f"{served}/ws?width=80&height=24") == 403
    browser.get(f"{served}/")
    assert "needs the token" in browser.page_source
    # with it: who is this browser? then the desk
    browser.get(f"{served}/?token={TOKEN}")
    name = _until(lambda: browser.find_elements(By.ID, "analyst"), "the name prompt")[0]
    name.send_keys("jdoe", Keys.ENTER)
    _until(lambda: browser.find_elements(By.ID, "terminal"), "the terminal")
    start = browser.find_elements(By.ID, "start")
    if start and start[0].is_displayed():
        start[0].click()
    _until(lambda: browser.find_elements(By.CSS_SELECTOR, ".xterm-helper-textarea"),
           "the terminal's input")

    with sqlite3.connect(seeded_db) as conn:
        ramadi = next(i for i, t in conn.execute("SELECT id, title FROM articles")
                      if "Ramadi" in t)

    def read_at() -> str | None:
        with sqlite3.connect(seeded_db) as conn:
            return conn.execute("SELECT read_at FROM articles WHERE id = ?",
                                [ramadi]).fetchone()[0]

    def press(*keys: str) -> None:
        box = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        browser.execute_script("arguments[0].focus()", box)
        for key in keys:
            ActionChains(browser).send_keys(key).perform()
            time.sleep(0.4)  # a person's pace: each key its own message

    time.sleep(3)  # the app's first frame; the keys below are read only once it runs
    browser.save_screenshot(str(tmp_path / "list-in-chromium.png"))
    press("/", "Ramadi", Keys.ENTER)
    press(Keys.ENTER)                   # the one match: the Ramadi article
    _until(read_at, "the Ramadi article opened in the browser")
    press("t")
    time.sleep(1)
    press("from-the-browser", Keys.ENTER)

    def tagged():
        with sqlite3.connect(seeded_db) as conn:
            return conn.execute("SELECT a.analyst FROM tags t JOIN audit a ON a.action ="
                                " 'tag ' || t.tag WHERE t.article_id = ? AND"
                                " t.tag = 'from-the-browser'", [ramadi]).fetchall()

    assert _until(tagged, "the tag in the store") == [("jdoe",)]
    shot = tmp_path / "desk-in-chromium.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000  # a drawn page, kept beside the test's files
