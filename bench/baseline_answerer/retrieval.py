"""Passages of an article and their ranking for a question (shared by both answer providers)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rank_bm25 import BM25Okapi

from bench.baseline_answerer.text import content_tokens, split_sentences


@dataclass(frozen=True, slots=True)
class Passage:
    index: int   # 0-based position in the article
    start: int   # character offsets into Article.text
    end: int
    text: str    # == article.text[start:end]


_PARA_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for m in [*_PARA_BREAK.finditer(text), None]:
        stop = m.start() if m else len(text)
        start, end = pos, stop
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
        pos = m.end() if m else len(text)
    return out


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Pieces of one paragraph of at most max_chars, cut at sentence ends (at spaces if one is too long)."""
    pieces: list[tuple[int, int]] = []
    for s in split_sentences(text[start:end]):
        s_start, s_end = start + s.start, start + s.end
        while s_end - s_start > max_chars:   # a single enormous "sentence": cut at the last space
            space = text.rfind(" ", s_start, s_start + max_chars)
            stop = space if space > s_start else s_start + max_chars
            pieces.append((s_start, stop))
            s_start = stop
            while s_start < s_end and text[s_start].isspace():
                s_start += 1
        if pieces and s_end - pieces[-1][0] <= max_chars:
            pieces[-1] = (pieces[-1][0], s_end)
        elif s_end > s_start:
            pieces.append((s_start, s_end))
    return pieces


def split_passages(text: str, *, max_chars: int = 600) -> list[Passage]:
    """Split an article into passages (paragraph-aligned, long paragraphs cut at sentence ends).

    Short neighbours (a heading, a one-line paragraph) are merged while the result stays within
    max_chars, so that no passage is a fragment without context.
    """
    pieces: list[tuple[int, int]] = []
    for start, end in _paragraphs(text):
        pieces.extend([(start, end)] if end - start <= max_chars else _cut_long(text, start, end, max_chars))
    short = max_chars // 3
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged:
            p_start, p_end = merged[-1]
            if (p_end - p_start < short or end - start < short) and end - p_start <= max_chars:
                merged[-1] = (p_start, end)
                continue
        merged.append((start, end))
    return [Passage(i, s, e, text[s:e]) for i, (s, e) in enumerate(merged)]


class _BM25(BM25Okapi):
    """BM25Okapi with Lucene's always-positive IDF.

    The classic IDF is zero or negative for a term found in half of the documents or more, which
    for a five-passage article throws away exactly the terms that tell passages apart.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1.0 + (self.corpus_size - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


def rank_passages(passages: list[Passage], query: str, *, k: int = 4) -> list[tuple[Passage, float]]:
    """The k passages that best match `query`, best first, with their BM25 scores."""
    if not passages or k <= 0:
        return []
    corpus = [content_tokens(p.text) for p in passages]
    terms = content_tokens(query)
    if not terms or not any(corpus):
        scores = [0.0] * len(passages)
    else:
        scores = [float(s) for s in _BM25(corpus).get_scores(terms)]
    order = sorted(range(len(passages)), key=lambda i: (-scores[i], i))
    return [(passages[i], scores[i]) for i in order[:k]]
