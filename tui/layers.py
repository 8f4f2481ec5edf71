"""The reader's highlight layers (keys 1-4), light enough to import at start-up."""

# span kinds, in key order
LAYERS = ("entity", "casualty", "quote", "date")
