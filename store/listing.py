"""The article list and search: filtered, sorted pages read a page at a time (keyset
paging), capped counts, neighbours, title search. Mixed into `Store`; only reads."""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import replace
from typing import Any

from newsdesk.store.records import ArticleFilter, ArticleRow, StoreError
from newsdesk.store.steps import LIST_KEY, LIST_KEY_SPAN

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
# the same orders for a set read from a filter's indexes and then sorted: `+` keeps SQLite
# from walking the order's index and testing every row against the filter instead
SORTED_SETS: dict[str, str] = {name: ", ".join(f"+{k} {d}" for k in keys)
                               for name, (keys, d) in SORT_KEYS.items()}
# counting every match of a common word costs more than it tells: past this, "10,000+"
COUNT_CAP = 10_000
FILTERED_SEARCH_CAP = 1_000



# Ways to check a search's words on an article (`_where`): "ids" reads the matches' ids
# from the search index (`a.id IN`: the read can start from them); "keys" reads its keys
# into a set that each row's own key is looked up in (the keys come sorted, so the set is
# built 2.5-6 times faster than one of ids, which come in date order); "probe" looks each
# row's key up in the search index itself (no set: a page of a common word costs a few
# hundred lookups, not a set of every match).
WORD_CHECKS = {
    "ids": ("{col}id IN (SELECT rowid % " + str(LIST_KEY_SPAN) + " FROM articles_fts"
            " WHERE articles_fts MATCH ?{bounds})"),
    "keys": "{key} IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{bounds})",
    "probe": ("EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?"
              " AND rowid = {key})"),
}
# What the read plans cost, in microseconds, as measured at 1,000,000 articles
# (`_words_plan`): a match read up the search index and checked a batch at a time; an
# article's row read; a match put into a set; a search-index lookup of one key is
# PROBE_BASE plus PROBE_PER_SEGMENT for each b-tree the index is in (1 after an optimize,
# 26 as a million were ingested).
COST_BATCH, COST_ROW, COST_SET = 6.0, 3.0, 0.4
PROBE_BASE, PROBE_PER_SEGMENT = 10.0, 12.0
# pieces of the search index past which `newsdesk ingest` suggests `newsdesk compact`
SEARCH_INDEX_PIECES_HINT = 16
# the words' matches are counted this far for a plan; past it, on only if it decides
WORDS_COUNT_CAP = 100_000
REST_COUNT_CAP = 20_000

_FTS_WORD = re.compile(r"\w+", re.UNICODE)
MIN_PREFIX = 3


def fts_query(user_text: str, prefix_last: bool = True) -> str | None:
    """Turn anything a user types into a safe FTS5 query: words ANDed, each quoted.

    FTS5 syntax in the input (quotes, NEAR, column filters, stray operators)
    is taken literally, so no search string can raise a syntax error.
    """
    words = _FTS_WORD.findall(user_text)
    if not words:
        return None
    parts = [f'"{w}"' for w in words]
    # a word being typed is a prefix once it says something: "c*" is most of the
    # vocabulary (0.1 s at 100,000 articles, the first key of every search), "c" a word
    if prefix_last and len(words[-1]) >= MIN_PREFIX:
        parts[-1] += "*"
    return " ".join(parts)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _day_after(day: str) -> str:
    try:
        return (dt.date.fromisoformat(day[:10]) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return day + "\uffff"  # not a date: compare as text, after everything that starts with it



_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _key_bounds(flt: ArticleFilter) -> tuple[str, list[int], bool]:
    """A date range as a range of the search index's rowids (the list key starts with the
    day): `from:2016-05 also` reads May 2016's matches, not every match newer than it.
    Wide enough for any day the dates may name. Also whether the range says exactly what
    the dates do (both whole days, as the search box writes them): then the date clause
    need not be checked on each match, which read every matching article's row (28-47 ms
    for 1,001 matches at a million articles)."""
    sql, args = "", []
    if flt.date_from:
        digits = re.sub(r"\D", "", flt.date_from)[:8]
        if digits:
            sql += " AND rowid >= ?"
            args.append(int(digits.ljust(8, "0")) * LIST_KEY_SPAN)
    elif flt.date_to:
        sql += " AND rowid >= ?"  # undated articles (day 0) are before no day
        args.append(LIST_KEY_SPAN)
    if flt.date_to:
        digits = re.sub(r"\D", "", flt.date_to)[:8]
        if digits:
            sql += " AND rowid < ?"
            args.append((int(digits.ljust(8, "9")) + 1) * LIST_KEY_SPAN)
    exact = all(day is None or _DAY.fullmatch(day) for day in (flt.date_from, flt.date_to))
    return sql, args, exact


def _words_and_rest(flt: ArticleFilter) -> tuple[str, list[int], ArticleFilter]:
    """A search read from the search index: its range of that index (the filter's days),
    and the conditions left to check on each match (no dates when the range says it all)."""
    bounds, bound_args, exact = _key_bounds(flt)
    rest = replace(flt, query="")
    if exact:
        rest = replace(rest, date_from=None, date_to=None)
    return bounds, bound_args, rest


def _seek_dates(where: str, args: list[Any], flt: ArticleFilter, sort: str
                ) -> tuple[str, list[Any]]:
    """A list walked down a date order, and a date filter: the filter once more, as a
    range of that order's own index, so the walk starts at the range instead of reaching
    it row by row (oldest first through 'from:2016-05 ... also' walked six years of a
    million articles: 70 ms). The same articles either way: undated ones are out."""
    if sort not in ("published", "oldest") or not (flt.date_from or flt.date_to):
        return where, args
    key = SORT_KEYS[sort][0][0]
    clauses = [f"{key} >= ?" if flt.date_from else f"{key} > ''",
               f"{key} < ?" if flt.date_to else f"{key} < '9999'"]
    bounds = [*([flt.date_from] if flt.date_from else []),
              *([_day_after(flt.date_to)] if flt.date_to else [])]
    joined = " AND ".join(clauses)
    return (f"{where} AND {joined}" if where else f" WHERE {joined}"), [*args, *bounds]


# plan -> (whether the order's own index is walked, how the words are checked)
_PLAN_READS: dict[str, tuple[bool, str]] = {
    "index": (True, "probe"), "probe-walk": (True, "probe"), "keys-walk": (True, "keys"),
    "sorted": (False, "ids"), "rest-probe": (False, "probe"), "rest-keys": (False, "keys"),
}


def _plan_costs(n_words: int, n_rest: int | None, total: int, want: int, probe: float,
                date_order: bool, counting: bool) -> dict[str, float]:
    """Each plan's cost in microseconds for `want` rows, if the words and the other
    conditions (n_rest articles; None: there are none) keep articles independently."""
    words = max(n_words, 1) / total
    kept = max(n_rest, 1) / total if n_rest is not None else 1.0
    walked = min(total, want / (words * kept))   # rows of the order's index walked
    costs = {
        "probe-walk": walked * COST_ROW + walked * kept * probe,
        "keys-walk": n_words * COST_SET + walked * COST_ROW,
        "sorted": n_words * (COST_SET + COST_ROW),
    }
    if date_order or counting:
        costs["index"] = min(n_words, want / kept) * COST_BATCH
    if n_rest is not None:
        # a count needs no order: it stops at `want` found, a sorted page reads them all
        read = min(n_rest, want / words) if counting else n_rest
        costs["rest-probe"] = read * (COST_ROW + probe)
        costs["rest-keys"] = n_words * COST_SET + n_rest * COST_ROW
    return costs


def _article_row(r: Any) -> ArticleRow:
    """A row of `_ROW_COLUMNS` (or the page query's same columns) as an ArticleRow."""
    return ArticleRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                      bool(r[10]), bool(r[11]))


class ArticleListing:
    """Read-only list queries over `self.conn`."""

    conn: sqlite3.Connection
    # filter -> whether it keeps more than COUNT_CAP articles: which way its pages are read
    # (a guess that may go stale costs speed, never a wrong row)
    _walk_memo: dict[str, bool]
    _walk_generation: tuple[int, int] | None  # the store's state the memo was made in

    def _where(self, flt: ArticleFilter, *, walk: bool = False, words: str = "ids"
               ) -> tuple[str, list[Any]]:
        """The filter as SQL over `articles a`. Each condition has an index to be read from
        (a range of the date index, a partial index, the search index); `walk` writes them
        so that none is used, for a list read down its order's own index instead, checking
        each row (a filter that keeps many articles: a page is found a few rows in).
        `words`: how the words are checked (WORD_CHECKS): "ids" reads their articles' ids
        from the search index, which can lead the read."""
        clauses: list[str] = []
        args: list[Any] = []
        plus = "+" if walk else ""
        col = f"{plus}a."
        match = fts_query(flt.query) if flt.query else None
        if flt.query and match is None:
            clauses.append("0")  # only punctuation typed: nothing can match
        dated = bool(flt.date_from or flt.date_to)
        words_clause: tuple[str, list[Any]] | None = None
        if match:
            bounds, bound_args, exact = _key_bounds(flt)
            words_clause = (WORD_CHECKS[words].format(col=col, key=LIST_KEY.format("a"),
                                                      bounds=bounds),
                            [match, *bound_args] if words != "probe" else [match])
            if words == "ids":  # first: the words may lead
                clauses.append(words_clause[0])
                args += words_clause[1]
                words_clause = None
            # the words' range of the index says it all, if the words are read by their keys
            dated = dated and not (exact and words != "probe")
        if flt.tag:
            # walked, each row is looked up: a set of every tagged article, built again for
            # each batch of a search's matches, took 0.1 s a page with 20,000 tagged
            clauses.append("EXISTS (SELECT 1 FROM tags t WHERE t.article_id = a.id AND"
                           " t.tag = ?)" if walk else
                           "a.id IN (SELECT article_id FROM tags WHERE tag = ?)")
            args.append(flt.tag)
        if flt.source:
            # as the list shows it: "al-araby" finds "al-Araby al-Jadeed (The New Arab)"; a
            # range of the case-blind source index, as LIKE 'al-araby%' would be
            clauses.append(f"{col}source COLLATE NOCASE >= ? AND"
                           f" {col}source COLLATE NOCASE < ?")
            args += [flt.source, flt.source + "\U0010ffff"]
        # dates as the list's own index has them (undated: ''), so a range is read from it
        day = f"{plus}coalesce(a.published, '')"
        if dated and flt.date_from:
            clauses.append(f"{day} >= ?")
            args.append(flt.date_from)
        if dated and flt.date_to:
            # inclusive of the whole last day, whatever time of day `published` carries
            clauses.append(f"{day} < ?" if flt.date_from else f"{day} > '' AND {day} < ?")
            args.append(_day_after(flt.date_to))
        if flt.unread:
            clauses.append(f"{col}read_at IS NULL")
        if flt.flagged:
            clauses.append(f"{col}flagged = 1")
        if flt.has_casualties:
            clauses.append(f"{col}n_figures > 0")
        for label, name in flt.entities:
            ids = self.entity_filter_ids(label, name)  # type: ignore[attr-defined]
            if not ids:
                clauses.append("0")  # no such entity: nothing can match
                continue
            marks = ", ".join("?" for _ in ids)
            clauses.append(f"EXISTS (SELECT 1 FROM entity_articles e WHERE e.article_id = a.id"
                           f" AND e.entity_id IN ({marks}))" if walk else
                           f"a.id IN (SELECT article_id FROM entity_articles WHERE"
                           f" entity_id IN ({marks}))")
            args.extend(ids)
        if words_clause:  # last: checked only on the rows the rest keeps
            clauses.append(words_clause[0])
            args += words_clause[1]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def _walks(self, flt: ArticleFilter) -> bool:
        """Whether a page of this filter is read down the order's index (it keeps more
        than COUNT_CAP articles: a page lies within the first few thousand rows), rather
        than from the filter's own indexes and sorted (at most COUNT_CAP to sort)."""
        if flt == ArticleFilter():
            return True
        # a guess from before articles came or went (an ingest, another analyst) is
        # stale: a filter that kept a few hundred may keep a hundred thousand now
        generation = (self.conn.execute("PRAGMA data_version").fetchone()[0],
                      self.conn.total_changes)
        if generation != self._walk_generation:
            if self._walk_generation is not None:
                self._walk_memo.clear()
            self._walk_generation = generation
        key = repr(flt)
        walks = self._walk_memo.get(key)
        if walks is None:
            if len(self._walk_memo) > 64:
                self._walk_memo.clear()
            walks = self._walk_memo[key] = self.count_for_list(flt)[1]
        return walks

    def _entity_driven(self, flt: ArticleFilter, sort: str) -> bool:
        """Whether the list can be read from an entity's own index (newest first, no words):
        a rare entity's page then costs what a common one's does."""
        return bool(flt.entities) and not flt.query and sort == "published"

    def _entity_page_ids(self, flt: ArticleFilter, after: int | None, limit: int,
                         *, forward: bool) -> list[int]:
        """Ids of the articles naming the filter's first entity, in list order from
        `after`, the other conditions checked a batch at a time."""
        label, name = flt.entities[0]
        entity_ids = self.entity_filter_ids(label, name)  # type: ignore[attr-defined]
        if not entity_ids:
            return []
        marks = ", ".join("?" for _ in entity_ids)
        return self._keyed_ids(
            f"SELECT DISTINCT list_key FROM entity_articles WHERE entity_id IN ({marks})",
            list(entity_ids), "list_key", replace(flt, entities=flt.entities[1:]), after,
            limit, forward=forward)

    def _count_entity_with(self, flt: ArticleFilter, cap: int) -> int:
        """Articles naming the filter's first entity that pass its other conditions, up to
        cap + 1: one join, stopping at the cap (checking the entity's articles a batch of
        ids at a time took 18-23 ms for 1,001 at 100,000 articles; this takes 6)."""
        label, name = flt.entities[0]
        entity_ids = self.entity_filter_ids(label, name)  # type: ignore[attr-defined]
        if not entity_ids:
            return 0
        # driven by the entity's index: the other conditions checked on its articles
        where, args = self._where(replace(flt, entities=flt.entities[1:]), walk=True)
        marks = ", ".join("?" for _ in entity_ids)
        return self.conn.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT e.article_id FROM entity_articles e"
            f" JOIN articles a ON a.id = e.article_id {where or 'WHERE 1'}"
            f" AND e.entity_id IN ({marks}) LIMIT ?)",
            [*args, *entity_ids, cap + 1]).fetchone()[0]

    def _keyed_ids(self, source: str, source_args: list[Any], key: str, rest: ArticleFilter,
                   after: int | None, limit: int, *, forward: bool) -> list[int]:
        """Article ids in list order (or backwards from `after`) read from an index whose
        `key` is the list key (steps.LIST_KEY): the search index, an entity's articles.
        `rest`'s conditions are checked a batch at a time, so a common word or entity costs
        no more than a rare one."""
        # checked on a batch of ids by their key, never read from the conditions' indexes
        where, wargs = self._where(rest, walk=True)
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
            sql, args = source, list(source_args)
            if bound is not None:
                sql += f" AND {key} {op} ?"
                args.append(bound)
            keys = [r[0] for r in self.conn.execute(f"{sql} ORDER BY {key} {order} LIMIT ?",
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

    def page_articles(self, flt: ArticleFilter | None = None, *, sort: str = "published",
                      offset: int = 0, limit: int = PAGE_SIZE,
                      after: int | None = None) -> list[ArticleRow]:
        """One page of the list, never all rows. `after`: start right after that article
        (keyset paging: as fast deep in the list as at its top)."""
        flt = flt or ArticleFilter()
        if sort not in SORTS:
            raise StoreError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        match = fts_query(flt.query) if flt.query else None
        plan = self._words_plan(match, flt, sort, offset + limit) if match else None
        if plan == "index" and sort in ("published", "oldest") and offset == 0 and match:
            if sort == "published":
                return self._rows(self._search_ids(match, flt, after, limit, forward=True))
            return self._rows(self._oldest_search_ids(match, flt, after, limit))
        if self._entity_driven(flt, sort) and offset == 0:
            return self._rows(self._entity_page_ids(flt, after, limit, forward=True))
        if plan == "sorted" and sort == "ingested" and match:
            walk = True  # the words' ids, read in id order, lead
            where, args = self._words_first(match, flt)
        else:
            walk, where, args = self._planned_where(flt, plan, sort)
        if after is not None:
            clause, key_args = self._after(after, sort, forward=True, walk=walk)
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
            ORDER BY {SORTS[sort] if walk else SORTED_SETS[sort]}
            LIMIT ? OFFSET ?"""
        rows = self.conn.execute(sql, [*args, limit, offset]).fetchall()
        return [_article_row(r) for r in rows]

    def _planned_where(self, flt: ArticleFilter, plan: str | None, sort: str
                       ) -> tuple[bool, str, list[Any]]:
        """(whether the order's index is walked, the filter as SQL) for a search's plan,
        or for a list without words, by how many articles the filter keeps."""
        if plan:
            walk, words = _PLAN_READS[plan]
            where, args = self._where(flt, walk=walk, words=words)
        else:
            walk = self._walks(flt)
            where, args = self._where(flt, walk=walk)
        if walk:
            where, args = _seek_dates(where, args, flt, sort)
        return walk, where, args

    def _memo(self, key: str, make: Any) -> Any:
        """A figure about the store kept until the store changes."""
        self._walks(ArticleFilter())  # forgets figures from before the store changed
        if key not in self._walk_memo:
            if len(self._walk_memo) > 64:
                self._walk_memo.clear()
            self._walk_memo[key] = make()
        return self._walk_memo[key]

    def search_index_pieces(self) -> int:
        """How many b-trees the search index is in: each search looks a word up in each of
        them, so a row's lookup costs about PROBE_PER_SEGMENT µs a piece (ingest adds
        pieces, which the index merges only in part; `compact_search_index` makes one)."""
        return self.conn.execute("SELECT count(DISTINCT segid) FROM articles_fts_idx"
                                 ).fetchone()[0]

    def _count_words(self, match: str, flt: ArticleFilter, cap: int | None) -> int:
        """Matches of the words in the filter's dates (up to cap + 1), from the search
        index alone."""
        bounds, bound_args, _exact = _key_bounds(flt)
        inner = f"SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?{bounds}"
        if cap is None:
            return self.conn.execute(f"SELECT count(*) FROM ({inner})",
                                     [match, *bound_args]).fetchone()[0]
        return self.conn.execute(f"SELECT count(*) FROM ({inner} LIMIT ?)",
                                 [match, *bound_args, cap + 1]).fetchone()[0]

    def _words_plan(self, match: str, flt: ArticleFilter, sort: str, want: int,
                    *, counting: bool = False) -> str:
        """How to read `want` articles of a search in a sort order (`_PLAN_READS`, or
        "index": up the search index in its own order, for the date orders), chosen by
        what each costs (COST_*) for this many matches, and this many articles keeping the
        filter's other conditions: a common word sorted by title walks the title index,
        looking a few hundred rows up in the search index (a set of all 561,122 matches of
        "also" at a million articles took 0.2-1.2 s); "flagged" with it reads the few
        flagged articles and looks each up (walking every match took 0.4-0.9 s at 100,000)."""
        bounds_key = (match, flt.date_from, flt.date_to)
        total = self._memo("articles", lambda: self.conn.execute(
            "SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]) or 1
        n_words = self._memo(repr(("words", bounds_key)), lambda: self._count_words(
            match, flt, WORDS_COUNT_CAP))
        rest = _words_and_rest(flt)[2]
        n_rest = None if rest == ArticleFilter() else self._memo(
            repr(("rest", rest)), lambda: self.count_articles(rest, cap=REST_COUNT_CAP))
        probe = PROBE_BASE + PROBE_PER_SEGMENT * self._memo("segments",
                                                            self.search_index_pieces)
        date_order = sort in ("published", "oldest")
        costs = _plan_costs(n_words, n_rest, total, want, probe, date_order, counting)
        best = min(costs, key=costs.__getitem__)
        if n_words > WORDS_COUNT_CAP and best in ("keys-walk", "sorted", "rest-keys"):
            # the capped count made a set of every match look cheaper than it may be
            n_words = self._memo(repr(("all words", bounds_key)),
                                 lambda: self._count_words(match, flt, None))
            costs = _plan_costs(n_words, n_rest, total, want, probe, date_order, counting)
            best = min(costs, key=costs.__getitem__)
        return best

    def _words_first(self, match: str, flt: ArticleFilter) -> tuple[str, list[Any]]:
        """The filter with the words' ids driving the read (`a.id IN` them, in id order)
        and every other condition checked on the rows they lead to."""
        bounds, bound_args, rest = _words_and_rest(flt)
        where, args = self._where(rest, walk=True)
        words = (f"a.id IN (SELECT rowid % {LIST_KEY_SPAN} FROM articles_fts"
                 f" WHERE articles_fts MATCH ?{bounds})")
        return (f"{where} AND {words}" if where else f" WHERE {words}",
                [*args, match, *bound_args])

    def find_titles(self, words: str, limit: int = 40) -> list[tuple[int, str, str | None]]:
        """(id, title, published) of articles whose title holds every word, newest first."""
        terms = [w for w in words.split() if w][:8]
        if not terms:
            return []
        clauses = " AND ".join("title LIKE ? ESCAPE '\\'" for _ in terms)
        args = ["%" + _like_escape(t) + "%" for t in terms]
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
        return [_article_row(r) for r in (found.get(i) for i in ids) if r is not None]

    def _search_ids(self, match: str, flt: ArticleFilter, after: int | None, limit: int,
                    *, forward: bool) -> list[int]:
        """Ids of matching articles newest first (or oldest first backwards from `after`),
        read in the search index's own order and filtered a batch at a time: a common word
        costs no more than a rare one."""
        bounds, bound_args, rest = _words_and_rest(flt)
        return self._keyed_ids(f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{bounds}",
                               [match, *bound_args], "rowid", rest, after, limit, forward=forward)

    def _oldest_search_ids(self, match: str, flt: ArticleFilter, after: int | None,
                           limit: int) -> list[int]:
        """Ids of matching articles oldest first, read up the search index (whose key is
        the day, then the id): the dated, then the undated, which the oldest order puts
        last. Sorting the matches instead read each one's date from its row: 43 ms for 949
        matches at 100,000 articles, 1 ms this way."""
        bounds, bound_args, rest = _words_and_rest(flt)
        source = f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{bounds}"
        after_key = None
        if after is not None:
            row = self.conn.execute(f"SELECT {LIST_KEY.format('a')} FROM articles a"
                                    " WHERE a.id = ?", [after]).fetchone()
            if row is None:
                raise StoreError(f"article {after} is not in the store")
            after_key = row[0]
        ids: list[int] = []
        if after_key is None or after_key >= LIST_KEY_SPAN:
            ids = self._keyed_ids(f"{source} AND rowid >= {LIST_KEY_SPAN}",
                                  [match, *bound_args], "rowid", rest, after, limit,
                                  forward=False)
        if len(ids) < limit:
            undated_after = after if after_key is not None and after_key < LIST_KEY_SPAN \
                else None
            ids += self._keyed_ids(f"{source} AND rowid < {LIST_KEY_SPAN}",
                                   [match, *bound_args], "rowid", rest, undated_after,
                                   limit - len(ids), forward=False)
        return ids

    def _after(self, article_id: int, sort: str, *, forward: bool, walk: bool = True
               ) -> tuple[str, list[Any]]:
        """SQL that keeps the articles after (or before) one article in a sort order; not
        `walk`: written so that it reads no index (the filter's own are read instead)."""
        keys, direction = SORT_KEYS[sort]
        values = self.conn.execute(f"SELECT {', '.join(keys)} FROM articles a WHERE a.id = ?",
                                   [article_id]).fetchone()
        if values is None:
            raise StoreError(f"article {article_id} is not in the store")
        op = "<" if (direction == "DESC") == forward else ">"
        if not walk:
            keys = tuple(f"+{k}" for k in keys)
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
            cap = FILTERED_SEARCH_CAP
            plan = self._words_plan(match, flt, "ingested", cap + 1, counting=True)
            if plan == "index":
                n = len(self._search_ids(match, flt, None, cap + 1, forward=True))
            else:
                walk, words = _PLAN_READS[plan]
                where, args = self._where(flt, walk=walk, words=words)
                # a walk goes down the newest-first index, as the list does, stopping at the cap
                n = self.conn.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM articles a {where}"
                    f"{' ORDER BY ' + SORTS['published'] if walk else ''} LIMIT ?)",
                    [*args, cap + 1]).fetchone()[0]
            return min(n, cap), n > cap
        if flt.entities and not match:
            # from the entity's own index, not by testing every article against it
            if replace(flt, entities=flt.entities[:1]) == ArticleFilter(entities=flt.entities[:1]):
                ids = self.entity_filter_ids(*flt.entities[0])  # type: ignore[attr-defined]
                n = self.count_entity_articles(ids, COUNT_CAP) if ids else 0  # type: ignore
                return min(n, COUNT_CAP), n > COUNT_CAP
            n = self._count_entity_with(flt, FILTERED_SEARCH_CAP)
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
        plan = self._words_plan(match, flt, sort, abs(step)) if match else None
        if match and sort == "published" and plan == "index":
            ids = self._search_ids(match, flt, article_id, abs(step), forward=step > 0)
            return ids[abs(step) - 1] if len(ids) >= abs(step) else None
        if self._entity_driven(flt, sort):
            ids = self._entity_page_ids(flt, article_id, abs(step), forward=step > 0)
            return ids[abs(step) - 1] if len(ids) >= abs(step) else None
        keys, direction = SORT_KEYS[sort]
        walk, where, args = self._planned_where(flt, plan, sort)
        clause, key_args = self._after(article_id, sort, forward=step > 0, walk=walk)
        where = f"{where} AND {clause}" if where else f" WHERE {clause}"
        flip = {"ASC": "DESC", "DESC": "ASC"}
        order = ", ".join(f"{'' if walk else '+'}{k} {direction if step > 0 else flip[direction]}"
                          for k in keys)
        row = self.conn.execute(
            f"SELECT a.id FROM articles a {where} ORDER BY {order} LIMIT 1 OFFSET ?",
            [*args, *key_args, abs(step) - 1]).fetchone()
        return row[0] if row else None

