"""Feed subscriptions: fetch each feed (conditionally) and ingest only what is new."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsdesk.ingest.article import Failure, IngestReport
from newsdesk.ingest.feeds import read_feed
from newsdesk.ingest.fetch import FetchError, Response, fetch
from newsdesk.ingest.pipeline import ingest_items
from newsdesk.ingest.sources import read_bytes
from newsdesk.store import Store

Fetcher = Callable[..., Response]


@dataclass
class FeedResult:
    url: str
    status: str              # "3 new, 17 duplicates, 0 failed" / "not modified" / "failed: …"
    report: IngestReport | None = None


def ingest_url(store: Store, url: str, *, fetcher: Fetcher = fetch, mapping=None,
               tags: list[str] | None = None, analyst: str = "ingest",
               published: str | None = None, source: str | None = None) -> IngestReport:
    """One page, feed or data file fetched over HTTP(S); failures are reported, not raised."""
    try:
        resp = fetcher(url)
    except FetchError as exc:
        report = IngestReport()
        report.failed.append(Failure(url, str(exc)))
        return report
    items = read_bytes(resp.body, resp.url, content_type=resp.content_type, url=resp.url,
                       mapping=mapping)
    return ingest_items(store, items, tags=tags, analyst=analyst, published=published,
                        source=source)


def ingest_source(store: Store, source: str, *, stdin: bytes | None = None,
                  fmt: str | None = None, mapping=None, progress=None,
                  tags: list[str] | None = None, analyst: str = "ingest",
                  published: str | None = None, source_name: str | None = None,
                  workers: int = 1) -> IngestReport:
    """One thing to ingest as a person names it: '-' (the bytes given as `stdin`), a URL,
    or a file or folder path. The CLI and the TUI both come through here."""
    from pathlib import Path

    from newsdesk.ingest.fetch import is_url
    from newsdesk.ingest.sources import iter_paths

    options = {"tags": tags, "analyst": analyst, "published": published,
               "source": source_name}
    if source == "-":
        items = read_bytes(stdin or b"", "stdin", fmt=fmt or "text", mapping=mapping)
        return ingest_items(store, items, progress=progress, workers=workers, **options)
    if is_url(source):
        return ingest_url(store, source, mapping=mapping, **options)
    return ingest_items(store, iter_paths([Path(source).expanduser()], fmt=fmt,
                                          mapping=mapping), progress=progress,
                        workers=workers, **options)


def _fetch_new_pages(store: Store, report: IngestReport, fetcher: Fetcher, analyst: str) -> str:
    """The pages of the new entries that came as teasers or bare links."""
    from newsdesk.ingest.fulltext import fetch_full_text

    wanted = []
    for article_id in report.new:
        article = store.article(article_id)
        if article and (article["link_only"] or article["summary_only"]) and article["url"]:
            wanted.append(article_id)
    fetched = fetch_full_text(store, wanted, fetcher=fetcher, analyst=analyst)
    report.replaced.extend(fetched.filled)
    report.failed.extend(fetched.failed)
    return f"full text fetched for {len(fetched.filled)} of {len(wanted)}"


def refresh_feeds(store: Store, *, fetcher: Fetcher = fetch, analyst: str = "refresh"
                  ) -> list[FeedResult]:
    results = []
    for feed in store.feeds():
        try:
            resp = fetcher(feed["url"], etag=feed["etag"], last_modified=feed["last_modified"])
        except FetchError as exc:
            status = f"failed: {exc}"
            store.update_feed(feed["id"], status=status)
            results.append(FeedResult(feed["url"], status))
            continue
        if resp.status == 304:
            store.update_feed(feed["id"], status="not modified")
            results.append(FeedResult(feed["url"], "not modified"))
            continue
        info, items = read_feed(resp.body, feed["url"], resp.content_type)
        report = ingest_items(store, items, tags=[feed["tag"]] if feed["tag"] else None,
                              analyst=analyst)
        status = report.summary()
        if feed["full_text"]:
            status += "; " + _fetch_new_pages(store, report, fetcher, analyst)
        store.update_feed(feed["id"], status=status, etag=resp.etag,
                          last_modified=resp.last_modified, title=info.get("title"))
        results.append(FeedResult(feed["url"], status, report))
    return results
