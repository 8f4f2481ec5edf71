"""Sample articles shipped with newsdesk (attribution and licences in seeds.jsonl and README.md)."""
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent
SEED_METADATA = SEED_DIR / "seeds.jsonl"
