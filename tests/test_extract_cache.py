"""What extraction keeps in the user cache so it starts fast: the gazetteer's tables and
the compiled patterns. Each must give exactly what building afresh gives, survive a damaged
file, and work without a writable cache."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdesk.extract import lexicon, patterns

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh_patterns(monkeypatch, tmp_path):
    """The pattern cache as a new process finds it, in an empty cache folder."""
    monkeypatch.setenv("NEWSDESK_CACHE", str(tmp_path))
    monkeypatch.setattr(patterns, "_entries", None)
    monkeypatch.setattr(patterns, "_unsaved", False)
    monkeypatch.setattr(patterns, "_used", set())
    return tmp_path


SAMPLES = [
    (r"(?P<qual>at\s+least|more\s+than)\s+(?P<num>\d+)\s+(?:people|civilians)", re.I),
    (r"\b(?:killed|died)\b(?!\s+in\s+(?:19|20)\d\d)", 0),
    (r"(?x) (?P<day>\d{1,2}) \s+ (?P<mon>May|June)  # a verbose one", 0),
]


def test_a_cached_pattern_is_the_pattern_re_compiles(fresh_patterns):
    for pattern, flags in SAMPLES:
        assert patterns.compiled(pattern, flags) == re.compile(pattern, flags)
    patterns._save()
    assert list(fresh_patterns.glob("patterns-*.marshal"))
    patterns._entries, patterns._unsaved = None, False  # the next process
    for pattern, flags in SAMPLES:
        again = patterns.compiled(pattern, flags)
        assert again == re.compile(pattern, flags)  # equal flags, pattern and engine code
        assert again.groupindex == re.compile(pattern, flags).groupindex
    assert not patterns._unsaved  # every one came from the file
    text = "At least 12 people killed on 15 May"
    assert patterns.compiled(*SAMPLES[0]).search(text).group("num") == "12"


def test_a_damaged_pattern_cache_is_compiled_afresh(fresh_patterns):
    patterns.compiled(*SAMPLES[0])
    patterns._save()
    (cache,) = fresh_patterns.glob("patterns-*.marshal")
    cache.write_bytes(b"\x00not marshal")
    patterns._entries = None
    assert patterns.compiled(*SAMPLES[0]) == re.compile(*SAMPLES[0])
    # an entry the engine's validator rejects is compiled afresh, not trusted
    key = (SAMPLES[1][0], SAMPLES[1][1])
    patterns._entries[key] = (32, [0, 1, 2, 3], 0, {}, (None,))
    assert patterns.compiled(*SAMPLES[1]) == re.compile(*SAMPLES[1])


def test_every_extractor_pattern_from_the_cache_is_what_re_compiles():
    """The shipped patterns, as this run compiled or loaded them."""
    from newsdesk.extract import casualties, dates, entities, incidents, quotes  # noqa: F401

    assert len(patterns._entries) > 100
    for (pattern, flags), entry in patterns._entries.items():
        if (pattern, flags) in patterns._used:
            assert patterns._sre.compile(pattern, *entry) == re.compile(pattern, flags)


def test_the_gazetteer_from_its_file_is_the_gazetteer_built_afresh(tmp_path):
    built = sqlite3.connect(":memory:")
    lexicon._fill_gazetteer(built)
    (names,), = built.execute("SELECT names FROM name_lists WHERE list = 'places'")
    assert frozenset(names.split("\n")) == lexicon.places()
    assert {"Ramadi", "Fallujah", "Baghdad"} <= lexicon.places()
    assert lexicon.country_of("al-Fallujah") == "Iraq"
    assert lexicon.gazetteer_place("Ar Ramadi") == {
        "geonames_id": 98717, "name": "Ramadi", "admin1": "IQ.01", "country": "Iraq"}
    assert lexicon.gazetteer_place("Atlantis Nowhere") is None
    assert "Iraq" in lexicon.countries() and "Britain" in lexicon.countries()


def _small_fill(conn):
    conn.executescript(lexicon._GAZETTEER_TABLES)
    conn.execute("INSERT INTO name_lists VALUES ('places', 'Ramadi')")
    conn.commit()


def _place_lists_of_a_fresh_start() -> list[tuple[str]]:
    """The name lists the gazetteer opens with, as a new process finds its cache."""
    lexicon._gazetteer_db.cache_clear()
    try:
        return lexicon._gazetteer_db().execute("SELECT names FROM name_lists").fetchall()
    finally:
        lexicon._gazetteer_db.cache_clear()


def test_a_damaged_gazetteer_file_is_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSDESK_CACHE", str(tmp_path))
    monkeypatch.setattr(lexicon, "_fill_gazetteer", _small_fill)
    path = tmp_path / f"gazetteer-{lexicon._gazetteer_version()}.sqlite"
    path.write_bytes(b"half a file " * 100)
    old = tmp_path / "gazetteer-0000000000000000.sqlite"
    old.write_bytes(b"made by older rules")
    long_ago = time.time() - (lexicon.STALE_CACHE_DAYS + 1) * 86400
    os.utime(old, (long_ago, long_ago))
    # another install's, of other rules, in use this week: left alone
    (tmp_path / "gazetteer-1111111111111111.sqlite").write_bytes(b"another install's")
    assert _place_lists_of_a_fresh_start() == [("Ramadi",)]
    assert sorted(p.name for p in tmp_path.glob("gazetteer-*")) == [
        "gazetteer-1111111111111111.sqlite", path.name]  # the one unused for a month gone


def test_without_a_writable_cache_the_gazetteer_is_built_in_memory(monkeypatch, tmp_path):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv("NEWSDESK_CACHE", str(blocked))
    monkeypatch.setattr(lexicon, "_fill_gazetteer", _small_fill)
    assert _place_lists_of_a_fresh_start() == [("Ramadi",)]


def test_extract_jsonl_loads_neither_the_store_nor_ingest():
    """Start-up: the feed readers and the store cost ~400 ms of imports it never uses."""
    code = ("import sys, json, io; sys.argv = ['newsdesk', 'extract', '--jsonl'];"
            "sys.stdin = io.StringIO(json.dumps({'id': 1, 'text': 'Two men were killed in"
            " Ramadi on Friday.', 'published': '2015-05-16'}) + '\\n');"
            "from newsdesk.cli import cli\n"
            "try:\n    cli.main(standalone_mode=False)\n"
            "finally:\n    print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert json.loads(done.stdout)["casualties"][0]["min"] == 2
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "newsdesk.extract.casualties" in loaded
    assert not {m for m in loaded if m.startswith(("newsdesk.store", "newsdesk.ingest",
                                                   "feedparser", "trafilatura"))}


def test_a_python_whose_re_internals_differ_still_compiles(fresh_patterns, monkeypatch):
    # what another Python's compiler hands its engine, in a shape this one refuses
    monkeypatch.setattr(patterns, "_fresh_entry", lambda pattern, flags: (flags,))
    found = patterns.compiled(*SAMPLES[0])
    assert found.pattern == SAMPLES[0][0] and found.search("at least 3 people")
    assert not patterns._unsaved  # nothing kept that this Python could not use
