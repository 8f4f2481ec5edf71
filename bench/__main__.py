"""Measure newsdesk on the shipped seeds: extraction, ingest, list pages and search.

Prints one table (median and spread over several runs) and writes bench/out/results.json.
The 100,000-article store of the benchmark issue builds on this harness.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import extract
from ingest import ingest_items, iter_paths
from seeds import SEED_DIR
from store import ArticleFilter, Store

OUT = Path(__file__).resolve().parent / "out"


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def _row(name: str, unit: str, values: list[float]) -> dict:
    med = statistics.median(values)
    spread = (max(values) - min(values)) / 2 if len(values) > 1 else 0.0
    return {"name": name, "unit": unit, "median": med, "spread": spread, "runs": len(values)}


def run(runs: int) -> list[dict]:
    articles = [a for a in iter_paths([SEED_DIR]) if not hasattr(a, "reason")]
    bodies = [(a.body, a.published) for a in articles]
    extract.extract(bodies[0][0], bodies[0][1])  # load the gazetteer outside the timing
    results = []

    per_run = _timed(lambda: [extract.extract(b, p) for b, p in bodies], runs)
    results.append(_row("extraction (seed articles)", "docs/s",
                        [len(bodies) / t for t in per_run]))

    def ingest_once() -> None:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.db") as store:
            ingest_items(store, list(iter_paths([SEED_DIR])))

    per_run = _timed(ingest_once, runs)
    results.append(_row("ingest with extraction", "articles/s",
                        [len(articles) / t for t in per_run]))

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.db") as store:
        ingest_items(store, list(iter_paths([SEED_DIR])))
        page = _timed(lambda: store.page_articles(limit=100), runs * 10)
        results.append(_row("list page (100 rows)", "ms", [t * 1000 for t in page]))
        search = _timed(lambda: store.page_articles(ArticleFilter(query="killed")), runs * 10)
        results.append(_row("search 'killed'", "ms", [t * 1000 for t in search]))
        first = store.page_articles(limit=1)[0].id
        open_article = _timed(lambda: (store.article(first), store.spans(first)), runs * 10)
        results.append(_row("load article + spans", "ms", [t * 1000 for t in open_article]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = run(args.runs)
    width = max(len(r["name"]) for r in results)
    print(f"{'measure':<{width}}  {'median':>10}  {'±':>8}  unit")
    for r in results:
        print(f"{r['name']:<{width}}  {r['median']:>10.2f}  {r['spread']:>8.2f}  {r['unit']}")
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"written: {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
