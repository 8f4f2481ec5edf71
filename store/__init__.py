"""The SQLite store: the only code in newsdesk that speaks SQL."""
from newsdesk.store.listing import PAGE_SIZE, SORTS, fts_query
from newsdesk.store.records import (
    ArticleFilter,
    ArticleRow,
    StoredSpan,
    StoreError,
    content_hash,
    killed_total,
    utc_now,
)
from newsdesk.store.store import Store

__all__ = ["PAGE_SIZE", "SORTS", "ArticleFilter", "ArticleRow", "Store", "StoreError",
           "StoredSpan", "content_hash", "fts_query", "killed_total", "utc_now"]
