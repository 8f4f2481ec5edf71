"""Casualty figures: who was killed, wounded, captured... and how many, as a range."""
from __future__ import annotations

import re
from typing import Any

from extract.numbers import NUMBER_PATTERN, VAGUE, parse_number, vague_min

KIND_WORDS = {
    "killed": r"killed|killing|kills|kill|dead|died|die|dies|deaths?|slain|murdered|"
              r"massacred|executed|lost\s+their\s+lives|perished|fatalities|bodies",
    "wounded": r"wounded|wounding|injured|injuring|injuries|hurt|hospitali[sz]ed",
    "captured": r"captured|capturing|taken\s+prisoner|taken\s+captive|seized",
    "kidnapped": r"kidnapped|kidnapping|abducted|abducting|taken\s+hostage|held\s+hostage",
    "missing": r"missing|unaccounted\s+for",
    "displaced": r"displaced|forced\s+to\s+flee|fled|evacuated|made\s+homeless|left\s+homeless",
    "arrested": r"arrested|arresting|detained|detaining|rounded\s+up|in\s+custody",
}
_KIND_OF = [(kind, re.compile(rf"^(?:{words})$", re.I)) for kind, words in KIND_WORDS.items()]
_ANY_KIND = "|".join(f"(?:{w})" for w in KIND_WORDS.values())

_QUAL = (r"at\s+least|more\s+than|over|nearly|almost|around|about|approximately|roughly|"
         r"some|up\s+to|as\s+many\s+as|fewer\s+than|less\s+than|an\s+estimated|estimated|"
         r"close\s+to|upwards\s+of|no\s+fewer\s+than|a\s+total\s+of|the")
# "some", "many", "few" count too loosely to stand as figures on their own
_VAGUE = "|".join(sorted((w for w in VAGUE if w not in ("some", "many", "few", "a few",
                                                       "numerous")), key=len, reverse=True))
# Things that get counted near casualty words but are not people.
_NOT_PEOPLE = re.compile(
    r"^(?:weapons?|guns?|rifles?|vehicles?|humvees?|tanks?|cars?|trucks?|buildings?|homes?|"
    r"houses?|towns?|villages?|cities|km|kilometres?|kilometers?|miles?|metres?|meters?|"
    r"percent|per|years?|months?|weeks?|days?|hours?|minutes?|times?|dollars?|euros?|"
    r"rounds?|shells?|rockets?|missiles?|bombs?|mines?|square|acres?|hectares?|tonnes?|tons?|"
    r"am|pm|a\.m\.|p\.m\.|o'clock|points?|votes?|seats?|cases?|million|billion)$", re.I)

_QNUM = (rf"(?:(?P<qual>{_QUAL})[ \t]+)?(?P<num>{NUMBER_PATTERN}|(?P<vague>{_VAGUE}))"
         rf"(?:[ \t]+(?:or[ \t]+more|and[ \t]+more|plus))?")
# lower-case words on the same line: victims never cross a line or a capitalised word
_VICTIMS = r"(?P<victims>(?-i:(?:[a-z][\w-]*[ \t]+){0,3}?[a-z][\w-]*?))"
_STOP_VICTIMS = {"and", "or", "but", "in", "on", "at", "of", "the", "a", "an", "by", "more",
                 "as", "to", "with", "from", "after", "during", "when", "while", "were", "was"}
# "soldiers and Popular Mobilisation fighters": a second group joined by "and"
_MORE_VICTIMS = re.compile(r"\s+and\s+(?:[A-Z][\w-]*\s+){0,3}[a-z][\w-]*(?:men|ers|ians|ists|ers|"
                           r"ren|ople|ice|iers|ees|ents|ims|s)\b")

PATTERNS = [
    # "the death toll rose to 45"
    ("toll", re.compile(rf"\bdeath\s+toll\b[^.;]{{0,40}}?\b(?:to|at|of|reached|is|was|stands\s+at|"
                        rf"hit)\s+{_QNUM}", re.I)),
    # "killed 10 policemen", "wounding at least seven", "killing more than 100 soldiers"
    ("verb_num", re.compile(rf"\b(?P<verb>{_ANY_KIND})\s+{_QNUM}(?:\s+(?:of\s+)?(?:the\s+)?"
                            rf"{_VICTIMS})?(?=[\s.,;:)'\"”]|$)", re.I)),
    # "more than 100 soldiers were killed", "around 28 captured", "45 dead", "two people died"
    ("num_verb", re.compile(rf"(?<![\w-]){_QNUM}(?:\s+(?:of\s+)?(?:the\s+)?{_VICTIMS})?"
                            rf"\s+(?:(?:were|was|have\s+been|had\s+been|are|is|being|been|have|"
                            rf"had|reportedly|also|all|later|were\s+reported|"
                            rf"were\s+reportedly|remain|remained|now)\s+)*(?P<verb>{_ANY_KIND})\b",
                            re.I)),
    # "leaving 12 injured", "left 3 dead"
    ("leaving", re.compile(rf"\b(?:leaving|left)\s+{_QNUM}(?:\s+{_VICTIMS})?\s+(?P<verb>{_ANY_KIND})\b",
                           re.I)),
    # "a man was found dead", "a policeman was killed"
    ("one", re.compile(rf"\b(?P<num>an?|one)\s+(?P<victims>(?:[a-z][\w-]*\s+){{0,2}}?(?:man|woman|"
                       rf"boy|girl|child|person|policeman|soldier|civilian|officer|journalist|"
                       rf"worker|student|teenager|resident|pilgrim|passenger|driver|guard|fighter|"
                       rf"militant|doctor|nurse|teacher|tourist|baby|infant|member))\s+"
                       rf"(?:was|has\s+been|had\s+been|is)\s+(?:also\s+)?(?:found\s+)?"
                       rf"(?P<verb>{_ANY_KIND})\b", re.I)),
]


def _kind(verb: str) -> str | None:
    verb = " ".join(verb.lower().split())
    for kind, pattern in _KIND_OF:
        if pattern.match(verb):
            return kind
    return None


def _range(qual: str | None, value: int) -> tuple[int | None, int | None, bool]:
    """(min, max, approx) that the qualifier lets the number mean."""
    q = " ".join((qual or "").lower().split())
    if q in ("at least", "no fewer than", "upwards of"):
        return value, None, False
    if q in ("more than", "over"):
        return value + 1, None, False
    if q in ("up to", "as many as"):
        return 0, value, False
    if q in ("fewer than", "less than"):
        return 0, value - 1, False
    if q in ("nearly", "almost", "close to"):
        return value, value, True
    if q in ("around", "about", "approximately", "roughly", "some", "an estimated",
             "estimated"):
        return value, value, True
    return value, value, False


def find_casualties(text: str, rules: str = "default") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in PATTERNS:
        for m in pattern.finditer(text):
            g = m.groupdict()
            kind = "killed" if name == "toll" else _kind(g.get("verb") or "")
            if kind is None:
                continue
            victims = (g.get("victims") or "").strip() or None
            num_end = m.end("num")
            following = re.match(r"[\s\w-]*", text[num_end:num_end + 40]).group().split()[:3]
            if any(_NOT_PEOPLE.match(w) for w in following):
                continue
            if victims and victims.split()[0].lower() in _STOP_VICTIMS:
                victims = None
            if victims:
                head = victims.split()[-1]
                if _NOT_PEOPLE.match(head) or _NOT_PEOPLE.match(victims.split()[0]):
                    continue
                # "were killed" grabbed as victims: keep only the noun phrase
                victims = re.sub(r"\s+(?:were|was|have|had|are|is)$", "", victims) or None
            num_words = g["num"]
            vague = bool(g.get("vague"))
            if vague:
                vmin, vmax, approx = vague_min(num_words, rules), None, True
            else:
                value = parse_number(num_words)
                if value is None or value > 10_000_000:
                    continue
                if re.fullmatch(r"(?:19|20)\d\d", num_words) and not victims:
                    continue  # "killed in 2014", "2019 ... killed": a year, not a count
                vmin, vmax, approx = _range(g.get("qual"), value)
            if victims and re.search(r"\b(?:families|households)$", victims):
                vmin = vmax = None  # families, not persons: the count of people is unknown
            start, end = m.start(), m.end()
            if name == "verb_num" and not victims:
                end = m.end("num")  # "killed five and": the figure ends at the number
            while start < end and text[start].isspace():
                start += 1
            if name == "verb_num" and victims:
                more = _MORE_VICTIMS.match(text, end)
                if more:
                    victims = f"{victims}{text[end:more.end()]}".strip()
                    victims = " ".join(victims.split())
                    end = more.end()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append({
                "start": start, "end": end, "text": text[start:end], "kind": kind,
                "min": vmin, "max": vmax, "approx": approx, "vague": vague,
                "victims": victims, "subset": False, "repeat": False,
                "definite": (g.get("qual") or "").lower() == "the",
                "rules": rules,
            })
    found.sort(key=lambda f: f["start"])
    found.extend(_subsets(text, found))
    found.sort(key=lambda f: f["start"])
    _mark_subsets_and_repeats(text, found)
    for f in found:
        f.pop("definite")
    return found


_SUBSET = re.compile(rf"\b(?:including|among\s+them|among\s+whom|of\s+whom)\s+{_QNUM}\s+"
                     rf"{_VICTIMS}(?=[\s.,;:)]|$)", re.I)


def _subsets(text: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """"12 injured, including two children": a part of the figure just before it."""
    out = []
    for m in _SUBSET.finditer(text):
        prior = [f for f in found if f["end"] <= m.start() and "." not in text[f["end"]:m.start()]
                 and m.start() - f["end"] < 60]
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


_INCLUDING = re.compile(r"\b(?:including|among\s+them|of\s+whom|among\s+the\s+dead\s+(?:were|are))\s*$",
                        re.I)


def _mark_subsets_and_repeats(text: str, found: list[dict[str, Any]]) -> None:
    seen: list[dict[str, Any]] = []
    for f in found:
        before = text[max(0, f["start"] - 40):f["start"]]
        if _INCLUDING.search(before) and seen:
            f["subset"] = True
        same = [p for p in seen if p["kind"] == f["kind"] and p["min"] == f["min"]
                and p["max"] == f["max"]]
        if same and (f["definite"] or not f["vague"]):
            f["repeat"] = True
        seen.append(f)
