"""What every reader produces, and what a run reports."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
    title: str
    body: str
    published: str | None = None   # ISO date
    url: str | None = None
    source: str | None = None
    language: str | None = None
    origin: str | None = None      # where it came from: path, URL, 'stdin'
    tags: list[str] = field(default_factory=list)
    author: str | None = None
    site_name: str | None = None
    summary_only: bool = False     # a feed entry that carried only a summary


@dataclass
class Failure:
    origin: str
    reason: str

    def line(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class IngestReport:
    new: list[int] = field(default_factory=list)          # article ids
    duplicates: list[str] = field(default_factory=list)   # origins
    failed: list[Failure] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.new)} new, {len(self.duplicates)} duplicate"
                f"{'s' if len(self.duplicates) != 1 else ''}, {len(self.failed)} failed")
