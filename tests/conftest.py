from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# One cache for the whole run, every worker and every app a test starts: the gazetteer's
# tables take seconds to build, and the user's own cache is not the tests' to touch. Its
# files are named by what made them, so a stale one is never read.
os.environ["NEWSDESK_CACHE"] = str(Path(tempfile.gettempdir())
                                   / f"newsdesk-test-cache-{os.getuid()}")

from newsdesk.ingest import ingest_seeds
from newsdesk.store import Store


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path, monkeypatch):
    """No test reads or writes the user's real store or config."""
    monkeypatch.setenv("NEWSDESK_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("NEWSDESK_STATE", str(tmp_path / "state.json"))
    monkeypatch.setenv("NEWSDESK_EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("USER", "tester")


@pytest.fixture
def store():
    with Store(":memory:") as s:
        yield s


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    with Store(path) as s:
        report = ingest_seeds(s)
        assert len(report.new) == 31, report.failed
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def desk_template(seeded_template, tmp_path_factory) -> Path:
    """The seeds and the incident gold reports (tests/data): incidents of several reports."""
    from newsdesk.ingest import ingest_items, iter_paths

    path = tmp_path_factory.mktemp("desk") / "desk.db"
    shutil.copy(seeded_template, path)
    with Store(path) as s:
        report = ingest_items(s, iter_paths([Path(__file__).parent / "data"
                                             / "incident_gold.jsonl"]))
        assert len(report.new) == 33, report.failed
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def desk_db(desk_template, tmp_path) -> Path:
    path = tmp_path / "desk.db"
    shutil.copy(desk_template, path)
    return path


@pytest.fixture
def seeded_db(seeded_template, tmp_path) -> Path:
    """A store file holding the 31 seed articles, fresh for each test."""
    path = tmp_path / "seeded.db"
    shutil.copy(seeded_template, path)
    return path
@pytest.fixture
def double_db(seeded_db) -> Path:
    """The seeds with three articles double-coded by ana and bo, who disagree on the
    Ramadi article's type and toll and agree on the other two."""
    with Store(seeded_db) as s:
        rows = s.conn.execute("SELECT id, title FROM articles ORDER BY id").fetchall()
        ramadi = next(i for i, t in rows if "Ramadi" in t)
        others = [i for i, _t in rows if i != ramadi][:2]
        for article_id in (ramadi, *others):
            s.add_tag(article_id, "double", "lead")
        coded = {"ana": ("Battles", 100), "bo": ("Violence against civilians", 500)}
        for analyst, (kind, killed) in coded.items():
            s.create_event(analyst, {"event_type": kind, "fatalities_min": killed,
                                     "event_date": "2015-05-15", "location": "Ramadi"},
                           [{"article_id": ramadi, "field": "location", "start": None,
                             "end": None, "text": "Ramadi"}])
            for article_id in others:
                s.create_event(analyst, {"event_type": "Battles", "location": "Kazan"},
                               [{"article_id": article_id, "field": "location",
                                 "start": None, "end": None, "text": "Kazan"}])
            s.set_coding_done(ramadi, analyst)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return seeded_db


from tests.terminal import terminal  # noqa: E402,F401  (a fixture for the tmux tests)


@pytest.fixture
def pages():
    """A local news site (tests/pages.py); its base URL."""
    from tests.pages import serve_pages

    with serve_pages() as base:
        yield base
