"""Issue 18: one identity per person, organisation and place across the store."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.extract.identities import entity_groups
from newsdesk.ingest import ingest_items
from newsdesk.ingest.article import Article
from newsdesk.ingest.reextract import reextract
from newsdesk.store import ArticleFilter, Store
from newsdesk.store.search import parse_search

REPORTS = [
    ("Ramadi falls", "2015-05-15",
     "Islamic State group (IS, formerly ISIS) fighters took Ramadi on Friday. Iraqi Prime Minister Haider "
     "al-Abadi ordered troops to hold the city. Abadi said the army would return."),
    ("Baghdad sends militias", "2015-05-18",
     "ISIS fighters held Ar Ramadi on Monday as Haider al-Abadi sent the Popular Mobilisation "
     "to Anbar."),
    ("Counter-attack", "2015-05-26",
     "The Popular Mobilisation began an offensive near Ramadi against the Islamic State, "
     "officials in Baghdad said."),
    ("Two men named Ali", "2015-06-01",
     "Ali Hassan, a farmer, said the road to Hit was closed. Ali Hassan spoke by phone."),
    ("Another Ali", "2015-06-02",
     "Ali Hassan, a police colonel in Basra, said five men were arrested."),
]


@pytest.fixture
def desk(store):
    report = ingest_items(store, [Article(title=t, body=b, published=p, origin=t)
                                  for t, p, b in REPORTS])
    assert len(report.new) == len(REPORTS)
    return store, report.new


def _entity(store, name, label=None):
    [found] = store.find_entities(name, label=label, exact=True)
    return found


def test_groups_carry_every_spelling_and_a_place_s_geonames_id():
    groups = entity_groups([
        {"text": "IS", "label": "ORG", "canonical": "Islamic State group"},
        {"text": "Islamic State group", "label": "ORG", "canonical": "Islamic State group"},
        {"text": "Ar Ramadi", "label": "LOC", "canonical": "Ar Ramadi"},
        {"text": "Iraqi", "label": "MISC", "canonical": "Iraqi"}])
    assert [(g["label"], g["canonical"], g["aliases"], g["mentions"]) for g in groups] == [
        ("ORG", "Islamic State group", ["Islamic State group", "IS"], 2),
        ("LOC", "Ar Ramadi", ["Ar Ramadi"], 1), ("MISC", "Iraqi", ["Iraqi"], 1)]
    assert (groups[1]["geonames_id"], groups[1]["country"]) == (98717, "Iraq")


def test_aliases_resolve_across_articles(desk):
    store, ids = desk
    isis = _entity(store, "ISIS")
    assert isis.canonical == "Islamic State group" and isis.label == "ORG"
    assert isis == _entity(store, "IS") == _entity(store, "Islamic State group")
    assert store.entity_article_ids([isis.id]) == [ids[2], ids[1], ids[0]]  # newest first
    abadi = _entity(store, "Haider al-Abadi")
    assert _entity(store, "Abadi") == abadi and abadi.n_articles == 2


def test_ramadi_and_ar_ramadi_meet_by_their_geonames_id(desk):
    store, ids = desk
    ramadi = _entity(store, "Ramadi")
    assert (ramadi.geonames_id, ramadi.admin1, ramadi.country) == (98717, "IQ.01", "Iraq")
    assert _entity(store, "Ar Ramadi") == ramadi
    assert ramadi.n_articles == 3
    assert ("Ar Ramadi", None) in store.entity_aliases(ramadi.id)


def test_entity_words_in_the_search_box_filter_the_list(desk):
    store, ids = desk
    flt, problems = parse_search('person:"Haider al-Abadi" place:Ramadi')
    assert not problems and flt.entities == (("PER", "Haider al-Abadi"), ("LOC", "Ramadi"))
    assert [r.id for r in store.page_articles(flt)] == [ids[1], ids[0]]
    assert store.count_articles(flt) == 2
    flt, _ = parse_search("org:isis militias")  # with words
    assert [r.id for r in store.page_articles(flt)] == [ids[1]]
    flt, _ = parse_search("entity:Mobilisation")  # a word of the name
    assert [r.id for r in store.page_articles(flt)] == [ids[2], ids[1]]
    assert store.page_articles(parse_search("person:Nobody")[0]) == []
    # n and p in the reader walk the filtered list
    flt, _ = parse_search('org:"Islamic State group"')
    assert store.neighbour(ids[2], 1, flt) == ids[1]
    assert store.neighbour(ids[1], -1, flt) == ids[2]
    assert store.neighbour(ids[0], 1, flt) is None


def test_a_changed_publication_date_moves_the_article_in_the_entity_s_list(desk):
    store, ids = desk
    isis = _entity(store, "ISIS")
    store.conn.execute("UPDATE articles SET published = '2016-01-01' WHERE id = ?", [ids[0]])
    assert store.entity_article_ids([isis.id]) == [ids[0], ids[2], ids[1]]


def test_a_name_read_with_another_label_still_meets_its_entity(desk):
    store, ids = desk
    # article 3 reads "the Islamic State" as MISC; it is still the group's article
    assert ids[2] in store.entity_article_ids([_entity(store, "ISIS").id])
    # a MISC name nobody is known by makes no entity
    assert store.find_entities("Iraqi", exact=True) == []


def test_two_people_who_share_a_surname_stay_two(store):
    ingest_items(store, [
        Article(title="a", published="2019-11-30", body="Usman Khan attacked people on "
                "London Bridge, police said. Officers said that Khan had been released in 2018."),
        Article(title="b", published="2019-12-01", body="The mayor, Sadiq Khan, praised the "
                "public. Khan said London would not be divided.")])
    usman = _entity(store, "Usman Khan")
    sadiq = _entity(store, "Sadiq Khan")
    assert ("Khan", None) in store.entity_aliases(usman.id)  # the surname was seen as his
    assert usman.id != sadiq.id and usman.n_articles == sadiq.n_articles == 1


def test_merge_moves_spellings_and_articles_and_undo_takes_it_back(store):
    report = ingest_items(store, [
        Article(title="a", body="Fighters of Jaysh al-Mahdi clashed in Basra.", published="2008-03-25"),
        Article(title="b", body="The Mahdi Army withdrew from Basra.", published="2008-03-30")])
    mahdi = _entity(store, "Mahdi Army")
    jaysh = _entity(store, "Jaysh al-Mahdi")
    assert mahdi != jaysh
    assert store.merge_entities(mahdi.id, [jaysh.id], "tester") == 1
    merged = _entity(store, "Jaysh al-Mahdi")
    assert merged.id == mahdi.id and merged.n_articles == 2
    assert store.entity(jaysh.id).id == mahdi.id  # the old id leads to the survivor
    assert sorted(store.entity_article_ids([mahdi.id])) == sorted(report.new)
    # kept through re-extraction
    reextract(store, everything=True)
    assert _entity(store, "Jaysh al-Mahdi").id == mahdi.id
    assert store.undo("tester") == "merge entities"
    assert _entity(store, "Jaysh al-Mahdi").id == jaysh.id
    assert store.entity_article_ids([jaysh.id]) == [report.new[0]]
    audit = store.conn.execute("SELECT DISTINCT analyst, action FROM audit").fetchall()
    assert audit == [("tester", "merge entities")]


def test_split_one_name_that_is_two_people_survives_reextraction(desk):
    store, ids = desk
    ali = _entity(store, "Ali Hassan")
    assert ali.n_articles == 2
    colonel = store.split_entity(ali.id, [ids[4]], "Ali Hassan (police colonel)", "tester")
    assert store.entity(colonel).canonical == "Ali Hassan (police colonel)"
    assert store.entity_article_ids([ali.id]) == [ids[3]]
    assert store.entity_article_ids([colonel]) == [ids[4]]
    reextract(store, everything=True)
    assert store.entity_article_ids([colonel]) == [ids[4]]
    assert store.entity_article_ids([ali.id]) == [ids[3]]
    assert store.undo("tester") == "split entity"
    assert sorted(store.entity_article_ids([ali.id])) == [ids[3], ids[4]]


def test_relabel_rename_and_alias(desk):
    store, ids = desk
    mobilisation = _entity(store, "Popular Mobilisation")
    assert store.relabel_entity(mobilisation.id, "ORG", "tester") is False  # already ORG
    ramadi = _entity(store, "Ramadi")
    store.rename_entity(ramadi.id, "Ramadi (Anbar)", "tester")
    assert store.entity(ramadi.id).canonical == "Ramadi (Anbar)"
    assert _entity(store, "Ramadi (Anbar)").id == ramadi.id
    # "Hashd" marked as the Popular Mobilisation's: a later article naming it lands there
    store.add_alias(mobilisation.id, "Hashd al-Shaabi", "tester")
    [new] = ingest_items(store, [Article(title="Hashd", published="2015-06-03",
                                         body="Hashd al-Shaabi units entered Ramadi.")]).new
    assert new in store.entity_article_ids([mobilisation.id])
    assert ("Hashd al-Shaabi", "tester") in store.entity_aliases(mobilisation.id)
    baghdad = _entity(store, "Baghdad")
    assert store.relabel_entity(baghdad.id, "ORG", "tester")  # the government, not the city
    assert store.entity(baghdad.id).label == "ORG"
    reextract(store, everything=True)
    assert _entity(store, "Baghdad").label == "ORG"
    assert store.undo("tester") == "relabel entity ORG"
    assert store.entity(baghdad.id).label == "LOC"


def test_profile_counts_months_neighbours_and_incidents(desk):
    store, ids = desk
    ramadi = _entity(store, "Ramadi")
    profile = store.entity_profile(ramadi.id)
    assert profile["n_articles"] == 3
    assert (profile["first_seen"], profile["last_seen"]) == ("2015-05-15", "2015-05-26")
    assert profile["months"] == [("2015-05", 3)]
    store.conn.execute("UPDATE articles SET published = '2015-08-01' WHERE id = ?", [ids[0]])
    months = store.entity_profile(ramadi.id)["months"]
    assert months == [("2015-05", 2), ("2015-06", 0), ("2015-07", 0), ("2015-08", 1)]
    store.conn.execute("UPDATE articles SET published = '2015-05-15' WHERE id = ?", [ids[0]])
    assert [r.id for r in profile["articles"]] == [ids[2], ids[1], ids[0]]
    related = {e.canonical: n for e, n in profile["related"]}
    assert related["Islamic State group"] == 3 and related["Haider al-Abadi"] == 2


def test_an_old_store_is_indexed_and_counts_hold(tmp_path, desk):
    store, ids = desk
    before = {(e.canonical, e.n_articles, e.n_mentions) for e in store.entities_page(limit=500)}
    store.conn.execute("DELETE FROM entity_articles")
    store.conn.execute("DELETE FROM entity_aliases")
    store.conn.execute("DELETE FROM entities")
    store.conn.execute("UPDATE articles SET entities_indexed = 0")
    from newsdesk.ingest.incidents import backfill_entities

    assert backfill_entities(store) == len(REPORTS)
    after = {(e.canonical, e.n_articles, e.n_mentions) for e in store.entities_page(limit=500)}
    assert after == before


def test_export_entities_jsonl_and_csv(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as s:
        ingest_items(s, [Article(title=t, body=b, published=p) for t, p, b in REPORTS])
    out = CliRunner().invoke(cli, ["export", "entities", "--db", str(db)])
    import json

    rows = {r["canonical"]: r for r in map(json.loads, out.output.splitlines())}
    ramadi = rows["Ramadi"]
    assert (ramadi["label"], ramadi["geonames_id"], ramadi["articles"], ramadi["first_seen"],
            ramadi["last_seen"]) == ("LOC", 98717, 3, "2015-05-15", "2015-05-26")
    assert set(rows["Islamic State group"]["aliases"]) >= {"IS", "ISIS", "Islamic State"}
    csv_out = CliRunner().invoke(cli, ["export", "entities", "--db", str(db), "--format", "csv"])
    header, *lines = csv_out.output.splitlines()
    assert header == ("id,label,canonical,aliases,geonames_id,admin1,country,articles,"
                      "mentions,first_seen,last_seen")
    assert len(lines) == len(rows)


def test_filter_is_frozen_and_hashable():
    assert hash(ArticleFilter(entities=(("PER", "x"),)))


def test_index_all_relearns_the_machine_s_spellings_and_keeps_the_analyst_s(store):
    from newsdesk.ingest.incidents import backfill_entities

    ingest_items(store, [
        Article(title="a", published="2008-03-25", body="Fighters of Jaysh al-Mahdi clashed."),
        Article(title="b", published="2008-03-30", body="The Mahdi Army withdrew from Basra.")])
    mahdi, jaysh = _entity(store, "Mahdi Army"), _entity(store, "Jaysh al-Mahdi")
    store.merge_entities(mahdi.id, [jaysh.id], "tester")
    # a wrong spelling an older extractor taught it
    store.conn.execute("UPDATE entity_aliases SET entity_id = ? WHERE key = 'basra'",
                       [mahdi.id])
    assert store.forget_machine_aliases() >= 2
    backfill_entities(store)
    assert _entity(store, "Jaysh al-Mahdi").id == mahdi.id  # the merge holds
    basra = _entity(store, "Basra")
    assert basra.id != mahdi.id and basra.label == "LOC"


def test_an_entity_filter_with_another_condition_counts_only_what_passes_both(desk, monkeypatch):
    import newsdesk.store.listing as listing

    store, ids = desk
    ramadi = ArticleFilter(entities=(("LOC", "Ramadi"),))
    assert store.count_for_list(ramadi) == (3, False)
    store.mark_read(ids[1])
    unread = ArticleFilter(entities=(("LOC", "Ramadi"),), unread=True)
    assert store.count_for_list(unread) == (2, False)
    assert [a.id for a in store.page_articles(unread)] == [ids[2], ids[0]]
    both = ArticleFilter(entities=(("LOC", "Ramadi"), ("PER", "Haider al-Abadi")), unread=True)
    assert store.count_for_list(both) == (1, False)
    monkeypatch.setattr(listing, "FILTERED_SEARCH_CAP", 1)
    assert store.count_for_list(unread) == (1, True)
