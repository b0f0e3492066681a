"""Passages of an article and their ranking for a question (shared by both answer providers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Passage:
    index: int   # 0-based position in the article
    start: int   # character offsets into Article.text
    end: int
    text: str    # == article.text[start:end]


def split_passages(text: str, *, max_chars: int = 600) -> list[Passage]:
    """Split an article into passages (paragraph-aligned, long paragraphs cut at sentence ends)."""
    raise NotImplementedError


def rank_passages(passages: list[Passage], query: str, *, k: int = 4) -> list[tuple[Passage, float]]:
    """The k passages that best match `query`, best first, with their BM25 scores."""
    raise NotImplementedError
