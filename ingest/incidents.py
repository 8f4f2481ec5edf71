"""Incident profiles and entity index entries of stored articles: for a store made before
they existed, and after an analyst corrects a span (the incident's toll and the store-wide
entities follow the correction)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from newsdesk.contract import SPAN_GROUPS
from newsdesk.extract.identities import entity_groups
from newsdesk.extract.incidents import profile
from newsdesk.store import Store


def corrected_extraction(store: Store, article_id: int) -> dict[str, list[dict[str, Any]]]:
    """The article's spans as the analyst corrected them, in the extraction's shape."""
    found: dict[str, list[dict[str, Any]]] = {group: [] for group, _k, _l in SPAN_GROUPS}
    group_of = {kind: (group, label_key) for group, kind, label_key in SPAN_GROUPS}
    for span in store.corrected_spans(article_id):
        if span.kind not in group_of:
            continue
        group, label_key = group_of[span.kind]
        found[group].append({**span.attrs, label_key: span.label, "start": span.start,
                             "end": span.end, "text": span.text})
    return found


def profile_of(store: Store, article_id: int) -> dict[str, Any] | None:
    """The article's profile from its spans as the analyst corrected them."""
    article = store.article(article_id)
    if article is None:
        return None
    return profile(article["title"], article["body"], corrected_extraction(store, article_id),
                   article["published"])


def reprofile(store: Store, article_id: int) -> int | None:
    """Profile one article again and bring its incident up to date; its incident id."""
    return store.set_profile(article_id, profile_of(store, article_id) or {})


def backfill_profiles(store: Store, progress: Callable[[int], None] | None = None) -> int:
    """Profile and place every article that has no profile yet; how many were done."""
    return _each_until_done(store.articles_without_profile, lambda i: reprofile(store, i),
                            progress)


def _each_until_done(todo: Callable[[int], list[int]], do: Callable[[int], object],
                     progress: Callable[[int], None] | None) -> int:
    """`do` to each id `todo` gives, 500 at a time, until it gives none; how many."""
    done = 0
    while ids := todo(500):
        for article_id in ids:
            do(article_id)
            done += 1
        if progress:
            progress(done)
    return done


def reindex_entities(store: Store, article_id: int) -> None:
    """Resolve the article's entities again from its corrected spans (a rejected mention
    no longer counts; one added by hand does)."""
    groups = entity_groups(corrected_extraction(store, article_id)["entities"])
    store.set_entities(article_id, groups)


def backfill_entities(store: Store, progress: Callable[[int], None] | None = None) -> int:
    """Index the entities of every article stored before the entity index existed."""
    return _each_until_done(store.articles_without_entities,
                            lambda i: reindex_entities(store, i), progress)
