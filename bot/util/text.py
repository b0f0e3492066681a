"""Cutting and escaping text for people to read: one way to shorten, split and flatten it everywhere."""

from __future__ import annotations

import re

from discord.utils import escape_markdown

# A "[" with an even number of backslashes before it (none included) still opens a masked link.
_OPEN_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)\[")


def plural(n: int, word: str) -> str:
    """"1 message", "2,400 messages": a count with its noun, for people to read."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def one_line(text: str) -> str:
    """`text` with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


def _word_cut(text: str, limit: int) -> int:
    """Where to cut `text` to keep at most `limit` characters: the last space if it keeps over half."""
    space = text.rfind(" ", 0, limit + 1)
    return space if space > limit // 2 else limit


def clip(text: str, limit: int, marker: str = "…") -> str:
    """`text` (stripped) in at most `limit` characters, cut at a word boundary and marked when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    room = max(0, limit - len(marker))
    return text[:_word_cut(text, room)].rstrip(" ,;:-–—") + marker


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, split at paragraph, line or word boundaries; a piece that had
    to be cut mid-word ends with a marker."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit - 1
            pieces.append(rest[:cut] + "…")
        else:
            pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def escape(text: str) -> str:
    """One line of `text` with Discord markdown escaped; bare links stay intact and mentions readable (they
    are sent with AllowedMentions.none(), so they never ping). No masked link `[text](url)` survives:
    escape_markdown escapes only the first "[" of a line that holds several, so every other one is too."""
    return _OPEN_BRACKET.sub(r"\1\\[", escape_markdown(one_line(text)))


def link_label(text: str, limit: int) -> str:
    """`text` made safe as the visible part of a masked link `[label](url)`: escaped, and without square
    brackets, which could end the label early and start a link of the text's choosing
    (`Real headline](https://evil.example/x) [`)."""
    return clip(escape(text.replace("[", " ").replace("]", " ")), limit)
