"""Plain-text articles: title on the first line, then the body (paragraphs, headings)."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

from extract.text import DATELINE, clean_text
from ingest.article import Article, Failure

MAX_TEXT_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
# A folder may carry one JSON line per file: {"file": ..., "published": ..., "url": ...}
METADATA_FILES = ("seeds.jsonl", "metadata.jsonl")


class ReadError(Exception):
    """A file that cannot become an article; the message is the one-line reason."""


def decode(data: bytes) -> str:
    if not data.strip():
        raise ReadError("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"broken UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data:
        raise ReadError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from exc


def parse_dateline(line: str) -> str | None:
    """'Thursday, January 12, 2006' -> '2006-01-12'."""
    m = re.search(r"([A-Z][a-z]+)\s+(\d{1,2}),?\s+(\d{4})", line)
    if not m:
        return None
    try:
        return dt.datetime.strptime(" ".join(m.groups()), "%B %d %Y").date().isoformat()
    except ValueError:
        return None


def parse_text(raw: str, origin: str) -> Article:
    text = clean_text(raw).strip("\n")
    lines = text.split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip("\n")
    if not title:
        raise ReadError("no title on the first line")
    if not body.strip():
        raise ReadError("no body after the title line")
    published = None
    first = body.split("\n", 1)[0]
    if DATELINE.match(first):
        published = parse_dateline(first)
    return Article(title=title, body=body, published=published, origin=origin)


def read_file(path: Path) -> Article:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise ReadError(f"too large for a text article ({size // (1024 * 1024)} MB, "
                            f"limit {MAX_TEXT_BYTES // (1024 * 1024)} MB)")
        data = path.read_bytes()
    except PermissionError as exc:
        raise ReadError("permission denied") from exc
    except IsADirectoryError as exc:
        raise ReadError("is a directory") from exc
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from exc
    return parse_text(decode(data), str(path))


def _folder_metadata(folder: Path) -> dict[str, dict]:
    meta: dict[str, dict] = {}
    for name in METADATA_FILES:
        path = folder / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict) and isinstance(row.get("file"), str):
                meta[row["file"]] = row
    return meta


def _apply_metadata(article: Article, row: dict) -> None:
    for key in ("published", "url", "source", "language"):
        value = row.get(key)
        if isinstance(value, str) and value:
            setattr(article, key, value)


def iter_paths(paths: list[Path]) -> Iterator[Article | Failure]:
    """Articles from files and folders (recursively), one Failure per bad item."""
    for path in paths:
        if not path.exists():
            yield Failure(str(path), "no such file or directory")
        elif path.is_dir():
            yield from _iter_folder(path)
        else:
            yield _read_one(path, _folder_metadata(path.parent).get(path.name))


def _iter_folder(folder: Path) -> Iterator[Article | Failure]:
    try:
        entries = sorted(folder.rglob("*"))
    except OSError as exc:
        yield Failure(str(folder), exc.strerror or str(exc))
        return
    meta_cache: dict[Path, dict[str, dict]] = {}
    for path in entries:
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES or path.name in METADATA_FILES:
            continue
        if path.name.lower() == "readme.md":
            continue
        if path.parent not in meta_cache:
            meta_cache[path.parent] = _folder_metadata(path.parent)
        yield _read_one(path, meta_cache[path.parent].get(path.name))


def _read_one(path: Path, meta: dict | None) -> Article | Failure:
    try:
        article = read_file(path)
    except ReadError as exc:
        return Failure(str(path), str(exc))
    if meta:
        _apply_metadata(article, meta)
    return article


def read_stream(data: bytes, origin: str = "stdin") -> Article | Failure:
    try:
        return parse_text(decode(data), origin)
    except ReadError as exc:
        return Failure(origin, str(exc))
