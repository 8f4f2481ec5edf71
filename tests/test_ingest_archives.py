"""Issue 20: what analysts really have (archives, link-only feeds, old encodings, titles)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.ingest import ingest_items
from newsdesk.ingest.article import Article
from newsdesk.ingest.reextract import reextract
from newsdesk.ingest.titles import strip_site_name
from newsdesk.store import Store
from tests.pages import Pages

STORY = ("BAGHDAD, Iraq - A car bomb killed 12 people in Baghdad on Friday, police said.\n"
         "Officials said 30 others were wounded.")


def _raising(*_args, **_kwargs):
    raise OverflowError("date value out of range")


def test_an_extractor_that_raises_stores_the_article_with_that_layer_empty(store, monkeypatch):
    monkeypatch.setattr("newsdesk.extract.dates.find_dates", _raising)
    report = ingest_items(store, [Article(title="Car bomb", body=STORY, origin="wire.txt",
                                          published="2015-05-16")])
    assert len(report.new) == 1 and not report.failed
    article = store.article(report.new[0])
    assert article["body"] == STORY
    assert article["extraction_errors"] == {"dates": "OverflowError: date value out of range"}
    kinds = {s.kind for s in store.spans(report.new[0])}
    assert "date" not in kinds and {"entity", "casualty"} <= kinds  # the other layers ran
    assert "1 stored without dates" in report.summary()
    assert report.partial[0].line().startswith("wire.txt: stored without dates (article ")


def test_reextract_fills_the_layer_that_failed(store, monkeypatch):
    monkeypatch.setattr("newsdesk.extract.dates.find_dates", _raising)
    report = ingest_items(store, [Article(title="Car bomb", body=STORY, origin="wire.txt",
                                          published="2015-05-16")])
    monkeypatch.undo()
    done = reextract(store)
    assert (done.done, done.filled, done.still_failing) == (1, 1, {})
    article_id = report.new[0]
    assert store.article(article_id)["extraction_errors"] == {}
    assert [s.attrs["value"] for s in store.spans(article_id, "date")] == ["2015-05-15"]
    assert reextract(store).done == 0  # nothing left to do


def test_every_layer_raising_still_stores_the_article(store, monkeypatch):
    for name in ("dates.find_dates", "entities.find_entities", "casualties.find_casualties",
                 "quotes.find_quotes", "incidents.profile"):
        monkeypatch.setattr(f"newsdesk.extract.{name}", _raising)
    monkeypatch.setattr("newsdesk.ingest.pipeline.profile", _raising)
    report = ingest_items(store, [Article(title="Car bomb", body=STORY, origin="wire.txt")])
    assert len(report.new) == 1
    assert set(store.article(report.new[0])["extraction_errors"]) == {
        "dates", "entities", "casualties", "quotes", "incidents"}


def test_market_table_ago_counts_are_no_dates(store):
    body = "Jobless claims\nInitial claims 292,000 week ago, 5,000,000 months ago.\nEnd."
    report = ingest_items(store, [Article(title="Claims", body=body, published="2020-01-02")])
    assert len(report.new) == 1 and not report.partial
    assert store.spans(report.new[0], "date") == []


def test_cli_names_the_article_stored_without_a_layer(tmp_path, monkeypatch):
    monkeypatch.setattr("newsdesk.extract.dates.find_dates", _raising)
    path = tmp_path / "wire.txt"
    path.write_text("Car bomb\n" + STORY + "\n")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(path)])
    assert result.exit_code == 0, result.output
    assert f"partial: {path}: stored without dates (article 1; OverflowError" in result.output
    assert "1 new, 0 duplicates, 0 failed; 1 stored without dates" in result.output
    monkeypatch.undo()
    result = CliRunner().invoke(cli, ["reextract", "--db", str(db)])
    assert result.output.strip() == "1 re-extracted, 1 filled in"
    with Store(db) as s:
        assert s.article(1)["extraction_errors"] == {}


# --- old encodings ------------------------------------------------------------------------

LATIN = "Café reopens in São Paulo\nThe façade of the café fell on Monday, the mayor said.\n"
WINDOWS = ("\u201cWe will rebuild,\u201d mayor says \u2014 \u20ac5m pledged\n"
           "The mayor said the repairs would cost \u20ac5 million \u2026 and take a year.\n")


def _ingest_file(tmp_path, name, data, store, fmt=None):
    from newsdesk.ingest import iter_paths

    path = tmp_path / name
    path.write_bytes(data)
    return ingest_items(store, iter_paths([path], fmt=fmt))


def test_a_latin1_text_file_is_read_and_the_encoding_named(tmp_path, store):
    report = ingest_items(store, [])
    report = _ingest_file(tmp_path, "latin.txt", LATIN.encode("latin-1"), store)
    assert len(report.new) == 1
    article = store.article(report.new[0])
    assert article["title"] == "Café reopens in São Paulo"
    assert "façade" in article["body"]
    assert report.summary().endswith("; read as latin-1 (1)")


def test_a_windows_1252_file_keeps_its_curly_quotes_dashes_and_euros(tmp_path, store):
    report = _ingest_file(tmp_path, "win.txt", WINDOWS.encode("cp1252"), store)
    article = store.article(report.new[0])
    assert article["title"] == WINDOWS.split("\n")[0]
    assert "\u20ac5 million \u2026" in article["body"]
    assert "read as cp1252 (1)" in report.summary()


def test_csv_and_json_in_windows_1252_are_read(tmp_path, store):
    csv_data = ('title,text\n"Gr\u00e8ve \u00e0 Marseille","Les dockers ont vot\u00e9 '
                '\u00ab la gr\u00e8ve \u00bb lundi, a dit le syndicat."\n').encode("cp1252")
    report = _ingest_file(tmp_path, "fr.csv", csv_data, store)
    assert [store.article(i)["title"] for i in report.new] == ["Gr\u00e8ve \u00e0 Marseille"]
    json_data = '[{"title": "M\u00fcnchen: Stra\u00dfe gesperrt", "text": "Die Polizei ' \
                'sperrte die Stra\u00dfe in M\u00fcnchen am Montag."}]'.encode("latin-1")
    report = _ingest_file(tmp_path, "de.json", json_data, store)
    assert store.article(report.new[0])["title"] == "M\u00fcnchen: Stra\u00dfe gesperrt"


def test_other_legacy_charsets_are_detected(tmp_path, store):
    polish = ("Wypadek w \u0141odzi\n\u0141\u00f3d\u017a: pi\u0119\u0107 os\u00f3b "
              "zgin\u0119\u0142o w wypadku autobusu, powiedzia\u0142a policja w \u0141odzi.\n")
    report = _ingest_file(tmp_path, "pl.txt", polish.encode("cp1250"), store)
    assert store.article(report.new[0])["title"] == "Wypadek w \u0141odzi"
    russian = ("\u041f\u043e\u0436\u0430\u0440 \u0432 \u041c\u043e\u0441\u043a\u0432\u0435\n"
               "\u041f\u043e\u043b\u0438\u0446\u0438\u044f \u0441\u043e\u043e\u0431\u0449\u0438"
               "\u043b\u0430, \u0447\u0442\u043e \u043f\u043e\u0433\u0438\u0431\u043b\u0438 "
               "\u043f\u044f\u0442\u044c \u0447\u0435\u043b\u043e\u0432\u0435\u043a.\n")
    report = _ingest_file(tmp_path, "ru.txt", russian.encode("cp1251"), store)
    assert store.article(report.new[0])["title"] == "\u041f\u043e\u0436\u0430\u0440 \u0432 " \
        "\u041c\u043e\u0441\u043a\u0432\u0435"


def test_utf8_with_one_broken_byte_is_not_read_as_mojibake(tmp_path, store):
    data = "Café owners protest\nThe café owners of Liège marched on Monday.\n".encode() \
        .replace(b"Monday", b"Mon\xffday")
    report = _ingest_file(tmp_path, "broken.txt", data, store)
    article = store.article(report.new[0])
    assert "café owners of Liège" in article["body"] and "Ã" not in article["body"]
    assert "read as utf-8 (1 bad bytes replaced) (1)" in report.summary()


def test_binary_files_are_still_refused(tmp_path, store):
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(1, 256) for _ in range(4000))
    report = _ingest_file(tmp_path, "blob.txt", noise, store)
    assert not report.new
    assert report.failed[0].reason.startswith("binary file (")


# --- archives of any size -----------------------------------------------------------------

_RSS_PROBE = """
import resource, sys
from pathlib import Path
from newsdesk.ingest.sources import iter_paths
n = 0
for item in iter_paths([Path(sys.argv[1])]):
    n += 1
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _python_baseline_mb() -> int:
    import subprocess
    import sys

    code = ("import resource, newsdesk.ingest.sources;"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout)


def test_a_200_mb_jsonl_archive_streams_in_flat_memory(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "archive.jsonl"
    body = ("Police said the convoy was hit near the market on Tuesday. " * 30).strip()
    records = 0
    with path.open("w", encoding="utf-8") as out:
        while out.tell() < 200 * 1024 * 1024:
            out.write(json.dumps({"title": f"Story {records}", "text": f"{records}. {body}"})
                      + "\n")
            records += 1
    done = subprocess.run([sys.executable, "-c", _RSS_PROBE, str(path)], capture_output=True,
                          text=True, check=True)
    read, peak_mb = map(int, done.stdout.split())
    assert read == records
    # the whole file is 200 MB; reading it costs what one buffer and one record do
    assert peak_mb - _python_baseline_mb() < 40, peak_mb


def test_a_json_array_over_the_single_file_limit_streams(tmp_path, store):
    import json

    from newsdesk.ingest import iter_paths

    path = tmp_path / "export.json"
    filler = "x" * 400_000  # a field no one reads: the archive passes 20 MB in 60 records
    with path.open("w", encoding="utf-8") as out:
        out.write('{"articles": [\n')
        out.write(",\n".join(json.dumps({"headline": f"Flood {i}", "raw": filler,
                                         "story": f"Floods killed {i + 2} people in Sindh."})
                             for i in range(60)))
        out.write("\n]}\n")
    assert path.stat().st_size > 20 * 1024 * 1024
    report = ingest_items(store, iter_paths([path]))
    assert len(report.new) == 60 and not report.failed
    assert store.article(report.new[59])["title"] == "Flood 59"


def test_cli_ingests_a_csv_archive_over_20_mb_and_a_rerun_adds_nothing(tmp_path):
    import csv

    path = tmp_path / "desk.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "text", "raw"])
        for i in range(50):
            writer.writerow([f"Clash {i}", f"Fighting in Marib killed {i + 3} fighters.",
                             "y" * 450_000])
    assert path.stat().st_size > 20 * 1024 * 1024
    db = tmp_path / "s.db"
    first = CliRunner().invoke(cli, ["ingest", "--db", str(db), "-q", str(path)])
    assert first.output.strip().endswith("50 new, 0 duplicates, 0 failed"), first.output
    again = CliRunner().invoke(cli, ["ingest", "--db", str(db), "-q", str(path)])
    assert again.output.strip().endswith("0 new, 50 duplicates, 0 failed"), again.output


# --- extraction in worker processes ---------------------------------------------------------

def _everything(path):
    with Store(path) as s:
        spans = s.conn.execute('SELECT a.title, kind, label, start, "end", text, attrs'
                               " FROM spans JOIN articles a ON a.id = article_id"
                               " ORDER BY a.title, start, kind, label").fetchall()
        groups = s.conn.execute(
            "SELECT group_concat(a.title, '|') FROM incident_articles ia"
            " JOIN articles a ON a.id = ia.article_id GROUP BY ia.incident_id"
            " ORDER BY 1").fetchall()
        order = s.conn.execute("SELECT title FROM articles ORDER BY id").fetchall()
    return spans, sorted(g[0] for g in groups), order


def test_worker_processes_store_exactly_what_one_process_does(tmp_path, monkeypatch):
    from pathlib import Path

    import newsdesk.ingest.pipeline as pipeline
    from newsdesk.ingest import iter_paths
    from newsdesk.seeds import SEED_DIR

    started = []
    real_start = pipeline._start_pool
    monkeypatch.setattr(pipeline, "_start_pool",
                        lambda n, stack: started.append(n) or real_start(n, stack))

    sources = [SEED_DIR, Path(__file__).parent / "data" / "incident_gold.jsonl"]
    results = []
    for workers in (1, 2):
        path = tmp_path / f"w{workers}.db"
        with Store(path) as s:
            report = ingest_items(s, iter_paths(sources), workers=workers)
            assert len(report.new) == 64 and not report.failed
        results.append(_everything(path))
    assert started == [2]  # the second run extracted in two processes
    assert results[0] == results[1]


# --- titles without the site's name -------------------------------------------------------

@pytest.mark.parametrize("title, names, url, expected", [
    ("Senate passes budget bill | CNN Politics", ["CNN"], "https://edition.cnn.com/a",
     "Senate passes budget bill"),
    ("Ramadi falls to IS -- Sott.net", [], "https://www.sott.net/article/1",
     "Ramadi falls to IS"),
    ("LinkNaija | Nigeria's popular news platform: Governor signs budget", ["LinkNaija"],
     "https://www.linknaija.com/x", "Governor signs budget"),
    ("Detenido un hombre en Palma » Local » Noticias » Ultima Hora Mallorca", ["Ultima Hora"],
     "https://www.ultimahora.es/x", "Detenido un hombre en Palma"),
    ("习近平会见肯尼亚总统-新华网", ["新华网"], "http://www.xinhuanet.com/x", "习近平会见肯尼亚总统"),
    ("Flood kills 12 in Sindh - BBC News", ["BBC News"], "https://www.bbc.co.uk/news/x",
     "Flood kills 12 in Sindh"),
    ("Hong Kong - China tensions rise | The Guardian", ["The Guardian"],
     "https://www.theguardian.com/a", "Hong Kong - China tensions rise"),
])
def test_the_site_part_of_a_title_goes(title, names, url, expected):
    assert strip_site_name(title, names, url) == expected


@pytest.mark.parametrize("title, names, url", [
    ("Iraq - Ramadi falls to IS", ["CNN"], "https://edition.cnn.com/a"),
    ("Ramadi falls - CNN reporter killed", ["CNN"], "https://edition.cnn.com/a"),
    ("Biden | Trump debate: what we learned", ["BBC News"], "https://www.bbc.co.uk/news/x"),
    ("Iraq news: Ramadi falls", ["Iraqi News"], "https://www.iraqinews.com/x"),
    ("Reuters", ["Reuters"], "https://www.reuters.com/a"),  # nothing else to keep
    ("Kyiv | Moscow: talks stall", [], None),
])
def test_a_headline_with_its_own_dash_or_bar_is_kept(title, names, url):
    assert strip_site_name(title, names, url) == title


def test_a_web_page_title_loses_its_site_name_from_og_site_name(store):
    from newsdesk.ingest import read_bytes

    text = "<p>" + "The flood killed twelve people in the valley on Monday, officials said. " * 6
    page = (f'<html><head><title>Flood kills 12 in the valley :: Valley Herald Online</title>'
            f'<meta property="og:site_name" content="Valley Herald Online"></head>'
            f"<body><article>{text}</p></article></body></html>").encode()
    [article] = list(read_bytes(page, "https://valleyherald.example/flood", fmt="html",
                                url="https://valleyherald.example/flood"))
    assert article.title == "Flood kills 12 in the valley"


# --- feeds of links only, and pages fetched for them ----------------------------------------

def test_a_link_only_rss1_feed_is_stored_and_fetch_fills_each_entry(store, pages):
    from newsdesk.ingest.fulltext import fetch_full_text
    from newsdesk.ingest.refresh import ingest_url

    report = ingest_url(store, f"{pages}/rss1")
    assert len(report.new) == 3 and not report.failed  # was: 3 x "feed entry has no text"
    first = store.article(report.new[0])
    assert (first["title"], first["body"], first["link_only"]) == (
        "Paper 0: river floods", "", True)
    assert first["url"] == f"{pages}/paper/0"
    fetched = fetch_full_text(store)
    assert sorted(fetched.filled) == sorted(report.new) and not fetched.failed
    filled = store.article(report.new[0])
    assert not filled["link_only"] and "killing at least 14 people" in filled["body"]
    assert filled["title"] == "Paper 0: river floods"
    assert any(s.kind == "casualty" for s in store.spans(report.new[0]))
    assert store.incident_of(report.new[0]) is not None  # placed once it had a toll
    assert fetch_full_text(store).filled == []  # nothing left to fetch


def test_a_summary_only_entry_does_not_block_its_full_page_later(store, pages):
    from newsdesk.ingest.refresh import ingest_url

    teaser = ingest_url(store, f"{pages}/teasers")
    [article_id] = teaser.new
    store.add_annotation(article_id, "tester", note="check the toll", start=0, end=10)
    page = ingest_url(store, f"{pages}/story")
    assert page.replaced == [article_id] and not page.duplicates and not page.new
    article = store.article(article_id)
    assert not article["summary_only"] and "nine people missing" in article["body"]
    assert article["published"] == "2022-08-16"  # the feed's date stays
    [note] = store.annotations(article_id)
    assert article["body"][note["start"]:note["end"]] == "Floodwater"  # moved with its words
    assert ingest_url(store, f"{pages}/story").duplicates  # the full page twice: a duplicate


def test_feeds_add_full_text_fetches_each_new_entry_at_refresh(tmp_path, pages):
    db = tmp_path / "s.db"
    added = CliRunner().invoke(cli, ["feeds", "add", "--db", str(db), "--full-text",
                                     f"{pages}/rss1"])
    assert added.exit_code == 0 and "full text fetched for each new entry" in added.output
    done = CliRunner().invoke(cli, ["refresh", "--db", str(db)])
    assert "3 new" in done.output and "full text fetched for 3 of 3" in done.output, done.output
    pages_hit = [h for h in Pages.hits if h.startswith("/paper/")]
    assert sorted(pages_hit) == ["/paper/0", "/paper/1", "/paper/2"]
    with Store(db) as s:
        assert not s.articles_to_fetch()


def test_newsdesk_fetch_names_what_it_could_not_fetch(tmp_path, pages):
    db = tmp_path / "s.db"
    CliRunner().invoke(cli, ["ingest", "--db", str(db), f"{pages}/rss1"])
    with Store(db) as s:
        s.conn.execute("UPDATE articles SET url = ? WHERE id = 3", [f"{pages}/gone"])
    result = CliRunner().invoke(cli, ["fetch", "--db", str(db)])
    assert result.output.strip().endswith("2 given their full text, 1 failed"), result.output
    assert f"failed: {pages}/gone: HTTP 404" in result.output
    again = CliRunner().invoke(cli, ["fetch", "--db", str(db), "1"])
    assert "article 1: has its full text already" in again.output


# --- subscriptions in OPML --------------------------------------------------------------------

NEWSBOAT_OPML = b"""<?xml version="1.0"?>
<opml version="1.0">
  <head><title>newsboat - Exported Feeds</title></head>
  <body>
    <outline type="rss" xmlUrl="https://feeds.example/world.xml" htmlUrl="https://example/"
             title="World &amp; Conflict"/>
    <outline title="Sahel">
      <outline type="rss" text="Mali desk" xmlUrl="https://mali.example/rss"/>
      <outline type="rss" text="Burkina desk" xmlUrl="https://bf.example/feed"/>
    </outline>
    <outline text="A bookmark, not a feed"/>
    <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
  </body>
</opml>
"""


def test_feeds_import_reads_a_newsboat_opml_and_export_round_trips(tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_bytes(NEWSBOAT_OPML)
    db = tmp_path / "s.db"
    done = CliRunner().invoke(cli, ["feeds", "import", "--db", str(db), str(opml)])
    assert done.exit_code == 0, done.output
    assert "3 feeds added, 0 already subscribed, 2 skipped" in done.output
    assert "skipped: " in done.output and "file:///etc/passwd: not an http(s) feed" in done.output
    with Store(db) as s:
        s.add_feed("https://mali.example/rss", full_text=True)
        feeds = {f["url"]: (f["title"], f["tag"], f["full_text"]) for f in s.feeds()}
    assert feeds == {"https://feeds.example/world.xml": ("World & Conflict", None, False),
                     "https://mali.example/rss": ("Mali desk", "Sahel", True),
                     "https://bf.example/feed": ("Burkina desk", "Sahel", False)}
    out = tmp_path / "out.opml"
    CliRunner().invoke(cli, ["feeds", "export", "--db", str(db), "-o", str(out)])
    other = tmp_path / "other.db"
    again = CliRunner().invoke(cli, ["feeds", "import", "--db", str(other), str(out)])
    assert "3 feeds added, 0 already subscribed" in again.output
    with Store(other) as s:
        assert {f["url"]: (f["title"], f["tag"], f["full_text"]) for f in s.feeds()} == feeds
    rerun = CliRunner().invoke(cli, ["feeds", "import", "--db", str(other), str(out)])
    assert "0 feeds added, 3 already subscribed" in rerun.output


@pytest.mark.parametrize("data, reason", [
    (b"<html><body>no</body></html>", "not OPML: the document is <html>"),
    (b"<opml><body><outline", "not OPML: broken XML"),
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>',
     "refused: the file declares XML entities"),
])
def test_a_bad_opml_file_is_one_line_naming_it(tmp_path, data, reason):
    opml = tmp_path / "bad.opml"
    opml.write_bytes(data)
    done = CliRunner().invoke(cli, ["feeds", "import", "--db", str(tmp_path / "s.db"),
                                    str(opml)])
    assert done.exit_code == 1
    [line] = done.output.strip().splitlines()
    assert line.startswith(f"Error: {opml}: {reason}"), line
