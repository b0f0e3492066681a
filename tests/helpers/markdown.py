"""What Discord's markdown would make of a text the bot sends: the masked links a reader could click."""

from __future__ import annotations

import re

_MASKED = re.compile(r"\[((?:[^\[\]]|\\[\[\]])*)\]\(\s*<?([^\s<>()]+)>?\s*\)")


def masked_links(markdown: str) -> list[tuple[str, str]]:
    """(text, target) of every masked link whose "[" is not escaped (an even run of backslashes before it).

    Deliberately generous: a "]" inside the text ends it only when not escaped, as in Discord's parser,
    and every "[" is tried as a start, so a link hidden after an escaped one is found too."""
    found = []
    for start in (i for i, c in enumerate(markdown) if c == "["):
        before = markdown[:start]
        if (len(before) - len(before.rstrip("\\"))) % 2:
            continue
        match = _MASKED.match(markdown, start)
        if match:
            found.append((match.group(1), match.group(2)))
    return found
