"""Token counting without downloads.

Exact tokenizers (tiktoken) fetch their vocabularies on first use, which fails offline, and every
OpenAI-compatible server tokenizes differently anyway. Budgets only need a safe estimate: we take
the larger of a character-based and a word-based estimate, which over-counts slightly for English
prose with BPE tokenizers and stays within a few percent of them for code and numbers.
"""

from __future__ import annotations

import math
import re

_WORDISH = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def count_tokens(text: str) -> int:
    if not text:
        return 0
    by_chars = len(text) / 4.0
    by_pieces = len(_WORDISH.findall(text)) * 1.05
    return math.ceil(max(by_chars, by_pieces))


def truncate_to_tokens(text: str, limit: int) -> str:
    """Cut `text` at a word boundary so that count_tokens(result) <= limit."""
    if count_tokens(text) <= limit:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_tokens(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo]
    space = cut.rfind(" ")
    return cut[:space] if space > 0 else cut
