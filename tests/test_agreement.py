"""Issue 23: double coding, agreement between analysts, adjudication, the machine's
quality on this store's reviewed articles."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.store import Store
from newsdesk.store.agreement import WRITTEN, alpha

TYPES = {"ana": ["Battles", "Battles", "Riots", "Protests"],
         "bo": ["Battles", "Riots", "Riots", "Protests"]}
# the fatality lows of the first three articles: ana and bo part on the second only
LOWS = {"ana": [5, 10, 0, None], "bo": [5, 12, 0, None]}


@pytest.fixture
def store(tmp_path):
    """On disk: the CLI tests open the same file."""
    with Store(tmp_path / "desk.db") as s:
        yield s


def _article(store: Store, n: int) -> int:
    article_id, _ = store.add_article(
        title=f"Report {n}", body=f"Gunmen killed {5 + n} people in Ramadi on Friday, police said.",
        published=f"2015-05-{10 + n:02d}")
    return article_id


def _code(store: Store, analyst: str, article_id: int, **fields) -> int:
    return store.create_event(analyst, fields, [{"article_id": article_id, "field": "fatalities",
                                                 "start": 0, "end": 6, "text": "Gunmen"}])


@pytest.fixture
def coded(store):
    ids = [_article(store, n) for n in range(4)]
    for article_id in ids:
        store.add_tag(article_id, "double", "lead")
    for analyst in ("ana", "bo"):
        for i, article_id in enumerate(ids):
            _code(store, analyst, article_id, event_type=TYPES[analyst][i],
                  fatalities_min=LOWS[analyst][i], event_date=f"2015-05-{10 + i:02d}",
                  location="Ramadi")
    return store, ids


def test_alpha_matches_the_worked_examples():
    # nominal, 2 coders x 4 units: D_o = 2/8, D_e = 42/56, alpha = 1 - (1/4)/(3/4) = 2/3
    assert alpha([TYPES["ana"], TYPES["bo"]], "nominal") == pytest.approx(2 / 3)
    # interval, values 5,5 / 10,12 / 0,0: D_o = 8/6, D_e = 1480/30, alpha = 36/37
    assert alpha([LOWS["ana"][:3], LOWS["bo"][:3]], "interval") == pytest.approx(36 / 37)
    # three coders, units (Ba, Ba, Ba) and (Ba, Ri, Ri): D_o = 1/3, D_e = 8/15, alpha = 3/8
    assert alpha([["Ba", "Ba"], ["Ba", "Ri"], ["Ba", "Ri"]], "nominal") == pytest.approx(0.375)
    assert alpha([["x", None], [None, "y"]], "nominal") is None  # nothing paired
    assert alpha([["x", "x"], ["x", "x"]], "nominal") == 1.0


def test_agreement_per_field_over_double_coded_articles(coded):
    store, ids = coded
    report = store.agreement()
    assert report["analysts"] == ["ana", "bo"] and report["articles"] == 4
    fields = {f["field"]: f for f in report["fields"]}
    assert fields["event_type"]["alpha"] == pytest.approx(2 / 3)
    assert fields["event_type"]["exact"] == pytest.approx(3 / 4)
    assert fields["event_type"]["units"] == 4
    assert fields["fatalities_min"]["alpha"] == pytest.approx(36 / 37)
    assert fields["fatalities_min"]["units"] == 3  # the fourth left empty by both
    assert fields["location"]["exact"] == 1.0
    assert fields["event_date"]["alpha"] == 1.0
    # one disagreement: the second article, on type and the fatality low
    [worst] = report["disagreements"]
    assert worst["article_id"] == ids[1]
    assert worst["fields"] == ["event_type", "fatalities_min"]
    assert worst["codings"]["ana"]["fatalities_min"] == 10


def test_three_analysts_and_a_chosen_pair(coded):
    store, ids = coded
    for i, article_id in enumerate(ids[:2]):
        _code(store, "cy", article_id, event_type="Riots", fatalities_min=LOWS["bo"][i],
              event_date=f"2015-05-{10 + i:02d}", location="Ramadi")
    report = store.agreement()
    assert report["analysts"] == ["ana", "bo", "cy"]
    types = next(f for f in report["fields"] if f["field"] == "event_type")
    # units: (Ba, Ba, Ri), (Ba, Ri, Ri), (Ri, Ri, -), (P, P, -)
    # coincidences: Ba-Ba 1, Ba-Ri 2 (x2 ordered), Ri-Ri 1 + 2, P-P 2; n = 10
    # n_Ba = 1 + 2 = 3, n_Ri = 2 + 3 = 5, n_P = 2
    # D_o = 4/10; D_e = 2 (3*5 + 3*2 + 5*2) / 90 = 62/90; alpha = 1 - 0.4 / (62/90)
    assert types["alpha"] == pytest.approx(1 - 0.4 / (62 / 90))
    pair = store.agreement(analysts=["bo", "cy"])
    types = next(f for f in pair["fields"] if f["field"] == "event_type")
    assert pair["analysts"] == ["bo", "cy"] and types["exact"] == pytest.approx(1 / 2)


def test_blind_coding_hides_the_other_coder_until_both_are_done(coded):
    store, ids = coded
    article = ids[1]
    assert [e["analyst"] for e in store.events_seen_by(article, "ana")] == ["ana"]
    assert store.hidden_codings(article, "ana") == 1
    store.set_coding_done(article, "ana")
    assert [e["analyst"] for e in store.events_seen_by(article, "ana")] == ["ana"]
    store.set_coding_done(article, "bo")
    assert [e["analyst"] for e in store.events_seen_by(article, "ana")] == ["ana", "bo"]
    # a lead who codes none of it sees both codings once both coders are done
    assert len(store.events_seen_by(article, "lead")) == 2
    assert store.undo("bo") == "coding done"
    assert store.hidden_codings(article, "ana") == 1
    assert [e["analyst"] for e in store.events_seen_by(article, "lead")] == []
    # the setting off, or an article not marked for double coding: everything shows
    assert len(store.events_seen_by(article, "ana", blind=False)) == 2
    store.remove_tag(article, "double", "lead")
    assert len(store.events_seen_by(article, "ana")) == 2


def test_adjudication_codes_the_settled_event_and_keeps_both_originals(coded):
    store, ids = coded
    article = ids[1]
    event_id = store.adjudicate(article, 0, {"event_type": ("bo", None),
                                            "fatalities_min": (WRITTEN, 11)}, "cy")
    settled = store.event(event_id)
    assert (settled["event_type"], settled["fatalities_min"], settled["analyst"]) == (
        "Riots", 11, "cy")
    assert settled["adjudicated"] == 1 and settled["evidence"]
    decisions = {d["field"]: d for d in store.adjudication(event_id)}
    assert decisions["event_type"]["source"] == "bo"
    assert decisions["fatalities_min"]["source"] == WRITTEN
    assert decisions["fatalities_min"]["value"] == 11 and decisions["event_type"]["decided_by"] == "cy"
    originals = [e for e in store.events(article) if not e["adjudicated"]]
    assert sorted(e["analyst"] for e in originals) == ["ana", "bo"]
    assert all(e["superseded_by"] == event_id for e in originals)
    # the unit is settled: the disagreement goes to the bottom, marked
    [row] = store.agreement()["disagreements"]
    assert row["settled_by"] == event_id
    # the agreement is still measured on the originals
    types = next(f for f in store.agreement()["fields"] if f["field"] == "event_type")
    assert types["alpha"] == pytest.approx(2 / 3)
    assert store.undo("cy") == "adjudicate event"
    assert store.event(event_id) is None
    assert all(e["superseded_by"] is None for e in store.events(article))
    with pytest.raises(ValueError):
        store.adjudicate(article, 0, {"event_type": ("dee", None)}, "cy")


def test_exports_carry_the_adjudicated_value_and_every_coding_on_request(coded, tmp_path):
    store, ids = coded
    settled = store.adjudicate(ids[1], 0, {"event_type": ("bo", None),
                                          "fatalities_min": ("ana", None)}, "cy")
    db = store.path
    out = CliRunner().invoke(cli, ["export", "events", "--format", "jsonl", "--db", str(db)])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    of_article = [r for r in rows if any(e["article_id"] == ids[1] for e in r["evidence"])]
    [only] = of_article
    assert (only["event_id"], only["coding"], only["event_type"], only["fatalities_min"]) == (
        settled, "adjudicated", "Riots", 10)
    out = CliRunner().invoke(cli, ["export", "events", "--all-codings", "--db", str(db)])
    assert out.exit_code == 0, out.output
    table = list(csv.DictReader(io.StringIO(out.output)))
    of_article = [r for r in table if any(e["article_id"] == ids[1]
                                          for e in json.loads(r["evidence"]))]
    assert sorted((r["coding"], r["superseded_by"]) for r in of_article) == [
        ("adjudicated", ""), ("original", str(settled)), ("original", str(settled))]


def test_agreement_command_as_text_and_json(coded):
    store, _ids = coded
    db = str(store.path)
    out = CliRunner().invoke(cli, ["agreement", "--db", db, "--format", "json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["fields"][0]["alpha"] == pytest.approx(2 / 3)
    text = CliRunner().invoke(cli, ["agreement", "--db", db, "--analysts", "ana,bo"]).output
    assert "type" in text and "0.667" in text and "4 units" in text
    assert "Report 1" in text  # the disagreement, by its article
    none = CliRunner().invoke(cli, ["agreement", "--db", db, "--tag", "nothing"])
    assert none.exit_code == 0 and "no double-coded articles" in none.output


def test_quality_counts_the_machine_on_reviewed_articles_only(store):
    from newsdesk.store.quality import machine_quality

    body = ("Iraqi Prime Minister Haider al-Abadi visited Baghdad on Friday. "
            "Gunmen killed 12 people in Ramadi, police said.")
    from newsdesk.ingest import ingest_items
    from newsdesk.ingest.article import Article

    reviewed, other = ingest_items(store, [
        Article(title="Reviewed", body=body, published="2015-05-15"),
        Article(title="Not reviewed", body=body + " More.", published="2015-05-16")]).new
    spans = [s for s in store.spans(reviewed) if s.kind == "entity"]
    baghdad = next(s for s in spans if s.text == "Baghdad")
    abadi = next(s for s in spans if "Abadi" in s.text)
    store.add_annotation(reviewed, "ana", action="reject", kind="entity", start=baghdad.start,
                         end=baghdad.end, span_id=baghdad.id)
    store.add_annotation(reviewed, "ana", action="relabel", kind="entity", start=abadi.start,
                         end=abadi.end, span_id=abadi.id, label="ORG")
    start = body.index("police")
    store.add_annotation(reviewed, "ana", action="add", kind="entity", start=start,
                         end=start + 6, label="ORG", attrs={"text": "police"})
    store.add_annotation(other, "ana", action="reject", kind="entity", start=baghdad.start,
                         end=baghdad.end)
    assert machine_quality(store)["articles"] == 0  # nothing reviewed: nothing counted
    store.set_reviewed(reviewed, "ana")
    report = machine_quality(store)
    assert report["articles"] == 1 and report["unreviewed_corrections"] == 1
    rows = {(r["layer"], r["label"]): r for r in report["rows"]}
    loc = rows[("entity", "LOC")]
    machine_locs = sum(1 for s in spans if s.label == "LOC")
    assert (loc["tp"], loc["fp"], loc["fn"]) == (machine_locs - 1, 1, 0)
    org = rows[("entity", "ORG")]
    assert org["fn"] == 2 and org["tp"] == sum(1 for s in spans if s.label == "ORG")
    per = rows[("entity", "PER")]
    assert per["fp"] == 1 and per["precision"] == pytest.approx(per["tp"] / (per["tp"] + 1))
    out = CliRunner().invoke(cli, ["quality", "--db", str(store.path)])
    assert out.exit_code == 0 and "entity" in out.output and "1 reviewed article" in out.output
    assert store.undo("ana") == "reviewed"
    assert machine_quality(store)["articles"] == 0


def test_an_event_citing_a_double_coded_report_stays_hidden_wherever_it_is_listed(coded):
    store, ids = coded
    single, _ = store.add_article(title="Another report", body="Gunmen killed 6.",
                                  published="2015-05-11")
    # bo's event cites a double-coded article and a plain one: hidden from ana by the
    # double-coded one, even where it is listed through the plain one
    event = next(e for e in store.events(ids[1]) if e["analyst"] == "bo")
    store.add_evidence(event["id"], "bo", [{"article_id": single, "field": "source",
                                            "start": None, "end": None, "text": None}])
    assert [e["analyst"] for e in store.events_seen_by(single, "ana")] == []
    assert [e["analyst"] for e in store.events_seen_by(single, "bo")] == ["bo"]
    store.set_coding_done(ids[1], "ana")
    store.set_coding_done(ids[1], "bo")
    assert [e["analyst"] for e in store.events_seen_by(single, "ana")] == ["bo"]
