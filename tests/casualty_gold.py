"""Score casualty figures against the hand-built gold set for the shipped seeds.

`tests/data/casualty_gold.jsonl`: one line per seed file, each figure located by an
`anchor` (words of the article the figure's span must overlap) with its kind and range.
Convention: a figure is a count in words or digits, a vague quantity ("dozens") or an
indefinite single victim ("a man", "one of them") tied to a casualty word; deaths of
named people and pronouns ("he died") are not figures. Run `python -m tests.casualty_gold`
for the per-figure report.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.extract import extract
from newsdesk.seeds import SEED_DIR

GOLD = Path(__file__).parent / "data" / "casualty_gold.jsonl"


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0


def _matches(pred: dict, gold: dict, span: tuple[int, int]) -> bool:
    return (pred["start"] < span[1] and span[0] < pred["end"] and pred["kind"] == gold["kind"]
            and pred["min"] == gold["min"] and pred["max"] == gold["max"])


def score(rules: str = "default") -> Score:
    result = Score()
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        text = (SEED_DIR / doc["file"]).read_text(encoding="utf-8")
        preds = extract(text, None, rules=rules)["casualties"]
        golds = [(g, (text.index(g["anchor"]), text.index(g["anchor"]) + len(g["anchor"])))
                 for g in doc["figures"]]
        result.gold += len(golds)
        result.predicted += len(preds)
        for g, span in golds:
            if any(_matches(p, g, span) for p in preds):
                result.found += 1
            else:
                result.misses.append(f"{doc['file'][:12]} {g['kind']} {g['min']}-{g['max']} "
                                     f"{g['anchor']!r}")
        for p in preds:
            if any(_matches(p, g, span) for g, span in golds):
                result.correct += 1
            else:
                result.wrong.append(f"{doc['file'][:12]} {p['kind']} {p['min']}-{p['max']} "
                                    f"{p['text']!r}")
    return result


if __name__ == "__main__":
    s = score()
    print(f"gold {s.gold}, found {s.found} ({100 * s.recall:.1f}%); "
          f"predicted {s.predicted}, correct {s.correct} ({100 * s.precision:.1f}%)")
    for m in s.misses:
        print("  missed:", m)
    for w in s.wrong:
        print("  wrong: ", w)
