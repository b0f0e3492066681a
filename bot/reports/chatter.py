"""What a chat message adds to a discussion: its words, without links, mentions, markup or commands.

Digests quote and cluster only this text, so a bare link, a line of mentions, a typed bot command
("!play", "?rank", ".ban") or a spoiler never shows up as "what was discussed".
"""

from __future__ import annotations

import re

_COMMAND = re.compile(r"\s*[!?./$%&;~+=-][^\W\d_]")             # a prefix character glued to a word
# One pass removes, in this order of preference: code, spoilers, links, mentions of users, roles and
# channels, custom emoji, timestamps, slash-command mentions, @everyone/@here, and heading markers.
_NOISE = re.compile(
    r"```.*?(?:```|\Z)|`[^`\n]*`"
    r"|\|\|.*?\|\|"
    r"|<?https?://[^\s>]+>?"
    r"|<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::\w)?|/[\w -]+:\d+)>"
    r"|@(?:everyone|here)\b"
    r"|^[ \t]{0,3}(?:#{1,3}|-#)[ \t]+",
    re.DOTALL | re.IGNORECASE | re.MULTILINE)
_MAYBE_NOISE = re.compile(r"[`|<:@#]")     # most chat lines have none of these: skip the big pattern


def is_command(text: str) -> bool:
    """A message typed to some bot ("!play song", "/roll 2d6", "?rank") rather than to people."""
    return _COMMAND.match(text) is not None


def discussion_text(text: str | None) -> str:
    """The words a member said, on one line; '' for commands and for messages with nothing but links,
    mentions, emoji or code."""
    if not text or is_command(text):
        return ""
    if _MAYBE_NOISE.search(text):
        text = _NOISE.sub(" ", text)
    return " ".join(text.split()).strip(" ,;:-–—")
