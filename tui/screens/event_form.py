"""The event form: ACLED's fields, with min-max ranges, prefilled from the text.

A FormDialog whose result is typed: an `EventValues` ready for `Store.create_event` and
`Store.update_event` (the precision as ACLED's number), or None when cancelled.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from newsdesk.store.coding import ACLED_TYPES
from newsdesk.tui.screens.forms import Field, FormDialog, range_check

PRECISION_CHOICES = {1: "1 day", 2: "2 week", 3: "3 month or less"}
EVENT_CHECK = range_check(("fatalities_min", "fatalities_max"), ("wounded_min", "wounded_max"),
                          ("captured_min", "captured_max"))


class EventValues(TypedDict):
    event_date: str
    time_precision: int          # ACLED: 1 the day, 2 the week, 3 the month or less
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    location: str | None
    admin1: str | None
    country: str | None
    fatalities_min: int | None
    fatalities_max: int | None
    wounded_min: int | None
    wounded_max: int | None
    captured_min: int | None
    captured_max: int | None
    notes: str | None


def event_fields(values: dict[str, Any], names: Iterable[str] = (),
                 places: Iterable[str] = ()) -> list[Field]:
    """The form's fields, holding `values` (a prefill or a stored event)."""
    names, places = sorted(names), sorted(places)
    return [
        Field("event_date", "Date (YYYY-MM-DD)", values.get("event_date"), kind="date",
              required=True),
        Field("time_precision", "Date precision",
              PRECISION_CHOICES.get(values.get("time_precision") or 1),
              kind="choice", choices=list(PRECISION_CHOICES.values()), required=True),
        Field("event_type", "Event type", values.get("event_type"), kind="choice",
              choices=list(ACLED_TYPES), required=True),
        Field("sub_event_type", "Sub-event type", values.get("sub_event_type"),
              kind="choice", choices_from=("event_type", ACLED_TYPES), required=True),
        Field("actor1", "Actor 1", values.get("actor1"), suggestions=names),
        Field("actor2", "Actor 2", values.get("actor2"), suggestions=names),
        Field("location", "Location", values.get("location"), suggestions=places),
        Field("admin1", "Admin 1 (province, state)", values.get("admin1")),
        Field("country", "Country", values.get("country")),
        Field("fatalities_min", "Fatalities at least", values.get("fatalities_min"), kind="int"),
        Field("fatalities_max", "Fatalities at most", values.get("fatalities_max"), kind="int"),
        Field("wounded_min", "Wounded at least", values.get("wounded_min"), kind="int"),
        Field("wounded_max", "Wounded at most", values.get("wounded_max"), kind="int"),
        Field("captured_min", "Captured at least", values.get("captured_min"), kind="int"),
        Field("captured_max", "Captured at most", values.get("captured_max"), kind="int"),
        Field("notes", "Notes", values.get("notes")),
    ]


def event_values(form: dict[str, Any]) -> EventValues:
    """The form's values as the store takes them: '2 week' -> 2."""
    values = dict(form)
    values["time_precision"] = int(str(form["time_precision"])[0])
    return values  # type: ignore[return-value]


class EventFormDialog(FormDialog):
    """Code or edit one event; dismisses with an `EventValues` or None."""

    def __init__(self, title: str, values: dict[str, Any], *, names: Iterable[str] = (),
                 places: Iterable[str] = (), context: str | None = None) -> None:
        super().__init__(title, event_fields(values, names, places), validate=EVENT_CHECK,
                         context=context)

    def dismiss(self, result: Any = None):  # type: ignore[override]
        return super().dismiss(None if result is None else event_values(result))
