"""Several analysts at once, kill -9 in the middle of an ingest, and a corpus of bad input."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk import extract
from newsdesk.ingest import Article, Failure, ingest_items, iter_paths, read_bytes
from newsdesk.ingest.pipeline import WRITE_BATCH
from newsdesk.seeds import SEED_DIR
from newsdesk.store import Store

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "hostile"


def _python(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _write_articles(folder: Path, n: int) -> None:
    """n distinct articles made from the seeds (a numbered line keeps them apart)."""
    seeds = sorted(p for p in SEED_DIR.glob("*.txt"))
    folder.mkdir()
    for i in range(n):
        title, _, body = seeds[i % len(seeds)].read_text(encoding="utf-8").partition("\n")
        (folder / f"{i:04d}.txt").write_text(f"{title} ({i})\n\nDesk copy {i}.\n{body}",
                                             encoding="utf-8")


def _consistent(path: Path) -> None:
    """Integrity ok, and no article without all of its spans or its search row."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        bad = conn.execute("""
            SELECT count(*) FROM articles a WHERE
              a.n_entities != (SELECT count(DISTINCT coalesce(json_extract(s.attrs, '$.canonical'),
                                                       s.text))
                               FROM spans s WHERE s.article_id = a.id AND s.kind = 'entity')
              OR a.n_quotes != (SELECT count(*) FROM spans s WHERE s.article_id = a.id
                                AND s.kind = 'quote')
              OR a.n_figures != (SELECT count(*) FROM spans s WHERE s.article_id = a.id
                                 AND s.kind = 'casualty')""").fetchone()[0]
        assert bad == 0
        n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == n


WRITER = """
import sys
from newsdesk.store import Store
path, who = sys.argv[1], sys.argv[2]
with Store(path) as s:
    for n in range(500):
        s.add_annotation(1, who, action="note", start=0, end=4, note=f"{who}-{n}")
"""

INGESTER = """
import sys
from pathlib import Path
from newsdesk.ingest import ingest_items, iter_paths
from newsdesk.store import Store
with Store(sys.argv[1]) as s:
    report = ingest_items(s, iter_paths([Path(sys.argv[2])]))
print(len(report.new), len(report.failed))
"""


def test_four_analysts_and_an_ingest_write_at_once(tmp_path):
    path = tmp_path / "shared.db"
    with Store(path) as s:
        s.add_article(title="Shared", body="Gunmen killed 5 civilians in Ramadi on Friday.")
    _write_articles(tmp_path / "incoming", 40)
    procs = [_python(WRITER, str(path), f"analyst{i}") for i in range(4)]
    procs.append(_python(INGESTER, str(path), str(tmp_path / "incoming")))
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    for code, _out, err in results:
        # a library's warning on stderr is no failure; a traceback or an error line is
        assert code == 0, err
        assert "Traceback" not in err and not any(
            line.lower().startswith(("error", "newsdesk: error")) for line in err.splitlines()), err
    assert results[-1][1].split() == ["40", "0"]
    with Store(path) as s:
        notes = {n["note"] for n in s.annotations(1)}
        assert len(notes) == 2000
        assert notes == {f"analyst{i}-{n}" for i in range(4) for n in range(500)}
        assert s.count_articles() == 41
    _consistent(path)


def _article_count(path: Path) -> int:
    """Articles committed so far; 0 while the store is still being created."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                                timeout=5)) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _write_archive(path: Path, n: int) -> None:
    """The same n articles as one JSONL archive (a streamed source)."""
    folder = path.with_suffix("")
    _write_articles(folder, n)
    with path.open("w", encoding="utf-8") as out:
        for file in sorted(folder.iterdir()):
            title, _, body = file.read_text(encoding="utf-8").partition("\n")
            out.write(json.dumps({"title": title, "text": body.strip()}) + "\n")


def _processes_naming(path: Path) -> list[int]:
    """Live processes whose command line names `path` (zombies are gone already)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if str(path) in (proc / "cmdline").read_bytes().decode(errors="replace") and \
                    "State:\tZ" not in (proc / "status").read_text():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("shape", ["folder", "jsonl archive"])
def test_kill_minus_nine_during_ingest_loses_nothing_half_written(tmp_path, shape):
    path = tmp_path / "crash.db"
    total = 600
    if shape == "folder":
        source = tmp_path / "batch"
        _write_articles(source, total)
    else:
        source = tmp_path / "archive.jsonl"
        _write_archive(source, total)
    cmd = [sys.executable, "-m", "newsdesk", "ingest", str(source), "--db", str(path), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    counts = []
    for _ in range(4):
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # kill once this run has committed at least one more write batch, whatever the
        # machine's speed: the kill then lands while later batches are being written
        floor = (counts[-1] if counts else 0) + WRITE_BATCH
        while proc.poll() is None and _article_count(path) < floor:
            time.sleep(0.005)
        if proc.poll() is not None:
            break  # this run finished before it could be killed mid-run
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _consistent(path)
        counts.append(_article_count(path))
    # the killed runs' extraction workers end with them, not idle for ever
    deadline = time.monotonic() + 30
    while _processes_naming(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(path) == []
    # at least one kill landed mid-run; each killed run got further, none finished
    assert counts, "no run was killed before it finished"
    assert counts == sorted(counts) and 0 < counts[-1] < total, counts
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(
        f"{total - counts[-1]} new, {counts[-1]} duplicates, 0 failed")
    _consistent(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == total
        assert conn.execute("SELECT count(DISTINCT title) FROM articles").fetchone()[0] == total


# --- hostile and broken input ------------------------------------------------------------

EXPECTED = {
    # file -> "ingested" or the start of its one-line failure
    "empty.txt": "empty file",
    "binary.txt": "binary file",
    # one byte that is not UTF-8 in ASCII text: read as Latin-1, the encoding named
    "invalid-utf8.txt": "ingested",
    "utf16-bom.txt": "ingested",
    "nul-bytes.txt": "binary file",
    "crlf.txt": "ingested",
    "cr-only.txt": "ingested",
    "right-to-left.txt": "ingested",
    "zero-width.txt": "ingested",
    "emoji-combining.txt": "ingested",
    "escapes.txt": "ingested",
    "markup.txt": "ingested",
    "billion-laughs.xml": "refused: the feed declares XML entities",
    "external-entity.xml": "refused: the feed declares XML entities",
    "feed-is-html.rss": "not an RSS or Atom feed: it is an HTML page",
    "no-article.html": "no article text found",
    "broken.jsonl": "ingested",
}


def test_hostile_corpus_each_file_ingested_or_refused_in_one_line(store, tmp_path):
    assert {p.name for p in HOSTILE.iterdir()} == set(EXPECTED) | {"README.md"}
    # generated here rather than committed: a million-character line, 50 MB, deep nesting
    (tmp_path / "long-line.txt").write_text("Long line\n\n" + "word " * 200_000)
    with (tmp_path / "fifty-mb.txt").open("wb") as f:
        f.write(b"Big\n\n" + b"x" * (50 * 1024 * 1024))
    (tmp_path / "nested.html").write_bytes(b"<html><body>" + b"<div>" * 50_000 + b"x"
                                           + b"</div>" * 50_000 + b"</body></html>")
    results: dict[str, str] = {}
    for path in [*sorted(HOSTILE.iterdir()), *sorted(tmp_path.iterdir())]:
        if path.name == "README.md":
            continue
        report = ingest_items(store, iter_paths([path]))
        for failure in report.failed:
            assert "\n" not in failure.line() and "Traceback" not in failure.reason
        results[path.name] = "ingested" if report.new and not report.failed else (
            report.failed[0].reason if report.failed else "duplicate")
    for name, expected in EXPECTED.items():
        if name == "broken.jsonl":
            continue
        assert results[name].startswith(expected), (name, results[name])
    assert results["long-line.txt"] == "ingested"
    assert results["fifty-mb.txt"].startswith("too large (50 MB")
    assert results["nested.html"].startswith("no article text found")
    # broken.jsonl: its good records land, its bad line fails alone
    report = ingest_items(store, iter_paths([HOSTILE / "broken.jsonl"]))
    assert report.duplicates and len(report.failed) == 1
    for row in store.page_articles(limit=100):
        article = store.article(row.id)
        for field in ("title", "body"):
            assert not any(ord(c) < 32 and c not in "\n\t" or 0x7f <= ord(c) <= 0x9f
                           for c in article[field]), (row.title, field)


def test_offsets_hold_with_emoji_and_combining_marks(store):
    text = (HOSTILE / "emoji-combining.txt").read_text(encoding="utf-8")
    [article] = list(read_bytes(text.encode(), "emoji.txt"))
    found = extract.extract(article.body, "2020-01-01")
    assert found["entities"], "the corpus file names people and places"
    for group in found.values():
        for item in group:
            assert article.body[item["start"]:item["end"]] == item["text"]
    assert any(e["text"] == "Zoë Ångström" for e in found["entities"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.html", "x.xml", "x.json",
                                                  "x.jsonl", "x.csv", "x"]))
def test_random_bytes_never_raise(data, name):
    for item in read_bytes(data, name):
        assert isinstance(item, (Article, Failure))
        if isinstance(item, Article):
            result = extract.extract(item.body, item.published)
            for group in result.values():
                for span in group:
                    assert item.body[span["start"]:span["end"]] == span["text"]
        else:
            assert "\n" not in item.line()


@pytest.mark.parametrize("size", [(80, 24)])
async def test_escape_sequences_never_reach_the_terminal(tmp_path, size):
    """Through the rendered screen: title, body, tag and note from the corpus file."""
    from newsdesk.tui.app import NewsdeskApp

    db = tmp_path / "esc.db"
    with Store(db) as s:
        report = ingest_items(s, iter_paths([HOSTILE / "escapes.txt"]))
        article_id = report.new[0]
        s.add_tag(article_id, "\x1b[31mred-tag\x1b[0m", "ana")
        s.add_annotation(article_id, "ana", note="\x1b]52;c;aGk=\x07 note")
    app = NewsdeskApp(db, seed_if_empty=False)
    async with app.run_test(size=size) as pilot:
        for keys in ((), ("enter",)):
            await pilot.press(*keys)
            await pilot.pause()
            screen_text = "".join(
                seg.text for strip in app.screen._compositor.render_full_update().strips
                for seg in strip)
            assert "\x1b" not in screen_text and "\x07" not in screen_text
            assert not any(0x80 <= ord(c) <= 0x9f for c in screen_text)


def test_a_terminal_that_hangs_up_ends_the_app(seeded_db):
    """A dropped link can close the terminal without a hang-up signal (no controlling
    terminal, as here): the app must end, not read the dead terminal at a full core."""
    from bench.terminal import Terminal

    term = Terminal(seeded_db)
    try:
        term.wait_painted()
        os.close(term.master)  # the other end of the terminal goes away
        try:
            term.proc.wait(timeout=60)
        except subprocess.TimeoutExpired as still_running:
            os.killpg(term.proc.pid, signal.SIGKILL)
            term.proc.wait()
            raise AssertionError("the app kept running on a terminal that hung up"
                                 ) from still_running
    finally:
        if term.proc.poll() is None:
            os.killpg(term.proc.pid, signal.SIGKILL)
        term.tmp.cleanup()
