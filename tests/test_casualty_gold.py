"""The seed casualty gold set: issue #4's bar is 90% found and 90% correct."""
import json

from newsdesk.seeds import SEED_DIR
from tests.casualty_gold import GOLD, score


def test_gold_set_covers_every_seed():
    files = {json.loads(line)["file"] for line in GOLD.read_text(encoding="utf-8").splitlines()}
    assert files == {p.name for p in SEED_DIR.glob("*.txt")}


def test_seed_casualties_found_and_correct():
    result = score()
    assert result.gold >= 100
    assert result.recall >= 0.90, result.misses
    assert result.precision >= 0.90, result.wrong
