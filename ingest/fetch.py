"""HTTP(S) fetching with a timeout, a size limit and conditional requests (stdlib only)."""
from __future__ import annotations

import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsdesk.ingest.plaintext import MAX_TEXT_BYTES

TIMEOUT = 20.0
USER_AGENT = "newsdesk (+https://github.com/newsdesk; news reader)"


class FetchError(Exception):
    """A URL that could not be fetched; the message is the one-line reason."""


@dataclass
class Response:
    url: str                 # after redirects
    status: int              # 200, or 304 when nothing changed
    content_type: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https")


def fetch(url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_TEXT_BYTES,
          etag: str | None = None, last_modified: str | None = None) -> Response:
    if not is_url(url):
        raise FetchError("only http:// and https:// URLs can be fetched")
    headers = {"User-Agent": USER_AGENT,
               "Accept": "text/html, application/rss+xml, application/atom+xml, "
                         "application/xml;q=0.9, application/json;q=0.8, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # follows redirects
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"too large ({int(declared) // (1024 * 1024)} MB, "
                                 f"limit {max_bytes // (1024 * 1024)} MB)")
            body = resp.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"too large (over {max_bytes // (1024 * 1024)} MB)")
            return Response(url=resp.geturl(), status=resp.status,
                            content_type=resp.headers.get("Content-Type"), body=body,
                            etag=resp.headers.get("ETag"),
                            last_modified=resp.headers.get("Last-Modified"))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Response(url=url, status=304, content_type=None, body=b"", etag=etag,
                            last_modified=last_modified)
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"timed out after {timeout:g} s") from exc
        raise FetchError(f"cannot connect ({reason})") from exc
    except TimeoutError as exc:
        raise FetchError(f"timed out after {timeout:g} s") from exc
    except (ConnectionError, OSError) as exc:
        raise FetchError(f"connection failed ({exc})") from exc
    except ValueError as exc:  # malformed URL parts
        raise FetchError(f"bad URL ({exc})") from exc
