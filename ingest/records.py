"""JSON, JSONL and CSV records with title/text/published/url/source fields.

Field names vary between exports; the usual spellings are recognised and `--map`
names the others: "text=story,published=pubDate".
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping

from newsdesk.ingest.article import Article, Failure
from newsdesk.ingest.dates import iso_date

FIELDS = ("title", "text", "published", "url", "source")
# the usual names for each field, tried in order (case-insensitive)
ALIASES = {
    "title": ("title", "headline", "name", "heading"),
    "text": ("text", "body", "content", "article", "story", "full_text", "description", "summary"),
    "published": ("published", "date", "published_at", "pubdate", "publish_date", "datetime",
                  "created_at", "time", "timestamp"),
    "url": ("url", "link", "href", "permalink"),
    "source": ("source", "site", "publisher", "outlet", "feed", "domain"),
}


class MappingError(ValueError):
    """A --map option that cannot be read."""


def parse_map(spec: str | None) -> dict[str, str]:
    """'text=story, published=when' -> {'text': 'story', 'published': 'when'}."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not column:
            raise MappingError(f"--map: {part.strip()!r} is not FIELD=COLUMN")
        if field not in FIELDS:
            raise MappingError(f"--map: unknown field {field!r} (fields: {', '.join(FIELDS)})")
        mapping[field] = column
    return mapping


def _pick(record: Mapping, field: str, mapping: Mapping[str, str]) -> object:
    if field in mapping:
        return record.get(mapping[field])
    lowered = {str(k).lower(): v for k, v in record.items()}
    for name in ALIASES[field]:
        value = lowered.get(name)
        if value not in (None, ""):
            return value
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(_text(v) for v in value)
    return str(value)


def record_article(record: object, origin: str, mapping: Mapping[str, str]) -> Article | Failure:
    if not isinstance(record, Mapping):
        return Failure(origin, f"record is a {type(record).__name__}, not an object with fields")
    text = _text(_pick(record, "text", mapping)).strip()
    title = _text(_pick(record, "title", mapping)).strip()
    if not text:
        have = ", ".join(list(map(str, record))[:8]) or "no fields"
        return Failure(origin, f"no text field (has: {have}; name it with --map text=COLUMN)")
    if not title:
        title = text.split("\n", 1)[0][:120]
    url = _text(_pick(record, "url", mapping)).strip() or None
    source = _text(_pick(record, "source", mapping)).strip() or None
    return Article(title=title, body=text, published=iso_date(_pick(record, "published", mapping)),
                   url=url, source=source, origin=origin)


def read_records(data: str, origin: str, fmt: str, mapping: Mapping[str, str]
                 ) -> Iterator[Article | Failure]:
    """fmt: json, jsonl or csv."""
    if fmt == "jsonl":
        for n, line in enumerate(data.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                # json's messages can end in "at" already ("Unterminated string starting at")
                where = "" if exc.msg.endswith(" at") else " at"
                yield Failure(f"{origin}:{n}", f"not JSON ({exc.msg}{where} column {exc.colno})")
                continue
            yield record_article(record, f"{origin}:{n}", mapping)
    elif fmt == "json":
        try:
            doc = json.loads(data)
        except json.JSONDecodeError as exc:
            yield Failure(origin, f"not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
            return
        if isinstance(doc, Mapping):
            # {"articles": [...]} or {"items": [...]} or one record
            lists = [v for v in doc.values() if isinstance(v, list)]
            doc = lists[0] if len(lists) == 1 and all(isinstance(x, Mapping) for x in lists[0]) \
                else [doc]
        if not isinstance(doc, list):
            yield Failure(origin, "JSON holds no records (expected a list of objects)")
            return
        for n, record in enumerate(doc, 1):
            yield record_article(record, f"{origin}[{n}]", mapping)
    elif fmt == "csv":
        try:
            dialect = csv.Sniffer().sniff(data[:4096], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        csv.field_size_limit(20 * 1024 * 1024)
        reader = csv.DictReader(io.StringIO(data), dialect=dialect)
        try:
            for n, row in enumerate(reader, 2):  # line 1 is the header
                yield record_article({k: v for k, v in row.items() if k is not None},
                                     f"{origin}:{n}", mapping)
        except csv.Error as exc:
            yield Failure(origin, f"broken CSV ({exc})")
    else:
        raise ValueError(fmt)
