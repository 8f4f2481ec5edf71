"""People, organisations and places across the store: one identity each, resolved as
articles are stored, and what analysts do to them (merge, split, relabel, rename, alias).

A mention resolves through its spelling: `entity_aliases` maps each spelling seen (under
the machine's label) to an entity; a place the gazetteer knows resolves by its GeoNames id
first. The machine's resolving is not audited, like machine spans; every analyst change
goes through an `Action` (undoable, with provenance) and changes aliases, overrides or the
entity itself, which the machine's next resolving of the same article reads: a merge, a
split or a relabel survives re-extraction.
"""
from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsdesk.contract import RESOLVED_LABELS, entity_key
from newsdesk.store.listing import _like_escape
from newsdesk.store.records import inserted_id, utc_now
from newsdesk.store.steps import LIST_KEY, LIST_KEY_SPAN

if TYPE_CHECKING:
    from newsdesk.store.analyst import Action

# Related entities and incidents are counted over an entity's latest articles: the answer
# for one that is in 20,000 articles would cost seconds, and the latest are what is asked.
PROFILE_WINDOW = 250
LABEL_NAMES = {"PER": "person", "ORG": "organisation", "LOC": "place"}


# Labels a name may carry in another article and still be the same entity.
_CROSS_LABELS = {"PER": ("ORG",), "ORG": ("PER",), "MISC": ("ORG", "PER")}


@dataclass(frozen=True)
class EntityRow:
    id: int
    label: str
    canonical: str
    n_articles: int
    n_mentions: int
    geonames_id: int | None = None
    admin1: str | None = None
    country: str | None = None


def _day_of(list_key: int | None) -> str | None:
    if not list_key or list_key < LIST_KEY_SPAN:
        return None
    d = str(list_key // LIST_KEY_SPAN)
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}"


class EntityIndex:
    """Mixed into Store, whose `conn`, `write()` and `action()` it uses."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:
        write: Callable[[], contextlib.AbstractContextManager[sqlite3.Connection]]
        action: Callable[[str, str], contextlib.AbstractContextManager[Action]]

    # -- the machine's resolving ---------------------------------------------------------

    def _index_entities(self, conn: sqlite3.Connection, article_id: int,
                        groups: Iterable[Mapping[str, Any]]) -> None:
        """Resolve an article's entity groups (extract.identities) and index them: one row
        per name the article uses, kept in place when it is indexed again (an analyst's
        undo still finds the row it changed)."""
        list_key = conn.execute(f"SELECT {LIST_KEY.format('a')} FROM articles a WHERE id = ?",
                                [article_id]).fetchone()[0]
        overrides = {(r[0], r[1]): r[2] for r in conn.execute(
            "SELECT label, key, entity_id FROM entity_overrides WHERE article_id = ?",
            [article_id])}
        old = {(r[1], r[2]): (r[0], r[3], r[4]) for r in conn.execute(
            "SELECT id, label, key, entity_id, mentions FROM entity_articles"
            " WHERE article_id = ?", [article_id])}
        new: dict[tuple[str, str], tuple[int, int]] = {}
        for group in groups:
            label, key = group["label"], group["key"]
            override = overrides.get((label, key))
            entity_id, canonical = (override, None) if override else \
                self._resolve_entity(conn, group)
            if entity_id is None:  # a MISC name no one is known by
                continue
            if canonical and canonical.isupper() and not group["canonical"].isupper():
                # a name first seen in capitals (a dateline's "LONDON") takes its usual case
                conn.execute("UPDATE entities SET canonical = ? WHERE id = ? AND named_by IS NULL",
                             [group["canonical"], entity_id])
            # a spelling already known keeps its entity: the first reading stands, and an
            # analyst's alias is never overwritten by the machine
            conn.executemany("INSERT OR IGNORE INTO entity_aliases (key, label, alias, entity_id)"
                             " VALUES (?, ?, ?, ?)",
                             [(k, label, alias, entity_id) for alias in group["aliases"]
                              if (k := entity_key(alias))])
            was = new.get((label, key))
            new[(label, key)] = (entity_id, group["mentions"] + (was[1] if was else 0))
        for name, (row_id, _e, _m) in old.items():
            if name not in new:
                conn.execute("DELETE FROM entity_articles WHERE id = ?", [row_id])
        added = []
        for (label, key), (entity_id, mentions) in new.items():
            if (label, key) in old:
                row_id, was_entity, was_mentions = old[(label, key)]
                if (was_entity, was_mentions) != (entity_id, mentions):
                    conn.execute("UPDATE entity_articles SET entity_id = ?, mentions = ?"
                                 " WHERE id = ?", [entity_id, mentions, row_id])
            else:
                added.append((entity_id, article_id, key, label, mentions, list_key))
        conn.executemany("INSERT INTO entity_articles (entity_id, article_id, key, label,"
                         " mentions, list_key) VALUES (?, ?, ?, ?, ?, ?)", added)
        # the counts move by what changed in this article alone
        before: dict[int, int] = {}
        for _row, entity_id, mentions in old.values():
            before[entity_id] = before.get(entity_id, 0) + mentions
        after: dict[int, int] = {}
        for entity_id, mentions in new.values():
            after[entity_id] = after.get(entity_id, 0) + mentions
        moves = [((entity_id in after) - (entity_id in before),
                  after.get(entity_id, 0) - before.get(entity_id, 0), entity_id)
                 for entity_id in before.keys() | after.keys()]
        conn.executemany("UPDATE entities SET n_articles = n_articles + ?,"
                         " n_mentions = n_mentions + ? WHERE id = ?",
                         [m for m in moves if m[0] or m[1]])
        conn.execute("UPDATE articles SET entities_indexed = 1 WHERE id = ?", [article_id])

    @staticmethod
    def _resolve_entity(conn: sqlite3.Connection, group: Mapping[str, Any]
                        ) -> tuple[int | None, str | None]:
        """(entity id, its canonical name when it was there already)."""
        label = group["label"]
        geonames_id = group.get("geonames_id")
        if geonames_id is not None:
            row = conn.execute("SELECT id, canonical FROM entities WHERE geonames_id = ?"
                               " AND merged_into IS NULL ORDER BY id LIMIT 1",
                               [geonames_id]).fetchone()
            if row:
                return int(row[0]), row[1]
        names = [entity_key(n) for n in [group["canonical"], *group["aliases"]]]
        if " " in names[0]:
            # a full name is never resolved through a surname or an acronym it was also
            # called: "Sadiq Khan" is not the "Usman Khan" some article called "Khan"
            names = [k for k in names if " " in k]
        for key in names:
            row = conn.execute("SELECT entity_id FROM entity_aliases WHERE key = ? AND label = ?",
                               [key, label]).fetchone()
            if row:
                return _known(conn, int(row[0]))
        # the extractor reads one name as a person in one article and an organisation in
        # another ("Jaysh al-Mahdi"), or as MISC; a place stays a place
        others = _CROSS_LABELS.get(label, ())
        for key in names:
            row = conn.execute(
                f"SELECT entity_id FROM entity_aliases WHERE key = ? AND label IN"
                f" ({', '.join('?' for _ in others)}) ORDER BY id LIMIT 1",
                [key, *others]).fetchone() if others else None
            if row:
                return _known(conn, int(row[0]))
        if label not in RESOLVED_LABELS:
            return None, None
        cur = conn.execute(
            "INSERT INTO entities (label, canonical, geonames_id, admin1, country, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [label, group["canonical"], geonames_id, group.get("admin1"), group.get("country"),
             utc_now()])
        return inserted_id(cur), None

    def set_entities(self, article_id: int, groups: Iterable[Mapping[str, Any]]) -> None:
        """An article's entities again (re-extraction, an analyst's correction of a span):
        its groups are resolved anew; analysts' merges, splits and aliases hold."""
        with self.write() as conn:
            self._index_entities(conn, article_id, groups)

    def forget_machine_aliases(self) -> int:
        """Before every article is resolved again: the spellings the machine learnt go
        (an older extractor's mistakes with them), the analysts' stay; every article is
        marked to be indexed again. Returns the aliases forgotten."""
        with self.write() as conn:
            gone = conn.execute("DELETE FROM entity_aliases WHERE added_by IS NULL").rowcount
            conn.execute("UPDATE articles SET entities_indexed = 0")
            return gone

    def articles_without_entities(self, limit: int = 500) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM articles WHERE entities_indexed = 0 ORDER BY id LIMIT ?", [limit])]

    # -- reading -------------------------------------------------------------------------

    # Set by the app: place name -> GeoNames id, so that place:"Ar Ramadi" finds Ramadi.
    # (The store does not import the extractors' gazetteer.)
    place_lookup: Callable[[str], int | None] | None = None

    def entity_filter_ids(self, label: str | None, name: str) -> list[int]:
        """The entities a search word means (person:"Haider al-Abadi", place:Ramadi)."""
        found = [e.id for e in self.find_entities(name, label=label, limit=50)]
        if not found and label in (None, "LOC") and self.place_lookup is not None:
            geonames_id = self.place_lookup(name)
            if geonames_id is not None:
                found = [r[0] for r in self.conn.execute(
                    "SELECT id FROM entities WHERE geonames_id = ? AND merged_into IS NULL",
                    [geonames_id])]
        return found

    def entity(self, entity_id: int) -> EntityRow | None:
        row = self.conn.execute(
            "SELECT id, label, canonical, n_articles, n_mentions, geonames_id, admin1, country,"
            " merged_into FROM entities WHERE id = ?", [entity_id]).fetchone()
        if row is None:
            return None
        if row[8] is not None:  # merged away: the entity it lives on in
            return self.entity(_live(self.conn, int(row[8])))
        return EntityRow(*row[:8])

    def entity_at(self, article_id: int, label: str | None, name: str) -> int | None:
        """The entity an article's mention resolved to (its canonical name, its label)."""
        key = entity_key(name)
        args: list[Any] = [article_id, key]
        sql = "SELECT entity_id FROM entity_articles WHERE article_id = ? AND key = ?"
        if label:
            sql += " AND label = ?"
            args.append(label)
        row = self.conn.execute(sql + " LIMIT 1", args).fetchone()
        if row is None:  # not resolved in this article (a MISC, a mention added by hand)
            found = self.find_entities(name, label=label, limit=1, exact=True)
            return found[0].id if found else None
        return int(row[0])

    def find_entities(self, name: str, *, label: str | None = None, limit: int = 20,
                      exact: bool = False) -> list[EntityRow]:
        """Entities a name means: those with that spelling, else (unless `exact`) those
        with a spelling that starts with it or holds it as a word; most reported first."""
        key = entity_key(name)
        if not key:
            return []
        cond, args = ("al.key = ?", [key])
        ids = self._entity_ids_by(cond, args, label, limit)
        if not ids and not exact:
            pattern = _like_escape(key)
            ids = self._entity_ids_by("(al.key LIKE ? ESCAPE '\\' OR al.key LIKE ? ESCAPE '\\')",
                                      [pattern + "%", "% " + pattern + "%"], label, limit)
        rows = [self.entity(i) for i in ids]
        return sorted({r.id: r for r in rows if r}.values(), key=lambda r: -r.n_articles)

    def _entity_ids_by(self, cond: str, args: list[Any], label: str | None, limit: int
                       ) -> list[int]:
        sql = (f"SELECT DISTINCT e.id FROM entity_aliases al JOIN entities e"
               f" ON e.id = al.entity_id WHERE {cond}")
        if label:
            sql += " AND e.label = ?"
            args = [*args, label]
        sql += " ORDER BY e.n_articles DESC LIMIT ?"
        return [_live(self.conn, r[0]) for r in self.conn.execute(sql, [*args, limit])]

    def entity_aliases(self, entity_id: int) -> list[tuple[str, str | None]]:
        """(spelling, analyst who marked it or None) for every spelling of the entity."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT alias, added_by FROM entity_aliases WHERE entity_id = ? ORDER BY id",
            [entity_id])]

    def count_entity_articles(self, entity_ids: list[int], cap: int) -> int:
        """Articles naming any of the entities, counted from the index, up to cap + 1."""
        marks = ", ".join("?" for _ in entity_ids)
        return self.conn.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT article_id FROM entity_articles"
            f" WHERE entity_id IN ({marks}) LIMIT ?)", [*entity_ids, cap + 1]).fetchone()[0]

    def entity_article_ids(self, entity_ids: Iterable[int], *, before: int | None = None,
                           limit: int = 100) -> list[int]:
        """Articles naming any of the entities, newest first (the list's order), read from
        the index; `before`: the list key to continue below."""
        ids = list(entity_ids)
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        sql = f"SELECT article_id, list_key FROM entity_articles WHERE entity_id IN ({marks})"
        args: list[Any] = list(ids)
        if before is not None:
            sql += " AND list_key < ?"
            args.append(before)
        rows = self.conn.execute(sql + " ORDER BY list_key DESC LIMIT ?",
                                 [*args, limit * len(ids)]).fetchall()
        seen: dict[int, None] = {}
        for article_id, _ in rows:
            seen.setdefault(article_id, None)
        return list(seen)[:limit]

    def entity_profile(self, entity_id: int, *, articles: int = 100) -> dict[str, Any] | None:
        """What the store holds on one entity: counts, first and last seen, mentions per
        month, its latest articles, its spellings, and over its latest PROFILE_WINDOW
        articles the entities most often beside it and the incidents it is in."""
        entity = self.entity(entity_id)
        if entity is None:
            return None
        entity_id = entity.id
        one = self.conn.execute
        n_articles = entity.n_articles  # kept as articles are indexed
        first = one("SELECT list_key FROM entity_articles WHERE entity_id = ? AND list_key >= ?"
                    " ORDER BY list_key LIMIT 1", [entity_id, LIST_KEY_SPAN]).fetchone()
        last = one("SELECT list_key FROM entity_articles WHERE entity_id = ?"
                   " ORDER BY list_key DESC LIMIT 1", [entity_id]).fetchone()
        first, last = (first[0] if first else None), (last[0] if last else None)
        # rows, not distinct articles: an article naming it twice over ("IS", "Daesh")
        # counts twice, and the month's bar costs half as much
        months = [(f"{m // 100:04d}-{m % 100:02d}", n) for m, n in one(
            f"SELECT list_key / {LIST_KEY_SPAN * 100} AS month, count(*)"
            " FROM entity_articles WHERE entity_id = ? AND list_key >= ?"
            " GROUP BY month ORDER BY month", [entity_id, LIST_KEY_SPAN])]
        months = _every_month(months)
        latest = self.entity_article_ids([entity_id], limit=PROFILE_WINDOW)
        marks = ", ".join("?" for _ in latest) or "NULL"
        related = [(EntityRow(*r[:8]), r[8]) for r in one(
            "SELECT e.id, e.label, e.canonical, e.n_articles, e.n_mentions, e.geonames_id,"
            " e.admin1, e.country, t.together FROM (SELECT entity_id, count(*) AS together"
            f" FROM entity_articles WHERE article_id IN ({marks}) AND entity_id != ?"
            " GROUP BY entity_id ORDER BY together DESC LIMIT 40) t"
            " JOIN entities e ON e.id = t.entity_id"
            " ORDER BY t.together DESC, e.n_articles DESC LIMIT 12", [*latest, entity_id])]
        incidents = [(r[0], r[1], r[2], r[3]) for r in one(
            "SELECT i.id, i.name, i.date, count(*) AS reports FROM incident_articles ia"
            f" JOIN incidents i ON i.id = ia.incident_id WHERE ia.article_id IN ({marks})"
            " GROUP BY i.id ORDER BY i.date DESC, i.id DESC LIMIT 12", latest)]
        return {"entity": entity, "n_articles": n_articles, "first_seen": _day_of(first),
                "last_seen": _day_of(last), "months": months,
                "aliases": self.entity_aliases(entity_id),
                "articles": self._rows(latest[:articles]),  # type: ignore[attr-defined]
                "related": related, "incidents": incidents}

    def entities_page(self, *, label: str | None = None, limit: int = 100, offset: int = 0
                      ) -> list[EntityRow]:
        sql = ("SELECT id, label, canonical, n_articles, n_mentions, geonames_id, admin1,"
               " country FROM entities WHERE merged_into IS NULL AND n_articles > 0")
        args: list[Any] = []
        if label:
            sql += " AND label = ?"
            args.append(label)
        sql += " ORDER BY n_articles DESC, id LIMIT ? OFFSET ?"
        return [EntityRow(*r) for r in self.conn.execute(sql, [*args, limit, offset])]

    def count_entities(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT label, count(*) FROM entities WHERE merged_into IS NULL AND n_articles > 0"
            " GROUP BY label")}

    def export_entities(self) -> Iterable[dict[str, Any]]:
        """Every live entity with its spellings, counts and first and last seen."""
        cur = self.conn.execute(
            "SELECT e.id, e.label, e.canonical, e.geonames_id, e.admin1, e.country,"
            " e.n_articles, e.n_mentions, min(CASE WHEN ea.list_key >= ? THEN ea.list_key END),"
            " max(ea.list_key) FROM entities e JOIN entity_articles ea ON ea.entity_id = e.id"
            " WHERE e.merged_into IS NULL GROUP BY e.id ORDER BY e.id", [LIST_KEY_SPAN])
        for r in cur.fetchall():
            yield {"id": r[0], "label": r[1], "canonical": r[2],
                   "aliases": [a for a, _ in self.entity_aliases(r[0])],
                   "geonames_id": r[3], "admin1": r[4], "country": r[5],
                   "articles": r[6], "mentions": r[7], "first_seen": _day_of(r[8]),
                   "last_seen": _day_of(r[9])}

    # -- analysts' changes -----------------------------------------------------------------

    def merge_entities(self, into: int, others: Iterable[int], analyst: str) -> int:
        """`others` become `into`: their spellings and articles move; returns articles moved."""
        into = _live(self.conn, into)
        moved = 0
        with self.action(analyst, "merge entities") as act:
            for other in {_live(act.conn, o) for o in others} - {into}:
                for (alias_id,) in act.conn.execute(
                        "SELECT id FROM entity_aliases WHERE entity_id = ?", [other]).fetchall():
                    # the analyst's now: a rebuild of the machine's aliases keeps it
                    act.update("entity_aliases", {"id": alias_id},
                               {"entity_id": into, "added_by": analyst})
                for (override_id,) in act.conn.execute(
                        "SELECT id FROM entity_overrides WHERE entity_id = ?", [other]).fetchall():
                    act.update("entity_overrides", {"id": override_id}, {"entity_id": into})
                moved += self._move_entity_rows(act, other, into, None)
                act.update("entities", {"id": other}, {"merged_into": into})
                self._recount_entity(act, other)
            self._recount_entity(act, into)
        return moved

    def split_entity(self, entity_id: int, article_ids: Iterable[int], name: str,
                     analyst: str) -> int:
        """Those articles' mentions are another entity, called `name` ("one Ali who is two
        people"); kept through re-extraction. Returns the new entity's id."""
        entity = self.entity(entity_id)
        if entity is None:
            raise ValueError(f"entity {entity_id} is not in the store")
        with self.action(analyst, "split entity") as act:
            new_id = act.insert("entities", {
                "label": entity.label, "canonical": " ".join(name.split()) or entity.canonical,
                "named_by": analyst, "created_at": utc_now()})
            for article_id in article_ids:
                rows = act.conn.execute(
                    "SELECT id, key, label FROM entity_articles WHERE entity_id = ?"
                    " AND article_id = ?", [entity.id, article_id]).fetchall()
                for row_id, key, label in rows:
                    act.update("entity_articles", {"id": row_id}, {"entity_id": new_id})
                    act.insert("entity_overrides", {"article_id": article_id, "key": key,
                                                    "label": label, "entity_id": new_id,
                                                    "analyst": analyst})
            self._recount_entity(act, entity.id)
            self._recount_entity(act, new_id)
        return new_id

    def relabel_entity(self, entity_id: int, label: str, analyst: str) -> bool:
        """Store-wide: every mention of it is now a person, an organisation or a place."""
        if label not in RESOLVED_LABELS:
            raise ValueError(f"label must be one of {', '.join(RESOLVED_LABELS)}")
        entity_id = _live(self.conn, entity_id)
        row = self.conn.execute("SELECT label FROM entities WHERE id = ?", [entity_id]).fetchone()
        if row is None or row[0] == label:
            return False
        with self.action(analyst, f"relabel entity {label}") as act:
            return act.update("entities", {"id": entity_id}, {"label": label, "named_by": analyst})

    def rename_entity(self, entity_id: int, name: str, analyst: str) -> bool:
        name = " ".join(name.split())
        if not name:
            raise ValueError("a name needs at least one character")
        entity_id = _live(self.conn, entity_id)
        with self.action(analyst, "rename entity") as act:
            changed = act.update("entities", {"id": entity_id},
                                 {"canonical": name, "named_by": analyst})
            self._add_entity_alias(act, entity_id, name, analyst)
            return changed

    def add_alias(self, entity_id: int, alias: str, analyst: str) -> int:
        """Mark a spelling as this entity's; the articles that name it by that spelling move
        here (the entity they were in keeps its other spellings). Returns articles moved."""
        entity_id = _live(self.conn, entity_id)
        with self.action(analyst, "add alias") as act:
            return self._add_entity_alias(act, entity_id, alias, analyst)

    def _add_entity_alias(self, act: Action, entity_id: int, alias: str, analyst: str) -> int:
        key = entity_key(alias)
        if not key:
            raise ValueError("an alias needs a letter or a digit")
        label = act.conn.execute("SELECT label FROM entities WHERE id = ?",
                                 [entity_id]).fetchone()[0]
        moved = 0
        rows = act.conn.execute("SELECT id, entity_id, label FROM entity_aliases WHERE key = ?",
                                [key]).fetchall()
        for alias_id, old, _label in rows:
            if old != entity_id:
                act.update("entity_aliases", {"id": alias_id},
                           {"entity_id": entity_id, "added_by": analyst})
                moved += self._move_entity_rows(act, old, entity_id, key)
                self._recount_entity(act, old)
        if not any(r[2] == label for r in rows):
            act.insert("entity_aliases", {"key": key, "label": label, "alias": alias.strip(),
                                          "entity_id": entity_id, "added_by": analyst})
        self._recount_entity(act, entity_id)
        return moved

    @staticmethod
    def _move_entity_rows(act: Action, source: int, target: int, key: str | None) -> int:
        """Rows of `source` (those of the name `key`, or all) to `target`; how many
        articles moved."""
        sql = "SELECT id, article_id FROM entity_articles WHERE entity_id = ?"
        args: list[Any] = [source]
        if key is not None:
            sql += " AND key = ?"
            args.append(key)
        articles = set()
        for row_id, article_id in act.conn.execute(sql, args).fetchall():
            act.update("entity_articles", {"id": row_id}, {"entity_id": target})
            articles.add(article_id)
        return len(articles)

    @staticmethod
    def _recount_entity(act: Action, entity_id: int) -> None:
        n, m = act.conn.execute("SELECT count(DISTINCT article_id), coalesce(sum(mentions), 0)"
                                " FROM entity_articles WHERE entity_id = ?",
                                [entity_id]).fetchone()
        act.update("entities", {"id": entity_id}, {"n_articles": n, "n_mentions": m})


def _every_month(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The months from the first to the last, those without an article at 0 (a chart of
    them is then a time line); at most the latest 240."""
    if not counts:
        return []
    have = dict(counts)
    year, month = map(int, counts[0][0].split("-"))
    last = counts[-1][0]
    out: list[tuple[str, int]] = []
    while True:
        name = f"{year:04d}-{month:02d}"
        out.append((name, have.get(name, 0)))
        if name >= last or len(out) > 100_000:
            return out[-240:]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _known(conn: sqlite3.Connection, entity_id: int) -> tuple[int, str | None]:
    """(the live entity an alias leads to, its canonical name)."""
    row = conn.execute("SELECT merged_into, canonical FROM entities WHERE id = ?",
                       [entity_id]).fetchone()
    if row is None:
        return entity_id, None
    if row[0] is None:
        return entity_id, row[1]
    live = _live(conn, entity_id)
    return live, None


def _live(conn: sqlite3.Connection, entity_id: int) -> int:
    """The entity that `entity_id` was merged into, through any chain of merges."""
    seen = {entity_id}
    while True:
        row = conn.execute("SELECT merged_into FROM entities WHERE id = ?", [entity_id]).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            return entity_id
        entity_id = int(row[0])
        seen.add(entity_id)

