"""Incidents: which reports tell of one, and its toll reconciled from them.

Every article here was written for these tests; the gold file in tests/data too.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk import extract
from newsdesk.extract.incidents import profile
from newsdesk.ingest.pipeline import ingest_items
from newsdesk.ingest.records import Article
from newsdesk.store import Store
from newsdesk.store.incident_rules import article_tolls, reconcile
from newsdesk.store.incidents import _raw_write

GOLD = Path(__file__).parent / "data" / "incident_gold.jsonl"


def _figures(body: str, published: str = "2021-03-05") -> list[dict]:
    found = extract.extract(body, published)
    prof = profile("A report", body, found, published)
    return prof["figures"] if prof else []


def _killed(body: str, published: str = "2021-03-05") -> tuple[int, int | None] | None:
    toll = article_tolls(_figures(body, published)).get("killed")
    return (toll["min"], toll["max"]) if toll else None


# -- one report's own toll ------------------------------------------------------------

def test_a_toll_told_again_counts_once():
    assert _killed("A bomb killed at least 10 policemen in Hit on Friday. The 10 policemen"
                   " were guarding a checkpoint.") == (10, None)


def test_a_rising_toll_is_the_report_s_highest_figure_not_a_sum():
    assert _killed("Gunmen killed 5 civilians in Ramadi on Friday. The death toll rose to"
                   " 12.") == (12, 12)


def test_more_bodies_is_an_increase_not_the_toll():
    assert _killed("The explosion killed eight workers on Thursday. Rescuers recovered six"
                   " more bodies overnight.") == (8, 8)


def test_groups_told_apart_add_up():
    assert _killed("Clashes near Marawi on Saturday left six soldiers and four militants"
                   " dead.") == (10, 10)
    assert _killed("Six soldiers were killed on Saturday in clashes near Marawi. Four"
                   " militants were also killed, a spokesman said.") == (10, 10)


def test_a_year_of_road_deaths_beside_a_crash_is_not_its_toll():
    body = ("A bus crashed near Havana on Thursday, killing seven people. Cuban roads are"
            " dangerous; 2018 saw 750 deaths and 7,999 injuries.")
    figures = _figures(body, "2019-01-12")
    assert [f["min"] for f in figures if f["passing"]] == [750, 7999]
    assert _killed(body, "2019-01-12") == (7, 7)


def test_an_earlier_incident_recalled_in_passing_is_not_counted():
    body = ("A second explosion hit the chemical plant in Vadodara on Thursday, injuring five"
            " workers, a week after a blast at the site killed 17 people.")
    assert _killed(body, "2021-03-11") is None
    # "the" is this incident: its toll stands
    assert _killed("Two days after the quake, the death toll rose to 29.",
                   "2020-01-26") == (29, 29)


def test_dead_or_missing_is_not_killed():
    found = extract.extract("The inquiry found that 380 people died or went missing.",
                            "2022-01-21")["casualties"]
    assert [(f["kind"], f["min"], f.get("dead_or_missing")) for f in found] == [
        ("missing", 380, True)]


def test_a_speech_tag_after_a_figure_counts_no_one():
    found = extract.extract("Four militants were also killed, a spokesman said.")["casualties"]
    assert [f["min"] for f in found] == [4]


def test_the_toll_of_the_blast_at_a_plant_is_not_one():
    found = extract.extract("The death toll from Thursday's explosion at a chemical plant has"
                            " risen to 14, officials said.", "2021-03-05")["casualties"]
    assert [(f["kind"], f["min"]) for f in found] == [("killed", 14)]
    # a long clause between the toll and its figure
    found = extract.extract("The death toll from Thursday's explosion at a chemical plant on the"
                            " edge of the city has risen to 14.", "2021-03-05")["casualties"]
    assert [(f["kind"], f["min"]) for f in found] == [("killed", 14)]


def test_a_month_and_day_without_a_year_is_the_past_one():
    dates = extract.extract_dates("Officials blocked news of the July 20 flood.", "2022-01-21")
    assert [d["value"] for d in dates] == ["2021-07-20"]
    soon = extract.extract_dates("The vote will be held on February 3.", "2022-01-21")
    assert [d["value"] for d in soon] == ["2022-02-03"]


# -- reconciling the sources -------------------------------------------------------------

def _source(article_id: int, published: str, lo: int, hi: int | None) -> dict:
    return {"article_id": article_id, "published": published, "source": f"s{article_id}",
            "tolls": {"killed": {"min": lo, "max": hi, "text": str(lo), "words": ""}}}


def test_a_rising_toll_is_revised_with_its_range():
    toll = reconcile([_source(1, "2020-01-24", 18, None), _source(2, "2020-01-25", 29, 29),
                      _source(3, "2020-01-27", 41, 41)])["killed"]
    assert (toll["low"], toll["best"], toll["high"]) == (18, 41, 41)
    assert toll["revised"] and not toll["disputed"]
    assert [s["article_id"] for s in toll["sources"]] == [1, 2, 3]


def test_same_day_reports_that_cannot_both_be_right_are_disputed():
    toll = reconcile([_source(1, "2021-06-10", 20, 20), _source(2, "2021-06-10", 31, None)])
    assert toll["killed"]["disputed"]
    assert toll["killed"]["high"] is None  # "more than 30": no upper bound


def test_a_later_lower_count_is_disputed():
    assert reconcile([_source(1, "2021-06-10", 31, None),
                      _source(2, "2021-06-11", 27, 27)])["killed"]["disputed"]


def test_the_analyst_s_pick_is_the_best_figure():
    sources = [_source(1, "2020-01-24", 18, None), _source(2, "2020-01-25", 29, 29)]
    assert reconcile(sources, {"killed": 1})["killed"]["best"] == 18


# -- grouping the gold reports -----------------------------------------------------------

def _gold_store(tmp_path) -> tuple[Store, dict[str, str]]:
    from newsdesk.ingest.sources import iter_paths

    store = Store(tmp_path / "gold.db")
    report = ingest_items(store, iter_paths([GOLD]))
    assert not report.failed
    truth = {json.loads(line)["url"]: json.loads(line)["incident"]
             for line in GOLD.read_text().splitlines()}
    return store, truth


def _grouping(store: Store) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for url, incident in store.conn.execute(
            "SELECT a.url, ia.incident_id FROM articles a JOIN incident_articles ia"
            " ON ia.article_id = a.id"):
        groups.setdefault(incident, set()).add(url)
    return {frozenset(g) for g in groups.values()}


def test_near_misses_stay_apart(tmp_path):
    store, truth = _gold_store(tmp_path)
    grouping = _grouping(store)
    named = [{truth[u] for u in g} for g in grouping]
    for near_miss in ("vadodara-second", "marawi-may5", "lima-truck", "basra-shooting",
                      "baghdad-jul"):
        assert {near_miss} in named, near_miss
    # the truck crash that recalls the bus crash keeps only its own toll
    lima = next(r for r in store.list_incidents() if r.location == "Lima")
    assert (lima.killed_low, lima.killed_high, lima.n_sources) == (4, 4, 1)


def test_rebuilding_gives_the_same_grouping(tmp_path):
    store, _ = _gold_store(tmp_path)
    before = _grouping(store)
    assert store.rebuild_incidents()["articles"] == 33
    assert _grouping(store) == before


def test_a_follow_up_weeks_later_joins_its_incident(tmp_path):
    store, truth = _gold_store(tmp_path)
    groups = [{truth[u] for u in g} | {u[-2:] for u in g} for g in _grouping(store)]
    vadodara = next(g for g in groups if "vadodara-blast" in g)
    assert "04" in vadodara  # the inquiry of 29 March into the 4 March explosion
    flood = next(g for g in groups if "zhengzhou-flood" in g)
    assert "22" in flood     # the inquiry six months on, that names the July 20 flood


def test_an_article_with_no_incident_is_placed_in_none(store):
    report = ingest_items(store, [Article(title="Parliament passes budget", body=(
        "Parliament passed the budget on Tuesday after a long debate."), origin="t")])
    assert store.incident_of(report.new[0]) is None
    assert store.count_incidents() == 0


# -- the analyst's changes ------------------------------------------------------------------

def _ids(store: Store, location: str) -> list[int]:
    return [r.id for r in store.list_incidents() if r.location == location]


def test_merge_split_move_confirm_rename_pick_undo_and_survive_a_rebuild(tmp_path):
    store, _ = _gold_store(tmp_path)
    [may1] = [r.id for r in store.list_incidents() if r.location == "Marawi"
              and r.date == "2021-05-01"]
    [may5] = [r.id for r in store.list_incidents() if r.location == "Marawi"
              and r.date == "2021-05-05"]
    assert store.merge_incidents(may1, [may5], "ana") == 1
    assert store.incident(may5) is None and store.incident(may1)["n_sources"] == 3
    assert store.undo("ana") == "merge incidents"
    assert store.incident(may5)["n_sources"] == 1 and store.incident(may1)["n_sources"] == 2
    # split one report off, then move it back
    second = store.incident(may1)["sources"][1]["article_id"]
    alone = store.move_article(second, None, "ana")
    assert store.incident(alone)["n_sources"] == 1 and store.incident(may1)["n_sources"] == 1
    store.move_article(second, may1, "ana")
    assert store.incident(may1)["n_sources"] == 2 and store.incident(alone) is None
    assert store.confirm_incident(may1, "ana")
    assert store.rename_incident(may1, "Marawi clashes, 1 May", "ana")
    [first] = [s["article_id"] for s in store.incident(may1)["sources"]][:1]
    assert store.pick_figure(may1, "killed", first, "ana")
    incident = store.incident(may1)
    assert (incident["status"], incident["name"], incident["analyst"]) == (
        "confirmed", "Marawi clashes, 1 May", "ana")
    assert incident["tolls"]["killed"]["picked"]
    store.rebuild_incidents()
    kept = store.incident(may1)
    assert kept["name"] == "Marawi clashes, 1 May" and kept["n_sources"] == 2
    assert store.undo("ana") == "pick figure"
    assert not store.incident(may1)["tolls"]["killed"]["picked"]
    assert store.undo("ana") == "rename incident"
    assert store.incident(may1)["named_by"] is None


@pytest.mark.parametrize("query, expected", [("Kazan", 1), ("Baghdad", 2), ("nowhere", 0)])
def test_incidents_are_found_by_place_and_words(tmp_path, query, expected):
    from newsdesk.store.incidents import IncidentFilter

    store, _ = _gold_store(tmp_path)
    assert store.count_incidents(IncidentFilter(query=query)) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The number of people killed in Thursday's bus crash rose to 27 on Friday.",
     [("killed", 27)]),
    ("The number of dead stood at 9.", [("killed", 9)]),
    ("The death count reached 12.", [("killed", 12)]),
    ("A number of people were hurt.", []),          # "a number" is no count
])
def test_a_toll_told_as_the_number_of_the_dead(sentence, expected):
    found = extract.extract(sentence, "2021-06-11")["casualties"]
    assert [(f["kind"], f["min"]) for f in found] == expected


def test_a_later_report_below_an_earlier_floor_marks_the_gold_bus_crash_disputed(tmp_path):
    store, _ = _gold_store(tmp_path)
    [bus] = [r for r in store.list_incidents() if r.location == "Arequipa"]
    assert bus.n_sources == 3 and bus.disputed  # "more than 30", then 27
    assert (bus.killed_low, bus.killed_high) == (20, None)


def test_an_open_floor_bounded_by_a_later_exact_count_is_closed():
    toll = reconcile([_source(1, "2022-10-29", 100, None), _source(2, "2022-10-30", 100, 100)])
    assert (toll["killed"]["low"], toll["killed"]["high"]) == (100, 100)


def _profile(title: str, body: str, published: str) -> dict:
    found = extract.extract(body, published)
    prof = profile(title, body, found, published)
    assert prof is not None
    return prof


def test_a_new_occurrence_is_told_by_its_event_word_not_any_new():
    assert not _profile("Storm survivors wait", "A storm killed four people in Suva on Monday."
                        " Officials promised new homes.", "2022-03-09")["new_occurrence"]
    assert _profile("Blast at port", "A fresh blast hit the port of Beira on Monday, killing"
                    " two.", "2022-03-09")["new_occurrence"]


def test_kind_and_cues_are_read_whatever_the_case():
    # the patterns run on lowered text: capitals, a shouted headline and an upper-case
    # acronym must tell what lower case tells
    calm = _profile("Toll from ferry sinking rises to 40", "The death toll from Friday's ferry"
                    " sinking off Lesbos rose to 40 on Sunday, the coastguard said.",
                    "2022-03-13")
    loud = _profile("TOLL FROM FERRY SINKING RISES TO 40", "The Death Toll From Friday's Ferry"
                    " Sinking off Lesbos rose to 40 on Sunday, the coastguard said.",
                    "2022-03-13")
    for prof in (calm, loud):
        assert (prof["kind"], prof["follow_up"], prof["refers_back"]) == \
            ("shipwreck", True, True)
    assert _profile("IED BLAST KILLS FOUR", "An IED killed four soldiers near Kandahar on"
                    " Monday.", "2022-03-08")["kind"] == "explosion"
    assert _profile("ANOTHER EXPLOSION AT THE PORT", "A blast hit Beira's port on Monday,"
                    " killing two.", "2022-03-08")["new_occurrence"]


def test_more_than_is_a_floor_not_an_increase():
    assert _killed("The floods killed more than 40 people in Suva on Monday.",
                   "2022-03-09") == (41, None)


def test_the_day_someone_spoke_is_not_the_day_it_happened():
    prof = _profile("Fire kills four", "The fire killed four people in Suva on Tuesday, officials"
                    " said on Thursday.", "2022-03-10")
    assert (prof["date"], prof["precision"]) == ("2022-03-08", "day")
    prof = _profile("Toll rises", "Officials in Suva said on Thursday that 12 people had died.",
                    "2022-03-10")
    assert prof["precision"] == "report"


def test_only_the_figures_after_an_earlier_incident_is_brought_in_are_its():
    assert _killed("A fire killed five miners near Beira on Friday, weeks after a blast at"
                   " another mine killed 46.", "2022-03-12") == (5, 5)


def test_a_report_with_no_day_of_its_own_that_names_the_incident_joins_it(store):
    ingest_items(store, [
        Article(title="Floods kill 30 in Suva", body="Floods killed 30 people in Suva on"
                " Monday, officials said.", published="2022-03-07", origin="a"),
        Article(title="Suva counts its dead", body="Officials said on Thursday that 52 people"
                " died in the Suva floods.", published="2022-03-10", origin="b")])
    [incident] = store.list_incidents()
    assert incident.n_sources == 2 and (incident.killed_low, incident.killed_high) == (30, 52)


@pytest.mark.parametrize("name", ["incident_gold", "incident_heldout"])
def test_both_gold_sets_meet_the_targets(name):
    from bench.score_incidents import score

    result = score(GOLD.with_name(f"{name}.jsonl"))
    assert result["pair_f1"] >= 93 and result["tolls_right"] >= 90, result


def test_a_corrected_figure_moves_its_incident_s_toll(tmp_path):
    from newsdesk.ingest.incidents import reprofile

    store, _ = _gold_store(tmp_path)
    [blast] = [r for r in store.list_incidents() if r.location == "Vadodara" and r.n_sources == 4]
    first = store.incident(blast.id)["sources"][0]["article_id"]
    [eight] = [s for s in store.spans(first, "casualty") if s.attrs.get("min") == 8]
    store.add_annotation(first, "ana", action="fix", kind="casualty", start=eight.start,
                         end=eight.end, span_id=eight.id, attrs={"min": 9, "max": 9})
    assert reprofile(store, first) == blast.id
    assert store.incident(blast.id)["killed_low"] == 9


def test_incident_search_and_candidate_dates_follow_renames_merges_and_undo(tmp_path):
    """The search index and the places' dates are kept by triggers: every write path
    (the machine's placing, an analyst's rename, an undo) leaves them true."""
    from newsdesk.store.incidents import IncidentFilter

    store, _ = _gold_store(tmp_path)
    conn = store.conn

    def stale_dates() -> int:
        return conn.execute("SELECT count(*) FROM incident_places p JOIN incidents i"
                            " ON i.id = p.incident_id WHERE p.date IS NOT i.date").fetchone()[0]

    assert conn.execute("SELECT count(*) FROM incident_places").fetchone()[0] > 0
    assert stale_dates() == 0
    [row] = store.list_incidents(IncidentFilter(query="Kazan"))
    store.rename_incident(row.id, "Tatarstan school shooting", "ana")
    assert store.count_incidents(IncidentFilter(query="Tatarstan")) == 1
    assert store.count_incidents(IncidentFilter(query="tatar")) == 1  # as typed: a prefix
    assert store.undo("ana") == "rename incident"
    assert store.count_incidents(IncidentFilter(query="Tatarstan")) == 0
    assert store.count_incidents(IncidentFilter(query="Kazan")) == 1
    assert store.count_incidents(IncidentFilter(query='"(')) == 0  # punctuation only
    store.rebuild_incidents()
    assert stale_dates() == 0
    assert conn.execute("INSERT INTO incidents_fts (incidents_fts) VALUES ('integrity-check')"
                        ) is not None


@pytest.mark.parametrize("flt", [
    {"place": "Baghdad"}, {"place": "Iraq"}, {"place": "Russia", "date_from": "2021-05-01"},
    {"place": "Iraq", "date_from": "2015-01-01", "date_to": "2015-12-31"},
    {"place": "Iraq", "kind": "explosion"}, {"place": "nowhere"}])
def test_a_place_filter_counts_what_the_list_shows(tmp_path, flt):
    from newsdesk.store.incidents import IncidentFilter

    store, _ = _gold_store(tmp_path)
    f = IncidentFilter(**flt)
    assert store.count_incidents(f) == len(store.list_incidents(f, limit=10_000))


@pytest.mark.parametrize("sort", ["date", "oldest", "killed"])
def test_a_place_filter_pages_in_the_order_of_the_whole_list(tmp_path, sort):
    from newsdesk.store.incidents import IncidentFilter

    store, _ = _gold_store(tmp_path)
    everything = [r.id for r in store.list_incidents(sort=sort, limit=10_000)]
    for place in ("Iraq", "Baghdad", "Russia"):
        f = IncidentFilter(place=place)
        kept = {r.id for r in store.list_incidents(f, limit=10_000)}
        assert kept, place
        expected = [i for i in everything if i in kept]
        paged = [r.id for page in range(0, len(expected), 2)
                 for r in store.list_incidents(f, sort=sort, limit=2, offset=page)]
        assert paged == expected, place


def _derived(store: Store) -> dict[int, tuple]:
    cols = ("name", "kind", "date", "precision", "location", "admin1", "country",
            "killed_low", "killed_best", "killed_high", "n_sources", "disputed", "revised")
    return {r[0]: r[1:] for r in store.conn.execute(
        f"SELECT i.id, {', '.join('i.' + c for c in cols)}, d.profile, d.tolls, d.sources"
        " FROM incidents i JOIN incident_details d ON d.incident_id = i.id")}


def test_a_report_joins_from_the_kept_sources_as_a_full_reading_would(tmp_path, monkeypatch):
    """Placing keeps each source's record with its incident, so a joining report reads one
    row, not every source again; what it leaves is what reading them all gives."""
    from newsdesk.store.incidents import IncidentDesk

    def no_rereading(self, conn, incident_id):
        raise AssertionError("a joining report read its incident's sources again")

    with monkeypatch.context() as patched:
        patched.setattr(IncidentDesk, "_sources", no_rereading)
        store, _ = _gold_store(tmp_path)
    placed = _derived(store)
    assert any(row[10] >= 4 for row in placed.values())  # several joined their incident
    with store.write() as conn:
        for incident_id in placed:
            store._refresh(conn, incident_id,
                           lambda table, key, row: _raw_write(conn, table, key, row))
    assert _derived(store) == placed


def test_incidents_without_kept_sources_read_them_once_and_keep_them(tmp_path):
    """A store from before the records were kept: the first report to join reads the
    sources, and the incident is then as if placed today."""
    store, _ = _gold_store(tmp_path)
    placed = _derived(store)
    [blast] = [r for r in store.list_incidents() if r.location == "Vadodara" and r.n_sources == 4]
    store.conn.execute("UPDATE incident_details SET sources = NULL")
    last = store.incident(blast.id)["sources"][-1]["article_id"]
    body = store.conn.execute("SELECT body FROM articles WHERE id = ?", [last]).fetchone()[0]
    report = ingest_items(store, [Article(title="Inquiry into the Vadodara blast", body=body
                                          + " The inquiry continues.", published="2021-03-29",
                                          url="https://example.org/again", origin="t")])
    assert store.incident_of(report.new[0]) == (blast.id, 5)
    kept = json.loads(store.conn.execute("SELECT sources FROM incident_details WHERE"
                                         " incident_id = ?", [blast.id]).fetchone()[0])
    assert [r["article_id"] for r in kept][-1] == report.new[0] and len(kept) == 5
    others = {k: v for k, v in placed.items() if k != blast.id}
    assert {k: v[:-1] for k, v in _derived(store).items() if k in others} == \
        {k: v[:-1] for k, v in others.items()}


def test_a_source_s_new_title_renames_its_incident(tmp_path):
    store, _ = _gold_store(tmp_path)
    [blast] = [r for r in store.list_incidents() if r.location == "Vadodara" and r.n_sources == 4]
    first = store.incident(blast.id)["sources"][0]
    body = store.conn.execute("SELECT body FROM articles WHERE id = ?",
                              [first["article_id"]]).fetchone()[0]
    store.replace_text(first["article_id"], title="Blast at a Vadodara chemical plant",
                       body=body, headings=[], extraction={}, version="t")
    assert store.incident(blast.id)["name"] == "Blast at a Vadodara chemical plant"
    kept = json.loads(store.conn.execute("SELECT sources FROM incident_details WHERE"
                                         " incident_id = ?", [blast.id]).fetchone()[0])
    assert kept[0]["title"] == "Blast at a Vadodara chemical plant"


def test_kept_records_are_filled_for_incidents_placed_before(tmp_path):
    store, _ = _gold_store(tmp_path)
    placed = _derived(store)
    store.conn.execute("UPDATE incident_details SET sources = NULL")
    assert store.keep_source_records(batch=3) == len(placed)
    assert _derived(store) == placed
    assert store.keep_source_records() == 0


def test_records_written_as_json_read_back_whatever_they_hold():
    from newsdesk.store.records import from_json, to_json

    # an integer beyond 64 bits (a figure misread from a long number), keys that are not
    # strings, and text beyond ASCII: what orjson refuses falls back, nothing is lost
    for value in ({"min": 10**30, "words": "Ḩalab — “two”"}, {3: "x"},
                  [{"lead": "Ürümqi\u2028blast"}]):
        assert json.loads(to_json(value)) == json.loads(json.dumps(value))
        assert from_json(to_json(value)) == json.loads(json.dumps(value))

