import sqlite3

import pytest

from newsdesk.store import ArticleFilter, Store, StoreError, content_hash, fts_query

EXPECTED_TABLES = {
    "articles", "spans", "tags", "annotations", "events", "event_evidence", "audit",
    "_sqlite_migrations",
}


def _add(store, title="A title", body="Some body text about Ramadi.", **kw):
    return store.add_article(title=title, body=body, **kw)


def test_blank_database_gets_the_expected_schema(store):
    schema = store.schema()
    assert EXPECTED_TABLES <= set(schema)
    assert [t for t in schema if t.startswith("articles_fts")]  # FTS5 index and its shadows
    assert schema["articles"] == [
        "id", "title", "body", "published", "url", "source", "language", "origin",
        "content_hash", "headings", "ingested_at", "read_at", "flagged", "n_entities",
        "n_quotes", "n_figures", "killed_min", "extractor_version", "author", "site_name",
        "summary_only", "extraction_errors", "link_only", "entities_indexed"]
    assert schema["spans"] == ["id", "article_id", "kind", "label", "start", "end", "text",
                               "attrs", "extractor_version"]
    applied = [r[0] for r in store.conn.execute("SELECT name FROM _sqlite_migrations")]
    assert applied == ["0001_initial", "0002_web_sources_and_feeds", "0003_audit_batches",
                       "0004_list_order_indexes", "0005_search_index_in_list_order",
                       "0006_incidents", "0007_partial_articles",
                       "0008_entities", "0009_incident_indexes",
                       "0010_double_coding", "0011_incident_source_cache",
                       "0012_filter_indexes"]
    assert schema["feeds"] == ["id", "url", "tag", "title", "etag", "last_modified", "added_at",
                               "checked_at", "last_status", "full_text"]


def test_file_store_uses_wal_and_foreign_keys(tmp_path):
    with Store(tmp_path / "s.db") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "s.db"
    with Store(path) as s:
        _add(s)
    with Store(path) as s:
        assert s.stats()["articles"] == 1
        assert s.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == 12
    assert not list(tmp_path.glob("s.db.backup-*"))  # nothing to migrate, no backup


def test_same_text_is_stored_once(store):
    first, created = _add(store)
    again, created_again = _add(store, title="a  TITLE", body="Some body text about Ramadi.")
    assert created and not created_again
    assert again == first
    assert store.stats()["articles"] == 1


def test_same_url_is_stored_once(store):
    _add(store, url="https://example.org/a")
    _, created = _add(store, body="Different text", url="https://example.org/a")
    assert not created


def test_content_hash_ignores_case_and_spacing():
    assert content_hash("T", "a  b\nc") == content_hash("t", "A b c")
    assert content_hash("T", "a b") != content_hash("T", "a c")


def test_fts_finds_an_article_by_a_word_of_its_body(store):
    wanted, _ = _add(store, title="Unrelated headline", body="Militants seized the compound.")
    _add(store, title="Other", body="Nothing to see here.")
    rows = store.page_articles(ArticleFilter(query="compound"))
    assert [r.id for r in rows] == [wanted]
    # prefix search while typing, and stemming
    assert [r.id for r in store.page_articles(ArticleFilter(query="compo"))] == [wanted]
    assert [r.id for r in store.page_articles(ArticleFilter(query="seize"))] == [wanted]


@pytest.mark.parametrize("hostile", ['"', 'a"b', "NEAR(", "title:x", "*", "-", "AND OR NOT",
                                     "'; DROP TABLE articles; --", "\\", "(((", "^x", "{a b}"])
def test_any_search_string_is_safe(store, hostile):
    _add(store)
    store.page_articles(ArticleFilter(query=hostile))
    store.count_articles(ArticleFilter(query=hostile))
    assert store.stats()["articles"] == 1


def test_fts_query_quotes_every_word():
    assert fts_query('ISIS "Ramadi') == '"ISIS" "Ramadi"*'
    assert fts_query("!!!") is None


def test_a_word_being_typed_is_a_prefix_from_its_third_letter():
    # "c*" is most of the vocabulary: the first key of every search read it all
    assert fts_query("Ramadi c") == '"Ramadi" "c"'
    assert fts_query("IS") == '"IS"'
    assert fts_query("cas") == '"cas"*'


def test_a_source_filter_is_a_case_blind_prefix(store):
    for source in ("al-Araby al-Jadeed", "Al-Araby", "Reuters", "alarabiya"):
        store.add_article(title=source, body=f"From {source}.", source=source,
                          origin=source)
    titles = {r.title for r in store.page_articles(ArticleFilter(source="al-araby"))}
    assert titles == {"al-Araby al-Jadeed", "Al-Araby"}
    assert store.count_articles(ArticleFilter(source="AL-ARABY")) == 2


def test_pages_never_exceed_the_limit_and_cover_everything(store):
    ids = {_add(store, title=f"T{i}", body=f"body {i}")[0] for i in range(25)}
    seen = []
    for offset in range(0, 30, 10):
        page = store.page_articles(offset=offset, limit=10)
        assert len(page) <= 10
        seen.extend(r.id for r in page)
    assert sorted(seen) == sorted(ids)


def test_sort_and_filters(store):
    a, _ = _add(store, title="Bravo", body="one", published="2015-05-15")
    b, _ = _add(store, title="alpha", body="two", published="2016-01-01")
    c, _ = _add(store, title="Charlie", body="three")
    assert [r.id for r in store.page_articles(sort="published")] == [b, a, c]
    assert [r.id for r in store.page_articles(sort="title")] == [b, a, c]
    store.mark_read(a)
    store.set_flag(c, True)
    assert {r.id for r in store.page_articles(ArticleFilter(unread=True))} == {b, c}
    assert [r.id for r in store.page_articles(ArticleFilter(flagged=True))] == [c]
    assert [r.id for r in store.page_articles(ArticleFilter(date_from="2016-01-01"))] == [b]
    with pytest.raises(StoreError):
        store.page_articles(sort="nonsense")


def test_neighbour_follows_the_list_order(store):
    a, _ = _add(store, title="A", body="one", published="2015-01-01")
    b, _ = _add(store, title="B", body="two", published="2015-01-02")
    assert store.neighbour(b, 1) == a
    assert store.neighbour(a, -1) == b
    assert store.neighbour(a, 1) is None


def test_spans_and_counts_are_stored_with_the_article(store):
    extraction = {
        "entities": [{"start": 0, "end": 4, "text": "Some", "label": "PER", "canonical": "Some"}],
        "casualties": [
            {"start": 5, "end": 9, "text": "body", "kind": "killed", "min": 10, "max": 10},
            {"start": 5, "end": 9, "text": "body", "kind": "killed", "min": 10, "max": 10,
             "repeat": True}],
        "quotes": [], "dates": []}
    article_id, _ = _add(store, extraction=extraction, extractor_version="t1")
    spans = store.spans(article_id)
    assert [(s.kind, s.label) for s in spans] == [("entity", "PER"), ("casualty", "killed"),
                                                  ("casualty", "killed")]
    assert spans[0].attrs == {"canonical": "Some"}
    row = store.page_articles()[0]
    assert (row.n_entities, row.n_figures, row.killed_min) == (1, 2, 10)  # the repeat counts once


def test_a_failed_write_leaves_nothing_half_written(store):
    bad = {"entities": [{"start": 0, "end": 1, "text": "x"}]}  # no label: still fine
    bad["casualties"] = [{"start": 0}]  # missing fields: the insert fails
    with pytest.raises(KeyError):
        _add(store, extraction=bad)
    assert store.stats() == {"articles": 0, "spans": 0, "unread": 0, "tags": 0,
                             "annotations": 0, "events": 0}


def test_store_from_a_newer_version_is_refused_and_untouched(tmp_path):
    path = tmp_path / "new.db"
    with Store(path) as s:
        s.conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                       " VALUES ('newsdesk', '9999_future', 'x')")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer newsdesk"):
        Store(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a newsdesk store"):
        Store(path)


def test_an_old_store_is_backed_up_before_migrating(tmp_path):
    from sqlite_utils import Database, Migrations

    from newsdesk.store.migrations import m0001_initial

    path = tmp_path / "old.db"
    first_release = Migrations("newsdesk")  # a store made before 0002 existed
    first_release(name="0001_initial")(m0001_initial)
    old = Database(path)
    first_release.apply(old)
    old.execute("INSERT INTO articles (title, body, content_hash, ingested_at)"
                " VALUES ('Old', 'Old body.', 'h1', '2020-01-01T00:00:00Z')")
    old.conn.commit()
    old.close()
    with Store(path) as s:
        assert "feeds" in s.schema() and "summary_only" in s.schema()["articles"]
        assert s.stats()["articles"] == 1
    backups = list(tmp_path.glob("old.db.backup-*"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "feeds" not in tables
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def _store_before_the_last_step(path):
    """A store made by the release before the last schema step."""
    from newsdesk.store.steps import KNOWN_STEPS

    with Store(path) as s:
        s.add_article(title="Kept", body="Kept body.", published="2020-01-01")
        s.conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [KNOWN_STEPS[-1]])
        for index in ("idx_articles_unread", "idx_articles_flagged", "idx_articles_figures"):
            s.conn.execute(f"DROP INDEX {index}")
        s.conn.commit()


def test_a_step_that_only_adds_indexes_upgrades_without_a_whole_file_backup(tmp_path):
    from newsdesk.store.steps import ADDITIVE_STEPS, KNOWN_STEPS

    assert KNOWN_STEPS[-1] in ADDITIVE_STEPS and set(ADDITIVE_STEPS) <= set(KNOWN_STEPS)
    path = tmp_path / "s.db"
    _store_before_the_last_step(path)
    with Store(path) as s:
        assert "idx_articles_unread" in {r[0] for r in s.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert s.stats()["articles"] == 1
    assert not list(tmp_path.glob("s.db.backup-*"))


def test_a_backup_that_cannot_be_written_leaves_the_store_untouched(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    _store_before_the_last_step(path)
    with sqlite3.connect(path) as conn:  # a step that changes rows is pending too
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0011_incident_source_cache'")
    before = path.read_bytes()

    def full_disk(self, target):
        target.write_bytes(b"partial")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "backup", full_disk)
    with pytest.raises(StoreError, match=r"could not back it up .*disk is full.*untouched"):
        Store(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("s.db.backup-*"))  # no half-written copy left behind


def test_toggle_flag_flips_and_reports(store):
    article_id, _ = _add(store)
    assert store.toggle_flag(article_id) is True
    assert store.article(article_id)["flagged"]
    assert store.toggle_flag(article_id) is False
    with pytest.raises(StoreError):
        store.toggle_flag(article_id + 100)


def test_search_box_tokens_become_filters():
    from newsdesk.store.search import parse_search

    flt, problems = parse_search('Ramadi tag:seed source:"Al Jazeera" from:2015-05 to:2015 '
                                 "is:unread has:casualties")
    assert (flt.query, flt.tag, flt.source) == ("Ramadi", "seed", "Al Jazeera")
    assert (flt.date_from, flt.date_to) == ("2015-05-01", "2015-12-31")
    assert flt.unread and flt.has_casualties and not flt.flagged and problems == []
    flt, problems = parse_search("from:2015-02-30 is:nonsense siege")
    assert flt.query == "siege" and flt.date_from is None
    assert problems[0].startswith("from:2015-02-30: not a date")
    assert problems[1].startswith("is:nonsense: unknown filter")
    # a quote still being typed reads as closed; apostrophes and FTS syntax are only words
    flt, _ = parse_search('NEAR(x O\'Brien source:"Al Jaz')
    assert flt.source == "Al Jaz" and flt.query == "NEAR(x O'Brien"


def test_filters_by_tag_source_dates_and_casualties(seeded_db):
    from newsdesk.store.search import parse_search

    with Store(seeded_db) as s:
        def count(text):
            return s.count_articles(parse_search(text)[0])
        assert count("tag:seed") == 31
        assert count("tag:nothing") == 0
        assert count("source:wikinews") == 30  # case does not matter
        # a source by its start, as the list shows it
        assert count("source:al-araby") == 1 and count("source:AL-ARABY") == 1
        assert count("source:araby") == 0 and count("source:al%") == 0
        assert count("from:2019 to:2019") == 18
        assert count("from:2015-05-15 to:2015-05-15") == 1  # the last day counts whole
        assert count("has:casualties") == 28
        assert count("has:casualties from:2019 to:2019 Philippines") >= 1


@pytest.mark.parametrize("sort", ["published", "oldest", "title", "killed", "ingested"])
def test_keyset_pages_and_neighbours_agree_with_the_full_order(store, sort):
    import random

    from newsdesk.store import SORTS  # noqa: F401  (every sort is covered by the parametrisation)

    rng = random.Random(sort)
    for i in range(57):
        day = None if i % 9 == 0 else (
            f"20{10 + rng.randrange(10)}-0{1 + rng.randrange(9)}-1{rng.randrange(10)}")
        store.add_article(title=rng.choice(["alpha", "Alpha", "beta", "Gamma"]) + f" {i % 5}",
                          body=f"Body {i}", published=day)
        store.conn.execute("UPDATE articles SET killed_min = ? WHERE id = ?",
                           [rng.choice([0, 0, 3, 10]), i + 1])
    full = [r.id for r in store.page_articles(sort=sort, limit=1000)]
    assert len(full) == 57
    paged, last = [], None
    while True:
        page = store.page_articles(sort=sort, limit=10, after=last)
        if not page:
            break
        paged += [r.id for r in page]
        last = page[-1].id
    assert paged == full
    for i, article_id in enumerate(full):
        for step in (1, -1, 2):
            expected = full[i + step] if 0 <= i + step < len(full) else None
            assert store.neighbour(article_id, step, sort=sort) == expected
    if sort in ("published", "oldest"):
        undated = {r.id for r in store.page_articles(limit=1000) if r.published is None}
        assert set(full[-len(undated):]) == undated  # undated last, both ways


@pytest.mark.parametrize("query,extra", [("floods", {}), ("flo", {}), ("floods Basra", {}),
                                         ("floods", {"unread": True}),
                                         ("flood", {"source": "Wire"})])
def test_search_reads_newest_first_from_the_index_like_the_plain_order(store, query, extra):
    import random

    from newsdesk.store import ArticleFilter

    rng = random.Random(query)
    for i in range(80):
        day = None if i % 11 == 0 else (
            f"20{10 + rng.randrange(10)}-0{1 + rng.randrange(9)}-1{rng.randrange(10)}")
        words = " ".join(rng.choice(["floods", "Basra", "drought", "market"]) for _ in range(3))
        store.add_article(title=f"Report {i}", body=f"{words} report {i}", published=day,
                          source=rng.choice(["Wire", "Desk"]))
        if i % 3 == 0:
            store.mark_read(i + 1)
    flt = ArticleFilter(query=query, **extra)
    where, args = store._where(flt)  # the plain way: collect every match, then sort
    matching = {r[0] for r in store.conn.execute(f"SELECT a.id FROM articles a {where}", args)}
    expected = [r.id for r in store.page_articles(ArticleFilter(**extra), limit=1000)
                if r.id in matching]
    assert expected, "the fixture should match something"
    paged, last = [], None
    while page := store.page_articles(flt, limit=7, after=last):
        paged += [r.id for r in page]
        last = page[-1].id
    assert paged == expected
    assert store.count_articles(flt) == len(expected)
    for i, article_id in enumerate(expected):
        assert store.neighbour(article_id, 1, flt) == (expected[i + 1] if i + 1 < len(expected)
                                                       else None)
        assert store.neighbour(article_id, -1, flt) == (expected[i - 1] if i else None)


def test_step_names_match_the_migrations():
    from sqlite_utils import Database

    from newsdesk.store.migrations import migrations
    from newsdesk.store.steps import KNOWN_STEPS

    assert tuple(m.name for m in migrations.pending(Database(memory=True))) == KNOWN_STEPS
