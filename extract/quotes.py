"""Direct and mixed quotes with the speaker the attribution names, resolved to a name."""
from __future__ import annotations

import re
from typing import Any

OPEN_MARKS = "\"“„«"
CLOSE_MARKS = "\"”»"
_SPEECH = (r"said|says|say|told|tells|added|adds|stated|states|explained|claimed|claims|"
           r"warned|warns|urged|urges|announced|wrote|writes|asked|asks|argued|insisted|"
           r"noted|continued|declared|replied|responded|recalled|remarked|acknowledged|"
           r"admitted|tweeted|posted|according\s+to")
_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
# a name-ish or pronoun mention: "he", "Jamili", "a police officer", "Anbar council chief Sabah al-Karhout"
_MENTION = (r"(?P<who>(?:he|she|they|it|we|I|"
            r"(?:(?:the|a|an)\s+)?(?:[\w'’-]+\s+){0,6}?[\w'’-]+))")
AFTER = [
    # ", Jamili also said" / "he said" / "said a police officer"
    re.compile(rf"^[,.]?\s*{_MENTION}\s+(?:also\s+|later\s+|then\s+)?(?:{_SPEECH})\b"),
    re.compile(rf"^[,.]?\s*(?:{_SPEECH})\s+{_MENTION}(?=[.,;]|\s+(?:in|on|at|to|during|who|of)\b|$)"),
]
BEFORE = [
    # "X said:" / "X told reporters," / "according to X," / "X claims to have"
    re.compile(rf"{_MENTION}\s+(?:also\s+)?(?:{_SPEECH})(?:\s+(?:\w+\s+){{0,3}}?)?(?:\s+that)?\s*[,:]?\s*$"),
    re.compile(rf"{_MENTION}\s+(?:claims?|claimed)\s+(?:to\s+have|that)\s*$"),
    re.compile(r"(?P<adding>\badding(?:\s+that)?)\s*,?\s*$"),
]


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text, marks included; a paragraph that opens a quote and does not
    close it continues into the next paragraph when that one opens with a mark."""
    spans = []
    i = 0
    n = len(text)
    while i < n:
        if text[i] not in OPEN_MARKS:
            i += 1
            continue
        start = i
        j = i + 1
        while j < n:
            c = text[j]
            if c in CLOSE_MARKS and (c != '"' or j + 1 >= n or not text[j + 1].isalnum()
                                     or text[j - 1] in ".,!?"):
                break
            if c == "\n":
                nxt = j + 1
                while nxt < n and text[nxt] == "\n":
                    nxt += 1
                if nxt < n and text[nxt] in OPEN_MARKS:
                    j = nxt + 1  # the quote runs on into this paragraph
                    continue
                j = -1
                break
            j += 1
        if j == -1 or j >= n:
            i = start + 1
            continue
        spans.append((start, j + 1))
        i = j + 1
    return spans


def find_quotes(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    quotes: list[dict[str, Any]] = []
    last_speaker: tuple[str, int, int] | None = None
    for start, end in _quote_spans(text):
        inner = text[start + 1:end - 1]
        if len(inner.split()) <= 2:
            continue  # scare quotes: "caliphate"
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end
        before = text[line_start:start]
        after = text[end:line_end]
        sentence_before = re.split(r"(?<=[.!?])\s+", before)[-1]
        kind = "direct" if not sentence_before.strip() else "mixed"
        who = None
        adding = False
        m = next((p.match(after) for p in AFTER if p.match(after)), None)
        if m and m.group("who"):
            who = (end + m.start("who"), end + m.end("who"))
        elif sentence_before.strip():
            offset = start - len(sentence_before)
            for pattern in BEFORE:
                mb = pattern.search(sentence_before)
                if mb:
                    if mb.groupdict().get("adding"):
                        adding = True
                    elif mb.group("who"):
                        who = (offset + mb.start("who"), offset + mb.end("who"))
                    break
        speaker = None
        if who:
            who = _narrow_to_entity(who, entities) or _trim_mention(text, who)
            speaker = _resolve(text[who[0]:who[1]], who[0], entities, last_speaker)
        elif adding and last_speaker:
            speaker = last_speaker[0]
            who = (last_speaker[1], last_speaker[2])
        quote = {"start": start, "end": end, "text": text[start:end], "kind": kind,
                 "speaker": speaker, "speaker_start": who[0] if who else None,
                 "speaker_end": who[1] if who else None}
        quotes.append(quote)
        if speaker and who:
            last_speaker = (speaker, who[0], who[1])
    return quotes


def _narrow_to_entity(span: tuple[int, int], entities: list[dict[str, Any]]
                      ) -> tuple[int, int] | None:
    """The person (else organisation) named inside a long mention, the last one first."""
    inside = [e for e in entities if span[0] <= e["start"] and e["end"] <= span[1]]
    for label in ("PER", "ORG"):
        named = [e for e in inside if e["label"] == label]
        if named:
            return named[-1]["start"], named[-1]["end"]
    return None


def _trim_mention(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Keep the part of a long mention that names someone: its last capitalised run."""
    start, end = span
    mention = text[start:end]
    m = re.search(r"(?:(?:[A-Z][\w'’-]*|al-[A-Z][\w'’-]*|bin|ibn|abu)\s+)*"
                  r"(?:[A-Z][\w'’-]*|al-[A-Z][\w'’-]*)$", mention)
    if m and m.group().split()[0][0].isupper():
        return start + m.start(), end
    return span


def _resolve(mention: str, pos: int, entities: list[dict[str, Any]],
             last: tuple[str, int, int] | None) -> str | None:
    low = mention.lower()
    if low in _PRONOUNS:
        if low in ("he", "she"):
            prior = [e for e in entities if e["label"] == "PER" and e["end"] <= pos]
            # a person named after the last speaker is the likelier "he"
            if prior and (not last or prior[-1]["start"] > last[1]):
                return prior[-1]["canonical"]
        return last[0] if last else None
    for e in entities:
        if e["start"] <= pos < e["end"] or (e["start"] >= pos and e["end"] <= pos + len(mention)):
            return e["canonical"]
    # "the militant group": the organisation the article calls a group
    m = re.search(r"\b(group|council|army|ministry|police|government|agency|party)$", low)
    if m:
        head = m.group(1)
        orgs = [e for e in entities if e["label"] == "ORG" and e["start"] < pos
                and head in e["canonical"].lower()]
        if orgs:
            return orgs[-1]["canonical"]
    return mention if mention[:1].isupper() else None
