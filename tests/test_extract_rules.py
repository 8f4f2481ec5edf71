"""Rule families on sentences written for these tests, and properties on any input."""
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.extract import extract
from newsdesk.extract.casualties import find_casualties
from newsdesk.extract.dates import find_dates
from newsdesk.extract.numbers import parse_number


@pytest.mark.parametrize("sentence,value,gran", [
    ("The strike came two days ago.", "2015-05-13", "day"),
    ("Talks broke down last week.", "2015-W19", "week"),
    ("Prices rose earlier this month.", "2015-05", "month"),
    ("The mayor resigned yesterday.", "2015-05-14", "day"),
    ("It opened on 3 March 2014.", "2014-03-03", "day"),
    ("It opened on March 3, 2014.", "2014-03-03", "day"),
    ("Elections were held in June 2014.", "2014-06", "month"),
    ("The war began in 2011.", "2011", "year"),
    ("Voters will go to the polls on Sunday.", "2015-05-17", "day"),
    ("Last December the bridge fell.", "2014-12", "month"),
    ("The governor spoke this morning in the square.", "2015-05-15", "day"),
    # a past verb right before the weekday wins over a "will" in the clause after it
    ("The ministry announced Monday that it will rebuild the bridge.", "2015-05-11", "day"),
    ("The army said Tuesday it would reopen the road.", "2015-05-12", "day"),
    ("The inquiry is set to open on Wednesday in the capital.", "2015-05-20", "day"),
])
def test_dates_resolve_against_publication(sentence, value, gran):
    dates = find_dates(sentence, "2015-05-15")
    assert [(d["value"], d["granularity"]) for d in dates] == [(value, gran)]


def test_relative_dates_without_publication_keep_value_null():
    dates = find_dates("It happened on Friday and last year.", None)
    assert [d["value"] for d in dates] == [None, None]


@pytest.mark.parametrize("sentence,years", [
    ("Talks broke the 1994 accord between the two sides.", ["1994"]),
    ("Fans returned for its 2012 season after the repairs.", ["2012"]),
    ("Security was tight before the 2010 World Cup opened.", ["2010"]),
    ("Leaders met at Summit 2009\nThe talks ran late.", ["2009"]),
    # counts, not years
    ("Police held the 2000 protesters overnight.", []),
    ("The 2000 soldiers crossed at dawn.", []),
])
def test_years_that_name_a_thing_but_not_counts(sentence, years):
    assert [d["text"] for d in find_dates(sentence, "2015-05-15")] == years


@pytest.mark.parametrize("sentence,published,expected", [
    ("Earnings fell in the second quarter.", "2011-08-02", [("the second quarter", "2011-Q2")]),
    ("Second-quarter sales beat forecasts.", "2011-08-02", [("Second-quarter", "2011-Q2")]),
    ("The mill closed in the first quarter of 2009.", "2011-08-02",
     [("the first quarter of 2009", "2009-Q1")]),
    # a quarter not begun yet is last year's, unless the clause looks ahead
    ("Orders dropped in the fourth quarter.", "2012-02-10", [("the fourth quarter", "2011-Q4")]),
    ("The firm will hire in the fourth quarter.", "2012-08-10", [("the fourth quarter", "2012-Q4")]),
    # the quarter just reported on, and the same one a year before
    ("Revenue in the latest quarter rose 4%.", "2011-08-02", [("the latest quarter", "2011-Q2")]),
    ("It compares with the year-ago quarter.", "2011-08-02",
     [("the year-ago quarter", "2010-Q2")]),
    ("Results for Q3 2010 were restated.", "2011-08-02", [("Q3 2010", "2010-Q3")]),
])
def test_quarters(sentence, published, expected):
    assert [(d["text"], d["value"]) for d in find_dates(sentence, published)] == expected


@pytest.mark.parametrize("sentence,published,value", [
    # a weekday that is tomorrow, in a clause told in no past tense
    ("The council votes Wednesday on the new budget.", "2016-03-08", "2016-03-09"),
    ("Police said Wednesday that the road was open.", "2016-03-08", "2016-03-02"),
    # a month still to come after until, through and by
    ("The curfew stays in force until February.", "2016-11-20", "2017-02"),
    ("The bridge should reopen by May.", "2016-11-20", "2017-05"),
    ("Prices had doubled by May.", "2016-11-20", "2016-05"),
])
def test_days_and_months_to_come(sentence, published, value):
    [date] = find_dates(sentence, published)
    assert date["value"] == value


@pytest.mark.parametrize("sentence,value", [
    ("The ruling of 12/05/2015 stands.", "2015-05-12"),   # day first
    ("The ruling of 05/13/2015 stands.", "2015-05-13"),   # a 13th month: month first
    ("The ruling of 31.12.2014 stands.", "2014-12-31"),
])
def test_numeric_dates(sentence, value):
    [date] = find_dates(sentence, "2016-01-01")
    assert date["value"] == value


def test_no_numeric_date_that_is_none():
    # no 32nd of January, no 29th of February 2015: no day is read in them
    assert [d for d in find_dates("Code 32/01/2015 and 29/02/2015.", "2016-01-01")
            if d["granularity"] == "day"] == []


@pytest.mark.parametrize("sentence", [
    "She won a quarter of the vote.", "They lost in the quarter-final.",
    "A quarter century passed.",
])
def test_quarters_that_are_no_dates(sentence):
    assert find_dates(sentence, "2011-08-02") == []


@pytest.mark.parametrize("sentence", [
    "Whatever may happen, we stay.", "We will march on.", "Sun shines and we sing.",
])
def test_not_dates(sentence):
    assert find_dates(sentence, "2015-05-15") == []


@pytest.mark.parametrize("sentence,kind,lo,hi", [
    ("The death toll rose to 45 on Sunday.", "killed", 45, 45),
    ("Officials said 45 dead were counted.", "killed", 45, 45),
    ("The blast killed three bystanders.", "killed", 3, 3),
    ("Two people died in the fire.", "killed", 2, 2),
    ("A man was found dead near the river.", "killed", 1, 1),
    ("The quake left 12 injured.", "wounded", 12, 12),
    ("Rebels kidnapped 14 aid workers.", "kidnapped", 14, 14),
    ("Police arrested up to 30 protesters.", "arrested", None, 30),
    ("As many as 32 were hospitalised.", "wounded", None, 32),
    ("The storm killed 107 or more, officials said.", "killed", 107, None),
    ("The floods caused the death of at least 50 people.", "killed", 50, None),
    ("Some death tolls, given by officials to reporters, exceeded 100.", "killed", 101, None),
    ("Six Mexican nationals were killed in the attack.", "killed", 6, 6),
    ("Two of the guard's colleagues died on the way to hospital.", "killed", 2, 2),
    ("The soldiers shot dead a protester outside the office.", "killed", 1, 1),
    ("One nurse was, according to the hospital, among the dead.", "killed", 1, 1),
    ("Armed men killed the village head of Dori on Monday.", "killed", 1, 1),
    ("The bodies of four men were found by the road.", "killed", 4, 4),
    ("Hundreds of people were displaced by floods.", "displaced", 200, None),
    ("Twenty-five soldiers were wounded.", "wounded", 25, 25),
])
def test_casualty_forms(sentence, kind, lo, hi):
    figures = find_casualties(sentence)
    assert [(f["kind"], f["min"], f["max"]) for f in figures] == [(kind, lo, hi)]


@pytest.mark.parametrize("sentence", [
    "Militants seized more than 20 weapons.", "The army lost two Humvees.",
    "They captured three towns.", "About 10,000 troops were deployed.",
    "He was sanctioned over a plot to kill the ambassador.",
    "The country has one of the highest death tolls on its roads.",
    "Charges of terrorism carry a possible death penalty.",
    "A mass shooting is one where four or more people are killed.",
    "Between the two blasts, the square emptied.",
])
def test_things_are_not_casualties(sentence):
    assert find_casualties(sentence) == []


@pytest.mark.parametrize("sentence,expected", [
    # figures that share one casualty word
    ("Gunmen killed 5 civilians and 2 soldiers in the raid.",
     [("killed", 5, 5, False), ("killed", 2, 2, False)]),
    ("Officials said 150 police officers, 40 civilians and dozens of militants were killed.",
     [("killed", 150, 150, False), ("killed", 40, 40, False), ("killed", 24, None, False)]),
    ("Forty villagers were injured, as were six from the rescue team.",
     [("wounded", 40, 40, False), ("wounded", 6, 6, False)]),
    # a breakdown of an earlier toll is a part of it
    ("The blast killed 12 people. The dead were nine men, two women and a boy.",
     [("killed", 12, 12, False), ("killed", 9, 9, True), ("killed", 2, 2, True),
      ("killed", 1, 1, True)]),
    ("At least nine, including three children, died when the roof fell.",
     [("killed", 9, None, False), ("killed", 3, 3, True)]),
])
def test_casualty_lists(sentence, expected):
    figures = find_casualties(sentence)
    assert [(f["kind"], f["min"], f["max"], f["subset"]) for f in figures] == expected


@pytest.mark.parametrize("sentence,expected", [
    # deaths told without a numeral: the verb before its victims, the death after them
    ("Two cousins were shot to death outside a shop.", [("killed", 2)]),
    ("Soldiers shot three smugglers to death near the border.", [("killed", 3)]),
    ("A gunman stopped the bus and shot the driver dead.", [("killed", 1)]),
    ("Masked men stabbed a vendor to death at the market.", [("killed", 1)]),
    # one person named by role who died
    ("Gunmen opened fire on a taxi. The passenger died.", [("killed", 1)]),
    ("The victim later died in hospital, police said.", [("killed", 1)]),
    # two victims joined by "and" are two
    ("A man and a woman were shot dead in the square.", [("killed", 2)]),
    ("The mayor and his bodyguard were killed by a bomb.", [("killed", 2)]),
    # the same people, a second fate: kidnapped, then killed
    ("Three engineers were kidnapped and later killed.", [("kidnapped", 3), ("killed", 3)]),
    ("A farmer was abducted and beaten to death.", [("kidnapped", 1), ("killed", 1)]),
    ("A trader was abducted by masked men and shot dead.", [("kidnapped", 1), ("killed", 1)]),
    ("A man was stopped at a checkpoint and his body was found later.", [("killed", 1)]),
    # the bodies of the dead are not wounded, whatever wounds they show
    ("The bodies of 3 men with stab wounds were found in a ditch.", [("killed", 3)]),
    ("The body of a fisherman was found on the beach.", [("killed", 1)]),
    ("A charred body was discovered in the car.", [("killed", 1)]),
    ("Both passengers died at the scene.", [("killed", 2)]),
    ("A teacher and a pupil were found dead in the school.", [("killed", 2)]),
    ("The hostage had been strangled to death.", [("killed", 1)]),
    # two people told apart are two figures, not one told again
    ("A girl died at the scene and the driver died later in hospital.",
     [("killed", 1), ("killed", 1)]),
    # ages and roles before the person
    ("A 19-year-old student was killed by a stray bullet.", [("killed", 1)]),
    ("The attacker died in the exchange of fire.", [("killed", 1)]),
    # the dead are among them, how many is not said
    ("Nine guards were killed or wounded in the ambush.", [("wounded", 9)]),
    ("Four rebels were killed, injured or captured.", [("wounded", 4)]),
    # a breakdown in brackets between the count and its verb
    ("Seven villagers (three men and four women) were killed.", [("killed", 7)]),
])
def test_deaths_without_a_count(sentence, expected):
    figures = [f for f in find_casualties(sentence) if not f["repeat"]]
    assert [(f["kind"], f["min"]) for f in figures] == expected


@pytest.mark.parametrize("sentence", [
    # "a" counts a person, not a reason or a crime
    "He was killed over a land dispute in the north.",
    "A brawl broke out and the crowd scattered.",
    "Two thieves who had robbed a store were lynched.",
    "A governing body said the rules were clear.",
    "Both sides agreed to stop the shelling.",
])
def test_a_is_no_count_of_a_thing(sentence):
    assert all(f["min"] != 1 or f["kind"] != "killed" or f["victims"]
               for f in find_casualties(sentence))
    assert sum(f["min"] or 0 for f in find_casualties(sentence)
               if f["kind"] == "killed" and not f["repeat"]) in (0, 2)


@pytest.mark.parametrize("sentence,lo,hi", [
    ("Between 60 and 75 villagers were killed in the raid.", 60, 75),
    ("The shelling killed between 8 and 11 civilians.", 8, 11),
    ("12-18 fighters died in the clashes.", 12, 18),
    ("Some 30 to 40 people were wounded.", 30, 40),
    ("The landslide left four to six dead.", 4, 6),
    ("Shelling killed between 3 to 5 herders.", 3, 5),
    # not ranges: a compound number, a span of years
    ("Thirty-two miners were killed.", 32, 32),
    ("The 2014-15 drought killed 9 herders.", 9, 9),
])
def test_ranges_keep_both_ends(sentence, lo, hi):
    [figure] = find_casualties(sentence)
    assert (figure["min"], figure["max"]) == (lo, hi)


@pytest.mark.parametrize("sentence,killed", [
    # the death a protest, a trial or a revenge is about is no casualty of the report
    ("Hundreds marched against the killing of a teenager by police.", 0),
    ("Farmers blocked the road, demanding justice for a herder who was shot dead.", 0),
    ("The widow of a miner who died in the collapse spoke to reporters.", 0),
    ("The raid came in retaliation for the deaths of 4 guards last month.", 0),
    # what happens during or after it is
    ("The rally ended after 3 people were killed by gunfire.", 3),
    ("During a protest against the tax, police killed 2 demonstrators.", 2),
    # mourning the dead of the incident reported tells its toll
    ("Hollin held a day of mourning for the 9 people killed in the blast.", 9),
])
def test_a_death_that_is_the_background_counts_no_one(sentence, killed):
    assert sum(f["min"] for f in find_casualties(sentence)
               if f["kind"] == "killed" and not f["repeat"] and not f["subset"]) == killed


def test_the_acled_rules_take_the_coder_s_own_figure():
    note = ("Insurgents attacked a checkpoint, killing 6 soldiers according to one source. "
            "Fatalities coded as 2 (a local source reported 6).")
    killed = [f for f in find_casualties(note, rules="acled")
              if f["kind"] == "killed" and not f["repeat"]]
    assert [(f["min"], f["text"]) for f in killed] == [(2, "Fatalities coded as 2")]
    assert [f["min"] for f in find_casualties("Dozens of fatalities coded as 12.",
                                              rules="acled") if not f["repeat"]] == [12]
    # a newswire story is read as it stands
    assert sum(f["min"] for f in find_casualties(note) if f["kind"] == "killed"
               and not f["repeat"]) == 6


def test_vague_rule_sets():
    default = find_casualties("Dozens of people were killed.")[0]
    acled = find_casualties("Dozens of people were killed.", rules="acled")[0]
    assert (default["min"], default["vague"], default["rules"]) == (24, True, "default")
    assert (acled["min"], acled["rules"]) == (12, "acled")


def test_subset_and_repeat():
    text = ("The bombing killed 12 people, including two children. "
            "Witnesses said the attack killed the 12 people in seconds.")
    figures = find_casualties(text)
    assert [(f["min"], f["subset"], f["repeat"]) for f in figures] == [
        (12, False, False), (2, True, False), (12, False, True)]


def test_number_words():
    assert parse_number("one hundred and twenty-three") == 123
    assert parse_number("2,500") == 2500
    assert parse_number("a dozen") == 12


def test_quote_split_by_attribution_and_pronoun():
    text = ('Colonel Jane Okafor spoke to reporters. "We held the bridge," she said. '
            '"We will hold it again."')
    quotes = extract(text, None)["quotes"]
    assert quotes[0]["speaker"] == "Jane Okafor"
    assert text[quotes[0]["speaker_start"]:quotes[0]["speaker_end"]] == "she"


def _speakers(text):
    return [(q["speaker"], text[q["speaker_start"]:q["speaker_end"]]
             if q["speaker_start"] is not None else None)
            for q in extract(text, None)["quotes"]]


@pytest.mark.parametrize("text,expected", [
    # mixed quote: the subject of the speech verb earlier in the sentence
    ("Mayor Lena Brandt tells residents of the valley to “stay indoors until the river falls.”",
     [("Lena Brandt", "Lena Brandt")]),
    # a participle points back to the clause's subject
    ("Senator Omar Haddad mocked the plan on Monday, saying it would “cost far more than it saves.”",
     [("Omar Haddad", "Omar Haddad")]),
    # the name right before a participle is the speaker
    ("The advert shows footage of Governor Ruth Alder asking, “Who pays for the new bridge?”",
     [("Ruth Alder", "Ruth Alder")]),
    # honorific with a full stop, a party tag in parentheses, an appositive
    ('"We will not back down on this," Rep. Carla Mendes (D-Ore.) said on Tuesday.',
     [("Carla Mendes", "Carla Mendes")]),
    ('"The wells are dry across the district," Amir Sadeq, a farmer from Herat, told reporters.',
     [("Amir Sadeq", "Amir Sadeq")]),
    # a signed quote
    ("“The clinic saved my daughter’s life.” ― Maria Ortega", [("Maria Ortega", "Maria Ortega")]),
    # a second quote in the same paragraph after a long attribution keeps its speaker
    ('"The roads are closed," said Piotr Nowak, the head of the regional emergency office in '
     'the northern district. "Nobody should try to drive north tonight."',
     [("Piotr Nowak", "Piotr Nowak"), ("Piotr Nowak", "Piotr Nowak")]),
    # any verb after a quote that ends in a comma or question mark
    ("“Why did nobody warn the villages in time?” Halvorsen demanded.",
     [("Halvorsen", "Halvorsen")]),
    # a block quote after a lead-in that ends in a colon
    ('The ministry statement went further.\n\nThe ministry wrote:\n\n"No convoy will pass '
     'through the checkpoint before dawn."', [("The ministry", "The ministry")]),
    # "and said" is not a speaker
    ("Protesters demanded “a full and public inquiry into the shooting” and said they would return.",
     [("Protesters", "Protesters")]),
])
def test_speaker_patterns(text, expected):
    assert _speakers(text) == expected


@pytest.mark.parametrize("text,mention", [
    # a role in lower case before the name
    ('"We have enough water for a week," said spokeswoman Ines Carvalho.', "Ines Carvalho"),
    # speech verbs beyond said and told
    ('"Please let the trucks through tonight," she implored.', "she"),
    ('"The town will not recover from this," lamented Mayor Tomas Berg.', "Tomas Berg"),
    ('"Nobody saw the water coming that fast," as Hana Sato put it.', "Hana Sato"),
    # the one quoted as saying speaks, not the agency that quotes
    ('The radio quoted Colonel Idris Bello as saying "the bridge is open again".', "Idris Bello"),
    # a transcript's turn names its speaker
    ('"MODERATOR: Let us turn to the budget and the new tax on fuel."', "MODERATOR"),
    # a count with its noun is a speaker; a follow-on voice is another one
    ('"The shelling went on all night," said one resident.', "one resident"),
    ('"We slept in the car for two nights," said another.', "another"),
])
def test_more_ways_of_saying_who_spoke(text, mention):
    [quote] = extract(text, None)["quotes"]
    assert text[quote["speaker_start"]:quote["speaker_end"]] == mention


@pytest.mark.parametrize("text", [
    '"The convoy left before the curfew began," Two said.',
    '"It was dark when the lights went out," When said.',
])
def test_words_that_are_never_speakers(text):
    [quote] = extract(text, None)["quotes"]
    assert quote["speaker_start"] is None


def test_scare_quotes_are_not_quotes():
    assert extract('He called it a "caliphate" on Friday.', None)["quotes"] == []


_alphabet = st.sampled_from(list(string.printable + "“”‘’«»—–éüİ😀\u0301\u200b"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=400),
       st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())))
def test_extract_never_raises_and_offsets_hold(text, published):
    result = extract(text, published)
    for group in ("entities", "casualties", "quotes", "dates"):
        for item in result[group]:
            assert 0 <= item["start"] <= item["end"] <= len(text)
            assert text[item["start"]:item["end"]] == item["text"]
    assert extract(text, published) == result


@pytest.mark.parametrize("sentence,published,value", [
    ("The vote is set for Jan. 14 in the capital.", "1999-12-30", "2000-01-14"),
    ("The ceasefire began on March 3 after talks.", "2015-05-15", "2015-03-03"),
    ("Troops withdrew on December 20 last year.", "2015-01-05", "2014-12-20"),
])
def test_month_day_without_year_is_the_nearest_occurrence(sentence, published, value):
    dates = find_dates(sentence, published)
    assert dates[0]["value"] == value


def test_a_title_with_a_dot_marks_a_single_name_as_a_person():
    text = "Commanders said Gen. Sharif arrived in Quetta on Monday."
    ents = {(e["text"], e["label"]) for e in extract(text, None)["entities"]}
    assert ("Sharif", "PER") in ents
    assert not any(e[0].startswith("Gen") for e in ents)


def _labels(text):
    return {(e["text"], e["label"]) for e in extract(text, None)["entities"]}


def test_event_names_are_not_people():
    found = _labels("Brazil won the World Cup in 1994, and Ruud Gullit played in the U.S. Open.")
    assert ("World Cup", "MISC") in found and ("U.S. Open", "MISC") in found
    assert ("Ruud Gullit", "PER") in found


def test_a_side_named_after_its_town_with_a_score_is_an_organisation():
    found = _labels("At the Oval, Surrey 342 and Leicestershire 120 closed the second day.\n"
                    "Rain fell on Surrey county all week.")
    assert ("Surrey", "ORG") in found and ("Leicestershire", "ORG") in found


def test_place_datelines_name_a_place_but_date_lines_name_nothing():
    text = "Floods hit the north\nLONDON 1996-08-30\nHeavy rain flooded 200 homes overnight."
    assert ("LONDON", "LOC") in _labels(text)
    dated = "Floods hit the north\nThursday, January 12, 2006\nHeavy rain flooded 200 homes."
    assert not [e for e in extract(dated, None)["entities"] if "2006" in e["text"]
                or e["text"].startswith(("Thursday", "January"))]


def test_a_dateline_dates_the_article_when_no_date_is_given():
    text = ("Storm floods the delta\nMarch 01 , 2008\nThe river burst its banks on Friday, "
            "officials said.")
    dates = extract(text, None)["dates"]
    # with no publication date, the dateline is the date the text gives itself: shown, and
    # what "Friday" resolves against
    assert [(d["text"], d["value"]) for d in dates] == [("March 01 , 2008", "2008-03-01"),
                                                        ("on Friday", "2008-02-29")]
    # given one, the dateline only repeats it
    dates = extract(text, "2008-03-01")["dates"]
    assert [(d["text"], d["value"]) for d in dates] == [("on Friday", "2008-02-29")]


@pytest.mark.parametrize("sentence,expected", [
    # a clock time with its zone is on the day its sentence names
    ("The rocket lifted off on Tuesday at 16:08 UTC .", [("on Tuesday", "2009-12-15"),
                                                         ("16:08 UTC", "2009-12-15T16:08")]),
    # with the day right after it, one expression
    ("The offer runs until 5 p.m. EST Thursday.", [("5 p.m. EST Thursday", "2009-12-17T17:00")]),
    ("It landed at 6:40 p.m. ( GMT +8 ) after the flight.",
     [("6:40 p.m. ( GMT +8 )", "2009-12-16T18:40")]),
    # local time is a zone too, and the wire's four digits are a time beside a zone
    ("Polls closed at 20:00 local time on Sunday.",
     [("20:00 local time on Sunday", "2009-12-13T20:00")]),
    ("The first strike came at 0400 GMT, the second at 2 p.m. (local time).",
     [("0400 GMT", "2009-12-16T04:00"), ("2 p.m. (local time)", "2009-12-16T14:00")]),
    # a bracket that restates the time in another zone is part of it, not another time
    ("The blast came at about 10:35 a.m. (0735 GMT) Tuesday, police said.",
     [("10:35 a.m. (0735 GMT) Tuesday", "2009-12-15T10:35")]),
    ("He scored 1400 points in 2009 and 2100 in the next season.", [("in 2009", "2009")]),
    # a time with no zone and no day in its sentence is left alone, and so are figures
    ("The first shot was heard at 6 a.m. near the house.", []),
    ("Shares rose 3.50 to 12:30 in trading.", []),
])
def test_clock_times(sentence, expected):
    dates = extract(sentence, "2009-12-16")["dates"]
    assert [(d["text"], d["value"]) for d in dates] == expected


def test_short_lines_and_titles_are_read_for_dates():
    text = "Jet makes first flight\nThe jet was unveiled in January 2005\nBackground\nIt flew."
    assert [d["text"] for d in extract(text, "2005-04-27")["dates"]] == ["January 2005"]
    titled = "Bomb hits market on Friday\nThe blast wounded 30 people, police said."
    assert [(d["text"], d["value"]) for d in extract(titled, "2015-05-16")["dates"]] == [
        ("on Friday", "2015-05-15")]


@pytest.mark.parametrize("sentence,value", [
    # a plan told in the past still looks ahead: the clause's cue, not the nearest verb
    ("Protesters planned a large demonstration in the old town on Saturday.", "2009-12-19"),
    ("The group could leave for the capital as soon as Tuesday, he said.", "2009-12-22"),
    ("The market remains open until Friday.", "2009-12-18"),
    # told in the past, the day is past
    ("Protesters marched through the old town on Saturday.", "2009-12-12"),
])
def test_a_weekday_in_a_clause_about_the_future(sentence, value):
    [date] = extract(sentence, "2009-12-16")["dates"]
    assert date["value"] == value


def test_seas_facilities_and_compass_places_are_places():
    found = _labels("Fishing boats sank in the Caspian Sea on Monday. Crowds gathered at "
                    "the Kasbah Hotel and on Nelson Street, and rain swept across North Poland "
                    "and South East Asia. Divers searched Lake Victoria and Mount Elgon.")
    for place in ("Caspian Sea", "Kasbah Hotel", "Nelson Street", "North Poland",
                  "South East Asia", "Lake Victoria", "Mount Elgon"):
        assert (place, "LOC") in found, place


def test_towns_named_for_a_land_or_water_feature_are_places():
    # falls, lakes, springs, wells, parks: names of towns and grounds, not surnames
    found = _labels("Floods cut the road between Marrow Falls and Kessing Springs, and "
                    "fans left Dunley Park early. Storms crossed the Tarrant Lakes toward "
                    "Hollin Wells and Brayford Creek.")
    for place in ("Marrow Falls", "Kessing Springs", "Dunley Park", "Tarrant Lakes",
                  "Hollin Wells", "Brayford Creek"):
        assert (place, "LOC") in found, place
    assert not [e for e in found if e[1] == "PER"]


def test_a_surname_that_is_also_a_feature_is_a_person_when_the_text_says_so():
    found = _labels("Frank Wells said the dam would hold. Wells, an engineer, left.")
    assert ("Frank Wells", "PER") in found
    assert ("Frank Wells", "LOC") not in found


def test_an_appositive_that_gives_a_role_makes_a_feature_named_surname_a_person():
    found = _labels("Dana Wells, a 34-year-old nurse, and Omar Hills, the village's "
                    "teacher, fled to Marrow Springs, a resort town.")
    assert ("Dana Wells", "PER") in found and ("Omar Hills", "PER") in found
    assert ("Marrow Springs", "LOC") in found  # "a resort town" is no person's role


def test_buildings_and_works_named_by_their_head_are_places():
    found = _labels("Shots were fired at the Verano Oaks Mall and near the Tessaly Plaza; "
                    "crowds gathered at Kettering Station, the Dunmore Mosque, the Arrow "
                    "Dam, Corran Air Base and the Belik Crossing.")
    for place in ("Verano Oaks Mall", "Tessaly Plaza", "Kettering Station", "Dunmore Mosque",
                  "Arrow Dam", "Corran Air Base", "Belik Crossing"):
        assert (place, "LOC") in found, (place, found)


def test_agencies_named_by_their_head_are_organisations():
    found = _labels("The United Nations and the Disaster and Emergency Management Presidency "
                    "counted the dead, the US Geological Survey said, as did Agence "
                    "France-Presse.")
    for org in ("United Nations", "US Geological Survey", "Agence France-Presse"):
        assert (org, "ORG") in found, org
    assert not [e for e in found if e[1] == "PER"]


def test_faiths_are_not_places_even_beside_one():
    found = _labels("Pilgrims reached Mecca, Islam's holiest city, praising God.")
    assert ("Mecca", "LOC") in found
    assert ("Islam", "MISC") in found and ("God", "LOC") not in found


def test_date_arithmetic_out_of_range_is_no_date_and_no_error():
    # market tables: "292,000 week ago" would be before year 1
    from newsdesk.extract import extract

    found = extract("Jobless claims were 300,000 this week and 292,000 week ago.\n"
                    "Shares fell 5,000,000 months ago, traders joked.", "2020-01-10")
    assert all(d["value"] is None or d["value"] >= "0001" for d in found["dates"])


def test_a_bracketed_region_after_a_place_is_not_another_name_for_it():
    text = ("Workers protested in Sialkot city (Punjab) on Monday and in Multan (Punjab) on "
            "Tuesday. Troops from the United Arab Emirates (UAE) left Aden.")
    found = {e["text"]: e["canonical"] for e in extract(text)["entities"]}
    assert found["Sialkot city"] == "Sialkot city" and found["Multan"] == "Multan"
    assert found.get("Punjab", "Punjab") == "Punjab"
    assert found["UAE"] == "United Arab Emirates"  # an abbreviation still is one


def test_teams_in_results_lines_and_tables_are_organisations():
    text = ("Results of the regional league on Sunday :\n"
            "Elmford 3 Castlebridge Rovers 1\n"
            "Norvale ( Denmark ) 88 Kestrel ( Latvia ) 79\n"
            "NORTHPORT 61 52 .540 4 1/2\n"
            "Elmford held on in the rain.")
    found = {(e["text"], e["label"]) for e in extract(text, None)["entities"]}
    assert {("Elmford", "ORG"), ("Castlebridge Rovers", "ORG"), ("Norvale", "ORG"),
            ("Kestrel", "ORG"), ("NORTHPORT", "ORG")} <= found
    # a team's other mentions are the team too, and the countries stay places
    assert [e["label"] for e in extract(text, None)["entities"]
            if e["text"] == "Elmford"] == ["ORG", "ORG"]
    assert ("Denmark", "LOC") in found


def test_a_line_of_prose_with_numbers_names_no_team():
    text = "Police said 12 people died and 40 were hurt in Lagos on Friday."
    assert all(e["label"] != "ORG" for e in extract(text, None)["entities"])


def test_a_town_that_beats_another_is_its_team_and_a_country_stays_a_place():
    text = ("Yorkshire beat Durham by six wickets at Leeds on Monday. Later England beat "
            "Australia in Perth. Durham had won their last three games.")
    labels = {}
    for e in extract(text, None)["entities"]:
        labels.setdefault(e["text"], set()).add(e["label"])
    assert labels["Yorkshire"] == {"ORG"} and labels["Durham"] == {"ORG"}
    assert labels["England"] == {"LOC"} and labels["Australia"] == {"LOC"}


@pytest.mark.parametrize("text,name", [
    # an initial kept with its surname
    ("Westshire 310 ( T. Marlowe 121 , P. Quist 60 ) beat the visitors.", "T. Marlowe"),
    # a surname followed by a player's figures
    ("Bowling : Okonjo 10-1-44-3 , Vance 8-0-51-1 .", "Okonjo"),
    # a nationality before a name is not part of it
    ("The title went to Brazilian Davi Moreira on points.", "Davi Moreira"),
])
def test_people_in_scorecards_and_after_a_nationality(text, name):
    found = {(e["text"], e["label"]) for e in extract(text, None)["entities"]}
    assert (name, "PER") in found


def test_a_nationality_before_an_organisation_stays_with_it():
    found = {(e["text"], e["label"]) for e in extract(
        "Fighting went on as the Iraqi army advanced on Tuesday.", None)["entities"]}
    assert ("Iraqi army", "ORG") in found


@pytest.mark.parametrize("text,name,label", [
    # a plural name after "the" is a team or a band, not a person
    ("The Harriers beat the Comets 4-2 on Sunday.", "Comets", "ORG"),
    # a town and a plural nickname: its team
    ("The Fenwick Foxes signed a new striker.", "Fenwick Foxes", "ORG"),
    # company and club words at the end
    ("Tarrow Holdings said profit fell.", "Tarrow Holdings", "ORG"),
    ("Dunmore United lost at home.", "Dunmore United", "ORG"),
    # but a country named with "the" is a place
    ("Officials in the Netherlands said it was over.", "Netherlands", "LOC"),
    ("Rain hit the Philippines on Friday.", "Philippines", "LOC"),
])
def test_organisations_by_their_shape(text, name, label):
    found = {(e["text"], e["label"]) for e in extract(text, None)["entities"]}
    assert (name, label) in found


def test_short_lines_with_figures_are_read_scorecards_and_rankings_name_people():
    text = ("CRICKET - WESTSHIRE V EASTSHIRE SCOREBOARD .\n"
            "Westshire innings :\n"
            "T. Marlowe c Okonjo b Vance 45\n"
            "Davi Moreira lbw b Quist 12\n"
            "K. Arden not out 7\n"
            "Final standings :\n"
            "3. Brannock 1:07.22\n"
            "4. Ilse Varga ( Hungary ) same time\n"
            "The match ended in a draw.")
    found = _labels(text)
    for name in ("T. Marlowe", "Okonjo", "Vance", "Davi Moreira", "Quist", "K. Arden",
                 "Brannock", "Ilse Varga"):
        assert (name, "PER") in found, name
    assert ("Hungary", "LOC") in found


def test_a_heading_without_figures_still_names_nothing():
    assert _labels("Background Notes\nThe rain fell on the fields for a week.") == set()


def test_a_byline_above_a_dateline_is_a_person_and_the_dateline_s_region_a_place():
    text = ("Factory orders jump in July .\nMarta Kowalczyk\nKELLBURN , Wisconsin 1996-08-30\n"
            "Orders rose 2 percent in July, the report said.")
    found = _labels(text)
    assert ("Marta Kowalczyk", "PER") in found
    # a town the gazetteer does not know is a place when its state or country follows
    assert ("KELLBURN", "LOC") in found and ("Wisconsin", "LOC") in found


def test_a_headline_in_capitals_is_read_case_blind():
    text = ("SOCCER - PORTUGAL BEAT LATVIA AS DARIO VENTURA SCORES TWICE .\n"
            "LISBON 1996-08-31\n"
            "Dario Ventura scored twice as Portugal beat Latvia 2-0 on Saturday.\n"
            "HOUSTON AT DENVER")
    found = _labels(text)
    assert {("PORTUGAL", "LOC"), ("LATVIA", "LOC"), ("DARIO VENTURA", "PER")} <= found
    # words of the headline that are no name stay out
    assert not {e for e in found if e[0] in ("SOCCER", "BEAT", "SCORES", "TWICE")}
    # a shouted fixture names teams
    assert ("HOUSTON", "ORG") in found and ("DENVER", "ORG") in found


def test_a_surname_that_is_also_a_town_is_the_person_named_in_full():
    found = _labels("President Bill Clinton spoke in Ohio. Later Clinton said the plan "
                    "would pass.")
    assert ("Clinton", "PER") in found and ("Ohio", "LOC") in found
    # but said as a place, the town stays a town
    found = _labels("Greg Allen filed the report. The suspect lived in Allen, Texas.")
    assert ("Greg Allen", "PER") in found and ("Allen", "LOC") in found


@pytest.mark.parametrize("text,speakers", [
    # a short answer with its attribution is a quote, not a scare quote
    ('"We will," Ines Carvalho told the crowd.', ["Ines Carvalho"]),
    # the writer after the verb speaks, not the paper he writes for
    ('"The river is still rising," wrote Tomas Berg for the Valley Courier.', ["Tomas Berg"]),
    # the second fragment of one sentence keeps the sentence's speaker
    ('Hana Sato called the plan a "disaster" that is "going to flood every farm we have."',
     ["Hana Sato"]),
    # "going on to say" points at the clause's subject
    ('"The dam held," Idris Bello said, going on to say that the town had "never seen '
     'water come up so fast in all its years."', ["Idris Bello", "Idris Bello"]),
    # a speech verb used as a noun ("tweets") names no speaker
    ('Ines Carvalho says the mayor\'s late-night tweets about the flood were "a cruel joke on '
     'every family."', ["Ines Carvalho"]),
    # a day before a participle is not who spoke
    ('Tomas Berg wrote early Friday saying the levee was "about to give way at the bend."',
     ["Tomas Berg"]),
])
def test_who_spoke_in_mixed_quotes_and_short_answers(text, speakers):
    quotes = extract(text, None)["quotes"]
    assert [text[q["speaker_start"]:q["speaker_end"]] for q in quotes] == speakers


@pytest.mark.parametrize("text", [
    # a quote that ends its sentence is not attributed by the next sentence's subject
    'They sang "we shall not be moved by anyone." In the end, Hana Sato said the rally was over.',
    # nor by words running across a sentence's end
    'He says "the water will go down" remains to be seen. Last week, officials warned of rain.',
])
def test_attributions_do_not_cross_a_sentence_end(text):
    [quote] = extract(text, None)["quotes"]
    said = text[quote["speaker_start"]:quote["speaker_end"]] if quote["speaker_start"] else ""
    assert "Hana Sato" not in said and "Last week" not in said and "remains" not in said


@pytest.mark.parametrize("text,expected", [
    # a day told against the day the text was talking about, not the publication date
    ("The first blast came on May 3. Two more went off the same day.",
     [("May 3", "2015-05-03"), ("the same day", "2015-05-03")]),
    ("Troops entered the town on June 4, 2014. The day before, it was shelled.",
     [("June 4, 2014", "2014-06-04"), ("The day before", "2014-06-03")]),
    ("The dam opened in 2008; the year before, the valley flooded.",
     [("in 2008", "2008"), ("the year before", "2007")]),
    # with no day named before it, no guess
    ("That day the roads were empty.", []),
])
def test_days_anchored_to_the_text(text, expected):
    assert [(d["text"], d["value"]) for d in extract(text, "2015-05-16")["dates"]] == expected


@pytest.mark.parametrize("text,expected", [
    ("The talks ran between April and June.", [("between April", "2015-04"),
                                               ("and June", "2015-06")]),
    ("Patrols ran from November to February.", [("from November", "2014-11"),
                                                ("to February", "2015-02")]),
    # "and" before a month that starts no range is no date
    ("Smith and May met on the bridge.", []),
    ("The dam was finished in the summer of 2010.", [("the summer of 2010", "2010-SU")]),
    ("Prices fell last winter.", [("last winter", "2014-WI")]),
    ("We expect the road next spring.", [("next spring", "2016-SP")]),
    # a season without a year or a pointer is no date, and "fall" can be a verb
    ("Leaves fall in autumn.", []),
])
def test_month_ranges_and_seasons(text, expected):
    assert [(d["text"], d["value"]) for d in extract(text, "2015-05-16")["dates"]] == expected


@pytest.mark.parametrize("text,killed", [
    # who the dead were, told at length between the count and the verb
    ("On 4 May, 2 members of the district's Border Guard Command were killed and a third "
     "was hurt.", 2),
    ("Nine fighters from the Valley Brigade (a border militia) were reported killed.", 9),
    # the last of a list with no number of its own is one
    ("Two soldiers and a civilian were killed at the checkpoint.", 3),
])
def test_counts_with_long_descriptions_and_lists(text, killed):
    figures = extract(text, None)["casualties"]
    assert sum(f["min"] for f in figures if f["kind"] == "killed" and not f["repeat"]
               and not f["subset"]) == killed


@pytest.mark.parametrize("text,name,label", [
    # in a ranking, the name after the competitor's country is the team
    ("2. Marco Ferrante ( Italy ) , Vettore Racing , 54.483", "Vettore Racing", "ORG"),
    ("1. Olaf Brandt ( Germany ) Telemark 4 hours 48 mins", "Telemark", "ORG"),
    # a name before a media noun is the paper, and German articles open no one's name
    ("But Le Courrier newspaper , quoting witnesses , said the bomb killed seven .",
     "Le Courrier", "ORG"),
    ("Banisadr told Der Beobachter he would not return.", "Der Beobachter", "ORG"),
    # company forms end an organisation's name
    ("Tarrow Cables SpA said it would build a plant.", "Tarrow Cables SpA", "ORG"),
    # and so do the plural trades firms are named for, where no person's name ends
    ("Shares of Maple Leaf Foods fell after the recall.", "Maple Leaf Foods", "ORG"),
    ("Orvane Pictures bought the rights for $2 million.", "Orvane Pictures", "ORG"),
    ("Dalgren Mining said output rose 4 percent.", "Dalgren Mining", "ORG"),
    # while a surname ending in s stays a person
    ("Tomas Evans said he would appeal.", "Tomas Evans", "PER"),
])
def test_teams_papers_and_company_forms(text, name, label):
    assert (name, label) in _labels(text)


@pytest.mark.parametrize("sentence, person", [
    ("Economist Jane Holloway said rates would fall.", "Jane Holloway"),
    ("Fullback Tom Reddan scored twice before the break.", "Tom Reddan"),
    ("Lieutenant-Colonel Ian Frewer led the battalion into the valley.", "Ian Frewer"),
    ("Brazilian-born Marta Quiroga won the race in Lisbon.", "Marta Quiroga"),
])
def test_a_role_or_birthplace_before_a_name_is_not_part_of_it(sentence, person):
    found = _labels(sentence)
    assert (person, "PER") in found
    assert not any(text.endswith(person) and text != person for text, _ in found)


def test_what_is_based_listed_or_led_somewhere_is_a_firm_in_every_mention():
    found = _labels("Shares of Ohio-based Brackmore fell 3 percent on Tuesday. Analysts said"
                    " Brackmore would cut jobs. The Communist-led Velmar union called a strike.")
    assert ("Brackmore", "ORG") in found and ("Velmar", "ORG") in found
    assert not any(text.endswith("-based Brackmore") for text, _ in found)
    assert not any(text == "Brackmore" and label != "ORG" for text, label in found)


def test_a_compass_word_and_a_nationality_are_a_nationality():
    found = _labels("South Korean and West Indian fans cheered as North Africans danced.")
    assert {("South Korean", "MISC"), ("West Indian", "MISC"),
            ("North Africans", "MISC")} <= found


def test_a_name_made_of_the_text_s_own_plain_words_needs_a_cue_to_be_a_person():
    found = _labels("The Air Bag Safety campaign met on Monday. New rules on the air bag in"
                    " every car put safety first.")
    assert ("Air Bag Safety", "PER") not in found
    # the same kind of name, with something that says it is a person's
    found = _labels("Rich Hill said the plan would work. The rich hill farms agreed, and Hill"
                    " left early.")
    assert ("Rich Hill", "PER") in found
    # an e-mail address is not the text using a name as plain words
    found = _labels("Prices rose on Tuesday.\n-- Mara Quell, e-mail: mara.quell@example.com")
    assert ("Mara Quell", "PER") in found
