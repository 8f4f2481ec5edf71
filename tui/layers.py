"""The reader's highlight layers (keys 1-4), light enough to import at start-up."""
from newsdesk.contract import SPAN_KINDS

# span kinds, in key order
LAYERS = SPAN_KINDS
