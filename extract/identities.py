"""An article's people, organisations and places as identities to resolve across the store:
one group per entity the article names, with every spelling it uses and, for a place the
gazetteer knows, its GeoNames id (so "Ramadi" and "Ar Ramadi" meet)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from newsdesk.contract import RESOLVED_LABELS, entity_key


def entity_groups(entities: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """[{label, canonical, key, aliases: [spellings], mentions, geonames_id?, admin1?,
    country?}] in order of first mention. MISC groups come too: the store links one to a
    known organisation or person of that name ("Islamic State" read as MISC in one
    article), and makes no entity of it."""
    from newsdesk.extract.lexicon import gazetteer_place

    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for e in entities:
        label = e.get("label")
        if label not in (*RESOLVED_LABELS, "MISC"):
            continue
        canonical = " ".join(str(e.get("canonical") or e["text"]).split())
        key = entity_key(canonical)
        if not key:
            continue
        group = groups.setdefault((label, key), {
            "label": label, "canonical": canonical, "key": key, "aliases": [], "mentions": 0})
        group["mentions"] += 1
        for spelling in (canonical, " ".join(str(e["text"]).split())):
            if entity_key(spelling) and spelling not in group["aliases"]:
                group["aliases"].append(spelling)
    for group in groups.values():
        if group["label"] != "LOC":
            continue
        place = next(filter(None, map(gazetteer_place, group["aliases"])), None)
        if place:  # a copy: the gazetteer's answers are cached and shared
            group.update(geonames_id=place["geonames_id"], admin1=place["admin1"],
                         country=place["country"])
    return list(groups.values())
