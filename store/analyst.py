"""Analyst work: tags, annotations, corrections, events, each write audited for undo.

Every change goes through an `Action`: one short write transaction that also records
before/after images of each row it touched in `audit`, under one batch number. Undo
and redo replay those images, so they work across restarts and per analyst, and
machine spans are never involved (re-extraction cannot overwrite analyst work).
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from newsdesk.store.records import StoredSpan, inserted_id, killed_total, utc_now

# the columns that identify a row of each audited table
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "annotations": ("id",),
    "tags": ("article_id", "tag"),
    "events": ("id",),
    "event_evidence": ("id",),
    "articles": ("id",),
    "incidents": ("id",),
    "incident_articles": ("article_id",),
    "incident_places": ("place", "incident_id"),
    "incident_details": ("incident_id",),
    "entities": ("id",),
    "entity_aliases": ("id",),
    "entity_articles": ("id",),
    "entity_overrides": ("id",),
    "coding_done": ("article_id", "analyst"),
    "reviews": ("article_id", "analyst"),
    "adjudications": ("id",),
}

EVENT_FIELDS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1",
                "actor2", "location", "admin1", "country", "fatalities_min", "fatalities_max",
                "wounded_min", "wounded_max", "captured_min", "captured_max", "notes")

# evidence field -> the event columns it supports
EVIDENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "event_date": ("event_date", "time_precision"), "location": ("location", "admin1", "country"),
    "actor1": ("actor1",), "actor2": ("actor2",),
    "fatalities": ("fatalities_min", "fatalities_max"), "wounded": ("wounded_min", "wounded_max"),
    "captured": ("captured_min", "captured_max"),
}


def _q(name: str) -> str:
    """A quoted identifier (column names come from our own tables, never from input)."""
    return '"' + name.replace('"', '""') + '"'


def _where(key: dict[str, Any]) -> tuple[str, list[Any]]:
    return " AND ".join(f"{_q(k)} = ?" for k in key), list(key.values())


def _row(conn: sqlite3.Connection, table: str, key: dict[str, Any],
         columns: list[str] | None = None) -> dict[str, Any] | None:
    where, args = _where(key)
    cols = ", ".join(map(_q, columns)) if columns else "*"
    cur = conn.execute(f"SELECT {cols} FROM {_q(table)} WHERE {where}", args)
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row))


def _apply(conn: sqlite3.Connection, table: str, key: dict[str, Any],
           image: dict[str, Any] | None, other: dict[str, Any] | None) -> None:
    """Make a row look like `image` (None: gone). `other` is the state being replaced."""
    where, args = _where(key)
    if image is None:
        conn.execute(f"DELETE FROM {_q(table)} WHERE {where}", args)
    elif other is None:
        cols = list(image)
        conn.execute(f"INSERT OR REPLACE INTO {_q(table)} ({', '.join(map(_q, cols))})"
                     f" VALUES ({', '.join('?' for _ in cols)})", [image[c] for c in cols])
    else:
        sets = ", ".join(f"{_q(c)} = ?" for c in image)
        conn.execute(f"UPDATE {_q(table)} SET {sets} WHERE {where}", [*image.values(), *args])


class Action:
    """One undoable analyst action: the rows it writes and their audit records."""

    def __init__(self, conn: sqlite3.Connection, analyst: str, name: str) -> None:
        self.conn = conn
        self.analyst = analyst
        self.name = name
        self.batch: int | None = None

    def _log(self, table: str, key: dict[str, Any], before: dict | None, after: dict | None
             ) -> None:
        cur = self.conn.execute(
            "INSERT INTO audit (analyst, at, action, table_name, row_key, before, after, undone,"
            " batch) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
            [self.analyst, utc_now(), self.name, table, json.dumps(key),
             None if before is None else json.dumps(before),
             None if after is None else json.dumps(after), self.batch])
        if self.batch is None:
            self.batch = inserted_id(cur)
            self.conn.execute("UPDATE audit SET batch = ? WHERE id = ?", [self.batch, self.batch])

    def insert(self, table: str, row: dict[str, Any]) -> int:
        cols = list(row)
        cur = self.conn.execute(
            f"INSERT INTO {_q(table)} ({', '.join(map(_q, cols))})"
            f" VALUES ({', '.join('?' for _ in cols)})", [row[c] for c in cols])
        key = ({"id": inserted_id(cur)} if TABLE_KEYS[table] == ("id",)
               else {k: row[k] for k in TABLE_KEYS[table]})
        after = _row(self.conn, table, key)
        self._log(table, key, None, after)
        return inserted_id(cur)

    def update(self, table: str, key: dict[str, Any], changes: dict[str, Any]) -> bool:
        before = _row(self.conn, table, key, list(changes))
        if before is None:
            return False
        if all(before[c] == v for c, v in changes.items()):
            return False  # nothing changes: nothing to undo
        _apply(self.conn, table, key, changes, before)
        self._log(table, key, before, dict(changes))
        return True

    def delete(self, table: str, key: dict[str, Any]) -> bool:
        before = _row(self.conn, table, key)
        if before is None:
            return False
        _apply(self.conn, table, key, None, before)
        self._log(table, key, before, None)
        return True


class AnalystWork:
    """Mixed into Store, whose `conn`, `write()`, `spans()` and `article()` it uses."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by Store: declared for the type checker only
        write: Callable[[], contextlib.AbstractContextManager[sqlite3.Connection]]
        spans: Callable[..., list[StoredSpan]]

    @contextlib.contextmanager
    def action(self, analyst: str, name: str) -> Iterator[Action]:
        with self.write() as conn:
            # a new action ends the redo history of this analyst
            conn.execute("UPDATE audit SET undone = 2 WHERE analyst = ? AND undone = 1",
                         [analyst])
            yield Action(conn, analyst, name)

    # -- tags ----------------------------------------------------------------

    def add_tag(self, article_id: int, tag: str, analyst: str) -> bool:
        tag = tag.strip()
        if not tag:
            raise ValueError("a tag needs at least one character")
        with self.action(analyst, f"tag {tag}") as act:
            if _row(act.conn, "tags", {"article_id": article_id, "tag": tag}):
                return False
            act.insert("tags", {"article_id": article_id, "tag": tag, "analyst": analyst,
                                "created_at": utc_now()})
            return True

    def remove_tag(self, article_id: int, tag: str, analyst: str) -> bool:
        with self.action(analyst, f"untag {tag}") as act:
            return act.delete("tags", {"article_id": article_id, "tag": tag})

    def all_tags(self) -> list[tuple[str, int]]:
        return [tuple(r) for r in self.conn.execute(
            "SELECT tag, count(*) FROM tags GROUP BY tag ORDER BY count(*) DESC, tag")]

    # -- annotations and corrections ----------------------------------------

    def add_annotation(self, article_id: int, analyst: str, *, action: str = "note",
                       kind: str | None = None, start: int | None = None,
                       end: int | None = None, label: str | None = None,
                       note: str | None = None, attrs: dict[str, Any] | None = None,
                       span_id: int | None = None) -> int:
        """action: note | accept | reject | relabel | add | fix | speaker.

        A correction that repeats the span's latest one (A pressed three times) is not
        stored again: the id of the one standing is returned."""
        attrs_json = json.dumps(attrs or {}, ensure_ascii=False)
        if action != "note":
            latest = self.conn.execute(
                'SELECT id, action, label, attrs FROM annotations WHERE article_id = ?'
                " AND action != 'note' AND deleted_at IS NULL AND coalesce(kind, '') = ?"
                ' AND start IS ? AND "end" IS ? ORDER BY id DESC LIMIT 1',
                [article_id, kind or "", start, end]).fetchone()
            if latest is not None and latest[1:] == (action, label, attrs_json):
                return latest[0]
        with self.action(analyst, f"annotate ({action})") as act:
            annotation_id = act.insert("annotations", {
                "article_id": article_id, "span_id": span_id, "action": action, "kind": kind,
                "start": start, "end": end, "label": label, "note": note,
                "attrs": attrs_json, "analyst": analyst, "created_at": utc_now()})
            if action != "note":
                self._recount(act, article_id)
            return annotation_id

    def delete_annotation(self, annotation_id: int, analyst: str) -> bool:
        with self.action(analyst, "delete annotation") as act:
            row = _row(act.conn, "annotations", {"id": annotation_id},
                       ["article_id", "kind", "action"])
            deleted = act.delete("annotations", {"id": annotation_id})
            if deleted and row and row["action"] != "note":
                self._recount(act, row["article_id"])
            return deleted

    def corrected_counts(self, article_id: int) -> dict[str, int]:
        """The list's columns (entities, quotes, figures, killed) of an article once analysts'
        corrections are applied: the same counts the reader's panels show."""
        spans = self.corrected_spans(article_id)
        figures = [s for s in spans if s.kind == "casualty"]
        return {
            "n_entities": len({s.attrs.get("canonical") or s.text for s in spans
                               if s.kind == "entity"}),
            "n_quotes": sum(s.kind == "quote" for s in spans),
            "n_figures": len(figures),
            "killed_min": killed_total({**s.attrs, "kind": s.label} for s in figures),
        }

    def _recount(self, act: Action, article_id: int) -> None:
        """The list's counts follow the analysts' corrections. Written in the same action,
        so an undo puts the old counts back with the correction."""
        act.update("articles", {"id": article_id}, self.corrected_counts(article_id))

    def annotations(self, article_id: int) -> list[dict[str, Any]]:
        cur = self.conn.execute(
            'SELECT id, article_id, span_id, action, kind, start, "end", label, note, attrs,'
            " analyst, created_at FROM annotations WHERE article_id = ? AND deleted_at IS NULL"
            " ORDER BY id", [article_id])
        keys = [d[0] for d in cur.description]
        out = []
        for row in cur:
            item = dict(zip(keys, row))
            item["attrs"] = json.loads(item["attrs"] or "{}")
            out.append(item)
        return out

    def corrected_spans(self, article_id: int,
                        annotations: list[dict[str, Any]] | None = None) -> list[StoredSpan]:
        """Machine spans with every analyst correction applied (see `apply_corrections`).
        `annotations`: the article's, when the caller has read them already."""
        if annotations is None:
            annotations = self.annotations(article_id)
        return apply_corrections(self.spans(article_id), annotations)

    def set_published(self, article_id: int, published: str | None, analyst: str) -> bool:
        with self.action(analyst, "set publication date") as act:
            return act.update("articles", {"id": article_id}, {"published": published})

    # -- events ----------------------------------------------------------------

    def create_event(self, analyst: str, fields: dict[str, Any],
                     evidence: list[dict[str, Any]]) -> int:
        unknown = set(fields) - set(EVENT_FIELDS)
        if unknown:
            raise ValueError(f"unknown event fields: {', '.join(sorted(unknown))}")
        with self.action(analyst, "code event") as act:
            event_id = act.insert("events", {**fields, "analyst": analyst, "coded_at": utc_now()})
            for ev in evidence:
                act.insert("event_evidence", {**ev, "event_id": event_id})
            return event_id

    def update_event(self, event_id: int, analyst: str, changes: dict[str, Any],
                     evidence: list[dict[str, Any]] | None = None) -> bool:
        """Edit an event. Evidence follows the edit: the rows citing a field whose value
        changed go (they supported the old value), and `evidence` rows for the changed
        fields come in; all in one undoable action."""
        unknown = set(changes) - set(EVENT_FIELDS)
        if unknown:
            raise ValueError(f"unknown event fields: {', '.join(sorted(unknown))}")
        with self.action(analyst, "edit event") as act:
            before = _row(act.conn, "events", {"id": event_id}, list(changes))
            changed = act.update("events", {"id": event_id}, changes)
            if not changed or before is None:
                return False
            act.update("events", {"id": event_id}, {"updated_at": utc_now()})
            stale = {name for name, columns in EVIDENCE_FIELDS.items()
                     if any(c in changes and changes[c] != before[c] for c in columns)}
            if stale & {"actor1", "actor2"}:
                stale.add("actor")  # evidence coded before actors were told apart
            if stale:
                marks = ", ".join("?" for _ in stale)
                for (ev_id,) in act.conn.execute(
                        f"SELECT id FROM event_evidence WHERE event_id = ? AND field IN ({marks})",
                        [event_id, *sorted(stale)]).fetchall():
                    act.delete("event_evidence", {"id": ev_id})
            for ev in evidence or []:
                if ev["field"] in stale:
                    act.insert("event_evidence", {**ev, "event_id": event_id})
            return True

    def update_note(self, annotation_id: int, analyst: str, note: str) -> bool:
        with self.action(analyst, "edit note") as act:
            return act.update("annotations", {"id": annotation_id}, {"note": note})

    def add_evidence(self, event_id: int, analyst: str, evidence: list[dict[str, Any]]) -> int:
        with self.action(analyst, "attach evidence") as act:
            for ev in evidence:
                act.insert("event_evidence", {**ev, "event_id": event_id})
            return len(evidence)

    def delete_event(self, event_id: int, analyst: str) -> bool:
        with self.action(analyst, "delete event") as act:
            for (ev_id,) in act.conn.execute(
                    "SELECT id FROM event_evidence WHERE event_id = ?", [event_id]).fetchall():
                act.delete("event_evidence", {"id": ev_id})
            return act.delete("events", {"id": event_id})

    def events(self, article_id: int | None = None, *,
               event_id: int | None = None) -> list[dict[str, Any]]:
        """Events with their evidence; with an article, only events that cite it; with an
        event id, that one event. Two queries whatever the number of events."""
        sql = "SELECT * FROM events WHERE deleted_at IS NULL"
        args: list[Any] = []
        if article_id is not None:
            sql += " AND id IN (SELECT event_id FROM event_evidence WHERE article_id = ?)"
            args.append(article_id)
        if event_id is not None:
            sql += " AND id = ?"
            args.append(event_id)
        cur = self.conn.execute(sql + " ORDER BY event_date, id", args)
        keys = [d[0] for d in cur.description]
        events = [dict(zip(keys, row)) for row in cur.fetchall()]
        by_id = {event["id"]: event for event in events}
        for event in events:
            event["evidence"] = []
        if not by_id:
            return events
        ev_cur = self.conn.execute(
            'SELECT id, article_id, field, span_id, start, "end", text, event_id'
            f" FROM event_evidence WHERE event_id IN ({', '.join('?' for _ in by_id)})"
            " ORDER BY id", list(by_id))
        ev_keys = [d[0] for d in ev_cur.description][:-1]
        for row in ev_cur.fetchall():
            by_id[row[-1]]["evidence"].append(dict(zip(ev_keys, row[:-1])))
        return events

    def event(self, event_id: int) -> dict[str, Any] | None:
        found = self.events(event_id=event_id)
        return found[0] if found else None

    # -- undo and redo ---------------------------------------------------------

    def undo(self, analyst: str) -> str | None:
        """Take back this analyst's latest action; its name, or None with nothing to undo."""
        with self.write() as conn:
            row = conn.execute("SELECT batch, action FROM audit WHERE analyst = ? AND undone = 0"
                               " ORDER BY id DESC LIMIT 1", [analyst]).fetchone()
            if row is None:
                return None
            self._replay(conn, row[0], backwards=True)
            conn.execute("UPDATE audit SET undone = 1 WHERE batch = ?", [row[0]])
            return row[1]

    def redo(self, analyst: str) -> str | None:
        with self.write() as conn:
            row = conn.execute("SELECT batch, action FROM audit WHERE analyst = ? AND undone = 1"
                               " ORDER BY id ASC LIMIT 1", [analyst]).fetchone()
            if row is None:
                return None
            self._replay(conn, row[0], backwards=False)
            conn.execute("UPDATE audit SET undone = 0 WHERE batch = ?", [row[0]])
            return row[1]

    @staticmethod
    def _replay(conn: sqlite3.Connection, batch: int, *, backwards: bool) -> None:
        rows = conn.execute(
            "SELECT table_name, row_key, before, after FROM audit WHERE batch = ?"
            f" ORDER BY id {'DESC' if backwards else 'ASC'}", [batch]).fetchall()
        for table, key, before, after in rows:
            before = None if before is None else json.loads(before)
            after = None if after is None else json.loads(after)
            image, other = (before, after) if backwards else (after, before)
            _apply(conn, table, json.loads(key), image, other)

    # -- other analysts' work, live -------------------------------------------------------

    def data_version(self) -> int:
        """Moves when another connection commits (another analyst, a CLI ingest): cheap
        enough to ask every second."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def latest_audit_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]

    def others_since(self, audit_id: int, analyst: str) -> list[tuple[str, str]]:
        """(analyst, action) of each action other analysts took after `audit_id`, oldest
        first (undone ones too: an undo changes what the screen shows as well)."""
        return [(who, what) for who, what in self.conn.execute(
            "SELECT analyst, action FROM audit WHERE id > ? AND analyst != ? GROUP BY batch"
            " ORDER BY batch", [audit_id, analyst])]

    def changed_by_other(self, table: str, key: dict[str, Any], since: int, analyst: str
                         ) -> tuple[str, str] | None:
        """(who, when) if another analyst wrote this row after audit id `since`: an edit
        begun before must not overwrite theirs silently."""
        row = self.conn.execute(
            "SELECT analyst, at FROM audit WHERE id > ? AND analyst != ? AND table_name = ?"
            " AND row_key = ? ORDER BY id DESC LIMIT 1",
            [since, analyst, table, json.dumps(key)]).fetchone()
        return (row[0], row[1]) if row else None

    def history(self, analyst: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        sql = ("SELECT batch, min(at), analyst, action, min(undone) FROM audit"
               + (" WHERE analyst = ?" if analyst else "")
               + " GROUP BY batch ORDER BY batch DESC LIMIT ?")
        args = [analyst, limit] if analyst else [limit]
        return [{"batch": b, "at": at, "analyst": a, "action": act, "undone": bool(u)}
                for b, at, a, act, u in self.conn.execute(sql, args)]


def apply_corrections(machine: list[StoredSpan],
                      annotations: list[dict[str, Any]]) -> list[StoredSpan]:
    """The machine's spans as the analysts corrected them (what the reader shows).

    reject hides a span; relabel changes its label; fix replaces figure fields; speaker
    sets a quote's speaker; accept marks it checked; add creates a span the machine
    missed (negative id: the annotation's). Later annotations win.
    """
    by_id = {s.id: StoredSpan(s.id, s.kind, s.label, s.start, s.end, s.text, dict(s.attrs))
             for s in machine}
    # after a re-extraction the span ids are new: a correction finds its span by offsets
    by_place = {(s.kind, s.start, s.end): s for s in by_id.values()}
    hidden: set[int] = set()
    added: list[StoredSpan] = []
    for note in annotations:
        span = by_id.get(note["span_id"]) if note["span_id"] is not None else None
        if span is None and note["action"] != "add" and note["start"] is not None:
            span = by_place.get((note["kind"], note["start"], note["end"]))
        action, attrs = note["action"], note["attrs"]
        if action == "add" and note["start"] is not None:
            new = StoredSpan(-note["id"], note["kind"] or "entity", note["label"],
                             note["start"], note["end"], attrs.get("text", ""),
                             {**attrs, "analyst": note["analyst"], "added": True})
            added.append(new)
            by_place[(new.kind, new.start, new.end)] = new  # later corrections can find it
        elif span is None:
            continue
        elif action == "reject":
            hidden.add(span.id)
        elif action == "accept":
            hidden.discard(span.id)
            span.attrs["accepted_by"] = note["analyst"]
        elif action == "relabel" and note["label"]:
            span.label = note["label"]
            span.attrs["corrected_by"] = note["analyst"]
        elif action in ("fix", "speaker"):
            span.attrs.update(attrs)
            span.attrs["corrected_by"] = note["analyst"]
    spans = [s for s in by_id.values() if s.id not in hidden] + added
    spans.sort(key=lambda s: (s.start, s.id))
    return spans
