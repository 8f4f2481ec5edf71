"""Regular expressions compiled once per Python build, not once per process.

The extractors' patterns are long alternations: Python's own compiler (pure Python)
takes about 200 ms for them, which every `newsdesk extract` and the reader's first article
paid before reading a word. `compiled()` keeps what that compiler produces in the user
cache and hands it to the regex engine directly next time, which its validator checks;
anything unexpected falls back to compiling as `re.compile` does.
"""
from __future__ import annotations

import _sre  # the engine re.compile ends in
import atexit
import hashlib
import marshal
import os
import re
import sys
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

# what the engine is handed: flags, code, groups, group index, index group
Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_BUILD = hashlib.blake2b(f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}".encode(),
                         digest_size=8).hexdigest()
_MAX_ENTRIES = 4000  # beyond this, old patterns no run uses any more are dropped

_entries: dict[tuple[str, int], Entry] | None = None
_used: set[tuple[str, int]] = set()
_unsaved = False


def _cache_file() -> Any:
    from newsdesk.config import cache_dir

    return cache_dir() / f"patterns-{_BUILD}.marshal"


def _load() -> dict[tuple[str, int], Entry]:
    try:
        data = marshal.loads(_cache_file().read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}  # none yet, or damaged: compile, and write a good one at exit
    return data if isinstance(data, dict) else {}


def _save() -> None:
    if not _unsaved or _entries is None:
        return
    entries = _entries if len(_entries) <= _MAX_ENTRIES else {
        k: v for k, v in _entries.items() if k in _used}
    try:
        path = _cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(entries))
        os.replace(tmp, path)  # atomic: a concurrent run reads the old file or this one
    except (OSError, ValueError):
        pass  # a read-only cache costs speed next run, nothing else


def _fresh_entry(pattern: str, flags: int) -> Entry:
    """What re's compiler hands the engine for this pattern (as re._compiler.compile)."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    # the opcodes are int subclasses, which marshal refuses
    return (flags | parsed.state.flags, [int(c) for c in code], parsed.state.groups - 1, groupindex,
            tuple(indexgroup))


def compiled(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the cache when this build compiled it before."""
    global _entries, _unsaved
    if _entries is None:
        _entries = _load()
        atexit.register(_save)
    key = (pattern, int(flags))
    _used.add(key)
    entry = _entries.get(key)
    if entry is not None:
        try:
            return _sre.compile(pattern, *entry)
        except (TypeError, ValueError, RuntimeError):
            pass  # not what this engine accepts: compile it afresh
    try:
        entry = _fresh_entry(pattern, int(flags))
        compiled_pattern = _sre.compile(pattern, *entry)
    except (AttributeError, TypeError, ValueError, RuntimeError):
        # a Python whose re internals differ: compile as ever, and keep nothing
        return re.compile(pattern, flags)
    _entries[key] = entry
    _unsaved = True
    return compiled_pattern
