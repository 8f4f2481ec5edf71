import json

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.seeds import SEED_DIR
from newsdesk.store import ArticleFilter, Store

SEED = SEED_DIR / "000_5d3a6b7b1f57e4be.txt"


def _commands():
    return sorted(cli.commands)


def test_top_level_help():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in _commands():
        assert name in result.output


@pytest.mark.parametrize("command", _commands())
def test_every_subcommand_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {command}") or "Usage:" in result.output
    assert cli.commands[command].help  # a real description, not an empty stub


def test_ingest_then_duplicate(tmp_path):
    db = tmp_path / "cli.db"
    runner = CliRunner()
    first = runner.invoke(cli, ["ingest", "--db", str(db), str(SEED), "--published", "2015-05-15",
                                "--tag", "iraq"])
    assert first.exit_code == 0, first.output
    assert first.output.strip().endswith("1 new, 0 duplicates, 0 failed")
    again = runner.invoke(cli, ["ingest", "--db", str(db), str(SEED)])
    assert again.exit_code == 0
    assert f"duplicate: {SEED}" in again.output
    assert "0 new, 1 duplicate, 0 failed" in again.output
    with Store(db) as s:
        row = s.page_articles()[0]
        assert s.article(row.id)["tags"] == ["iraq"]


def test_ingest_uses_NEWSDESK_DB(tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("NEWSDESK_DB", str(db))
    result = CliRunner().invoke(cli, ["ingest", str(SEED)])
    assert result.exit_code == 0
    with Store(db) as s:
        assert s.stats()["articles"] == 1


def test_bad_paths_give_one_line_each_and_nonzero_status(tmp_path):
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02garbage")
    result = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "x.db"),
                                      str(tmp_path / "nope.txt"), str(binary)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert f"failed: {tmp_path / 'nope.txt'}: no such file or directory" in lines
    assert f"failed: {binary}: binary file (contains NUL bytes), not text" in lines
    assert lines[-1] == "0 new, 0 duplicates, 2 failed"


def test_a_store_that_is_not_a_database_is_one_line(tmp_path):
    db = tmp_path / "junk.db"
    db.write_bytes(b"not a database at all" * 50)
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(SEED)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith(f"Error: {db}: not a newsdesk store")
    assert db.read_bytes() == b"not a database at all" * 50


def test_bad_published_date_is_a_usage_error():
    result = CliRunner().invoke(cli, ["ingest", str(SEED), "--published", "yesterday"])
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_extract_json_shape():
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--published", "2015-05-15", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) == {"id", "entities", "casualties", "quotes", "dates"}
    text = SEED.read_text(encoding="utf-8")
    for group in ("entities", "casualties", "quotes", "dates"):
        assert doc[group], group
        for item in doc[group]:
            assert text[item["start"]:item["end"]] == item["text"]
    assert {"label", "canonical"} <= set(doc["entities"][0])
    assert {"kind", "min", "max", "approx", "vague", "victims", "subset", "repeat"} <= set(
        doc["casualties"][0])
    assert {"kind", "speaker", "speaker_start", "speaker_end"} <= set(doc["quotes"][0])
    assert {"value", "granularity"} <= set(doc["dates"][0])


def test_extract_jsonl_keeps_order_and_ids():
    lines = [
        {"id": "b", "text": "Gunmen killed 3 people in Baghdad on Friday.", "published": "2015-05-15"},
        {"id": "a", "text": "Nothing happened.", "published": None},
    ]
    stdin = "".join(json.dumps(x) + "\n" for x in lines)
    result = CliRunner().invoke(cli, ["extract", "--jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["b", "a"]
    assert out[0]["casualties"][0]["min"] == 3
    assert out[0]["dates"][0]["value"] == "2015-05-15"
    assert out[1]["casualties"] == []


def test_extract_jsonl_bad_line_is_one_line_error():
    result = CliRunner().invoke(cli, ["extract", "--jsonl"], input="{not json}\n")
    assert result.exit_code == 1
    assert result.output.startswith("Error: stdin line 1: not an extraction request")


def test_info_reports_the_store(seeded_db):
    result = CliRunner().invoke(cli, ["info", "--db", str(seeded_db)])
    assert result.exit_code == 0
    assert "articles: 31" in result.output


def test_ingest_from_stdin(tmp_path):
    db = tmp_path / "stdin.db"
    text = "Stdin title\n\nGunmen killed 4 people in Kabul on Monday.\n"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), "-"], input=text)
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    empty = CliRunner().invoke(cli, ["ingest", "--db", str(db), "-"], input="")
    assert empty.exit_code == 1
    assert "failed: stdin: empty file" in empty.output


def test_ingest_suggests_compacting_a_search_index_in_many_pieces_and_compact_makes_one(
        tmp_path, monkeypatch):
    """Each ingest leaves the search index in more pieces, each of which every search
    reads; past a few, ingest says so, and `compact` merges them without losing a match."""
    import newsdesk.store.listing as listing

    db = tmp_path / "pieces.db"
    runner = CliRunner()
    for i in range(4):  # a piece a run: each commits on its own
        page = tmp_path / f"a{i}.txt"
        page.write_text(f"Flood number {i} in Samos\n\nWaters rose in Samos for day {i}.\n")
        done = runner.invoke(cli, ["ingest", "--db", str(db), str(page)])
        assert done.exit_code == 0, done.output
    with Store(db) as s:
        pieces = s.search_index_pieces()
        found = [r.id for r in s.page_articles(ArticleFilter(query="samos"))]
    assert pieces >= 2 and len(found) == 4
    monkeypatch.setattr(listing, "SEARCH_INDEX_PIECES_HINT", pieces - 1)
    page = tmp_path / "a9.txt"
    page.write_text("Storm in Izmir\n\nWind over Izmir.\n")
    hinted = runner.invoke(cli, ["ingest", "--db", str(db), str(page)])
    assert "newsdesk compact" in hinted.stderr, hinted.output
    done = runner.invoke(cli, ["compact", "--db", str(db)])
    assert done.exit_code == 0, done.output
    assert f"search index: {pieces + 1} pieces -> 1 (" in done.output
    with Store(db) as s:
        assert s.search_index_pieces() == 1
        assert [r.id for r in s.page_articles(ArticleFilter(query="samos"))] == found
        assert len(s.page_articles(ArticleFilter(query="izmir"))) == 1
