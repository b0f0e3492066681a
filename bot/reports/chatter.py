"""What a chat message adds to a discussion: its words, without links, mentions, markup or commands.

Digests quote and cluster only this text, so a bare link, a line of mentions, a typed bot command
("!play", "?rank", ".ban") or a spoiler never shows up as "what was discussed".
"""

from __future__ import annotations

import re

_COMMAND = re.compile(r"\s*[!?./$%&;~+=-][^\W\d_]")             # a prefix character glued to a word
_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.DOTALL)
_SPOILER = re.compile(r"\|\|.*?\|\|", re.DOTALL)
_LINK = re.compile(r"<?https?://[^\s>]+>?", re.IGNORECASE)
# user, role and channel mentions, custom emoji, timestamps, slash-command mentions
_MARKUP = re.compile(r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::\w)?|/[\w -]+:\d+)>")
_MASS = re.compile(r"@(?:everyone|here)\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}(?:#{1,3}|-#)\s+", re.MULTILINE)


def is_command(text: str) -> bool:
    """A message typed to some bot ("!play song", "/roll 2d6", "?rank") rather than to people."""
    return _COMMAND.match(text) is not None


def discussion_text(text: str | None) -> str:
    """The words a member said, on one line; '' for commands and for messages with nothing but links,
    mentions, emoji or code."""
    if not text or is_command(text):
        return ""
    for pattern in (_CODE, _SPOILER, _LINK, _MARKUP, _MASS):
        text = pattern.sub(" ", text)
    text = _HEADING.sub("", text)
    return " ".join(text.split()).strip(" ,;:-–—")
