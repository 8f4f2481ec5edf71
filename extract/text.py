"""Text helpers shared by the extractors and by ingest: cleaning, lines, sentences."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# C0 controls except tab and newline, DEL, C1 controls. ESC (\x1b) is among them, so
# ANSI/OSC sequences lose the byte that makes a terminal act on them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi overrides/isolates can reorder what the analyst sees; marks (LRM/RLM) stay.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Normalise text for storing: NFC, \\n line endings, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    return _BIDI_CONTROL.sub("", text)


def safe_for_terminal(text: str) -> str:
    """Same-length scrub for display: control characters become spaces so offsets still hold."""
    text = _CONTROL.sub(lambda m: "\n" if m.group() == "\n" else " ", text)
    return _BIDI_CONTROL.sub(" ", text)


def lines_with_offsets(text: str) -> Iterator[tuple[int, int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
          r"November|December)")
# "Thursday, January 12, 2006"; text rebuilt from tokens writes "March 01 , 2008"
DATELINE = re.compile(rf"^\s*(?:{_WEEKDAY}\s?,?\s+)?(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})\s?,?\s+"
                      rf"(?P<year>\d{{4}})\s*$")
_END_PUNCT = tuple('.!?:;,"\'”’)…')


def is_dateline(line: str) -> bool:
    """A line holding only a date, as Wikinews puts under the title."""
    return bool(DATELINE.match(line))


def dateline_date(line: str) -> str | None:
    """'Thursday, January 12, 2006' -> '2006-01-12' (None for anything else)."""
    import datetime as dt

    m = DATELINE.match(line)
    if not m:
        return None
    try:
        return dt.datetime.strptime(f"{m['month']} {m['day']} {m['year']}", "%B %d %Y"
                                    ).date().isoformat()
    except ValueError:
        return None


def first_dateline_date(text: str, lines: int = 4) -> str | None:
    """The date of a dateline among the first lines (under the title), if there is one."""
    for line in text.split("\n", lines)[:lines]:
        found = dateline_date(line)
        if found:
            return found
    return None


def is_heading(line: str) -> bool:
    """A section heading: a short line with no closing punctuation, starting with a capital."""
    stripped = line.strip()
    if not stripped or len(stripped) > 60 or is_dateline(stripped):
        return False
    if stripped.endswith(_END_PUNCT) or stripped[0] in "\"'“‘(-—":
        return False
    words = stripped.split()
    return len(words) <= 7 and stripped[0].isupper()


def heading_spans(text: str, skip_first_line: bool = False) -> list[tuple[int, int]]:
    """Offsets of heading lines; a heading must stand between other lines, not end the text."""
    out = []
    lines = list(lines_with_offsets(text))
    for i, (start, end, line) in enumerate(lines):
        if i == 0 and skip_first_line:
            continue
        rest = [ln for _, _, ln in lines[i + 1:] if ln.strip()]
        if rest and is_heading(line):
            out.append((start, end))
    return out


# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before
# whitespace and a capital, digit or opening quote; or at a line break.
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
_ABBREV_END = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Capt|Maj|Sen|Rep|Gov|St|Jr|Sr|Prof|Rev|No|Co|Corp|Inc|"
    r"Ltd|vs|U\.S|U\.K|U\.N|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|[A-Z])\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group().strip("\n") and _ABBREV_END.search(text[max(0, m.start() - 6):m.start()]):
            continue
        end = m.start()
        # keep closing quotes with the sentence they close
        while end < m.end() and text[end] in "\"'”’)]":
            end += 1
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans
