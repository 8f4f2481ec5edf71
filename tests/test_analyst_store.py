"""Analyst work in the store: audited writes, persistent per-analyst undo and redo."""
from newsdesk.store import Store


def _article(s: Store) -> int:
    article_id, _ = s.add_article(title="T", body="Gunmen killed 5 civilians in Ramadi.")
    return article_id


def test_undo_and_redo_survive_a_restart(tmp_path):
    path = tmp_path / "u.db"
    with Store(path) as s:
        a = _article(s)
        s.add_tag(a, "urgent", "ana")
        note = s.add_annotation(a, "ana", action="note", start=0, end=6, note="who are they?")
        s.set_published(a, "2015-05-15", "ana")
    with Store(path) as s:  # a new process, later
        assert s.undo("ana") == "set publication date"
        assert s.article(a)["published"] is None
        assert s.undo("ana") == "annotate (note)"
        assert s.annotations(a) == []
    with Store(path) as s:
        assert s.redo("ana") == "annotate (note)"
        [restored] = s.annotations(a)
        assert (restored["id"], restored["note"], restored["analyst"]) == (note, "who are they?",
                                                                          "ana")
        assert s.redo("ana") == "set publication date"
        assert s.redo("ana") is None
        assert s.article(a)["published"] == "2015-05-15"
        assert s.tags(a) == ["urgent"]


def test_undo_is_per_analyst_and_a_new_action_ends_redo(store):
    a = _article(store)
    store.add_tag(a, "ana-tag", "ana")
    store.add_tag(a, "bo-tag", "bo")
    assert store.undo("ana") == "tag ana-tag"
    assert store.tags(a) == ["bo-tag"]  # bo's work untouched
    store.add_tag(a, "other", "ana")
    assert store.redo("ana") is None  # the new action ended ana's redo history
    assert store.undo("ana") == "tag other" and store.undo("ana") is None


def test_event_with_evidence_is_one_undoable_action(store):
    a = _article(store)
    event = store.create_event("ana", {"event_date": "2015-05-15", "event_type": "Battles",
                                       "fatalities_min": 5, "fatalities_max": 5},
                               [{"article_id": a, "field": "fatalities", "start": 14, "end": 25,
                                 "text": "5 civilians"}])
    [stored] = store.events(a)
    assert stored["id"] == event and stored["evidence"][0]["text"] == "5 civilians"
    assert store.update_event(event, "ana", {"fatalities_max": 6})
    assert store.undo("ana") == "edit event"
    assert store.events()[0]["fatalities_max"] == 5
    assert store.undo("ana") == "code event"
    assert store.events() == []
    assert store.conn.execute("SELECT count(*) FROM event_evidence").fetchone()[0] == 0
    assert store.redo("ana") == "code event"
    assert store.events()[0]["evidence"][0]["start"] == 14


def test_awkward_strings_are_stored_and_found_as_typed(store):
    a = _article(store)
    nasty = ["'; DROP TABLE articles; --", 'quote " and \\ backslash', "NEAR(a b) OR *",
             "[bold]markup[/]", "\x1b]52;c;aGk=\x07"]
    for text in nasty:
        store.add_tag(a, text, "ana")
        store.add_annotation(a, "ana", note=text)
    assert set(store.tags(a)) == {t.strip() for t in nasty}
    assert [n["note"] for n in store.annotations(a)] == nasty
    from newsdesk.store import ArticleFilter
    for text in nasty:
        assert store.count_articles(ArticleFilter(query=text)) >= 0  # no FTS syntax error
        assert store.count_articles(ArticleFilter(tag=text.strip())) == 1
    assert store.count_articles() == 1


def test_the_list_killed_column_follows_figure_corrections_and_their_undo(store):
    from newsdesk import extract

    # one incident told twice: the list shows its toll, the higher report, not a sum
    body = "Gunmen killed 5 civilians in Ramadi. The death toll rose to 12."
    a, _ = store.add_article(title="T", body=body, extraction=extract.extract(body, None))

    def listed() -> tuple[int, int]:
        row = next(r for r in store.page_articles() if r.id == a)
        return row.n_figures, row.killed_min

    assert listed() == (2, 12)
    five, twelve = [s for s in store.spans(a, "casualty")]
    store.add_annotation(a, "ana", action="fix", kind="casualty", start=twelve.start,
                         end=twelve.end, span_id=twelve.id, attrs={"min": 14, "max": 14})
    assert listed() == (2, 14)
    reject = store.add_annotation(a, "ana", action="reject", kind="casualty",
                                  start=twelve.start, end=twelve.end, span_id=twelve.id)
    assert listed() == (1, 5)
    store.delete_annotation(reject, "ana")
    assert listed() == (2, 14)
    assert store.undo("ana") == "delete annotation" and listed() == (1, 5)
    assert store.undo("ana") == "annotate (reject)" and listed() == (2, 14)
    assert store.undo("ana") == "annotate (fix)" and listed() == (2, 12)
    # a re-extraction keeps the analyst's fix in the counts
    store.redo("ana")
    store.replace_spans(a, extract.extract(body, None), "again")
    assert listed() == (2, 14)


def test_evidence_follows_an_edited_event_and_undo_brings_it_back(store):
    article_id, _ = store.add_article(title="T", body="Gunmen of Group A attacked Town B.")
    old = {"article_id": article_id, "field": "actor1", "span_id": None, "start": 10,
           "end": 17, "text": "Group A"}
    place = {"article_id": article_id, "field": "location", "span_id": None, "start": 27,
             "end": 33, "text": "Town B"}
    event_id = store.create_event("ana", {"actor1": "Group A", "location": "Town B"},
                                  [old, place])
    new = {**old, "start": 0, "end": 6, "text": "Gunmen"}
    assert store.update_event(event_id, "ana", {"actor1": "Gunmen"}, [new, place])
    evidence = store.event(event_id)["evidence"]
    # the old actor's evidence is gone, the new one's is there, the place's is untouched
    assert sorted((e["field"], e["text"]) for e in evidence) == [
        ("actor1", "Gunmen"), ("location", "Town B")]
    store.undo("ana")
    event = store.event(event_id)
    assert event["actor1"] == "Group A"
    assert sorted((e["field"], e["text"]) for e in event["evidence"]) == [
        ("actor1", "Group A"), ("location", "Town B")]


def test_a_note_is_edited_and_deleted_undoably(store):
    article_id, _ = store.add_article(title="T", body="Some text here.")
    note_id = store.add_annotation(article_id, "ana", note="first", start=0, end=4)
    assert store.update_note(note_id, "ana", "second")
    assert [n["note"] for n in store.annotations(article_id)] == ["second"]
    assert store.delete_annotation(note_id, "ana")
    assert store.annotations(article_id) == []
    store.undo("ana")
    store.undo("ana")
    assert [n["note"] for n in store.annotations(article_id)] == ["first"]


def test_the_list_counts_follow_entity_corrections_and_a_repeat_is_one_row(seeded_db):
    from newsdesk.store import Store

    with Store(seeded_db) as s:
        row = s.page_articles(limit=1)[0]
        entity = s.spans(row.id, "entity")[0]
        canonical = entity.attrs.get("canonical") or entity.text
        mentions = [e for e in s.spans(row.id, "entity")
                    if (e.attrs.get("canonical") or e.text) == canonical]
        for mention in mentions:
            for _ in range(3):  # X pressed three times on each mention
                s.add_annotation(row.id, "ana", action="reject", kind="entity",
                                 span_id=mention.id, start=mention.start, end=mention.end)
        assert s.conn.execute("SELECT count(*) FROM annotations WHERE action = 'reject'"
                              ).fetchone()[0] == len(mentions)
        [after] = [r for r in s.page_articles(limit=1) if r.id == row.id]
        assert after.n_entities == row.n_entities - 1
        for _ in mentions:
            s.undo("ana")
        [undone] = [r for r in s.page_articles(limit=1) if r.id == row.id]
        assert undone.n_entities == row.n_entities


def test_an_event_form_reads_a_day_from_every_shape_of_date_value():
    from newsdesk.store.coding import _event_date

    assert _event_date("2009-12-15T18:00") == "2009-12-15"  # a clock time on its day
    assert _event_date("2015-05") == "2015-05-01"
    assert _event_date("2015") == "2015-01-01"
    # a week, a quarter, a season has no one day: none is made up
    assert [_event_date(v) for v in ("2015-W20", "2009-Q1", "2010-SU")] == [None] * 3
