from pathlib import Path

from newsdesk.ingest import Failure, ingest_items, ingest_seeds, iter_paths, read_stream
from newsdesk.ingest.article import Article
from newsdesk.ingest.pipeline import WRITE_BATCH
from newsdesk.ingest.plaintext import parse_text
from newsdesk.seeds import SEED_DIR


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_seed_format_title_body_and_metadata(store):
    report = ingest_seeds(store)
    assert len(report.new) == 31 and not report.failed and not report.duplicates
    ramadi = next(r for r in store.page_articles(limit=100)
                  if r.title == "IS militants take control of Ramadi government stronghold")
    article = store.article(ramadi.id)
    assert article["published"] == "2015-05-15"  # from seeds.jsonl
    assert article["source"].startswith("al-Araby al-Jadeed")
    assert article["body"].startswith("The Islamic State group (IS, formerly ISIS)")
    heads = [article["body"][s:e] for s, e in article["headings"]]
    assert heads == ["Ongoing violence", "Capturing Ramadi"]
    assert article["tags"] == ["seed"]
    stampede = next(r for r in store.page_articles(limit=100)
                    if r.title == "Hundreds dead in Hajj stampede")
    assert store.article(stampede.id)["url"].startswith("https://en.wikinews.org/")


def test_reingesting_the_seeds_is_a_no_op(store):
    ingest_seeds(store)
    again = ingest_seeds(store)
    assert not again.new and len(again.duplicates) == 31
    assert store.stats()["articles"] == 31


def test_every_seed_file_has_attribution():
    import json

    rows = [json.loads(line) for line in (SEED_DIR / "seeds.jsonl").read_text().splitlines()]
    files = {p.name for p in SEED_DIR.glob("*.txt")}
    assert {r["file"] for r in rows} == files and len(files) == 31
    for row in rows:
        assert row["title"] and row["licence"]
        if row["source"] == "Wikinews":
            assert row["url"] and row["licence"] == "CC BY 2.5" and row["attribution"]


def test_folder_is_read_recursively(tmp_path, store):
    _write(tmp_path / "a.txt", "Title A\n\nBody of A.\n")
    _write(tmp_path / "deeper" / "b.txt", "Title B\n\nBody of B.\n")
    _write(tmp_path / "deeper" / ".hidden.txt", "Hidden\n\nNot this.\n")
    report = ingest_items(store, iter_paths([tmp_path]))
    assert len(report.new) == 2
    assert {r.title for r in store.page_articles()} == {"Title A", "Title B"}


def test_articles_land_across_write_batches_and_a_repeat_within_one_is_a_duplicate(store):
    n = WRITE_BATCH * 2 + 5
    items = [Article(title=f"Report {i}", body=f"Shelling hit district {i} on Monday.",
                     origin=f"item-{i}") for i in range(n)]
    items.insert(3, Article(title="Report 1", body="Shelling hit district 1 on Monday.",
                            origin="repeat-of-1"))
    report = ingest_items(store, items)
    assert len(report.new) == n
    assert report.duplicates == ["repeat-of-1"]
    assert store.count_articles() == n
    assert not store.conn.in_transaction  # the last, partial batch was committed too


def test_a_bad_file_among_good_ones_is_reported_and_the_good_ones_land(tmp_path, store):
    _write(tmp_path / "good1.txt", "Good one\n\nFine text.\n")
    _write(tmp_path / "binary.txt", b"\x7fELF\x00\x01\x02")
    _write(tmp_path / "empty.txt", "")
    _write(tmp_path / "titleonly.txt", "Just a title\n")
    _write(tmp_path / "good2.txt", "Good two\n\nMore text.\n")
    report = ingest_items(store, iter_paths([tmp_path, tmp_path / "missing.txt"]))
    assert len(report.new) == 2
    reasons = {Path(f.origin).name: f.reason for f in report.failed}
    assert reasons == {
        "binary.txt": "binary file (contains NUL bytes), not text",
        "empty.txt": "empty file",
        "titleonly.txt": "no body after the title line",
        "missing.txt": "no such file or directory",
    }
    assert all("\n" not in f.line() for f in report.failed)


def test_dateline_gives_the_publication_date(store):
    article = parse_text("Title\n\nThursday, January 12, 2006\n\nBody.", "x")
    report = ingest_items(store, [article])
    assert store.article(report.new[0])["published"] == "2006-01-12"


def test_control_characters_are_stripped_at_ingest(store):
    item = read_stream(b"Evil \x1b]52;c;aGk=\x07title\r\n\r\nBody \x1b[31mred\x1b[0m\rnext\x00?")
    assert isinstance(item, Failure)  # NUL bytes: refused as binary
    item = read_stream(b"Evil \x1b]52;c;aGk=\x07title\r\n\r\nBody \x1b[31mred\x1b[0m\rnext")
    report = ingest_items(store, [item])
    article = store.article(report.new[0])
    for field in ("title", "body"):
        assert "\x1b" not in article[field] and "\x07" not in article[field]
        assert "\r" not in article[field]
    assert article["body"] == "Body [31mred[0m\nnext"


def test_utf16_with_bom_is_read(store):
    item = read_stream("Título\n\nCuerpo del artículo.".encode("utf-16"))
    report = ingest_items(store, [item])
    assert store.article(report.new[0])["title"] == "Título"


def test_published_and_source_overrides_and_tags(tmp_path, store):
    _write(tmp_path / "a.txt", "Title\n\nOn Friday 10 people were killed.\n")
    report = ingest_items(store, iter_paths([tmp_path]), published="2015-05-15",
                          source="Desk", tags=["iraq"])
    article = store.article(report.new[0])
    assert (article["published"], article["source"], article["tags"]) == (
        "2015-05-15", "Desk", ["iraq"])
    dates = store.spans(report.new[0], "date")
    assert [(d.text, d.attrs["value"]) for d in dates] == [("On Friday", "2015-05-15")]
    assert store.page_articles()[0].killed_min == 10


def test_ingest_runs_with_a_big_page_cache_and_gives_the_default_back(store, monkeypatch):
    import newsdesk.ingest.pipeline as pipeline

    default = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    seen = []
    real = pipeline._store_pending

    def spy(store_, *args, **kwargs):
        seen.append(store_.conn.execute("PRAGMA cache_size").fetchone()[0])
        return real(store_, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_store_pending", spy)
    ingest_items(store, [Article(title="Cache", body="Officials in Baghdad said 3 died.")])
    assert seen and all(size == -64 * 1024 for size in seen)
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == default
