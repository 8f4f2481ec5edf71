"""The seed article, as DESIGN.md walks through it: the first acceptance test."""
from collections import defaultdict

import pytest

from newsdesk.extract import extract
from newsdesk.seeds import SEED_DIR

TEXT = (SEED_DIR / "000_5d3a6b7b1f57e4be.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def found():
    return extract(TEXT, "2015-05-15")


def _by_label(found):
    out = defaultdict(set)
    for e in found["entities"]:
        out[e["label"]].add(e["canonical"])
    return out


def test_people(found):
    assert _by_label(found)["PER"] == {"Haider al-Abadi", "Sheikh Ahmed Darae al-Jamili",
                                       "Abu Bakr al-Baghdadi", "Sabah al-Karhout"}


def test_places(found):
    assert _by_label(found)["LOC"] == {"Ramadi", "Iraq", "Anbar province", "Fallujah",
                                       "al-Karma", "al-Shiha", "al-Bukhanfar", "Baghdad", "Syria"}


def test_organisations(found):
    orgs = _by_label(found)["ORG"]
    assert {"Islamic State group", "Popular Mobilisation", "Anbar council", "Iraqi army",
            "al-Araby al-Jadeed", "AFP", "The Associated Press"} <= orgs


def test_aliases_resolve_to_one_name(found):
    canon = {e["text"]: e["canonical"] for e in found["entities"]}
    assert canon["IS"] == canon["ISIS"] == "Islamic State group"
    assert canon["Jamili"] == "Sheikh Ahmed Darae al-Jamili"
    assert canon["Baghdadi"] == "Abu Bakr al-Baghdadi"


def test_not_entities(found):
    texts = {e["text"] for e in found["entities"]}
    assert not texts & {"Ongoing violence", "Capturing Ramadi", "Friday", "Prime Minister",
                        "Ongoing", "Capturing", "Officials", "Dozens"}


def test_dates(found):
    got = [(d["text"], d["value"], d["granularity"]) for d in found["dates"]]
    assert got == [
        ("since last year", "2014", "year"),
        ("in April", "2015-04", "month"),
        ("on Friday", "2015-05-15", "day"),
        ("on Thursday", "2015-05-14", "day"),
        ("on Friday", "2015-05-15", "day"),
        ("Friday's", "2015-05-15", "day"),
    ]


def test_casualty_table(found):
    got = [(c["text"], c["kind"], c["min"], c["max"], c["approx"], c["vague"], c["repeat"])
           for c in found["casualties"]]
    assert got == [
        ("killed 10 policemen", "killed", 10, 10, False, False, False),
        ("more than 100 soldiers were killed", "killed", 101, None, False, False, False),
        ("around 28 captured", "captured", 28, 28, True, False, False),
        ("killing more than 100 soldiers and Popular Mobilisation fighters", "killed", 101,
         None, False, False, True),
        ("killed the 10 policemen", "killed", 10, 10, False, False, True),
        ("wounded at least seven", "wounded", 7, None, False, False, False),
        ("Dozens of families were forced to flee", "displaced", None, None, True, True, False),
    ]


def test_quotes_and_speakers(found):
    got = [(q["text"][:30], q["speaker"], TEXT[q["speaker_start"]:q["speaker_end"]])
           for q in found["quotes"]]
    assert got == [
        ('"eliminated the apostates"', "Islamic State group", "The militant group"),
        ('"The IS paraded the captured s', "Sheikh Ahmed Darae al-Jamili",
         "Sheikh Ahmed Darae al-Jamili"),
        ('"The explosions were extremely', "Sheikh Ahmed Darae al-Jamili", "Jamili"),
        ('"IS seized more than 20 differ', "Sheikh Ahmed Darae al-Jamili", "Jamili"),
        ('"And we call upon every Muslim', "Abu Bakr al-Baghdadi", "he"),
        ('"So return to your lands, and ', "Abu Bakr al-Baghdadi", "he"),
        ('"The situation is tense, but t', "Sabah al-Karhout", "Sabah al-Karhout"),
    ]
    assert found["quotes"][2]["text"].endswith("fighters”")  # mismatched marks
    assert all('"caliphate"' not in q["text"] for q in found["quotes"])
