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


# a date this far before the selection, in the same paragraph, still dates its events
NEAR_DATE_CHARS = 400


def _event_date(value: str) -> str | None:
    """An ISO date value at any granularity as the event form's day."""
    if len(value) == 10:
        return value
    if len(value) == 7:  # a month: its first day, at month precision
        return f"{value}-01"
    if len(value) == 4:
        return f"{value}-01-01"
    return None


def prefill_event(spans: list[StoredSpan], start: int, end: int, article_id: int,
                  country_of=None, *, text: str = "", published: str | None = None
                  ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(field values, evidence rows) from the spans inside [start, end) of one article.

    The date is the first date inside the selection, else the nearest one before it in
    its paragraph, else the publication date (the day the report was filed)."""
    inside = [s for s in spans if start <= s.start and s.end <= end]
    fields: dict[str, Any] = {}
    evidence: list[dict[str, Any]] = []

    def cite(field: str, span: StoredSpan) -> None:
        evidence.append({"article_id": article_id, "field": field,
                         "span_id": span.id if span.id > 0 else None,
                         "start": span.start, "end": span.end, "text": span.text})

    dates = [s for s in inside if s.kind == "date" and s.attrs.get("value")
             and _event_date(s.attrs["value"])]
    if not dates:
        paragraph_start = text.rfind("\n", 0, start) + 1 if text else 0
        before = [s for s in spans if s.kind == "date" and s.attrs.get("value")
                  and _event_date(s.attrs["value"]) and s.end <= start
                  and s.start >= max(paragraph_start, start - NEAR_DATE_CHARS)]
        dates = before[-1:]
    if dates:
        first = dates[0]
        fields["event_date"] = _event_date(first.attrs["value"])
        fields["time_precision"] = PRECISION_OF_GRANULARITY.get(first.label or "day", 3)
        cite("event_date", first)
    elif published and _event_date(published[:10]):
        fields["event_date"] = _event_date(published[:10])
        fields["time_precision"] = 1 if len(published) >= 10 else 3
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
    actors: list[tuple[str, StoredSpan]] = []
    for s in inside:
        if s.kind == "entity" and s.label in ("ORG", "PER"):
            name = s.attrs.get("canonical") or s.text
            if name not in (n for n, _ in actors):
                actors.append((name, s))
    for key, (name, span) in zip(("actor1", "actor2"), actors):
        fields[key] = name
        cite(key, span)
    for kind, prefix in FIGURE_FIELDS.items():
        figures = [s for s in inside if s.kind == "casualty" and s.label == kind]
        low, high = _sum_range(figures)
        if low is not None or high is not None:
            fields[f"{prefix}_min"] = low
            fields[f"{prefix}_max"] = high
            for f in figures:
                cite(prefix, f)
    return fields, evidence


def evidence_for(spans: list[StoredSpan], values: dict[str, Any], article_id: int
                 ) -> list[dict[str, Any]]:
    """Evidence for an edited event's names (actors, location): the first mention in this
    article of the entity each now names. Fields whose value no span names get none."""
    out = []
    for field in ("actor1", "actor2", "location"):
        value = values.get(field)
        if not value:
            continue
        span = next((s for s in spans if s.kind == "entity"
                     and value in (s.attrs.get("canonical"), s.text)), None)
        if span is not None:
            out.append({"article_id": article_id, "field": field,
                        "span_id": span.id if span.id > 0 else None,
                        "start": span.start, "end": span.end, "text": span.text})
    return out
