"""Extraction run again over stored articles: a newer extractor, or a layer that raised."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from newsdesk import extract
from newsdesk.ingest.pipeline import extract_article
from newsdesk.store import Store


@dataclass
class ReextractReport:
    done: int = 0
    filled: int = 0                      # articles whose failed layers now ran
    still_failing: dict[int, dict[str, str]] = field(default_factory=dict)

    def summary(self) -> str:
        line = f"{self.done} re-extracted, {self.filled} filled in"
        if self.still_failing:
            line += f", {len(self.still_failing)} still stored without a layer"
        return line


def reextract(store: Store, *, everything: bool = False,
              progress: Callable[[int], None] | None = None) -> ReextractReport:
    """Articles stored with an extractor error, or by an older extractor (all with
    `everything`), extracted again. Analyst corrections hold: they live apart."""
    report = ReextractReport()
    after = 0
    while True:
        if everything:
            ids = store.articles_extracted_before(None, after)
        else:
            ids = sorted(set(store.articles_with_extraction_errors(after))
                         | set(store.articles_extracted_before(extract.VERSION, after)))[:500]
        if not ids:
            return report
        for article_id in ids:
            article = store.article(article_id)
            if article is None:
                continue
            had_errors = bool(article["extraction_errors"])
            found, errors, incident, groups = extract_article(
                article["title"], article["body"], article["published"])
            with store.write():
                store.replace_spans(article_id, found, extract.VERSION, errors)
                if incident is not None:
                    store.set_profile(article_id, incident)
                if groups is not None:
                    store.set_entities(article_id, groups)
            report.done += 1
            if had_errors and not errors:
                report.filled += 1
            if errors:
                report.still_failing[article_id] = errors
        after = ids[-1]
        if progress:
            progress(report.done)
