"""One person, organisation or place across the store: its mentions over time, its
latest articles, the entities beside it and the incidents it is in; merge, split,
relabel, rename and alias it from the keyboard."""
from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from newsdesk.extract.text import safe_for_terminal
from newsdesk.store import Store
from newsdesk.store.entities import LABEL_NAMES, PROFILE_WINDOW
from newsdesk.tui.focus import focus_now
from newsdesk.tui.screens.forms import Field, FormDialog, PickDialog, save_unless_changed
from newsdesk.tui.screens.incidents import undo_or_redo
from newsdesk.tui.widgets.found_panels import PagedOptionList
from newsdesk.tui.widgets.key_bar import KeyBar


class EntityScreen(Screen[None]):
    """The profile: Enter opens what the cursor is on (an article, an entity, an incident)."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="entity.back", tooltip="Back"),
        Binding("enter", "open", "Open", id="entity.open", priority=True,
                tooltip="Open the article, entity or incident under the cursor"),
        Binding("asterisk", "list_articles", "All articles", id="entity.list",
                tooltip="The article list filtered to everything that names it"),
        Binding("M", "merge", "Merge", id="entity.merge",
                tooltip="Merge another entity into this one (two spellings of one militia)"),
        Binding("K", "split", "Split", id="entity.split",
                tooltip="The article under the cursor names someone else of this name"),
        Binding("L", "relabel", "Relabel", id="entity.relabel",
                tooltip="Person, organisation or place, everywhere in the store"),
        Binding("R", "rename", "Rename", id="entity.rename", show=False,
                tooltip="Give it the name you use for it"),
        Binding("A", "alias", "Alias", id="entity.alias", show=False,
                tooltip="Mark a spelling as this entity's (its articles move here)"),
        Binding("u", "undo", "Undo", id="entity.undo", show=False,
                tooltip="Undo your last change (survives restarts)"),
        Binding("ctrl+r", "redo", "Redo", id="entity.redo", show=False,
                tooltip="Redo what you undid"),
    ]

    def __init__(self, store: Store, entity_id: int) -> None:
        super().__init__()
        self.store = store
        self.entity_id = entity_id
        self.profile: dict[str, Any] = {}
        self.targets: list[tuple[str, Any]] = []  # per option: ("article"|"entity"|"incident", id)

    @property
    def analyst(self) -> str:
        return getattr(self.app, "analyst", "analyst")

    def compose(self) -> ComposeResult:
        yield Static(id="entity-header")
        yield Sparkline([], id="entity-months")
        yield Static(id="entity-months-axis")
        yield PagedOptionList(id="entity-items")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show()
        focus_now(self.query_one(OptionList))

    def show(self) -> None:
        profile = self.store.entity_profile(self.entity_id)
        if profile is None:
            self.app.pop_screen()
            return
        self.profile = profile
        self.entity_id = profile["entity"].id  # merged away: the entity it lives on in
        self._header()
        months = profile["months"]
        self.query_one(Sparkline).data = [n for _m, n in months] or [0]
        axis = f"{months[0][0]} … {months[-1][0]}" if len(months) > 1 else \
            (months[0][0] if months else "no dated articles")
        self.query_one("#entity-months-axis", Static).update(
            Text(f"articles per month, {axis}", style="dim"))
        items = self.query_one(OptionList)
        keep = items.highlighted
        items.clear_options()
        self.targets = []
        options: list[Option] = []

        def heading(text: str) -> None:
            options.append(Option(Text(text, style="bold"), disabled=True))
            self.targets.append(("heading", None))

        n = profile["n_articles"]
        heading(f"Latest articles ({min(n, len(profile['articles']))} of {n})")
        for row in profile["articles"]:
            options.append(Option(Text(safe_for_terminal(
                f"  {row.published or 'undated':<10}  {row.source or '':.18}  {row.title}"))))
            self.targets.append(("article", row.id))
        if profile["related"]:
            heading(f"Most often beside it (in its latest {PROFILE_WINDOW} articles)")
            for entity, together in profile["related"]:
                options.append(Option(Text(safe_for_terminal(
                    f"  {entity.canonical} · {LABEL_NAMES.get(entity.label, entity.label)}"
                    f" · together in {together}"))))
                self.targets.append(("entity", entity.id))
        if profile["incidents"]:
            heading("Incidents it is in")
            for incident_id, name, date, reports in profile["incidents"]:
                options.append(Option(Text(safe_for_terminal(
                    f"  {date or 'undated':<10}  {name} · incident {incident_id}"
                    f" · {reports} report{'s' if reports != 1 else ''} naming it"))))
                self.targets.append(("incident", incident_id))
        items.add_options(options)
        first = next((i for i, (kind, _) in enumerate(self.targets) if kind != "heading"), None)
        if keep is not None and keep < len(self.targets) and self.targets[keep][0] != "heading":
            items.highlighted = keep
        elif first is not None:
            items.highlighted = first

    def store_changed(self) -> None:
        self.show()

    def _header(self) -> None:
        p = self.profile
        entity = p["entity"]
        text = Text()
        text.append(safe_for_terminal(entity.canonical), style="bold")
        text.append(f"  {LABEL_NAMES.get(entity.label, entity.label)}", style="dim")
        where = ", ".join(x for x in (entity.admin1, entity.country) if x)
        facts = [f"entity {entity.id}", f"{p['n_articles']} article"
                 + ("s" if p["n_articles"] != 1 else ""), f"{entity.n_mentions} mentions"]
        if p["first_seen"]:
            facts.append(f"{p['first_seen']} … {p['last_seen']}")
        if entity.geonames_id:
            facts.append(f"GeoNames {entity.geonames_id}" + (f" ({where})" if where else ""))
        text.append("\n" + " · ".join(facts), style="dim")
        spellings = [a + (" (marked)" if by else "") for a, by in p["aliases"]
                     if a != entity.canonical]
        if spellings:
            text.append("\nalso: ")
            text.append(safe_for_terminal(", ".join(spellings[:24])
                                          + (" …" if len(spellings) > 24 else "")))
        self.query_one("#entity-header", Static).update(text)

    def _current(self) -> tuple[str, Any]:
        index = self.query_one(OptionList).highlighted
        if index is None or index >= len(self.targets):
            return ("heading", None)
        return self.targets[index]

    # -- keys ----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open()  # a mouse click

    def action_open(self) -> None:
        kind, target = self._current()
        if kind == "article":
            self.app.open_article(target)  # type: ignore[attr-defined]
        elif kind == "entity":
            self.app.open_entity(target)  # type: ignore[attr-defined]
        elif kind == "incident":
            self.app.open_incident(target)  # type: ignore[attr-defined]
        else:
            raise SkipAction()

    def action_list_articles(self) -> None:
        entity = self.profile["entity"]
        self.app.list_entity(entity.label, entity.canonical)  # type: ignore[attr-defined]

    def action_merge(self) -> None:
        def chosen(values: dict[str, Any] | None) -> None:
            if not values or not values.get("name"):
                return
            found = [e for e in self.store.find_entities(values["name"], limit=12)
                     if e.id != self.entity_id]
            if not found:
                self.notify(f"no other entity is called {values['name']!r}", timeout=3,
                            markup=False)
                return

            def picked(index: int | None) -> None:
                if index is None:
                    return
                other = found[index]
                moved = self.store.merge_entities(self.entity_id, [other.id], self.analyst)
                self.show()
                self.notify(f"merged {other.canonical} into this entity: {moved} articles"
                            " (u undoes)", timeout=3, markup=False)

            self.app.push_screen(PickDialog("Merge into this entity", [
                f"{e.canonical} · {LABEL_NAMES.get(e.label, e.label)} · {e.n_articles} articles"
                for e in found]), picked)

        self.app.push_screen(FormDialog("Merge another entity into this one", [
            Field("name", "Its name (or a spelling of it)", None, required=True)]), chosen)

    def action_split(self) -> None:
        kind, article_id = self._current()
        if kind != "article":
            self.notify("put the cursor on an article that names someone else", timeout=3)
            return
        entity = self.profile["entity"]

        def done(values: dict[str, Any] | None) -> None:
            if not values or not values.get("name"):
                return
            new = self.store.split_entity(self.entity_id, [article_id], values["name"],
                                          self.analyst)
            self.show()
            self.notify(f"that article's {entity.canonical} is now entity {new} (u undoes)",
                        timeout=3, markup=False)

        self.app.push_screen(FormDialog("This article names another entity", [
            Field("name", "Name for the other one", f"{entity.canonical} (2)",
                  required=True)]), done)

    def action_relabel(self) -> None:
        labels = list(LABEL_NAMES)

        def done(index: int | None) -> None:
            if index is None:
                return
            if self.store.relabel_entity(self.entity_id, labels[index], self.analyst):
                self.show()
                self.notify(f"now a {LABEL_NAMES[labels[index]]} everywhere (u undoes)",
                            timeout=3)
            else:
                self.notify(f"it is a {LABEL_NAMES[labels[index]]} already", timeout=2)

        self.app.push_screen(PickDialog("Relabel everywhere in the store",
                                        [LABEL_NAMES[label] for label in labels]), done)

    def action_rename(self) -> None:
        seen = self.store.latest_audit_id()

        def done(values: dict[str, Any] | None) -> None:
            if values and values.get("name"):
                def save() -> None:
                    self.store.rename_entity(self.entity_id, values["name"], self.analyst)
                    self.show()
                    self.notify("renamed (u undoes)", timeout=2)

                now = (self.store.entity(self.entity_id) or self.profile["entity"]).canonical
                save_unless_changed(self, "entities", self.entity_id, seen, f"now “{now}”",
                                    save, self.show)

        self.app.push_screen(FormDialog("Rename the entity", [
            Field("name", "Name", self.profile["entity"].canonical, required=True)]), done)

    def action_alias(self) -> None:
        def done(values: dict[str, Any] | None) -> None:
            if values and values.get("alias"):
                moved = self.store.add_alias(self.entity_id, values["alias"], self.analyst)
                self.show()
                self.notify(f"alias marked; {moved} articles moved here (u undoes)", timeout=3)

        self.app.push_screen(FormDialog("Mark a spelling as this entity's", [
            Field("alias", "Spelling", None, required=True)]), done)

    def action_undo(self) -> None:
        undo_or_redo(self, self.store.undo, "undone", self.show)

    def action_redo(self) -> None:
        undo_or_redo(self, self.store.redo, "redone", self.show)
