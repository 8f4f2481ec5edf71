"""Score the incident grouping and the reconciled tolls on a gold file.

    python bench/score_incidents.py [tests/data/incident_gold.jsonl]

Each gold line is an article (title, body, published, source, url) with the `incident`
it reports; `<name>_tolls.json` beside it holds each incident's killed [low, high].
Prints pairwise precision, recall and F1 of the grouping, and the share of incidents
whose killed low and high are right.
"""
from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path

from newsdesk.ingest.pipeline import ingest_items
from newsdesk.ingest.sources import iter_paths
from newsdesk.store import Store


def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in itertools.combinations(sorted(groups), 2)
            if groups[a] == groups[b]}


def score(gold_path: Path, *, verbose: bool = False) -> dict[str, float]:
    gold = [json.loads(line) for line in gold_path.read_text().splitlines() if line.strip()]
    tolls = json.loads(gold_path.with_name(gold_path.stem + "_tolls.json").read_text())
    truth = {g["url"]: g["incident"] for g in gold}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "gold.db") as store:
        report = ingest_items(store, iter_paths([gold_path]))
        assert not report.failed, report.failed
        rows = store.conn.execute(
            "SELECT a.url, ia.incident_id FROM articles a LEFT JOIN incident_articles ia"
            " ON ia.article_id = a.id").fetchall()
        found = {url: str(incident) for url, incident in rows}
        right_tolls = 0
        for name in tolls:
            urls = [u for u, g in truth.items() if g == name]
            # the incident most of its reports were put in
            ids = [found[u] for u in urls]
            incident = store.incident(int(max(set(ids), key=ids.count)))
            killed = (incident or {}).get("tolls", {}).get("killed")
            got = [killed["low"], killed["high"]] if killed else [None, None]
            ok = got == tolls[name]["killed"]
            right_tolls += ok
            if verbose and not ok:
                print(f"toll {name}: got {got}, gold {tolls[name]['killed']}")
    gold_pairs, found_pairs = pairs(truth), pairs(found)
    tp = len(gold_pairs & found_pairs)
    precision = tp / len(found_pairs) if found_pairs else 1.0
    recall = tp / len(gold_pairs) if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if verbose:
        for a, b in sorted(found_pairs - gold_pairs):
            print(f"joined, should not be: {truth[a]} + {truth[b]}")
        for a, b in sorted(gold_pairs - found_pairs):
            print(f"apart, should be one: {truth[a]} ({a[-2:]}) / {truth[b]} ({b[-2:]})")
    return {"articles": len(gold), "incidents": len(tolls), "pair_precision": 100 * precision,
            "pair_recall": 100 * recall, "pair_f1": 100 * f1,
            "tolls_right": 100 * right_tolls / len(tolls)}


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/incident_gold.jsonl")
    result = score(path, verbose=True)
    print(json.dumps({k: round(v, 1) for k, v in result.items()}))
