"""Any input -> Articles: files and folders by suffix, bytes by content type or by sniffing."""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from newsdesk.ingest.article import Article, Failure
from newsdesk.ingest.feeds import looks_like_feed, read_feed
from newsdesk.ingest.html import read_html
from newsdesk.ingest.plaintext import (
    MAX_TEXT_BYTES,
    METADATA_FILES,
    ReadError,
    apply_metadata,
    decode_text,
    folder_metadata,
    parse_text,
)
from newsdesk.ingest.records import read_records, stream_records

FORMATS = ("text", "html", "feed", "json", "jsonl", "csv")
SUFFIXES = {
    ".txt": "text", ".text": "text", ".md": "text", "": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed", ".rdf": "feed",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "csv",
}
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def sniff(data: bytes, content_type: str | None = None) -> str:
    """The format of some bytes, from the declared content type, else from how they start."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in ("application/rss+xml", "application/atom+xml", "application/rdf+xml") \
            or (ctype in ("application/xml", "text/xml") and looks_like_feed(data)):
        return "feed"
    if looks_like_feed(data):
        return "feed"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if ctype in ("text/html", "application/xhtml+xml") or head.startswith(
            (b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head:
        return "html"
    if ctype in ("application/json", "application/ld+json") or head[:1] in (b"[", b"{"):
        return "jsonl" if head[:1] == b"{" and b"}\n{" in data[:65536].replace(b"\r", b"") else "json"
    if ctype in ("application/x-ndjson", "application/jsonl"):
        return "jsonl"
    if ctype in ("text/csv", "text/tab-separated-values"):
        return "csv"
    return "text"


def decode_declared(data: bytes, content_type: str | None) -> tuple[str, str | None]:
    """(text, charset when not UTF-8): the declared charset (Content-Type), else detected."""
    m = _CHARSET.search(content_type or "")
    if m:
        try:
            codecs.lookup(m.group(1))
        except LookupError:
            m = None
    if m and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        if b"\x00" in data:
            raise ReadError("binary file (contains NUL bytes), not text")
        try:
            name = codecs.lookup(m.group(1)).name
            return data.decode(m.group(1)), None if name == "utf-8" else name
        except UnicodeDecodeError as exc:
            raise ReadError(f"not {m.group(1)} text as declared (byte at offset {exc.start})") from exc
    return decode_text(data)


def read_bytes(data: bytes, origin: str, *, fmt: str | None = None,
               content_type: str | None = None, url: str | None = None,
               mapping: Mapping[str, str] | None = None) -> Iterator[Article | Failure]:
    """Every article in some bytes; one Failure per thing that could not be read."""
    if len(data) > MAX_TEXT_BYTES:
        yield Failure(origin, f"too large ({len(data) // (1024 * 1024)} MB, "
                              f"limit {MAX_TEXT_BYTES // (1024 * 1024)} MB)")
        return
    if not data.strip():
        yield Failure(origin, "empty file")
        return
    if fmt is None:
        # a declared content type first, then the name's suffix, then the bytes themselves
        by_name = SUFFIXES.get(Path(urlsplit(origin).path).suffix.lower()) if origin else None
        fmt = sniff(data, content_type) if content_type or not by_name else by_name
    try:
        if fmt == "feed":
            _, items = read_feed(data, origin, content_type)
            yield from items
        elif fmt == "html":
            if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise ReadError("binary file (contains NUL bytes), not HTML")
            yield read_html(data, origin, url)
        elif fmt in ("json", "jsonl", "csv"):
            text, charset = decode_declared(data, content_type)
            for item in read_records(text, origin, fmt, mapping or {}):
                if isinstance(item, Article):
                    item.encoding = charset
                yield item
        else:
            text, charset = decode_declared(data, content_type)
            article = parse_text(text, origin)
            article.url = article.url or url
            article.encoding = charset
            yield article
    except ReadError as exc:
        yield Failure(origin, str(exc))
    except RecursionError:
        yield Failure(origin, "nested too deeply to read")


# Formats of many records: read as a stream, any size (an archive, a data desk's export).
STREAMED = ("jsonl", "csv")


def read_path(path: Path, *, fmt: str | None = None, mapping: Mapping[str, str] | None = None,
              meta: dict | None = None) -> Iterator[Article | Failure]:
    fmt = fmt or SUFFIXES.get(path.suffix.lower())
    try:
        size = path.stat().st_size
        if fmt in STREAMED or fmt == "json" and size > MAX_TEXT_BYTES:
            yield from stream_records(path, fmt, mapping or {})
            return
        if size > MAX_TEXT_BYTES:
            yield Failure(str(path), f"too large ({size // (1024 * 1024)} MB, "
                                     f"limit {MAX_TEXT_BYTES // (1024 * 1024)} MB)")
            return
        data = path.read_bytes()
    except PermissionError:
        yield Failure(str(path), "permission denied")
        return
    except IsADirectoryError:
        yield Failure(str(path), "is a directory")
        return
    except OSError as exc:
        yield Failure(str(path), exc.strerror or str(exc))
        return
    for item in read_bytes(data, str(path), fmt=fmt, mapping=mapping):
        if meta and isinstance(item, Article):
            apply_metadata(item, meta)
        yield item


def iter_paths(paths: list[Path], *, fmt: str | None = None,
               mapping: Mapping[str, str] | None = None) -> Iterator[Article | Failure]:
    """Articles from files and folders (recursively, by suffix), one Failure per bad item."""
    for path in paths:
        if not path.exists():
            yield Failure(str(path), "no such file or directory")
        elif path.is_dir():
            yield from _iter_folder(path, fmt, mapping)
        else:
            yield from read_path(path, fmt=fmt, mapping=mapping,
                                 meta=folder_metadata(path.parent).get(path.name))


def _iter_folder(folder: Path, fmt: str | None, mapping: Mapping[str, str] | None
                 ) -> Iterator[Article | Failure]:
    try:
        entries = sorted(folder.rglob("*"))
    except OSError as exc:
        yield Failure(str(folder), exc.strerror or str(exc))
        return
    meta_cache: dict[Path, dict[str, dict]] = {}
    for path in entries:
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if not path.is_file() or path.name in METADATA_FILES or path.name.lower() == "readme.md":
            continue
        if fmt is None and path.suffix.lower() not in SUFFIXES:
            continue
        if path.parent not in meta_cache:
            meta_cache[path.parent] = folder_metadata(path.parent)
        yield from read_path(path, fmt=fmt, mapping=mapping,
                             meta=meta_cache[path.parent].get(path.name))
