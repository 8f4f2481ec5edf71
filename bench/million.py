"""A store of a million articles whose text is realistic for search, kept in bench/out/.

The seed copies of `corpus.build_big_store` repeat 31 texts: every word is in a third of
the store or in none, so a search there says little about one over real wire stories. Here
each article is drawn from a vocabulary of 60,000 words with Zipf frequencies (the seeds'
own words first, in their order of frequency, then made-up words for the long tail), with
people, organisations and places mixed in, a title, a source, a date over ten years and a
length from a few sentences to a long feature. Entity spans are known as the text is made,
so the list's counts, the entity index and `person:`/`place:` filters are all real; no
extractor runs, which is what makes a million articles take minutes, not hours.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import re
import time
from collections import Counter
from pathlib import Path

import numpy as np

from newsdesk.extract.identities import entity_groups
from newsdesk.store import Store

VOCABULARY = 60_000
ZIPF_S = 1.07           # English word frequencies fall about as 1/rank^1.07
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 3653             # ten years
SOURCES = ("Reuters", "AFP", "Associated Press", "BBC", "al-Araby al-Jadeed", "Wikinews",
           "Xinhua", "Anadolu", "Kyodo", "Deutsche Welle", "The Hindu", "Daily Nation")
_SYLLABLES = ("ba", "ka", "ri", "to", "mel", "an", "sor", "vi", "den", "lu", "ga", "ster",
              "po", "ran", "ki", "tha", "mo", "le", "zu", "ver", "in", "ol", "dra", "ne",
              "cor", "fi", "sha", "bel", "tu", "ma", "quen", "dal", "ro", "sin", "e", "u")
_WORD = re.compile(r"[a-z]+")
BATCH = 5000            # articles a transaction
CHUNK = 500             # articles a task of the writing process


def _made_up(rng: np.random.Generator, n: int, syllables: tuple[int, int]) -> list[str]:
    out: dict[str, None] = {}
    while len(out) < n:
        k = int(rng.integers(*syllables))
        out["".join(_SYLLABLES[i] for i in rng.integers(0, len(_SYLLABLES), k))] = None
    return list(out)


def vocabulary(seed_texts: list[str], rng: np.random.Generator) -> list[str]:
    """The seeds' words by frequency, then made-up words to VOCABULARY."""
    counts = Counter(w for text in seed_texts for w in _WORD.findall(text.lower()))
    head = [w for w, _ in counts.most_common()]
    tail = [w for w in _made_up(rng, VOCABULARY, (2, 5)) if w not in counts]
    return (head + tail)[:VOCABULARY]


class Writer:
    """Makes one article at a time from shared, seeded material."""

    def __init__(self, seed_texts: list[str], seed: int = 2015) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = vocabulary(seed_texts, self.rng)
        ranks = np.arange(1, len(self.words) + 1, dtype=np.float64)
        self.cum = np.cumsum(1 / ranks ** ZIPF_S)
        self.cum /= self.cum[-1]
        given = [w.capitalize() for w in _made_up(self.rng, 3000, (2, 4))]
        family = [w.capitalize() for w in _made_up(self.rng, 20000, (2, 4))]
        # people and places are Zipfian too: a few are in the news every day
        self.people = [f"{given[i % len(given)]} {family[i]}" for i in range(len(family))]
        self.orgs = [f"{w.capitalize()} {head}" for w, head in zip(
            _made_up(self.rng, 4000, (2, 4)),
            ("Party", "Bank", "Group", "Council", "Front", "Ministry", "Corp", "Union") * 500)]
        self.places = [w.capitalize() for w in _made_up(self.rng, 8000, (2, 4))]

    @staticmethod
    def probe_words(path: Path) -> dict[str, str]:
        """A common, a middling and a rare word of a built store, for the search measures:
        ranks 30, 2,000 and 40,000 of the vocabulary (the seeds' words come first)."""
        from bench.corpus import seed_articles

        rng = np.random.default_rng(2015)
        words = vocabulary([a.body for a in seed_articles()], rng)
        pick = {"common": 30, "middling": 2000, "rare": 40000}
        out = {}
        for name, rank in pick.items():
            # at least three letters: a shorter word is searched whole, not as typed
            out[name] = next(w for w in words[rank:] if len(w) >= 4)
        return out

    def _pick(self, names: list[str]) -> str:
        rank = min(len(names) - 1, int(self.rng.zipf(1.3)) - 1)
        return names[rank]

    def article(self, i: int) -> dict:
        rng = self.rng
        n_words = int(np.clip(rng.lognormal(5.6, 0.6), 40, 3000))
        draws = np.searchsorted(self.cum, rng.random(n_words + 12))
        words = [self.words[k] for k in draws]
        entities: list[dict] = []
        parts: list[str] = []
        pos = 0
        sentence = 0
        w = 0
        while w < n_words:
            length = int(rng.integers(8, 28))
            chunk = words[w:w + length]
            w += length
            if not chunk:
                break
            chunk[0] = chunk[0].capitalize()
            if parts:
                parts.append("\n" if sentence % 5 == 0 else " ")
                pos += 1
            # a name or a place in most sentences, where news puts them
            roll = rng.random()
            if roll < 0.75:
                label, names = (("PER", self.people) if roll < 0.35 else
                                ("LOC", self.places) if roll < 0.6 else ("ORG", self.orgs))
                name = self._pick(names)
                at = int(rng.integers(1, len(chunk) + 1))  # never first: "in X" opens none
                lead = " ".join(chunk[:at])
                start = pos + len(lead) + (1 if lead else 0)
                if label == "LOC":
                    start += 3
                    name_text = f"in {name}"
                else:
                    name_text = name
                chunk = [*chunk[:at], name_text, *chunk[at:]]
                entities.append({"start": start, "end": start + len(name), "text": name,
                                 "label": label})
            text = " ".join(chunk) + "."
            parts.append(text)
            pos += len(text)
            sentence += 1
        body = "".join(parts)
        title_words = words[n_words:n_words + int(rng.integers(5, 12))]
        subject = entities[0]["text"] if entities else self._pick(self.places)
        title = f"{subject}: {' '.join(title_words)}".strip()
        published = FIRST_DAY + dt.timedelta(days=int(rng.integers(0, DAYS)))
        killed = int(rng.zipf(1.8)) if rng.random() < 0.15 else 0
        casualties = []
        if killed:
            phrase = f" {killed} people were killed."
            casualties.append({"start": len(body) + 1, "end": len(body) + len(phrase) - 1,
                               "text": phrase[1:-1], "kind": "killed", "min": killed,
                               "max": killed})
            body += phrase
        return {"title": title, "body": body, "published": published.isoformat(),
                "source": SOURCES[i % len(SOURCES)], "origin": f"million-{i}",
                "extraction": {"entities": entities, "casualties": casualties},
                "entities": entity_groups(entities)}


_WRITER: Writer | None = None


def _start_writer(seed_texts: list[str]) -> None:
    global _WRITER
    _WRITER = Writer(seed_texts)


def _chunk(lo_hi: tuple[int, int]) -> list[dict]:
    """Articles lo..hi, the same whichever process makes them."""
    assert _WRITER is not None
    lo, hi = lo_hi
    _WRITER.rng = np.random.default_rng([2015, lo])
    return [_WRITER.article(i) for i in range(lo, hi)]


def _ahead(pool, chunks: list[tuple[int, int]], depth: int = 8):
    """The chunks' articles in order, made at most `depth` chunks ahead of their storing:
    Pool.imap runs as far ahead as it can, and the writing process is the slower one (a
    million articles held 9 GB of them in memory)."""
    from collections import deque

    pending: deque = deque()
    todo = iter(chunks)
    for chunk in todo:
        pending.append(pool.apply_async(_chunk, (chunk,)))
        if len(pending) >= depth:
            break
    while pending:
        done = pending.popleft().get()
        nxt = next(todo, None)
        if nxt is not None:
            pending.append(pool.apply_async(_chunk, (nxt,)))
        yield done


def build_million_store(path: Path, n: int = 1_000_000, seed_texts: list[str] | None = None,
                        log=print) -> Path:
    """Built once and kept: an existing store of at least n articles is reused."""
    if path.exists():
        with Store(path, backup_before_migrate=False) as store:
            if store.count_articles() >= n:
                return path
        path.unlink()
    if seed_texts is None:
        from bench.corpus import seed_articles

        seed_texts = [a.body for a in seed_articles()]
    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    t0 = time.perf_counter()
    chunks = [(lo, min(n, lo + CHUNK)) for lo in range(0, n, CHUNK)]
    # another process writes the text while this one stores it: half the time on two cores
    with Store(tmp) as store, store.bulk_cache(256), \
            multiprocessing.get_context("spawn").Pool(
                1, _start_writer, (seed_texts,)) as pool:
        made = _ahead(pool, chunks)
        for first in range(0, len(chunks), BATCH // CHUNK):
            with store.write() as conn:
                for i, art in enumerate(
                        (a for _ in chunks[first:first + BATCH // CHUNK]
                         for a in next(made)), start=first * CHUNK):
                    article_id, _ = store.add_article(
                        title=art["title"], body=art["body"], published=art["published"],
                        source=art["source"], origin=art["origin"],
                        extraction=art["extraction"], extractor_version="bench-million",
                        entities=art["entities"], tags=["bench"] if i % 50 == 0 else None)
                    if article_id % 7 == 0:
                        conn.execute("UPDATE articles SET read_at = '2025-01-01' WHERE id = ?",
                                     [article_id])
            done = min(n, (first + BATCH // CHUNK) * CHUNK)
            if (first // (BATCH // CHUNK)) % 20 == 0 or done >= n:
                log(f"  built {done:,} of {n:,} articles"
                    f" ({time.perf_counter() - t0:.0f} s)")
        # as `newsdesk compact` leaves a store (ingest leaves the index in ~26 pieces)
        compacting = time.perf_counter()
        pieces, _ = store.compact_search_index()
        log(f"  search index compacted from {pieces} pieces"
            f" ({time.perf_counter() - compacting:.0f} s)")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("ANALYZE")
    tmp.rename(path)
    log(f"  {n:,} articles in {time.perf_counter() - t0:.0f} s,"
        f" {path.stat().st_size / n / 1024:.1f} kB each")
    return path
