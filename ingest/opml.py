"""OPML, the subscription list every feed reader imports and exports (newsboat included)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from newsdesk.ingest.fetch import is_url

# newsdesk's own setting rides along under its namespace; other readers ignore it
NS = "https://newsdesk.invalid/opml"


class OpmlError(ValueError):
    """An OPML file that cannot be read; the message is the one-line reason."""


@dataclass
class Subscription:
    url: str
    title: str | None = None
    tag: str | None = None        # the outline folder it sat in
    full_text: bool = False


def read_opml(data: bytes) -> tuple[list[Subscription], list[str]]:
    """(feeds, one line per outline skipped and why)."""
    if b"<!ENTITY" in data[:65536].upper():
        raise OpmlError("refused: the file declares XML entities (an entity-expansion attack)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"not OPML: broken XML ({exc})") from None
    if root.tag != "opml" or root.find("body") is None:
        raise OpmlError(f"not OPML: the document is <{root.tag}>, not <opml> with a <body>")
    feeds: list[Subscription] = []
    skipped: list[str] = []

    def walk(node: ET.Element, folder: str | None) -> None:
        for outline in node.findall("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            name = (outline.get("title") or outline.get("text") or "").strip() or None
            if url:
                if is_url(url):
                    feeds.append(Subscription(url, name, folder,
                                              outline.get(f"{{{NS}}}fullText") == "true"))
                else:
                    skipped.append(f"{url}: not an http(s) feed address")
            elif len(outline):
                walk(outline, name or folder)  # a folder of feeds: its name tags them
            elif name:
                skipped.append(f"{name}: an outline with no feed address (xmlUrl)")

    walk(root.find("body"), None)  # type: ignore[arg-type]
    return feeds, skipped


def write_opml(feeds: list[dict], title: str = "newsdesk subscriptions") -> str:
    """Feeds as OPML 2.0: tagged feeds in a folder named by their tag."""
    def outline(feed: dict, indent: str) -> str:
        name = feed.get("title") or feed["url"]
        extra = ' newsdesk:fullText="true"' if feed.get("full_text") else ""
        return (f'{indent}<outline type="rss" text={quoteattr(name)} title={quoteattr(name)}'
                f" xmlUrl={quoteattr(feed['url'])}{extra}/>")

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<opml version="2.0" xmlns:newsdesk="{NS}">',
             f"  <head><title>{_text(title)}</title></head>", "  <body>"]
    folders: dict[str, list[dict]] = {}
    for feed in feeds:
        if feed.get("tag"):
            folders.setdefault(feed["tag"], []).append(feed)
        else:
            lines.append(outline(feed, "    "))
    for tag, members in folders.items():
        lines.append(f"    <outline text={quoteattr(tag)} title={quoteattr(tag)}>")
        lines.extend(outline(feed, "      ") for feed in members)
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
