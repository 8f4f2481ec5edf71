"""Plain-text articles: title on the first line, then the body (paragraphs, headings)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from newsdesk.ingest.article import Article, Failure

MAX_TEXT_BYTES = 20 * 1024 * 1024
# A folder may carry one JSON line per file: {"file": ..., "published": ..., "url": ...}
METADATA_FILES = ("seeds.jsonl", "metadata.jsonl")


class ReadError(Exception):
    """A file that cannot become an article; the message is the one-line reason."""


def decode(data: bytes) -> str:
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str | None]:
    """(text, the charset it was in when not UTF-8). Binary data is refused."""
    if not data.strip():
        raise ReadError("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise ReadError(f"broken UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data:
        raise ReadError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        where = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
    if _mostly_utf8(data):
        # UTF-8 with a few broken bytes (a truncated copy, a bad splice): read in any
        # legacy charset its accented letters would turn to mojibake ("cafÃ©")
        text = data.decode("utf-8-sig", errors="replace")
        return text, f"utf-8 ({text.count(chr(0xFFFD))} bad bytes replaced)"
    controls = len(_CONTROL_BYTES.findall(data))
    if controls > len(data) // 100:  # text has next to none: a binary file or noise
        raise ReadError(f"binary file ({controls} control bytes), not text")
    charset = guess_charset(data)
    if charset is None:
        raise ReadError(f"not text in any known encoding (not UTF-8: {where})")
    return data.decode(charset), charset


_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def _mostly_utf8(data: bytes) -> bool:
    high = sum(1 for b in data if b > 127)
    valid = sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    return high > 0 and valid / high >= 0.8


# What Western newswire in windows-1252 holds beyond ASCII: accented letters and the
# typographic marks word processors put in (curly quotes, dashes, the euro sign).
_WESTERN = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u00a0\u00a3\u00a9\u00ab\u00b0"
                      r"\u00bb\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]")


def guess_charset(data: bytes) -> str | None:
    """The charset of bytes that are not UTF-8: charset-normalizer's reading, except that
    text that reads as plain Western prose in windows-1252 is taken as that. On a short
    text charset-normalizer ties cp1252 with cp1250 and cp850, and the web's most common
    legacy charset should win the tie (HTML5 reads a 'latin-1' label as windows-1252)."""
    import charset_normalizer

    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None:
        beyond = [c for c in western if ord(c) > 127]
        if beyond and all(_WESTERN.match(c) for c in beyond):
            # no byte in 0x80-0x9f: the same text in ISO-8859-1, the name the file was saved in
            return "cp1252" if re.search(rb"[\x80-\x9f]", data) else "latin-1"
    results = list(charset_normalizer.from_bytes(data))
    if not results or results[0].chaos > 0.3:
        return None
    # on a short text several charsets read without "chaos"; the one whose bytes beyond
    # ASCII come out as letters (Ł, not £ or ³) is the one it was written in
    close = [r for r in results if r.chaos <= results[0].chaos + 0.1]
    return str(max(close, key=lambda r: _letter_share(str(r))).encoding)


def _letter_share(text: str) -> float:
    beyond = [c for c in text if ord(c) > 127]
    return sum(c.isalpha() for c in beyond) / len(beyond) if beyond else 0.0


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
