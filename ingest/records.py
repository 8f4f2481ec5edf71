"""JSON, JSONL and CSV records with title/text/published/url/source fields.

Field names vary between exports; the usual spellings are recognised and `--map`
names the others: "text=story,published=pubDate".
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

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


def _jsonl(lines: Iterator[str], origin: str, mapping: Mapping[str, str]
           ) -> Iterator[Article | Failure]:
    for n, line in enumerate(lines, 1):
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


def _csv(text: io.TextIOBase | io.StringIO, sample: str, origin: str,
         mapping: Mapping[str, str]) -> Iterator[Article | Failure]:
    try:
        dialect = csv.Sniffer().sniff(sample[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(20 * 1024 * 1024)
    reader = csv.DictReader(text, dialect=dialect)
    try:
        for n, row in enumerate(reader, 2):  # line 1 is the header
            yield record_article({k: v for k, v in row.items() if k is not None},
                                 f"{origin}:{n}", mapping)
    except csv.Error as exc:
        yield Failure(origin, f"broken CSV ({exc})")


def read_records(data: str, origin: str, fmt: str, mapping: Mapping[str, str]
                 ) -> Iterator[Article | Failure]:
    """fmt: json, jsonl or csv."""
    if fmt == "jsonl":
        yield from _jsonl(iter(data.splitlines()), origin, mapping)
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
        yield from _csv(io.StringIO(data, newline=""), data, origin, mapping)
    else:
        raise ValueError(fmt)


# One record of a streamed JSON array is at most this long (a single file's limit).
MAX_RECORD_CHARS = 20 * 1024 * 1024
# The start of a streamed file that decides its charset and its CSV dialect.
SAMPLE_BYTES = 1 << 20


def stream_records(path: Path, fmt: str, mapping: Mapping[str, str]
                   ) -> Iterator[Article | Failure]:
    """Records of a JSONL, CSV or JSON-array file of any size, read as they come: memory
    stays flat, and each Article carries how much of the file has been read."""
    from newsdesk.ingest.plaintext import ReadError, decode_text

    origin = str(path)
    size = max(1, path.stat().st_size)
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
        raw.seek(0)
        if not sample.strip():
            yield Failure(origin, "empty file")
            return
        try:
            # a multi-byte character cut at the sample's end is not a wrong charset
            _, charset = decode_text(_whole_characters(sample))
        except ReadError as exc:
            yield Failure(origin, str(exc))
            return
        encoding = "utf-8-sig" if charset is None or charset.startswith("utf-8") else charset
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        if fmt == "jsonl":
            items = _jsonl(text, origin, mapping)
        elif fmt == "csv":
            items = _csv(text, sample[:65536].decode(encoding, errors="replace"), origin, mapping)
        else:
            items = _json_array(text, origin, mapping)
        for item in items:
            if isinstance(item, Article):
                item.encoding = charset
                item.position = min(1.0, _tell(raw) / size)
            yield item


def _whole_characters(sample: bytes) -> bytes:
    return sample[:len(sample) - _cut_tail(sample)] if len(sample) == SAMPLE_BYTES else sample


def _cut_tail(sample: bytes) -> int:
    """How many bytes at the end start a UTF-8 character that the cut left unfinished."""
    for back in range(1, 4):
        byte = sample[-back]
        if byte & 0xC0 != 0x80:  # a lead byte (or ASCII): is its sequence complete?
            need = 2 if byte >> 5 == 6 else 3 if byte >> 4 == 14 else 4 if byte >> 3 == 30 else 1
            return back if need > back else 0
    return 0


def _tell(raw: BinaryIO) -> int:
    try:
        return raw.tell()
    except OSError:
        return 0


def _json_array(text: io.TextIOBase, origin: str, mapping: Mapping[str, str]
                ) -> Iterator[Article | Failure]:
    """The objects of one top-level JSON array, decoded one at a time from a sliding
    buffer ({"articles": [...]} too: the array is the first '[' of the document)."""
    decoder = json.JSONDecoder()
    buffer = ""
    at = 0
    started = False
    n = 0
    chunk = 1 << 20
    while True:
        if not started:
            more = text.read(chunk)
            if not more:
                yield Failure(origin, "JSON holds no records (expected a list of objects)")
                return
            buffer += more
            at = buffer.find("[")
            if at < 0:
                buffer = ""
                continue
            started, at = True, at + 1
        while at < len(buffer) and buffer[at] in " \t\r\n,":
            at += 1
        if buffer.startswith("]", at):
            return
        try:
            record, end = decoder.raw_decode(buffer, at)
        except json.JSONDecodeError as exc:
            more = text.read(chunk) if len(buffer) - at < MAX_RECORD_CHARS else ""
            if not more:  # the file ends inside a record, or one is broken or huge
                yield Failure(f"{origin}[{n + 1}]", f"not JSON ({exc.msg})")
                return
            buffer = buffer[at:] + more
            at = 0
            continue
        n += 1
        yield record_article(record, f"{origin}[{n}]", mapping)
        at = end
        if at > chunk:  # drop what has been read: the buffer stays about a chunk long
            buffer, at = buffer[at:], 0
