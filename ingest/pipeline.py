"""Articles -> extraction -> store, a few dozen articles per transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from newsdesk import extract
from newsdesk.extract.incidents import profile
from newsdesk.extract.text import clean_text, heading_spans
from newsdesk.ingest.article import Article, Failure, IngestReport
from newsdesk.store import Store, content_hash

Progress = Callable[[int, str], None]

# Articles extracted before one transaction stores them all: a commit per article cost
# ~0.3 ms of the ~4.5 ms an article takes. Extraction runs outside the transaction, so the
# write lock is held ~30 ms at a time and other analysts' writes barely wait; a crash
# loses at most this many articles, which the next ingest of the same source adds again.
WRITE_BATCH = 32


def ingest_items(store: Store, items: Iterable[Article | Failure], *,
                 published: str | None = None, source: str | None = None,
                 tags: list[str] | None = None, analyst: str = "ingest",
                 progress: Progress | None = None) -> IngestReport:
    """Store each article with its machine spans; a failure never stops the batch."""
    report = IngestReport()
    pending: list[tuple[str, dict[str, Any]]] = []
    for n, item in enumerate(items, 1):
        if isinstance(item, Failure):
            report.failed.append(item)
            continue
        origin = item.origin or "?"
        if progress:
            progress(n, origin)
        # the one place article text is cleaned: every reader's output passes here
        title = clean_text(item.title).strip()
        body = clean_text(item.body)
        if not title or not body.strip():
            report.failed.append(Failure(origin, "no title or no body once control"
                                         " characters are removed"))
            continue
        pub = extract.article_date(body, published or item.published)
        digest = content_hash(title, body)
        if store.find_duplicate(title, body, item.url, digest=digest) is not None:
            report.duplicates.append(origin)
            continue
        try:
            found = extract.extract(body, pub)
            incident = profile(title, body, found, pub) or {}
        except Exception as exc:  # an extractor bug must not lose the article
            report.failed.append(Failure(origin, f"extraction failed: {exc!r}"))
            continue
        pending.append((origin, dict(
            title=title, body=body, published=_iso(pub), url=item.url, digest=digest,
            source=source or item.source, language=item.language, origin=origin,
            headings=heading_spans(body), extraction=found,
            extractor_version=extract.VERSION, tags=[*(tags or []), *item.tags],
            analyst=analyst, author=item.author, site_name=item.site_name,
            summary_only=item.summary_only, profile=incident)))
        if len(pending) >= WRITE_BATCH:
            _store_pending(store, pending, report)
    _store_pending(store, pending, report)
    return report


def _iso(day: object) -> str | None:
    return day.isoformat() if hasattr(day, "isoformat") else day  # type: ignore[return-value]


def _store_pending(store: Store, pending: list[tuple[str, dict[str, Any]]],
                   report: IngestReport) -> None:
    if not pending:
        return
    with store.write():  # add_article joins this transaction
        for origin, fields in pending:
            article_id, created = store.add_article(**fields)
            if created:
                report.new.append(article_id)
            else:  # the same text twice in one batch, or another writer got there first
                report.duplicates.append(origin)
    pending.clear()


def ingest_seeds(store: Store) -> IngestReport:
    """Fill a new store with the sample articles shipped in seeds/."""
    from newsdesk.ingest.sources import iter_paths
    from newsdesk.seeds import SEED_DIR

    return ingest_items(store, iter_paths([SEED_DIR]), tags=["seed"])
