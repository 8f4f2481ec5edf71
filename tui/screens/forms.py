"""Small keyboard forms: tag, annotate, correct, code an event. Tab moves between fields,
Enter in the last field or ctrl+s saves, Esc cancels; errors show under the fields."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.input import Selection
from textual.widgets.option_list import Option

from newsdesk.extract.text import safe_for_terminal
from newsdesk.tui.focus import focus_now, keys_processed
from newsdesk.tui.render import plain


@dataclass
class Field:
    name: str
    label: str
    value: Any = None
    kind: str = "text"          # text | int | date | choice
    choices: list[str] = field(default_factory=list)
    # choice fields whose options follow another field's value: {other value: [options]}
    choices_from: tuple[str, dict[str, list[str]]] | None = None
    suggestions: list[str] = field(default_factory=list)
    required: bool = False
    hint: str = ""


Validator = Callable[[dict[str, Any]], str | None]


def parse_value(f: Field, raw: Any) -> tuple[Any, str | None]:
    """(value, error) for what the analyst typed."""
    if f.kind == "choice":
        value = None if raw is Select.NULL or raw is None or isinstance(raw, bool) else raw
    else:
        value = (raw or "").strip() or None
    if value is None:
        return None, f"{f.label} is required" if f.required else None
    if f.kind == "int":
        try:
            number = int(value)
        except ValueError:
            return None, f"{f.label}: {value!r} is not a whole number"
        if number < 0:
            return None, f"{f.label} cannot be negative"
        return number, None
    if f.kind == "date":
        try:
            return dt.date.fromisoformat(value).isoformat(), None
        except ValueError:
            return None, f"{f.label}: {value!r} is not a date (YYYY-MM-DD)"
    return value, None


class FormDialog(ModalScreen[dict[str, Any] | None]):
    # Tab, Shift+Tab and Enter move focus as priority bindings: those run when the app reads
    # the key, before it hands the next key to a widget. As ordinary bindings they ran only
    # after the focused field had seen the key, so the rest of a burst (a paste, a laggy
    # SSH link) was already queued for the old field and landed there.
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("tab", "next_field", "Next field", id="form.next_field", show=False,
                priority=True),
        Binding("shift+tab", "previous_field", "Previous field", id="form.previous_field",
                show=False, priority=True),
        Binding("enter", "submit_field", "Next field or save", id="form.submit_field",
                show=False, priority=True),
    ]

    def __init__(self, title: str, fields: list[Field], *, validate: Validator | None = None,
                 context: Text | str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.validate = validate
        self.context = context

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(Text(self.title_text, style="bold"))
            if self.context:
                yield Static(self.context if isinstance(self.context, Text)
                             else plain(self.context, "dim"), id="form-context")
            with VerticalScroll(id="form-fields"):
                for f in self.fields:
                    yield Label(f.label + (" *" if f.required else ""))
                    yield self._widget(f)
            yield Static(id="form-errors")
            yield Static(Text("Tab next field · Enter in the last field or ctrl+s saves · "
                              "Esc cancels", style="dim"))

    def _widget(self, f: Field) -> Input | Select:
        if f.kind == "choice":
            options = self._choices(f, self._initial_values())
            value = f.value if f.value in options else Select.NULL
            return Select([(o, o) for o in options], value=value, id=f"field-{f.name}",
                          prompt=f.hint or "choose…", allow_blank=not f.required, compact=True)
        value = "" if f.value is None else str(f.value)
        suggester = SuggestFromList(f.suggestions, case_sensitive=False) if f.suggestions else None
        # compact (no border): a whole event form fits an 80x24 terminal
        # select_on_focus is done by `_enter` at once: Textual's waits for the Focus event,
        # which a burst of keys overtakes (the typed text got selected, then overwritten)
        return Input(value=value, placeholder=f.hint, id=f"field-{f.name}", suggester=suggester,
                     type="integer" if f.kind == "int" else "text", compact=True,
                     select_on_focus=False)

    def _initial_values(self) -> dict[str, Any]:
        """Field values as the form opens: a required choice with no value shows its first."""
        values = {g.name: g.value for g in self.fields}
        for g in self.fields:
            if g.kind == "choice" and g.required and g.value not in g.choices and g.choices:
                values[g.name] = g.choices[0]
        return values

    @staticmethod
    def _choices(f: Field, values: dict[str, Any]) -> list[str]:
        if f.choices_from:
            other, table = f.choices_from
            return table.get(values.get(other) or "", [])
        return f.choices

    def on_mount(self) -> None:
        first = self.query(Input).first() if not self.fields[0].kind == "choice" else None
        self._enter(first or self.query_one(f"#field-{self.fields[0].name}"))

    def _enter(self, widget: Widget | None) -> None:
        """Focus a field; a text field's text is selected, so typing replaces it."""
        if widget is None:
            return
        focus_now(widget)
        if isinstance(widget, Input):
            widget.selection = Selection(0, len(widget.value))

    def _step_field(self, step: int) -> None:
        fields = self._field_widgets()
        current = self._focused_field()
        index = fields.index(current) if current in fields else -1
        self._enter(fields[(index + step) % len(fields)])

    def on_select_changed(self, event: Select.Changed) -> None:
        # a choice that others depend on: refill them
        changed = (event.select.id or "").removeprefix("field-")
        values = self._raw()
        for f in self.fields:
            if f.choices_from and f.choices_from[0] == changed:
                select = self.query_one(f"#field-{f.name}", Select)
                options = self._choices(f, values)
                keep = select.value
                select.set_options([(o, o) for o in options])
                # the sub-type stays what it was (or was prefilled as) while it still fits:
                # refilling must not land "Explosions" on its first sub-type
                for wanted in (keep, f.value):
                    if wanted in options:
                        select.value = wanted
                        break

    def _raw(self) -> dict[str, Any]:
        raw = {}
        for f in self.fields:
            widget = self.query_one(f"#field-{f.name}")
            raw[f.name] = widget.value
        return raw

    def _field_widgets(self) -> list[Input | Select]:
        return [self.query_one(f"#field-{f.name}") for f in self.fields]  # type: ignore[misc]

    def _focused_field(self) -> Input | Select | None:
        """The field holding focus (a Select's open list counts as its Select)."""
        node = self.focused
        while node is not None and node is not self:
            if isinstance(node, (Input, Select)) and (node.id or "").startswith("field-"):
                return node
            node = node.parent  # type: ignore[assignment]
        return None

    def _select_is_open(self) -> bool:
        field = self._focused_field()
        return isinstance(field, Select) and field.expanded

    def action_next_field(self) -> None:
        if self._select_is_open():
            raise SkipAction()  # the open list handles its own keys
        self._step_field(1)

    def action_previous_field(self) -> None:
        if self._select_is_open():
            raise SkipAction()
        self._step_field(-1)

    async def action_submit_field(self) -> None:
        field = self._focused_field()
        if not isinstance(field, Input):
            raise SkipAction()  # Enter opens or picks in a choice list
        inputs = [w for w in self._field_widgets() if isinstance(w, Input)]
        if field is inputs[-1]:
            await self.action_save()
        else:
            self._step_field(1)

    async def action_save(self) -> None:
        # the screen first: it hands keys on to the fields
        await keys_processed([self, *self._field_widgets()])
        values: dict[str, Any] = {}
        errors: list[str] = []
        raw = self._raw()
        for f in self.fields:
            value, error = parse_value(f, raw[f.name])
            values[f.name] = value
            if error:
                errors.append(error)
        if not errors and self.validate:
            problem = self.validate(values)
            if problem:
                errors.append(problem)
        if errors:
            self.query_one("#form-errors", Static).update(Text("\n".join(errors), style="bold red"))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickDialog(ModalScreen[int | None]):
    """Choose one of several things; returns its index."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick.cancel"),
                # chosen when read: as OptionList's own Enter (a message) the choice could
                # come after an Esc typed right behind it, which had cancelled the dialog
                Binding("enter", "choose", "Choose", id="pick.choose", priority=True)]

    def __init__(self, title: str, options: list[Text | str]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(*[Option(o if isinstance(o, Text) else plain(o))
                               for o in self.options], id="pick-list")

    def on_mount(self) -> None:
        focus_now(self.query_one(OptionList))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)  # a mouse click

    def action_choose(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss(index)

    def action_cancel(self) -> None:
        self.dismiss(None)


def range_check(*pairs: tuple[str, str]) -> Validator:
    """min ≤ max for each (min field, max field)."""
    def check(values: dict[str, Any]) -> str | None:
        for lo, hi in pairs:
            if values.get(lo) is not None and values.get(hi) is not None and values[lo] > values[hi]:
                return (f"{lo.replace('_', ' ')} ({values[lo]}) is more than"
                        f" {hi.replace('_', ' ')} ({values[hi]})")
        return None
    return check


def save_unless_changed(screen, table: str, row_id: int, seen: int, theirs: str,
                        save: Callable[[], None], on_keep: Callable[[], None] | None = None
                        ) -> None:
    """Save an edit, unless another analyst wrote the record after audit id `seen` (when
    the form opened): then their version is shown and the analyst chooses; nothing is
    overwritten silently."""
    store = screen.store
    analyst = getattr(screen.app, "analyst", "analyst")
    other = store.changed_by_other(table, {"id": row_id}, seen, analyst)
    if other is None:
        save()
        return
    who, _when = other

    def chosen(index: int | None) -> None:
        if index == 1:
            save()
            return
        if on_keep is not None:
            on_keep()
        screen.notify(f"kept {who}'s version; your edit was not saved", timeout=3,
                      markup=False)

    screen.app.push_screen(PickDialog(
        safe_for_terminal(f"{who} changed this while you edited it ({theirs})"),
        [f"Keep {who}'s version (drop my edit)", f"Save mine over {who}'s"]), chosen)
