"""The events desk: incidents (reports of one event grouped), one incident's sources side
by side, and a timeline of incidents and deaths."""
from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from newsdesk.contract import CASUALTY_KINDS, range_words
from newsdesk.extract.text import safe_for_terminal
from newsdesk.store import Store
from newsdesk.store.incidents import (
    INCIDENT_SEARCH_HELP,
    INCIDENT_SORTS,
    IncidentFilter,
    IncidentRow,
    parse_incident_search,
)
from newsdesk.tui.focus import focus_now
from newsdesk.tui.screens.forms import Field, FormDialog, save_unless_changed
from newsdesk.tui.widgets.key_bar import KeyBar
from newsdesk.tui.widgets.line_table import Column, LineTable
from newsdesk.tui.widgets.search_box import SearchBox

# rows fetched at a time: the next page comes as the cursor nears the end
PAGE_ROWS = 100
SEARCH_PAUSE_S = 0.15
MAX_BARS = 400  # the timeline's periods at most
SORT_CYCLE = list(INCIDENT_SORTS)


def toll_words(low: int | None, best: int | None, high: int | None) -> str:
    """'18–41 (41)': the range the sources give, and the figure stood behind."""
    if low is None and best is None:
        return ""
    span = range_words(low, high) if low != high or high is None else str(low)
    return span if best in (None, low) and (high is None or high == low) else f"{span} ({best})"


def _badges(disputed: bool, revised: bool) -> str:
    return " ".join(b for b, on in (("disputed", disputed), ("revised", revised)) if on)


class IncidentsTable(LineTable):
    """Incidents in the desk's filter and order, a page at a time."""

    PAGE = PAGE_ROWS
    MIN_FLEXIBLE = 20
    NUMERIC = frozenset({"sources"})
    # (key, heading, width); the name takes what is left. Below 120 columns the kind and
    # the status go: the date, place, toll, sources, badges and name are what a row is
    # read by. Widths count the blank column each cell keeps on its right
    COLUMNS = (("date", "Date", 12), ("kind", "Kind", 12), ("place", "Place", 19),
               ("killed", "Killed", 15), ("sources", "Src", 4), ("status", "Status", 13),
               ("badges", "", 17))
    NARROW_DROPS = {"kind", "status"}
    NARROW_WIDTHS = {"date": 12, "place": 14, "killed": 13, "badges": 4}

    def __init__(self, store: Store, marked: set[int], **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.marked = marked  # the screen's: shown as a dot before the name
        self.filter = IncidentFilter()
        self.sort = "date"

    def count(self) -> tuple[int, bool]:
        return self.store.count_incidents(self.filter), False

    def fetch_page(self, loaded: list[IncidentRow]) -> list[IncidentRow]:
        return self.store.list_incidents(self.filter, sort=self.sort, limit=PAGE_ROWS,
                                         offset=len(loaded))

    def _narrow(self, width: int) -> bool:
        return width < 120

    def columns_for(self, width: int) -> Sequence[Column]:
        narrow = self._narrow(width)
        shown = [(h, k, self.NARROW_WIDTHS.get(k, w) if narrow else w)
                 for k, h, w in self.COLUMNS if not (narrow and k in self.NARROW_DROPS)]
        return [*shown, ("Incident", "name", None)]

    def cells(self, row: IncidentRow) -> list[Text]:
        narrow = self._narrow(self._width)
        status = "✓ " + (row.analyst or "") if row.status == "confirmed" else "suggested"
        badges = (("D" if row.disputed else "") + ("R" if row.revised else "") if narrow
                  else _badges(row.disputed, row.revised))
        if narrow and row.status == "confirmed":
            badges = "✓" + badges
        cells = {
            "date": Text((row.date or "undated") + ("~" if row.precision == "report" else "")),
            "kind": Text(row.kind or "?"),
            "place": Text(safe_for_terminal(", ".join(dict.fromkeys(
                p for p in (row.location, row.country) if p)))),
            "killed": Text(toll_words(row.killed_low, row.killed_best, row.killed_high)),
            "sources": Text(f"{row.n_sources} "),
            "status": Text(safe_for_terminal(status)),
            "badges": Text(badges, style="bold"),
            "name": Text(("● " if row.id in self.marked else "") + safe_for_terminal(row.name)),
        }
        return [cells[key] for _h, key, _w in self.columns_for(self._width)]


class IncidentsScreen(Screen[None]):
    BINDINGS = [
        # as in the article list: the keys that move focus act when read (bursts, pastes)
        Binding("slash", "search", "Search", id="incidents.search", priority=True,
                tooltip=f"Search names and places, or {INCIDENT_SEARCH_HELP}"),
        Binding("escape", "back", "Back", id="incidents.back", priority=True,
                tooltip="Clear the search; with none, back to the articles"),
        Binding("enter", "enter", "Open", id="incidents.open", priority=True,
                tooltip="Open the incident: its sources side by side"),
        Binding("s", "cycle_sort", "Sort", id="incidents.sort",
                tooltip="Sort by date, killed, number of sources or oldest first"),
        Binding("d", "toggle_disputed", "Disputed", id="incidents.disputed",
                tooltip="Show only incidents whose sources disagree"),
        Binding("C", "confirm", "Confirm", id="incidents.confirm",
                tooltip="Confirm the incident (again: back to suggested)"),
        Binding("R", "rename", "Rename", id="incidents.rename", show=False,
                tooltip="Give the incident a name of your own"),
        Binding("m", "mark", "Mark", id="incidents.mark", show=False,
                tooltip="Mark the incident for a merge (again: unmark)"),
        Binding("M", "merge", "Merge", id="incidents.merge",
                tooltip="Merge the marked incidents into the one under the cursor"),
        Binding("T", "timeline", "Timeline", id="incidents.timeline",
                tooltip="Incidents and deaths per week over what the list shows"),
        Binding("u", "undo", "Undo", id="incidents.undo", show=False,
                tooltip="Undo your last change (survives restarts)"),
        Binding("ctrl+r", "redo", "Redo", id="incidents.redo", show=False,
                tooltip="Redo what you undid"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.search_text = ""
        self.only_disputed = False
        self.sort = "date"
        self.marked: set[int] = set()
        self._pending: Timer | None = None  # a search reload waiting for typing to pause
        self.problems: list[str] = []
        self._shown = False  # mounting loaded the first page

    @property
    def analyst(self) -> str:
        return getattr(self.app, "analyst", "analyst")

    def compose(self) -> ComposeResult:
        with Horizontal(id="list-top"):
            yield Static(id="incidents-status")
            yield SearchBox(placeholder=f"words, or {INCIDENT_SEARCH_HELP}", id="incident-search",
                        select_on_focus=False)  # as the article list's search box
        yield IncidentsTable(self.store, self.marked, id="incidents")
        yield KeyBar()

    @property
    def table(self) -> IncidentsTable:
        return self.query_one("#incidents", IncidentsTable)

    @property
    def rows(self) -> list[IncidentRow]:
        return self.table.rows

    @property
    def total(self) -> int:
        return self.table.total

    def on_mount(self) -> None:
        self.query_one("#incident-search", Input).display = False
        self.update_status()  # the table loaded its first page as it mounted
        focus_now(self.table)

    @property
    def filter(self) -> IncidentFilter:
        flt, self.problems = parse_incident_search(self.search_text)
        if self.only_disputed:
            flt = IncidentFilter(**{**flt.__dict__, "disputed": True})
        return flt

    @property
    def current_id(self) -> int | None:
        return self.table.current_id

    def reload(self, keep_id: int | None = None) -> None:
        table = self.table
        keep_id = keep_id if keep_id is not None else table.current_id
        table.filter, table.sort = self.filter, self.sort
        table.reload(keep_id)
        self.update_status()

    def store_changed(self) -> None:
        table = self.table
        table.filter, table.sort = self.filter, self.sort
        table.reload(table.current_id, keep_view=True)
        self.update_status()

    def update_status(self, note: str = "") -> None:
        flt = self.filter
        parts = [f"{self.total:,} incident{'s' if self.total != 1 else ''}", f"sort: {self.sort}"]
        if flt.query:
            parts.append(f"search: {flt.query}")
        for label, value in (("place", flt.place), ("kind", flt.kind), ("from", flt.date_from),
                             ("to", flt.date_to)):
            if value:
                parts.append(f"{label}: {value}")
        if flt.disputed:
            parts.append("disputed only")
        if flt.confirmed:
            parts.append("confirmed only")
        if self.marked:
            parts.append(f"{len(self.marked)} marked (M merges them here)")
        parts += self.problems
        if note:
            parts.append(note)
        # one line (app.tcss): no layout, as the list's status (a second repaint of the desk)
        self.query_one("#incidents-status", Static).update(
            Text(safe_for_terminal("  ·  ".join(parts))), layout=False)

    # -- keys ------------------------------------------------------------------------

    def _searching(self) -> bool:
        return self.focused is self.query_one("#incident-search", Input)

    def action_search(self) -> None:
        if self._searching():
            raise SkipAction()
        search = self.query_one("#incident-search", Input)
        search.display = True
        focus_now(search)
        search.select_all()  # a search shown again is replaced by what is typed

    def on_input_changed(self, event: Input.Changed) -> None:
        # one reload once typing pauses: a table redrawn per letter cost ~300 ms each at
        # 100,000 articles. Enter, or leaving the box, reloads at once
        self.search_text = event.value
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(SEARCH_PAUSE_S, self._search_now)

    def _search_now(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
            self.reload()

    def action_back(self) -> None:
        search = self.query_one("#incident-search", Input)
        if self._searching() or search.value:
            search.value = ""
            search.display = False
            self.search_text = ""
            if self._pending is not None:
                self._pending.stop()
                self._pending = None
            self.reload()
            focus_now(self.table)
            return
        self.app.pop_screen()

    def action_enter(self) -> None:
        if self._searching():
            self._search_now()
            focus_now(self.table)
            return
        incident_id = self.current_id
        if incident_id is None:
            raise SkipAction()
        self.app.push_screen(IncidentScreen(self.store, incident_id))

    def action_cycle_sort(self) -> None:
        self.sort = SORT_CYCLE[(SORT_CYCLE.index(self.sort) + 1) % len(SORT_CYCLE)]
        self.reload()

    def action_toggle_disputed(self) -> None:
        self.only_disputed = not self.only_disputed
        self.reload()

    def action_confirm(self) -> None:
        row = next((r for r in self.rows if r.id == self.current_id), None)
        if row is None:
            return
        confirmed = row.status != "confirmed"
        self.store.confirm_incident(row.id, self.analyst, confirmed)
        self.reload(row.id)
        self.notify(f"incident {row.id} {'confirmed' if confirmed else 'back to suggested'}"
                    " (u undoes)", timeout=2)

    def action_rename(self) -> None:
        incident_id = self.current_id
        if incident_id is not None:
            rename(self, incident_id, self.reload)

    def action_mark(self) -> None:
        incident_id = self.current_id
        if incident_id is None:
            return
        self.marked.symmetric_difference_update({incident_id})
        self.reload(incident_id)

    def action_merge(self) -> None:
        into = self.current_id
        others = sorted(self.marked - {into}) if into is not None else []
        if into is None or not others:
            self.notify("mark the incidents to merge (m), then M on the one they join",
                        timeout=3)
            return
        moved = self.store.merge_incidents(into, others, self.analyst)
        self.marked.clear()
        self.reload(into)
        self.notify(f"{len(others)} incident{'s' if len(others) > 1 else ''} merged into"
                    f" {into}: {moved} report{'s' if moved != 1 else ''} moved (u undoes)",
                    timeout=3)

    def action_timeline(self) -> None:
        self.app.push_screen(TimelineScreen(self.store, self.filter))

    def action_undo(self) -> None:
        undo_or_redo(self, self.store.undo, "undone", self.reload)

    def action_redo(self) -> None:
        undo_or_redo(self, self.store.redo, "redone", self.reload)

    def on_incidents_table_opened(self, _message: LineTable.Opened) -> None:
        self.action_enter()  # a mouse click, or Enter reaching the table itself

    def on_screen_resume(self) -> None:
        if self._shown:  # back from an incident or the timeline: what changed there
            self.reload()
        self._shown = True


def undo_or_redo(screen: Screen, step, done: str, then) -> None:
    name = step(getattr(screen.app, "analyst", "analyst"))
    screen.notify(f"{done}: {name}" if name else f"nothing to {done[:-1]}", timeout=2)
    then()


def rename(screen: Screen, incident_id: int, then) -> None:
    store: Store = screen.store  # type: ignore[attr-defined]
    incident = store.incident(incident_id) or {}
    seen = store.latest_audit_id()

    def done(values: dict[str, Any] | None) -> None:
        if values and values.get("name"):
            def save() -> None:
                store.rename_incident(incident_id, values["name"],
                                      getattr(screen.app, "analyst", "analyst"))
                then()

            now = (store.incident(incident_id) or {}).get("name") or ""
            save_unless_changed(screen, "incidents", incident_id, seen, f"now “{now}”", save,
                                then)

    screen.app.push_screen(FormDialog(f"Rename incident {incident_id}", [
        Field("name", "Name", incident.get("name"), required=True)]), done)


class IncidentScreen(Screen[None]):
    """One incident: its toll per kind, and each report's figures and words, newest last."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="incident.back", tooltip="Back"),
        Binding("enter", "open", "Open report", id="incident.open", priority=True,
                tooltip="Open the report, its figure selected"),
        Binding("C", "confirm", "Confirm", id="incident.confirm",
                tooltip="Confirm the incident (again: back to suggested)"),
        Binding("R", "rename", "Rename", id="incident.rename",
                tooltip="Give the incident a name of your own"),
        Binding("P", "pick", "Pick figure", id="incident.pick",
                tooltip="Stand behind this report's killed figure (again: the latest report's)"),
        Binding("K", "split", "Split off", id="incident.split",
                tooltip="This report is another incident: move it into one of its own"),
        Binding("V", "move", "Move", id="incident.move", show=False,
                tooltip="Move this report to another incident, by number"),
        Binding("E", "code_event", "Event", id="incident.code_event",
                tooltip="Code an event from the incident, prefilled from all its sources"),
        Binding("u", "undo", "Undo", id="incident.undo", show=False,
                tooltip="Undo your last change (survives restarts)"),
        Binding("ctrl+r", "redo", "Redo", id="incident.redo", show=False,
                tooltip="Redo what you undid"),
    ]

    def __init__(self, store: Store, incident_id: int) -> None:
        super().__init__()
        self.store = store
        self.incident_id = incident_id
        self.incident: dict[str, Any] = {}

    @property
    def analyst(self) -> str:
        return getattr(self.app, "analyst", "analyst")

    def compose(self) -> ComposeResult:
        yield Static(id="incident-header")
        table: DataTable[Any] = DataTable(id="incident-sources", cursor_type="row",
                                          zebra_stripes=True)
        yield table
        yield Static(id="incident-words")
        yield KeyBar()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#incident-sources", DataTable)

    def on_mount(self) -> None:
        self._lay_out(self.app.size.width)
        self.show()
        focus_now(self.table)

    def _lay_out(self, width: int) -> None:
        narrow = width < 120
        columns = [("Published", 10), ("Source", 12 if narrow else 18), ("Killed", 11),
                   ("Wounded", 11)] + ([] if narrow else [("Other", 18)])
        used = sum(w + 2 for _h, w in columns) + 4
        table = self.table
        table.clear(columns=True)
        for heading, w in columns:
            table.add_column(heading, width=w)
        table.add_column("Report", width=max(20, width - used))
        self._laid_out_for = width

    def on_resize(self, event) -> None:
        if getattr(self, "_laid_out_for", None) != event.size.width:
            self._lay_out(event.size.width)
            if self.incident:
                self.show()

    def store_changed(self) -> None:
        if self.incident:
            self.show()

    def show(self) -> None:
        incident = self.store.incident(self.incident_id)
        if incident is None:
            # merged away or undone: nothing left to show here
            self.app.pop_screen()
            return
        self.incident = incident
        keep = self.table.cursor_row
        self._header()
        table = self.table
        table.clear()
        for source in incident["sources"]:
            tolls = source["tolls"]
            other = ", ".join(f"{range_words(t['min'], t['max'])} {k}" for k, t in tolls.items()
                              if k not in ("killed", "wounded"))
            cells = [Text(source["published"] or "undated"),
                     Text(safe_for_terminal(source["source"] or "")),
                     Text(self._figure(tolls.get("killed"))),
                     Text(self._figure(tolls.get("wounded"))),
                     Text(safe_for_terminal(other)), Text(safe_for_terminal(source["title"]))]
            if len(table.columns) == 5:  # narrow: no column of other kinds
                del cells[4]
            table.add_row(*cells, key=str(source["article_id"]))
        if incident["sources"]:
            table.move_cursor(row=min(keep or 0, len(incident["sources"]) - 1))
        self._words()

    @staticmethod
    def _figure(toll: dict[str, Any] | None) -> str:
        return range_words(toll["min"], toll["max"]) if toll else ""

    def _header(self) -> None:
        i = self.incident
        text = Text()
        text.append(safe_for_terminal(i["name"]), style="bold")
        status = f"confirmed by {i['analyst']}" if i["status"] == "confirmed" else "suggested"
        place = ", ".join(p for p in (i["location"], i["admin1"], i["country"]) if p)
        when = (i["date"] or "undated") + (" (reported)" if i["precision"] == "report" else "")
        text.append("\n")
        text.append(safe_for_terminal(f"incident {i['id']} · {status} · {i['kind'] or '?'}"
                                      f" · {when} · {place} · {i['n_sources']} sources"),
                    style="dim")
        for kind in CASUALTY_KINDS:
            toll = i["tolls"].get(kind)
            if not toll:
                continue
            text.append(f"\n{kind:<9}")
            text.append(f"low {toll['low']} · best {toll['best']}"
                        f"{' (picked)' if toll['picked'] else ''} · high "
                        f"{'open' if toll['high'] is None else toll['high']}")
            badges = _badges(toll["disputed"], toll["revised"])
            if badges:
                text.append(f"  {badges}", style="bold")
        self.query_one("#incident-header", Static).update(text)

    def _current(self) -> dict[str, Any] | None:
        sources = self.incident.get("sources") or []
        row = self.table.cursor_row
        return sources[row] if sources and row is not None and row < len(sources) else None

    def _words(self) -> None:
        source = self._current()
        text = Text()
        if source:
            for kind, toll in source["tolls"].items():
                text.append(f"{kind}: ", style="bold")
                text.append(safe_for_terminal(f"“{toll['words']}”\n"))
        self.query_one("#incident-words", Static).update(text)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._words()

    # -- keys --------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        source = self._current()
        if source is None:
            raise SkipAction()
        toll = source["tolls"].get("killed") or next(iter(source["tolls"].values()), None)
        span = (toll["start"], toll["end"]) if toll and toll.get("start") is not None else None
        self.app.open_article(source["article_id"], select=span)

    def action_confirm(self) -> None:
        confirmed = self.incident.get("status") != "confirmed"
        self.store.confirm_incident(self.incident_id, self.analyst, confirmed)
        self.show()
        self.notify("confirmed (u undoes)" if confirmed else "back to suggested", timeout=2)

    def action_rename(self) -> None:
        rename(self, self.incident_id, self.show)

    def action_pick(self) -> None:
        source = self._current()
        if source is None or "killed" not in source["tolls"]:
            self.notify("this report gives no killed figure", timeout=2)
            return
        picked = (self.incident["chosen"].get("killed") != source["article_id"])
        self.store.pick_figure(self.incident_id, "killed",
                               source["article_id"] if picked else None, self.analyst)
        self.show()
        self.notify(f"best killed figure: {source['source'] or 'this report'}'s" if picked
                    else "best killed figure: the latest report's", timeout=2)

    def action_split(self) -> None:
        source = self._current()
        if source is None:
            return
        if len(self.incident["sources"]) < 2:
            self.notify("the only report of this incident: nothing to split off", timeout=2)
            return
        new = self.store.move_article(source["article_id"], None, self.analyst)
        self.show()
        self.notify(f"report split off into incident {new} (u undoes)", timeout=3)

    def action_move(self) -> None:
        source = self._current()
        if source is None:
            return

        def done(values: dict[str, Any] | None) -> None:
            if not values:
                return
            target = values["incident"]
            if self.store.incident(target) is None:
                self.notify(f"no incident {target}", severity="error", timeout=3)
                return
            self.store.move_article(source["article_id"], target, self.analyst)
            self.show()
            self.notify(f"report moved to incident {target} (u undoes)", timeout=3)

        self.app.push_screen(FormDialog("Move the report to incident", [
            Field("incident", "Incident number", None, kind="int", required=True)]), done)

    def action_code_event(self) -> None:
        from newsdesk.tui.screens.event_form import EventFormDialog, EventValues

        values, evidence = incident_prefill(self.store, self.incident)

        def done(result: EventValues | None) -> None:
            if result:
                event_id = self.store.create_event(self.analyst, dict(result), evidence)
                self.notify(f"event {event_id} coded from {len(self.incident['sources'])}"
                            " sources", timeout=3)

        self.app.push_screen(EventFormDialog(
            f"Code an event: incident {self.incident_id}", values,
            context=f"from {len(self.incident['sources'])} sources: "
                    + safe_for_terminal(self.incident["name"])[:120]), done)

    def action_undo(self) -> None:
        undo_or_redo(self, self.store.undo, "undone", self.show)

    def action_redo(self) -> None:
        undo_or_redo(self, self.store.redo, "redone", self.show)

    def on_screen_resume(self) -> None:
        self.show()


# incident kind -> ACLED event type and sub-type (disasters are not ACLED events: left open)
_ACLED_OF_KIND = {
    "explosion": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "battle": ("Battles", "Armed clash"),
    "shooting": ("Violence against civilians", "Attack"),
    "stabbing": ("Violence against civilians", "Attack"),
}


def incident_prefill(store: Store, incident: dict[str, Any]
                     ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An event's values from an incident (its date, place and reconciled tolls), and
    evidence from each source's figures."""
    tolls = incident.get("tolls") or {}
    event_type, sub_type = _ACLED_OF_KIND.get(incident.get("kind") or "", (None, None))
    values: dict[str, Any] = {
        "event_date": incident.get("date"),
        "time_precision": 1 if incident.get("precision") == "day" else 2,
        "event_type": event_type, "sub_event_type": sub_type,
        "location": incident.get("location"), "admin1": incident.get("admin1"),
        "country": incident.get("country"),
        "notes": f"incident {incident['id']}: {len(incident.get('sources') or [])} sources",
    }
    for kind, field in (("killed", "fatalities"), ("wounded", "wounded"),
                        ("captured", "captured")):
        toll = tolls.get(kind)
        if toll:
            # ACLED's conservative figure as the floor; the highest a source gives as the top
            values[f"{field}_min"] = toll["low"] if not toll["picked"] else toll["best"]
            values[f"{field}_max"] = toll["high"]
    evidence = []
    for kind, field in (("killed", "fatalities"), ("wounded", "wounded"),
                        ("captured", "captured")):
        for source in incident.get("sources") or []:
            told = source["tolls"].get(kind)
            if told and told.get("start") is not None:
                evidence.append({"article_id": source["article_id"], "field": field,
                                 "span_id": None, "start": told["start"], "end": told["end"],
                                 "text": told["text"]})
    return values, evidence


class TimelineScreen(Screen[None]):
    """Incidents and deaths per day, week or month over the incidents the list shows
    (textual-plotext)."""

    BINDINGS = [Binding("escape", "back", "Back", id="timeline.back", tooltip="Back"),
                Binding("w", "toggle_unit", "Day/week/month", id="timeline.unit",
                        tooltip="Count per day, week or month")]
    UNITS = ("week", "month", "day")

    def __init__(self, store: Store, flt: IncidentFilter) -> None:
        super().__init__()
        self.store = store
        self.flt = flt
        self.unit = "week"

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield Static(id="timeline-status")
        yield PlotextPlot(id="timeline-incidents")
        yield PlotextPlot(id="timeline-killed")
        yield KeyBar()

    def on_mount(self) -> None:
        self.unit = self._fitting_unit()
        self.draw()

    def _period(self, date: dt.date) -> dt.date:
        if self.unit == "week":
            return date - dt.timedelta(days=date.weekday())
        if self.unit == "month":
            return date.replace(day=1)
        return date

    def _next(self, period: dt.date) -> dt.date:
        if self.unit == "week":
            return period + dt.timedelta(days=7)
        if self.unit == "month":
            return (period + dt.timedelta(days=32)).replace(day=1)
        return period + dt.timedelta(days=1)

    def _days(self) -> list[tuple[dt.date, int, int]]:
        out = []
        for day, n, killed in self.store.incidents_per_day(self.flt):
            with contextlib.suppress(ValueError):
                out.append((dt.date.fromisoformat(day[:10]), n, killed))
        return out

    def buckets(self) -> list[tuple[str, int, int]]:
        """(period, incidents, killed) over the filter, oldest first, with the quiet periods
        between (a time axis, not a list of busy weeks)."""
        days = self._days()
        if not days:
            return []
        counts: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
        for date, n, killed in days:
            counts[self._period(date)][0] += n
            counts[self._period(date)][1] += killed
        period, last, out = self._period(days[0][0]), self._period(days[-1][0]), []
        while period <= last:
            n, killed = counts.get(period, (0, 0))
            out.append((period.isoformat()[:7] if self.unit == "month" else period.isoformat(),
                        n, killed))
            period = self._next(period)
        return out

    def _fitting_unit(self) -> str:
        """Days for a short span, weeks up to two years, months beyond."""
        days = self._days()
        span = (days[-1][0] - days[0][0]).days if days else 0
        return "day" if span <= 62 else "week" if span <= 730 else "month"


    def draw(self) -> None:
        from textual_plotext import PlotextPlot

        data = self.buckets()
        total = sum(n for _, n, _ in data)
        killed = sum(k for _, _, k in data)
        self.query_one("#timeline-status", Static).update(Text(
            f"{total:,} incidents, {killed:,} killed (each incident's best figure) per"
            f" {self.unit}, {data[0][0] if data else '–'} to {data[-1][0] if data else '–'}"
            "  ·  w: day, week or month"))
        for plot_id, column, title in (("#timeline-incidents", 1, "incidents"),
                                       ("#timeline-killed", 2, "killed")):
            plot = self.query_one(plot_id, PlotextPlot)
            plt = plot.plt
            plt.clear_data()
            plt.clear_figure()
            plt.title(f"{title} per {self.unit}")
            if data:
                # plotext draws labels it cannot fit over each other: at most ~12 shown
                step = max(1, len(data) // 12)
                plt.bar([i for i, _ in enumerate(data)], [row[column] for row in data])
                plt.xticks(list(range(0, len(data), step)),
                           [data[i][0] for i in range(0, len(data), step)])
            plot.refresh()

    def action_toggle_unit(self) -> None:
        days = self._days()
        span = (days[-1][0] - days[0][0]).days + 1 if days else 0
        per_unit = {"day": 1, "week": 7, "month": 30}
        start = self.UNITS.index(self.unit)
        for step in range(1, len(self.UNITS)):
            unit = self.UNITS[(start + step) % len(self.UNITS)]
            # more bars than a terminal has columns draw for seconds and show nothing more
            if span / per_unit[unit] <= MAX_BARS:
                self.unit = unit
                self.draw()
                return
        self.notify(f"per {self.unit} only: narrow the dates (from: to: in the search) to"
                    " count per day or week", timeout=3)

    def action_back(self) -> None:
        self.app.pop_screen()
