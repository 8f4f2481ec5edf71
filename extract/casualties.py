"""Casualty figures: who was killed, wounded, captured... and how many, as a range."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, cast

from newsdesk.extract.numbers import NUMBER_PATTERN, NUMBER_WORDS, VAGUE, parse_number, vague_min
from newsdesk.extract.patterns import compiled

KIND_WORDS = {
    "killed": r"killed|killing|kills|kill|dead|died|die|dies|deaths?|slain|murdered|"
              r"massacred|executed|lost\s+their\s+lives|perished|fatalities|bodies|"
              r"shot\s+dead|shot\s+to\s+death|shot\s+and\s+killed|gunned\s+down|beheaded|lynched|"
              r"(?:stabbed|beaten|burned|burnt|hacked|crushed|trampled|strangled|tortured|"
              r"bludgeoned|stoned|clubbed)\s+to\s+death",
    "wounded": r"wounded|wounding|wounds|injured|injuring|injures|injuries|hurt|"
               r"hospitali[sz]ed",
    "captured": r"captured|capturing|capture|taken\s+prisoner|taken\s+captive|seized",
    "kidnapped": r"kidnapped|kidnapping|kidnaps|abducted|abducting|abducts|abduction|"
                 r"taken\s+hostage|held\s+hostage",
    "missing": r"missing|unaccounted\s+for",
    "displaced": r"displaced|displacement|forced\s+to\s+flee|fled|evacuated|made\s+homeless|"
                 r"left\s+homeless",
    "arrested": r"arrested|arresting|arrests|arrest|detained|detaining|detains|rounded\s+up|"
                r"in\s+custody",
}
_KIND_OF = [(kind, compiled(rf"^(?:{words})$", re.IGNORECASE)) for kind, words in KIND_WORDS.items()]
_ANY_KIND = "|".join(f"(?:{w})" for w in KIND_WORDS.values())
_ANY_KIND_FLAT = "|".join(KIND_WORDS.values())

_QUAL = (r"at\s+least|more\s+than|over|nearly|almost|around|about|approximately|roughly|"
         r"some|up\s+to|as\s+many\s+as|fewer\s+than|less\s+than|an\s+estimated|estimated|"
         r"close\s+to|upwards\s+of|no\s+fewer\s+than|a\s+total\s+of|the")
# "some", "many", "few" count too loosely to stand as figures on their own
_VAGUE_FLAT = "|".join(VAGUE)
_VAGUE = "|".join(sorted((w for w in VAGUE if w not in ("some", "many", "few", "a few",
                                                       "numerous")), key=len, reverse=True))
# Things that get counted near casualty words but are not people.
_NOT_PEOPLE = compiled(
    r"^(?:weapons?|guns?|rifles?|vehicles?|humvees?|tanks?|cars?|trucks?|buildings?|homes?|"
    r"houses?|towns?|villages?|cities|km|kilometres?|kilometers?|miles?|metres?|meters?|"
    r"percent|per|years?|months?|weeks?|days?|hours?|minutes?|times?|dollars?|euros?|"
    r"rounds?|shells?|rockets?|missiles?|bombs?|mines?|square|acres?|hectares?|tonnes?|tons?|"
    r"am|pm|a\.m\.|p\.m\.|o'clock|points?|votes?|seats?|cases?|million|billion|"
    r"blasts?|explosions?|attacks?|bombings?|incidents?|accidents?|crashes|number)$", re.IGNORECASE)

# a day or month right after the number: "killing seven Thursday" names no victims
_TIME_WORD = compiled(r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|"
                     r"today|january|february|march|april|june|july|august|september|"
                     r"october|november|december)$", re.IGNORECASE)

_PERSON = (r"man|woman|boy|girl|child|person|policeman|policewoman|soldier|civilian|officer|"
           r"journalist|worker|student|teenager|resident|pilgrim|passenger|driver|guard|fighter|"
           r"militant|doctor|nurse|teacher|tourist|baby|infant|member|head|chief|leader|"
           r"commander|mayor|governor|official|imam|priest|pastor|villager|farmer|herder|trader|"
           r"shopkeeper|businessman|suspect|thief|wife|husband|son|daughter|mother|father|"
           r"brother|sister|owner|activist|lawyer|judge|candidate|councillor|councilor|elder|victim|"
           r"bodyguard|deputy|sibling|nephew|niece|cousin|relative|employee|ranger|vendor|prisoner|"
           r"laborer|labourer|dealer|personnel|patient|detainee|protester|demonstrator|adolescent|"
           r"teen|youth|minor|pedestrian|motorcyclist|cyclist|rider|conductor|hostage|pupil|"
           r"[a-z]+man|[a-z]+woman|perpetrator|assailant|attacker|suspect|son|commander")

_PERSON_HEAD = compiled(rf"\b(?:{_PERSON})(?:s|es|men)?$|\b(?:men|women|people|children)$",
                       re.IGNORECASE)

# a range: "between 40 and 55", "10-15", "30 to 45" (its low end; `num` is its high end)
# (the low end is digits or one number word: the full number pattern here, in every
# pattern that counts, tripled the time the module takes to compile)
_LOW_WORD = rf"\d[\d,]*|(?:{'|'.join(w for w in NUMBER_WORDS if w not in ('a', 'an'))})(?:-\w+)?"
_LOW = (rf"(?:between[ \t]+(?P<lo>{_LOW_WORD})[ \t]+(?:and|to)[ \t]+|(?P<lo2>\d+)[ \t]*[-–][ \t]*(?=\d)|"
        rf"(?P<lo3>{_LOW_WORD})[ \t]+to[ \t]+)")
_QNUM = (rf"(?:(?P<qual>{_QUAL})[ \t]+)?{_LOW}?(?P<num>{NUMBER_PATTERN}|(?P<vague>{_VAGUE}))"
         rf"(?P<more>[ \t]+(?:or[ \t]+more|and[ \t]+more|plus))?")
_AUX = (r"were|was|have\s+been|has\s+been|had\s+been|are|is|being|been|have|had|reportedly|also|all|later|"
        r"were\s+reported|were\s+reportedly|remain|remained|now|confirmed|still|then|presumed")
# up to five words on the same line: "soldiers", "Buddhist pilgrims from Myanmar"
_WORD = r"(?!(?:and|or)\b)[A-Za-z][\w'’-]*"
_VICTIMS = rf"(?P<victims>(?:{_WORD}[ \t]+){{0,4}}?{_WORD}?)"
# list items run to their separator: "five Armed Forces personnel, and one member of …"
_VICTIMS_ALL = rf"(?P<victims>(?:{_WORD}[ \t]+){{0,4}}{_WORD})"
_STOP_VICTIMS = {"and", "or", "but", "in", "on", "at", "of", "the", "a", "an", "by", "more",
                 "as", "to", "with", "from", "after", "during", "when", "while", "were", "was",
                 "have", "has", "had", "are", "is", "who", "which", "that", "would", "will",
                 "could", "may", "might", "since", "for", "than", "this", "last", "per"}
# "a plot to kill", "one of the highest death tolls": words that end no victim phrase
_BAD_VICTIM_END = {"to", "of", "the", "a", "an", "and", "or", "would", "will", "could", "may",
                   "might", "highest", "lowest", "possible", "potential", "likely", "plot",
                   "threat", "threats", "risk", "penalty", "per"}
# a noun form takes no victims between it and its number: "750 deaths", not "a possible death"
_NOUN_FORMS = {"death", "deaths", "injuries", "fatalities", "bodies", "abduction",
               "displacement", "arrests", "arrest", "capture"}
_NOUN_ADJECTIVES = {"confirmed", "reported", "civilian", "additional", "further", "new",
                    "more", "other", "recorded", "known"}
# "soldiers and Popular Mobilisation fighters": a second group joined by "and"
_MORE_VICTIMS = compiled(r"\s+and\s+(?:[A-Z][\w-]*\s+){0,3}[a-z][\w-]*(?:men|ers|ians|ists|ers|"
                        r"ren|ople|ice|iers|ees|ents|ims|s)\b")

PATTERNS = [
    # "the death toll rose to 45"
    # "the number of people killed in the crash rose to 27", "the death count reached 9"
    ("toll", compiled(rf"\b(?:death\s+tolls?|death\s+count|body\s+count|number\s+of\s+"
                     rf"(?:people\s+|those\s+)?(?:dead|deaths|killed|fatalities))\b[^.;]{{0,90}}?\b(?:to|at|of|reached|is|was|"
                     rf"stands\s+at|hit|(?P<over>exceeded|topped|surpassed|passed))\s+"
                     # "the death toll from the blast at a plant": "a" counts nothing here
                     rf"(?!an?\s+(?!dozen|hundred|thousand|score)){_QNUM}",
                     re.IGNORECASE)),
    # "a man and a woman were shot dead", "the district head and his bodyguard were killed"
    ("pair", compiled(rf"\b(?:the|a|an|one)\s+(?P<num>)(?P<victims>(?:[a-z][\w-]*\s+){{0,2}}?"
                     rf"(?:{_PERSON})\s+and\s+(?:the|a|an|one|his|her|their)\s+"
                     rf"(?:[a-z][\w-]*\s+){{0,2}}?(?:{_PERSON}))\s+(?:(?:were|have\s+been|"
                     rf"had\s+been|also|later|both|found|reportedly)\s+)*(?P<verb>{_ANY_KIND})\b",
                     re.IGNORECASE)),
    # "both victims died", "both men were killed"
    ("both", compiled(rf"\b(?P<num>both)\s+(?:of\s+the\s+)?(?P<victims>(?:[a-z][\w-]*\s+)?"
                     rf"(?:(?:{_PERSON})s|men|women|children|people))\s+(?:(?:were|have\s+been|"
                     rf"had\s+been|later|also|reportedly)\s+)*(?P<verb>{_ANY_KIND})\b",
                     re.IGNORECASE)),
    # "a body was found", "the body of a woman was found"
    ("a_body", compiled(rf"\b(?P<num>an?|one|the|his|her)\s+(?:dead\s+|decomposed\s+|charred\s+|"
                       rf"burned\s+|lifeless\s+)?(?P<verb>body)\s+(?:of\s+(?P<victims>an?\s+"
                       rf"(?:[a-z][\w-]*\s+){{0,2}}?(?:{_PERSON}))\s+)?(?:with\s+[^.;]{{0,60}}?)?"
                       rf"(?:was|has\s+been|had\s+been)\s+(?:found|discovered|recovered)\b",
                       re.IGNORECASE)),
    # "killed 10 policemen", "wounding at least seven", "killing more than 100 soldiers"
    ("verb_num", compiled(rf"\b(?P<verb>{_ANY_KIND})\s+{_QNUM}(?:[ \t]+(?:of[ \t]+)?(?:the[ \t]+)?"
                         rf"{_VICTIMS})?(?=[\s.,;:)'\"”]|$)", re.IGNORECASE)),
    # "more than 100 soldiers were killed", "around 28 captured", "45 dead", "two people died"
    ("num_verb", compiled(rf"(?<![\w-])[\"“]?{_QNUM}(?:[ \t]+(?:of[ \t]+)?(?:the[ \t]+)?{_VICTIMS})?[\"”]?"
                         rf"(?:[ \t]*\([^()]{{1,60}}\))?"
                         rf"(?P<incl>,\s*including\s[^,.;]{{1,40}},)?"
                         rf"\s+(?:(?:{_AUX})\s+)*(?P<verb>{_ANY_KIND})\b", re.IGNORECASE)),
    # "2 members of the regime's Air Force Intelligence were killed", "nine fighters from
    # the 5th Brigade (military police) were reported killed": who they were, at length
    ("num_of_verb", compiled(rf"(?<![\w-]){_QNUM}[ \t]+(?P<victims>(?:{_PERSON})(?:s|es|men)?|"
                            rf"members?|people|men|women|children)[ \t]+(?:of|from)[ \t]+"
                            rf"[^,.;:()\n\"“”]{{3,80}}?(?:[ \t]*\([^()\n]{{1,60}}\))?[ \t]+"
                            rf"(?:were|was)[ \t]+(?:(?:reportedly|reported|allegedly|later|also|all)"
                            rf"[ \t]+)?(?P<verb>{_ANY_KIND})\b", re.IGNORECASE)),
    # "the death of at least 50 people", "the deaths of hundreds of soldiers"
    ("noun_of", compiled(rf"\b(?P<verb>deaths?|killing|wounding|injuring|abduction|kidnapping|bodies|"
                        rf"arrest|capture|displacement)\s+of\s+(?:all\s+)?{_QNUM}"
                        rf"(?:[ \t]+(?:of[ \t]+)?{_VICTIMS})?(?=[\s.,;:)'\"”]|$)",
                        re.IGNORECASE)),
    # "leaving 12 injured", "left 3 dead"
    ("leaving", compiled(rf"\b(?:leaving|left)\s+{_QNUM}(?:\s+{_VICTIMS})?\s+(?P<verb>{_ANY_KIND})\b",
                        re.IGNORECASE)),
    # "one child was, according to officials, among the dead": part of a toll
    ("among", compiled(rf"(?<![\w-]){_QNUM}\s+{_VICTIMS}\s+(?:was|were)(?:,[^,.;]{{0,50}},)?\s+"
                      rf"(?:also\s+)?among\s+the\s+(?P<verb>dead|killed|injured|wounded|missing)\b",
                      re.IGNORECASE)),
    # "killed the village head", "abducted the driver": one person, named by role
    ("the_one", compiled(rf"\b(?P<verb>{_ANY_KIND})\s+(?P<qual>the)\s+(?P<num>)"
                        rf"(?P<victims>(?:\w[\w-]*\s+){{0,2}}?(?:{_PERSON}))\b", re.IGNORECASE)),
    # "shot two men to death", "stabbed the driver to death", "shot him dead": the verb
    # before its victims, the death after them
    ("obj_death", compiled(rf"\b(?P<verb>shot|stabbed|hacked|beaten|burned|burnt)\s+{_QNUM}"
                          rf"[ \t]+{_VICTIMS}\s+(?:to\s+death|dead)\b", re.IGNORECASE)),
    ("obj_death_one", compiled(rf"\b(?P<verb>shot|stabbed|hacked|beaten|burned|burnt)\s+"
                              rf"(?P<qual>the|a|an)\s+(?P<num>)(?P<victims>(?:[a-z][\w-]*\s+)"
                              rf"{{0,2}}?(?:{_PERSON}))\s+(?:to\s+death|dead)\b",
                              re.IGNORECASE)),
    # "the driver died", "the victim later died in hospital"
    ("one_died", compiled(rf"\b(?P<num>an?|one|the)\s+(?P<victims>(?:\w[\w-]*\s+){{0,2}}?"
                         rf"(?:{_PERSON}))\s+(?:(?:later|also|subsequently|then)\s+)?"
                         rf"(?P<verb>died|perished|succumbed)\b", re.IGNORECASE)),
    # "a man was found dead", "a policeman was killed"
    ("one", compiled(rf"\b(?P<num>an?|one|the)\s+(?P<victims>(?:\w[\w-]*\s+){{0,2}}?(?:{_PERSON}))\s+"
                    rf"(?:was|has\s+been|had\s+been|is)\s+(?:also\s+)?(?:found\s+)?"
                    rf"(?P<verb>{_ANY_KIND})\b", re.IGNORECASE)),
    # the last of a list: "two soldiers and a civilian were killed" (the list before it is
    # read as its items)
    ("one_last", compiled(rf"(?<=\band )(?P<num>an?|one)\s+(?P<victims>(?:\w[\w-]*\s+){{0,2}}?"
                         rf"(?:{_PERSON}))\s+were\s+(?:(?:{_AUX})\s+)*(?P<verb>{_ANY_KIND})\b",
                         re.IGNORECASE)),
]


# patterns whose figure is a death whatever their verb ("shot ... to death"), and those
# whose count the words fix (one person named by role, two joined by "and")
_DEATH_PATTERNS = {"toll", "obj_death", "obj_death_one", "one_died", "a_body"}
_FIXED = {"the_one": 1, "obj_death_one": 1, "one_died": 1, "a_body": 1, "one": 1, "pair": 2,
          "both": 2}
_ONE_WORDS = {"a", "an"}


def _kind(verb: str) -> str | None:
    verb = " ".join(verb.lower().split())
    for kind, pattern in _KIND_OF:
        if pattern.match(verb):
            return kind
    return None


def _low_end(g: Mapping[str, Any], high: int) -> int | None:
    """The low end of a range ("between 40 and 55": 40), None when the number stands
    alone or the two do not make a range ("2010-11" is no count)."""
    words = g.get("lo") or g.get("lo2") or g.get("lo3")
    low = parse_number(words) if words else None
    return low if low is not None and low < high else None


def _range(qual: str | None, value: int) -> tuple[int | None, int | None, bool]:
    """(min, max, approx) that the qualifier lets the number mean."""
    q = " ".join((qual or "").lower().split())
    if q in ("at least", "no fewer than", "upwards of"):
        return value, None, False
    if q in ("more than", "over"):
        return value + 1, None, False
    if q in ("up to", "as many as"):
        return None, value, False
    if q in ("fewer than", "less than"):
        return None, value - 1, False
    if q in ("nearly", "almost", "close to"):
        return value, value, True
    if q in ("around", "about", "approximately", "roughly", "some", "an estimated",
             "estimated"):
        return value, value, True
    return value, value, False


_KIND_WORD = compiled(rf"\b(?:{_ANY_KIND})\b", re.IGNORECASE)
# what opens a paragraph to the patterns: a casualty word, or "body" ("the body of a woman
# was found"), which is no casualty word where it stands alone ("a governing body")
_PARAGRAPH_WORD = compiled(rf"\b(?:{_ANY_KIND}|body)\b", re.IGNORECASE)


# Every pattern starts at a casualty word or at a number (or its qualifier); trying only the
# words that can open one (rather than every character, as finditer does) keeps the long
# alternations cheap.
_TOKEN = compiled(r"[\"“]|\w+")
_NUMBER_PATTERNS = {"num_verb", "num_of_verb", "one_last", "among", "one", "pair", "one_died",
                    "a_body", "both"}


def _top_level(alternation: str) -> list[str]:
    """Split a regex alternation at its top-level bars."""
    parts, depth, cur = [], 0, ""
    for ch in alternation:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [*parts, cur]


def _first_words(alternation: str) -> re.Pattern[str]:
    firsts = {re.split(r"\\s[+*]", alt, maxsplit=1)[0] for alt in _top_level(alternation)}
    return compiled(rf"(?:{'|'.join(sorted(firsts))})$", re.IGNORECASE)


_VERB_FIRST = _first_words(_ANY_KIND_FLAT + "|death|leaving|left|abduction|arrest|capture|number|body")
_NUMBER_FIRST = _first_words(f"{_QUAL}|{_VAGUE_FLAT}|{'|'.join(NUMBER_WORDS)}|between|both|his|her")


@lru_cache(maxsize=16384)
def _opens(token: str) -> tuple[bool, bool]:
    """(can open a verb-first pattern, can open a number-first pattern)."""
    if token in "\"“":
        return False, True
    return bool(_VERB_FIRST.match(token)), token[0].isdigit() or bool(_NUMBER_FIRST.match(token))


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]
                ) -> Iterator[re.Match[str]]:
    """finditer's non-overlapping leftmost matches, tried at the given positions only."""
    end = -1
    for pos in starts:
        if pos < end:
            continue
        m = pattern.match(text, pos)
        if m:
            end = max(m.end(), pos + 1)
            yield m


def _casualty_paragraphs(text: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for t in _TOKEN.finditer(text):
        pos = t.start()
        if (windows and pos < windows[-1][1]) or not _opens(t.group().lower())[0]:
            continue
        m = _PARAGRAPH_WORD.match(text, pos)
        if not m:
            continue
        lo = text.rfind("\n", 0, pos) + 1
        hi = text.find("\n", m.end())
        windows.append((lo, len(text) if hi == -1 else hi))
    return windows


_ITEM = rf"{_QNUM}\s+(?:of\s+)?{_VICTIMS_ALL}"
_ITEM_AFTER = compiled(rf"(?:,\s*and|,|\s+and)\s+{_ITEM}(?=[\s.,;:)]|$)", re.IGNORECASE)
_ITEM_BEFORE = compiled(rf"(?<![\w-]){_ITEM}\s*(?:,\s*and|,|\band)\s*$", re.IGNORECASE)
_ENDS_ON_VERB = compiled(rf"\b(?:{_ANY_KIND_FLAT})$", re.IGNORECASE)
# "3 militants were killed, injured or captured", "12 killed or wounded"
_OR_WOUNDED = compiled(r"(?:\s*,\s*(?:injured|wounded|captured|arrested))*\s*,?\s+or\s+"
                      r"(?:injured|wounded|captured|arrested|hurt)\b", re.IGNORECASE)
# "380 people died or went missing": a count of the dead and the missing together
_OR_MISSING = compiled(r"\s+or\s+(?:went\s+|are\s+|were\s+|remain\s+)?(?:missing|"
                      r"unaccounted\s+for)\b", re.IGNORECASE)
_BREAKDOWN = compiled(r"\b(?P<verb>deaths|dead|killed|injured|wounded|missing|arrested)\s+"
                     r"(?:are|were|include|included)\s+", re.IGNORECASE)
_AS_WERE = compiled(rf",\s*as\s+(?:were|was|did)\s+{_QNUM}(?:\s+{_VICTIMS_ALL})?"
                   rf"(?=[\s.,;:)]|$)", re.IGNORECASE)


def _trigger_starts(text: str, windows: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Where a pattern may start: at a casualty verb, or at a number."""
    verb_starts, number_starts = [], []
    for lo, hi in windows:
        for t in _TOKEN.finditer(text, lo, hi):
            verb_first, number_first = _opens(t.group().lower())
            if verb_first:
                verb_starts.append(t.start())
            if number_first:
                number_starts.append(t.start())
    return verb_starts, number_starts


_SKIP = object()  # a match that is no casualty figure


def _victims(name: str, kind: str, m: re.Match[str], text: str) -> str | None | object:
    """Who the figure counts ("soldiers"), None when unsaid, or _SKIP when the words around
    the number show it counts something else (weapons, a year, a definition)."""
    g = m.groupdict()
    victims = (g.get("victims") or "").strip() or None
    num_end = m.end("num")
    # [ \t\w-]* matches the empty string too, so there is always a match
    following = re.match(r"[ \t\w-]*", text[num_end:num_end + 40]).group().split()[:3]  # type: ignore[union-attr]
    if name != "the_one" and any(_NOT_PEOPLE.match(w) for w in following):
        return _SKIP
    if victims and victims.split()[0].lower() in _STOP_VICTIMS:
        victims = None
    if victims and victims.split()[-1].lower() in _BAD_VICTIM_END:
        return _SKIP
    verb = " ".join((g.get("verb") or "").lower().split())
    if name == "num_verb" and verb in _NOUN_FORMS and victims and any(
            w.lower() not in _NOUN_ADJECTIVES for w in victims.split()):
        return _SKIP
    if name == "num_verb" and re.search(r"\b(?:are|is)\s+$", text[:m.start("verb")]) and \
            kind in ("killed", "wounded", "kidnapped", "arrested", "captured") and \
            verb not in ("dead", "missing"):
        return _SKIP  # "where four or more people are killed": a definition, not a report
    if victims and _TIME_WORD.match(victims.split()[0]):
        victims = None
    if (g.get("num") or "").lower() in _ONE_WORDS and (
            (name == "verb_num" and (g.get("qual") or "").lower() == "over")
            or (name == "num_verb" and re.search(r"\bwere\s+$", text[:m.start("verb")]))):
        return _SKIP  # "killed over a property dispute", "a robbery were lynched": no count
    if name == "num_verb" and re.search(r"\bbodies\s+of\s+$", text[max(0, m.start() - 12):
                                                                     m.start()]):
        return _SKIP  # "the bodies of 2 civilians with gunshot wounds": dead, not wounded
    if victims:
        head = victims.split()[-1]
        if _NOT_PEOPLE.match(head) or (
                name != "the_one" and _NOT_PEOPLE.match(victims.split()[0])):
            return _SKIP
        # "were killed" grabbed as victims: keep only the noun phrase
        victims = re.sub(r"\s+(?:were|was|have|had|are|is)$", "", victims) or None
    return victims


def _figure_range(name: str, g: dict[str, Any], victims: str | None, rules: str
                  ) -> tuple[int | None, int | None, bool, bool] | None:
    """(min, max, approx, vague) the words give, or None when the number is no count."""
    num_words = g["num"]
    vague = bool(g.get("vague"))
    vmin: int | None
    vmax: int | None
    if vague:
        vmin, vmax, approx = vague_min(num_words, rules), None, True
    else:
        value = _FIXED.get(name) or parse_number(num_words)
        if value is None or value > 10_000_000:
            return None
        if re.fullmatch(r"(?:19|20)\d\d", num_words) and not victims:
            return None  # "killed in 2014", "2019 ... killed": a year, not a count
        vmin, vmax, approx = _range(g.get("qual"), value)
        low = _low_end(g, value)
        if low is not None:
            vmin, vmax = low, value
        if g.get("more") or g.get("over"):
            vmin, vmax = (vmin + 1 if g.get("over") and vmin is not None else vmin), None
    if victims and re.search(r"\b(?:families|households)$", victims):
        vmin = vmax = None  # families, not persons: the count of people is unknown
    return vmin, vmax, approx, vague


def _figure_extent(name: str, m: re.Match[str], text: str, victims: str | None
                   ) -> tuple[int, int, str | None]:
    """(start, end, victims) of the words the figure spans."""
    start, end = m.start(), m.end()
    if name == "verb_num" and not victims:
        end = m.end("num")  # "killed five and": the figure ends at the number
    while start < end and text[start].isspace():
        start += 1
    if name == "verb_num" and victims:
        more = _MORE_VICTIMS.match(text, end)
        if more:
            victims = " ".join(f"{victims}{text[end:more.end()]}".strip().split())
            end = more.end()
    return start, end, victims


def find_casualties(text: str, rules: str = "default") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    # Only paragraphs with a casualty word can hold a figure; scanning just those keeps the
    # patterns (which try a number at every position) off most of the text.
    windows = _casualty_paragraphs(text)
    if not windows:
        return []
    verb_starts, number_starts = _trigger_starts(text, windows)
    for name, pattern in PATTERNS:
        starts = number_starts if name in _NUMBER_PATTERNS else verb_starts
        for m in _matches_at(pattern, text, starts):
            g = m.groupdict()
            kind = ("killed" if name in _DEATH_PATTERNS else _kind(g.get("verb") or ""))
            if kind is None:
                continue
            said = _victims(name, kind, m, text)
            if said is _SKIP:
                continue
            victims = cast(str | None, said)
            numbers = _figure_range(name, g, victims, rules)
            if numbers is None:
                continue
            vmin, vmax, approx, vague = numbers
            start, end, victims = _figure_extent(name, m, text, victims)
            if any(s < end and start < e for s, e in taken):
                continue
            if _BACKGROUND.search(text, max(0, start - 70), start):
                continue  # "a protest over the death of a student": no casualty of this report
            taken.append((start, end))
            found.append({
                "start": start, "end": end, "text": text[start:end], "kind": kind,
                "min": vmin, "max": vmax, "approx": approx, "vague": vague,
                "victims": victims, "subset": name == "among", "repeat": False,
                "definite": (g.get("qual") or g.get("num") or "").lower() == "the",
                "rules": rules,
            })
    found.sort(key=lambda f: f["start"])
    found.extend(_killed_after(text, found))
    found.extend(_list_items(text, found, taken, rules))
    found.extend(_subsets(text, found))
    found.sort(key=lambda f: f["start"])
    _mark_subsets_and_repeats(text, found)
    if rules == "acled":
        _coded_total(text, found)
    for f in found:
        f.pop("definite")
        joined = _OR_MISSING.match(text, f["end"]) if f["kind"] == "killed" else None
        if joined:  # not a toll of the killed: the dead are somewhere inside it
            f.update(kind="missing", dead_or_missing=True, end=joined.end(),
                     text=text[f["start"]:joined.end()])
        either = _OR_WOUNDED.match(text, f["end"]) if f["kind"] == "killed" else None
        if either:  # "killed or injured": the dead are among them, how many is not said
            f.update(kind="wounded", dead_or_wounded=True, end=either.end(),
                     text=text[f["start"]:either.end()])
    return found


# deaths that are the cause or background of what is reported, not its casualties: "a
# protest over the death of", "justice for a youth who was killed", "the family of a man
# who died", "in retaliation for the killing of". (Not mourning or a vigil: a follow-up
# story's "mourning for the nine people killed" tells its incident's toll.)
_BACKGROUND = compiled(
    r"(?:\b(?:protest\w*|demonstrat\w*|rall(?:y|ies|ied)|march(?:ed|es|ing)?|"
    r"outrage\w*|anger|angry|condemn\w*|justice|compensation|retaliation|revenge|"
    r"aveng\w+|inquiry|investigation|trial|accused|charged|demand\w*)\b[^.;]{0,50}?"
    r"\b(?:over|against|for|into|about|of)\s+(?:the\s+|an?\s+)?"
    r"(?:alleged\s+|recent\s+|earlier\s+)?|\b(?:family|families|relatives|friends|parents|"
    r"widow|killers?|murderers?)\s+of\s+)\Z", re.IGNORECASE)


# an ACLED coder's own reading of the reports: "Fatalities coded as 3 (VoJ reported 6)",
# "Dozens of fatalities coded as 12", "2 fatalities coded"
_CODED = compiled(rf"\b(?:fatalities(?:\s+and\s+injuries)?\s+(?:were\s+|are\s+)?coded\s+as\s+"
                 rf"(?P<num>{NUMBER_PATTERN})|(?P<num2>{NUMBER_PATTERN})\s+fatalit(?:y|ies)\s+"
                 rf"(?:were\s+|was\s+)?coded\b)", re.IGNORECASE)


def _coded_total(text: str, found: list[dict[str, Any]]) -> None:
    """With the ACLED rules, the coder's coded figure is the note's toll: the figures of
    the reports it weighs are repeats of it."""
    m = _CODED.search(text)
    value = parse_number(m.group("num") or m.group("num2")) if m else None
    if m is None or value is None:
        return
    for f in found:
        if f["kind"] == "killed":
            f["repeat"] = True
    found.append({"start": m.start(), "end": m.end(), "text": m.group(), "kind": "killed",
                  "min": value, "max": value, "approx": False, "vague": False,
                  "victims": None, "subset": False, "repeat": False, "definite": False,
                  "rules": "acled"})
    found.sort(key=lambda f: f["start"])


# "was abducted and later killed", "were wounded and then shot dead": the same people die
_AND_KILLED = compiled(rf"(?:\s+by\s+[^,.;]{{1,40}}?)?\s+and\s+(?:(?:later|then|subsequently|"
                      rf"eventually|was|were|had\s+been|been)\s+)*"
                      rf"(?P<verb>{KIND_WORDS['killed']})\b", re.IGNORECASE)


def _killed_after(text: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for f in found:
        if f["kind"] in ("killed", "displaced", "missing"):
            continue
        m = _AND_KILLED.match(text, f["end"])
        if m and not any(g["start"] < m.end() and m.start("verb") < g["end"] for g in found):
            out.append({**f, "kind": "killed", "start": m.start("verb"), "end": m.end(),
                        "text": m.group("verb")})
    return out


def _item(m: re.Match[str], text: str, kind: str, rules: str, subset: bool,
          bare: bool = False) -> dict[str, Any] | None:
    """One figure of a list: "killing 5 civilians and 2 soldiers"."""
    victims = m.groupdict().get("victims")
    vmin: int | None
    vmax: int | None
    if m.group("vague"):
        vmin, vmax, approx = vague_min(m.group("num"), rules), None, True
    else:
        value = parse_number(m.group("num"))
        if value is None:
            return None
        vmin, vmax, approx = _range(m.group("qual"), value)
        low = _low_end(m.groupdict(), value)
        if low is not None:
            vmin = low
    if m.group("num").lower() in _ONE_WORDS and not (victims and _PERSON_HEAD.search(victims)):
        return None  # "a shoot-out broke out and …": no one counted
    if victims:
        words = victims.split()
        if any(_NOT_PEOPLE.match(w) for w in words) or re.search(
                rf"\b(?:{_ANY_KIND})\b", victims, re.IGNORECASE):
            return None
        if words[0].lower() in _STOP_VICTIMS or words[-1].lower() in _BAD_VICTIM_END:
            if not bare:
                return None  # "… died and 35 were rescued"
            victims = None  # "as were seventeen from the Armed Forces": a count without a noun
    start = m.start("qual") if m.group("qual") else m.start("num")
    end = m.end()
    return {"start": start, "end": end, "text": text[start:end], "kind": kind, "min": vmin,
            "max": vmax, "approx": approx, "vague": bool(m.group("vague")), "victims": victims,
            "subset": subset, "repeat": False, "definite": False, "rules": rules}


def _list_items(text: str, found: list[dict[str, Any]], taken: list[tuple[int, int]],
                rules: str) -> list[dict[str, Any]]:
    """Figures that share one casualty word: "150 soldiers, 95 civilians and hundreds of
    fighters killed", "killing 5 civilians and 2 soldiers", "the dead were two men and a boy"."""
    out: list[dict[str, Any]] = []

    def add(item: dict[str, Any] | None) -> bool:
        if item is None or any(s < item["end"] and item["start"] < e for s, e in taken):
            return False
        taken.append((item["start"], item["end"]))
        out.append(item)
        return True

    for f in found:
        pos = f["end"]
        # a figure that ends on its verb ends its sentence's list: "Four were killed, a
        # spokesman said" names no one more
        ends_on_verb = bool(_ENDS_ON_VERB.search(f["text"]))
        while not ends_on_verb and (m := _ITEM_AFTER.match(text, pos)) \
                and add(_item(m, text, f["kind"], rules, False)):
            pos = m.end()
        if f["victims"] is None or f["text"][:1].lower() != text[f["start"]:f["start"] + 1].lower() \
                or not re.match(rf"[\"“]?(?:{_QUAL}|{NUMBER_PATTERN}|{_VAGUE})", f["text"], re.IGNORECASE):
            continue  # only a figure that opens with its number closes a list before it
        pos = f["start"]
        while (m := _ITEM_BEFORE.search(text, max(0, pos - 80), pos)) and \
                add(_item(m, text, f["kind"], rules, False)):
            pos = m.start()
    for b in _BREAKDOWN.finditer(text):
        kind = _kind(b.group("verb"))
        if kind is None:
            continue
        earlier = any(f["kind"] == kind and f["end"] <= b.start() for f in found)
        m = compiled(rf"(?:the\s+)?{_ITEM}(?=[\s.,;:)]|$)", re.IGNORECASE).match(text, b.end())
        while m and add(_item(m, text, kind, rules, earlier)):
            m = _ITEM_AFTER.match(text, m.end())
    for m in _AS_WERE.finditer(text):
        prior = [f for f in found + out if f["end"] <= m.start()
                 and "." not in text[f["end"]:m.start()]]
        if prior:
            add(_item(m, text, prior[-1]["kind"], rules, False, bare=True))
    return out


_SUBSET = compiled(rf"\b(?:including|among\s+them|among\s+whom|of\s+whom)\s+{_QNUM}\s+"
                  rf"{_VICTIMS}(?=[\s.,;:)]|$)", re.IGNORECASE)


def _subsets(text: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """"12 injured, including two children": a part of the figure just before it."""
    out = []
    for m in _SUBSET.finditer(text):
        prior = [f for f in found if f["start"] < m.start() and (
            f["end"] > m.start() or ("." not in text[f["end"]:m.start()]
                                     and m.start() - f["end"] < 60))]
        if not prior or m.group("vague"):
            continue
        value = parse_number(m.group("num"))
        victims = m.group("victims")
        if value is None or _NOT_PEOPLE.match(victims.split()[-1]):
            continue
        vmin, vmax, approx = _range(m.group("qual"), value)
        parent = prior[-1]
        out.append({"start": m.start(), "end": m.end(), "text": m.group(), "kind": parent["kind"],
                    "min": vmin, "max": vmax, "approx": approx, "vague": False,
                    "victims": victims, "subset": True, "repeat": False, "definite": False,
                    "rules": parent["rules"]})
    return out


_INCLUDING = compiled(r"\b(?:including|among\s+them|of\s+whom|among\s+the\s+dead\s+(?:were|are))\s*$",
                     re.IGNORECASE)


# victims that name no one in particular: a figure of them may tell any earlier one again
_ANYONE = {"people", "person", "persons", "individual", "individuals", "other", "others",
           "victim", "victims", "body", "bodies", "civilian", "civilians", "one", "ones"}


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-3] + "man" if word.endswith("men") else re.sub(r"(?<=[a-z])e?s$", "", word)


def _others(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two figures count different people: "a woman died and the man died", not
    "100 soldiers" and "100 soldiers and militia fighters"."""
    words_a = (a.get("victims") or "").split()
    words_b = (b.get("victims") or "").split()
    if not words_a or not words_b or words_a[-1].lower() in _ANYONE \
            or words_b[-1].lower() in _ANYONE:
        return False
    heads_a, heads_b = {_singular(w) for w in words_a}, {_singular(w) for w in words_b}
    return _singular(words_a[-1]) not in heads_b and _singular(words_b[-1]) not in heads_a


def _mark_subsets_and_repeats(text: str, found: list[dict[str, Any]]) -> None:
    seen: list[dict[str, Any]] = []
    for f in found:
        before = text[max(0, f["start"] - 40):f["start"]]
        if _INCLUDING.search(before) and seen:
            f["subset"] = True
        same = [p for p in seen if p["kind"] == f["kind"] and p["min"] == f["min"]
                and p["max"] == f["max"] and not _others(p, f)]
        if same and (f["definite"] or not f["vague"]):
            f["repeat"] = True
        seen.append(f)
