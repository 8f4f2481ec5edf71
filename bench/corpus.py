"""Benchmark material made from the shipped seeds: varied copies, CoNLL-sized documents, and
a 100,000-article store kept in bench/out/ between runs."""
from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from pathlib import Path

from newsdesk import extract
from newsdesk.extract.identities import entity_groups
from newsdesk.extract.incidents import profile
from newsdesk.ingest import Article, iter_paths
from newsdesk.seeds import SEED_DIR
from newsdesk.store import Store

# CoNLL-2003's development documents average 1,275 characters
CONLL_DOC_CHARS = 1275
SOURCES = ("Wikinews", "Reuters", "AFP", "al-Araby al-Jadeed", "Associated Press", "BBC")


def seed_articles() -> list[Article]:
    return [a for a in iter_paths([SEED_DIR]) if isinstance(a, Article)]


def varied(n: int, start: int = 0) -> Iterator[Article]:
    """n distinct articles: a seed with a numbered title and a line appended (the seed's
    offsets hold, so its extraction still fits), spread over 2006-2024."""
    seeds = seed_articles()
    rng = random.Random(start)
    base = dt.date(2006, 1, 1)
    for i in range(start, start + n):
        seed = seeds[i % len(seeds)]
        published = base + dt.timedelta(days=rng.randrange(0, 19 * 365))
        yield Article(title=f"{seed.title} ({i})", body=f"{seed.body}\nDesk copy {i}.",
                      published=published.isoformat(), source=SOURCES[i % len(SOURCES)],
                      origin=f"bench-{i}")


def arriving(n: int, start: int, last_day: dt.date, days: int = 30) -> Iterator[Article]:
    """n distinct articles as a feed brings them: published over the `days` up to
    `last_day`, in order, so that reports of one event come close together."""
    rng = random.Random(start)
    seeds = seed_articles()
    dates = sorted(last_day - dt.timedelta(days=rng.randrange(0, days)) for _ in range(n))
    for i, published in zip(range(start, start + n), dates):
        seed = seeds[i % len(seeds)]
        yield Article(title=f"{seed.title} ({i})", body=f"{seed.body}\nDesk copy {i}.",
                      published=published.isoformat(), source=SOURCES[i % len(SOURCES)],
                      origin=f"bench-{i}")


def conll_sized() -> list[str]:
    """The seeds cut at paragraph ends into documents of about CoNLL's length."""
    docs = []
    for article in seed_articles():
        chunk = ""
        for para in article.body.split("\n"):
            chunk = f"{chunk}\n{para}" if chunk else para
            if len(chunk) >= CONLL_DOC_CHARS:
                docs.append(chunk)
                chunk = ""
        if len(chunk) > CONLL_DOC_CHARS // 3:
            docs.append(chunk)
    return docs


def _index_entities(store: Store, log=print) -> None:
    """A big store built before the entity index: index it from its seeds' groups."""
    if not store.articles_without_entities(1):
        return
    groups = {a.title: entity_groups(extract.extract(a.body, a.published)["entities"])
              for a in seed_articles()}
    t0 = time.perf_counter()
    done = 0
    while ids := store.articles_without_entities(5000):
        with store.write() as conn:
            for article_id, title in conn.execute(
                    f"SELECT id, title FROM articles WHERE id IN ({', '.join(map(str, ids))})"
                    ).fetchall():
                store._index_entities(conn, article_id, groups[title.rsplit(" (", 1)[0]])
        done += len(ids)
        log(f"  entities indexed for {done:,} articles ({time.perf_counter() - t0:.0f} s)")
    store.conn.execute("ANALYZE")


def build_big_store(path: Path, n: int = 100_000, log=print) -> Path:
    """A store of n articles with full spans; built once (a few minutes), then reused."""
    if path.exists():
        # a generated store: migrate it in place, no backup copy of a gigabyte
        with Store(path, backup_before_migrate=False) as store:
            # a store built before incidents existed has no profiles: build it again
            profiled = store.conn.execute("SELECT count(*) FROM article_profiles").fetchone()[0]
            if store.count_articles() >= n and profiled:
                _index_entities(store, log)
                return path
        path.unlink()
    seeds = seed_articles()
    # each seed's extraction, reused for its copies (the appended line holds no figures)
    found = {a.title: extract.extract(a.body, a.published) for a in seeds}
    groups = {title: entity_groups(f["entities"]) for title, f in found.items()}
    profiles = {a.title: profile(a.title, a.body, found[a.title], a.published) for a in seeds}
    t0 = time.perf_counter()
    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    with Store(tmp) as store:
        batch = 5000
        for lo in range(0, n, batch):
            with store.write():
                for art in varied(min(batch, n - lo), lo):
                    seed_title = art.title.rsplit(" (", 1)[0]
                    # each copy happened on its own day: its incident is its own
                    own = profiles[seed_title]
                    if own is not None:
                        own = {**own, "date": art.published, "precision": "report",
                               "published": art.published, "mentioned_days": []}
                    article_id, _ = store.add_article(
                        title=art.title, body=art.body, published=art.published,
                        source=art.source, origin=art.origin, extraction=found[seed_title],
                        extractor_version=extract.VERSION,
                        tags=["bench", f"batch-{lo // batch}"], profile=own or {},
                        entities=groups[seed_title])
                    if article_id % 7 == 0:
                        store.conn.execute("UPDATE articles SET read_at = '2024-01-01' WHERE id = ?",
                                           [article_id])
            log(f"  built {lo + batch:,} of {n:,} articles ({time.perf_counter() - t0:.0f} s)")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("ANALYZE")
    tmp.rename(path)
    return path
