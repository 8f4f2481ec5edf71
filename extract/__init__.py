"""Text in, spans out: entities, casualty figures, quotes and dates.

Pure and deterministic: no I/O, no database, no UI. Offsets are Python string
indices into the text given, end exclusive. The shape of `extract()`'s result
is the contract in the README ("Extraction contract") and is what the scorer reads.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, cast

from newsdesk.contract import Extraction
from newsdesk.extract.text import (
    clean_text,
    first_dateline_date,
    heading_spans,
    is_dateline,
    lines_with_offsets,
)

# Bump when output changes: stored spans carry the version that made them.
VERSION = "0.3.8"


def _layout_skips(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(headings, datelines): lines that are layout, not sentences."""
    datelines = [(s, e) for s, e, line in lines_with_offsets(text) if is_dateline(line)]
    return heading_spans(text), datelines


def _date_skips(text: str, datelines: list[tuple[int, int]], published: str | dt.date | None
                ) -> list[tuple[int, int]]:
    """Lines whose dates are not dates in the article: a dateline that repeats the
    publication date given (with none given, it is the one date the text gives itself,
    shown as such). Titles and other short lines are read: "Bomb kills 12 in Baghdad on
    Friday" dates its story, and "The A380 was revealed in January 2005" is no heading."""
    return datelines if published is not None else []


def article_date(text: str, published: str | dt.date | None) -> str | dt.date | None:
    """The date relative dates resolve against: the given publication date, else a dated
    line under the title (the one place this is decided, for ingest and extraction)."""
    return published if published is not None else first_dateline_date(text)


def extract_dates(text: str, published: str | dt.date | None = None) -> list[dict[str, Any]]:
    """Only the dates, with exactly the rules `extract()` uses (the reader re-resolves them
    when an analyst changes the publication date)."""
    from newsdesk.extract.dates import find_dates

    datelines = _layout_skips(text)[1]
    return find_dates(text, article_date(text, published),
                      skip=_date_skips(text, datelines, published))


LAYERS = ("entities", "dates", "casualties", "quotes")


def extract(text: str, published: str | dt.date | None = None, *,
            rules: str = "default") -> Extraction:
    """Everything newsdesk finds in one article's text; an extractor's error is raised."""
    return extract_layers(text, published, rules=rules)[0]


def extract_layers(text: str, published: str | dt.date | None = None, *, rules: str = "default",
                   keep_going: bool = False) -> tuple[Extraction, dict[str, str]]:
    """(what was found, {layer: error} for each layer whose extractor raised).

    With `keep_going`, a layer that raises is left empty and the others still run: ingest
    must store an article whatever one rule does with its text."""
    # imported here: the reader needs `extract.text` at start-up, not these patterns
    from newsdesk.extract.casualties import find_casualties
    from newsdesk.extract.dates import find_dates
    from newsdesk.extract.entities import find_entities
    from newsdesk.extract.incidents import mark_passing
    from newsdesk.extract.quotes import find_quotes

    errors: dict[str, str] = {}

    def run(layer: str, finder: Any, *args: Any) -> Any:
        if not keep_going:
            return finder(*args)
        try:
            return finder(*args)
        except Exception as exc:  # noqa: BLE001 - any rule's bug, on any text
            errors[layer] = f"{type(exc).__name__}: {exc}"[:200]
            return []

    headings, datelines = _layout_skips(text)
    skip = headings + datelines
    pub = article_date(text, published)
    entities = run("entities", find_entities, text, skip)
    dates = run("dates", find_dates, text, pub, _date_skips(text, datelines, published))
    casualties = run("casualties", find_casualties, text, rules)
    quotes = run("quotes", find_quotes, text, entities)
    if casualties:
        run("casualties", mark_passing, text, casualties, dates, pub)
    # each finder builds plain dicts in the contract's shape (tests check every field)
    found = cast(Extraction, {"entities": entities, "casualties": casualties, "quotes": quotes,
                              "dates": dates})
    return found, errors


__all__ = ["LAYERS", "VERSION", "Extraction", "article_date", "clean_text", "extract",
           "extract_dates", "extract_layers"]
