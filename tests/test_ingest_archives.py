"""Issue 20: what analysts really have (archives, link-only feeds, old encodings, titles)."""
from __future__ import annotations

from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.ingest import ingest_items
from newsdesk.ingest.article import Article
from newsdesk.ingest.reextract import reextract
from newsdesk.store import Store

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
