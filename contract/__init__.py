"""The extraction contract (DESIGN.md): the span kinds, labels and fields that
`extract()` produces, the store keeps and the reader shows, named once.

A leaf: extract, store and tui import it; it imports nothing of newsdesk.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import Any, Literal, NotRequired, TypedDict

# span kinds in the reader's layer-key order (1-4)
SPAN_KINDS = ("entity", "casualty", "quote", "date")
SpanKind = Literal["entity", "casualty", "quote", "date"]

ENTITY_LABELS = ("PER", "ORG", "LOC", "MISC")
CASUALTY_KINDS = ("killed", "wounded", "captured", "kidnapped", "missing", "displaced",
                  "arrested")

# what can be exported, in which formats (the CLI's choices and the palette's commands)
EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "events": ("csv", "jsonl"),
    "annotations": ("jsonl", "brat", "wadm"),
    "incidents": ("jsonl", "csv"),
    "entities": ("jsonl", "csv"),
}

# (extraction group, span kind, the field stored as the span's label)
SPAN_GROUPS: tuple[tuple[str, SpanKind, str], ...] = (
    ("entities", "entity", "label"),
    ("casualties", "casualty", "kind"),
    ("quotes", "quote", "kind"),
    ("dates", "date", "granularity"),
)


def fold(s: str) -> str:
    """Strip diacritics: 'Fallūjah' -> 'Fallujah' (place keys are spelled so everywhere)."""
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


_KEY_NOISE = re.compile(r"[^\w]+")
# Labels whose mentions resolve to one identity across the store.
RESOLVED_LABELS = ("PER", "ORG", "LOC")


@functools.lru_cache(maxsize=65536)  # the same names, article after article
def entity_key(name: str) -> str:
    """How a name is looked up across the store: 'Al-Qaeda' and 'al Qaeda' meet."""
    key = _KEY_NOISE.sub(" ", fold(name).casefold()).strip()
    key = key[4:] if key.startswith("the ") else key
    # "the Islamic State group" is how agencies style "Islamic State"
    return key[:-6] if key.endswith(" group") and key.count(" ") > 1 else key


def iso_day(value: Any) -> dt.date | None:
    """The day of an ISO date or date-time string (a span's value, a profile's date)."""
    if isinstance(value, dt.date):
        return value
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def range_words(lo: int | None, hi: int | None) -> str:
    """A figure's range as an analyst reads it: '7', '101 or more', 'up to 32', '?'."""
    if lo is None and hi is None:
        return "unknown number"
    if lo is None:
        return f"up to {hi}"
    if hi is None:
        return f"{lo} or more"
    return str(lo) if lo == hi else f"{lo}–{hi}"


class Span(TypedDict):
    start: int   # Python string index into the article text
    end: int     # exclusive
    text: str    # text[start:end]


class EntitySpan(Span):
    label: str                       # one of ENTITY_LABELS
    canonical: NotRequired[str]      # the name its aliases group under
    aliases: NotRequired[list[str]]


class CasualtySpan(Span):
    kind: str                        # one of CASUALTY_KINDS
    min: int | None                  # "more than 100": 101; "dozens": the vague floor
    max: int | None                  # None: no upper bound
    approx: NotRequired[bool]
    vague: NotRequired[bool]
    victims: NotRequired[str | None]
    repeat: NotRequired[bool]        # the same figure reported again
    subset: NotRequired[bool]        # inside another figure ("including three children")
    dead_or_missing: NotRequired[bool]  # "died or went missing": kind missing, not killed
    passing: NotRequired[bool]       # another incident's or a period's ("757 a year on roads")


class QuoteSpan(Span):
    kind: str                        # direct, mixed, ...
    speaker: NotRequired[str | None]


class DateSpan(Span):
    granularity: str                 # day, month, year, ...
    value: str | None                # ISO value resolved against the publication date


class Extraction(TypedDict):
    entities: list[EntitySpan]
    casualties: list[CasualtySpan]
    quotes: list[QuoteSpan]
    dates: list[DateSpan]
