"""How good the machine is on this store: precision and recall per layer and label, read
from the corrections analysts made on the articles they marked reviewed.

On a reviewed article every machine span an analyst left alone counts as right; a span
rejected is a false positive; relabelled, it is a false positive under its old label and
a miss under the new one; a figure fixed is both under its label (found, but wrong); a span
an analyst added is a miss. A quote's speaker is scored apart ("quote speaker"): a speaker
set by an analyst is one the machine got wrong. Articles not reviewed are left out, their
corrections counted only, since their untouched spans may be unchecked.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from newsdesk.store.analyst import apply_corrections
from newsdesk.store.store import Store

_META = {"accepted_by", "corrected_by", "analyst", "added"}


def _value(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k not in _META}


def machine_quality(store: Store) -> dict[str, Any]:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"tp": 0, "fp": 0, "fn": 0})
    reviewed = [r[0] for r in store.conn.execute(
        "SELECT DISTINCT article_id FROM reviews ORDER BY article_id")]
    for article_id in reviewed:
        machine = store.spans(article_id)
        final = {s.id: s for s in apply_corrections(machine, store.annotations(article_id))}
        for span in machine:
            label = span.label or ""
            now = final.get(span.id)
            if now is None:
                counts[(span.kind, label)]["fp"] += 1
                continue
            if (now.label or "") != label:
                counts[(span.kind, label)]["fp"] += 1
                counts[(span.kind, now.label or "")]["fn"] += 1
                continue
            if span.kind == "quote":
                counts[(span.kind, label)]["tp"] += 1
                changed = now.attrs.get("speaker") != span.attrs.get("speaker")
                speaker = counts[("quote speaker", "")]
                if changed:
                    speaker["fp" if span.attrs.get("speaker") else "fn"] += 1
                    if span.attrs.get("speaker"):
                        speaker["fn"] += 1
                else:
                    speaker["tp"] += 1
                continue
            if _value(now.attrs) != _value(span.attrs):
                counts[(span.kind, label)]["fp"] += 1  # found, with the wrong figure
                counts[(span.kind, label)]["fn"] += 1
                continue
            counts[(span.kind, label)]["tp"] += 1
        for span in final.values():
            if span.id < 0:  # added by an analyst: the machine missed it
                counts[(span.kind, span.label or "")]["fn"] += 1
    rows = []
    for (layer, label), c in sorted(counts.items()):
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        rows.append({"layer": layer, "label": label, "tp": tp, "fp": fp, "fn": fn,
                     "precision": tp / (tp + fp) if tp + fp else None,
                     "recall": tp / (tp + fn) if tp + fn else None})
    marks = ", ".join("?" for _ in reviewed)
    unreviewed = store.conn.execute(
        "SELECT count(*) FROM annotations WHERE deleted_at IS NULL AND action != 'note'"
        + (f" AND article_id NOT IN ({marks})" if reviewed else ""), reviewed).fetchone()[0]
    return {"articles": len(reviewed), "rows": rows, "unreviewed_corrections": unreviewed}


def quality_text(report: dict[str, Any]) -> str:
    n = report["articles"]
    lines = [f"machine quality on {n} reviewed article{'s' if n != 1 else ''}"
             f" ({report['unreviewed_corrections']} corrections on unreviewed articles not"
             " counted)"]
    if not report["rows"]:
        lines.append("nothing to score: mark articles reviewed (R in the reader) once every"
                     " layer is checked")
        return "\n".join(lines) + "\n"
    lines.append(f"{'layer':<16}{'label':<10}{'precision':>10}{'recall':>8}"
                 f"{'tp':>6}{'fp':>6}{'fn':>6}")

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{100 * v:.1f}"

    for r in report["rows"]:
        lines.append(f"{r['layer']:<16}{r['label'] or '—':<10}{pct(r['precision']):>10}"
                     f"{pct(r['recall']):>8}{r['tp']:>6}{r['fp']:>6}{r['fn']:>6}")
    return "\n".join(lines) + "\n"
