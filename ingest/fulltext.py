"""The full text of stored teasers and bare links, fetched from their pages."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsdesk.ingest.article import Article, Failure
from newsdesk.ingest.fetch import FetchError, Response, fetch
from newsdesk.ingest.html import read_html
from newsdesk.ingest.pipeline import ingest_items
from newsdesk.store import Store

Fetcher = Callable[..., Response]


@dataclass
class FetchReport:
    filled: list[int] = field(default_factory=list)      # article ids given their text
    failed: list[Failure] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.filled)} given their full text, {len(self.failed)} failed"


def fetch_full_text(store: Store, article_ids: Iterable[int] | None = None, *,
                    fetcher: Fetcher = fetch, analyst: str = "fetch",
                    progress: Callable[[int, str], None] | None = None) -> FetchReport:
    """Each article's page fetched and its main text stored in place of the teaser or
    bare link (notes and evidence keep their words). One request at a time, so never
    two at once to one host; the fetcher's timeout and size limit hold."""
    report = FetchReport()
    if article_ids is None:
        targets = store.articles_to_fetch()
    else:
        targets = []
        for article_id in article_ids:
            article = store.article(article_id)
            if article is None:
                report.failed.append(Failure(f"article {article_id}", "not in the store"))
            elif not article["url"]:
                report.failed.append(Failure(f"article {article_id}", "has no link to fetch"))
            elif not (article["link_only"] or article["summary_only"]):
                report.failed.append(Failure(f"article {article_id}",
                                             "has its full text already"))
            else:
                targets.append((article_id, article["url"]))
    for n, (_id, url) in enumerate(targets, 1):
        if progress:
            progress(n, url)
        page = _page(url, fetcher)
        if isinstance(page, Failure):
            report.failed.append(page)
            continue
        page.url = url  # the stored link, which finds the teaser (the page may redirect)
        done = ingest_items(store, [page], analyst=analyst)
        if done.replaced:
            report.filled.extend(done.replaced)
        else:
            reason = done.failed[0].reason if done.failed else \
                "the page's text is stored already as another article"
            report.failed.append(Failure(url, reason))
    return report


def _page(url: str, fetcher: Fetcher) -> Article | Failure:
    try:
        resp = fetcher(url)
    except FetchError as exc:
        return Failure(url, str(exc))
    ctype = (resp.content_type or "").split(";")[0].strip().lower()
    if ctype and "html" not in ctype and ctype not in ("text/plain", "application/xml"):
        return Failure(url, f"not a web page ({ctype})")
    return read_html(resp.body, url, resp.url)
