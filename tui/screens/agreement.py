"""Double coding from the keyboard: how far analysts agree on the double-coded articles,
their disagreements worst first, and each one settled field by field."""
from __future__ import annotations

import json
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsdesk.extract.text import safe_for_terminal
from newsdesk.store import Store
from newsdesk.store.agreement import AGREEMENT_FIELDS, CARRIED_FIELDS, WRITTEN
from newsdesk.tui.focus import focus_now
from newsdesk.tui.screens.forms import Field, FormDialog
from newsdesk.tui.screens.incidents import undo_or_redo
from newsdesk.tui.widgets.found_panels import PagedOptionList
from newsdesk.tui.widgets.key_bar import KeyBar

HEADINGS = {field: heading for field, _level, heading in AGREEMENT_FIELDS}
_INTEGER_FIELDS = {"fatalities_min", "fatalities_max", "wounded_min", "wounded_max",
                   "captured_min", "captured_max", "time_precision"}


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else safe_for_terminal(str(value))


class AgreementScreen(Screen[None]):
    """Per field: alpha, exact match and the units behind them; below, the disagreements."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="agreement.back", tooltip="Back"),
        Binding("enter", "settle", "Settle", id="agreement.settle", priority=True,
                tooltip="The disagreement's codings side by side, to settle field by field"),
        Binding("o", "open_article", "Article", id="agreement.open_article",
                tooltip="Read the article of the disagreement under the cursor"),
        Binding("u", "undo", "Undo", id="agreement.undo", show=False,
                tooltip="Undo your last change (survives restarts)"),
        Binding("ctrl+r", "redo", "Redo", id="agreement.redo", show=False,
                tooltip="Redo what you undid"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.report: dict[str, Any] = {}

    @property
    def analyst(self) -> str:
        return getattr(self.app, "analyst", "analyst")

    def compose(self) -> ComposeResult:
        yield Static(id="agreement-summary")
        yield PagedOptionList(id="agreement-disagreements")
        yield KeyBar()

    def on_mount(self) -> None:
        focus_now(self.query_one(OptionList))

    def on_screen_resume(self) -> None:
        self.show()  # a disagreement settled, or new codings: measured again

    def show(self) -> None:
        report = self.report = self.store.agreement()
        summary = Text()
        if not report["articles"]:
            summary.append("No double-coded articles with two codings yet.", style="bold")
            summary.append("\nTag articles 'double' (t in the reader), have two analysts code"
                           " events on them (E), and each mark their coding done (C).",
                           style="dim")
            self.query_one("#agreement-summary", Static).update(summary)
        else:
            summary.append(safe_for_terminal(
                f"Agreement between {', '.join(report['analysts'])} on {report['articles']}"
                f" double-coded article{'s' if report['articles'] != 1 else ''}"
                f" · {report['units']} units"), style="bold")
            self.query_one("#agreement-summary", Static).update(
                Group(summary, _field_table(report)))
        items = self.query_one(OptionList)
        keep = items.highlighted
        items.clear_options()
        rows = report["disagreements"]
        options = [Option(Text(f"{len(rows)} disagreement{'s' if len(rows) != 1 else ''},"
                               " worst first (Enter settles one)", style="bold"),
                          disabled=True)]
        for d in rows:
            line = Text(f"  article {d['article_id']} event {d['index'] + 1} · ")
            line.append(", ".join(HEADINGS.get(f, f) for f in d["fields"]), style="bold")
            line.append(" · " + safe_for_terminal(d["title"]))
            if d["settled_by"]:
                line.append(f"  ✓ settled (event {d['settled_by']})", style="dim")
            options.append(Option(line))
        items.add_options(options)
        if rows:
            items.highlighted = keep if keep is not None and 1 <= keep <= len(rows) else 1

    def store_changed(self) -> None:
        self.show()

    def _current(self) -> dict[str, Any] | None:
        index = self.query_one(OptionList).highlighted
        rows = self.report.get("disagreements") or []
        if index is None or not 1 <= index <= len(rows):
            return None
        return rows[index - 1]

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_settle()  # a mouse click

    def action_settle(self) -> None:
        row = self._current()
        if row is None:
            raise SkipAction()
        self.app.push_screen(AdjudicationScreen(self.store, row))

    def action_open_article(self) -> None:
        row = self._current()
        if row is not None:
            self.app.open_article(row["article_id"])  # type: ignore[attr-defined]

    def action_undo(self) -> None:
        undo_or_redo(self, self.store.undo, "undone", self.show)

    def action_redo(self) -> None:
        undo_or_redo(self, self.store.redo, "redone", self.show)


def _field_table(report: dict[str, Any]) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column("field", style="bold")
    table.add_column("level")
    for heading in ("alpha", "exact", "units"):
        table.add_column(heading, justify="right")
    for f in report["fields"]:
        table.add_row(f["heading"], f["level"],
                      "—" if f["alpha"] is None else f"{f['alpha']:.3f}",
                      "—" if f["exact"] is None else f"{100 * f['exact']:.0f}%",
                      str(f["units"]))
    for s in report["spans"]:
        table.add_row(s["what"], "span F1", "—" if s["f1"] is None else f"{s['f1']:.3f}", "",
                      f"{s['spans']} spans")
    return table


class AdjudicationScreen(Screen[None]):
    """One disagreement: a row per field, a column per coder, and the value settled on.
    1, 2, 3… take that coder's value for the field under the cursor; w writes one."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="adjudicate.back",
                tooltip="Back to the disagreements (nothing is saved)"),
        Binding("1", "take(0)", "1st coder", id="adjudicate.take_first",
                tooltip="Take the first coder's value for this field"),
        Binding("2", "take(1)", "2nd coder", id="adjudicate.take_second",
                tooltip="Take the second coder's value for this field"),
        Binding("3", "take(2)", "3rd coder", id="adjudicate.take_third", show=False,
                tooltip="Take the third coder's value for this field"),
        Binding("w", "write", "Write", id="adjudicate.write",
                tooltip="Write the value yourself"),
        Binding("ctrl+s", "save", "Settle", id="adjudicate.save", priority=True,
                tooltip="Code the adjudicated event: the incident's confirmed coding,"
                        " the originals kept"),
        Binding("o", "open_article", "Article", id="adjudicate.open_article", show=False,
                tooltip="Read the article"),
    ]

    def __init__(self, store: Store, row: dict[str, Any]) -> None:
        super().__init__()
        self.store = store
        self.row = row
        self.coders = [a for a, e in row["codings"].items() if e is not None]
        self.fields = [f for f, _l, _h in AGREEMENT_FIELDS] + [
            f for f in CARRIED_FIELDS if len({json.dumps(row["codings"][a][f])
                                                for a in self.coders}) > 1]
        self.decisions: dict[str, tuple[str, Any]] = {}

    @property
    def analyst(self) -> str:
        return getattr(self.app, "analyst", "analyst")

    def compose(self) -> ComposeResult:
        yield Static(id="adjudicate-header")
        yield PagedOptionList(id="adjudicate-fields")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show()
        items = self.query_one(OptionList)
        first = next((i for i, f in enumerate(self.fields) if f in self.row["fields"]), 0)
        items.highlighted = first + 1  # below the heading row
        focus_now(items)

    def _value(self, coder: str, field: str) -> Any:
        return self.row["codings"][coder][field]

    def show(self) -> None:
        row = self.row
        header = Text()
        header.append(safe_for_terminal(row["title"]), style="bold")
        header.append(f"\narticle {row['article_id']} · event {row['index'] + 1} · coded by "
                      + ", ".join(f"{i + 1} {a}" for i, a in enumerate(self.coders)),
                      style="dim")
        if row["settled_by"]:
            header.append(f" · settled already (event {row['settled_by']}): settling again"
                          " codes a new adjudicated event", style="dim")
        missing = [a for a, e in row["codings"].items() if e is None]
        if missing:
            header.append(f"\n{', '.join(missing)} coded no event here", style="bold")
        header.append(f"\n{len(self.decisions)} of {len(row['fields'])} differing fields"
                      " settled · ctrl+s codes the adjudicated event")
        self.query_one("#adjudicate-header", Static).update(header)
        width = max(12, (self.app.size.width - 24) // (len(self.coders) + 1) - 2)
        items = self.query_one(OptionList)
        keep = items.highlighted
        items.clear_options()
        heading = Text(f"  {'field':<16}", style="bold")
        for i, coder in enumerate(self.coders):
            heading.append(f"{i + 1} {coder}"[:width].ljust(width + 2), style="bold")
        heading.append("settled", style="bold")
        options = [Option(heading, disabled=True)]
        for field in self.fields:
            differs = field in row["fields"] or field in CARRIED_FIELDS
            line = Text("! " if differs and field not in self.decisions else "  ")
            line.append(f"{HEADINGS.get(field, field.replace('_', ' ')):<16}")
            for coder in self.coders:
                line.append(_shown(self._value(coder, field))[:width].ljust(width + 2))
            if field in self.decisions:
                source, value = self.decisions[field]
                shown = value if source == WRITTEN else self._value(source, field)
                line.append(f"{_shown(shown)}  ({'written' if source == WRITTEN else source})",
                            style="bold")
            elif not differs:
                line.append("agreed", style="dim")
            options.append(Option(line))
        items.add_options(options)
        items.highlighted = keep if keep is not None else 1

    def _field(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 1 <= index <= len(self.fields):
            return None
        return self.fields[index - 1]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_take(self, coder: int) -> None:
        field = self._field()
        if field is None:
            raise SkipAction()
        if coder >= len(self.coders):
            self.notify(f"{len(self.coders)} coders here: " + ", ".join(
                f"{i + 1} {c}" for i, c in enumerate(self.coders)), timeout=3, markup=False)
            return
        self.decisions[field] = (self.coders[coder], None)
        self._next_open_field()

    def _next_open_field(self) -> None:
        self.show()
        items = self.query_one(OptionList)
        here = (items.highlighted or 1) - 1
        later = [i for i, f in enumerate(self.fields) if i > here and f in self.row["fields"]
                 and f not in self.decisions]
        if later:
            items.highlighted = later[0] + 1

    def action_write(self) -> None:
        field = self._field()
        if field is None:
            raise SkipAction()
        kind = "int" if field in _INTEGER_FIELDS else "date" if field == "event_date" else "text"

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            self.decisions[field] = (WRITTEN, values.get("value"))
            self._next_open_field()

        coded = " · ".join(f"{c}: {_shown(self._value(c, field))}" for c in self.coders)
        self.app.push_screen(FormDialog(
            f"Settle {HEADINGS.get(field, field)}",
            [Field("value", HEADINGS.get(field, field), None, kind=kind, hint=coded)]), done)

    def action_save(self) -> None:
        event_id = self.store.adjudicate(self.row["article_id"], self.row["index"],
                                         self.decisions, self.analyst)
        self.notify(f"adjudicated event {event_id} coded; the originals are kept (u undoes)",
                    timeout=3)
        self.app.pop_screen()

    def action_open_article(self) -> None:
        self.app.open_article(self.row["article_id"])  # type: ignore[attr-defined]
