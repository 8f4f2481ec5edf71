"""Named entities by token shape, cue words and gazetteers, with in-article aliases."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from newsdesk.extract.lexicon import (
    COMMON_WORDS,
    COMPASS_WORDS,
    COUNTRY_CODES,
    DEMONYMS,
    KNOWN_ORGS,
    LOC_CUES_BEFORE,
    LOC_HEADS_ALSO_SURNAMES,
    LOC_NAME_HEADS,
    LOC_OPENERS,
    LOC_TRAILING_HEADS,
    NAME_PARTICLES,
    NOT_NAMES,
    ORG_HEADS,
    ORG_OPENERS,
    ORG_TRAILING_HEADS,
    PER_ROLES,
    PER_TITLES,
    RELIGIONS,
    TITLES_KEPT,
    countries,
    fold,
    places,
)
from newsdesk.extract.patterns import compiled
from newsdesk.extract.text import is_dateline, lines_with_offsets, sentence_spans

# Words (with inner hyphens and apostrophes) and dotted abbreviations ("U.S.").
_TOKEN = compiled(r"(?:[A-Z]\.){2,}|[^\W\d_](?:[\w]|[-'’&](?=\w))*|\d[\d,.]*|\S", re.UNICODE)
_PARTICLE_PREFIX = compiled(r"^(?:al|el|ad|ash|as|at|az|ar|an|bin|ibn|abu|ben)-[A-Z]")
_SPEECH_AFTER = compiled(r"^\s*(?:,\s*)?(?:said|says|told|added|stated|explained|"
                        r"claimed|urged|warned|announced|wrote|asked|argued)\b")


class Tok:
    """A token; `low` (lower case, no trailing dot) and `cap` are computed once."""

    __slots__ = ("start", "end", "text", "low", "cap")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.low = text.lower().rstrip(".")
        self.cap = _is_cap(text)

    def __repr__(self) -> str:
        return f"Tok({self.start}, {self.end}, {self.text!r})"


def _is_cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or
                           (word[0] in "aAbBeE" and bool(_PARTICLE_PREFIX.match(word))))


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


@dataclass
class Chunk:
    toks: list[Tok]
    sent_initial: bool
    label: str | None = None
    cue: str | None = None  # what decided the label

    @property
    def start(self) -> int:
        return self.toks[0].start

    @property
    def end(self) -> int:
        return self.toks[-1].end


def _shouting(line: str) -> bool:
    """A headline in capitals: most letters upper-case over several words."""
    lower = sum(map(str.islower, line))
    if lower * 3 > len(line):
        return False  # ordinary prose: most of its letters are lower case
    letters = sum(map(str.isalpha, line))
    return len(line.split()) >= 3 and letters - lower > 0.7 * letters


def _name_tokens(text: str, s_start: int, sentence: str) -> tuple[list[Tok], int | None]:
    """The sentence's tokens that can be or join a name, and where its first word starts."""
    toks = []
    first_pos = None
    for m in _TOKEN.finditer(sentence):
        word = m.group()
        if first_pos is None and word[0].isalnum():
            first_pos = s_start + m.start()
        # only words that can be or join a name become tokens: a gap left by the others
        # ends a run just as the word itself would have
        if not (word[0].isupper() or word == "." or word.lower() in _JOINERS
                or "-" in word and _PARTICLE_PREFIX.match(word)):
            continue
        # "Allah's" names Allah: the possessive is not part of the name
        if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS":
            word = word[:-2]
        toks.append(Tok(s_start + m.start(), s_start + m.start() + len(word), word))
    return toks, first_pos


def _grow_run(text: str, toks: list[Tok], i: int) -> tuple[list[Tok], int]:
    """The name that starts at toks[i], and the index of the first token after it."""
    run = [toks[i]]
    j = i + 1
    while j < len(toks):
        nxt = toks[j]
        gap = text[run[-1].end:nxt.start]
        titled = run[-1].low in PER_TITLES
        # "Gen. Sharif": a title's dot does not end the name
        if nxt.text == "." and gap == "" and titled:
            j += 1
            continue
        if gap not in (" ", "") and not (gap == ". " and titled):
            break
        if nxt.cap and nxt.text not in NOT_NAMES:
            run.append(nxt)
        elif (nxt.low in NAME_PARTICLES and j + 1 < len(toks) and toks[j + 1].cap
              and text[nxt.end:toks[j + 1].start] == " "):
            run.append(nxt)
        elif (nxt.low in ("of", "for", "and") and j + 1 < len(toks)
              and toks[j + 1].cap and toks[j + 1].text not in NOT_NAMES
              and (run[0].low in ORG_OPENERS or run[-1].low in ORG_HEADS)
              and text[nxt.end:toks[j + 1].start] == " "):
            run.append(nxt)
        else:
            break
        j += 1
    # "Iraqi army", "Anbar province": a lower-case head completes the name
    if (j < len(toks) and text[run[-1].end:toks[j].start] == " "
            and run[-1].low not in COMMON_WORDS):
        head = toks[j].low
        if head in ORG_TRAILING_HEADS or head in LOC_TRAILING_HEADS:
            run.append(toks[j])
            j += 1
    return run, j


def _chunks(text: str, skip: list[tuple[int, int]]) -> list[Chunk]:
    """Runs of capitalised words (with the particles and heads that join them), sentence
    by sentence, headings and shouted lines left out."""
    chunks: list[Chunk] = []
    for s_start, s_end in sentence_spans(text):
        if any(a <= s_start < b for a, b in skip):
            continue
        sentence = text[s_start:s_end]
        if _shouting(sentence):
            continue
        toks, first_pos = _name_tokens(text, s_start, sentence)
        i = 0
        while i < len(toks):
            tok = toks[i]
            if not tok.cap or tok.text in NOT_NAMES:
                i += 1
                continue
            run, i = _grow_run(text, toks, i)
            chunks.append(Chunk(run, sent_initial=(run[0].start == first_pos)))
    return chunks


def _split_titles(chunk: Chunk) -> list[Chunk]:
    """Cut a chunk before a person's title and drop titles that are not part of names."""
    out: list[Chunk] = []
    current: list[Tok] = []
    cue = None
    for idx, tok in enumerate(chunk.toks):
        if tok.low in PER_TITLES and (idx + 1 < len(chunk.toks)):
            if current and current[-1].low not in PER_TITLES:
                out.append(Chunk(current, chunk.sent_initial and not out, cue=cue))
                current = []
            cue = "title"
            if tok.low in TITLES_KEPT:
                current.append(tok)
            continue
        current.append(tok)
    if current:
        out.append(Chunk(current, chunk.sent_initial and not out, cue=cue))
    return [c for c in out if c.toks and not all(t.low in PER_TITLES for t in c.toks)]


# "Bergamo-based Atalanta", "Brazilian-born Luis Oliveira", "Communist-led CGT": the
# hyphened word says where or what the name is from, and is not part of it; what is based,
# listed, owned or led somewhere is a firm, a club or a body
_MODIFIER = re.compile(r"^[A-Z][\w.]*-(?:(?P<firm>based|led|controlled|owned|listed|backed|run|"
                       r"registered|headquartered)|born|bred)$")


def _without_modifier(chunk: Chunk) -> Chunk:
    # ("Iranian-backed militia" stays whole: what follows is no name)
    found = _MODIFIER.match(chunk.toks[0].text) if len(chunk.toks) > 1 \
        and _is_cap(chunk.toks[1].text) else None
    if found:
        return Chunk(chunk.toks[1:], False, cue="firm" if found["firm"] else chunk.cue)
    return chunk


def _name(text: str, chunk: Chunk) -> str:
    return text[chunk.start:chunk.end]


_MEDIA_AFTER = compiled(r"(?:\s*\([^()\n]{1,30}\))?\s+(?:newspaper|daily|weekly|magazine|"
                       r"news\s+agency|agency|tabloid|broadcaster)\b")


def _label(text: str, chunk: Chunk, gaz: frozenset[str],
           ordinary: set[str] | None = None) -> str | None:
    name = _name(text, chunk)
    words = [t.text for t in chunk.toks]
    last = chunk.toks[-1].low
    before = text[max(0, chunk.start - 30):chunk.start].split()
    prev = before[-1].lower() if before else ""
    after = text[chunk.end:chunk.end + 40]
    if name in KNOWN_ORGS or fold(name) in KNOWN_ORGS or _MEDIA_AFTER.match(after) \
            or words[0] in ("Der", "Die", "Das") and len(words) > 1:
        return "ORG"  # "Le Matin newspaper", "Der Spiegel": a paper, not a person
    if chunk.cue == "firm":
        return "ORG"
    if chunk.cue == "title":
        return "PER"
    if last in EVENT_HEADS and len(words) > 1:
        return "MISC"  # "World Cup", "U.S. Open", "PGA Tour", "Labour Day"
    if name in RELIGIONS:
        return "MISC"
    if len(words) > 1 and (last in LOC_TRAILING_HEADS or last in LOC_NAME_HEADS
                           or chunk.toks[0].low in LOC_OPENERS) \
            and not (last in LOC_HEADS_ALSO_SURNAMES and _person_cue(text, chunk, words, after)):
        return "LOC"
    rest = words
    while len(rest) > 1 and rest[0].lower() in COMPASS_WORDS:
        rest = rest[1:]
    if rest is not words and " ".join(rest) in gaz:
        return "LOC"
    if last in ORG_HEADS and len(words) > 1:
        return "ORG"
    if prev == "the" and words[-1].endswith("s") and len(words[-1]) > 3 \
            and name not in gaz and fold(name) not in gaz \
            and not {name, f"The {name}"} & countries() \
            and words[-1][:-1] not in DEMONYMS and words[-1] not in DEMONYMS:
        return "ORG"  # "the White Sox", "the Mariners", "the Houston Astros": a team
    if len(words) > 1 and words[-1].endswith("s") and len(words[-1]) > 3 and any(
            " ".join(words[:i]) in gaz for i in range(1, len(words))):
        return "ORG"  # "Texas Rangers", "Los Angeles Dodgers": a place's team
    if _SCORE_AFTER.match(after) and (name in gaz or name.endswith("shire")) \
            and name not in countries():
        return "ORG"  # a side named after its town or county, followed by its score
    if name in gaz or fold(name) in gaz or name in COUNTRY_CODES \
            or f"The {name}" in countries():  # "the Netherlands", "the Gambia"
        return "LOC"
    if len(words) == 1:
        word = words[0]
        if word in DEMONYMS or (word.endswith("s") and word[:-1] in DEMONYMS):
            return "MISC"
        if _is_acronym(word):
            return "ORG"
        if last in ORG_HEADS:
            return "ORG"
        if (prev in LOC_CUES_BEFORE or _PLACE_LIST_BEFORE.search(text, 0, chunk.start)
                or re.match(r"^\s+(?:province|city|district)\b", after)):
            return "LOC"
        if _SPEECH_AFTER.match(after):
            return "PER"
        return "MISC"
    if any(t.low in ORG_HEADS for t in chunk.toks):
        return "ORG"
    if words[0] in DEMONYMS:
        return "MISC"
    if (words[-1] in DEMONYMS or words[-1][:-1] in DEMONYMS) \
            and all(w.lower() in COMPASS_WORDS for w in words[:-1]):
        return "MISC"  # "South Korean", "West Indian", "North Africans"
    if prev in LOC_CUES_BEFORE and any(w in gaz for w in words):
        return "LOC"
    if ordinary and all(t.low in ordinary or t.low in COMMON_WORDS for t in chunk.toks) \
            and not _person_cue(text, chunk, words, after):
        return "MISC"
    return "PER"


_PLAIN_WORD = compiled(r"(?<![\w.@/-])[a-z][a-z'-]+(?![\w@/]|\.\w)")
_AGE_AFTER = compiled(r"\s*,\s*(?:aged\s+)?\d{1,3}\s*,")
# "Wells, a nurse,", "Park, the team's coach": up to three words ("a 34-year-old former
# nurse") before a person's role
_ROLE_AFTER = compiled(r"\s*,\s*(?:a|an|the)\s+(?:[\w'-]+\s+){0,3}?(?:"
                       + "|".join(sorted(map(re.escape, PER_ROLES), key=len, reverse=True))
                       + r")s?\b")


def _person_cue(text: str, chunk: Chunk, words: list[str], after: str) -> bool:
    """Something in the text that says the name is a person's: 'said' or an age after it,
    or its last word alone elsewhere ("Smith said")."""
    if _SPEECH_AFTER.match(after) or _AGE_AFTER.match(after) or _ROLE_AFTER.match(after):
        return True
    given = " ".join(words[:-1])
    for m in re.finditer(rf"(?<![\w.-]){re.escape(words[-1])}(?![\w-])", text):
        before = text[max(0, m.start() - len(given) - 8):m.start()].rstrip()
        if not (chunk.start <= m.start() < chunk.end) and not before.endswith(given):
            return True
    return False


# lower-case words that can be part of a name: particles, "of"/"for"/"and" inside
# organisation names, and the heads that complete one ("Iraqi army", "Anbar province")
_JOINERS = (set(NAME_PARTICLES) | {"of", "for", "and"} | set(ORG_TRAILING_HEADS)
            | set(LOC_TRAILING_HEADS))
EVENT_HEADS = {"cup", "open", "tour", "series", "games", "championship", "championships",
               "classic", "olympics", "prix", "trophy", "day", "masters", "grand"}
# a score right after a name: "Surrey 342 and 120-4", "Milan 2 Torino 1"
_SCORE_AFTER = compiled(r"^\s+\d+(?:-\d+)?(?:\s|,|$)")
# a dateline that names the place a report was filed from: "LONDON 1996-08-30"
_PLACE_DATELINE = compiled(r"(?m)^(?P<place>[A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){0,3})"
                          r"(?: ?, (?P<region>[A-Z][a-z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}))?"
                          r"(?: \d{4}-\d{2}-\d{2}| [A-Z][a-z]{2,8}\.? \d{1,2})\s*$")


# "three towns, including X", "the province of X"
_PLACE_LIST_BEFORE = compiled(
    r"\b(?:towns?|villages?|cities|city|areas?|districts?|provinces?|regions?|neighbou?rhoods?|"
    r"suburbs?|capital)\b,?\s+(?:including|such\s+as|like|of|near)\s+$")


_THE = compiled(r"^the\s+")
_GENERIC_HEAD = compiled(r"\s+(?:group|organisation|organization)$")
_ARTICLE_PREFIX = compiled(r"^(?:al|el|ad|as|ash|at|az|ar|an)-")


@lru_cache(maxsize=16384)
def _norm_key(name: str) -> str:
    """Comparison form: no diacritics, no article, no generic head ('group')."""
    return _GENERIC_HEAD.sub("", _THE.sub("", fold(name).lower()))


@lru_cache(maxsize=16384)
def _surname_key(name: str) -> str:
    return _ARTICLE_PREFIX.sub("", fold(name.split()[-1]).lower())


def _data_lines(text: str, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The skipped short lines that are data, not headings: a line with figures (a
    scorecard, a ranking, a fixture, a dateline) names players, teams and places."""
    return [(a, b) for a, b in skip
            if _FIGURE.search(text, a, b) and not is_dateline(text[a:b])]


def _byline(text: str, skip: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """A wire story's byline: a line of just a name, right above its dateline."""
    out = []
    for a, b in skip:
        m = _NAME_LINE.fullmatch(text, a, b)
        below = _PLACE_DATELINE.match(text, b + 1) if m and text[b:b + 1] == "\n" else None
        if m and below and m.group().split()[0].lower() not in COMMON_WORDS:
            out.append({"start": a, "end": b, "text": m.group(), "label": "PER"})
    return out


_FIGURE = compiled(r"\d")
_NAME_LINE = compiled(r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?: (?:[A-Z]\.|[A-Z][a-z]*[A-Z]?[a-z]+"
                      r"(?:[-'][A-Z]?[a-z]+)?)){1,2}")
# a batting scorecard: "R. Croft b Waqar Younis 15", "Ijaz Ahmed c Stewart b Gough 0",
# "A.de Silva not out 83": the names beside its marks are players
_DISMISSAL_BEFORE = compiled(r"(?:^|\s)(?:c|b|st|c\s*&\s*b|lbw\s+b)\s+$")
_DISMISSAL_AFTER = compiled(r"\s+(?:c|b|st|lbw|run\s+out|not\s+out|retired|c\s*&\s*b)\s")
# a ranking: "3. Ekimov 1:07", "5. Igor Potapovich ( Kazakstan ) 5.80"
_RANK_BEFORE = compiled(r"(?m)^[ \t]*\d{1,3}\.[ \t]+$")
_TEAM_AFTER_TAG = compiled(r"\)\s*,?\s*$")
_RANK_AT = compiled(r"[ \t]*\d{1,3}\.[ \t]")
_TAG_AROUND = compiled(r"\( ?[A-Z][\w.-]* ?\)")
_RESULT_AFTER = compiled(r"[ \t]+(?:\(\s*[A-Z][\w .]*\)|\d+(?:[:.]\d+)+|same\s+time|\d+\s*$)")


def _players(text: str, ents: list[dict[str, Any]]) -> None:
    """Names in scorecards and rankings (lines with figures) are people, however unknown."""
    nations = countries()
    for e in ents:
        if e["text"] in nations:
            continue
        line_start = text.rfind("\n", 0, e["start"]) + 1
        line_end = text.find("\n", e["end"])
        if not _FIGURE.search(text, line_start, len(text) if line_end < 0 else line_end):
            continue
        if _RANK_AT.match(text, line_start) and _TEAM_AFTER_TAG.search(
                text, line_start, e["start"]):
            e["label"] = "ORG"  # "2. Michael Andretti ( U.S. ) , Lola Ford": his team
            continue
        if e["label"] == "PER":
            continue
        if e["label"] == "MISC" and _TAG_AROUND.match(text, e["start"] - 2) and any(
                o["label"] == "PER" and 0 <= e["start"] - o["end"] <= 3 for o in ents):
            e["label"] = "LOC"  # "Olaf Ludwig ( Germany )": the athlete's country
            continue
        if (_DISMISSAL_BEFORE.search(text, max(line_start, e["start"] - 8), e["start"])
                or _DISMISSAL_AFTER.match(text, e["end"])
                or _RANK_BEFORE.search(text, line_start, e["start"])
                and _RESULT_AFTER.match(text, e["end"])):
            e["label"] = "PER"


_CAPS_WORD = compiled(r"(?<![\w'.-])[A-Z][A-Z'.&-]*(?![\w'-])")
# a shouted fixture: "SAN DIEGO AT MONTREAL", the teams of a schedule
_CAPS_FIXTURE = compiled(r"[A-Z][A-Z. ]*[A-Z.] (?:AT|V|VS\.?) [A-Z][A-Z. ]*[A-Z.]")


def _shouted(text: str, ents: list[dict[str, Any]], gaz: frozenset[str],
             lower_words: set[str]) -> list[dict[str, Any]]:
    """Names in a headline in capitals, read case-blind: the names the text itself uses
    (its label with them), and the places the gazetteer knows."""
    seen = {e["text"].casefold(): e["label"] for e in ents if e["label"] != "MISC"}
    nations = countries()
    out: list[dict[str, Any]] = []
    for a, b, line in lines_with_offsets(text):
        if not _shouting(line):
            continue
        fixture = _CAPS_FIXTURE.fullmatch(line.strip())
        words = list(_CAPS_WORD.finditer(text, a, b))
        i = 0
        while i < len(words):
            for n in range(min(4, len(words) - i), 0, -1):
                run = words[i:i + n]
                if any(text[x.end():y.start()] != " " for x, y in zip(run, run[1:])):
                    continue
                start, end = run[0].start(), run[-1].end()
                name = text[start:end]
                title = " ".join(w.group().title() for w in run)
                label = seen.get(name.casefold())
                if label is None and (title in nations or title in gaz and len(title) > 3
                                      and title.lower() not in lower_words
                                      and title.lower() not in COMMON_WORDS) \
                        or label is None and name in COUNTRY_CODES:
                    label = "LOC"
                if label is not None:
                    if fixture and label == "LOC" and name not in COUNTRY_CODES:
                        label = "ORG"
                    out.append({"start": start, "end": end, "text": name, "label": label})
                    i += n - 1
                    break
            i += 1
    return out


def find_entities(text: str, skip: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    skip = list(skip or [])
    data_lines = _data_lines(text, skip)
    bylines = _byline(text, skip)
    skip = [span for span in skip if span not in data_lines]
    gaz = places()
    raw = [c for chunk in _chunks(text, skip) for c in _split_titles(chunk)]
    lower_words = {w for w in re.findall(r"\b[a-z][a-z'-]+\b", text)}
    # words the text uses as plain words (not inside an address: "jeffrey.hodgson@")
    ordinary = set(_PLAIN_WORD.findall(text))
    mid_caps = {_name(text, c) for c in raw if not c.sent_initial}

    ents: list[dict[str, Any]] = []
    firms: set[tuple[int, int]] = set()  # told as firms ("Ohio-based KeyCorp")
    for chunk in raw:
        # a sentence-initial "The"/"In"/"According" is grammar, not a name
        while chunk.toks and chunk.sent_initial and not _is_acronym(chunk.toks[0].text) and (
                chunk.toks[0].low in COMMON_WORDS or chunk.toks[0].text in NOT_NAMES):
            chunk.toks.pop(0)
            chunk.sent_initial = False
        if chunk.toks:
            chunk = _without_modifier(chunk)  # "The Communist-led CGT"
        if not chunk.toks or not any(_is_cap(t.text) for t in chunk.toks):
            continue
        name = _name(text, chunk)
        if name in NOT_NAMES or name.lower() in COMMON_WORDS and not _is_acronym(name):
            continue
        if len(chunk.toks) == 1 and chunk.sent_initial and not chunk.cue:
            word = chunk.toks[0].text
            known = (word in gaz or _is_acronym(word) or word in mid_caps or word in KNOWN_ORGS
                     or _RANK_BEFORE.search(text, text.rfind("\n", 0, chunk.start) + 1,
                                            chunk.start)
                     or word in DEMONYMS or any(_surname_key(m) == _surname_key(word)
                                                for m in mid_caps if " " in m))
            if not known or word.lower() in lower_words:
                continue
        if len(chunk.toks) > 1 and chunk.toks[0].text in DEMONYMS and not any(
                t.low in ORG_HEADS or t.low in _JOINERS for t in chunk.toks):
            # "American Oliver McCall": the nationality, then the person (not "Iraqi army")
            rest = Chunk(chunk.toks[1:], False, cue=chunk.cue)
            if _label(text, rest, gaz) == "PER":
                first = chunk.toks[0]
                ents.append({"start": first.start, "end": first.end, "text": first.text,
                             "label": "MISC"})
                chunk = rest
                name = _name(text, chunk)
        label = _label(text, chunk, gaz, ordinary)
        if label is None:
            continue
        start = chunk.start
        initial = _INITIAL_BEFORE.search(text, max(0, start - 4), start)
        if initial and label in ("PER", "MISC") and len(chunk.toks) == 1:
            # "N. Knight 113": an initial split off by its full stop, and the person
            start, label = initial.start("initial"), "PER"
            name = text[start:chunk.end]
        elif label == "MISC" and len(chunk.toks) == 1 and _FIGURES_AFTER.match(text, chunk.end):
            label = "PER"  # "Jayasuriya 10-0-43-2", "Lewis 94 not out": a player's figures
        ents.append({"start": start, "end": chunk.end, "text": name, "label": label})
        if chunk.cue == "firm":
            firms.add((start, chunk.end))
    # the place a report was filed from, in capitals, and the country or state after it
    filed: list[dict[str, Any]] = []
    for m in _PLACE_DATELINE.finditer(text):
        place, region = m.group("place"), m.group("region")
        known = bool(region) and (region in gaz or region in countries())
        if known or place.title() in gaz or place.title() in countries() \
                or place in COUNTRY_CODES:
            filed.append({"start": m.start("place"), "end": m.end("place"), "text": place,
                          "label": "LOC"})
        if known:
            filed.append({"start": m.start("region"), "end": m.end("region"), "text": region,
                          "label": "LOC"})
    ents = [e for e in ents if not any(f["start"] < e["end"] and e["start"] < f["end"]
                                       for f in filed + bylines)] + filed + bylines
    _players(text, ents)
    ents += [e for e in _shouted(text, ents, gaz, lower_words)
             if not any(o["start"] < e["end"] and e["start"] < o["end"] for o in ents)]
    ents = _teams(text, ents)
    ents.sort(key=lambda e: e["start"])
    _resolve_aliases(text, ents, firms)
    return ents


_INITIAL_BEFORE = compiled(r"(?:^|(?<=\s))(?P<initial>[A-Z]\.)\s\Z")
# a player's figures after a surname: bowling "10-0-43-2", "4-28", a score "56 not out"
_FIGURES_AFTER = compiled(r"\s+(?:\d+(?:\.\d)?-\d+(?:-\d+){0,2}|\d+\s+not\s+out|\d+\s*[,;)])")
# a results line ("Leeds 2 Chelsea 1", "Benetton ( Italy ) 92 Dinamo ( Russia ) 81") and a
# table's row ("SEATTLE 70 63 .526 5", "Partizan 4 3 1 0 13 3 10"): its names are teams
_TEAM = (r"[A-Z][\w'.&-]*(?:\s+(?:[A-Z][\w'.&-]*|'s|of|de|del|la|du|am|upon))*"
         r"(?:\s*\(\s*[A-Z][\w .]*\))?")
_RESULT_LINE = compiled(rf"^[ \t]*(?P<a>{_TEAM})[ \t]+\d+[ \t]+(?P<b>{_TEAM})[ \t]+\d+"
                       rf"(?:[ \t]*\([^()\n]*\))?[ \t]*$", re.MULTILINE)
_TABLE_ROW = compiled(rf"^[ \t]*(?P<a>{_TEAM})(?:[ \t]+(?:\d+(?:[ \t]+1/2)?|\d*\.\d+|-)){{2,}}"
                     rf"[ \t]*$", re.MULTILINE)
_COUNTRY_TAG = compiled(r"\s*\(\s*[A-Z][\w .]*\)$")


# a place that plays: "Surrey beat Kent", "drew with Leeds", "Ajax v Feyenoord"
_PLAYS_AFTER = compiled(r"\s+(?:beat|beats|defeated|thrashed|edged|routed|drew|draw|"
                       r"lost\s+to|won\s+(?:at|against|by|the)|scored|v|vs\.?|versus)\b")
_NAME_THAT_PLAYS = compiled(r"(?<![\w-])[A-Z][a-z][\w'-]*(?:\s+[A-Z][a-z][\w'-]*){0,2}"
                           r"(?=\s+(?:beat|beats|defeated|thrashed|edged|routed|drew\s+with)\s+[A-Z])")
_PLAYS_BEFORE = compiled(r"\b(?:beat|beats|defeated|thrashed|edged|routed|drew\s+with|"
                        r"lost\s+to|draw\s+with|v|vs\.?|versus)\s+$")


def _teams(text: str, ents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Teams named in results lines and table rows are organisations, and so are their
    other mentions in the text ("Surrey" in the report of the match is the club)."""
    spans: list[tuple[int, int]] = []
    nations = countries()
    for m in _NAME_THAT_PLAYS.finditer(text):  # "Yorkshire beat …", opening a sentence
        if m.group() not in nations and m.group().lower() not in COMMON_WORDS and not any(
                e["start"] < m.end() and m.start() < e["end"] for e in ents):
            spans.append((m.start(), m.end()))
    for e in ents:
        # a country that plays is still the place, in news style ("England beat Australia")
        if e["label"] in ("LOC", "MISC") and e["text"] not in nations and (
                _PLAYS_AFTER.match(text, e["end"])
                or _PLAYS_BEFORE.search(text, max(0, e["start"] - 14), e["start"])):
            spans.append((e["start"], e["end"]))
    for pattern in (_RESULT_LINE, _TABLE_ROW):
        for m in pattern.finditer(text):
            for group in ("a", "b"):
                if group in pattern.groupindex and m.group(group):
                    name = _COUNTRY_TAG.sub("", m.group(group))
                    if name.lower() in COMMON_WORDS or not name.strip():
                        continue
                    spans.append((m.start(group), m.start(group) + len(name)))
    if not spans:
        return ents
    names = {text[a:b].casefold() for a, b in spans}
    kept = [e for e in ents if not any(a < e["end"] and e["start"] < b for a, b in spans)]
    for e in kept:
        if e["text"].casefold() in names:
            e["label"] = "ORG"
    kept += [{"start": a, "end": b, "text": text[a:b], "label": "ORG"} for a, b in spans]
    # its mentions the rules passed over ("Elmford held on", opening a sentence)
    for name in {text[a:b] for a, b in spans}:
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.IGNORECASE):
            if not any(e["start"] < m.end() and m.start() < e["end"] for e in kept):
                kept.append({"start": m.start(), "end": m.end(), "text": m.group(),
                             "label": "ORG"})
    return kept


_PAREN_ALIAS = compiled(r"\s*\((?P<intro>also known as\s+|or\s+)?(?P<a>[A-Z][\w.-]*)"
                       r"(?:,?\s+(?:formerly|also|or|aka)\s+(?:known as\s+)?(?P<b>[A-Z][\w.-]*))?\)")


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", name) if w[0].isupper())


def _resolve_aliases(text: str, ents: list[dict[str, Any]],
                     firms: set[tuple[int, int]] | None = None) -> None:
    """Give each mention the canonical name of its entity within the article."""
    canon_by_key: dict[str, str] = {}
    alias_map: dict[str, str] = {}
    # explicit "Name (ABBR, formerly ABBR2)"
    for e in ents:
        m = _PAREN_ALIAS.match(text, e["end"])
        if m:
            for alias in (m.group("a"), m.group("b")):
                # "Ludhiana city (Punjab)": after a place, a bracketed name is where it is,
                # unless it is an abbreviation ("(DRC)") or said to be another name ("or")
                if alias and (e["label"] != "LOC" or alias.isupper() or m.group("intro")):
                    alias_map[alias] = e["text"]
    for e in ents:
        name = e["text"]
        canonical = alias_map.get(name)
        if canonical is None:
            key = _norm_key(name)
            canonical = canon_by_key.get(key)
            # "Clinton" after "Bill Clinton", though a town is called Clinton: the person
            if canonical is None and " " not in name and (
                    e["label"] in ("PER", "MISC")
                    or e["label"] == "LOC" and name not in countries()
                    and not _placed(text, e)):
                canonical = next((c for c, lab in _full_names(ents, e)
                                  if _surname_key(c) == _surname_key(name)), None)
            if canonical is None and e["label"] in ("ORG", "LOC") and " " not in name:
                # "Anbar" after "Anbar province"
                canonical = next((o["text"] for o in ents if o is not e and o["label"] == e["label"]
                                  and o["start"] < e["start"] and o["text"].split()[0] == name
                                  and o["text"].split()[-1].lower() in LOC_TRAILING_HEADS), None)
            if canonical is None and _is_acronym(name):
                canonical = next((o["text"] for o in ents if o["label"] == "ORG" and " " in o["text"]
                                  and _initials(re.sub(r"\s+group$", "", o["text"])) == name), None)
        if canonical is None:
            canonical = name
        # the longest spelling seen wins as the key's canonical form
        canon_by_key.setdefault(_norm_key(name), canonical)
        canon_by_key.setdefault(_norm_key(canonical), canonical)
        e["canonical"] = canon_by_key.get(_norm_key(canonical), canonical)
        if e["canonical"] in alias_map:
            e["canonical"] = alias_map[e["canonical"]]
    # every mention carries the label of its canonical form
    label_of = {e["text"]: e["label"] for e in ents if e["text"] == e["canonical"]}
    # a mention told as a firm decides for all of them, wherever it stands
    label_of |= {e["canonical"]: "ORG" for e in ents if (e["start"], e["end"]) in (firms or ())}
    for e in ents:
        if e["canonical"] in label_of:
            e["label"] = label_of[e["canonical"]]
    # "al-Shiha and al-Bukhanfar": an unlabelled name joined to a place is a place
    for a, b in zip(ents, ents[1:]):
        if re.fullmatch(r",?\s+(?:and|or)\s+|,\s+", text[a["end"]:b["start"]]):
            if (a["label"] == "LOC" and b["label"] == "MISC" and b["text"] not in DEMONYMS
                    and b["text"] not in RELIGIONS):
                b["label"] = "LOC"


_IN_REGION_AFTER = compiled(r",\s+(?P<region>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?)")


def _placed(text: str, e: dict[str, Any]) -> bool:
    """Said as a place: 'in Mindanao', 'Allen, Texas'."""
    before = text[max(0, e["start"] - 12):e["start"]].split()
    if before and before[-1].lower() in LOC_CUES_BEFORE:
        return True
    m = _IN_REGION_AFTER.match(text, e["end"])
    return bool(m and (m.group("region") in places() or m.group("region") in countries()))


def _full_names(ents: list[dict[str, Any]], e: dict[str, Any]) -> list[tuple[str, str]]:
    return [(o["text"], o["label"]) for o in ents
            if o["label"] == "PER" and " " in o["text"] and o is not e]
