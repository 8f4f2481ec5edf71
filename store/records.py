"""Plain records the store hands out, and the helpers every store module shares.

A leaf: `store.store`, `store.analyst` and `store.listing` import it, it imports none of them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson


class StoreError(Exception):
    """A store problem worth one clear line to the user."""


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made (sqlite3 types it as optional)."""
    if cur.lastrowid is None:
        raise StoreError("the store did not report the new row's id")
    return cur.lastrowid


def to_json(value: Any) -> str:
    """JSON text for a TEXT column, with orjson (several times faster than the standard
    library for the records rewritten as reports are placed)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        # an integer beyond 64 bits (an analyst's figure), which orjson neither writes nor
        # reads back as an integer: the standard library's text, marked by a leading space
        return " " + json.dumps(value)


def from_json(text: str) -> Any:
    return json.loads(text) if text[:1] == " " else orjson.loads(text)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def content_hash(title: str, body: str) -> str:
    """Hash of the text as a reader sees it: case, spacing and Unicode form do not count."""
    norm = unicodedata.normalize("NFC", f"{title}\n{body}").casefold()
    norm = re.sub(r"\s+", " ", norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ArticleFilter:
    query: str = ""
    tag: str | None = None
    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    unread: bool = False
    flagged: bool = False
    has_casualties: bool = False
    # (label or None, name) per entity word: articles naming every one of them
    entities: tuple[tuple[str | None, str], ...] = ()


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list (no body: the list never loads text)."""

    id: int
    title: str
    source: str | None
    published: str | None
    n_entities: int
    n_quotes: int
    n_figures: int
    killed_min: int
    n_annotations: int
    n_tags: int
    read: bool
    flagged: bool


@dataclass
class StoredSpan:
    id: int
    kind: str
    label: str | None
    start: int
    end: int
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)


def killed_total(figures: Iterable[Mapping[str, Any]]) -> int:
    """The article's death toll: its highest own figure of the killed. Not a sum: a story
    tells its toll several times ('at least 10', 'the 10 policemen', 'rose to 12'), and a
    figure of another incident or a period (`passing`) or inside another (`subset`)
    is not its toll."""
    return max((f.get("min") or 0 for f in figures
                if f.get("kind") == "killed" and not f.get("subset") and not f.get("passing")),
               default=0)
