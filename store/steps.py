"""What the store's schema steps are called, and the search index's key.

Kept apart from `migrations` so that opening an up-to-date store needs neither
sqlite-utils nor the migration code (a faster start); a test keeps the two in step.
"""

MIGRATION_SET = "newsdesk"
KNOWN_STEPS = (
    "0001_initial",
    "0002_web_sources_and_feeds",
    "0003_audit_batches",
    "0004_list_order_indexes",
    "0005_search_index_in_list_order",
    "0006_incidents",
    "0007_partial_articles",
    "0008_entities",
    "0009_incident_indexes",
    "0010_double_coding",
    "0011_incident_source_cache",
    "0012_filter_indexes",
)
# Steps that only add indexes, tables or columns (with defaults) and change no row: a
# store missing only these is upgraded without the whole-file backup first, which took
# 78 s and doubled the disk used at a million articles (11 GB).
ADDITIVE_STEPS = frozenset({
    "0004_list_order_indexes",
    "0008_entities",
    "0010_double_coding",
    "0012_filter_indexes",
})

# The search index's rowid is the article's place in the default list order (newest first):
# a search can then read its matches newest-first straight from the index and stop after a
# page, however common the word. Ids stay under LIST_KEY_SPAN.
LIST_KEY_SPAN = 10_000_000
LIST_KEY = ("coalesce(cast(replace(substr({0}.published, 1, 10), '-', '') AS INTEGER), 0)"
            f" * {LIST_KEY_SPAN} + {{0}}.id")
