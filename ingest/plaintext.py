"""Plain-text articles: title on the first line, then the body (paragraphs, headings)."""
from __future__ import annotations

import json
from pathlib import Path

from newsdesk.ingest.article import Article, Failure

MAX_TEXT_BYTES = 20 * 1024 * 1024
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


def parse_text(raw: str, origin: str) -> Article:
    """Title and body only: the pipeline cleans the text and finds a dateline's date."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip("\n")
    if not title:
        raise ReadError("no title on the first line")
    if not body.strip():
        raise ReadError("no body after the title line")
    return Article(title=title, body=body, origin=origin)


def folder_metadata(folder: Path) -> dict[str, dict]:
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


def apply_metadata(article: Article, row: dict) -> None:
    for key in ("published", "url", "source", "language"):
        value = row.get(key)
        if isinstance(value, str) and value:
            setattr(article, key, value)


def read_stream(data: bytes, origin: str = "stdin") -> Article | Failure:
    try:
        return parse_text(decode(data), origin)
    except ReadError as exc:
        return Failure(origin, str(exc))
