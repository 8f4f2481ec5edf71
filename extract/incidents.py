"""Incidents: what one article reports of one.

Pure: an article's title, text, spans and publication date in, a profile out (plain JSON
data: kind, places, the incident's date, the lead, each figure and whether it is the
incident's own). `store.incident_rules` groups profiles into incidents.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from newsdesk.contract import CASUALTY_KINDS, iso_day
from newsdesk.extract.lexicon import countries, country_of, fold
from newsdesk.extract.patterns import compiled
from newsdesk.extract.text import sentence_spans as _sentence_spans

# the sentences an incident is told in: wire style puts what, where and when up front
LEAD_SENTENCES = 3

# incident kind -> the words that tell it, in lower case: the patterns below run on lowered
# text without IGNORECASE, which Python's engine runs 2-3 times slower on alternations like
# these; title words weigh more than lead words
_KIND_PATTERNS: dict[str, str] = {
    "earthquake": r"earthquakes?|quakes?|aftershocks?|tremors?|tsunami",
    "storm": r"hurricanes?|typhoons?|cyclones?|storms?|tornado(?:es)?|floods?|flooding|"
             r"landslides?|mudslides?|monsoon",
    "air crash": r"(?:plane|flight|aircraft|airliner|jet|helicopter|airplane)s?\s+(?:\w+\s+){0,4}?"
                 r"(?:crash\w*|went down|downed|shot down|skidded)|"
                 r"(?:crash\w*|downing|shot down)\s+(?:\w+\s+){0,4}?(?:plane|flight|aircraft|"
                 r"airliner|jet|helicopter)",
    "road crash": r"(?:bus|coach|truck|lorry|minibus|car|van|tanker)s?\s+(?:\w+\s+){0,3}?"
                  r"(?:crash\w*|collision|collided|overturn\w*|plunged)|road (?:accident|crash)",
    "rail crash": r"trains?\s+(?:\w+\s+){0,3}?(?:crash\w*|derail\w*|collision|collided)|derail\w*",
    "shipwreck": r"(?:boat|ferry|ship|vessel|dinghy)s?\s+(?:\w+\s+){0,3}?(?:sank|sinks|capsiz\w*|"
                 r"sinking)|shipwreck",
    "explosion": r"explosions?|blasts?|bomb\w*|exploded|explosives?|ieds?|detonat\w*",
    "shooting": r"shootings?|gunm[ae]n|open(?:ed|s)? fire|shot dead|gunfire|shot and killed|shooter",
    "stabbing": r"stabb\w*|knife attack|knifem[ae]n|knife-wielding|knife-weilding|machete",
    "fire": r"fires?|blazes?|inferno|burned down|wildfires?",
    "stampede": r"stampedes?|crush",
    "collapse": r"collaps\w*",
    "battle": r"clash\w*|battles?|fighting|offensive|seized|took control|captured|airstrikes?|"
              r"air strikes?|shelling|militants? (?:attack|assault)\w*",
    "epidemic": r"virus|outbreak|epidemic|coronavirus|cholera|ebola|pandemic",
}
# a new occurrence, not a report of an earlier one: "another fire", "a second explosion",
# "fresh fighting" (the word must name the event: "new houses" starts nothing)
_NEW_CUE = compiled(r"\b(?:another|second|third|fresh|new|latest|renewed)\s+(?:[\w-]+\s+)?"
                   rf"(?:{'|'.join(_KIND_PATTERNS.values())})\b")
_KINDS = {kind: compiled(rf"\b(?:{words})\b") for kind, words in _KIND_PATTERNS.items()}
# a kind's pattern runs only on a text holding one of these (lower case): most texts hold
# few kinds' words, and the patterns that join a vehicle to its crash are slow to fail
_KIND_TRIGGERS = {
    "earthquake": ("quake", "aftershock", "tremor", "tsunami"),
    "storm": ("hurricane", "typhoon", "cyclone", "storm", "tornado", "flood", "landslide",
              "mudslide", "monsoon"),
    "air crash": ("plane", "flight", "aircraft", "airliner", "jet", "helicopter"),
    "road crash": ("bus", "coach", "truck", "lorry", "car", "van", "tanker", "road"),
    "rail crash": ("train", "derail"),
    "shipwreck": ("boat", "ferry", "ship", "vessel", "dinghy"),
    "explosion": ("explo", "blast", "bomb", "ied", "detonat"),
    "shooting": ("shoot", "gunm", "fire", "shot", "gunfire"),
    "stabbing": ("stab", "knife", "machete"),
    "fire": ("fire", "blaze", "inferno", "burned"),
    "stampede": ("stampede", "crush"),
    "collapse": ("collaps",),
    "battle": ("clash", "battle", "fighting", "offensive", "seized", "took control",
               "captured", "strike", "shelling", "militant"),
    "epidemic": ("virus", "outbreak", "epidemic", "cholera", "ebola", "pandemic"),
}
_REFERS_BACK = {kind: compiled(
    rf"\b(?:the|this|that|[a-z]\w+day's|last \w+'s|\w+'s)\s+(?:[\w-]+\s+){{0,3}}?"
    rf"(?:{words})\b") for kind, words in _KIND_PATTERNS.items()}
_AREA_SUFFIX = compiled(r"\s+(?:province|governorate|state|region|district|county|city)$",
                       re.IGNORECASE)
_ADMIN_SUFFIX = compiled(r"\s+(?:province|governorate|state|region)$", re.IGNORECASE)

# a story that goes on about one incident: its date may lie well before the story's
# (lower case, run on lowered text)
_FOLLOW_CUE = compiled(
    r"\b(?:death toll|toll (?:rises|rose|climbs|climbed|has risen)|inquiry|inquest|"
    r"investigation|investigators|probe|correction|corrected|aftermath|funerals?|vigils?|"
    r"mourn\w*|anniversary|charged|trial|in court|court appearance|survivors?|victims of)\b")
# a figure told in a sentence like these is not the incident's own toll
_AGGREGATE_CUE = compiled(
    r"\b(?:this year|last year|a year|per year|each year|every year|annually|so far this|"
    r"since (?:the )?(?:\d{4}|records began|\w+ \d{4})|in total|decades?|history|"
    r"deadliest since|worst since|earlier this (?:year|month)|on (?:the )?roads?|"
    r"road deaths|nationwide|across the country|worldwide|globally)\b", re.IGNORECASE)
# "..., a week after a blast at the site killed 17": an earlier incident, brought in by
# "a"; the figures after these words are its, those before are this one's
_EARLIER_INCIDENT = compiled(
    r"\b(?:weeks?|days?|months?|years?|hours?) (?:after|since|before) (?:a|an|another)\b",
    re.IGNORECASE)
# a date told with who said it is when they spoke, not when it happened
_SPOKEN_ON = compiled(r"\b(?:said|says|told|announced|reported|confirmed|added|stated)"
                     r"(?:\s+\w+){0,2}\s*,?\s*$", re.IGNORECASE)
# "six more bodies", "another 12 died": an increase, not the toll
_INCREMENT = compiled(r"^(?:another|a further|an additional)\b|\b\S+\s+(?:more|additional|"
                     r"further|other)\b(?!\s+than)", re.IGNORECASE)

_BARE_YEAR = compiled(r"(?<![\d,.\-])((?:19|20)\d{2})(?![\d,\-\w])")



@functools.lru_cache(maxsize=4)
def sentence_spans(text: str) -> list[tuple[int, int]]:
    # extraction marks passing figures and then profiles the same text: split it once
    return _sentence_spans(text)


def _kind(title: str, lead: str) -> str | None:
    """The kind of incident the lowered title and lead tell, or None."""
    scores: Counter[str] = Counter()
    lowered = f"{title} {lead}"
    for kind, pattern in _KINDS.items():
        if any(word in lowered for word in _KIND_TRIGGERS[kind]):
            scores[kind] += 3 * len(pattern.findall(title)) + len(pattern.findall(lead))
    if not scores or max(scores.values()) == 0:
        return None
    best = max(scores.values())
    return next(k for k in _KINDS if scores[k] == best)  # ties: the more specific, listed first


def _key(name: str) -> str:
    return fold(name).lower().strip()


def _places(entities: Iterable[Mapping[str, Any]], lead_end: int, title: str
            ) -> tuple[list[str], list[str]]:
    """(towns and areas, countries) named in the title and lead, most named first."""
    known_countries = countries()
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for e in entities:
        if e.get("label") != "LOC" or e["start"] >= lead_end:
            continue
        name = e.get("canonical") or e["text"]
        counts[name] += 1
        first.setdefault(name, e["start"])
    for name in list(counts):
        if name in title:
            counts[name] += 2
    ordered = sorted(counts, key=lambda n: (-counts[n], first[n]))
    towns, nations = [], []
    for name in ordered:
        bare = _AREA_SUFFIX.sub("", name)
        if bare in known_countries:
            nations.append(bare)
        else:
            towns.append(bare)
            nation = country_of(bare)
            if nation and nation not in nations:
                nations.append(nation)
    nations = list(dict.fromkeys(nations))
    return towns[:6], nations[:3]


def _sentence_of(sentences: Sequence[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next(((a, b) for a, b in sentences if a <= pos < b), (pos, pos + 1))


def _incidentiso_day(text: str, dates: Sequence[Mapping[str, Any]], lead_end: int,
                   published: dt.date | None) -> tuple[dt.date | None, str]:
    """The day the lead says it happened ('on Friday' resolved), else the publication day.
    A day someone spoke on ('officials said on Thursday') is not when it happened."""
    lead_days = []
    for d in dates:
        day = iso_day(d.get("value"))
        if d.get("granularity") != "day" or day is None or d["start"] >= lead_end:
            continue
        if _SPOKEN_ON.search(text, max(0, d["start"] - 40), d["start"]):
            continue
        if published is None or (published - dt.timedelta(days=14) <= day <= published):
            lead_days.append(day)
    if lead_days:
        return max(lead_days), "day"
    return published, "report"


def _figure_is_passing(figure: Mapping[str, Any], text: str,
                       sentences: Sequence[tuple[int, int]],
                       dates: Sequence[Mapping[str, Any]], day: dt.date | None) -> bool:
    """A figure of another incident or a period: its sentence dates it away from the
    incident ('in 2018, 757 people died on the roads') or counts over time."""
    a, b = _sentence_of(sentences, figure["start"])
    if _AGGREGATE_CUE.search(text[a:b]):
        return True
    earlier = _EARLIER_INCIDENT.search(text, a, b)
    if earlier and earlier.start() < figure["start"]:
        return True
    if day is None:
        return False
    # a year the date finder leaves alone ("2018 saw 750 deaths") dates a sentence too
    if any(int(y) != day.year for y in _BARE_YEAR.findall(text[a:b])):
        return True
    for d in dates:
        if not (a <= d["start"] < b):
            continue
        value, granularity = str(d.get("value") or ""), d.get("granularity")
        told = iso_day(value)
        if granularity == "day" and told and abs((told - day).days) > 7:
            return True
        if granularity == "year" and value[:4].isdigit() and int(value[:4]) != day.year:
            return True
        if granularity == "month" and value[:7] and value[:7] != day.isoformat()[:7] \
                and re.fullmatch(r"\d{4}-\d{2}", value[:7]):
            months = (day.year - int(value[:4])) * 12 + day.month - int(value[5:7])
            if abs(months) > 1:
                return True
    return False


def _refers_back(kind: str, lead: str) -> bool:
    """The lowered lead names the incident as one already known: 'the earthquake in
    Elazig', "Friday's blast", 'last July's floods'."""
    return bool(_REFERS_BACK[kind].search(lead))


def mark_passing(text: str, casualties: list[dict[str, Any]], dates: Sequence[Mapping[str, Any]],
                 published: str | dt.date | None) -> None:
    """Mark each figure that is not the article's own incident's toll `passing`: a year's
    road deaths beside a bus crash, the toll of an earlier disaster recalled."""
    if not casualties:
        return
    sentences = sentence_spans(text)
    lead_end = sentences[min(LEAD_SENTENCES, len(sentences)) - 1][1] if sentences else len(text)
    day, _ = _incidentiso_day(text, list(dates), lead_end, iso_day(published))
    for f in casualties:
        if _figure_is_passing(f, text, sentences, dates, day):
            f["passing"] = True


def profile(title: str, text: str, extraction: Mapping[str, Any],
            published: str | dt.date | None) -> dict[str, Any] | None:
    """What an article tells of an incident, or None when it reports none: no casualty
    figure, and no attack or disaster word with a place."""
    sentences = sentence_spans(text)
    lead_end = sentences[min(LEAD_SENTENCES, len(sentences)) - 1][1] if sentences else len(text)
    lead = " ".join(text[:lead_end].split())
    pub = iso_day(published)
    dates = list(extraction.get("dates") or [])
    title_lower, lead_lower = title.lower(), lead.lower()
    kind = _kind(title_lower, lead_lower)
    towns, nations = _places(extraction.get("entities") or [], lead_end, title)
    day, precision = _incidentiso_day(text, dates, lead_end, pub)
    figures = []
    for f in extraction.get("casualties") or []:
        if f.get("kind") not in CASUALTY_KINDS or f.get("subset"):
            continue
        a, b = _sentence_of(sentences, f["start"])
        figures.append({
            "kind": f["kind"], "min": f.get("min"), "max": f.get("max"),
            "vague": bool(f.get("vague")), "repeat": bool(f.get("repeat")),
            "start": f["start"], "end": f["end"], "text": f["text"],
            "words": " ".join(text[a:b].split())[:300], "passing": bool(f.get("passing")),
            "increment": bool(_INCREMENT.search(f["text"])), "victims": f.get("victims")})
    own_figures = [f for f in figures if not f["passing"]]
    if not own_figures and not (kind and (towns or nations)):
        return None
    admins = sorted({_ADMIN_SUFFIX.sub("", e.get("canonical") or e["text"])
                     for e in extraction.get("entities") or []
                     if e.get("label") == "LOC"
                     and _ADMIN_SUFFIX.search(e.get("canonical") or e["text"])})
    mentioned = sorted({d["value"][:10] for d in dates
                        if d.get("granularity") == "day" and iso_day(d.get("value"))})
    head = f"{title} {lead[:300]}"
    return {
        "kind": kind, "date": day.isoformat() if day else None, "precision": precision,
        "published": pub.isoformat() if pub else None,
        "towns": towns, "town_keys": [_key(t) for t in towns], "countries": nations,
        "admins": admins, "mentioned_days": mentioned,
        "lead": " ".join(head.split()),
        "new_occurrence": bool(_NEW_CUE.search(title_lower)
                               or _NEW_CUE.search(lead_lower[:200])),
        "follow_up": bool(_FOLLOW_CUE.search(title_lower) or _FOLLOW_CUE.search(lead_lower)),
        "refers_back": bool(kind and _refers_back(kind, lead_lower)),
        "figures": figures,
    }


