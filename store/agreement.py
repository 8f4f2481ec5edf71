"""Two analysts, one article: double coding, agreement between coders, and adjudication.

A desk marks articles for double coding with the tag `double`. Each analyst codes them as
usual; while the setting is on (the default), neither sees the other's events on such an
article until both have marked their coding done. Agreement is measured per event field
over those articles, with Krippendorff's alpha (the `krippendorff` package) beside exact
match rates; a third analyst (or one of the two) then settles each disagreement field by
field, which codes the adjudicated event and keeps both originals and every decision.

The unit of agreement is one event of one article: each analyst's events citing the
article, in date order, are paired by position (the first with the first), so an article
one analyst coded as two events and the other as one gives a unit the second coder left
empty (a missing value, as Krippendorff's alpha expects).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, Literal

from newsdesk.store.records import utc_now

if TYPE_CHECKING:
    from newsdesk.store.analyst import Action

DOUBLE_TAG = "double"
WRITTEN = "written"  # an adjudicated value no coder gave

# (field, level of measurement, heading): what agreement is measured on
AGREEMENT_FIELDS: tuple[tuple[str, Literal["nominal", "interval"], str], ...] = (
    ("event_type", "nominal", "type"),
    ("sub_event_type", "nominal", "sub-type"),
    ("actor1", "nominal", "actor 1"),
    ("actor2", "nominal", "actor 2"),
    ("location", "nominal", "place"),
    ("event_date", "interval", "date (days)"),
    ("fatalities_min", "interval", "fatalities low"),
    ("fatalities_max", "interval", "fatalities high"),
)
FIELD_NAMES = [f for f, _level, _heading in AGREEMENT_FIELDS]
# the fields an adjudicated event takes from its codings besides those compared
CARRIED_FIELDS = ("time_precision", "admin1", "country", "wounded_min", "wounded_max",
                  "captured_min", "captured_max", "notes")
# evidence field -> the compared field it supports
_EVIDENCE_OF = {"event_date": "event_date", "location": "location", "actor1": "actor1",
                "actor2": "actor2", "fatalities": "fatalities_min"}


def comparable(field: str, value: Any) -> Any:
    """The value as agreement compares it: names case- and space-folded, dates as days."""
    if value is None or value == "":
        return None
    if field == "event_date":
        try:
            return dt.date.fromisoformat(str(value)[:10]).toordinal()
        except ValueError:
            return None
    if isinstance(value, str):
        return " ".join(value.casefold().split())
    return value


@dataclass(frozen=True)
class Unit:
    """One event of one double-coded article: each analyst's coding of it (None: none)."""

    article_id: int
    index: int
    title: str
    codings: dict[str, dict[str, Any] | None]
    settled_by: int | None  # the adjudicated event, once settled

    def values(self, field: str) -> dict[str, Any]:
        return {a: comparable(field, e[field]) for a, e in self.codings.items()
                if e is not None}

    def differing(self) -> list[str]:
        """Fields whose codings differ (a coder who coded no event differs on all)."""
        coded = [e for e in self.codings.values() if e is not None]
        if len(coded) < len(self.codings):
            return list(FIELD_NAMES)
        return [f for f in FIELD_NAMES if len(set(self.values(f).values())) > 1]

    def gap(self) -> int:
        """How far apart the fatality figures are: the worst disagreements first."""
        lows = [v for v in self.values("fatalities_min").values() if v is not None]
        return max(lows) - min(lows) if lows else 0


def alpha(rows: list[list[Any]], level: Literal["nominal", "interval"]) -> float | None:
    """Krippendorff's alpha over analysts' rows of values (None: not coded); None when it
    is not defined (fewer than two paired values, or one value only in the data)."""
    import krippendorff
    import numpy as np

    paired = [u for u in zip(*rows) if sum(v is not None for v in u) >= 2]
    if not paired:
        return None
    values = sorted({v for u in paired for v in u if v is not None}, key=repr)
    if len(values) < 2:
        return 1.0 if paired else None  # everyone agrees on the one value there is
    codes = {v: i for i, v in enumerate(values)}
    data = np.array([[np.nan if v is None else (codes[v] if level == "nominal" else v)
                      for v in row] for row in rows], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def span_f1(by_analyst: Mapping[str, set[tuple]]) -> tuple[float | None, int]:
    """Mean pairwise F1 between analysts' span sets, and the spans behind it."""
    pairs = [(a, b) for a, b in combinations(sorted(by_analyst), 2)]
    scores = []
    for a, b in pairs:
        left, right = by_analyst[a], by_analyst[b]
        if left or right:
            scores.append(2 * len(left & right) / (len(left) + len(right)))
    return (sum(scores) / len(scores) if scores else None,
            sum(len(s) for s in by_analyst.values()))


class DoubleCoding:
    """Mixed into Store, whose `conn`, `action()` and `events()` it uses."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:
        action: Callable[[str, str], contextlib.AbstractContextManager[Action]]
        events: Callable[..., list[dict[str, Any]]]

    # -- marks ---------------------------------------------------------------------------

    def double_coded_ids(self, tag: str = DOUBLE_TAG) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT article_id FROM tags WHERE tag = ? ORDER BY article_id", [tag])]

    def is_double_coded(self, article_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM tags WHERE article_id = ? AND tag = ?",
                                 [article_id, DOUBLE_TAG]).fetchone() is not None

    def coding_done_by(self, article_id: int) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT analyst FROM coding_done WHERE article_id = ?", [article_id])}

    def set_coding_done(self, article_id: int, analyst: str, done: bool = True) -> bool:
        """An analyst's coding of the article is done (or not after all); undoable."""
        with self.action(analyst, "coding done" if done else "coding not done") as act:
            key = {"article_id": article_id, "analyst": analyst}
            if not done:
                return act.delete("coding_done", key)
            if article_id in {r[0] for r in act.conn.execute(
                    "SELECT article_id FROM coding_done WHERE article_id = ? AND analyst = ?",
                    [article_id, analyst])}:
                return False
            act.insert("coding_done", {**key, "done_at": utc_now()})
            return True

    def reviewed_by(self, article_id: int) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT analyst FROM reviews WHERE article_id = ?", [article_id])}

    def set_reviewed(self, article_id: int, analyst: str, reviewed: bool = True) -> bool:
        """Every machine layer of the article checked in full (`newsdesk quality` counts
        its untouched spans as right); undoable."""
        with self.action(analyst, "reviewed" if reviewed else "not reviewed") as act:
            key = {"article_id": article_id, "analyst": analyst}
            if not reviewed:
                return act.delete("reviews", key)
            if analyst in {r[0] for r in act.conn.execute(
                    "SELECT analyst FROM reviews WHERE article_id = ?", [article_id])}:
                return False
            act.insert("reviews", {**key, "reviewed_at": utc_now()})
            return True

    # -- what a coder sees -----------------------------------------------------------------

    def events_seen_by(self, article_id: int, viewer: str, *, blind: bool = True
                       ) -> list[dict[str, Any]]:
        """The article's events as `viewer` may see them (`visible_to`)."""
        return self.visible_to(self.events(article_id), viewer, blind=blind)

    def visible_to(self, events: list[dict[str, Any]], viewer: str, *, blind: bool = True
                   ) -> list[dict[str, Any]]:
        """With `blind`, another coder's event that cites a double-coded article shows only
        once both have marked their coding of that article done. Adjudicated events and
        articles not marked for double coding show to everyone."""
        if not blind or not events:
            return events
        cited = {ev["article_id"] for e in events for ev in e["evidence"]}
        marks = ", ".join("?" for _ in cited)
        double = {r[0] for r in self.conn.execute(
            f"SELECT article_id FROM tags WHERE tag = ? AND article_id IN ({marks})",
            [DOUBLE_TAG, *cited])}
        if not double:
            return events
        done: dict[int, set[str]] = {}
        for article_id, analyst in self.conn.execute(
                f"SELECT article_id, analyst FROM coding_done WHERE article_id IN"
                f" ({', '.join('?' for _ in double)})", list(double)):
            done.setdefault(article_id, set()).add(analyst)

        marks = ", ".join("?" for _ in double)
        coders: dict[int, set[str]] = {}
        for article_id, analyst in self.conn.execute(
                f"SELECT DISTINCT ev.article_id, e.analyst FROM event_evidence ev JOIN events e"
                f" ON e.id = ev.event_id WHERE ev.article_id IN ({marks})"
                f" AND e.deleted_at IS NULL AND e.adjudicated = 0", list(double)):
            coders.setdefault(article_id, set()).add(analyst)

        def open_to_viewer(article_id: int) -> bool:
            # a coder sees the others once they and the coder are done; an analyst who
            # codes none of it (a lead, an adjudicator) once every coder is done
            finished = done.get(article_id, set())
            coded = coders.get(article_id, set())
            return coded - {viewer} <= finished and (viewer in finished or viewer not in coded)

        def shown(event: dict[str, Any]) -> bool:
            if event["analyst"] == viewer or event.get("adjudicated"):
                return True
            return all(open_to_viewer(a)
                       for a in {ev["article_id"] for ev in event["evidence"]} & double)

        return [e for e in events if shown(e)]

    def hidden_codings(self, article_id: int, viewer: str) -> int:
        """Events on the article `viewer` does not see yet (blind double coding)."""
        return len(self.events(article_id)) - len(self.events_seen_by(article_id, viewer))

    # -- agreement -------------------------------------------------------------------------

    def agreement_units(self, analysts: Iterable[str] | None = None,
                        tag: str = DOUBLE_TAG) -> tuple[list[str], list[Unit]]:
        """(analysts compared, units) over the articles tagged `tag`. Without `analysts`,
        everyone who coded one of them (adjudications aside)."""
        ids = self.double_coded_ids(tag)
        per_article: dict[int, dict[str, list[dict[str, Any]]]] = {}
        titles: dict[int, str] = {}
        settled: dict[int, list[int]] = {}
        for article_id in ids:
            coded: dict[str, list[dict[str, Any]]] = {}
            for event in self.events(article_id):
                if event.get("adjudicated"):
                    settled.setdefault(article_id, []).append(event["id"])
                else:
                    coded.setdefault(event["analyst"], []).append(event)
            per_article[article_id] = coded
            row = self.conn.execute("SELECT title FROM articles WHERE id = ?",
                                    [article_id]).fetchone()
            titles[article_id] = row[0] if row else f"article {article_id}"
        chosen = sorted(set(analysts) if analysts is not None else
                        {a for coded in per_article.values() for a in coded})
        units: list[Unit] = []
        for article_id, coded in per_article.items():
            if sum(1 for a in chosen if coded.get(a)) < 2:
                continue  # one coder or none: nothing to compare yet
            n = max(len(coded.get(a, [])) for a in chosen)
            for index in range(n):
                codings = {a: (coded[a][index] if index < len(coded.get(a, [])) else None)
                           for a in chosen}
                ref = {e["id"] for e in codings.values() if e is not None}
                by = next((e for e in self._settling(settled.get(article_id, []), ref)), None)
                units.append(Unit(article_id, index, titles[article_id], codings, by))
        return chosen, units

    def _settling(self, adjudicated: list[int], originals: set[int]) -> Iterable[int]:
        for event_id in adjudicated:
            rows = {r[0] for r in self.conn.execute(
                "SELECT id FROM events WHERE superseded_by = ?", [event_id])}
            if rows & originals:
                yield event_id

    def agreement(self, analysts: Iterable[str] | None = None, tag: str = DOUBLE_TAG
                  ) -> dict[str, Any]:
        """Per field: alpha, exact match rate and the units behind them; span F1 for notes
        and corrections; the disagreements, worst first."""
        chosen, units = self.agreement_units(analysts, tag)
        fields = []
        for field, level, heading in AGREEMENT_FIELDS:
            rows = [[comparable(field, (u.codings[a] or {}).get(field)) for u in units]
                    for a in chosen]
            paired = [u for u in units if sum(v is not None for v in u.values(field).values())
                      >= 2]
            exact = [len(set(u.values(field).values())) == 1 for u in paired]
            fields.append({
                "field": field, "heading": heading, "level": level,
                "alpha": alpha(rows, level) if len(chosen) >= 2 else None,
                "exact": sum(exact) / len(exact) if exact else None,
                "units": len(paired)})
        articles = sorted({u.article_id for u in units})
        notes, corrections = self._span_sets(chosen, articles)
        notes_f1, n_notes = span_f1(notes)
        corr_f1, n_corr = span_f1(corrections)
        disagreements = sorted(
            (u for u in units if u.differing()),
            key=lambda u: (u.settled_by is not None, -len(u.differing()), -u.gap(),
                           u.article_id, u.index))
        return {
            "analysts": chosen, "tag": tag, "articles": len(articles), "units": len(units),
            "fields": fields,
            "spans": [{"what": "annotations (notes)", "f1": notes_f1, "spans": n_notes},
                      {"what": "corrections", "f1": corr_f1, "spans": n_corr}],
            "disagreements": [{
                "article_id": u.article_id, "index": u.index, "title": u.title,
                "fields": u.differing(), "settled_by": u.settled_by,
                "codings": {a: ({f: e[f] for f in (*FIELD_NAMES, *CARRIED_FIELDS)}
                                | {"event_id": e["id"]} if e else None)
                            for a, e in u.codings.items()}}
                for u in disagreements],
        }

    def _span_sets(self, analysts: list[str], articles: list[int]
                   ) -> tuple[dict[str, set[tuple]], dict[str, set[tuple]]]:
        notes: dict[str, set[tuple]] = {a: set() for a in analysts}
        corrections: dict[str, set[tuple]] = {a: set() for a in analysts}
        if not articles or not analysts:
            return notes, corrections
        rows = self.conn.execute(
            f'SELECT article_id, analyst, action, kind, start, "end", label, attrs'
            f" FROM annotations WHERE deleted_at IS NULL AND start IS NOT NULL"
            f" AND article_id IN ({', '.join('?' for _ in articles)})"
            f" AND analyst IN ({', '.join('?' for _ in analysts)})",
            [*articles, *analysts]).fetchall()
        for article_id, analyst, action, kind, start, end, label, attrs in rows:
            if action == "note":
                notes[analyst].add((article_id, start, end))
            else:
                detail = json.loads(attrs or "{}")
                value = detail.get("speaker") if action == "speaker" else \
                    json.dumps({k: detail[k] for k in sorted(detail) if k != "text"})
                corrections[analyst].add((article_id, action, kind, start, end, label, value))
        return notes, corrections

    # -- adjudication ----------------------------------------------------------------------

    def adjudicate(self, article_id: int, index: int, decisions: Mapping[str, tuple[str, Any]],
                   analyst: str, tag: str = DOUBLE_TAG) -> int:
        """Settle one unit: `decisions` maps a field to (the analyst whose value it takes,
        or WRITTEN, the value). Fields not decided take the value the coders agree on, or
        the first coder's. Codes the adjudicated event (with the evidence of the values it
        took), marks the originals superseded, keeps every decision, confirms the article's
        incident; one undoable action."""
        chosen, units = self.agreement_units(None, tag)
        unit = next((u for u in units if u.article_id == article_id and u.index == index),
                    None)
        if unit is None:
            raise ValueError(f"article {article_id} has no double-coded event {index + 1}")
        coded = {a: e for a, e in unit.codings.items() if e is not None}
        unknown = set(decisions) - set(FIELD_NAMES) - set(CARRIED_FIELDS)
        if unknown:
            raise ValueError(f"unknown event fields: {', '.join(sorted(unknown))}")
        for source, _value in decisions.values():
            if source != WRITTEN and source not in coded:
                raise ValueError(f"{source} did not code this event")
        first = coded[sorted(coded)[0]]
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for field in (*FIELD_NAMES, *CARRIED_FIELDS):
            if field in decisions:
                source, value = decisions[field]
                values[field] = value if source == WRITTEN else coded[source][field]
                sources[field] = source
            else:
                agreed = {json.dumps(e[field]) for e in coded.values()}
                values[field] = first[field]
                sources[field] = "agreed" if len(agreed) == 1 else first["analyst"]
        now = utc_now()
        with self.action(analyst, "adjudicate event") as act:
            event_id = act.insert("events", {**values, "analyst": analyst, "coded_at": now,
                                             "adjudicated": 1})
            for field, source in sources.items():
                if field in decisions or source != "agreed":
                    act.insert("adjudications", {
                        "event_id": event_id, "field": field,
                        "value": json.dumps(values[field], ensure_ascii=False),
                        "source": source, "decided_by": analyst, "decided_at": now})
            # the evidence of each value taken comes with it; one copy of each
            seen: set[tuple] = set()
            for event in coded.values():
                for ev in event["evidence"]:
                    supports = _EVIDENCE_OF.get(ev["field"])
                    from_here = supports is None or sources.get(supports) in (
                        event["analyst"], "agreed")
                    place = (ev["article_id"], ev["field"], ev["start"], ev["end"])
                    if from_here and place not in seen:
                        seen.add(place)
                        act.insert("event_evidence", {
                            "event_id": event_id, "article_id": ev["article_id"],
                            "field": ev["field"], "span_id": ev["span_id"],
                            "start": ev["start"], "end": ev["end"], "text": ev["text"]})
            if not any(place[0] == article_id for place in seen):  # the article, cited
                act.insert("event_evidence", {"event_id": event_id, "article_id": article_id,
                                              "field": "source", "span_id": None,
                                              "start": None, "end": None, "text": None})
            for event in coded.values():
                act.update("events", {"id": event["id"]}, {"superseded_by": event_id})
            placed = act.conn.execute("SELECT incident_id FROM incident_articles"
                                      " WHERE article_id = ?", [article_id]).fetchone()
            if placed:
                act.update("incidents", {"id": placed[0]},
                           {"status": "confirmed", "analyst": analyst})
        return event_id

    def adjudication(self, event_id: int) -> list[dict[str, Any]]:
        """The decisions an adjudicated event was made of: who took what from whom, when."""
        cur = self.conn.execute(
            "SELECT field, value, source, decided_by, decided_at FROM adjudications"
            " WHERE event_id = ? ORDER BY id", [event_id])
        return [{"field": f, "value": json.loads(v) if v is not None else None, "source": s,
                 "decided_by": by, "decided_at": at} for f, v, s, by, at in cur]


def _figure(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def agreement_text(report: Mapping[str, Any], *, disagreements: int = 20) -> str:
    """The report as the CLI prints it."""
    if not report["articles"]:
        return (f"no double-coded articles with two codings yet (tag articles"
                f" '{report['tag']}', and have two analysts code them)\n")
    lines = [f"agreement between {', '.join(report['analysts'])} on {report['articles']}"
             f" double-coded article{'s' if report['articles'] != 1 else ''},"
             f" {report['units']} units",
             "", f"{'field':<18}{'level':<10}{'alpha':>7}{'exact':>8}{'units':>7}"]
    for f in report["fields"]:
        exact = "—" if f["exact"] is None else f"{100 * f['exact']:.0f}%"
        lines.append(f"{f['heading']:<18}{f['level']:<10}{_figure(f['alpha']):>7}"
                     f"{exact:>8}{f['units']:>7}")
    lines.append("")
    for s in report["spans"]:
        lines.append(f"{s['what']:<26} span F1 {_figure(s['f1'])}  ({s['spans']} spans)")
    rows = report["disagreements"]
    lines += ["", f"{len(rows)} disagreement{'s' if len(rows) != 1 else ''}"
              + (f" (the worst {disagreements})" if len(rows) > disagreements else "")]
    for d in rows[:disagreements]:
        settled = f"  settled: event {d['settled_by']}" if d["settled_by"] else ""
        lines.append(f"  article {d['article_id']} event {d['index'] + 1} ·"
                     f" {', '.join(d['fields'])} · {d['title']}{settled}")
    return "\n".join(lines) + "\n"
