"""The analyst's loop in a real terminal: the installed command in tmux, keys sent as a
terminal sends them, the screen read back. Skipped where tmux is missing."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from newsdesk.ingest import ingest_items, iter_paths
from newsdesk.store import Store
from tests.terminal import needs_tmux

pytestmark = needs_tmux
HOSTILE = Path(__file__).parent / "hostile"
SIZES = [(80, 24), (200, 60)]


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _open_ramadi(term) -> None:
    """From the list, search for the seed article and open it."""
    term.wait_for(r"\d+ articles")
    term.keys("/")
    term.type("Ramadi compound")
    term.wait_for(r"\b1 article")
    term.keys("Enter", "Enter")
    term.wait_for("Entities")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_short_article_after_the_cursor_went_deep_in_a_long_one(seeded_db, terminal, size):
    with Store(seeded_db) as s:
        s.add_article(title="Short one", body="Two killed in Kabul.", published="2030-01-01")
    term = terminal(seeded_db, size=size)
    term.wait_for("Short one")
    term.keys("Down", "Enter")                  # the newest seed: a long article
    term.wait_for("Entities")
    opened = term.settle()
    assert "╭" not in opened, f"a dialog opened with the article:\n{opened}"
    term.keys("PageDown", "PageDown", "PageDown", "End")
    paged = term.settle()
    assert "╭" not in paged and "Entities" in paged, f"after paging:\n{paged}"
    term.keys("p")                              # the short one, newer in the list
    term.wait_for("Two killed in Kabul")
    term.keys("Escape", "Down", "Enter", "Down", "Down", "Down", "Escape", "Up", "Enter")
    shown = term.wait_for("Two killed in Kabul")
    assert term.alive() and "Traceback" not in shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_plus_adds_a_missed_entity(seeded_db, terminal, size):
    term = terminal(seeded_db, size=size)
    _open_ramadi(term)
    term.keys("W", "W")                         # the first two words of the text
    term.keys("+")
    term.wait_for("is a…")
    term.keys("Down", "Enter")                  # ORG
    term.wait_for("added ORG")
    [(label, attrs)] = _rows(seeded_db, "SELECT label, attrs FROM annotations"
                                        " WHERE action = 'add'")
    assert label == "ORG" and attrs


def test_a_burst_of_keys_lands_in_the_fields_it_was_typed_for(seeded_db, terminal):
    term = terminal(seeded_db, size=(120, 40))
    _open_ramadi(term)
    term.keys(">")                              # select the first sentence
    term.keys("E")
    term.wait_for("Code an event")
    # one write, as a paste or a laggy link delivers it: the date, three choice fields
    # passed over, then both actors; a field entered by Tab has its text selected, so what
    # is typed replaces the prefill
    term.burst("2015-05-14", "Tab", "Tab", "Tab", "Tab", "AAA", "Tab", "BBB", "C-s")
    term.wait_for("event coded")
    [(date, actor1, actor2)] = _rows(seeded_db, "SELECT event_date, actor1, actor2 FROM events")
    assert (date, actor1, actor2) == ("2015-05-14", "AAA", "BBB")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_search_pasted_in_one_write_shows_what_was_pasted(seeded_db, terminal, size):
    term = terminal(seeded_db, size=size)
    term.wait_for(r"31 articles")
    term.keys("/")
    term.type("from:2015-05 to:2015-05 Ramadi compound")  # one write: each step a change
    term.wait_for(r"\b1 article\b")
    shown = term.settle()
    assert "to:2015-05 Ramadi compound" in shown  # the box's tail, at any width
    assert re.search(r"\b1 article\b", shown) and "IS militants take" in shown, shown
    term.keys("C-u")                                # the box emptied: every article again
    term.wait_for(r"31 articles")
    assert term.alive()


def test_hostile_text_leaves_the_terminal_alone(tmp_path, terminal):
    db = tmp_path / "hostile.db"
    with Store(db) as s:
        report = ingest_items(s, iter_paths([HOSTILE / "escapes.txt"]))
        assert report.new
        s.add_article(title="Markup [bold]not bold[/bold]",
                      body="Text with [bold]markup[/] and \x1b]52;c;aGk=\x07 an OSC 52 and"
                           " \x1b[2J a clear screen.", published="2030-01-01")
    term = terminal(db, size=(120, 40))
    term.wait_for(r"\d+ articles")
    screens = []
    for keys, title in ((("Enter",), "Markup"), (("Escape", "Down", "Enter"), "Evil")):
        term.keys(*keys)
        term.wait_for(rf"(?m)^ {title}.*\n.*\n─+\n")  # the reader's header, not the list
        screens.append(term.settle())
        raw = term.screen(escapes=True)
        # only the colour and style sequences tmux itself writes: no OSC, no clear
        assert "\x1b]" not in raw and "\x1b[2J" not in raw and "\x07" not in raw
        assert term.alive()
    assert "Text with [bold]markup[/] and" in screens[0]  # markup shown literally
    assert "Evil" in screens[1]
    buffers = term.tmux("list-buffers", check=False).stdout
    assert "aGk" not in buffers  # OSC 52 never reached tmux's clipboard


@pytest.mark.parametrize(("start", "end"), [((80, 24), (200, 60)), ((200, 60), (80, 24))],
                         ids=["grow", "shrink"])
def test_a_resize_in_the_reader_redraws_every_line(seeded_db, terminal, start, end):
    term = terminal(seeded_db, size=start)
    _open_ramadi(term)
    term.settle()
    term.resize(*end)
    term.wait_redrawn(*end)
    resized = term.settle(quiet_s=0.5)
    assert max(len(line) for line in resized.splitlines()) > end[0] - 10  # uses the width
    assert len(resized.splitlines()) == end[1]
    term.keys("1")
    term.settle()
    term.keys("1")                                 # a layer off and on repaints everything
    repainted = term.settle(quiet_s=0.5)
    assert resized == repainted


def test_events_and_notes_are_edited_and_deleted_from_their_panels(seeded_db, terminal):
    term = terminal(seeded_db, size=(120, 40))
    _open_ramadi(term)
    term.keys(">", "E")
    term.wait_for("Code an event")
    term.keys("C-s")
    term.wait_for("event coded")
    [(event_id, actor1)] = _rows(seeded_db, "SELECT id, actor1 FROM events")
    term.keys("v", "Enter")                      # edit the event from the Events panel
    term.wait_for(f"Event {event_id}")
    for _ in range(4):
        term.keys("Tab")
    term.type("Iraqi security forces")           # actor 1, its prefill selected: replaced
    term.keys("C-s")
    term.wait_for("event updated")
    assert _rows(seeded_db, "SELECT actor1 FROM events") == [("Iraqi security forces",)]
    # the old actor's evidence went with the old value
    assert ("actor1", actor1) not in _rows(seeded_db, "SELECT field, text FROM event_evidence")
    term.keys("X")                               # X on the event deletes it, not a date span
    term.wait_for("deleted")
    assert _rows(seeded_db, "SELECT count(*) FROM events") == [(0,)]
    assert _rows(seeded_db, "SELECT count(*) FROM annotations WHERE action = 'reject'") == [(0,)]
    term.keys("u")
    term.wait_for("undone: delete event")
    assert _rows(seeded_db, "SELECT actor1 FROM events") == [("Iraqi security forces",)]
    # a note: add, edit from the Notes panel, delete
    term.keys("Escape")                          # from the panel back to the text
    term.settle()
    term.keys("W", "a")
    term.wait_for("Annotate")
    term.type("claim")
    term.keys("Tab")
    term.type("check this")
    term.keys("Enter")
    term.wait_for("note added")
    term.keys("N", "Enter")
    term.wait_for("Edit the note")
    term.type("checked: wrong")
    term.keys("Enter")
    term.wait_for("note edited")
    assert _rows(seeded_db, "SELECT note FROM annotations WHERE action = 'note'") == [
        ("checked: wrong",)]
    term.keys("X")
    term.wait_for("note deleted")
    assert _rows(seeded_db, "SELECT count(*) FROM annotations WHERE action = 'note'") == [(0,)]


SEED_EVENTS = [
    ("2015-05-14", "Fallujah", "Anbar", "Iraq", "Islamic State group", "Iraqi army",
     "Battles", "Armed clash", "101", "101", "", "", "28"),
    ("2015-05-15", "Ramadi", "Anbar", "Iraq", "Islamic State group", "Iraqi police",
     "Explosions/Remote violence", "Suicide bomb", "10", "10", "10", "7", ""),
]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_seed_events_are_coded_in_at_most_twenty_keys_each(seeded_db, terminal, size):
    import csv
    import io

    from click.testing import CliRunner

    from newsdesk.cli import cli

    term = terminal(seeded_db, size=size)
    _open_ramadi(term)
    sent: list[list[str]] = []

    def press(*keys: str) -> None:
        sent[-1].extend(keys)
        term.keys(*keys)

    # Friday's bombings: the first figure's row; Thursday's attack: the next one
    for opening in (["c"], ["Down"]):
        sent.append([])
        press(*opening, "E")
        term.wait_for("Code an event")
        press("C-s")          # and straight on to the next key: no waiting for the list
    term.wait_for("Events 2")
    assert [len(keys) for keys in sent] == [3, 3] and all(len(k) <= 20 for k in sent)
    out = CliRunner().invoke(cli, ["export", "events", "--format", "csv", "--db", str(seeded_db)])
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert [(r["event_date"], r["location"], r["admin1"], r["country"], r["actor1"],
             r["actor2"], r["event_type"], r["sub_event_type"], r["fatalities"],
             r["fatalities_min"], r["fatalities_max"], r["wounded_min"], r["captured_min"])
            for r in rows] == SEED_EVENTS
    assert all(r["source_titles"].startswith("IS militants take control of Ramadi") for r in rows)


_TMUX_KEY = {"tab": "Tab", "esc": "Escape", "⏎": "Enter", "^p": "C-p", "^r": "C-r",
             "shift+tab": "BTab", "^s": "C-s"}


def _key_bar(screen: str) -> list[str]:
    """The keys the bottom line offers, as tmux names them."""
    line = [row for row in screen.splitlines() if row.strip()][-1]
    keys = [item.strip().split(" ")[0] for item in re.split(r"\s{2,}", line) if item.strip()]
    return [_TMUX_KEY.get(k, k) for k in keys]


def _help_keys(screen: str) -> list[str]:
    """The keys the `?` screen lists, as tmux names them."""
    rows = re.findall(r"│  (\S+)\s{2,}\S.*?\s{2,}[a-z_]+\.[a-z_]+\s", screen)
    return [_TMUX_KEY.get(k, k) for k in rows]


# how to get to each screen from the article list, and what shows it is there
_SCREENS = {
    "list": ((), r"\d+ articles?  ·  sort:"),
    "reader": (("Enter",), "Entities"),
    "incidents": (("I",), r"\d+ incidents?  ·"),
    "incident": (("I", "Enter"), r"incident \d+ · "),
    "timeline": (("I", "T"), "incidents per"),
    "entity": (("Enter", "e", "P"), r"entity \d+ · \d+ articles?"),
    "agreement": (("A",), r"Agreement between ana, bo"),
    "adjudicate": (("A", "Enter"), r"differing fields settled"),
}
_HELP_KEYS_AT_LEAST = {"list": 14, "reader": 40, "incidents": 14, "incident": 12,
                       "timeline": 5, "entity": 11, "agreement": 5, "adjudicate": 8}
_DOUBLE_CODED = ("agreement", "adjudicate")


@pytest.mark.parametrize("listed_by", ["key bar", "help"])
@pytest.mark.parametrize("where", list(_SCREENS))
def test_every_key_offered_shows_something(seeded_db, desk_db, double_db, terminal, where,
                                           listed_by):
    term = terminal(desk_db if where in ("incidents", "incident", "timeline") else
                    double_db if where in _DOUBLE_CODED else seeded_db, size=(200, 80))
    term.wait_for(r"\d+ articles")
    keys_there, shown = _SCREENS[where]

    def baseline() -> str:
        # out of any dialog and screen, back to the list: a profile opened from a profile
        # stacks screens, so as many Escapes as it takes (each one waited for)
        for _ in range(8):
            term.keys("Escape")
            shown_now = term.settle(quiet_s=0.2)
            if re.search(r"\d+ articles?  ·  sort:", shown_now) and "╭" not in shown_now:
                break
        term.wait_for(r"\d+ articles?  ·  sort:")  # the list (a profile also counts articles)
        if keys_there:
            term.keys(*keys_there)
            term.wait_for(shown)
        if where == "reader":
            term.keys("Tab")  # onto the first highlight: the keys that act on one have one
        term.settle()
        return term.screen(escapes=True)  # with styles: a moved cursor or mark shows

    if listed_by == "key bar":
        keys = _key_bar(term.screen() if baseline() else "")
        assert len(keys) >= 5, keys
    else:
        baseline()
        term.keys("?")
        term.wait_for("id \\(for \\[keymap\\]")
        keys = _help_keys(term.settle())  # the whole list drawn, not its first rows
        assert len(keys) >= _HELP_KEYS_AT_LEAST[where], keys
    # a key that undoes a state gets that state first: Esc on the list clears a search
    state_for = {("list", "Escape"): ("/", "R")}
    for key in keys:
        if key == "q":
            continue  # quits: the app's exit is tested on its own
        before = baseline()
        if (where, key) in state_for:
            term.keys(*state_for[where, key])
            before = term.settle() and term.screen(escapes=True)
        term.keys(key)
        assert term.changed_from(before, timeout=10), \
            f"{key!r} showed nothing on the {where}:\n{term.screen()}"
        assert term.alive(), key


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_events_desk_from_the_list_to_a_coded_incident(desk_db, terminal, size):
    import json

    from click.testing import CliRunner

    from newsdesk.cli import cli

    term = terminal(desk_db, size=size)
    term.wait_for(r"\d+ articles")
    term.burst("Escape", "I")        # Esc and a key in one write: not read as Alt+I
    term.wait_for(r"\d+ incidents  ·")
    term.keys("/")
    term.type("kills eight")
    term.wait_for(r"\b1 incident\b")
    term.keys("Enter", "Enter")
    term.wait_for("low 8 · best 17")
    term.keys("P")                  # stand behind the first report: 8
    term.wait_for(r"best 8 \(picked\)")
    term.keys("C")
    term.wait_for("confirmed by")
    term.keys("E")
    term.wait_for("Code an event: incident")
    term.keys("C-s")
    term.wait_for("coded from 4 sources")
    [(killed_min, killed_max, date)] = _rows(
        desk_db, "SELECT fatalities_min, fatalities_max, event_date FROM events")
    assert (killed_min, killed_max, date) == (8, 17, "2021-03-04")
    term.keys("Down", "Enter")      # the second report, in the reader
    term.wait_for("also reported by 3")
    term.keys("I")                  # its incident again, over the reader
    term.wait_for("confirmed by")
    term.keys("Escape", "Escape", "Escape", "Escape")  # incident, reader, incident: the desk
    term.wait_for(r"\b1 incident  ·")     # still searched
    term.keys("T")
    term.wait_for("killed per")
    assert term.alive()
    out = CliRunner().invoke(cli, ["export", "incidents", "--db", str(desk_db)])
    [blast] = [r for r in map(json.loads, out.output.splitlines())
               if r["name"].startswith("Explosion at Vadodara")]
    assert blast["status"] == "confirmed" and blast["killed"] == {"low": 8, "best": 8,
                                                                  "high": 17}
    assert len(blast["articles"]) == 4 and blast["revised"]


def test_a_second_report_s_event_is_offered_as_the_same_incident(desk_db, terminal):
    term = terminal(desk_db, size=(120, 40))
    term.wait_for(r"\d+ articles")
    for title, keys in (("Explosion at Vadodara chemical plant kills eight", ("C-s",)),
                        ("Death toll from Vadodara plant blast rises to 14", ("Enter",))):
        term.keys("/")
        term.type(title)
        # this title's result, not the one of the search before it
        term.wait_for(rf"\b1 article  ·  sort: \w+  ·  search: {re.escape(title[:10])}")
        term.keys("Enter", "Enter", "c", "E")
        if keys == ("Enter",):       # the first choice: a source of the event coded
            term.wait_for("is coded already")
        else:
            term.wait_for("Code an event")
        term.keys(*keys, "Escape")   # and Esc right behind: the choice is made already
        term.wait_for("evidence added to event" if keys == ("Enter",) else "event coded")
        # to the text, the selection dropped, the list, the search box hidden: the next
        # "/" selects the old search, and the next title replaces it
        term.keys("Escape", "Escape", "Escape", "Escape")
        term.wait_for(r"\d+ articles?  ·")
    assert len(_rows(desk_db, "SELECT id FROM events")) == 1
    assert len(_rows(desk_db, "SELECT DISTINCT article_id FROM event_evidence")) == 2


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_g_gets_the_page_of_a_feed_s_bare_link(seeded_db, terminal, pages, size):
    from newsdesk.ingest.refresh import ingest_url

    with Store(seeded_db) as s:
        report = ingest_url(s, f"{pages}/rss1")  # three links, no text
        s.conn.execute("UPDATE articles SET published = '2030-01-01' WHERE id = ?",
                       [report.new[0]])
    term = terminal(seeded_db, size=size)
    term.wait_for("Paper 0: river floods")
    term.keys("Enter")
    term.wait_for("g gets the page")
    term.keys("g")
    shown = term.wait_for("killing at least 14")
    assert "g gets the page" not in shown
    [(body, link_only)] = _rows(seeded_db, "SELECT body, link_only FROM articles"
                                           f" WHERE id = {report.new[0]}")
    assert "nine people missing" in body and link_only == 0
    term.keys("Escape")
    term.wait_for(r"\d+ articles")


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_from_a_name_to_everything_on_it_and_its_profile(seeded_db, terminal, size):
    with Store(seeded_db) as s:
        [group] = s.find_entities("Islamic State group", exact=True)
        naming = len(s.entity_article_ids([group.id]))
    term = terminal(seeded_db, size=size)
    _open_ramadi(term)
    term.keys("Tab")                       # the first highlight: "The Islamic State group"
    term.keys("*")
    shown = term.wait_for(rf"{naming} articles")
    assert 'org:"Islamic State group"' in shown  # the search box says how it was filtered
    term.keys("Enter")                     # the newest of them
    term.wait_for("Entities")
    term.keys("Tab", "P")
    # the whole profile, not a frame caught half painted over the reader
    profile = term.wait_for(rf"(?s)entity {group.id} · {naming} articles.*Latest articles")
    assert "Islamic State group" in profile and "also: IS, ISIS" in profile
    term.keys("Escape")
    term.wait_for(r"Entities \d+")          # the reader again, its highlight still marked
    # Esc drops the mark, then goes back; the list's header ("3 articles  ·  sort") and
    # not the profile's ("entity 5 · 3 articles"), which can linger on screen a moment
    term.keys("Escape", "Escape")
    term.wait_for(rf"{naming} articles  ·  sort")
    # the palette, by a word of a name
    term.keys("C-p")
    term.type("Baghdadi")
    term.wait_for("person: Abu Bakr al-Baghdadi")
    term.keys("Enter")
    term.wait_for(r"Abu Bakr al-Baghdadi  person")
    term.keys("*")
    term.wait_for(r'person:"Abu Bakr al-Baghdadi"')


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_desk_s_columns_are_read_whole_at_every_size(desk_db, terminal, size):
    """Dates, kinds and counts are never cut: each column leaves room for its widest value
    and the blank column after it (a date of 10 characters in 10 columns came out '2020-11-…')."""
    term = terminal(desk_db, size=size)
    term.wait_for(r"\d+ articles")
    term.keys("I")
    term.wait_for(r"\d+ incidents?  ·")
    screen = term.settle()
    rows = [line for line in screen.splitlines() if re.match(r"\d{4}-", line)]
    assert len(rows) >= 3, screen
    for line in rows:
        assert re.match(r"\d{4}-\d\d-\d\d[ ~]", line), line
    if size[0] >= 120:  # the wide layout: the kind is there, whole
        kinds = [line[12:24].strip() for line in rows]
        assert all(k and "…" not in k for k in kinds), kinds


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_disagreement_settled_field_by_field(double_db, terminal, size):
    term = terminal(double_db, size=size)
    term.wait_for(r"\d+ articles")
    term.keys("A")
    term.wait_for("Agreement between ana, bo on 3 double-coded articles")
    term.wait_for("1 disagreement")
    term.keys("Enter")
    term.wait_for("0 of 2 differing fields settled")
    term.keys("2")                      # bo's type
    term.wait_for("1 of 2 differing fields settled")
    term.keys("w")
    term.wait_for("Settle fatalities low")
    term.type("250")
    term.keys("Enter")
    term.wait_for("2 of 2 differing fields settled")
    term.keys("C-s")
    term.wait_for(r"settled \(event \d+\)")
    [(kind, killed, analyst, adjudicated)] = _rows(
        double_db, "SELECT event_type, fatalities_min, analyst, adjudicated FROM events"
        " WHERE adjudicated = 1")
    assert (kind, killed, adjudicated) == ("Violence against civilians", 250, 1)
    term.keys("u")                      # undone: the disagreement is open again
    term.wait_for("undone: adjudicate event")
    assert _rows(double_db, "SELECT count(*) FROM events WHERE adjudicated = 1") == [(0,)]
    assert term.alive()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_another_analyst_s_work_arrives_on_the_open_reader(seeded_db, terminal, size):
    """Two analysts, one store, no server: what jdoe writes from another process shows on
    the open reader within seconds, with a line saying who did what."""
    from newsdesk.store import Store

    term = terminal(seeded_db, size=size)
    term.wait_for(r"\d+ articles")
    term.keys("Enter")
    term.wait_for("Entities")
    [(top,)] = _rows(seeded_db, "SELECT id FROM articles ORDER BY coalesce(published, '')"
                                " DESC, id DESC LIMIT 1")
    with Store(seeded_db) as theirs:
        theirs.add_tag(top, "urgent-jdoe", "jdoe")
    term.wait_for("jdoe tagged urgent-jdoe")    # the line saying what arrived
    term.wait_for(r"Wikinews.*urgent-jdoe")     # and the reader's header: the tag
    with Store(seeded_db) as theirs:
        theirs.create_event("jdoe", {"event_type": "Battles", "event_date": "2020-11-04"},
                            [{"article_id": top, "field": "source", "start": None,
                              "end": None, "text": None}])
    term.wait_for("jdoe coded an event")
    term.keys("v")                    # the events panel: jdoe's event
    term.wait_for("Battles")
    assert term.alive()


def test_a_cursor_move_in_the_list_sends_at_most_300_bytes(seeded_db):
    """Over a thin SSH link every byte counts: a move down repaints only the cells the
    cursor bar covers on the two rows, one style code each (a code per cell and the whole
    row came to 705 bytes at 120 columns; newsboat sends 223)."""
    from bench.terminal import DOWN, Terminal

    term = Terminal(seeded_db, cols=120, rows=40)
    try:
        term.wait_painted()
        sizes = term.keystroke_bytes(DOWN, 6)
    finally:
        term.close()
    assert all(0 < n <= 300 for n in sizes), sizes


def test_a_line_down_in_the_reader_sends_at_most_250_bytes(seeded_db):
    """The cursor alone moving repaints its old and new cells, not the two lines under it
    (with a band along the cursor's line, a line down on a highlight-dense article came to
    464-512 bytes). Moves that scroll the text repaint it, as they must: those are left out."""
    import os
    import select
    import time

    from bench.terminal import DOWN, Terminal

    term = Terminal(seeded_db, cols=120, rows=40)
    try:
        term.wait_painted()
        os.write(term.master, b"\r")    # the newest article: lines full of highlights
        # measured once the reader has drawn its key bar, whatever the machine's speed
        seen, deadline = b"", time.monotonic() + 60
        while b"Next mark" not in seen and time.monotonic() < deadline:
            if select.select([term.master], [], [], 0.5)[0]:
                seen = seen[-4096:] + os.read(term.master, 65536)
        assert b"Next mark" in seen, "the reader never drew"
        term._drain(quiet=1.0)
        sizes = term.keystroke_bytes(DOWN, 8)
    finally:
        term.close()
    assert all(0 < n <= 250 for n in sizes), sizes
