"""The article as the rest of the bot sees it: text plus metadata, no HTML."""

from __future__ import annotations

import dataclasses
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


MAX_TEXT_CHARS = 200_000   # article text handed to summarisers and answerers (a long book chapter)


def first_part(article: Article, limit: int = MAX_TEXT_CHARS) -> tuple[Article, bool]:
    """The article cut to at most `limit` characters, at a paragraph end if one is near, else at a sentence
    end or a space; and whether it was cut. Summaries and answers cost time in proportion to the text, so
    a page of many megabytes is read in part, and says so."""
    text = article.text
    if len(text) <= limit:
        return article, False
    window = text[:limit]
    cut = window.rfind("\n\n")
    if cut < limit // 2:
        cut = max(window.rfind(". "), window.rfind("\n")) + 1
    if cut < limit // 2:
        cut = window.rfind(" ")
    if cut < limit // 2:
        cut = limit
    return dataclasses.replace(article, text=text[:cut].rstrip()), True
