"""Benchmarks: `make bench` (python -m bench). Speed lives here, not in unit tests."""
