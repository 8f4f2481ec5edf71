"""newsdesk in a browser, for analysts whose workstation has no terminal: the same app run
by textual-serve, one process per browser, each recording its own analyst's name.

On 127.0.0.1 anyone on the machine may connect, as they may run newsdesk itself. On any
other address every request (the page, its files, the websocket that drives the app)
needs a token: in the address once (`?token=…`), then in a cookie the page sets.
"""
from __future__ import annotations

import hmac
import html
import re
import secrets
import shlex
import sys
from pathlib import Path

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

TOKEN_COOKIE = "newsdesk_token"
ANALYST_COOKIE = "newsdesk_analyst"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
# where the guard leaves the request's analyst for the websocket handler
ANALYST: web.RequestKey[str | None] = web.RequestKey("analyst", str)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def clean_name(name: str | None) -> str | None:
    """An analyst's name as typed into the prompt, or None if it is not a usable one."""
    name = (name or "").strip()
    return name if _NAME.fullmatch(name) else None


class DeskServer(Server):
    """`tokens`: token -> the analyst it names ("" lets the browser say who it is); None
    opens the desk without one (127.0.0.1 only)."""

    def __init__(self, db: Path, *, host: str = "127.0.0.1", port: int = 8000,
                 tokens: dict[str, str] | None = None) -> None:
        super().__init__("newsdesk", host=host, port=port, title="newsdesk")
        self.db = Path(db)
        self.tokens = tokens

    # -- who is asking --------------------------------------------------------------

    def _token_analyst(self, token: str | None) -> str | None:
        """The analyst a token names ("" when it names none), or None for a bad token."""
        if self.tokens is None:
            return ""
        for known, analyst in self.tokens.items():
            if token and hmac.compare_digest(token.encode(), known.encode()):
                return analyst
        return None

    @web.middleware
    async def guard(self, request: web.Request, handler):
        token = request.query.get("token") or request.cookies.get(TOKEN_COOKIE)
        named = self._token_analyst(token)
        if named is None:
            raise web.HTTPForbidden(text="newsdesk: this address needs the token it was"
                                         " served with (…/?token=…)\n")
        analyst = named or clean_name(request.query.get("analyst")) \
            or clean_name(request.cookies.get(ANALYST_COOKIE))
        request[ANALYST] = analyst
        if request.path == "/":
            if analyst is None:
                return self._ask_name(request)
            # the page tells the browser where the websocket is: at the address the browser
            # used (served on 0.0.0.0, "ws://0.0.0.0/ws" would lead nowhere). The index
            # handler reads it before it awaits anything, so requests cannot cross
            self.public_url = f"{request.scheme}://{request.host}"
        response = await handler(request)
        if isinstance(response, web.Response) and request.path == "/":
            if token and self.tokens is not None:
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
            if analyst and not named:
                response.set_cookie(ANALYST_COOKIE, analyst, httponly=True, samesite="Strict")
        return response

    def _ask_name(self, request: web.Request) -> web.Response:
        """The prompt: who the browser's work is recorded as."""
        token = request.query.get("token") or ""
        hidden = (f'<input type="hidden" name="token" value="{html.escape(token)}">'
                  if token else "")
        body = f"""<!doctype html><html><head><meta charset="utf-8"><title>newsdesk</title>
</head><body style="font-family: monospace; margin: 3em">
<form method="get" action="/"><label>Your name, as it is recorded on your work:
<input name="analyst" id="analyst" autofocus pattern="{_NAME.pattern}" required></label>
{hidden}<button type="submit">Open the desk</button></form></body></html>"""
        response = web.Response(text=body, content_type="text/html")
        if token and self.tokens is not None:
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
        return response

    # -- the app, one process per browser -------------------------------------------

    def command_for(self, analyst: str | None) -> str:
        return " ".join(shlex.quote(part) for part in (
            sys.executable, "-m", "newsdesk", "--db", str(self.db),
            "--analyst", analyst or "web"))

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()  # its /ws route calls our handle_websocket
        app.middlewares.append(self.guard)
        return app

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)
        service = AppService(self.command_for(request.get(ANALYST)),
                             write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                             close=websocket.close, download_manager=self.download_manager,
                             debug=self.debug)
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        finally:
            await service.stop()
        return websocket

    async def on_startup(self, app: web.Application) -> None:
        return None  # the CLI prints where the desk is, and the tokens


def serve(db: Path, *, host: str, port: int, tokens: dict[str, str] | None) -> None:
    DeskServer(db, host=host, port=port, tokens=tokens).serve()
