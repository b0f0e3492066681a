"""Cleaning a model's text before anyone sees it, and spotting instructions hidden in article text.

Rendering also sends with AllowedMentions.none(); stripping mention markup here is belt and braces, and
keeps "@everyone" out of stored summaries that may be shown elsewhere later. Links are removed outright:
a summary or answer never needs one (the embed links the article itself), and a model that read a page
written to trick it could otherwise put a phishing link in a bot-branded message.
"""

from __future__ import annotations

import re

from bot.util.text import clip

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")
_MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
# [text](url), with an optional title and nested brackets one level deep: kept as its text.
_MASKED_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?[^()\s]*(?:\([^()\s]*\)[^()\s]*)*>?"
                          r"(?:\s+[\"'][^\"']*[\"'])?\s*\)")
# Anything Discord (or a reader) would follow: scheme URLs, <scheme:...> autolinks, and www. hosts.
# (Parentheses inside a URL are kept only in pairs, so "(see https://x.example)" keeps its ")".)
_URL_BODY = r"[^\s<>()]*(?:\([^\s<>()]*\)[^\s<>()]*)*"
_BARE_URL = re.compile(rf"<?\b[a-z][a-z0-9+.-]{{1,20}}://{_URL_BODY}>?|<?\bwww\.{_URL_BODY}>?", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
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


def strip_links(text: str) -> str:
    """Masked links become their text; bare URLs go ("see https://x.example/y" -> "see")."""
    previous = None
    while previous != text:   # a link inside a link's text is unwrapped on the next pass
        previous, text = text, _MASKED_LINK.sub(r"\1", text)
    return _EMPTY_BRACKETS.sub("", _BARE_URL.sub("", text))


def clean_line(text: str, limit: int, *, bullet: bool = False) -> str:
    """One line of model output: no mentions, no links, single spaces, at most `limit` chars cut at a word."""
    text = " ".join(strip_links(strip_mentions(text)).split())
    if bullet:
        text = _BULLET.sub("", text)
    return clip(text.strip(), limit)


def strip_citation_markers(text: str) -> str:
    """'It opened in May [2].' -> 'It opened in May.' (passage numbers mean nothing to readers)."""
    return _CITATION.sub("", text)


def looks_like_injection(text: str) -> bool:
    """True for text that addresses a language model ("ignore previous instructions", "reply with '...'")."""
    return _INJECTION.search(text) is not None
