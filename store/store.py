"""`Store`: intent-named methods over one SQLite file, returning plain data."""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsdesk.store.analyst import AnalystWork
from newsdesk.store.steps import KNOWN_STEPS, LIST_KEY, LIST_KEY_SPAN, MIGRATION_SET

BUSY_TIMEOUT_MS = 15_000
WRITE_ATTEMPTS = 5
PAGE_SIZE = 100

# sort name -> (key expressions, direction). Every order ends on the unique id, so pages are
# stable and a page can start right after a given article (keyset paging); each has an
# index (migration 0004). Undated articles come last both ways.
SORT_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "published": (("coalesce(a.published, '')", "a.id"), "DESC"),
    "oldest": (("coalesce(a.published, '9999')", "a.id"), "ASC"),
    "title": (("a.title COLLATE NOCASE", "a.id"), "ASC"),
    "killed": (("a.killed_min", "a.id"), "DESC"),
    "ingested": (("a.id",), "DESC"),
}
SORTS: dict[str, str] = {name: ", ".join(f"{k} {d}" for k in keys)
                         for name, (keys, d) in SORT_KEYS.items()}
# counting every match of a common word costs more than it tells: past this, "10,000+"
COUNT_CAP = 10_000
FILTERED_SEARCH_CAP = 1_000



class StoreError(Exception):
    """A store problem worth one clear line to the user."""


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@lru_cache(maxsize=8)  # ingest asks twice per article: before extracting, and on insert
def content_hash(title: str, body: str) -> str:
    """Hash of the text as a reader sees it: case, spacing and Unicode form do not count."""
    norm = unicodedata.normalize("NFC", f"{title}\n{body}").casefold()
    norm = re.sub(r"\s+", " ", norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


_FTS_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(user_text: str, prefix_last: bool = True) -> str | None:
    """Turn anything a user types into a safe FTS5 query: words ANDed, each quoted.

    FTS5 syntax in the input (quotes, NEAR, column filters, stray operators)
    is taken literally, so no search string can raise a syntax error.
    """
    words = _FTS_WORD.findall(user_text)
    if not words:
        return None
    parts = [f'"{w}"' for w in words]
    if prefix_last:
        parts[-1] += "*"
    return " ".join(parts)


def _day_after(day: str) -> str:
    try:
        return (dt.date.fromisoformat(day[:10]) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return day + "\uffff"  # not a date: compare as text, after everything that starts with it


@dataclass(frozen=True)
class ArticleFilter:
    query: str = ""
    tag: str | None = None
    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    unread: bool = False
    flagged: bool = False
    has_casualties: bool = False


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list (no body: the list never loads text)."""

    id: int
    title: str
    source: str | None
    published: str | None
    n_entities: int
    n_quotes: int
    n_figures: int
    killed_min: int
    n_annotations: int
    n_tags: int
    read: bool
    flagged: bool


@dataclass
class StoredSpan:
    id: int
    kind: str
    label: str | None
    start: int
    end: int
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)


class Store(AnalystWork):
    """One store file. Open it per thread: an SQLite connection stays on its thread."""

    def __init__(self, path: str | Path | None = None, *, backup_before_migrate: bool = True):
        self.path = Path(path) if path not in (None, ":memory:") else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and self.path.is_dir():
                raise StoreError(f"{self.path}: is a directory, not a store file")
        try:
            conn = sqlite3.connect(
                str(self.path) if self.path else ":memory:",
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # we open transactions ourselves
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if self.path is not None:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a newsdesk store ({exc})") from exc
        self.conn = conn
        self._db = None
        self._migrate(backup_before_migrate)

    # -- lifecycle ---------------------------------------------------------

    @property
    def db(self):
        """sqlite-utils' view of the connection (schema reports, migrations)."""
        from sqlite_utils import Database

        if self._db is None:
            self._db = Database(self.conn)
        return self._db

    def _applied_steps(self) -> list[str]:
        try:
            return [r[0] for r in self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                [MIGRATION_SET])]
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise

    def _migrate(self, backup: bool) -> None:
        try:
            applied = self._applied_steps()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a newsdesk store ({exc})") from exc
        unknown = [name for name in applied if name not in KNOWN_STEPS]
        if unknown:
            raise StoreError(
                f"{self.path}: made by a newer newsdesk (schema step {unknown[-1]}); "
                "upgrade newsdesk to open it. The store was left untouched."
            )
        if tuple(applied) == KNOWN_STEPS:
            return  # up to date: the usual case, and no migration code is loaded
        from newsdesk.store.migrations import migrations

        if applied and backup and self.path is not None:
            self.backup(self.path.with_name(
                f"{self.path.name}.backup-{dt.datetime.now():%Y%m%d-%H%M%S}"))
        try:
            migrations.apply(self.db)
        except sqlite3.OperationalError:
            # two processes opened a new store at once and the other migrated first
            if [m.name for m in migrations.pending(self.db)]:
                raise

    def backup(self, target: Path) -> Path:
        """A consistent copy through SQLite's backup API (safe while others write)."""
        dest = sqlite3.connect(str(target))
        try:
            self.conn.backup(dest)
        finally:
            dest.close()
        return target

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction; IMMEDIATE so concurrent writers queue on busy_timeout
        instead of failing when a read lock cannot be upgraded. Inside an open transaction
        (a bulk load) it joins that one."""
        if self.conn.in_transaction:
            yield self.conn
            return
        for attempt in range(WRITE_ATTEMPTS):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                # busy_timeout already waited; a store hammered by many writers gets a
                # few more chances before the error reaches the analyst
                if "locked" not in str(exc) or attempt == WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- articles ------------------------------------------------------------

    def is_empty(self) -> bool:
        return self.conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None

    def find_duplicate(self, title: str, body: str, url: str | None = None) -> int | None:
        """The id of an article with the same text (or the same URL), if stored."""
        row = self.conn.execute(
            "SELECT id FROM articles WHERE content_hash = ?", [content_hash(title, body)]
        ).fetchone()
        if row is None and url:
            row = self.conn.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def add_article(
        self,
        *,
        title: str,
        body: str,
        published: str | None = None,
        url: str | None = None,
        source: str | None = None,
        language: str | None = None,
        origin: str | None = None,
        headings: list[tuple[int, int]] | None = None,
        extraction: Mapping[str, Any] | None = None,
        extractor_version: str | None = None,
        tags: list[str] | None = None,
        analyst: str = "ingest",
        author: str | None = None,
        site_name: str | None = None,
        summary_only: bool = False,
    ) -> tuple[int, bool]:
        """Store an article with its machine spans in one transaction.

        Returns (id, created); an article already stored (same text or URL)
        is left as it is and returns (its id, False).
        """
        digest = content_hash(title, body)
        with self.write() as conn:
            dup = conn.execute(
                "SELECT id FROM articles WHERE content_hash = ?"
                + (" OR url = ?" if url else ""),
                [digest, url] if url else [digest],
            ).fetchone()
            if dup:
                return dup[0], False
            stats = _extraction_stats(extraction or {})
            cur = conn.execute(
                """INSERT INTO articles (title, body, published, url, source, language, origin,
                       content_hash, headings, ingested_at, n_entities, n_quotes, n_figures,
                       killed_min, extractor_version, author, site_name, summary_only)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [title, body, published, url, source, language, origin, digest,
                 json.dumps(headings or []), utc_now(), stats["entities"], stats["quotes"],
                 stats["figures"], stats["killed"], extractor_version, author, site_name,
                 int(summary_only)],
            )
            article_id = cur.lastrowid
            if extraction:
                self._insert_spans(conn, article_id, extraction, extractor_version or "")
            for tag in tags or []:
                conn.execute(
                    "INSERT OR IGNORE INTO tags (article_id, tag, analyst, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    [article_id, tag, analyst, utc_now()],
                )
            return article_id, True

    def resolve_dates(self, article_id: int, dates: list[Mapping[str, Any]]) -> int:
        """New values for an article's date spans (same offsets) after its publication date
        changed; other spans, and the span ids corrections point at, stay as they are."""
        with self.write() as conn:
            changed = 0
            for d in dates:
                row = conn.execute(
                    "SELECT id, attrs FROM spans WHERE article_id = ? AND kind = 'date'"
                    ' AND start = ? AND "end" = ?', [article_id, d["start"], d["end"]]).fetchone()
                if row is None:
                    continue
                attrs = {**json.loads(row[1]), "value": d.get("value")}
                conn.execute("UPDATE spans SET attrs = ?, label = ? WHERE id = ?",
                             [json.dumps(attrs, ensure_ascii=False), d.get("granularity"), row[0]])
                changed += 1
            return changed

    def replace_spans(self, article_id: int, extraction: Mapping[str, Any], version: str) -> None:
        """Re-extraction: machine spans change, analyst tables are not touched."""
        stats = _extraction_stats(extraction)
        with self.write() as conn:
            conn.execute("DELETE FROM spans WHERE article_id = ?", [article_id])
            self._insert_spans(conn, article_id, extraction, version)
            # analysts' figure corrections still hold for the new spans (found by offsets)
            stats["figures"], stats["killed"] = self.corrected_figures(article_id)
            conn.execute(
                "UPDATE articles SET n_entities = ?, n_quotes = ?, n_figures = ?, killed_min = ?,"
                " extractor_version = ? WHERE id = ?",
                [stats["entities"], stats["quotes"], stats["figures"], stats["killed"],
                 version, article_id],
            )

    @staticmethod
    def _insert_spans(conn: sqlite3.Connection, article_id: int,
                      extraction: Mapping[str, Any], version: str) -> None:
        rows = []
        for group, kind, label_key in _SPAN_GROUPS:
            for item in extraction.get(group, []):
                attrs = {k: v for k, v in item.items()
                         if k not in ("start", "end", "text", label_key)}
                rows.append((article_id, kind, item.get(label_key), item["start"], item["end"],
                             item["text"], json.dumps(attrs, ensure_ascii=False), version))
        conn.executemany(
            'INSERT INTO spans (article_id, kind, label, start, "end", text, attrs,'
            " extractor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def article(self, article_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT id, title, body, published, url, source, language, origin, headings,"
            " ingested_at, read_at, flagged, extractor_version, author, site_name, summary_only"
            " FROM articles WHERE id = ?",
            [article_id],
        ).fetchone()
        if row is None:
            return None
        keys = ["id", "title", "body", "published", "url", "source", "language", "origin",
                "headings", "ingested_at", "read_at", "flagged", "extractor_version", "author",
                "site_name", "summary_only"]
        out = dict(zip(keys, row))
        out["headings"] = [tuple(h) for h in json.loads(out["headings"])]
        out["flagged"] = bool(out["flagged"])
        out["summary_only"] = bool(out["summary_only"])
        out["tags"] = self.tags(article_id)
        return out

    def spans(self, article_id: int, kind: str | None = None) -> list[StoredSpan]:
        sql = ('SELECT id, kind, label, start, "end", text, attrs FROM spans'
               " WHERE article_id = ?")
        args: list[Any] = [article_id]
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        sql += " ORDER BY start, id"
        return [StoredSpan(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]))
                for r in self.conn.execute(sql, args)]

    def _where(self, flt: ArticleFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        match = fts_query(flt.query) if flt.query else None
        if flt.query and match is None:
            clauses.append("0")  # only punctuation typed: nothing can match
        if match:
            clauses.append(f"a.id IN (SELECT rowid % {LIST_KEY_SPAN} FROM articles_fts"
                           " WHERE articles_fts MATCH ?)")
            args.append(match)
        if flt.tag:
            clauses.append("a.id IN (SELECT article_id FROM tags WHERE tag = ?)")
            args.append(flt.tag)
        if flt.source:
            clauses.append("a.source = ? COLLATE NOCASE")
            args.append(flt.source)
        if flt.date_from:
            clauses.append("a.published >= ?")
            args.append(flt.date_from)
        if flt.date_to:
            # inclusive of the whole last day, whatever time of day `published` carries
            clauses.append("a.published < ?")
            args.append(_day_after(flt.date_to))
        if flt.unread:
            clauses.append("a.read_at IS NULL")
        if flt.flagged:
            clauses.append("a.flagged = 1")
        if flt.has_casualties:
            clauses.append("a.n_figures > 0")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def page_articles(self, flt: ArticleFilter | None = None, *, sort: str = "published",
                      offset: int = 0, limit: int = PAGE_SIZE,
                      after: int | None = None) -> list[ArticleRow]:
        """One page of the list, never all rows. `after`: start right after that article
        (keyset paging: as fast deep in the list as at its top)."""
        flt = flt or ArticleFilter()
        if sort not in SORTS:
            raise StoreError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        match = fts_query(flt.query) if flt.query else None
        if match and sort == "published" and offset == 0:
            return self._rows(self._search_ids(match, flt, after, limit, forward=True))
        where, args = self._where(flt)
        if after is not None:
            clause, key_args = self._after(after, sort, forward=True)
            where = f"{where} AND {clause}" if where else f" WHERE {clause}"
            args = [*args, *key_args]
        sql = f"""
            SELECT a.id, a.title, a.source, a.published, a.n_entities, a.n_quotes, a.n_figures,
                   a.killed_min,
                   (SELECT count(*) FROM annotations n
                     WHERE n.article_id = a.id AND n.deleted_at IS NULL),
                   (SELECT count(*) FROM tags t WHERE t.article_id = a.id),
                   a.read_at IS NOT NULL, a.flagged
            FROM articles a {where}
            ORDER BY {SORTS[sort]}
            LIMIT ? OFFSET ?"""
        rows = self.conn.execute(sql, [*args, limit, offset]).fetchall()
        return [ArticleRow(*r[:10], bool(r[10]), bool(r[11])) for r in rows]

    # feed subscriptions
    def add_feed(self, url: str, tag: str | None = None) -> tuple[int, bool]:
        with self.write() as conn:
            row = conn.execute("SELECT id FROM feeds WHERE url = ?", [url]).fetchone()
            if row:
                conn.execute("UPDATE feeds SET tag = coalesce(?, tag) WHERE id = ?", [tag, row[0]])
                return row[0], False
            cur = conn.execute("INSERT INTO feeds (url, tag, added_at) VALUES (?, ?, ?)",
                               [url, tag, utc_now()])
            return cur.lastrowid, True

    def remove_feed(self, url: str) -> bool:
        with self.write() as conn:
            return conn.execute("DELETE FROM feeds WHERE url = ?", [url]).rowcount > 0

    def feeds(self) -> list[dict[str, Any]]:
        cur = self.conn.execute(
            "SELECT id, url, tag, title, etag, last_modified, added_at, checked_at, last_status"
            " FROM feeds ORDER BY id")
        keys = [d[0] for d in cur.description]
        return [dict(zip(keys, row)) for row in cur]

    def update_feed(self, feed_id: int, *, status: str, etag: str | None = None,
                    last_modified: str | None = None, title: str | None = None) -> None:
        with self.write() as conn:
            conn.execute(
                "UPDATE feeds SET last_status = ?, checked_at = ?, etag = coalesce(?, etag),"
                " last_modified = coalesce(?, last_modified), title = coalesce(?, title)"
                " WHERE id = ?", [status, utc_now(), etag, last_modified, title, feed_id])

    def find_titles(self, words: str, limit: int = 40) -> list[tuple[int, str, str | None]]:
        """(id, title, published) of articles whose title holds every word, newest first."""
        terms = [w for w in words.split() if w][:8]
        if not terms:
            return []
        clauses = " AND ".join("title LIKE ? ESCAPE '\\'" for _ in terms)
        args = ["%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for t in terms]
        sql = (f"SELECT id, title, published FROM articles WHERE {clauses} "
               "ORDER BY published DESC, id DESC LIMIT ?")
        return [tuple(r) for r in self.conn.execute(sql, [*args, limit])]


    _ROW_COLUMNS = """a.id, a.title, a.source, a.published, a.n_entities, a.n_quotes,
        a.n_figures, a.killed_min,
        (SELECT count(*) FROM annotations n WHERE n.article_id = a.id AND n.deleted_at IS NULL),
        (SELECT count(*) FROM tags t WHERE t.article_id = a.id),
        a.read_at IS NOT NULL, a.flagged"""

    def _rows(self, ids: list[int]) -> list[ArticleRow]:
        """List rows for these ids, in this order."""
        if not ids:
            return []
        found = {r[0]: r for r in self.conn.execute(
            f"SELECT {self._ROW_COLUMNS} FROM articles a WHERE a.id IN"
            f" ({', '.join('?' for _ in ids)})", ids)}
        return [ArticleRow(*r[:10], bool(r[10]), bool(r[11])) for r in (found.get(i) for i in ids)
                if r is not None]

    def _search_ids(self, match: str, flt: ArticleFilter, after: int | None, limit: int,
                    *, forward: bool) -> list[int]:
        """Ids of matching articles newest first (or oldest first backwards from `after`),
        read in the search index's own order and filtered a batch at a time: a common word
        costs no more than a rare one."""
        rest = replace(flt, query="")
        where, wargs = self._where(rest)
        op, order = ("<", "DESC") if forward else (">", "ASC")
        bound = None
        if after is not None:
            row = self.conn.execute(
                f"SELECT {LIST_KEY.format('a')} FROM articles a WHERE a.id = ?", [after]).fetchone()
            if row is None:
                raise StoreError(f"article {after} is not in the store")
            bound = row[0]
        batch = limit if not where else max(4 * limit, 200)
        ids: list[int] = []
        while len(ids) < limit:
            sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
            args: list[Any] = [match]
            if bound is not None:
                sql += f" AND rowid {op} ?"
                args.append(bound)
            keys = [r[0] for r in self.conn.execute(f"{sql} ORDER BY rowid {order} LIMIT ?",
                                                    [*args, batch])]
            if not keys:
                break
            candidates = [k % LIST_KEY_SPAN for k in keys]
            if where:
                kept = {r[0] for r in self.conn.execute(
                    f"SELECT a.id FROM articles a {where} AND a.id IN"
                    f" ({', '.join('?' for _ in candidates)})", [*wargs, *candidates])}
                candidates = [c for c in candidates if c in kept]
            ids.extend(candidates)
            if len(keys) < batch:
                break
            bound = keys[-1]
        return ids[:limit]

    def _after(self, article_id: int, sort: str, *, forward: bool) -> tuple[str, list[Any]]:
        """SQL that keeps the articles after (or before) one article in a sort order."""
        keys, direction = SORT_KEYS[sort]
        values = self.conn.execute(f"SELECT {', '.join(keys)} FROM articles a WHERE a.id = ?",
                                   [article_id]).fetchone()
        if values is None:
            raise StoreError(f"article {article_id} is not in the store")
        op = "<" if (direction == "DESC") == forward else ">"
        if len(keys) == 1:
            return f"{keys[0]} {op} ?", list(values)
        # Spelled out rather than as a row value `(k, id) < (?, ?)`: SQLite seeks the sort
        # index for `k <= ?` but scans it from the top for a row value, which costs ~3 ms
        # 50,000 rows deep instead of 0.03 ms.
        key, tie = keys
        return (f"{key} {op}= ? AND ({key} {op} ? OR {tie} {op} ?)",
                [values[0], values[0], values[1]])

    def count_for_list(self, flt: ArticleFilter) -> tuple[int, bool]:
        """(count, whether it stopped at a cap): exact for small results; a search with
        other filters stops at FILTERED_SEARCH_CAP, anything else at COUNT_CAP."""
        match = fts_query(flt.query) if flt.query else None
        if match and replace(flt, query="") != ArticleFilter():
            n = len(self._search_ids(match, flt, None, FILTERED_SEARCH_CAP + 1, forward=True))
            return min(n, FILTERED_SEARCH_CAP), n > FILTERED_SEARCH_CAP
        n = self.count_articles(flt, cap=COUNT_CAP)
        return min(n, COUNT_CAP), n > COUNT_CAP

    def count_articles(self, flt: ArticleFilter | None = None, cap: int | None = None) -> int:
        """How many articles the filter keeps; with `cap`, stops counting at cap + 1."""
        flt = flt or ArticleFilter()
        match = fts_query(flt.query) if flt.query else None
        if match and replace(flt, query="") == ArticleFilter():
            # words only: the search index can count without touching the articles
            sql = "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?"
            return self.conn.execute(sql + (" LIMIT ?)" if cap is not None else ")"),
                                     [match, cap + 1] if cap is not None else [match]
                                     ).fetchone()[0]
        where, args = self._where(flt)
        if cap is None:
            return self.conn.execute(f"SELECT count(*) FROM articles a {where}",
                                     args).fetchone()[0]
        return self.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM articles a {where}"
                                 " LIMIT ?)", [*args, cap + 1]).fetchone()[0]

    def neighbour(self, article_id: int, step: int, flt: ArticleFilter | None = None,
                  sort: str = "published") -> int | None:
        """The article `step` places away from `article_id` in the list's order."""
        flt = flt or ArticleFilter()
        match = fts_query(flt.query) if flt.query else None
        if match and sort == "published":
            ids = self._search_ids(match, flt, article_id, abs(step), forward=step > 0)
            return ids[abs(step) - 1] if len(ids) >= abs(step) else None
        keys, direction = SORT_KEYS[sort]
        where, args = self._where(flt)
        clause, key_args = self._after(article_id, sort, forward=step > 0)
        where = f"{where} AND {clause}" if where else f" WHERE {clause}"
        flip = {"ASC": "DESC", "DESC": "ASC"}
        order = ", ".join(f"{k} {direction if step > 0 else flip[direction]}" for k in keys)
        row = self.conn.execute(
            f"SELECT a.id FROM articles a {where} ORDER BY {order} LIMIT 1 OFFSET ?",
            [*args, *key_args, abs(step) - 1]).fetchone()
        return row[0] if row else None

    def mark_read(self, article_id: int) -> None:
        with self.write() as conn:
            conn.execute(
                "UPDATE articles SET read_at = ? WHERE id = ? AND read_at IS NULL",
                [utc_now(), article_id],
            )

    def set_flag(self, article_id: int, flagged: bool) -> None:
        with self.write() as conn:
            conn.execute("UPDATE articles SET flagged = ? WHERE id = ?", [int(flagged), article_id])

    def toggle_flag(self, article_id: int) -> bool:
        """Flip the flag in one statement; returns the new state."""
        with self.write() as conn:
            row = conn.execute(
                "UPDATE articles SET flagged = 1 - flagged WHERE id = ? RETURNING flagged",
                [article_id]).fetchone()
        if row is None:
            raise StoreError(f"article {article_id} is not in the store")
        return bool(row[0])

    def tags(self, article_id: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT tag FROM tags WHERE article_id = ? ORDER BY tag", [article_id])]

    def sources(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY source")]

    def stats(self) -> dict[str, int]:
        one = self.conn.execute
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "spans": one("SELECT count(*) FROM spans").fetchone()[0],
            "unread": one("SELECT count(*) FROM articles WHERE read_at IS NULL").fetchone()[0],
            "tags": one("SELECT count(*) FROM tags").fetchone()[0],
            "annotations": one("SELECT count(*) FROM annotations").fetchone()[0],
            "events": one("SELECT count(*) FROM events").fetchone()[0],
        }

    def schema(self) -> dict[str, list[str]]:
        """Table name -> column names (for tests and `newsdesk info`)."""
        return {t.name: [c.name for c in t.columns] for t in self.db.tables}

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# (extraction group, span kind, the field stored as the span's label)
_SPAN_GROUPS = (
    ("entities", "entity", "label"),
    ("casualties", "casualty", "kind"),
    ("quotes", "quote", "kind"),
    ("dates", "date", "granularity"),
)


def killed_total(figures: Iterable[Mapping[str, Any]]) -> int:
    """The article's death toll: the least number killed, counting neither a figure inside
    another ("including three children") nor one repeated."""
    return sum((f.get("min") or 0) for f in figures
               if f.get("kind") == "killed" and not f.get("subset") and not f.get("repeat"))


def _extraction_stats(extraction: Mapping[str, Any]) -> dict[str, int]:
    figures = extraction.get("casualties", [])
    killed = killed_total(figures)
    return {
        "entities": len({e.get("canonical") or e["text"] for e in extraction.get("entities", [])}),
        "quotes": len(extraction.get("quotes", [])),
        "figures": len(figures),
        "killed": killed,
    }
