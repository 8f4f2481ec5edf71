"""Exports validate: brat loads back onto the same words, WADM selectors point at the text,
CSV cells cannot become spreadsheet formulas."""
import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.ingest import Article, ingest_items
from newsdesk.store import Store
from newsdesk.store.export import events_csv, neutralise, wadm, write_brat


def _annotate(s: Store) -> list[int]:
    ids = [r.id for r in s.page_articles(limit=3)]
    for article_id in ids:
        body = s.article(article_id)["body"]
        word = re.search(r"[A-Z][a-z]{3,}", body)
        s.add_annotation(article_id, "ana", action="note", start=word.start(), end=word.end(),
                         label="check me", note="is this\tright?\nsecond line")
        s.add_tag(article_id, "batch-1", "ana")
    span = s.spans(ids[0], "entity")[0]
    s.add_annotation(ids[0], "bo", action="reject", kind="entity", span_id=span.id)
    return ids


@pytest.fixture(params=["seeded", "hostile"])
def annotated(request, seeded_db, tmp_path):
    """Two stores: the seeds, and one holding an emoji-laden, markup-laden article."""
    if request.param == "seeded":
        with Store(seeded_db) as s:
            _annotate(s)
        return seeded_db
    path = tmp_path / "other.db"
    with Store(path) as s:
        ingest_items(s, [Article(title='=HYPERLINK("x")', origin="hostile",
                                 body="😀 [bold]Zoë[/] Ångström met Rami Haddad in Mosul.\n"
                                      "Second paragraph about Basra, where 3 people died.")])
        _annotate(s)
    return path


def test_brat_files_load_back_onto_the_same_words(annotated, tmp_path):
    with Store(annotated) as s:
        written = write_brat(s, tmp_path / "brat")
        assert written
        for ann in (p for p in written if p.suffix == ".ann"):
            text = ann.with_suffix(".txt").read_text(encoding="utf-8")
            assert text == s.article(int(ann.stem))["body"]
            ids = set()
            for line in ann.read_text(encoding="utf-8").splitlines():
                fields = line.split("\t")
                assert len(fields) == 3, line
                if line.startswith("T"):
                    label, start, end = fields[1].split(" ")
                    assert re.fullmatch(r"[\w-]+", label)
                    assert text[int(start):int(end)] == fields[2]
                    ids.add(fields[0])
                else:
                    assert line.startswith("#")
                    target = fields[1].split(" ")
                    assert target[0] == "AnnotatorNotes"
                    assert target[1] in ids


def test_wadm_selectors_point_at_the_right_text(annotated):
    with Store(annotated) as s:
        doc = json.loads(json.dumps(wadm(s)))  # survives a JSON round trip
        assert doc["@context"] == "http://www.w3.org/ns/anno.jsonld"
        items = doc["first"]["items"]
        assert doc["total"] == len(items) > 0
        positioned = 0
        for item in items:
            assert item["type"] == "Annotation" and item["creator"]["name"] in ("ana", "bo", "ingest")
            selectors = {sel["type"]: sel for sel in item["target"].get("selector", [])}
            if not selectors:
                continue
            positioned += 1
            article_id = int(item["id"].split(":")[-2])
            body = s.article(article_id)["body"]
            pos, quote = selectors["TextPositionSelector"], selectors["TextQuoteSelector"]
            assert body[pos["start"]:pos["end"]] == quote["exact"]
            assert body[:pos["start"]].endswith(quote["prefix"])
            assert body[pos["end"]:].startswith(quote["suffix"])
        assert positioned >= 2  # the notes and the rejection point at words


def test_events_csv_neutralises_formulas(annotated):
    with Store(annotated) as s:
        article_id = s.page_articles(limit=1)[0].id
        s.create_event("ana", {"event_date": "2020-01-01", "actor1": "=cmd|' /C calc'!A0",
                               "actor2": "+SUM(A1)", "location": "@home", "notes": "-2+3",
                               "fatalities_min": 2, "fatalities_max": 4},
                       [{"article_id": article_id, "field": "selection", "start": 0, "end": 4,
                         "text": "=BAD"}])
        [row] = list(csv.DictReader(io.StringIO(events_csv(s))))
    assert row["actor1"] == "'=cmd|' /C calc'!A0" and row["actor2"] == "'+SUM(A1)"
    assert row["location"] == "'@home" and row["notes"] == "'-2+3"
    assert (row["fatalities"], row["fatalities_min"], row["fatalities_max"]) == ("2", "2", "4")
    assert neutralise(-3) == -3 and neutralise("fine") == "fine"


def test_export_commands(annotated, tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["export", "annotations", "--format", "jsonl", "--db", str(annotated)])
    records = [json.loads(line) for line in out.output.splitlines()]
    assert {r["action"] for r in records} >= {"note", "tag", "reject"}
    assert all(r["text"] is None or isinstance(r["text"], str) for r in records)
    res = runner.invoke(cli, ["export", "annotations", "--format", "brat", "--db", str(annotated),
                              "-o", str(tmp_path / "b")])
    assert res.exit_code == 0 and "documents written" in res.output
    res = runner.invoke(cli, ["export", "annotations", "--format", "wadm", "--db", str(annotated),
                              "-o", str(tmp_path / "w.json")])
    assert res.exit_code == 0 and json.loads((tmp_path / "w.json").read_text())["total"] > 0
    res = runner.invoke(cli, ["export", "events", "--format", "jsonl", "--db", str(annotated)])
    assert res.exit_code == 0


def test_brat_holds_the_corrected_view_and_its_conf(seeded_db, tmp_path):
    with Store(seeded_db) as s:
        article_id = s.page_articles(limit=1)[0].id
        entity = s.spans(article_id, "entity")[0]
        figure = s.spans(article_id, "casualty")[0]
        s.add_annotation(article_id, "bo", action="reject", kind="entity", span_id=entity.id,
                         start=entity.start, end=entity.end)
        s.add_annotation(article_id, "bo", action="fix", kind="casualty", span_id=figure.id,
                         start=figure.start, end=figure.end, label="killed",
                         attrs={"min": 7, "max": 9})
        written = write_brat(s, tmp_path / "brat")
        doc = wadm(s)
    ann = (tmp_path / "brat" / f"{article_id}.ann").read_text(encoding="utf-8").splitlines()
    bound = {tuple(line.split("\t")[1].split(" ")[1:]): line for line in ann
             if line.startswith("T")}
    # the rejected entity is no positive annotation; other machine entities are there
    rejected = [line for key, line in bound.items()
                if key == (str(entity.start), str(entity.end)) and line.split("\t")[1]
                .startswith(entity.label + " ")]
    assert not rejected
    fixed_t = bound[(str(figure.start), str(figure.end))].split("\t")[0]
    [note] = [line for line in ann if line.startswith("#") and line.split("\t")[1].endswith(
        f" {fixed_t}")]
    assert "killed 7–9" in note and "corrected by bo" in note
    conf = tmp_path / "brat" / "annotation.conf"
    assert conf in written
    declared = set(conf.read_text().split("[relations]")[0].split()[1:])
    assert {line.split("\t")[1].split(" ")[0] for line in ann if line.startswith("T")} <= declared
    [fix] = [i for i in doc["first"]["items"] if ":fix:" in i["id"]]
    [editing] = [b for b in fix["body"] if b["purpose"] == "editing"]
    assert editing["value"] == "killed 7–9"
    assert (editing["newsdesk:min"], editing["newsdesk:max"]) == (7, 9)


def test_events_csv_names_each_source_article_title_and_url(seeded_db):
    with Store(seeded_db) as s:
        a, b = (r.id for r in s.page_articles(limit=2))
        s.create_event("ana", {"event_date": "2020-01-01"},
                       [{"article_id": a, "field": "selection", "start": 0, "end": 4, "text": "x"},
                        {"article_id": b, "field": "actor1", "start": 0, "end": 4, "text": "y"},
                        {"article_id": a, "field": "location", "start": 5, "end": 9, "text": "z"}])
        titles = [s.article(i)["title"] for i in (a, b)]
        urls = [s.article(i)["url"] or f"urn:newsdesk:article:{i}" for i in (a, b)]
        [row] = list(csv.DictReader(io.StringIO(events_csv(s))))
    assert row["source_titles"] == "; ".join(titles)
    assert row["source_urls"] == "; ".join(urls)
