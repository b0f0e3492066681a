"""The article as the rest of the bot sees it: text plus metadata, no HTML."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Article:
    url: str                      # canonical URL (cache key)
    text: str                     # main body, paragraphs separated by blank lines
    title: str | None = None
    author: str | None = None
    date: str | None = None       # ISO 8601 date (YYYY-MM-DD) when known
    site: str | None = None       # site name, else the host
    language: str | None = None   # ISO 639-1 code when known
    image: str | None = None      # lead image URL
    final_url: str | None = None  # where the last redirect landed
    content_type: str = "text/html"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 230))
