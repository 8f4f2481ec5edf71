"""Coding an event from highlighted evidence: the ACLED taxonomy and the form's first guess.

Pure: spans in, field values and their evidence out.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
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
    """Several figures of one kind: the sum of their lows and of their highs (open if any is).
    A figure told again counts once, also when only its repeat is among these ("killed the
    10 policemen", the first mention being elsewhere)."""
    counted: list[StoredSpan] = []
    for f in figures:
        if f.attrs.get("subset"):
            continue
        if f.attrs.get("repeat") and any(
                (c.attrs.get("min"), c.attrs.get("max")) == (f.attrs.get("min"), f.attrs.get("max"))
                for c in figures if c is not f and not c.attrs.get("repeat")):
            continue  # its first mention is here too
        if any((c.attrs.get("min"), c.attrs.get("max")) == (f.attrs.get("min"), f.attrs.get("max"))
               for c in counted):
            continue
        counted.append(f)
    if not counted:
        return None, None
    lows: list[int | None] = [f.attrs.get("min") for f in counted]
    highs = [f.attrs.get("max") for f in counted]
    low = sum(x for x in lows if x is not None) if any(x is not None for x in lows) else None
    high = None if any(x is None for x in highs) else sum(x for x in highs if x is not None)
    if low is not None and high is not None and high < low:
        high = low
    return low, high


# The event's type and sub-type from its words, first match wins (ACLED's codebook terms).
EVENT_WORDS: list[tuple[re.Pattern[str], str, str]] = [(re.compile(p, re.IGNORECASE), t, st) for p, t, st in [
    (r"\bsuicide\s+(?:\w+\s+){0,2}(?:bomb|bomber|bombers|bombing|bombings|attack|vest)",
     "Explosions/Remote violence", "Suicide bomb"),
    (r"\b(?:air\s*strikes?|drone\s+strikes?|bombed\s+by\s+(?:aircraft|jets|planes)|warplanes?)",
     "Explosions/Remote violence", "Air/drone strike"),
    (r"\b(?:shell(?:ing|ed)|artillery|mortars?|rockets?|missiles?)\b",
     "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    (r"\bgrenades?\b", "Explosions/Remote violence", "Grenade"),
    (r"\b(?:car\s+bombs?|roadside\s+bombs?|IEDs?|explosive\s+devices?|landmines?|bomb(?:s|ing|ings)?"
     r"|blasts?|explosions?)\b", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    (r"\b(?:seized|took\s+control|taken\s+control|overran|captured\s+the\s+(?:town|city|village)"
     r"|fell\s+to)\b", "Battles", "Non-state actor overtakes territory"),
    (r"\b(?:clash(?:es|ed)?|fighting|battles?|gunfights?|firefights?|attack(?:s|ed)?\s+(?:on\s+)?"
     r"(?:the\s+)?(?:army|military|barracks|base|checkpoint|troops|soldiers|police|forces))\b",
     "Battles", "Armed clash"),
    (r"\b(?:kidnapp(?:ed|ing)|abduct(?:ed|ion)|taken\s+hostage)\b",
     "Violence against civilians", "Abduction/forced disappearance"),
    (r"\b(?:riot(?:s|ing|ers)?|mob)\b", "Riots", "Mob violence"),
    (r"\b(?:protest(?:s|ers|ed)?|demonstrat(?:ion|ions|ors|ed))\b", "Protests", "Peaceful protest"),
    (r"\barrest(?:s|ed)?\b", "Strategic developments", "Arrests"),
]]
# who the victims were -> the force they belong to, named after its country
VICTIM_FORCES = [(re.compile(r"\b(?:police(?:men|women|\s+officers?)?|policem[ae]n|officers)\b",
                             re.IGNORECASE), "police"),
                 (re.compile(r"\b(?:soldiers?|troops|servicem[ae]n|army)\b", re.IGNORECASE), "army")]
# a place named as a province is the admin1 of the places in it
_ADMIN1 = re.compile(r"^(?P<name>.+?)\s+(?:province|governorate|state|region|oblast|prefecture)$",
                     re.IGNORECASE)
# a clause that starts with one of these after a comma reports another incident
_CLAUSE_BREAK = re.compile(r",\s+(?=(?:following|after|before|while|when|amid|as)\b)",
                           re.IGNORECASE)


def figure_clause(text: str, sentence: tuple[int, int], figure: StoredSpan) -> tuple[int, int]:
    """The clause of `sentence` that holds `figure`: "suicide car bombings ... killed 10
    policemen, following an attack ... where more than 100 soldiers were killed" is two
    incidents, cut before "following"."""
    start, end = sentence
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.end() <= figure.start:
            start = m.end()
        elif m.start() >= figure.end:
            end = m.start()
            break
    return start, end


def _demonym(country: str, text: str) -> str | None:
    """'Iraq' -> 'Iraqi', as the text itself writes it."""
    m = re.search(rf"\b{re.escape(country)}(?:i|ian|n|ese|ish)\b", text)
    return m.group() if m else None


# a date this far before the selection, in the same paragraph, still dates its events
NEAR_DATE_CHARS = 400


def _event_date(value: str) -> str | None:
    """An ISO date value at any granularity as the event form's day."""
    if len(value) == 10 or value[10:11] == "T":  # a day, or a time on it
        return value[:10]
    if len(value) == 7 and value[5:].isdigit():  # a month: its first day, at month precision
        return f"{value}-01"
    if len(value) == 4:
        return f"{value}-01-01"
    return None  # a week, a quarter, a season: no one day to code


def prefill_event(spans: list[StoredSpan], start: int, end: int, article_id: int,
                  country_of: Callable[[str], str | None] | None = None, *, text: str = "",
                  published: str | None = None, sentences: list[tuple[int, int]] | None = None,
                  is_country: Callable[[str], bool] | None = None
                  ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(field values, evidence rows) from the spans inside [start, end) of one article,
    read as an analyst reads it:

    - the date: the first inside the selection, else the nearest before it in its
      paragraph, else the publication date;
    - type and sub-type from the words (EVENT_WORDS);
    - the place: the first inside, else the place the article names most (not a country),
      its country, and as admin1 a province the article names;
    - actor 1: an organisation inside, else the one the article names most; actor 2: a
      second one inside, else the force the victims belong to ("policemen": Iraqi police);
    - figures: those inside, each counted once, and those a sentence elsewhere reports
      beside a repeat of one of them ("killed the 10 policemen and wounded seven")."""
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
    words = text[start:end]
    for pattern, event_type, sub_type in EVENT_WORDS:
        if pattern.search(words):
            fields["event_type"], fields["sub_event_type"] = event_type, sub_type
            break

    def name(s: StoredSpan) -> str:
        return s.attrs.get("canonical") or s.text

    def country_name(place: str) -> bool:
        return bool(is_country and is_country(place))

    entities = [s for s in spans if s.kind == "entity"]
    places = [s for s in inside if s.kind == "entity" and s.label == "LOC"
              and not country_name(name(s)) and not _ADMIN1.match(name(s))]
    if not places:
        counts = Counter(name(s) for s in entities if s.label == "LOC"
                         and not country_name(name(s)) and not _ADMIN1.match(name(s)))
        places = [next(s for s in entities if name(s) == top)
                  for top, _ in counts.most_common(1)]
    if places:
        place = places[0]
        fields["location"] = name(place)
        cite("location", place)
    all_places = places + [s for s in inside if s.kind == "entity" and s.label == "LOC"]
    if country_of is not None:
        country = next((c for p in all_places if (c := country_of(name(p)))), None)
        if country:
            fields["country"] = country
    admin1 = next((m["name"] for s in entities if s.label == "LOC"
                   and (m := _ADMIN1.match(name(s)))), None)
    if admin1 and "location" in fields:
        fields["admin1"] = admin1
    actors: list[tuple[str, StoredSpan]] = []
    for s in inside:
        if s.kind == "entity" and s.label in ("ORG", "PER"):
            if name(s) not in (n for n, _ in actors):
                actors.append((name(s), s))
    if not actors:
        counts = Counter(name(s) for s in entities if s.label == "ORG")
        actors = [(top, next(s for s in entities if name(s) == top))
                  for top, _ in counts.most_common(1)]
    for key, (actor, span) in zip(("actor1", "actor2"), actors):
        fields[key] = actor
        cite(key, span)
    chosen = [s for s in inside if s.kind == "casualty"]
    for lo, hi in sentences or []:
        if lo < end and start < hi:
            continue  # the selection's own sentences
        here = [s for s in spans if s.kind == "casualty" and lo <= s.start and s.end <= hi]
        if any(f.attrs.get("repeat") and any(
                c.label == f.label and c.attrs.get("min") == f.attrs.get("min") for c in chosen)
               for f in here):
            chosen += [f for f in here if f.label not in {c.label for c in chosen}]
    if "actor2" not in fields:
        victims = " ".join(f.attrs.get("victims") or "" for f in chosen if f.label == "killed")
        force = next((word for pattern, word in VICTIM_FORCES if pattern.search(victims)), None)
        demonym = _demonym(fields["country"], text) if fields.get("country") else None
        if force and demonym:
            fields["actor2"] = f"{demonym} {force}"
    for kind, prefix in FIGURE_FIELDS.items():
        figures = [s for s in chosen if s.label == kind]
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
