"""Exports: coded events as ACLED-like CSV/JSONL; annotations as JSONL, brat standoff and
W3C Web Annotation (WADM) JSON-LD."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsdesk.contract import CASUALTY_KINDS, ENTITY_LABELS, EXPORT_FORMATS, range_words
from newsdesk.store.records import StoredSpan
from newsdesk.store.store import Store

EVENT_COLUMNS = (
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "location", "admin1", "country", "fatalities", "fatalities_min",
    "fatalities_max", "wounded_min", "wounded_max", "captured_min", "captured_max", "source",
    "source_titles", "source_urls", "notes", "analyst", "coded_at", "evidence",
    # coded | adjudicated (settles double codings) | original (an analyst's, settled)
    "coding", "superseded_by")
# a spreadsheet runs a cell that starts with one of these as a formula
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """CSV formula injection: a leading quote makes the cell plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def event_rows(store: Store, *, all_codings: bool = False) -> Iterator[dict[str, Any]]:
    """One row per event; an event adjudicated from analysts' codings stands for them,
    and with `all_codings` their originals come too, marked."""
    titles: dict[int, dict[str, Any]] = {}
    for event in store.events():
        if event.get("superseded_by") and not all_codings:
            continue
        evidence = []
        sources: list[str] = []
        cited: list[dict[str, Any]] = []  # each article once, in the order first cited
        for ev in event["evidence"]:
            article = titles.get(ev["article_id"])
            if article is None:
                article = store.article(ev["article_id"]) or {}
                titles[ev["article_id"]] = article
            src = article.get("source") or article.get("title") or f"article {ev['article_id']}"
            if src not in sources:
                sources.append(src)
            if article and article not in cited:
                cited.append(article)
            evidence.append({"article_id": ev["article_id"], "field": ev["field"],
                             "start": ev["start"], "end": ev["end"], "text": ev["text"]})
        yield {
            "event_id": event["id"], "event_date": event["event_date"],
            "time_precision": event["time_precision"], "event_type": event["event_type"],
            "sub_event_type": event["sub_event_type"], "actor1": event["actor1"],
            "actor2": event["actor2"], "location": event["location"], "admin1": event["admin1"],
            "country": event["country"],
            # ACLED's figure is the conservative one: the lowest the sources support
            "fatalities": event["fatalities_min"] or 0,
            "fatalities_min": event["fatalities_min"], "fatalities_max": event["fatalities_max"],
            "wounded_min": event["wounded_min"], "wounded_max": event["wounded_max"],
            "captured_min": event["captured_min"], "captured_max": event["captured_max"],
            "source": "; ".join(sources),
            "source_titles": "; ".join(a["title"] for a in cited),
            "source_urls": "; ".join(a["url"] or f"urn:newsdesk:article:{a['id']}" for a in cited),
            "notes": event["notes"], "analyst": event["analyst"],
            "coded_at": event["coded_at"], "evidence": evidence,
            "coding": ("adjudicated" if event.get("adjudicated") else
                       "original" if event.get("superseded_by") else "coded"),
            "superseded_by": event.get("superseded_by"),
        }


def events_csv(store: Store, *, all_codings: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in event_rows(store, all_codings=all_codings):
        row = {**row, "evidence": json.dumps(row["evidence"], ensure_ascii=False)}
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return out.getvalue()


def events_jsonl(store: Store, *, all_codings: bool = False) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n"
                   for row in event_rows(store, all_codings=all_codings))


def _annotated_articles(store: Store) -> list[int]:
    return [r[0] for r in store.conn.execute(
        "SELECT DISTINCT article_id FROM annotations WHERE deleted_at IS NULL"
        " UNION SELECT DISTINCT article_id FROM tags ORDER BY 1")]


def annotation_records(store: Store) -> Iterator[dict[str, Any]]:
    """Every analyst annotation with the words it points at, and every tag."""
    for article_id in _annotated_articles(store):
        article = store.article(article_id)
        if article is None:
            continue
        body = article["body"]
        for note in store.annotations(article_id):
            start, end = note["start"], note["end"]
            if start is None and note["span_id"] is not None:
                row = store.conn.execute('SELECT start, "end" FROM spans WHERE id = ?',
                                         [note["span_id"]]).fetchone()
                if row:
                    start, end = row
            yield {"article_id": article_id, "title": article["title"], "url": article["url"],
                   "id": note["id"], "action": note["action"], "kind": note["kind"],
                   "label": note["label"], "note": note["note"], "attrs": note["attrs"],
                   "start": start, "end": end,
                   "text": body[start:end] if start is not None and end is not None else None,
                   "analyst": note["analyst"], "created": note["created_at"]}
        for tag, analyst, created in store.conn.execute(
                "SELECT tag, analyst, created_at FROM tags WHERE article_id = ? ORDER BY tag",
                [article_id]):
            yield {"article_id": article_id, "title": article["title"], "url": article["url"],
                   "id": None, "action": "tag", "kind": None, "label": tag, "note": None,
                   "attrs": {}, "start": None, "end": None, "text": None, "analyst": analyst,
                   "created": created}


def annotations_jsonl(store: Store) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in annotation_records(store))


# brat's entity types: the contract's labels and kinds, plus quotes, dates and notes
BRAT_TYPES = (*ENTITY_LABELS, *CASUALTY_KINDS, "Quote", "Date", "Note")


def _brat_type(name: Any) -> str:
    # brat types are one token of letters, digits, - and _
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in str(name)) or "Note"


def _span_note(span: StoredSpan) -> str:
    """What brat's AnnotatorNotes say of a span: its value, and who made or checked it."""
    attrs = span.attrs
    parts = []
    if span.kind == "casualty":
        parts.append(f"{span.label} {range_words(attrs.get('min'), attrs.get('max'))}"
                     + (" (vague)" if attrs.get("vague") else ""))
    elif span.kind == "date" and attrs.get("value"):
        parts.append(f"value {attrs['value']}")
    elif span.kind == "quote" and attrs.get("speaker"):
        parts.append(f"speaker {attrs['speaker']}")
    elif span.kind == "entity" and attrs.get("canonical"):
        parts.append(f"canonical {attrs['canonical']}")
    if attrs.get("added"):
        parts.append(f"added by {attrs.get('analyst')}")
    elif attrs.get("corrected_by"):
        parts.append(f"corrected by {attrs['corrected_by']}")
    elif attrs.get("accepted_by"):
        parts.append(f"accepted by {attrs['accepted_by']}")
    else:
        parts.append("machine")
    return "; ".join(parts)


def _brat_span_type(span: StoredSpan) -> str:
    if span.kind == "quote":
        return "Quote"
    if span.kind == "date":
        return "Date"
    return _brat_type(span.label or ("MISC" if span.kind == "entity" else "killed"))


def write_brat(store: Store, folder: Path) -> list[Path]:
    """For each article analysts worked on: `<id>.txt` (the body) and `<id>.ann`, the spans
    as the analysts corrected them (a rejected span is not there, a relabelled one has its
    new type, a fixed figure its new range in the notes) and their notes; plus the
    collection's `annotation.conf`, which brat needs to load it."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    types = set(BRAT_TYPES)
    for article_id in _annotated_articles(store):
        body = store.body(article_id)
        annotations = store.annotations(article_id)
        items = [(_brat_span_type(s), s.start, s.end, _span_note(s))
                 for s in store.corrected_spans(article_id, annotations)]
        items += [("Note", a["start"], a["end"],
                   " ".join(filter(None, [a["label"], a["note"], f"by {a['analyst']}"])))
                  for a in annotations if a["action"] == "note" and a["start"] is not None]
        lines = []
        t = 0
        for kind, start, end, detail in sorted(items, key=lambda i: (i[1], i[2], i[0])):
            text = body[start:end]
            if "\n" in text or start >= end:
                continue  # brat's discontinuous spans are out of scope: skip multi-line ones
            t += 1
            types.add(kind)
            lines.append(f"T{t}\t{kind} {start} {end}\t{text}")
            lines.append(f"#{t}\tAnnotatorNotes T{t}\t{' '.join(str(detail).split())}")
        txt = folder / f"{article_id}.txt"
        txt.write_text(body, encoding="utf-8")
        ann = folder / f"{article_id}.ann"
        ann.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
        written += [txt, ann]
    conf = folder / "annotation.conf"
    ordered = [*BRAT_TYPES, *sorted(types - set(BRAT_TYPES))]
    conf.write_text("[entities]\n" + "\n".join(ordered) + "\n\n[relations]\n\n[events]\n\n"
                    "[attributes]\n", encoding="utf-8")
    written.append(conf)
    return written


def _correction(record: dict[str, Any]) -> str | None:
    """A correction's new value in words (the WADM body that carries it)."""
    attrs = record["attrs"] or {}
    if record["action"] == "fix":
        return (f"{record['label'] or attrs.get('kind') or 'figure'}"
                f" {range_words(attrs.get('min'), attrs.get('max'))}")
    if record["action"] == "speaker":
        return f"speaker {attrs.get('speaker')}"
    if record["action"] in ("relabel", "add"):
        return record["label"]
    return None


def wadm(store: Store, base: str = "urn:newsdesk:article:") -> dict[str, Any]:
    """A W3C Web Annotation collection (JSON-LD) with quote and position selectors."""
    items = []
    bodies: dict[int, str] = {}
    for record in annotation_records(store):
        article_id = record["article_id"]
        if article_id not in bodies:
            bodies[article_id] = store.body(article_id)
        source = record["url"] or f"{base}{article_id}"
        target: dict[str, Any] = {"source": source}
        if record["start"] is not None and record["end"] is not None:
            body = bodies[article_id]
            s, e = record["start"], record["end"]
            target["selector"] = [
                {"type": "TextQuoteSelector", "exact": body[s:e],
                 "prefix": body[max(0, s - 32):s], "suffix": body[e:e + 32]},
                {"type": "TextPositionSelector", "start": s, "end": e},
            ]
        body_items = [{"type": "TextualBody", "purpose": "tagging" if record["action"] in
                       ("tag", "relabel", "add") else "commenting",
                       "value": record["note"] or record["label"] or record["action"]}]
        corrected = _correction(record)
        if corrected is not None and record["action"] in ("fix", "speaker"):
            # the corrected value, with the figure's range as data too
            attrs = record["attrs"] or {}
            body_items.append({"type": "TextualBody", "purpose": "editing", "value": corrected,
                               **({"newsdesk:min": attrs.get("min"),
                                   "newsdesk:max": attrs.get("max")}
                                  if record["action"] == "fix" else {})})
        items.append({
            "id": f"urn:newsdesk:annotation:{record['action']}:{article_id}:"
                  f"{record['id'] if record['id'] is not None else record['label']}",
            "type": "Annotation",
            "motivation": {"tag": "tagging", "note": "commenting", "reject": "assessing",
                           "accept": "assessing"}.get(record["action"], "editing"),
            "creator": {"type": "Person", "name": record["analyst"]},
            "created": record["created"], "body": body_items, "target": target,
        })
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
            "label": "newsdesk annotations", "total": len(items),
            "first": {"type": "AnnotationPage", "items": items}}


INCIDENT_KINDS = CASUALTY_KINDS
INCIDENT_COLUMNS = ("incident_id", "status", "name", "date", "precision", "kind", "location",
                    "admin1", "country", *(f"{k}_{part}" for k in INCIDENT_KINDS
                                          for part in ("low", "best", "high")),
                    "disputed", "revised", "sources", "analyst", "articles")
PER_SOURCE_COLUMNS = ("incident_id", "status", "incident_name", "incident_date", "kind",
                      "figure_kind", "min", "max", "article_id", "url", "title", "published",
                      "source", "text", "words")


def incident_rows(store: Store) -> Iterator[dict[str, Any]]:
    """One record per incident, suggested and confirmed alike: each kind's toll as
    {"low", "best", "high"} (high None when a source leaves it open), and its reports."""
    for row in store.list_incidents(sort="oldest", limit=-1):
        incident = store.incident(row.id) or {}
        tolls = incident.get("tolls") or {}
        record: dict[str, Any] = {
            "incident_id": row.id, "status": row.status, "name": row.name, "date": row.date,
            "precision": row.precision, "kind": row.kind, "location": row.location,
            "admin1": incident.get("admin1"), "country": row.country}
        for kind in INCIDENT_KINDS:
            toll = tolls.get(kind)
            record[kind] = ({"low": toll["low"], "best": toll["best"], "high": toll["high"]}
                            if toll else None)
        record.update(
            disputed=row.disputed, revised=row.revised, sources=row.n_sources,
            analyst=row.analyst,
            articles=[{"id": s["article_id"], "url": s["url"], "title": s["title"],
                       "published": s["published"], "source": s["source"]}
                      for s in incident.get("sources") or []])
        yield record


def incident_source_rows(store: Store) -> Iterator[dict[str, Any]]:
    """One record per source figure: who said what, and when, of each incident."""
    for record in incident_rows(store):
        incident = store.incident(record["incident_id"]) or {}
        by_id = {s["article_id"]: s for s in incident.get("sources") or []}
        for kind, toll in (incident.get("tolls") or {}).items():
            for told in toll["sources"]:
                article = by_id.get(told["article_id"], {})
                yield {"incident_id": record["incident_id"], "status": record["status"],
                       "incident_name": record["name"], "incident_date": record["date"],
                       "kind": record["kind"], "figure_kind": kind, "min": told["min"],
                       "max": told["max"], "article_id": told["article_id"],
                       "url": article.get("url"), "title": article.get("title"),
                       "published": told["published"], "source": told["source"],
                       "text": told["text"], "words": told["words"]}


def incidents_text(store: Store, fmt: str, *, per_source: bool = False) -> str:
    rows = incident_source_rows(store) if per_source else incident_rows(store)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PER_SOURCE_COLUMNS if per_source
                            else INCIDENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        if not per_source:
            flat = {k: v for k, v in r.items() if k not in INCIDENT_KINDS}
            for kind in INCIDENT_KINDS:
                for part in ("low", "best", "high"):
                    flat[f"{kind}_{part}"] = (r[kind] or {}).get(part)
            flat["articles"] = json.dumps(r["articles"], ensure_ascii=False)
            r = flat
        writer.writerow({k: neutralise(v) for k, v in r.items()})
    return out.getvalue()


ENTITY_COLUMNS = ["id", "label", "canonical", "aliases", "geonames_id", "admin1", "country",
                  "articles", "mentions", "first_seen", "last_seen"]


def entities_text(store: Store, fmt: str) -> str:
    """Every store-wide entity: its spellings, GeoNames id, counts, first and last seen."""
    rows = store.export_entities()
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ENTITY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: neutralise(" | ".join(v) if k == "aliases" else v)
                         for k, v in r.items()})
    return out.getvalue()


def export_text(store: Store, what: str, fmt: str, *, all_codings: bool = False) -> str:
    """One export as text; brat is a folder of files, written by `write_brat`."""
    if fmt not in EXPORT_FORMATS.get(what, ()) or fmt == "brat":
        raise ValueError(f"no {fmt} export of {what}")
    if what == "events":
        return (events_csv if fmt == "csv" else events_jsonl)(store, all_codings=all_codings)
    if what == "incidents":
        return incidents_text(store, fmt)
    if what == "entities":
        return entities_text(store, fmt)
    if fmt == "jsonl":
        return annotations_jsonl(store)
    return json.dumps(wadm(store), ensure_ascii=False, indent=1) + "\n"


def export_file_name(what: str, fmt: str, stamp: str) -> str:
    """The name an export gets in the export folder (brat: a folder)."""
    suffix = "" if fmt == "brat" else "." + ("json" if fmt == "wadm" else fmt)
    return f"newsdesk-{what}-{stamp}{suffix}"
