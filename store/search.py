"""The list's search box: free words for full-text search plus filter tokens.

    tag:urgent source:"Al Jazeera" from:2015-05 to:2015-05-31 is:unread is:flagged has:casualties

Everything that is not a recognised token is searched as text. Pure: no SQL here.
"""
from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import replace
from typing import Any

from newsdesk.store.records import ArticleFilter

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
TOKEN_HELP = ("tag: source: from: to: is:unread is:flagged has:casualties"
              ' entity:"name" person: org: place:')
# search word -> the label it asks for (None: any person, organisation or place)
ENTITY_WORDS = {"entity": None, "person": "PER", "org": "ORG", "place": "LOC"}


def _date_bound(value: str, end: bool) -> str | None:
    """'2015' -> 2015-01-01 (or 2015-12-31 for an upper bound); None when not a date."""
    m = _DATE.match(value)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            return dt.date(year, int(month), int(day)).isoformat()
        if month:
            first = dt.date(year, int(month), 1)
            if not end:
                return first.isoformat()
            nxt = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return (nxt - dt.timedelta(days=1)).isoformat()
        return dt.date(year, 12 if end else 1, 31 if end else 1).isoformat()
    except ValueError:
        return None


def _split(text: str) -> list[str]:
    """Words, with "double quotes" grouping; apostrophes (O'Brien) are letters."""
    lexer = shlex.shlex(text, posix=True)
    lexer.quotes = '"'
    lexer.whitespace_split = True
    lexer.commenters = ""
    return list(lexer)


def parse_search(text: str, base: ArticleFilter | None = None) -> tuple[ArticleFilter, list[str]]:
    """(filter, problems): the filter the box describes and a note per token it ignored."""
    base = base or ArticleFilter()
    try:
        parts = _split(text)
    except ValueError:
        parts = _split(text + '"')  # typing a quoted value: read it as if already closed
    words: list[str] = []
    problems: list[str] = []
    changes: dict[str, Any] = {"tag": None, "source": None, "date_from": None, "date_to": None,
                                  "has_casualties": False}
    entities: list[tuple[str | None, str]] = []
    flags: dict[str, Any] = {"unread": base.unread, "flagged": base.flagged}
    for part in parts:
        key, sep, value = part.partition(":")
        key = key.lower()
        if not sep or key not in ("tag", "source", "from", "to", "is", "has", *ENTITY_WORDS) \
                or not value:
            words.append(part)
            continue
        if key in ENTITY_WORDS:
            entities.append((ENTITY_WORDS[key], value))
        elif key in ("tag", "source"):
            changes[key] = value
        elif key in ("from", "to"):
            bound = _date_bound(value, end=key == "to")
            if bound is None:
                problems.append(f"{part}: not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
            else:
                changes["date_from" if key == "from" else "date_to"] = bound
        elif key == "is" and value.lower() in flags:
            flags[value.lower()] = True
        elif key == "has" and value.lower() in ("casualties", "figures", "killed"):
            changes["has_casualties"] = True
        else:
            problems.append(f"{part}: unknown filter (try {TOKEN_HELP})")
    return replace(base, query=" ".join(words), entities=tuple(entities), **changes,
                   **flags), problems


def entity_search(label: str | None, name: str) -> str:
    """The search words that list the articles naming an entity: person:"Haider al-Abadi"."""
    word = next((w for w, lab in ENTITY_WORDS.items() if lab == label), "entity")
    return f'{word}:"{name.replace(chr(34), "")}"'
