"""Web pages: the article's main text and metadata, boilerplate left out (trafilatura)."""
from __future__ import annotations

import re

from newsdesk.ingest.article import Article, Failure
from newsdesk.ingest.dates import iso_date
from newsdesk.ingest.titles import strip_site_name

# a page under this many characters of main text is a menu, an index or an error page
MIN_TEXT_CHARS = 200


def read_html(data: bytes | str, origin: str, url: str | None = None) -> Article | Failure:
    import trafilatura  # heavy: only when a page is read

    try:
        doc = trafilatura.bare_extraction(data, url=url, with_metadata=True,
                                          include_comments=False, include_tables=False,
                                          favor_precision=True)
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken markup
        return Failure(origin, f"cannot parse the HTML ({type(exc).__name__})")
    if doc is None:
        return Failure(origin, "no article text found in the page")
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    # cleaned once, by the pipeline
    text = (meta.get("text") or "").strip()
    title = (meta.get("title") or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        return Failure(origin, f"no article text found in the page ({len(text)} characters)")
    lines = text.split("\n")
    if title and lines[0].strip() == title:
        text = "\n".join(lines[1:]).strip()  # the headline repeated as the first paragraph
    if not title:
        title = lines[0][:200]
    page_url = meta.get("url") or url
    title = strip_site_name(title, [meta.get("sitename")], page_url or meta.get("hostname"))
    # paragraphs one per line, as the plain-text articles have them
    text = re.sub(r"\n{2,}", "\n", text)
    return Article(
        title=title, body=text, published=iso_date(meta.get("date")),
        url=page_url, source=meta.get("sitename") or meta.get("hostname"),
        language=meta.get("language"), origin=origin,
        author=meta.get("author"), site_name=meta.get("sitename"),
    )


_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6]|blockquote|tr|section|article)>")


def fragment_text(fragment: str) -> str:
    """A feed entry's HTML content or summary as paragraphs of plain text."""
    import lxml.html

    marked = _BLOCK_END.sub("\n", fragment)
    try:
        root = lxml.html.fragment_fromstring(marked, create_parent="div")
        text = root.text_content()
    except Exception:  # not HTML after all, or markup lxml refuses: keep the characters
        text = re.sub(r"<[^>]{0,500}>", " ", marked)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
