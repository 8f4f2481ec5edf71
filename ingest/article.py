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
    link_only: bool = False        # a feed entry with a title and a link, no text at all
    encoding: str | None = None    # the charset its bytes were read in, when not UTF-8
    position: float | None = None  # share of its source read once it was (streamed files)


@dataclass
class Failure:
    origin: str
    reason: str

    def line(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class Partial:
    """An article stored with some extraction layers empty: their extractor raised."""
    origin: str
    article_id: int
    errors: dict[str, str]

    def line(self) -> str:
        layers = ", ".join(sorted(self.errors))
        first = self.errors[sorted(self.errors)[0]]
        return f"{self.origin}: stored without {layers} (article {self.article_id}; {first})"


@dataclass
class IngestReport:
    new: list[int] = field(default_factory=list)          # article ids
    duplicates: list[str] = field(default_factory=list)   # origins
    failed: list[Failure] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)     # teasers given their full text
    partial: list[Partial] = field(default_factory=list)  # stored, some layers empty
    encodings: dict[str, int] = field(default_factory=dict)  # charset -> articles read in it

    def extend(self, other: IngestReport) -> None:
        self.new.extend(other.new)
        self.duplicates.extend(other.duplicates)
        self.failed.extend(other.failed)
        self.replaced.extend(other.replaced)
        self.partial.extend(other.partial)
        for name, n in other.encodings.items():
            self.encodings[name] = self.encodings.get(name, 0) + n

    def summary(self) -> str:
        parts = [f"{len(self.new)} new"]
        if self.replaced:
            parts.append(f"{len(self.replaced)} given their full text")
        parts.append(f"{len(self.duplicates)} duplicate{'s' if len(self.duplicates) != 1 else ''}")
        parts.append(f"{len(self.failed)} failed")
        line = ", ".join(parts)
        if self.partial:
            by_layer: dict[str, int] = {}
            for p in self.partial:
                for layer in p.errors:
                    by_layer[layer] = by_layer.get(layer, 0) + 1
            line += "; " + ", ".join(f"{n} stored without {layer}"
                                     for layer, n in sorted(by_layer.items()))
        if self.encodings:
            line += "; read as " + ", ".join(f"{name} ({n})"
                                             for name, n in sorted(self.encodings.items()))
        return line
