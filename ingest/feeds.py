"""RSS 1.0/2.0 and Atom feeds (feedparser): one article per entry."""
from __future__ import annotations

import re

from newsdesk.extract.text import clean_text
from newsdesk.ingest.article import Article, Failure
from newsdesk.ingest.dates import iso_date
from newsdesk.ingest.fetch import is_url
from newsdesk.ingest.html import fragment_text
from newsdesk.ingest.titles import strip_site_name

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") and any(t in head for t in (b"<rss", b"<feed", b"<rdf")) \
        or head.startswith((b"<rss", b"<feed", b"<rdf:rdf"))


def read_feed(data: bytes, origin: str, content_type: str | None = None
              ) -> tuple[dict, list[Article | Failure]]:
    """(feed info {title, link}, one Article or Failure per entry)."""
    import feedparser

    if _ENTITY_DECLARATION.search(data[:65536]):
        # real feeds never declare entities; billion-laughs and XXE payloads do
        return {}, [Failure(origin, "refused: the feed declares XML entities "
                                    "(an entity-expansion or external-entity attack)")]
    headers = {"content-type": content_type} if content_type else None
    try:
        parsed = feedparser.parse(data, response_headers=headers)
    except Exception as exc:  # feedparser is lenient, but not about everything
        return {}, [Failure(origin, f"cannot parse the feed ({type(exc).__name__})")]
    if not parsed.get("version") and not parsed.entries:
        head = data[:1024].lower()
        if b"<html" in head or b"<!doctype html" in head:
            return {}, [Failure(origin, "not an RSS or Atom feed: it is an HTML page")]
        reason = parsed.get("bozo_exception")
        why = f" ({str(reason).splitlines()[0][:120]})" if reason else ""
        return {}, [Failure(origin, f"not an RSS or Atom feed{why}")]
    feed = parsed.feed
    info = {"title": clean_text(feed.get("title") or "").strip() or None,
            "link": feed.get("link")}
    items: list[Article | Failure] = []
    for n, entry in enumerate(parsed.entries, 1):
        where = entry.get("link") or f"{origin} entry {n}"
        content = entry.get("content") or []
        full = max((c.get("value") or "" for c in content), key=len, default="")
        summary = entry.get("summary") or ""
        body = fragment_text(full or summary)
        title = (entry.get("title") or "").strip()  # cleaned once, by the pipeline
        link = entry.get("link")
        if " ".join(body.split()) == " ".join(title.split()):
            body = ""  # a summary that only repeats the title says nothing more
        if not body and not (title and is_url(link or "")):
            items.append(Failure(where, "feed entry has no text and no link to it"))
            continue
        if not title:
            title = body.split("\n", 1)[0][:120]
        title = strip_site_name(title, [info["title"]], entry.get("link"))
        published = (iso_date(entry.get("published_parsed")) or iso_date(entry.get("updated_parsed"))
                     or iso_date(entry.get("published")) or iso_date(entry.get("updated")))
        items.append(Article(
            title=title, body=body, published=published, url=link,
            source=info["title"], origin=where, author=entry.get("author"),
            site_name=info["title"],
            summary_only=bool(body) and not full,  # no content, only its summary
            link_only=not body,  # a title and a link: the page is fetched on demand
        ))
    return info, items
