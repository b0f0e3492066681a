"""Escaping text for Discord markdown and the Markdown report."""

from __future__ import annotations

import re

# Inline markdown only: texts are flattened to one line, so line-start syntax (> quotes, # headings) can't
# occur, and leaving < > alone keeps Discord mentions readable.
_MARKDOWN = re.compile(r"([\\*_`~|\[\]])")


def escape(text: str) -> str:
    """One line of `text` with inline markdown characters escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))
