"""Numbered schema migrations, applied in order on every open.

Never edit a migration that has shipped: add the next number instead.
"""
from __future__ import annotations

from sqlite_utils import Database, Migrations

from newsdesk.store.steps import LIST_KEY, MIGRATION_SET

migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            published TEXT,            -- ISO date (YYYY-MM-DD) or NULL when unknown
            url TEXT,
            source TEXT,
            language TEXT,
            origin TEXT,               -- file path, URL or 'stdin' it came from
            content_hash TEXT NOT NULL UNIQUE,
            headings TEXT NOT NULL DEFAULT '[]',   -- JSON [[start, end], ...] into body
            ingested_at TEXT NOT NULL,
            read_at TEXT,
            flagged INTEGER NOT NULL DEFAULT 0,
            -- per-article counts kept at write time, so the list sorts and
            -- filters on them without touching the spans table
            n_entities INTEGER NOT NULL DEFAULT 0,
            n_quotes INTEGER NOT NULL DEFAULT 0,
            n_figures INTEGER NOT NULL DEFAULT 0,
            killed_min INTEGER NOT NULL DEFAULT 0,
            extractor_version TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_articles_published ON articles(published, id)")
    db.execute("CREATE INDEX idx_articles_source ON articles(source)")
    db.execute("CREATE INDEX idx_articles_url ON articles(url)")
    db.execute("CREATE INDEX idx_articles_killed ON articles(killed_min, id)")
    db.execute(
        """
        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,        -- entity | casualty | quote | date
            label TEXT,                -- PER/ORG/LOC/MISC, killed/wounded..., direct/mixed, granularity
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',      -- JSON: the rest of the extraction record
            extractor_version TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_spans_article ON spans(article_id, kind, start)")
    db.execute(
        """
        CREATE TABLE tags (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            analyst TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (article_id, tag)
        )
        """
    )
    db.execute("CREATE INDEX idx_tags_tag ON tags(tag)")
    # Analyst work lives apart from machine spans so re-extraction never touches it.
    db.execute(
        """
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            span_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
            action TEXT NOT NULL,      -- note | accept | reject | relabel | add | fix
            kind TEXT,                 -- entity | casualty | quote | date | NULL for a free note
            start INTEGER,
            "end" INTEGER,
            label TEXT,
            note TEXT,
            attrs TEXT NOT NULL DEFAULT '{}',
            analyst TEXT NOT NULL,
            created_at TEXT NOT NULL,
            deleted_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_annotations_article ON annotations(article_id)")
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            event_date TEXT,
            time_precision INTEGER,
            event_type TEXT,
            sub_event_type TEXT,
            actor1 TEXT,
            actor2 TEXT,
            location TEXT,
            admin1 TEXT,
            country TEXT,
            fatalities_min INTEGER,
            fatalities_max INTEGER,
            wounded_min INTEGER,
            wounded_max INTEGER,
            captured_min INTEGER,
            captured_max INTEGER,
            notes TEXT,
            analyst TEXT NOT NULL,
            coded_at TEXT NOT NULL,
            updated_at TEXT,
            deleted_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE event_evidence (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            span_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
            start INTEGER,
            "end" INTEGER,
            text TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_evidence_event ON event_evidence(event_id)")
    db.execute("CREATE INDEX idx_evidence_article ON event_evidence(article_id)")
    # Every analyst action, with before/after images: provenance and undo.
    db.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            analyst TEXT NOT NULL,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            before TEXT,
            after TEXT,
            undone INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX idx_audit_analyst ON audit(analyst, id)")
    db.table("articles").enable_fts(
        ["title", "body"],
        create_triggers=True,
        tokenize="porter unicode61 remove_diacritics 2",
    )


@migrations(name="0002_web_sources_and_feeds")
def m0002_web_sources_and_feeds(db: Database) -> None:
    # what web pages and feeds carry besides the text
    db.execute("ALTER TABLE articles ADD COLUMN author TEXT")
    db.execute("ALTER TABLE articles ADD COLUMN site_name TEXT")
    # 1 when a feed entry carried only a summary, not the article's full text
    db.execute("ALTER TABLE articles ADD COLUMN summary_only INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            tag TEXT,
            title TEXT,
            etag TEXT,
            last_modified TEXT,
            added_at TEXT NOT NULL,
            checked_at TEXT,
            last_status TEXT
        )
        """
    )


@migrations(name="0003_audit_batches")
def m0003_audit_batches(db: Database) -> None:
    # one analyst action can touch several rows (an event and its evidence): undo takes
    # back a whole batch
    db.execute("ALTER TABLE audit ADD COLUMN batch INTEGER")
    db.execute("UPDATE audit SET batch = id")
    db.execute("CREATE INDEX idx_audit_batch ON audit(analyst, undone, batch)")
    db.execute("CREATE INDEX idx_tags_article ON tags(article_id)")


@migrations(name="0004_list_order_indexes")
def m0004_list_order_indexes(db: Database) -> None:
    # each list order walks an index: the first page, the next page and "next article"
    # cost the same at 100,000 articles as at 100 (keyset, not OFFSET or window functions)
    db.execute("CREATE INDEX idx_articles_newest ON articles(coalesce(published, ''), id)")
    db.execute("CREATE INDEX idx_articles_oldest ON articles(coalesce(published, '9999'), id)")
    db.execute("CREATE INDEX idx_articles_title ON articles(title COLLATE NOCASE, id)")
    db.execute("DROP INDEX IF EXISTS idx_articles_published")


@migrations(name="0005_search_index_in_list_order")
def m0005_search_index_in_list_order(db: Database) -> None:
    for trigger in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    # contentless: the text lives in articles; prefix indexes serve search-as-you-type
    db.execute(
        """CREATE VIRTUAL TABLE articles_fts USING FTS5 (
               title, body, tokenize='porter unicode61 remove_diacritics 2',
               content='', prefix='2 3 4')""")
    db.execute(f"INSERT INTO articles_fts (rowid, title, body)"
               f" SELECT {LIST_KEY.format('articles')}, title, body FROM articles")
    new, old = LIST_KEY.format("new"), LIST_KEY.format("old")
    db.execute(f"""CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, body) VALUES ({new}, new.title, new.body);
    END""")
    db.execute(f"""CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, body)
            VALUES ('delete', {old}, old.title, old.body);
    END""")
    # only a change of what is indexed, or of the date that orders it, touches the index
    db.execute(f"""CREATE TRIGGER articles_au AFTER UPDATE OF title, body, published ON articles
    BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, body)
            VALUES ('delete', {old}, old.title, old.body);
        INSERT INTO articles_fts (rowid, title, body) VALUES ({new}, new.title, new.body);
    END""")


@migrations(name="0006_incidents")
def m0006_incidents(db: Database) -> None:
    # what each article tells of an incident (extract.incidents.profile), kept so that the
    # grouping can be re-run without re-reading text
    db.execute("""CREATE TABLE article_profiles (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        profile TEXT NOT NULL)""")
    db.execute("""CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        status TEXT NOT NULL DEFAULT 'suggested',   -- suggested | confirmed
        name TEXT NOT NULL,
        named_by TEXT,                  -- NULL: the machine's name (its first report's title)
        kind TEXT, date TEXT, precision TEXT, location TEXT, admin1 TEXT, country TEXT,
        chosen TEXT NOT NULL DEFAULT '{}', -- kind -> article id of the figure picked
        killed_low INTEGER, killed_best INTEGER, killed_high INTEGER,
        n_sources INTEGER NOT NULL DEFAULT 0,
        disputed INTEGER NOT NULL DEFAULT 0,
        revised INTEGER NOT NULL DEFAULT 0,
        analyst TEXT,                   -- who confirmed it
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX idx_incidents_date ON incidents(date, id)")
    db.execute("CREATE INDEX idx_incidents_killed ON incidents(killed_best, id)")
    db.execute("CREATE INDEX idx_incidents_sources ON incidents(n_sources, id)")
    # the few disputed and confirmed incidents, newest first, without walking the rest
    db.execute("CREATE INDEX idx_incidents_disputed ON incidents(date, id) WHERE disputed = 1")
    db.execute("CREATE INDEX idx_incidents_confirmed ON incidents(date, id)"
               " WHERE status = 'confirmed'")
    # the bulky part of an incident, apart: the list and its filters scan small rows
    db.execute("""CREATE TABLE incident_details (
        incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
        profile TEXT NOT NULL,             -- merged profile of its reports, for matching
        tolls TEXT NOT NULL DEFAULT '{}')  -- store.incident_rules.reconcile(), per kind
        """)
    db.execute("""CREATE TABLE incident_articles (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        placed_by TEXT NOT NULL,        -- 'machine', or the analyst who moved it there
        placed_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX idx_incident_articles ON incident_articles(incident_id)")
    # candidate incidents of a new report: those sharing a town or a country with it
    db.execute("""CREATE TABLE incident_places (
        place TEXT NOT NULL, incident_id INTEGER NOT NULL,
        PRIMARY KEY (place, incident_id))""")
    db.execute("CREATE INDEX idx_incident_places_incident ON incident_places(incident_id)")


@migrations(name="0007_partial_articles")
def m0007_partial_articles(db: Database) -> None:
    # {layer: error} when an extractor raised on the text: the article is stored with that
    # layer empty, and `newsdesk reextract` tries again with a newer extractor
    db.execute("ALTER TABLE articles ADD COLUMN extraction_errors TEXT")
    db.execute("CREATE INDEX idx_articles_extraction_errors ON articles(id)"
               " WHERE extraction_errors IS NOT NULL")
    # 1 when a feed entry carried only a title and a link: its page is fetched on demand
    db.execute("ALTER TABLE articles ADD COLUMN link_only INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX idx_articles_to_fetch ON articles(id)"
               " WHERE link_only = 1 OR summary_only = 1")
    # fetch every new entry's page at refresh (the feed carries teasers or links only)
    db.execute("ALTER TABLE feeds ADD COLUMN full_text INTEGER NOT NULL DEFAULT 0")


@migrations(name="0008_entities")
def m0008_entities(db: Database) -> None:
    # one identity per person, organisation or place across the store
    db.execute("""CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL,               -- PER | ORG | LOC (an analyst may relabel)
        canonical TEXT NOT NULL,
        geonames_id INTEGER, admin1 TEXT, country TEXT,
        merged_into INTEGER,               -- an analyst merged it into that entity
        named_by TEXT,                     -- NULL: the machine's name
        n_articles INTEGER NOT NULL DEFAULT 0,
        n_mentions INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX idx_entities_geonames ON entities(geonames_id)"
               " WHERE geonames_id IS NOT NULL AND merged_into IS NULL")
    db.execute("CREATE INDEX idx_entities_rank ON entities(n_articles)")
    # every spelling seen (under the label the machine gave it) -> its entity
    db.execute("""CREATE TABLE entity_aliases (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL, label TEXT NOT NULL, alias TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        added_by TEXT,                     -- NULL: seen by the machine; else the analyst
        UNIQUE (key, label))""")
    db.execute("CREATE INDEX idx_entity_aliases_entity ON entity_aliases(entity_id)")
    # which articles name which entity; list_key orders them as the list does (newest
    # first), so an entity's first page is read straight from the index
    db.execute("""CREATE TABLE entity_articles (
        id INTEGER PRIMARY KEY,
        entity_id INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        key TEXT NOT NULL,                 -- the article's own name for it
        label TEXT NOT NULL,               -- the machine's label in that article
        mentions INTEGER NOT NULL,
        list_key INTEGER NOT NULL,         -- the article's steps.LIST_KEY
        UNIQUE (article_id, label, key))""")
    # covering: an entity's pages, counts and months are read from the index alone
    db.execute("CREATE INDEX idx_entity_articles_entity"
               " ON entity_articles(entity_id, list_key, article_id)")
    new = LIST_KEY.format("new")
    db.execute(f"""CREATE TRIGGER entity_articles_published AFTER UPDATE OF published ON articles
    BEGIN
        UPDATE entity_articles SET list_key = {new} WHERE article_id = new.id;
    END""")
    # an analyst's split: this article's name means that entity, whatever the aliases say
    db.execute("""CREATE TABLE entity_overrides (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        key TEXT NOT NULL, label TEXT NOT NULL, entity_id INTEGER NOT NULL,
        analyst TEXT NOT NULL,
        UNIQUE (article_id, label, key))""")
    db.execute("ALTER TABLE articles ADD COLUMN entities_indexed INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX idx_articles_entities_todo ON articles(id) WHERE entities_indexed = 0")


@migrations(name="0009_incident_indexes")
def m0009_incident_indexes(db: Database) -> None:
    # words of an incident's name and place from an index: a LIKE over every incident took
    # 50 ms at 45,000 incidents. Triggers keep it, so undo and merges need nothing more
    db.execute("""CREATE VIRTUAL TABLE incidents_fts USING FTS5 (
        name, location, country, content='incidents', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""")
    cols = "name, location, country"
    db.execute(f"""CREATE TRIGGER incidents_fts_ai AFTER INSERT ON incidents BEGIN
        INSERT INTO incidents_fts (rowid, {cols}) VALUES (new.id, new.name, new.location,
                                                         new.country);
        UPDATE incident_places SET date = new.date WHERE incident_id = new.id;
    END""")
    db.execute(f"""CREATE TRIGGER incidents_fts_ad AFTER DELETE ON incidents BEGIN
        INSERT INTO incidents_fts (incidents_fts, rowid, {cols})
        VALUES ('delete', old.id, old.name, old.location, old.country);
    END""")
    # placing a report rewrites its incident's row: the index moves only when a word does
    db.execute(f"""CREATE TRIGGER incidents_fts_au AFTER UPDATE OF {cols} ON incidents
    WHEN old.name IS NOT new.name OR old.location IS NOT new.location
         OR old.country IS NOT new.country BEGIN
        INSERT INTO incidents_fts (incidents_fts, rowid, {cols})
        VALUES ('delete', old.id, old.name, old.location, old.country);
        INSERT INTO incidents_fts (rowid, {cols}) VALUES (new.id, new.name, new.location,
                                                         new.country);
    END""")
    db.execute("INSERT INTO incidents_fts (incidents_fts) VALUES ('rebuild')")
    db.execute("CREATE INDEX idx_incidents_kind ON incidents(kind, date, id)")
    # a new report's candidates by place and date together: the incidents at its towns in
    # its window, not every incident of the window tested for its places
    db.execute("ALTER TABLE incident_places ADD COLUMN date TEXT")
    db.execute("UPDATE incident_places SET date = (SELECT date FROM incidents i"
               " WHERE i.id = incident_places.incident_id)")
    db.execute("CREATE INDEX idx_incident_places_date ON incident_places(place, date,"
               " incident_id)")
    db.execute("""CREATE TRIGGER incident_places_date AFTER INSERT ON incident_places BEGIN
        UPDATE incident_places SET date = (SELECT date FROM incidents WHERE id = new.incident_id)
        WHERE rowid = new.rowid;
    END""")
    db.execute("""CREATE TRIGGER incidents_date AFTER UPDATE OF date ON incidents
    WHEN old.date IS NOT new.date BEGIN
        UPDATE incident_places SET date = new.date WHERE incident_id = new.id;
    END""")


@migrations(name="0010_double_coding")
def m0010_double_coding(db: Database) -> None:
    # an analyst's "my coding of this article is done": a double-coded article shows each
    # coder the other's events only once both have said so
    db.execute("""CREATE TABLE coding_done (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        analyst TEXT NOT NULL, done_at TEXT NOT NULL,
        PRIMARY KEY (article_id, analyst))""")
    # an article whose machine layers an analyst checked in full: its untouched spans count
    # as right in `newsdesk quality`
    db.execute("""CREATE TABLE reviews (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        analyst TEXT NOT NULL, reviewed_at TEXT NOT NULL,
        PRIMARY KEY (article_id, analyst))""")
    # an adjudicated event settles analysts' codings of one article: theirs stay, marked
    db.execute("ALTER TABLE events ADD COLUMN adjudicated INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE events ADD COLUMN superseded_by INTEGER")
    db.execute("""CREATE TABLE adjudications (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value TEXT,                        -- JSON of the value settled on
        source TEXT NOT NULL,              -- the analyst whose value it is, or 'written'
        decided_by TEXT NOT NULL, decided_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX idx_adjudications_event ON adjudications(event_id)")


@migrations(name="0011_incident_source_cache")
def m0011_incident_source_cache(db: Database) -> None:
    # each source's own toll and place/date profile, kept with its incident: a new report
    # joins by adding one record instead of re-reading every source's article and profile.
    # NULL (incidents from before, or a row written elsewhere) means read them again.
    db.execute("ALTER TABLE incident_details ADD COLUMN sources TEXT")
    # a place written with its incident's date (a new incident's) is not written twice
    db.execute("DROP TRIGGER incident_places_date")
    db.execute("""CREATE TRIGGER incident_places_date AFTER INSERT ON incident_places
    WHEN new.date IS NULL BEGIN
        UPDATE incident_places SET date = (SELECT date FROM incidents WHERE id = new.incident_id)
        WHERE rowid = new.rowid;
    END""")


@migrations(name="0012_filter_indexes")
def m0012_filter_indexes(db: Database) -> None:
    # each filter of the list counted and read from an index of its own: at a million
    # articles a filter tested row by row took seconds when it kept few of them
    db.execute("CREATE INDEX idx_articles_unread ON articles(id) WHERE read_at IS NULL")
    db.execute("CREATE INDEX idx_articles_flagged ON articles(id) WHERE flagged = 1")
    db.execute("CREATE INDEX idx_articles_figures ON articles(id) WHERE n_figures > 0")
    # a source filter is a case-blind prefix ("al-araby"): a range of this index
    db.execute("DROP INDEX idx_articles_source")
    db.execute("CREATE INDEX idx_articles_source ON articles(source COLLATE NOCASE, id)")
