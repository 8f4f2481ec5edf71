"""Articles -> extraction -> store, a few dozen articles per transaction.

Extraction may run in worker processes (`workers`); reading, duplicate checks and every
write stay in this process, so there is one writer and the crash safety of a single one.
"""
from __future__ import annotations

import collections
import contextlib
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

from newsdesk import extract
from newsdesk.extract.identities import entity_groups
from newsdesk.extract.incidents import profile
from newsdesk.extract.text import clean_text, heading_spans
from newsdesk.ingest.article import Article, Failure, IngestReport, Partial
from newsdesk.store import Store, content_hash

# (articles read so far, where the current one came from, share of its source read or None)
Progress = Callable[[int, str, "float | None"], None]

# Articles extracted before one transaction stores them all: a commit per article cost
# ~0.3 ms of the ~4.5 ms an article takes. Extraction runs outside the transaction, so the
# write lock is held ~30 ms at a time and other analysts' writes barely wait; a crash
# loses at most this many articles, which the next ingest of the same source adds again.
WRITE_BATCH = 32
# Articles a worker process extracts per task: large enough that pickling the task costs
# little beside the extraction, small enough that every worker stays busy to the end.
TASK_SIZE = 16


@dataclass
class _Ready:
    """One article cleaned, checked against the store, waiting for its extraction."""
    origin: str
    item: Article
    title: str
    body: str
    published: Any
    digest: str
    replaces: int | None  # a stored teaser or bare link this full text replaces


def extract_article(title: str, body: str, published: Any
                    ) -> tuple[dict[str, Any], dict[str, str], dict[str, Any] | None,
                               list[dict[str, Any]] | None]:
    """(spans, {layer: error}, incident profile, entity groups) for one article; never
    raises, so an extractor's bug costs that layer of that article, never the article."""
    found, errors = extract.extract_layers(body, published, keep_going=True)
    try:
        incident: dict[str, Any] | None = profile(title, body, found, published) or {}
    except Exception as exc:  # noqa: BLE001 - the article is stored without a profile
        errors["incidents"] = f"{type(exc).__name__}: {exc}"[:200]
        incident = None
    try:
        groups: list[dict[str, Any]] | None = entity_groups(found["entities"])
    except Exception as exc:  # noqa: BLE001 - stored, resolved later by a re-extraction
        errors["identities"] = f"{type(exc).__name__}: {exc}"[:200]
        groups = None
    return dict(found), errors, incident, groups


def _extract_task(batch: list[tuple[str, str, Any]]) -> list[tuple[Any, ...]]:
    return [extract_article(*args) for args in batch]


def default_workers() -> int:
    """Extraction processes for a bulk load: one per core this process may use, and one
    more, which keeps the cores busy while this process reads and writes (a fifth of the
    work; measured on 2 cores: 1.56x one process with 2 workers, 1.80x with 3)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores + 1 if cores > 1 else 1


def ingest_items(store: Store, items: Iterable[Article | Failure], *,
                 published: str | None = None, source: str | None = None,
                 tags: list[str] | None = None, analyst: str = "ingest",
                 progress: Progress | None = None, workers: int = 1,
                 link_only_ok: bool = True) -> IngestReport:
    """Store each article with its machine spans; a failure never stops the batch.

    `workers` > 1: that many processes extract (bulk loads from the CLI), started only
    once the source proves longer than a few tasks."""
    report = IngestReport()
    ready = _checked(store, items, report, published, progress, link_only_ok)
    pending: list[tuple[_Ready, tuple[Any, ...]]] = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(store.bulk_cache())
        for entry, result in _extracted(ready, workers, stack):
            pending.append((entry, result))
            if len(pending) >= WRITE_BATCH:
                _store_pending(store, pending, report, source, tags, analyst)
        _store_pending(store, pending, report, source, tags, analyst)
    return report


ORPHAN_CHECK_S = 1.0


def _exit_with_parent() -> None:
    """In each extraction worker: end when the process that started it is gone. A killed
    ingest (kill -9, a closed SSH session) otherwise left its workers waiting for tasks for
    ever: each holds the task pipe open for the others, so none of them sees it close."""
    import threading

    parent = os.getppid()
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            import ctypes
            import signal

            # the kernel's own notice: SIGKILL when the parent dies
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # it died before the notice was asked for
                os._exit(0)

    def watch() -> None:  # elsewhere, and as a second line on Linux
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _start_pool(workers: int, stack: contextlib.ExitStack) -> Executor:
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the loaded gazetteers at no cost; with other threads about (the TUI,
    # a progress thread) a fresh interpreter per worker is the safe way
    method = "fork" if threading.active_count() == 1 and sys.platform == "linux" \
        else "forkserver" if sys.platform != "win32" else "spawn"
    if method == "fork":
        extract_article("Warm-up", "Officials in Baghdad said 3 people died on Monday.", None)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_exit_with_parent)
    stack.callback(pool.shutdown, cancel_futures=True)
    return pool


def _checked(store: Store, items: Iterable[Article | Failure], report: IngestReport,
             published: str | None, progress: Progress | None, link_only_ok: bool
             ) -> Iterator[_Ready]:
    """Articles cleaned, dated and not yet stored (duplicates and bad items reported)."""
    for n, item in enumerate(items, 1):
        if isinstance(item, Failure):
            report.failed.append(item)
            continue
        origin = item.origin or "?"
        if progress:
            progress(n, origin, item.position)
        # the one place article text is cleaned: every reader's output passes here
        title = clean_text(item.title).strip()
        body = clean_text(item.body)
        if item.link_only and not link_only_ok:
            report.failed.append(Failure(origin, "feed entry has no text, only a link"))
            continue
        if not title or (not body.strip() and not item.link_only):
            report.failed.append(Failure(origin, "no title or no body once control"
                                         " characters are removed"))
            continue
        if item.encoding:
            report.encodings[item.encoding] = report.encodings.get(item.encoding, 0) + 1
        pub = extract.article_date(body, published or item.published)
        # a bare link has no text to tell it from another with the same title: its URL does
        digest = content_hash(title, item.url or "") if item.link_only else content_hash(title, body)
        partial = None if item.summary_only or item.link_only else store.partial_at(item.url)
        same = store.find_duplicate(title, body, None if partial else item.url, digest=digest)
        if same is not None and same != partial:
            report.duplicates.append(origin)
            continue
        yield _Ready(origin, item, title, body, pub, digest, partial)


def _extracted(ready: Iterator[_Ready], workers: int, stack: contextlib.ExitStack
               ) -> Iterator[tuple[_Ready, tuple[Any, ...]]]:
    """Each article with its extraction, in the order read."""
    head = list(itertools.islice(ready, 2 * TASK_SIZE)) if workers > 1 else []
    if workers <= 1 or len(head) < 2 * TASK_SIZE:  # a handful: not worth a process
        for entry in itertools.chain(head, ready):
            yield entry, extract_article(entry.title, entry.body, entry.published)
        return
    pool = _start_pool(workers, stack)
    # a bounded window of tasks in flight: memory stays flat however long the source
    in_flight: collections.deque[tuple[list[_Ready], Future]] = collections.deque()
    limit = 3 * workers
    batch: list[_Ready] = []

    def submit() -> None:
        in_flight.append((list(batch), pool.submit(
            _extract_task, [(e.title, e.body, e.published) for e in batch])))
        batch.clear()

    for entry in itertools.chain(head, ready):
        batch.append(entry)
        if len(batch) >= TASK_SIZE:
            submit()
            while len(in_flight) >= limit:
                yield from _collect(*in_flight.popleft())
    if batch:
        submit()
    while in_flight:
        yield from _collect(*in_flight.popleft())


def _collect(entries: list[_Ready], future: Future) -> Iterator[tuple[_Ready, tuple[Any, ...]]]:
    try:
        results = future.result()
    except Exception:  # noqa: BLE001 - a worker died (killed, out of memory): extract here
        results = [extract_article(e.title, e.body, e.published) for e in entries]
    yield from zip(entries, results)


def _iso(day: object) -> str | None:
    return day.isoformat() if hasattr(day, "isoformat") else day  # type: ignore[return-value]


def _store_pending(store: Store, pending: list[tuple[_Ready, tuple[Any, ...]]],
                   report: IngestReport, source: str | None, tags: list[str] | None,
                   analyst: str) -> None:
    if not pending:
        return
    with store.write():  # add_article joins this transaction
        for entry, (found, errors, incident, groups) in pending:
            item = entry.item
            if entry.replaces is not None:
                store.replace_text(
                    entry.replaces, title=entry.title, body=entry.body,
                    headings=heading_spans(entry.body), extraction=found,
                    version=extract.VERSION, errors=errors, published=_iso(entry.published),
                    author=item.author, site_name=item.site_name, language=item.language,
                    profile=incident, entities=groups)
                report.replaced.append(entry.replaces)
                article_id, created = entry.replaces, False
            else:
                article_id, created = store.add_article(
                    title=entry.title, body=entry.body, published=_iso(entry.published),
                    url=item.url, digest=entry.digest, source=source or item.source,
                    language=item.language, origin=entry.origin,
                    headings=heading_spans(entry.body), extraction=found,
                    extractor_version=extract.VERSION, tags=[*(tags or []), *item.tags],
                    analyst=analyst, author=item.author, site_name=item.site_name,
                    summary_only=item.summary_only, link_only=item.link_only,
                    profile=incident, extraction_errors=errors, entities=groups)
                if created:
                    report.new.append(article_id)
                else:  # the same text twice in one batch, or another writer got there first
                    report.duplicates.append(entry.origin)
            if errors and (created or entry.replaces is not None):
                report.partial.append(Partial(entry.origin, article_id, errors))
    pending.clear()


def ingest_seeds(store: Store) -> IngestReport:
    """Fill a new store with the sample articles shipped in seeds/."""
    from newsdesk.ingest.sources import iter_paths
    from newsdesk.seeds import SEED_DIR

    return ingest_items(store, iter_paths([SEED_DIR]), tags=["seed"])
