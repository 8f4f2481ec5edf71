"""Which reports tell of one incident, and the incident's toll from its sources.

Rules over the profiles `extract.incidents` makes (plain data; no text is read here):
same kind of event (or kinds one incident is told as), a place in common, dates that
agree at their precision, and wording that overlaps (rapidfuzz over the leads).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from newsdesk.contract import CASUALTY_KINDS, iso_day

# kinds one incident is told as: a plant blast is a fire too, a boat fire a wreck
_COMPATIBLE = [{"explosion", "fire"}, {"fire", "shipwreck"}, {"explosion", "battle"},
               {"shooting", "battle"}, {"earthquake", "storm"}]
# days between two reports' incident dates that still tell of one incident
SAME_DAY_SLACK = 1
# how far after an incident a story that names its day (an inquiry, a trial, an
# anniversary) still finds it; and one that only tells the same story with no date
FOLLOW_UP_DAYS = 400
UNDATED_FOLLOW_UP_DAYS = 45


def kinds_agree(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    return any({a, b} <= group for group in _COMPATIBLE)


# victims that name no group: figures of them are one count told again, never parts
_ANYONE = {"people", "persons", "person", "individuals", "others", "victims", "bodies"}


def _group(victims: str | None) -> str | None:
    last = (victims or "").lower().split()[-1:] or [""]
    return None if not last[0] or last[0] in _ANYONE else last[0].rstrip("s")


def article_tolls(figures: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """One report's toll per kind, never a plain sum of its figures: a story tells its toll
    several times ('at least 10', 'the 10 policemen', 'rose to 12' claims 12). Groups told
    apart add up: six soldiers and four militants in one sentence, or 'four militants were
    also killed' after six soldiers. Increments ('six more bodies'), figures of another
    incident or period (`passing`) and repeats are not a toll."""
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for f in figures:
        if f.get("passing") or f.get("increment") or f.get("repeat") or f.get("min") is None:
            continue
        by_kind.setdefault(f["kind"], []).append(f)
    out: dict[str, dict[str, Any]] = {}
    for kind, told in by_kind.items():
        best = max(told, key=lambda f: (f["min"], f.get("max") is not None))
        total = _parts_total(told)
        if total is not None and total[0] > best["min"]:
            lo, hi, words = total
        else:
            lo, hi, words = best["min"], best.get("max"), str(best.get("words") or "")
        out[kind] = {"min": lo, "max": hi, "vague": bool(best.get("vague")),
                     "text": best.get("text"), "words": words,
                     "start": best.get("start"), "end": best.get("end")}
    return out


def _parts_total(told: Sequence[Mapping[str, Any]]) -> tuple[int, int | None, str] | None:
    """The sum of figures that count different groups: in one sentence, or joined by
    'also'; None when no two figures are such parts."""
    first = told[0]
    parts = [first]
    for f in told[1:]:
        group = _group(f.get("victims"))
        groups = {_group(p.get("victims")) for p in parts}
        joined = f.get("words") == first.get("words") or " also " in f" {f.get('text', '')} "
        if group is not None and None not in groups and group not in groups and joined:
            parts.append(f)
    if len(parts) < 2:
        return None
    lo = sum(p["min"] for p in parts)
    his = [p.get("max") for p in parts]
    hi = None if None in his else sum(h for h in his if h is not None)
    return lo, hi, " … ".join(dict.fromkeys(str(p.get("words")) for p in parts))


def own_killed(figures: Iterable[Mapping[str, Any]]) -> int:
    """The article's death toll for the list: its incident's, not a sum of every figure."""
    toll = article_tolls(figures).get("killed")
    return int(toll["min"]) if toll else 0


def _places_agree(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    towns_a = set(a.get("town_keys") or [])
    towns_b = set(b.get("town_keys") or [])
    if towns_a & towns_b:
        return True
    nations_a, nations_b = set(a.get("countries") or []), set(b.get("countries") or [])
    # a country alone matches only a report that names no town: two towns in one country
    # are two places
    return bool((not towns_a or not towns_b) and nations_a & nations_b)


def similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """Wording overlap of two leads, 0-100 (rapidfuzz token set ratio)."""
    from rapidfuzz import fuzz  # here: the app's start does not wait for it (9 ms)

    leads_a = a.get("leads") or [a.get("lead") or ""]
    leads_b = b.get("leads") or [b.get("lead") or ""]
    return max(fuzz.token_set_ratio(x.lower(), y.lower()) for x in leads_a for y in leads_b)


def same_incident(incident: Mapping[str, Any], report: Mapping[str, Any]) -> float | None:
    """How well `report` (an article's profile) fits `incident` (the profile of the reports
    grouped so far): a score to rank candidates by, or None when it is another incident."""
    if not kinds_agree(incident.get("kind"), report.get("kind")):
        return None
    if not _places_agree(incident, report):
        return None
    day_i, day_r = iso_day(incident.get("date")), iso_day(report.get("date"))
    if day_i is None or day_r is None:
        return None
    gap = abs((day_r - day_i).days)
    names_its_day = day_i.isoformat() in set(report.get("mentioned_days") or [])
    if gap <= SAME_DAY_SLACK:
        pass
    elif report.get("new_occurrence"):
        return None  # "another explosion": a new incident, whatever earlier one it recalls
    elif names_its_day and 0 < (day_r - day_i).days <= FOLLOW_UP_DAYS:
        pass  # a later story that dates the incident itself
    elif ((report.get("follow_up") or report.get("precision") == "report")
          and report.get("refers_back") and 0 < (day_r - day_i).days <= UNDATED_FOLLOW_UP_DAYS):
        # a follow-up (the search ends, the dead mourned), or a report with no day of its
        # own, of "the earthquake", "the Derna floods"
        pass
    else:
        return None
    return similarity(incident, report) + (20 if gap <= SAME_DAY_SLACK else 0)


def merge_profiles(profiles: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """An incident's profile from its reports' (first report first)."""
    kinds = Counter(p["kind"] for p in profiles if p.get("kind"))
    dated = [p for p in profiles if p.get("precision") == "day"] or list(profiles)
    days = sorted(p["date"] for p in dated if p.get("date"))
    towns: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    nations: Counter[str] = Counter()
    admins: Counter[str] = Counter()
    for p in profiles:
        towns.update(p.get("towns") or [])
        keys.update(p.get("town_keys") or [])
        nations.update(p.get("countries") or [])
        admins.update(p.get("admins") or [])
    return {
        "kind": kinds.most_common(1)[0][0] if kinds else None,
        "date": days[0] if days else None,
        "precision": "day" if any(p.get("precision") == "day" for p in profiles) else "report",
        "towns": [t for t, _ in towns.most_common(8)],
        "town_keys": [k for k, _ in keys.most_common(8)],
        "countries": [c for c, _ in nations.most_common(3)],
        "admins": [a for a, _ in admins.most_common(2)],
        "mentioned_days": sorted({d for p in profiles for d in p.get("mentioned_days") or []}),
        "leads": [p.get("lead") or "" for p in profiles[:6]],
    }


def reconcile(sources: Sequence[Mapping[str, Any]], chosen: Mapping[str, int] | None = None
              ) -> dict[str, dict[str, Any]]:
    """Per kind, the incident's toll from its sources: `low` (the lowest a source gives:
    also ACLED's conservative figure), `best` (the figure the analyst picked, else the
    latest report's), `high` (the highest, None when a source leaves it open), with
    `disputed` and `revised` and each source's figure.

    A source is {"article_id", "published", "source", "tolls": article_tolls(...)}.
    """
    out: dict[str, dict[str, Any]] = {}
    ordered = sorted(sources, key=lambda s: (s.get("published") or "", s["article_id"]))
    for kind in CASUALTY_KINDS:
        told = [(s, s["tolls"][kind]) for s in ordered if kind in (s.get("tolls") or {})]
        if not told:
            continue
        lows = [t["min"] for _, t in told]
        # the highest a source gives; open when the highest floor has no source's bound
        # above it ("at least 100" then "100 killed": 100; "more than 30" alone: open)
        bounded = [t["max"] for _, t in told if t["max"] is not None]
        high = max(bounded) if bounded and max(bounded) >= max(lows) else None
        picked = (chosen or {}).get(kind)
        best_source = next((x for x in told if x[0]["article_id"] == picked), told[-1])
        disputed = revised = False
        for i, (s_a, a) in enumerate(told):
            if disputed and revised:
                break  # both known: the pairs left in a long incident tell nothing more
            for s_b, b in told[i + 1:]:
                a_hi = a["max"] if a["max"] is not None else None
                b_hi = b["max"] if b["max"] is not None else None
                same_time = (s_a.get("published") or "") == (s_b.get("published") or "")
                later_lower = b_hi is not None and b_hi < a["min"]
                later_higher = a_hi is not None and b["min"] > a_hi
                if same_time and (later_lower or later_higher):
                    disputed = True
                elif later_lower:
                    disputed = True  # a later report below an earlier floor: they disagree
                elif later_higher or (b["min"] > a["min"] and a_hi is None):
                    revised = True
        out[kind] = {
            "low": min(lows), "best": best_source[1]["min"],
            "high": high,
            "disputed": disputed, "revised": revised, "picked": picked is not None,
            "sources": [{"article_id": s["article_id"], "published": s.get("published"),
                         "source": s.get("source"), "min": t["min"], "max": t["max"],
                         "text": t.get("text"), "words": t.get("words")} for s, t in told],
        }
    return out
