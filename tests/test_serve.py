"""`newsdesk serve`: the desk for browsers. Every request off 127.0.0.1 brings a token;
each browser's app records its own analyst. Driven here over HTTP and the websocket the
page's terminal uses (what a browser sends: keystrokes as text)."""
from __future__ import annotations

import asyncio
import re
import sqlite3
import time

import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from newsdesk.tui.serve import ANALYST_COOKIE, TOKEN_COOKIE, DeskServer
from tests.test_reliability import _processes_naming

TOKEN = "s3cret-token"


async def _client(server: DeskServer) -> TestClient:
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    return client


async def test_off_this_machine_nothing_is_served_without_the_token(seeded_db):
    client = await _client(DeskServer(seeded_db, host="0.0.0.0", tokens={TOKEN: ""}))
    try:
        for path in ("/", "/?token=wrong", "/static/css/xterm.css", "/ws?width=80&height=24"):
            response = await client.get(path)
            assert response.status == 403, path
            assert "needs the token" in await response.text()
        with pytest.raises(WSServerHandshakeError) as refused:
            await client.ws_connect("/ws?width=80&height=24")
        assert refused.value.status == 403
        # with it: the prompt for a name first, the token kept in a cookie from there on
        response = await client.get(f"/?token={TOKEN}")
        assert response.status == 200
        assert 'name="analyst"' in await response.text()
        assert client.session.cookie_jar.filter_cookies(client.make_url("/"))[TOKEN_COOKIE]
        response = await client.get("/?analyst=jdoe")
        page = await response.text()
        assert response.status == 200 and "ws://" in page
        # the websocket is where the browser reached the page, not the listening address
        assert "0.0.0.0" not in page
        assert client.session.cookie_jar.filter_cookies(
            client.make_url("/"))[ANALYST_COOKIE].value == "jdoe"
        assert (await client.get("/static/css/xterm.css")).status in (200, 404)
    finally:
        await client.close()


async def test_a_named_token_says_who_the_browser_is(seeded_db):
    server = DeskServer(seeded_db, host="0.0.0.0", tokens={"for-jdoe": "jdoe"})
    client = await _client(server)
    try:
        response = await client.get("/?token=for-jdoe&analyst=someone-else")
        assert response.status == 200 and "ws://" in await response.text()
        assert ANALYST_COOKIE not in client.session.cookie_jar.filter_cookies(
            client.make_url("/"))
    finally:
        await client.close()
    assert "--analyst jdoe" in server.command_for("jdoe")
    assert server.command_for(None).endswith("--analyst web")


async def test_a_tag_added_in_a_browser_is_in_the_store_as_its_analyst_s(seeded_db):
    client = await _client(DeskServer(seeded_db, host="127.0.0.1", tokens=None))
    try:
        await client.get("/?analyst=jdoe")
        ws = await client.ws_connect("/ws?width=120&height=40")
        shown = []

        async def read() -> None:
            async for message in ws:
                if isinstance(message.data, bytes):
                    shown.append(message.data.decode("utf-8", "replace"))

        reader = asyncio.create_task(read())

        async def until(pattern: str, timeout: float = 60.0) -> None:
            deadline = time.monotonic() + timeout
            while not re.search(pattern, "".join(shown)[-20000:]):
                assert time.monotonic() < deadline, f"{pattern!r} never came"
                await asyncio.sleep(0.1)

        async def keys(text: str) -> None:
            await ws.send_json(["stdin", text])
            await asyncio.sleep(0.3)

        await until(r"31 articles")
        await keys("/")
        await keys("Ramadi")
        await keys("\r")
        await until(r"1 article\b")
        await keys("\r")                     # open the Ramadi article
        await until("Entities")
        await keys("t")
        await until("Tag")
        await keys("from-the-browser")
        await keys("\r")
        deadline = time.monotonic() + 60
        while True:
            with sqlite3.connect(seeded_db) as conn:
                rows = conn.execute(
                    "SELECT t.tag, a.analyst FROM tags t JOIN audit a ON a.action = 'tag '"
                    " || t.tag WHERE t.tag = 'from-the-browser'").fetchall()
            if rows or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert rows == [("from-the-browser", "jdoe")]
        await ws.close()
        reader.cancel()
        # the browser gone, its app ends too (not left running on the server)
        deadline = time.monotonic() + 60
        while _processes_naming(seeded_db) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert _processes_naming(seeded_db) == []
    finally:
        await client.close()


def test_serve_refuses_a_bad_name_and_says_where_the_desk_is(seeded_db, monkeypatch):
    from click.testing import CliRunner

    import newsdesk.tui.serve as serving
    from newsdesk.cli import cli

    started = {}
    monkeypatch.setattr(serving, "serve", lambda db, **kw: started.update(kw, db=db))
    out = CliRunner().invoke(cli, ["--db", str(seeded_db), "serve", "--host", "10.1.2.3",
                                   "--analyst-token", "jdoe", "--token", "shared"])
    assert out.exit_code == 0, out.output
    assert "http://10.1.2.3:8000/?token=shared" in out.output
    [named] = [line for line in out.output.splitlines() if "records work as jdoe" in line]
    token = named.split("token=")[1].split()[0]
    assert started["tokens"] == {"shared": "", token: "jdoe"} and len(token) >= 32
    out = CliRunner().invoke(cli, ["--db", str(seeded_db), "serve", "--host", "10.1.2.3"])
    assert started["tokens"] and "?token=" in out.output  # off this machine: one is made
    out = CliRunner().invoke(cli, ["--db", str(seeded_db), "serve"])
    assert started["tokens"] is None and "this machine only" in out.output
    out = CliRunner().invoke(cli, ["--db", str(seeded_db), "serve", "--analyst-token", "a b"])
    assert out.exit_code != 0 and "letters, digits" in out.output
