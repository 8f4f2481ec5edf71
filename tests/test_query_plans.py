"""Every list order with every filter, alone and with words, reads indexes, never the
whole articles table: the plans SQLite makes for the list's own queries, as they run.

A filter that keeps few articles is read from its own index and sorted; one that keeps
more than the count's cap is read down the order's index, a page a few rows in. Both ways
are checked for each order, filter and depth (the first page, and a page after a row).
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from newsdesk.store import SORTS, ArticleFilter, Store
from newsdesk.store.listing import _PLAN_READS, _words_and_rest, fts_query

FILTERS = {
    "words": ArticleFilter(query="Ramadi"),
    "tag": ArticleFilter(tag="seed"),
    "source": ArticleFilter(source="wikinews"),
    "from": ArticleFilter(date_from="2015-05-01"),
    "to": ArticleFilter(date_to="2015-06-30"),
    "from-to": ArticleFilter(date_from="2015-05-01", date_to="2015-06-30"),
    "unread": ArticleFilter(unread=True),
    "flagged": ArticleFilter(flagged=True),
    "has:casualties": ArticleFilter(has_casualties=True),
    "place": ArticleFilter(entities=(("LOC", "Ramadi"),)),
}
# a table read whole, or an order's index walked for a filter that keeps few articles
_TABLE_SCAN = re.compile(r"^SCAN a$")
_ORDER_WALK = re.compile(r"^SCAN a USING (COVERING )?INDEX idx_articles_(newest|oldest|title|"
                         r"killed)\b")


@pytest.fixture(scope="module")
def plans_store(tmp_path_factory):
    from newsdesk.ingest.pipeline import ingest_items
    from newsdesk.ingest.records import Article

    # no ANALYZE: SQLite then plans as for a big table, which is what is checked
    store = Store(tmp_path_factory.mktemp("plans") / "p.db")
    ingest_items(store, [Article(
        title=f"Fighting in Ramadi, day {i}", body=(
            f"Islamic State fighters attacked Ramadi on day {i}; 12 people were killed, "
            "officials in Anbar said."), published=f"2015-05-{1 + i:02d}", source="Wikinews",
        origin=f"t{i}") for i in range(20)], tags=["seed"])
    for article_id in range(1, 21, 3):
        store.set_flag(article_id, True)
        store.mark_read(article_id + 1)
    assert not store.conn.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
                                  ).fetchone()
    yield store
    store.close()


def _plans(store: Store, run) -> list[tuple[str, list[str]]]:
    """(statement, its plan's lines) for each SELECT on articles `run` makes."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        store.conn.set_trace_callback(None)
    out = []
    for sql in seen:
        if not sql.lstrip().upper().startswith("SELECT") or "articles" not in sql:
            continue
        plan = [r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        out.append((sql, plan))
    return out


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("name", list(FILTERS))
@pytest.mark.parametrize("with_words", [False, True])
@pytest.mark.parametrize("walk", [False, True])
def test_each_order_and_filter_reads_indexes(plans_store, monkeypatch, sort, name,
                                             with_words, walk):
    store = plans_store
    flt = FILTERS[name]
    if with_words and name != "words":
        flt = replace(flt, query="fighters")
    store._walk_memo[repr(flt)] = walk  # as a filter keeping many (or few) would be read
    first = store.page_articles(flt, sort=sort, limit=5)
    assert first, (name, sort)

    def run():
        store.count_for_list(flt)
        store.page_articles(flt, sort=sort, limit=5)
        store.page_articles(flt, sort=sort, limit=5, after=first[0].id)  # deeper
        store.neighbour(first[0].id, 1, flt, sort)

    # a search is read the way its plan says: each plan that reads this way
    # (those led by the other conditions only where there are some)
    plans_of_words = [p for p, (p_walk, _) in _PLAN_READS.items() if p_walk == walk
                      and (_words_and_rest(flt)[2] != ArticleFilter() or not p.startswith("rest"))]
    for words_plan in plans_of_words if flt.query else [None]:
        if words_plan:
            monkeypatch.setattr(store, "_words_plan", lambda *a, p=words_plan, **k: p)
        plans = _plans(store, run)
        assert plans
        for sql, plan in plans:
            if not (walk and sort == "ingested"):  # whose order's index is the table's own
                assert not any(_TABLE_SCAN.match(line) for line in plan), (words_plan, sql, plan)
            if not walk:
                assert not any(_ORDER_WALK.match(line) for line in plan), (words_plan, sql, plan)
        monkeypatch.undo()


_BOXES = ["fighters is:flagged", "fight is:unread", "fighters tag:seed",
          "killed place:Ramadi", "fighters source:wiki"]


@pytest.mark.parametrize("plan,box", [
    *((p, box) for p in _PLAN_READS if not p.startswith("rest")
      for box in ("fighters", "fighters from:2015-05-03 to:2015-05-12")),
    *((p, box) for p in _PLAN_READS for box in _BOXES)])
def test_every_read_plan_of_a_search_gives_the_same_pages(plans_store, monkeypatch, plan, box):
    """However a search is read (a set of its matches' keys, each row looked up in the
    search index, the other conditions first), it keeps the same articles in the same
    order, page after page, with the same count and neighbours."""
    from newsdesk.store.search import parse_search

    store = plans_store
    flt, _ = parse_search(box)
    expected = {sort: [r.id for r in store.page_articles(flt, sort=sort, limit=100)]
                for sort in SORTS}
    count = store.count_for_list(flt)
    assert expected["published"] and count[0] == len(expected["published"])
    monkeypatch.setattr(store, "_words_plan", lambda *a, **k: plan)
    assert store.count_for_list(flt) == count
    for sort, ids in expected.items():
        assert sorted(ids) == sorted(expected["published"]), (sort, box)
        got = [r.id for r in store.page_articles(flt, sort=sort, limit=2)]
        while len(got) < len(ids):
            more = store.page_articles(flt, sort=sort, limit=2, after=got[-1])
            assert more, (sort, got)
            got += [r.id for r in more]
        assert got == ids, (plan, sort)
        for i, article_id in enumerate(ids[:-1]):
            assert store.neighbour(article_id, 1, flt, sort) == ids[i + 1], (plan, sort, i)


@pytest.mark.parametrize("sort,index", [("published", "newest"), ("oldest", "oldest")])
@pytest.mark.parametrize("name", ["from", "to", "from-to"])
@pytest.mark.parametrize("with_words", [False, True])
def test_a_date_order_walked_for_a_date_filter_starts_at_the_dates(plans_store, sort, index,
                                                                   name, with_words):
    """Walking a date order for a filter that keeps many, the walk seeks the order's index
    to the dates, not reads it from its first row until they come."""
    store = plans_store
    flt = FILTERS[name] if not with_words else replace(FILTERS[name], query="fighters")
    store._walk_memo[repr(flt)] = True
    first = store.page_articles(flt, sort=sort, limit=5)
    assert first and all("2015-05-01" <= r.published <= "2015-06-30" for r in first)
    seek = re.compile(rf"^SEARCH a USING (COVERING )?INDEX idx_articles_{index} \(<expr>[<>]")
    for paged, run in ((True, lambda: store.page_articles(flt, sort=sort, limit=5)),
                       (True, lambda: store.page_articles(flt, sort=sort, limit=5,
                                                          after=first[0].id)),
                       (False, lambda: store.neighbour(first[0].id, 1, flt, sort))):
        pages = [(sql, plan) for sql, plan in _plans(store, run) if "ORDER BY" in sql]
        if with_words and (paged or sort == "published"):
            continue  # pages read in date order from the search index itself
        assert pages and all(any(seek.match(line) for line in plan) for _, plan in pages), \
            pages


def test_counts_are_read_from_indexes(plans_store):
    store = plans_store
    for name, flt in FILTERS.items():
        for sql, plan in _plans(store, lambda f=flt: store.count_for_list(f)):
            assert not any(_TABLE_SCAN.match(line) or _ORDER_WALK.match(line)
                           for line in plan), (name, sql, plan)


def test_a_filter_keeping_few_is_sorted_and_one_keeping_many_walks_its_order(plans_store):
    """The way a page is read follows the filter's capped count, and both ways give the
    same rows in the same order."""
    store = plans_store
    flt = ArticleFilter(date_from="2015-05-03", date_to="2015-05-12")
    store._walk_memo.clear()
    rows = {sort: store.page_articles(flt, sort=sort) for sort in SORTS}
    assert store._walk_memo == {repr(flt): False}
    store._walk_memo[repr(flt)] = True
    assert {sort: store.page_articles(flt, sort=sort) for sort in SORTS} == rows
    assert [r.published for r in rows["oldest"]] == sorted(r.published for r in rows["oldest"])
    assert len(rows["title"]) == 10


def test_the_way_a_filter_is_read_is_guessed_again_once_articles_arrive(tmp_path,
                                                                        monkeypatch):
    import newsdesk.store.listing as listing

    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    store = Store(tmp_path / "w.db")
    flt = ArticleFilter(date_from="2016-01-01")

    def add(n: int, first: int) -> None:
        for i in range(first, first + n):
            store.add_article(title=f"Report {i}", body=f"Report number {i}.",
                              published=f"2016-02-{i + 1:02d}", origin=str(i))

    add(2, 0)
    assert store._walks(flt) is False              # two: read from the date index, sorted
    add(5, 2)                                      # an ingest: seven now, past the cap
    assert store._walks(flt) is True
    assert [r.title for r in store.page_articles(flt, sort="oldest")] == [
        f"Report {i}" for i in range(7)]
    other = Store(tmp_path / "w.db")               # another analyst's connection
    with other.write() as conn:
        conn.execute("DELETE FROM articles WHERE id > 1")
    other.close()
    assert store._walks(flt) is False


@pytest.mark.parametrize("walk", [False, True])
def test_words_within_dates_are_read_from_that_stretch_of_the_index(tmp_path, walk):
    """The search index's rowid starts with the day: a date range bounds the words' read,
    and the days at both ends are in, the days beyond them out."""
    from newsdesk.store.search import parse_search

    store = Store(tmp_path / "d.db")
    for day in ("2016-04-30", "2016-05-01", "2016-06-30", "2016-07-01", None):
        store.add_article(title=f"Flood report {day}", body="Flood waters rose.",
                          published=day, origin=str(day))
    flt, _ = parse_search("from:2016-05 to:2016-06 flood")
    store._walk_memo[repr(flt)] = walk
    assert store.count_for_list(flt) == (2, False)
    for sort in SORTS:
        assert sorted(r.published for r in store.page_articles(flt, sort=sort)) == [
            "2016-05-01", "2016-06-30"], sort
    only_from, _ = parse_search("from:2016-06-30 flood")
    assert {r.published for r in store.page_articles(only_from)} == {"2016-06-30",
                                                                      "2016-07-01"}
    store.close()


def test_words_within_whole_days_are_counted_without_reading_each_article(tmp_path):
    """The index's range of days is the date filter: no match's row is read to check its
    date (at a million articles that read was 28-47 ms of a 1,001-match count)."""
    from newsdesk.store.search import parse_search

    store = Store(tmp_path / "f.db")
    for i in range(30):
        store.add_article(title=f"Flood {i}", body="Flood waters rose.",
                          published=f"2016-05-{i % 28 + 1:02d}", origin=str(i))
    ran: list[str] = []
    store.conn.set_trace_callback(ran.append)
    for box in ("from:2016-05-03 to:2016-05-20 flood", "to:2016-05-09 flood",
                "from:2016-05-27 flood"):
        flt, _ = parse_search(box)
        expected = len(store.page_articles(replace(flt, query="")))
        ran.clear()
        assert store.count_for_list(flt) == (expected, False), box
        assert not [sql for sql in ran if "published" in sql], (box, ran)
    store.close()


@pytest.mark.parametrize("walk", [False, True])
def test_words_within_dates_keep_what_the_dates_alone_keep(tmp_path, walk):
    """Read from the search index's range of days without checking each match's date,
    words with dates keep exactly the articles the dates keep: both ends, times of day
    and undated articles (ingest writes a publication date as a whole day, or none)."""
    from newsdesk.store.search import parse_search

    store = Store(tmp_path / "e.db")
    days = ("2016-04-30", "2016-05-01", "2016-05-01T23:59:00", "2016-06-30T08:00:00",
            "2016-07-01", "1999-12-31", None)
    for day in days:
        store.add_article(title=f"Flood report {day}", body="Flood waters rose.",
                          published=day, origin=str(day))
    store.add_article(title="Dry report", body="No rain at all.", published="2016-05-10")
    for box in ("from:2016-05 to:2016-06", "to:2016-06", "from:2016-06-30", "to:1999",
                "from:2016 to:2016", "from:2016-05-01 to:2016-05-01"):
        dates_only, _ = parse_search(box)
        with_words, _ = parse_search(f"{box} flood")
        expected = {r.published for r in store.page_articles(dates_only)
                    if r.title.startswith("Flood")}
        store._walk_memo[repr(with_words)] = walk
        assert store.count_for_list(with_words) == (len(expected), False), box
        for sort in SORTS:
            got = [r.published for r in store.page_articles(with_words, sort=sort)]
            assert sorted(got, key=str) == sorted(expected, key=str), (box, sort)
    store.close()


@pytest.mark.parametrize("extra", [{}, {"unread": True}, {"tag": "seed"},
                                   {"date_from": "2015-05-05", "date_to": "2015-05-15"},
                                   {"date_from": "2015-05-05T12:00:00"}])
def test_newest_ingested_with_few_matches_are_read_from_the_words_in_id_order(plans_store,
                                                                             extra):
    """A search sorted by ingestion is read from its matches' ids, newest first, not by
    walking the articles table down from its newest row (which reads every row it passes:
    115 ms for two months of a common word at 1,000,000 articles); the same rows, pages and
    all, as the plain order of the plain filter."""
    store = plans_store
    flt = replace(ArticleFilter(query="fighters"), **extra)
    store._walk_memo.clear()
    expected = [r.id for r in store.page_articles(replace(flt, query=""), sort="ingested",
                                                  limit=100)
                if r.id in {x.id for x in store.page_articles(flt, limit=100)}]
    assert expected
    store._walk_memo["articles"] = 1_000_000  # as in a big store, where these are few
    # read from the words' ids (or the other condition's index), not down the table
    plan = store._words_plan(fts_query(flt.query), flt, "ingested", 3)
    assert plan == "sorted" or not _PLAN_READS[plan][0], plan
    got = [r.id for r in store.page_articles(flt, sort="ingested", limit=3)]
    while len(got) < len(expected):
        more = store.page_articles(flt, sort="ingested", limit=3, after=got[-1])
        assert more
        got += [r.id for r in more]
    assert got == expected
    plans = _plans(store, lambda: store.page_articles(flt, sort="ingested", limit=3))
    page = [plan for sql, plan in plans if re.search(r"ORDER BY \+?a\.id DESC", sql)]
    assert page and not any(_TABLE_SCAN.match(line) for plan in page for line in plan), page


@pytest.mark.parametrize("box", ["", "from:2016-05", "to:2016-06", "is:unread"])
def test_a_search_oldest_first_is_read_up_the_search_index_dated_then_undated(tmp_path, box):
    """Oldest first, a search is read up the search index (day, then id), dated articles
    first and undated last, as the order has them; the same rows and pages as sorting
    the matches, which read each one's date from its row."""
    from newsdesk.store.search import parse_search

    store = Store(tmp_path / "o.db")
    days = ["2016-06-02", None, "2016-05-01", "2015-12-31", "2016-05-01", None, "2017-01-09",
            "2016-06-30"]
    for i, day in enumerate(days):
        store.add_article(title=f"Flood report {i}", body=f"Flood waters rose, report {i}.",
                          published=day, origin=f"o{i}")
        store.add_article(title=f"Dry report {i}", body="No rain.", published=day,
                          origin=f"d{i}")
    store.mark_read(1)
    flt, _ = parse_search(f"{box} flood".strip())
    every = store.page_articles(replace(flt, query=""), sort="oldest", limit=100)
    expected = [r.id for r in every if r.title.startswith("Flood")]
    assert expected
    got = [r.id for r in store.page_articles(flt, sort="oldest", limit=2)]
    while len(got) < len(expected):
        more = store.page_articles(flt, sort="oldest", limit=2, after=got[-1])
        assert more, (got, expected)
        got += [r.id for r in more]
    assert got == expected
    assert not store.page_articles(flt, sort="oldest", limit=2, after=got[-1])
    plans = _plans(store, lambda: store.page_articles(flt, sort="oldest", limit=2))
    assert plans and not any("TEMP B-TREE FOR ORDER BY" in line for sql, plan in plans
                             if "FROM articles a" in sql for line in plan), plans
    store.close()
