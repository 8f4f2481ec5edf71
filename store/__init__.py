"""The SQLite store: the only code in newsdesk that speaks SQL."""
from newsdesk.store.store import (
    PAGE_SIZE,
    SORTS,
    ArticleFilter,
    ArticleRow,
    Store,
    StoreError,
    StoredSpan,
    content_hash,
    fts_query,
)

__all__ = ["PAGE_SIZE", "SORTS", "ArticleFilter", "ArticleRow", "Store", "StoreError",
           "StoredSpan", "content_hash", "fts_query"]
