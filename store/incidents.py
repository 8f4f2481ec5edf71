"""Incidents in the store: the machine places each new report in one, analysts confirm,
rename, merge, split and move, and pick the figure they stand behind.

An article belongs to at most one incident (`incident_articles`). The machine's placing
(at ingest, and `rebuild_incidents`) is not audited, like machine spans; every analyst
change goes through an `Action`, so it is undoable and kept by a rebuild: an incident an
analyst has touched is never dissolved by the machine.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from newsdesk.contract import fold
from newsdesk.store.incident_rules import (
    FOLLOW_UP_DAYS,
    SAME_DAY_SLACK,
    UNDATED_FOLLOW_UP_DAYS,
    merge_profiles,
    reconcile,
    same_incident,
)
from newsdesk.store.incident_rules import article_tolls as article_tolls
from newsdesk.store.listing import fts_query
from newsdesk.store.records import from_json, inserted_id, to_json, utc_now

if TYPE_CHECKING:
    from newsdesk.store.analyst import Action

MACHINE = "machine"
INCIDENT_SORTS = {
    # plain columns, so that each order walks its index (undated incidents come last
    # newest first, first oldest first)
    "date": "i.date DESC, i.id DESC",
    "killed": "i.killed_best DESC, i.id DESC",
    "sources": "i.n_sources DESC, i.id DESC",
    "oldest": "i.date ASC, i.id ASC",
}


@dataclass(frozen=True)
class IncidentFilter:
    query: str = ""              # words in the incident's name or place
    place: str | None = None
    kind: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    disputed: bool = False
    confirmed: bool = False
    has_killed: bool = False


@dataclass(frozen=True)
class IncidentRow:
    id: int
    name: str
    status: str
    kind: str | None
    date: str | None
    precision: str | None
    location: str | None
    country: str | None
    killed_low: int | None
    killed_best: int | None
    killed_high: int | None
    n_sources: int
    disputed: bool
    revised: bool
    analyst: str | None


# an incident's fields made from its sources (_refresh)
_DERIVED = ("name", "kind", "date", "precision", "location", "admin1", "country",
            "killed_low", "killed_best", "killed_high", "n_sources", "disputed", "revised")


def _by_place(flt: IncidentFilter) -> tuple[str, list[Any]] | None:
    """A filter of a place and dates only, as a condition on incident_places (whose date
    is its incident's, kept by a trigger); None for any other filter."""
    if not flt.place or replace(flt, place=None, date_from=None, date_to=None) != \
            IncidentFilter():
        return None
    sql, args = "place IN (?, ?)", list(_place_args(flt.place))
    if flt.date_from:
        sql += " AND date >= ?"
        args.append(flt.date_from)
    if flt.date_to:
        sql += " AND date <= ?"
        args.append(flt.date_to)
    return sql, args


def _place_args(place: str) -> list[str]:
    """The place keys a place filter matches: the town, or the country."""
    return [f"t:{fold(place).lower().strip()}", f"c:{place.lower()}"]


def _place_keys(profile: Mapping[str, Any]) -> set[str]:
    return ({f"t:{k}" for k in profile.get("town_keys") or []}
            | {f"c:{c.lower()}" for c in profile.get("countries") or []})


# what merging reads of a report's profile; its figures, sentences and all, are kept as the
# report's tolls
_MATCHED = ("kind", "date", "precision", "towns", "town_keys", "countries", "admins",
            "mentioned_days", "lead")


def _source_record(article_id: int, title: str, published: str | None, source: str | None,
                   profile: Mapping[str, Any] | None) -> dict[str, Any]:
    """What an incident's refresh needs of one source, kept with the incident."""
    profile = profile or {}
    return {"article_id": article_id, "title": title, "published": published,
            "source": source, "profile": {k: profile[k] for k in _MATCHED if k in profile},
            "tolls": article_tolls(profile.get("figures") or [])}


def _derived(records: list[dict[str, Any]], chosen: Mapping[str, int]
             ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """An incident's fields (`_DERIVED`), merged profile and tolls from its sources'
    records, first report first."""
    merged = merge_profiles([r["profile"] for r in records if r["profile"]] or [{}])
    tolls = reconcile(records, chosen)
    killed = tolls.get("killed") or {}
    fields: dict[str, Any] = {
        "name": records[0]["title"],  # the machine's name: its first report's title
        "kind": merged.get("kind"), "date": merged.get("date"),
        "precision": merged.get("precision"),
        "location": (merged.get("towns") or [None])[0],
        "admin1": (merged.get("admins") or [None])[0],
        "country": (merged.get("countries") or [None])[0],
        "killed_low": killed.get("low"), "killed_best": killed.get("best"),
        "killed_high": killed.get("high"), "n_sources": len(records),
        "disputed": int(any(t["disputed"] for t in tolls.values())),
        "revised": int(any(t["revised"] for t in tolls.values()))}
    return fields, merged, tolls


def _source_order(record: Mapping[str, Any]) -> tuple[str, int]:
    # as _sources reads them: by publication, undated first, then as stored
    return record.get("published") or "", record["article_id"]


def _shift(day: str, days: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day[:10]) + dt.timedelta(days=days)).isoformat()


class IncidentDesk:
    """Mixed into Store, whose `conn`, `write()` and `action()` it uses."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by Store and AnalystWork: declared for the type checker
        write: Callable[[], contextlib.AbstractContextManager[sqlite3.Connection]]
        action: Callable[[str, str], contextlib.AbstractContextManager[Action]]
        events: Callable[..., list[dict[str, Any]]]

    # -- the machine's placing --------------------------------------------------

    def _save_profile(self, conn: sqlite3.Connection, article_id: int,
                      profile: Mapping[str, Any] | None) -> None:
        conn.execute("DELETE FROM article_profiles WHERE article_id = ?", [article_id])
        if profile is not None:
            conn.execute("INSERT INTO article_profiles (article_id, profile) VALUES (?, ?)",
                         [article_id, to_json(profile)])

    def _candidates(self, conn: sqlite3.Connection, profile: Mapping[str, Any]
                    ) -> list[tuple[int, dict[str, Any]]]:
        """Incidents that share a place with the report and lie in its date window: a few
        per report, found through two indexes, whatever the size of the store."""
        day = profile.get("date")
        keys = sorted(_place_keys(profile))
        if not day or not keys:
            return []
        # a follow-up weeks later is looked for by its towns only: a country holds too many
        # incidents in a month and a half to read them all for every report
        towns = sorted(k for k in keys if k.startswith("t:")) or keys
        earliest = _shift(day, -FOLLOW_UP_DAYS)
        days = [d for d in profile.get("mentioned_days") or [] if earliest <= d <= day]
        looks_back = profile.get("follow_up") or (profile.get("precision") == "report"
                                                   and profile.get("refers_back"))
        back = UNDATED_FOLLOW_UP_DAYS if looks_back else SAME_DAY_SLACK

        def at(chosen: list[str], dates: str) -> str:
            # each place's incidents in the window, read from one index (place, date)
            return (f"SELECT incident_id FROM incident_places WHERE place IN"
                    f" ({', '.join('?' for _ in chosen)}) AND {dates}")

        parts = [at(keys, "date BETWEEN ? AND ?")]
        args = [*keys, _shift(day, -SAME_DAY_SLACK), _shift(day, SAME_DAY_SLACK)]
        if back > SAME_DAY_SLACK:  # else its window lies inside the first's
            parts.append(at(towns, "date BETWEEN ? AND ?"))
            args += [*towns, _shift(day, -back), day]
        if days:
            parts.append(at(towns, "date IN (SELECT value FROM json_each(?))"))
            args += [*towns, to_json(days)]
        rows = conn.execute(
            f"""SELECT d.incident_id, d.profile FROM incident_details d
                WHERE d.incident_id IN ({" UNION ".join(parts)}) ORDER BY 1""",
            args).fetchall()
        return [(incident_id, from_json(text)) for incident_id, text in rows]

    def _place(self, conn: sqlite3.Connection, article_id: int,
               profile: Mapping[str, Any] | None) -> int | None:
        """Put a new report in the incident it best fits, or in a new one."""
        if profile is None:
            return None
        best: tuple[float, int] | None = None
        for incident_id, incident in self._candidates(conn, profile):
            score = same_incident(incident, profile)
            if score is not None and (best is None or score > best[0]):
                best = (score, incident_id)
        now = utc_now()
        title, published, source = conn.execute(
            "SELECT title, published, source FROM articles WHERE id = ?",
            [article_id]).fetchone()
        record = _source_record(article_id, title, published, source, profile)
        records: list[dict[str, Any]] | None
        if best is None:
            return self._new_incident(conn, article_id, record, now)
        incident_id = best[1]
        cached = conn.execute("SELECT sources FROM incident_details WHERE incident_id = ?",
                              [incident_id]).fetchone()
        records = None if cached is None or cached[0] is None else sorted(
            [*(r for r in from_json(cached[0]) if r["article_id"] != article_id), record],
            key=_source_order)
        conn.execute("INSERT OR REPLACE INTO incident_articles (article_id, incident_id,"
                     " placed_by, placed_at) VALUES (?, ?, ?, ?)",
                     [article_id, incident_id, MACHINE, now])
        self._refresh(conn, incident_id, lambda table, key, row: _raw_write(conn, table,
                                                                           key, row),
                      records)
        return incident_id

    def _new_incident(self, conn: sqlite3.Connection, article_id: int,
                      record: dict[str, Any], now: str) -> int:
        """A report that fits no incident starts one, written whole at once: a row written
        and then refreshed would index its words and places twice."""
        fields, merged, tolls = _derived([record], {})
        cols = [*fields, "created_at", "updated_at"]
        incident_id = inserted_id(conn.execute(
            f"INSERT INTO incidents ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
            [*fields.values(), now, now]))
        conn.execute("INSERT INTO incident_details (incident_id, profile, tolls, sources)"
                     " VALUES (?, ?, ?, ?)", [incident_id, to_json(merged),
                                              to_json(tolls), to_json([record])])
        conn.executemany("INSERT INTO incident_places (place, incident_id, date)"
                         " VALUES (?, ?, ?)", [(place, incident_id, fields["date"])
                                               for place in sorted(_place_keys(merged))])
        conn.execute("INSERT OR REPLACE INTO incident_articles (article_id, incident_id,"
                     " placed_by, placed_at) VALUES (?, ?, ?, ?)",
                     [article_id, incident_id, MACHINE, now])
        return incident_id

    def rebuild_incidents(self) -> dict[str, int]:
        """Group every profiled article again, in the order they were stored (the order
        ingest placed them: the same grouping). Incidents an analyst touched stay."""
        with self.write() as conn:
            held = {r[0] for r in conn.execute(
                "SELECT id FROM incidents WHERE status = 'confirmed' OR named_by IS NOT NULL"
                " OR chosen != '{}' OR id IN (SELECT incident_id FROM incident_articles"
                " WHERE placed_by != ?)", [MACHINE])}
            kept = to_json(sorted(held))
            conn.execute("DELETE FROM incident_articles WHERE incident_id NOT IN"
                         " (SELECT value FROM json_each(?))", [kept])
            conn.execute("DELETE FROM incident_places WHERE incident_id NOT IN"
                         " (SELECT value FROM json_each(?))", [kept])
            conn.execute("DELETE FROM incident_details WHERE incident_id NOT IN"
                         " (SELECT value FROM json_each(?))", [kept])
            conn.execute("DELETE FROM incidents WHERE id NOT IN"
                         " (SELECT value FROM json_each(?))", [kept])
            todo = conn.execute(
                "SELECT p.article_id, p.profile FROM article_profiles p WHERE p.article_id"
                " NOT IN (SELECT article_id FROM incident_articles) ORDER BY p.article_id"
            ).fetchall()
            for article_id, text in todo:
                # {}: profiled, and it reports no incident (as ingest leaves it)
                self._place(conn, article_id, from_json(text) or None)
            n = conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
        return {"articles": len(todo), "incidents": n, "kept": len(held)}

    def keep_source_records(self, batch: int = 2000) -> int:
        """Read the sources of every incident whose records are not kept yet (a store from
        before they were), so that its next report joins without reading them. Returns the
        incidents brought up to date; each batch is its own transaction."""
        done = 0
        while True:
            with self.write() as conn:
                ids = [r[0] for r in conn.execute(
                    "SELECT incident_id FROM incident_details WHERE sources IS NULL LIMIT ?",
                    [batch])]
                for incident_id in ids:
                    self._refresh(conn, incident_id, lambda table, key, row: _raw_write(
                        conn, table, key, row))
            done += len(ids)
            if len(ids) < batch:
                return done

    def articles_without_profile(self, limit: int = 1000) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_profiles)"
            " ORDER BY id LIMIT ?", [limit])]

    def set_profile(self, article_id: int, profile: Mapping[str, Any] | None) -> int | None:
        """A profile made after the article was stored (an older store, an analyst's
        correction of a figure): kept, and the article placed if it is in no incident yet,
        else its incident's toll brought up to date. Returns its incident."""
        with self.write() as conn:
            self._save_profile(conn, article_id, profile if profile is not None else {})
            placed = self._refresh_incident_of(conn, article_id)
            if placed is not None:
                return placed
            return self._place(conn, article_id, profile) if profile else None

    def _refresh_incident_of(self, conn: sqlite3.Connection, article_id: int) -> int | None:
        """Bring the incident of an article whose text, title or profile changed up to
        date, read again from all its sources; None when it is in none."""
        placed = conn.execute("SELECT incident_id FROM incident_articles"
                              " WHERE article_id = ?", [article_id]).fetchone()
        if placed is None:
            return None
        self._refresh(conn, placed[0], lambda table, key, row: _raw_write(
            conn, table, key, row))
        return int(placed[0])

    # -- an incident's derived fields --------------------------------------------

    def _sources(self, conn: sqlite3.Connection, incident_id: int) -> list[dict[str, Any]]:
        rows = conn.execute(
            """SELECT a.id, a.title, a.url, a.published, a.source, p.profile, ia.placed_by
               FROM incident_articles ia JOIN articles a ON a.id = ia.article_id
               LEFT JOIN article_profiles p ON p.article_id = a.id
               WHERE ia.incident_id = ? ORDER BY coalesce(a.published, ''), a.id""",
            [incident_id]).fetchall()
        out = []
        for article_id, title, url, published, source, profile, placed_by in rows:
            prof = from_json(profile) if profile else {}
            out.append({"article_id": article_id, "title": title, "url": url,
                        "published": published, "source": source, "placed_by": placed_by,
                        "profile": prof, "tolls": article_tolls(prof.get("figures") or [])})
        return out

    def _refresh(self, conn: sqlite3.Connection, incident_id: int,
                 put: Callable[[str, dict[str, Any], dict[str, Any] | None], None],
                 records: list[dict[str, Any]] | None = None) -> None:
        """Recompute an incident's profile, toll and counts from its sources; `put` writes
        (directly for the machine, through the analyst's Action for undo). `records`, the
        sources' `_source_record`s in source order, spares reading them all again."""
        cur = conn.execute(f"SELECT chosen, named_by, {', '.join(_DERIVED)} FROM incidents"
                           " WHERE id = ?", [incident_id])
        row = cur.fetchone()
        if row is None:
            return
        was = dict(zip(_DERIVED, row[2:]))
        chosen = from_json(row[0] or "{}")
        if records is None:
            records = [_source_record(s["article_id"], s["title"], s["published"],
                                      s["source"], s["profile"])
                       for s in self._sources(conn, incident_id)]
        old_places = {r[0] for r in conn.execute(
            "SELECT place FROM incident_places WHERE incident_id = ?", [incident_id])}
        if not records:
            for place in old_places:
                put("incident_places", {"place": place, "incident_id": incident_id}, None)
            put("incident_details", {"incident_id": incident_id}, None)
            put("incidents", {"id": incident_id}, None)
            return
        changes, merged, tolls = _derived(records, chosen)
        if row[1] is not None:  # an analyst's name stays
            del changes["name"]
        # only what moved: an unchanged date or place rewrites no index and fires no trigger
        changes = {k: v for k, v in changes.items() if was[k] != v}
        if changes:
            put("incidents", {"id": incident_id}, {**changes, "updated_at": utc_now()})
        put("incident_details", {"incident_id": incident_id},
            {"profile": to_json(merged), "tolls": to_json(tolls),
             "sources": to_json(records)})
        places = _place_keys(merged)
        for place in old_places - places:
            put("incident_places", {"place": place, "incident_id": incident_id}, None)
        for place in places - old_places:
            put("incident_places", {"place": place, "incident_id": incident_id},
                {"place": place, "incident_id": incident_id})

    # -- reading -----------------------------------------------------------------

    def _incident_where(self, flt: IncidentFilter) -> tuple[str, list[Any]]:
        where, args = ["1"], []
        if flt.query:
            match = fts_query(flt.query)
            where.append("i.id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?)"
                         if match else "0")  # only punctuation typed: nothing matches
            args += [match] if match else []
        if flt.place:
            where.append("i.id IN (SELECT incident_id FROM incident_places WHERE place IN"
                         " (?, ?))")
            args += _place_args(flt.place)
        if flt.kind:
            where.append("i.kind = ?")
            args.append(flt.kind)
        if flt.date_from:
            where.append("i.date >= ?")
            args.append(flt.date_from)
        if flt.date_to:
            where.append("i.date <= ?")
            args.append(flt.date_to)
        if flt.disputed:
            where.append("i.disputed = 1")
        if flt.confirmed:
            where.append("i.status = 'confirmed'")
        if flt.has_killed:
            where.append("i.killed_best > 0")
        return " AND ".join(where), args

    def list_incidents(self, flt: IncidentFilter | None = None, *, sort: str = "date",
                       limit: int = 200, offset: int = 0) -> list[IncidentRow]:
        flt = flt or IncidentFilter()
        by_place = _by_place(flt)
        if by_place and sort in ("date", "oldest"):
            # the page's ids in date order from the places' index; then those rows only
            order = "DESC" if sort == "date" else "ASC"
            where = (f"i.id IN (SELECT incident_id FROM incident_places WHERE {by_place[0]}"
                     f" GROUP BY incident_id ORDER BY max(date) {order}, incident_id {order}"
                     " LIMIT ? OFFSET ?)")
            args, limit, offset = [*by_place[1], limit, offset], -1, 0
        else:
            where, args = self._incident_where(flt)
        rows = self.conn.execute(
            f"""SELECT i.id, i.name, i.status, i.kind, i.date, i.precision, i.location,
                       i.country, i.killed_low, i.killed_best, i.killed_high, i.n_sources,
                       i.disputed, i.revised, i.analyst
                FROM incidents i WHERE {where} ORDER BY {INCIDENT_SORTS[sort]}
                LIMIT ? OFFSET ?""", [*args, limit, offset]).fetchall()
        names = [f.name for f in fields(IncidentRow)]
        return [IncidentRow(**{**dict(zip(names, r)), "disputed": bool(r[12]),
                               "revised": bool(r[13])}) for r in rows]

    def count_incidents(self, flt: IncidentFilter | None = None) -> int:
        flt = flt or IncidentFilter()
        by_place = _by_place(flt)
        if by_place:
            # counted from the places' own index (place, date), not by reading each
            # incident (3,600 of them for Iraq took 8-16 ms; this, 1.6)
            return self.conn.execute("SELECT count(DISTINCT incident_id) FROM incident_places"
                                     f" WHERE {by_place[0]}", by_place[1]).fetchone()[0]
        where, args = self._incident_where(flt)
        return self.conn.execute(f"SELECT count(*) FROM incidents i WHERE {where}",
                                 args).fetchone()[0]

    def incident(self, incident_id: int) -> dict[str, Any] | None:
        cur = self.conn.execute(
            "SELECT i.*, coalesce(d.profile, '{}') AS profile, coalesce(d.tolls, '{}') AS tolls"
            " FROM incidents i LEFT JOIN incident_details d ON d.incident_id = i.id"
            " WHERE i.id = ?", [incident_id])
        row = cur.fetchone()
        if row is None:
            return None
        out = dict(zip([d[0] for d in cur.description], row))
        for key in ("profile", "tolls", "chosen"):
            out[key] = json.loads(out[key] or "{}")
        out["sources"] = self._sources(self.conn, incident_id)
        return out

    def incident_of(self, article_id: int) -> tuple[int, int] | None:
        """(incident id, number of its sources) of an article, or None."""
        row = self.conn.execute(
            "SELECT i.id, i.n_sources FROM incident_articles ia JOIN incidents i"
            " ON i.id = ia.incident_id WHERE ia.article_id = ?", [article_id]).fetchone()
        return (row[0], row[1]) if row else None

    def incident_events(self, incident_id: int) -> list[dict[str, Any]]:
        """Events coded from any report of the incident (with their evidence)."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT ev.event_id FROM event_evidence ev JOIN incident_articles ia"
            " ON ia.article_id = ev.article_id WHERE ia.incident_id = ? ORDER BY 1",
            [incident_id])]
        return [e for i in ids for e in self.events(event_id=i)]

    def incidents_per_day(self, flt: IncidentFilter | None = None
                          ) -> list[tuple[str, int, int]]:
        """(day, incidents, killed: each incident's best figure) over the filtered set."""
        where, args = self._incident_where(flt or IncidentFilter())
        return [(r[0], r[1], r[2]) for r in self.conn.execute(
            f"SELECT i.date, count(*), coalesce(sum(i.killed_best), 0) FROM incidents i"
            f" WHERE {where} AND i.date IS NOT NULL GROUP BY i.date ORDER BY i.date", args)]

    # -- the analyst's changes ---------------------------------------------------

    def _refresh_in(self, act: Action, incident_id: int) -> None:
        def put(table: str, key: dict[str, Any], row: dict[str, Any] | None) -> None:
            if row is None:
                act.delete(table, key)
            elif _exists(act.conn, table, key):
                act.update(table, key, row)
            else:
                act.insert(table, {**key, **row})
        self._refresh(act.conn, incident_id, put)

    def confirm_incident(self, incident_id: int, analyst: str, confirmed: bool = True) -> bool:
        with self.action(analyst, "confirm incident" if confirmed
                                   else "unconfirm incident") as act:
            return act.update("incidents", {"id": incident_id},
                              {"status": "confirmed" if confirmed else "suggested",
                               "analyst": analyst if confirmed else None})

    def rename_incident(self, incident_id: int, name: str, analyst: str) -> bool:
        name = " ".join(name.split())
        if not name:
            return False
        with self.action(analyst, "rename incident") as act:
            return act.update("incidents", {"id": incident_id},
                              {"name": name, "named_by": analyst})

    def move_article(self, article_id: int, incident_id: int | None, analyst: str) -> int:
        """Move a report to another incident, or (None) out into a new one of its own: a
        split. Returns the incident it is now in."""
        with self.action(analyst, "move report" if incident_id else
                                   "split report off") as act:
            old = act.conn.execute("SELECT incident_id FROM incident_articles WHERE"
                                   " article_id = ?", [article_id]).fetchone()
            if incident_id is None:
                title = act.conn.execute("SELECT title FROM articles WHERE id = ?",
                                         [article_id]).fetchone()[0]
                now = utc_now()
                incident_id = act.insert("incidents", {"name": title, "created_at": now,
                                                       "updated_at": now})
            row = {"incident_id": incident_id, "placed_by": analyst, "placed_at": utc_now()}
            if old:
                act.update("incident_articles", {"article_id": article_id}, row)
            else:
                act.insert("incident_articles", {"article_id": article_id, **row})
            self._refresh_in(act, incident_id)
            if old and old[0] != incident_id:
                self._refresh_in(act, old[0])
            return incident_id

    def merge_incidents(self, into: int, others: list[int], analyst: str) -> int:
        """Every report of `others` into `into`; the others go. Returns reports moved."""
        moved = 0
        with self.action(analyst, "merge incidents") as act:
            for other in others:
                if other == into:
                    continue
                for (article_id,) in act.conn.execute(
                        "SELECT article_id FROM incident_articles WHERE incident_id = ?",
                        [other]).fetchall():
                    act.update("incident_articles", {"article_id": article_id},
                               {"incident_id": into, "placed_by": analyst,
                                "placed_at": utc_now()})
                    moved += 1
                self._refresh_in(act, other)  # no sources left: it goes
            self._refresh_in(act, into)
        return moved

    def pick_figure(self, incident_id: int, kind: str, article_id: int | None,
                    analyst: str) -> bool:
        """The source whose figure of `kind` the analyst stands behind (None: the latest)."""
        with self.action(analyst, "pick figure") as act:
            row = act.conn.execute("SELECT chosen FROM incidents WHERE id = ?",
                                   [incident_id]).fetchone()
            if row is None:
                return False
            chosen = json.loads(row[0] or "{}")
            if article_id is None:
                chosen.pop(kind, None)
            else:
                chosen[kind] = article_id
            changed = act.update("incidents", {"id": incident_id},
                                 {"chosen": json.dumps(chosen, sort_keys=True)})
            self._refresh_in(act, incident_id)
            return changed


def _exists(conn: sqlite3.Connection, table: str, key: dict[str, Any]) -> bool:
    where = " AND ".join(f'"{k}" = ?' for k in key)
    return conn.execute(f'SELECT 1 FROM "{table}" WHERE {where}',
                        list(key.values())).fetchone() is not None


def _raw_write(conn: sqlite3.Connection, table: str, key: dict[str, Any],
               row: dict[str, Any] | None) -> None:
    where = " AND ".join(f'"{k}" = ?' for k in key)
    if row is None:
        conn.execute(f'DELETE FROM "{table}" WHERE {where}', list(key.values()))
        return
    sets = ", ".join(f'"{c}" = ?' for c in row)
    # an update first: the row is there nearly always, and one statement is enough
    if conn.execute(f'UPDATE "{table}" SET {sets} WHERE {where}',
                    [*row.values(), *key.values()]).rowcount == 0:
        full = {**key, **row}
        cols = ", ".join(f'"{c}"' for c in full)
        conn.execute(f'INSERT INTO "{table}" ({cols})'
                     f' VALUES ({", ".join("?" for _ in full)})', list(full.values()))


INCIDENT_SEARCH_HELP = "place:Ramadi kind:fire from:2021-01-01 to: is:disputed is:confirmed has:killed"
_FLAG_TOKENS = {"is:disputed": "disputed", "is:confirmed": "confirmed", "has:killed": "has_killed"}


def parse_incident_search(text: str) -> tuple[IncidentFilter, list[str]]:
    """The incidents' search box: words in the name or place, and tokens; (filter, what was
    not understood, one line each)."""
    import datetime as dt
    import shlex

    try:
        parts = shlex.split(text)
    except ValueError:  # an unclosed quote: take the words as they are
        parts = text.split()
    words: list[str] = []
    values: dict[str, Any] = {}
    problems: list[str] = []
    for part in parts:
        key, _, value = part.partition(":")
        if part.lower() in _FLAG_TOKENS:
            values[_FLAG_TOKENS[part.lower()]] = True
        elif key.lower() in ("place", "kind") and value:
            values[key.lower()] = value
        elif key.lower() in ("from", "to") and value:
            try:
                values[f"date_{key.lower()}"] = dt.date.fromisoformat(value).isoformat()
            except ValueError:
                problems.append(f"{key}: {value!r} is not a date (YYYY-MM-DD)")
        else:
            words.append(part)
    return IncidentFilter(query=" ".join(words), **values), problems
