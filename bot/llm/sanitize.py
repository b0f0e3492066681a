"""Cleaning a model's text before anyone sees it, and spotting instructions hidden in article text.

Rendering also sends with AllowedMentions.none(); stripping mention markup here is belt and braces, and
keeps "@everyone" out of stored summaries that may be shown elsewhere later.
"""

from __future__ import annotations

import re

from bot.util.text import clip

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")
_MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•‣–—]|\d{1,2}[.)])\s+")
_CITATION = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|my|these|those|previous|prior|above|"
    r"earlier|preceding|other)\s+)*(?:instructions|rules|prompts?|directions|guidelines)\b"
    r"|\bsystem\s+prompt\b|\bnew\s+instructions\b|\byou\s+are\s+now\s+(?:a|an|in)\b"
    r"|\b(?:reply|respond|answer)\s+(?:only\s+)?with\s+[\"“']",
    re.IGNORECASE,
)


def strip_mentions(text: str) -> str:
    """Remove user/role/channel mention markup; "@everyone"/"@here" lose their "@"."""
    return _MASS_MENTION.sub(r"\1", _MENTION.sub("", text))


def clean_line(text: str, limit: int, *, bullet: bool = False) -> str:
    """One line of model output: no mentions, single spaces, at most `limit` chars cut at a word."""
    text = " ".join(strip_mentions(text).split())
    if bullet:
        text = _BULLET.sub("", text)
    return clip(text.strip(), limit)


def strip_citation_markers(text: str) -> str:
    """'It opened in May [2].' -> 'It opened in May.' (passage numbers mean nothing to readers)."""
    return _CITATION.sub("", text)


def looks_like_injection(text: str) -> bool:
    """True for text that addresses a language model ("ignore previous instructions", "reply with '...'")."""
    return _INJECTION.search(text) is not None
