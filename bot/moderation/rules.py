"""Local moderation rules: the guild's words and /regexes/, mass mentions, invite links and flooding.

Stateless checks (`check_content`) cost nothing and always run; `FloodWindow` remembers recent messages per
member, fed in scan order by the flagger.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import OrderedDict, deque
from collections.abc import Sequence

from bot.store.moderation import ScanRow

log = logging.getLogger(__name__)

MASS_MENTION_USERS = 5          # distinct <@id> mentions that make a mass mention
FLOOD_BURST = 6                 # messages by one author in one channel ...
FLOOD_BURST_MS = 10_000         # ... within this time
FLOOD_REPEAT = 3                # the same text by one author ...
FLOOD_REPEAT_MS = 60_000        # ... within this time
FLOOD_MAX_KEYS = 20_000         # guild/author windows kept in memory (least recently seen dropped)
FLOOD_MAX_ENTRIES = 64          # entries kept per window

_EVERYONE = re.compile(r"(?<![\w@])@(?:everyone|here)\b", re.IGNORECASE)
_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_INVITE = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.|ptb\.|canary\.)?(?:discord\.gg|discord(?:app)?\.com/invite)/[\w-]{2,}",
    re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def compile_rules(rules: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each rule as (label, pattern): /regex/ as written, else a whole word or phrase; case-insensitive."""
    out: list[tuple[str, re.Pattern[str]]] = []
    for rule in rules:
        rule = rule.strip()
        if not rule:
            continue
        if len(rule) > 2 and rule.startswith("/") and rule.endswith("/"):
            try:
                out.append((rule, re.compile(rule[1:-1], re.IGNORECASE)))
            except re.error as exc:   # settings validate regexes; an old stored one may not
                log.warning("ignoring the invalid moderation rule %s: %s", rule, exc)
            continue
        out.append((f'"{rule}"', re.compile(rf"(?<!\w){re.escape(rule)}(?!\w)", re.IGNORECASE)))
    return tuple(out)


def check_content(content: str, rules: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(category, detail) for every local rule the text breaks, except flooding (which needs history)."""
    hits: list[tuple[str, str]] = []
    matched = [label for label, pattern in compile_rules(tuple(rules)) if pattern.search(content)]
    if matched:
        hits.append(("rule", "matched " + ", ".join(matched)))
    users = set(_USER_MENTION.findall(content))
    if _EVERYONE.search(content):
        hits.append(("mass_mention", "@everyone/@here"))
    elif len(users) >= MASS_MENTION_USERS:
        hits.append(("mass_mention", f"{len(users)} members mentioned"))
    if _INVITE.search(content):
        hits.append(("invite", "server invite link"))
    return hits


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


class FloodWindow:
    """Recent messages per (guild, author), bounded in keys and entries, fed in scan order."""

    def __init__(self, *, max_keys: int = FLOOD_MAX_KEYS) -> None:
        self._max_keys = max_keys
        self._windows: OrderedDict[tuple[int, int], deque[tuple[int, int, str]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def observe(self, row: ScanRow) -> str | None:
        """Record the message; the flood detail if it completes a burst or a repeat, else None."""
        if row.content is None:
            return None
        key = (row.guild_id, row.author_id)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = deque(maxlen=FLOOD_MAX_ENTRIES)
            if len(self._windows) > self._max_keys:
                self._windows.popitem(last=False)
        else:
            self._windows.move_to_end(key)
        while window and window[0][0] <= row.created_at - FLOOD_REPEAT_MS:
            window.popleft()
        text = normalise(row.content)
        window.append((row.created_at, row.channel_id, text))
        burst = sum(1 for at, channel, _ in window
                    if channel == row.channel_id and at > row.created_at - FLOOD_BURST_MS)
        repeats = sum(1 for _, _, seen in window if seen == text) if text else 0
        reasons = []
        if burst >= FLOOD_BURST:
            reasons.append(f"{burst} messages in {FLOOD_BURST_MS // 1000} s in one channel")
        if repeats >= FLOOD_REPEAT:
            reasons.append(f"same text {repeats} times in {FLOOD_REPEAT_MS // 1000} s")
        return "; ".join(reasons) or None
