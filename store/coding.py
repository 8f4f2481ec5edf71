"""Coding an event from highlighted evidence: the ACLED taxonomy and the form's first guess.

Pure: spans in, field values and their evidence out.
"""
from __future__ import annotations

from typing import Any

from newsdesk.store.records import StoredSpan

# ACLED's event types and sub-event types (codebook 2023)
ACLED_TYPES: dict[str, list[str]] = {
    "Battles": ["Armed clash", "Government regains territory",
                "Non-state actor overtakes territory"],
    "Explosions/Remote violence": ["Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Grenade"],
    "Violence against civilians": ["Sexual violence", "Attack",
                                   "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention",
                 "Excessive force against protesters"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction", "Non-violent transfer of territory",
                               "Other"],
}
# ACLED time_precision: 1 the day is known, 2 the week, 3 the month or less precise
PRECISION_OF_GRANULARITY = {"day": 1, "week": 2, "month": 3, "year": 3}
FIGURE_FIELDS = {"killed": "fatalities", "wounded": "wounded", "captured": "captured"}


def _sum_range(figures: list[StoredSpan]) -> tuple[int | None, int | None]:
    """Several figures of one kind: the sum of their lows and of their highs (open if any is)."""
    counted = [f for f in figures if not f.attrs.get("repeat") and not f.attrs.get("subset")]
    if not counted:
        return None, None
    lows: list[int | None] = [f.attrs.get("min") for f in counted]
    highs = [f.attrs.get("max") for f in counted]
    low = sum(x for x in lows if x is not None) if any(x is not None for x in lows) else None
    high = None if any(x is None for x in highs) else sum(x for x in highs if x is not None)
    if low is not None and high is not None and high < low:
        high = low
    return low, high


def prefill_event(spans: list[StoredSpan], start: int, end: int, article_id: int,
                  country_of=None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(field values, evidence rows) from the spans inside [start, end) of one article."""
    inside = [s for s in spans if start <= s.start and s.end <= end]
    fields: dict[str, Any] = {}
    evidence: list[dict[str, Any]] = []

    def cite(field: str, span: StoredSpan) -> None:
        evidence.append({"article_id": article_id, "field": field,
                         "span_id": span.id if span.id > 0 else None,
                         "start": span.start, "end": span.end, "text": span.text})

    dates = [s for s in inside if s.kind == "date" and s.attrs.get("value")]
    if dates:
        first = dates[0]
        value = first.attrs["value"]
        granularity = first.label or "day"
        if len(value) == 10:
            fields["event_date"] = value
        elif len(value) == 7:  # a month: its first day, at month precision
            fields["event_date"] = f"{value}-01"
        elif len(value) == 4:
            fields["event_date"] = f"{value}-01-01"
        fields["time_precision"] = PRECISION_OF_GRANULARITY.get(granularity, 3)
        cite("event_date", first)
    places = [s for s in inside if s.kind == "entity" and s.label == "LOC"]
    if places:
        place = places[0]
        fields["location"] = place.attrs.get("canonical") or place.text
        cite("location", place)
        if country_of is not None:
            country = next((c for p in places
                            if (c := country_of(p.attrs.get("canonical") or p.text))), None)
            if country:
                fields["country"] = country
    actors = []
    for s in inside:
        if s.kind == "entity" and s.label in ("ORG", "PER"):
            name = s.attrs.get("canonical") or s.text
            if name not in actors:
                actors.append(name)
                cite("actor", s)
    for key, name in zip(("actor1", "actor2"), actors):
        fields[key] = name
    for kind, prefix in FIGURE_FIELDS.items():
        figures = [s for s in inside if s.kind == "casualty" and s.label == kind]
        low, high = _sum_range(figures)
        if low is not None or high is not None:
            fields[f"{prefix}_min"] = low
            fields[f"{prefix}_max"] = high
            for f in figures:
                cite(prefix, f)
    return fields, evidence
