"""A small local news site for fetch tests: a link-only RSS 1.0 feed, a feed of teasers,
and the pages they point to (every byte written here)."""
from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator

PAGE_TEXT = ("<p>Floodwater swept through the lower town of Sindh province on Tuesday, "
             "killing at least 14 people, officials said.</p><p>Rescue teams were still "
             "searching for nine people missing after the river burst its banks overnight, "
             "a spokesman for the provincial disaster authority told reporters.</p>")


def _page(title: str) -> bytes:
    return (f"<html><head><title>{title} | Valley Herald</title>"
            f'<meta property="og:site_name" content="Valley Herald"></head>'
            f"<body><article><h1>{title}</h1>{PAGE_TEXT}</article></body></html>").encode()


def _rss1(base: str) -> bytes:
    items = "".join(
        f'<item rdf:about="{base}/paper/{i}"><title>Paper {i}: river floods</title>'
        f"<link>{base}/paper/{i}</link></item>" for i in range(3))
    return (f'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
            f'syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="{base}/rss1">'
            f"<title>Journal of Floods</title><link>{base}</link><description>d</description>"
            f"</channel>{items}</rdf:RDF>").encode()


def _teasers(base: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Herald</title>'
            f"<link>{base}</link><description>d</description><item>"
            f"<title>Floods kill 14 in Sindh</title><link>{base}/story</link>"
            f"<description>Floodwater swept through the lower town.</description>"
            f"<pubDate>Tue, 16 Aug 2022 08:00:00 GMT</pubDate></item></channel></rss>").encode()


class Pages(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.hits.append(self.path)
        base = f"http://{self.headers['Host']}"
        if self.path == "/rss1":
            self._send("application/rss+xml", _rss1(base))
        elif self.path == "/teasers":
            self._send("application/rss+xml", _teasers(base))
        elif self.path.startswith("/paper/") or self.path == "/story":
            name = "Floods kill 14 in Sindh" if self.path == "/story" else \
                f"Paper {self.path.rsplit('/', 1)[1]}: river floods"
            self._send("text/html; charset=utf-8", _page(name))
        else:
            self.send_response(404)
            self.end_headers()

    def _send(self, ctype, body):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve_pages() -> Iterator[str]:
    """The site on a free local port, for as long as the block runs; its base URL."""
    Pages.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
