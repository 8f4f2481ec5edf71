"""Numbers as news writes them: digits, number words, and vague quantities."""
from __future__ import annotations

import re

UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}

NUMBER_WORDS = sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True)
_WORD = "|".join(NUMBER_WORDS)
# "twenty-five", "one hundred and five", "2,300", "1.5 million"
NUMBER_PATTERN = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s+(?:million|thousand))?"
    rf"|(?:(?:{_WORD})(?:[\s-]+(?:and\s+)?(?:{_WORD}))*)"
)
NUMBER_RE = re.compile(rf"\b(?:{NUMBER_PATTERN})\b", re.IGNORECASE)


def parse_number(words: str) -> int | None:
    """'twenty-five' -> 25, '1,200' -> 1200, 'one hundred and five' -> 105, '1.5 million'."""
    s = words.strip().lower().replace(",", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s+(million|thousand))?", s)
    if m:
        value = float(m.group(1)) * (SCALES.get(m.group(2) or "", 1))
        return int(value)
    total = current = 0
    seen = False
    for tok in re.split(r"[\s-]+", s):
        if tok == "and":
            continue
        if tok in UNITS:
            current += UNITS[tok]
        elif tok in TENS:
            current += TENS[tok]
        elif tok in SCALES:
            scale = SCALES[tok]
            current = max(current, 1) * scale
            if scale >= 1000:
                total += current
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


# Vague quantities: word -> (min under the default rules, min under ACLED's convention)
VAGUE = {
    "dozens": (24, 12),
    "scores": (40, 20),
    "hundreds": (200, 100),
    "thousands": (2000, 1000),
    "several": (3, 3),
    "a few": (2, 2),
    "few": (2, 2),
    "many": (2, 2),
    "numerous": (2, 2),
    "some": (2, 2),
}
RULE_SETS = ("default", "acled")


def vague_min(word: str, rules: str = "default") -> int:
    default, acled = VAGUE[word.lower()]
    return acled if rules == "acled" else default
