"""Date expressions, resolved against the publication date with their granularity.

Detection is ours (regular expressions that know news style); values are
computed from the publication date. Numeric dates ("15/05/2015", "15.05.2015") are read
day first, month first only when the first number cannot be a month.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from newsdesk.extract.numbers import NUMBER_PATTERN, parse_number
from newsdesk.extract.patterns import compiled

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}

# Month names must be capitalised: "may" and "march" are also verbs.
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
        r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|"
        r"Dec\.?)")
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "Friday, May 15, 2015", "May 15, 2015", "May 15 2015"
    # (a space before the comma: text rebuilt from tokens writes "June 13 , 2005")
    ("mdy", compiled(rf"\b(?:(?P<wd>{_WD})\s?,?\s+)?(?P<mon>{_MON})\s+(?P<day>{_DAYNUM})\s?,?\s+"
                    rf"(?P<year>{_YEAR})\b")),
    # "15 May 2015", "Friday 15 May 2015", "the 15th of May, 2015"
    ("dmy", compiled(rf"\b(?:(?P<wd>{_WD}),?\s+)?(?:the\s+)?(?P<day>{_DAYNUM})\s+(?:of\s+)?"
                    rf"(?P<mon>{_MON}),?\s+(?P<year>{_YEAR})\b")),
    ("iso", compiled(r"\b(?P<year>(?:19|20)\d\d)-(?P<monn>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b")),
    ("numeric", compiled(r"\b(?:[0-3]?\d)[/.](?:[01]?\d)[/.](?:19|20)\d\d\b")),
    # "May 15", "Friday, May 15" (year from context)
    ("md", compiled(rf"\b(?:(?P<wd>{_WD}),?\s+)?(?P<mon>{_MON})\s+(?P<day>{_DAYNUM})\b(?!\s*,?\s*\d)")),
    ("dm", compiled(rf"\b(?:(?P<wd>{_WD}),?\s+)?(?:the\s+)?(?P<day>{_DAYNUM})\s+"
                   rf"(?:of\s+)?(?P<mon>{_MON})\b(?!,?\s+\d{{4}})")),
    # "May 2015", "in May of 2015"
    ("my", compiled(rf"\b(?:(?:early|mid|late)[-\s])?(?P<mon>{_MON})\s+(?:of\s+)?(?P<year>{_YEAR})\b")),
    ("relday", compiled(r"\b(?P<rel>yesterday|today|tomorrow|tonight|last\s+night|"
                       r"this\s+(?:morning|afternoon|evening))\b", re.I)),
    ("ago", compiled(rf"\b(?P<num>{NUMBER_PATTERN})\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("relunit", compiled(r"\b(?P<mod>(?:earlier|later)\s+this|last|this|next|past|previous|coming)\s+"
                        r"(?P<unit>week|month|year)\b", re.I)),
    # "on Friday", "last Friday", "Friday's attack", "Friday night"
    ("weekday", compiled(rf"\b(?:(?P<mod>(?i:on|last|next|this|since|by|until|from|before|after))\s+)?"
                        rf"(?P<wd>{_WD})(?P<poss>'s|’s)?\b")),
    # "in April", "last April", "since April", "April's"
    ("month", compiled(rf"\b(?P<mod>(?i:in|since|last|next|this|until|by|from|early|late|mid|"
                      rf"during|of|before|after|through|between|and|to))[-\s]+(?P<mon>{_MON})\b"
                      rf"(?!\s+\d)")),
    # "the summer of 2010", "last winter", "this spring"
    ("season", compiled(rf"\b(?:(?P<mod>(?i:last|this|next|past|coming))\s+|(?i:the\s+)?"
                       rf"(?:(?i:early|late|mid)[-\s]+)?)(?P<season>(?i:spring|summer|autumn|fall|"
                       rf"winter))(?:\s+(?:of\s+)?(?P<year>{_YEAR}))?\b")),
    # "the third quarter of 2009", "third-quarter profit", "Q3 2009", "the latest quarter"
    ("quarter", compiled(rf"\b(?:(?i:the|this\s+year's|last\s+year's)\s+)?(?:(?P<mod>(?i:latest|"
                        rf"last|previous|past|current|recent|most\s+recent|year-ago|year-earlier|"
                        rf"same))\s+)?(?:(?i:fiscal|calendar)\s+)?(?:(?P<ord>(?i:first|second|third|"
                        rf"fourth|1st|2nd|3rd|4th))[-\s])?(?i:quarter)(?![-\s]?(?i:finals?))(?:\s+(?:(?i:of)\s+)?"
                        rf"(?P<year>{_YEAR}))?\b|\bQ(?P<qn>[1-4])[\s-]+(?P<qyear>{_YEAR})\b")),
    ("year", compiled(rf"\b(?P<mod>(?i:in|since|of|by|from|until|during|before|after|early|late|"
                     rf"mid|through|between|and|to))[-\s]+(?P<year>{_YEAR})\b(?![\d,.]\d|\s+(?:people|"
                     rf"soldiers|troops|men|women|children|persons)\b)")),
    ("yearalone", compiled(rf"(?<![\d,.$£€])\b(?P<year>{_YEAR})\b(?=[,.;:)]|\s+(?:and|when|to|as|was|"
                          rf"were|after|before)\b|[ \t]*\n|$)")),
    # "the 1991 agreement", "its 2008 season", "the 2014 World Cup": a year naming a
    # thing, but not a count ("the 2000 protesters": a plural noun follows)
    ("yearof", compiled(rf"\b(?i:the|its|their|his|her|this|that|last|next)\s+(?P<year>{_YEAR})\b"
                       rf"(?=\s+(?:[A-Z]|[a-z]+(?<!s)\b|[a-z]+ss\b))")),
]

_ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2,
                    "3rd": 3, "4th": 4}
_FUTURE_CUE = compiled(r"\b(?:will|shall|would|next|upcoming|scheduled|due|plans?|planned|"
                      r"planning|expected|going to|set to|as soon as|might)\b", re.I)
# "announced Friday that it will…": a past verb right before the date settles its tense,
# whatever the clause after it says
_PAST_VERB_BEFORE = compiled(r"\b(?:\w+ed|said|told|was|were|had|began|took|came|went|made|"
                            r"gave|saw|met|won|lost|left|held|fled|struck|shot|hit|broke|"
                            r"spoke|wrote|found|sent|fell|rose|led)\s+(?:on\s+)?$", re.I)


# "Tuesday said", "Tuesday, police said": a past verb right after the day
_PAST_AFTER = compiled(r"(?:'s|’s)?\s*,?\s*(?:\w+\s+){0,2}?(?:said|told|was|were|had|\w+ed|"
                      r"fell|rose|closed|came|took|made|won|lost|left|hit)\b", re.IGNORECASE)
# a clause told in the past: "prices had doubled by August" is last August
_PAST_WORDS = (r"had|was|were|did|said|told|\w+ed|began|took|came|went|made|gave|saw|met|won|"
               r"lost|left|held|fled|struck|shot|hit|broke|spoke|wrote|found|sent|fell|rose|led|"
               r"sold|bought|paid|got|ran|set|put|cut|shut|quit|fought|caught|brought|thought|"
               r"knew|grew|drew|threw|flew|chose|became|stood|sank|swung|beat")
_PAST_CLAUSE = compiled(rf"\b(?:{_PAST_WORDS})\b[^.;,]*$", re.IGNORECASE)


def _parse_published(published: str | dt.date | None) -> dt.date | None:
    if published is None:
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    try:
        return dt.date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _week(d: dt.date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def _add_months(d: dt.date, months: int) -> tuple[int, int]:
    index = d.year * 12 + (d.month - 1) + months
    return index // 12, index % 12 + 1


def _future(text: str, start: int, end: int) -> bool:
    """Future tense near the expression (same clause, a few words either side)."""
    before = text[max(0, start - 30):start]
    past = _PAST_VERB_BEFORE.search(before)
    if past and not _FUTURE_CUE.search(past.group()):
        return False
    # back to the clause's start, within reach: "planned a rally in Little Havana on Saturday"
    lead = text[max(0, start - _CLAUSE_REACH):start]
    lead = re.split(r"[.;:,!?\"“”]", lead)[-1]
    window = lead + text[start:min(len(text), end + 15)]
    return bool(_FUTURE_CUE.search(window))


_CLAUSE_REACH = 80


# how far back a month and day without a year is read as a past date
PAST_DAY_REACH = 300


def _nearest_day(month: int, day: int, pub: dt.date, future: bool) -> str | None:
    """A month and day without a year: the occurrence nearest publication, a future
    one only when the clause speaks of the future."""
    candidates = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if future:
        ahead = [c for c in candidates if c >= pub]
        candidates = ahead or candidates
    else:
        # news tells of what happened: "the July 20 flood" in January is last July's,
        # unless that lies near a year back (then a date to come is likelier)
        past = [c for c in candidates if c <= pub and (pub - c).days <= PAST_DAY_REACH]
        candidates = past or candidates
    return min(candidates, key=lambda c: (abs((c - pub).days), c > pub)).isoformat()


def _month_year(month: int, pub: dt.date, future: bool) -> int:
    if future:
        return pub.year if month >= pub.month else pub.year + 1
    return pub.year if month <= pub.month else pub.year - 1


# Each resolver: (match groups, match, text, publication date) -> (value, granularity), or
# None when the match is not a date after all. A relative date without a publication date
# has no value.
Resolved = tuple[str | None, str] | None


def _month_of(g: dict[str, Any]) -> int:
    return MONTHS[g["mon"].rstrip(".").lower()]


def _day_of(g: dict[str, Any]) -> int:
    return int(re.sub(r"\D", "", g["day"]))


def _absolute_day(g, m, text, pub) -> Resolved:
    return _day(int(g["year"]), _month_of(g), _day_of(g)), "day"


def _iso_day(g, m, text, pub) -> Resolved:
    return _day(int(g["year"]), int(g["monn"]), int(g["day"])), "day"


def _numeric_date(g, m, text, pub) -> Resolved:
    return _numeric(m.group(), pub)


def _day_of_month(g, m, text, pub) -> Resolved:
    if pub is None:
        return None, "day"
    return _nearest_day(_month_of(g), _day_of(g), pub, _future(text, m.start(), m.end())), "day"


def _month_and_year(g, m, text, pub) -> Resolved:
    return f"{int(g['year']):04d}-{_month_of(g):02d}", "month"


def _relative_day(g, m, text, pub) -> Resolved:
    rel = g["rel"].lower()
    if pub is None:
        return None, "day"
    shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}.get(
        rel, 0 if rel.startswith("this") else -1)  # "last night" is the day before
    return (pub + dt.timedelta(days=shift)).isoformat(), "day"


def _ago(g, m, text, pub) -> Resolved:
    n = parse_number(g["num"])
    unit = g["unit"].lower()
    if n is None or pub is None:
        return None, unit
    if unit == "day":
        return (pub - dt.timedelta(days=n)).isoformat(), "day"
    if unit == "week":
        return _week(pub - dt.timedelta(weeks=n)), "week"
    if unit == "month":
        y, mo = _add_months(pub, -n)
        return f"{y:04d}-{mo:02d}", "month"
    return f"{pub.year - n:04d}", "year"


def _relative_unit(g, m, text, pub) -> Resolved:
    mod = " ".join(g["mod"].lower().split())
    unit = g["unit"].lower()
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(mod, 0)
    if pub is None:
        return None, unit
    if unit == "week":
        return _week(pub + dt.timedelta(weeks=step)), "week"
    if unit == "month":
        y, mo = _add_months(pub, step)
        return f"{y:04d}-{mo:02d}", "month"
    return f"{pub.year + step:04d}", "year"


def _weekday(g, m, text, pub) -> Resolved:
    wd = WEEKDAYS[g["wd"].lower()]
    mod = (g["mod"] or "").lower()
    if pub is None:
        return None, "day"
    back, ahead = (pub.weekday() - wd) % 7, (wd - pub.weekday()) % 7
    # a bare weekday that is tomorrow (or six days back): a clause told in no past tense
    # speaks of tomorrow, which news names by its weekday
    soon = mod in ("", "on") and ahead == 1 and not _PAST_CLAUSE.search(
        text, max(0, m.start() - 60), m.start()) and not _PAST_AFTER.match(text, m.end())
    # "until Tuesday", "by Friday": a time still to come, unless told in the past
    until = mod in ("until", "by") and not _PAST_CLAUSE.search(
        text, max(0, m.start() - 50), m.start())
    if mod == "next" or soon or until or (mod != "last" and _future(text, m.start(), m.end())):
        delta = ahead or (7 if mod == "next" else 0)
        return (pub + dt.timedelta(days=delta)).isoformat(), "day"
    delta = back
    if mod == "last" and delta == 0:
        delta = 7
    return (pub - dt.timedelta(days=delta)).isoformat(), "day"


_SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_MONTH_PAIR = compiled(rf"\b(?i:between|from)\s+{_MON}\s+$")


def _season(g, m, text, pub) -> Resolved:
    season = _SEASONS[g["season"].lower()]
    mod = (g["mod"] or "").lower()
    if g["year"]:
        return f"{int(g['year']):04d}-{season}", "season"
    if not mod or pub is None:
        return None  # "a summer of protest", "fall" the verb: no season told
    # a season's year is the year it begins in; winter runs on into the next one
    current = pub.year if not (season == "WI" and pub.month <= 2) else pub.year - 1
    started = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[season]
    now = (pub.month if pub.month > 2 or season != "WI" else pub.month + 12)
    if mod in ("last", "past"):
        year = current if now >= started + 3 else current - 1
    elif mod in ("next", "coming"):
        year = current if now < started else current + 1
    else:
        year = current
    return f"{year:04d}-{season}", "season"


def _named_month(g, m, text, pub) -> Resolved:
    month = _month_of(g)
    mod = g["mod"].lower()
    pair = _MONTH_PAIR.search(text, max(0, m.start() - 30), m.start()) \
        if mod in ("and", "to") else None
    if mod in ("and", "to") and pair is None:
        return None  # only the second month of "between April and June", "from May to July"
    if pair is not None and pub is not None:
        # the range's end: in the year its start is in, or the next when it wraps
        first = MONTHS[pair.group().split()[1].rstrip(".").lower()]
        year = _month_year(first, pub, _future(text, pair.start(), pair.end()))
        return f"{year + (month < first):04d}-{month:02d}", "month"
    if mod == "of" and not text[m.end():m.end() + 1].isspace():
        return None
    if pub is None:
        return None, "month"
    if mod == "last":
        year = pub.year if month < pub.month else pub.year - 1
    elif mod == "next":
        year = pub.year if month > pub.month else pub.year + 1
    elif mod == "this":
        year = pub.year
    else:
        ahead = _future(text, m.start(), m.end())
        if mod in ("until", "through", "by") and not _PAST_CLAUSE.search(
                text, max(0, m.start() - 50), m.start()):
            ahead = True  # "until January", "by August": a time still to come
        year = _month_year(month, pub, ahead)
    return f"{year:04d}-{month:02d}", "month"


def _quarter(g, m, text, pub) -> Resolved:
    """A quarter resolved against publication: a numbered one of the year it speaks of
    (one not begun yet is last year's, unless the clause looks ahead), "the quarter" or
    "the latest quarter" the last one ended, "the current quarter" the one running."""
    if g.get("qn"):
        return f"{g['qyear']}-Q{g['qn']}", "quarter"
    mod = " ".join((g.get("mod") or "").lower().split())
    prefix = m.group().lower()
    if not g.get("ord") and not mod and not prefix.startswith("the") and not g.get("year"):
        return None  # "a quarter of the vote", "quarter-final": no calendar quarter
    year = int(g["year"]) if g.get("year") else None
    if pub is None and year is None:
        return None, "quarter"
    if g.get("ord"):
        n = _ORDINAL_QUARTER[g["ord"].lower()]
        if year is None:
            assert pub is not None
            current = (pub.month - 1) // 3 + 1
            year = pub.year if n <= current or _future(text, m.start(), m.end()) \
                else pub.year - 1
            if prefix.startswith("last year's") or mod in ("year-ago", "year-earlier"):
                year -= 1
    else:
        if year is not None:
            return None  # "the quarter of 1990" names none
        assert pub is not None
        current = (pub.month - 1) // 3 + 1
        if mod == "current" or _future(text, m.start(), m.end()):
            year, n = pub.year, current
        else:  # the quarter last reported on: the one before this one
            year, n = (pub.year, current - 1) if current > 1 else (pub.year - 1, 4)
        if mod in ("year-ago", "year-earlier"):
            year -= 1
    return f"{year:04d}-Q{n}", "quarter"


def _year(g, m, text, pub) -> Resolved:
    return g["year"], "year"


_YEAR_IN_RANGE = compiled(r"(?!0000)\d{4}(?:\D|$)")

RESOLVERS = {
    "mdy": _absolute_day, "dmy": _absolute_day, "iso": _iso_day, "numeric": _numeric_date,
    "md": _day_of_month, "dm": _day_of_month, "my": _month_and_year, "relday": _relative_day,
    "ago": _ago, "relunit": _relative_unit, "weekday": _weekday, "month": _named_month,
    "year": _year, "yearalone": _year, "yearof": _year, "quarter": _quarter,
    "season": _season,
}


def _resolve(kind: str, m: re.Match[str], text: str, pub: dt.date | None) -> Resolved:
    """(value, granularity) for a match, or None when the match is not a date after all."""
    resolver = RESOLVERS.get(kind)
    if resolver is None:
        return None
    try:
        resolved = resolver(m.groupdict(), m, text, pub)
    except (OverflowError, ValueError):
        # date arithmetic past year 1 or 9999 ("292,000 weeks ago" in a market table)
        return None
    if resolved and resolved[0] is not None and not _YEAR_IN_RANGE.match(resolved[0]):
        return None  # "5,000,000 months ago": a count in a table, not a date
    return resolved


def _numeric(s: str, pub: dt.date | None) -> tuple[str | None, str] | None:
    """'12/05/2015' or '12.05.2015': day first, as most of the world writes it; month first
    only when the first number cannot be a month's day ('05/13/2015'). Read directly: the
    pattern leaves nothing to guess, and a date parser cost 0.4 s to import."""
    first, second, year = (int(p) for p in re.split(r"[/.]", s))
    day, month = (first, second) if second <= 12 else (second, first)
    value = _day(year, month, day) if month <= 12 else None
    return (value, "day") if value else None


# Prefix a match may absorb ("on Friday", "since last year") to report as the expression.
_LEAD_IN = compiled(r"(?:\b(?:on|since|in|during|by|until)\s+)$", re.I)


# Every date expression holds a trigger of its pattern's kind; each pattern runs only near
# its triggers, which spares it from trying a match at each character of long articles.
# (at a word's start, as every pattern begins: tried at each character, the alternation
# was 0.7 ms of a 1.3 kB article, 0.3 ms so)
_TRIGGER = compiled(rf"\b(?:(?P<mon>{_MON})|(?P<wd>{_WD})|(?P<digit>\d+)|(?i:(?P<ago>ago)|"
                   r"(?P<relday>yesterday|today|tomorrow|tonight|night|morning|afternoon|"
                   r"evening)|"
                   r"(?P<unit>week|month|year)|(?P<quarter>quarter|Q[1-4])|"
                   r"(?P<season>spring|summer|autumn|fall|winter)))")
_TRIGGER_OF = {"mdy": "mon", "dmy": "mon", "md": "mon", "dm": "mon", "my": "mon",
               "month": "mon", "iso": "digit", "numeric": "digit", "year": "digit",
               "yearalone": "digit", "yearof": "digit", "relday": "relday", "ago": "ago",
               "relunit": "unit", "weekday": "wd", "quarter": "quarter", "season": "season"}
_REACH = 48  # characters a pattern may extend before or after its trigger


def _trigger_windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """For each kind of trigger, the stretches of text within reach of one."""
    windows: dict[str, list[tuple[int, int]]] = {}
    for m in _TRIGGER.finditer(text):
        lo, hi = max(0, m.start() - _REACH), min(len(text), m.end() + _REACH)
        spans = windows.setdefault(m.lastgroup or "", [])
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return windows


def find_dates(text: str, published: str | dt.date | None = None,
               skip: list[tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """Date spans with resolved `value` and `granularity`, in text order, never overlapping."""
    pub = _parse_published(published)
    taken: list[tuple[int, int]] = list(skip or [])
    found: list[dict[str, Any]] = []
    windows = _trigger_windows(text)
    for kind, pattern in PATTERNS:
        near = windows.get(_TRIGGER_OF[kind], ())
        for m in (m for lo, hi in near for m in pattern.finditer(text, lo, hi)):
            start, end = m.start(), m.end()
            if any(s < end and start < e for s, e in taken):
                continue
            resolved = _resolve(kind, m, text, pub)
            if resolved is None:
                continue
            value, granularity = resolved
            if kind == "yearof":
                start = m.start("year")  # "the" and "its" only told us it is a year
            # "since" / "in" read as part of the expression: "since last year"
            lead = _LEAD_IN.search(text, max(0, start - 8), start)
            if lead and kind == "relunit" and lead.end() == start:
                start = lead.start()
            taken.append((start, end))
            found.append({"start": start, "end": end, "text": text[start:end],
                          "value": value, "granularity": granularity, "type": "DATE"})
    found.sort(key=lambda d: d["start"])
    times = _clock_times(text, found, taken, pub)
    anchored = _anchored(text, found + times, taken)
    if times or anchored:
        return sorted(found + times + anchored, key=lambda d: d["start"])
    return found


# a day or year told against the one the text was just talking about
_ANCHORED = compiled(r"\b(?:(?P<same>(?:on\s+)?the\s+same\s+day|that\s+(?:day|night|morning|"
                     r"afternoon|evening))|(?P<before>the\s+(?:day|night)\s+before|the\s+previous"
                     r"\s+day|the\s+day\s+earlier)|(?P<after>the\s+(?:next|following)\s+day|the"
                     r"\s+day\s+after)|(?P<year_before>the\s+(?:year\s+before|previous\s+year))|"
                     r"(?P<year_after>the\s+(?:following|next)\s+year)|(?P<that_year>that\s+year))\b"
                     r"(?!\s+(?:of|that|when|in)\b)", re.IGNORECASE)
_ANCHOR_REACH = 600  # characters back a text's "that day" still points at a date it named
_DAY_SHIFT = {"same": 0, "before": -1, "after": 1}


def _anchored(text: str, found: list[dict[str, Any]], taken: list[tuple[int, int]]
              ) -> list[dict[str, Any]]:
    """'The bomb went off on May 3 ... two more the same day': May 3. Only when the text
    named a day (or a year) shortly before; with none, no guess."""
    out: list[dict[str, Any]] = []
    if not found:
        return out
    for m in _ANCHORED.finditer(text):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in taken):
            continue
        kind = m.lastgroup or ""
        prior = [d for d in found if d["end"] <= start and start - d["end"] <= _ANCHOR_REACH
                 and d["value"] and d.get("granularity") in (
                     ("day", "time") if kind in _DAY_SHIFT else ("day", "time", "month", "year"))]
        if not prior:
            continue
        anchor = prior[-1]["value"]
        if kind in _DAY_SHIFT:
            day = dt.date.fromisoformat(anchor[:10]) + dt.timedelta(days=_DAY_SHIFT[kind])
            value, granularity = day.isoformat(), "day"
        else:
            year = int(anchor[:4]) + {"year_before": -1, "year_after": 1}.get(kind, 0)
            value, granularity = f"{year:04d}", "year"
        out.append({"start": start, "end": end, "text": text[start:end], "value": value,
                    "granularity": granularity, "type": "DATE"})
    return out


# a clock time with its zone or half of the day: "18:00 UTC", "6:40 p.m. ( GMT +8 )",
# "14:00 local time"; the wire's "1400 GMT" only with its zone (else a year, a count)
_ZONE = (r"UTC|GMT|EST|EDT|CST|CDT|PST|PDT|CET|CEST|BST|IST|"
         r"local\s+time|\(\s*local\s+time\s*\)")
_CLOCK = compiled(r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<min>[0-5]\d)|(?P<hhmm>[0-5]\d)"
                  rf"(?=\s*\(?\s*(?:{_ZONE})))?(?![\d:])"
                  r"(?:\s*(?P<half>[ap]\.m\.|[ap]m)(?![\w.]))?"
                  rf"(?:\s*\(?\s*(?P<zone>{_ZONE})"
                  r"(?:\s*[+-]\s*\d{1,2})?(?![\w])\s*\)?)?")


_RESTATED = compiled(r"\s*\(\s*(?:[01]?\d|2[0-3])(?:[:.]?[0-5]\d)?\s*(?:[ap]\.?m\.?\s*)?"
                     rf"(?:{_ZONE})(?:\s*[+-]\s*\d{{1,2}})?\s*\)")
_TIME_TO_DAY = compiled(r"\s*,?\s*(?:on\s+)?")


def _clock_times(text: str, found: list[dict[str, Any]], taken: list[tuple[int, int]],
                 pub: dt.date | None) -> list[dict[str, Any]]:
    """Clock times told with a zone or a.m./p.m., on the day their sentence names (else
    the day of publication): 'Tuesday ... at 18:00 UTC' is that Tuesday at 18:00."""
    out: list[dict[str, Any]] = []
    restated_until = -1
    for m in _CLOCK.finditer(text):
        if m.start() < restated_until:
            continue
        minutes = m.group("min") or m.group("hhmm")
        if not (m.group("half") or m.group("zone") and minutes):
            continue  # "3.50", "12:30" alone: a price, a score, a ratio
        start, end = m.start(), m.end()
        if text[end - 1] == ")" and "(" not in m.group():
            end -= 1
        end = start + len(text[start:end].rstrip())
        if any(s < end and start < e for s, e in taken):
            continue
        # "10:35 a.m. (0735 GMT) Friday": the bracket says the same moment in another
        # zone; the time reaches over it to the day after it
        restated = _RESTATED.match(text, end)
        if restated is not None:
            end = restated_until = restated.end()
        hour, minute = int(m.group("h")), int(minutes or 0)
        half = (m.group("half") or "").lower()
        if half.startswith("p") and hour < 12:
            hour += 12
        elif half.startswith("a") and hour == 12:
            hour = 0
        if hour > 23:
            continue
        sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
        # the day right after it is one expression with it ("9 a.m. EST Tuesday");
        # else the day its sentence named before it
        after = next((d for d in found if d["granularity"] == "day" and d["value"]
                      and _TIME_TO_DAY.fullmatch(text, end, d["start"])), None)
        if after is not None:
            found.remove(after)
            end, day = after["end"], after["value"]
        else:
            day = next((d["value"] for d in reversed(found) if d["granularity"] == "day"
                        and sentence_start <= d["start"] < start and d["value"]), None)
        if day is None and not m.group("zone"):
            continue  # "at 6 a.m." in a story of another day: which day is anyone's guess
        day = day or (pub.isoformat() if pub else None)
        value = f"{day}T{hour:02d}:{minute:02d}" if day else None
        out.append({"start": start, "end": end, "text": text[start:end], "value": value,
                    "granularity": "time", "type": "TIME"})
    return out
